"""Extraction: HTML bytes + URL in, a clean :class:`~newscrawl.items.Article` out.

This package is a pure library: it never imports Scrapy, touches the
network or reads the clock. The crawler calls :func:`extract`; so does
``newscrawl extract`` on saved pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from collections.abc import Iterable

    from newscrawl.items import Article


@attrs.define
class ExtractionResult:
    """What extraction made of one page.

    ``item`` is set for article pages; otherwise ``skip_reason`` says why
    the page yields no article (``not_article``, ``no_body``, ``not_html``,
    ...), for the crawl stats.
    """

    item: Article | None = None
    skip_reason: str | None = None


def extract(
    body: bytes,
    url: str,
    headers: Iterable[tuple[str, str]] | None = None,
    status: int = 200,
) -> ExtractionResult:
    """Extract the article from one page (placeholder until pages.py lands)."""
    from newscrawl.extraction.pages import extract_page  # noqa: PLC0415

    return extract_page(body, url, headers=headers, status=status)

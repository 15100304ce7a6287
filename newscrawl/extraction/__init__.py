"""Extraction: HTML bytes + URL in, a clean :class:`~newscrawl.items.Article` out.

This package is a pure library: it never imports Scrapy, touches the
network or reads the clock. The crawler calls :func:`extract`; so does
``newscrawl extract`` on saved pages, and the quality benchmark.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from newscrawl.extraction.selectors import OutletSelectors
    from newscrawl.items import Article


@attrs.define
class ExtractionResult:
    """What extraction made of one page.

    ``item`` is set for article pages; otherwise ``skip_reason`` says why
    the page yields no article (``not_article``, ``no_body``, ``not_html``),
    for the crawl stats. ``unmatched_selectors`` names the outlet's
    ``headline``/``body`` selectors that matched nothing on an article page,
    so the generic extractor was used instead (the crawl counts them as
    ``newscrawl/selectors/no_match/<kind>``).
    """

    item: Article | None = None
    skip_reason: str | None = None
    detail: str | None = None
    unmatched_selectors: list[str] = attrs.field(factory=list)


def extract(  # noqa: PLR0913 - a response's four parts, then two keyword-only options
    body: bytes,
    url: str,
    headers: Iterable[tuple[str, str]] | None = None,
    status: int = 200,
    *,
    force: bool = False,
    selectors: Mapping[str, Any] | OutletSelectors | None = None,
) -> ExtractionResult:
    """Extract the article from one page, or say why there is none.

    With ``force``, a page that does not look like an article is extracted
    anyway (its ``skip_reason`` is still reported); only a body that is not
    HTML gives no item. ``selectors`` are an outlet's own CSS selectors
    (``{"drop": [...], "headline": "...", "body": "..."}``, see
    :mod:`newscrawl.extraction.selectors`).
    """
    from web_poet.fields import item_from_fields_sync  # noqa: PLC0415

    from newscrawl.extraction.pages import NotHtmlError, make_response, page_for  # noqa: PLC0415
    from newscrawl.extraction.selectors import OutletSelectors  # noqa: PLC0415
    from newscrawl.items import Article  # noqa: PLC0415

    page = page_for(make_response(body, url, headers, status), OutletSelectors.from_dict(selectors))
    try:
        reason = page.skip_reason()
        if reason is not None and not force:
            return ExtractionResult(skip_reason=reason)  # a listing page is expected not to match an article selector
        item = item_from_fields_sync(page, item_cls=Article, skip_nonitem_fields=True)
        unmatched = page.unmatched_selectors()
    except NotHtmlError as exc:
        return ExtractionResult(skip_reason="not_html", detail=str(exc))
    return ExtractionResult(item=item, skip_reason=reason, unmatched_selectors=unmatched)


def extract_article_text(body: bytes, url: str) -> str:
    """The article text as a reader sees it: dateline, then body (used by the benchmark).

    Unlike :func:`extract`, this does not classify the page: it always
    returns the best body it finds.
    """
    from newscrawl.extraction.pages import NotHtmlError, make_response, page_for  # noqa: PLC0415

    page = page_for(make_response(body, url))
    try:
        dateline, body_text = page.dateline, page.body
    except NotHtmlError:
        return ""
    return "\n\n".join(x for x in (dateline, body_text) if x)

"""What discovery knew about an article, used where the page itself is silent.

Sitemaps (Google News ``news:publication_date``) and feeds (``pubDate``)
date an article before it is fetched. The page's own metadata is trusted
first; when it has no publication date, the listing's date fills it, with
``date_published_source`` saying so (``sitemap`` or ``feed``), so
researchers can filter on trust. A sitemap's ``lastmod`` is a change date,
not a publication date, and is never used for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from newscrawl.items import Article


def fill_from_listing(item: Article, listed: Mapping[str, Any] | None) -> Article:
    """Fill ``item``'s missing publication date (and headline) from its listing entry."""
    if not listed:
        return item
    if item.date_published is None:
        # Imported here: the crawl process needs the date parser (2.4 MB, 30-60 ms of start-up) only for the
        # articles whose page gives no date.
        from newscrawl.extraction.dates import normalize_date  # noqa: PLC0415

        for key, raw_key, source in (
            ("news_publication_date", "news_publication_date", "sitemap"),
            ("published", "published_raw", "feed"),
        ):
            raw = listed.get(raw_key) or listed.get(key)
            if not raw:
                continue
            iso = normalize_date(str(raw)) or normalize_date(str(listed.get(key) or ""))
            if iso is None:
                continue
            item.date_published = iso
            item.date_published_raw = str(raw)
            item.date_published_source = source
            break
    if item.headline is None:
        title = listed.get("news_title") or listed.get("title")
        if title:
            item.headline = " ".join(str(title).split())
    return item

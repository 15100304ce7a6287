"""Spider middlewares."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from newscrawl import __version__
from newscrawl.items import Article
from newscrawl.warc import WarcLocation

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response


def stamp_provenance(item: Article, fetched_at: str | None, warc: WarcLocation | None = None) -> Article:
    """Set the crawl-time fields a page object never sets itself.

    ``warc`` is where the page's response is archived (None: not archived,
    and ``warc_file``/``warc_record_id`` stay null).
    """
    item.fetched_at = fetched_at
    item.extractor_version = __version__
    if warc is not None:
        item.warc_file = warc.file
        item.warc_record_id = warc.record_id
    return item


def _fetched_at(response: Response) -> str:
    """When the response arrived, ISO 8601 UTC, to the second.

    ``meta["newscrawl_fetched_at"]`` when set, else the date of the
    response's WARC record when it was archived (so the article and its
    archived record agree), else now.
    """
    stamp = response.meta.get("newscrawl_fetched_at")
    if stamp is None:
        warc = WarcLocation.from_meta(response.meta)
        stamp = warc.date if warc is not None else datetime.now(UTC).replace(microsecond=0).isoformat()
    return stamp


class ProvenanceMiddleware:
    """Stamps ``fetched_at``, ``extractor_version`` and the WARC location on every article a callback yields."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls()

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        for obj in result:
            if isinstance(obj, Article):
                stamp_provenance(obj, _fetched_at(response), WarcLocation.from_meta(response.meta))
            yield obj

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for obj in result:
            if isinstance(obj, Article):
                stamp_provenance(obj, _fetched_at(response), WarcLocation.from_meta(response.meta))
            yield obj

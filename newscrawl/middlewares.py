"""Spider middlewares."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from newscrawl import __version__
from newscrawl.items import Article

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from typing_extensions import Self


def stamp_provenance(item: Article, fetched_at: str) -> Article:
    """Set the crawl-time fields a page object never sets itself."""
    item.fetched_at = fetched_at
    item.extractor_version = __version__
    return item


def _fetched_at(response: Response) -> str:
    """When the response arrived, ISO 8601 UTC, to the second."""
    stamp = response.meta.get("newscrawl_fetched_at")
    if stamp is None:
        stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
    return stamp


class ProvenanceMiddleware:
    """Stamps ``fetched_at`` and ``extractor_version`` on every article a callback yields."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls()

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        for obj in result:
            if isinstance(obj, Article):
                stamp_provenance(obj, _fetched_at(response))
            yield obj

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for obj in result:
            if isinstance(obj, Article):
                stamp_provenance(obj, _fetched_at(response))
            yield obj

"""De-duplication within a crawl: by canonical URL and by body text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem, NotConfigured

from newscrawl.items import Article
from newscrawl.pipelines.digests import item_fingerprint

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


def url_key(item: Article) -> str:
    """The URL that identifies the article: canonical when the page gives one."""
    return (item.canonical_url or item.url).rstrip("/")


class DedupePipeline:
    """Drops an article already stored in this crawl (same canonical URL or same body)."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.urls: set[str] = set()
        self.bodies: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSCRAWL_DEDUPE_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_DEDUPE_ENABLED is off")
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Article):
            return item
        key = url_key(item)
        if key in self.urls:
            self.stats.inc_value("newscrawl/dropped/duplicate_url")
            raise DropItem(f"duplicate_url: {item.url}")
        fingerprint = item_fingerprint(item)
        if item.body and fingerprint in self.bodies:
            self.stats.inc_value("newscrawl/dropped/duplicate_body")
            raise DropItem(f"duplicate_body: {item.url}")
        self.urls.add(key)
        if item.body:
            self.bodies.add(fingerprint)
        return item

"""Scrapy's log formatter, without building the per-page DEBUG lines a crawl at INFO throws away.

Scrapy logs every response ("Crawled (200) ...") and every item ("Scraped
from ...") at DEBUG. Its root logger lets every level through, and the
handler drops what is below ``LOG_LEVEL``, so at INFO each page still
costs a formatted message and a log record (with a stack walk to find the
caller): about 2% of the crawl process's time (``make bench``). Here
those two methods return None, which Scrapy takes as "do not log", unless
the crawl logs at DEBUG. Every other message is Scrapy's own.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.logformatter import LogFormatter

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.logformatter import LogFormatterResult


def logs_debug(crawler: Crawler) -> bool:
    """Whether the crawl's log keeps DEBUG lines (``LOG_ENABLED`` and ``LOG_LEVEL``)."""
    settings = crawler.settings
    if not settings.getbool("LOG_ENABLED"):
        return False
    level = settings.get("LOG_LEVEL")
    number = level if isinstance(level, int) else logging.getLevelNamesMapping().get(str(level).upper(), logging.DEBUG)
    return number <= logging.DEBUG


class QuietLogFormatter(LogFormatter):
    """Scrapy's ``LogFormatter``; ``crawled`` and ``scraped`` give nothing unless the log keeps DEBUG lines."""

    def __init__(self, *, debug: bool = True) -> None:
        self.debug = debug

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(debug=logs_debug(crawler))

    def crawled(self, *args: Any, **kwargs: Any) -> LogFormatterResult | None:  # type: ignore[override]
        return super().crawled(*args, **kwargs) if self.debug else None

    def scraped(self, *args: Any, **kwargs: Any) -> LogFormatterResult | None:  # type: ignore[override]
        return super().scraped(*args, **kwargs) if self.debug else None

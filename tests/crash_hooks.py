"""A crash at an exact moment of a crawl, for the write-ahead tests (not a test module).

``CRASH_AT = "exported:N"`` kills the crawl process with SIGKILL from the
``item_scraped`` signal of the N-th article, after its line is written and
before the state pipeline (whose handler was connected later) records it.
``CRASH_AT = "pending:N"`` kills it in an item pipeline after the state
pipeline, once the N-th article's write-ahead note is stored but before its
line is written. Used through ``tests/crash_settings.py``.
"""

from __future__ import annotations

import os
import signal
from typing import TYPE_CHECKING, Any

from scrapy import signals

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler


def _crash_point(crawler: Crawler, moment: str) -> int | None:
    """N when ``CRASH_AT`` is ``moment:N``."""
    when, _, count = (crawler.settings.get("CRASH_AT") or "").partition(":")
    return int(count) if when == moment else None


class KillAfterExport:
    """SIGKILL on the ``item_scraped`` signal of the N-th item (``CRASH_AT = exported:N``)."""

    def __init__(self, at: int | None) -> None:
        self.at = at
        self.seen = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(_crash_point(crawler, "exported"))
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        return ext

    def item_scraped(self, item: Any) -> None:
        self.seen += 1
        if self.seen == self.at:
            os.kill(os.getpid(), signal.SIGKILL)


class KillBeforeExport:
    """SIGKILL in ``process_item`` of the N-th item, after every other pipeline (``CRASH_AT = pending:N``)."""

    def __init__(self, at: int | None) -> None:
        self.at = at
        self.seen = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(_crash_point(crawler, "pending"))

    def process_item(self, item: Any) -> Any:
        self.seen += 1
        if self.seen == self.at:
            os.kill(os.getpid(), signal.SIGKILL)
        return item

"""A distributed worker's Redis connection: checked before the crawl starts, an outage ends it with one line.

:class:`RedisConnection` is added to ``EXTENSIONS`` by
:class:`~newscrawl.distributed.addon.RedisAddon` (only with
``NEWSCRAWL_REDIS_URL``). At start it connects and pings: an unreachable
server stops ``scrapy crawl`` before anything is fetched, with one line
and exit status 2. When the connection is lost mid-crawl the scheduler
closes the spider with reason ``redis_unavailable`` (one error line, no
traceback per request); when the engine has stopped and the feeds are
closed, this extension makes the process exit with status 1, so a
supervisor (systemd, Kubernetes) restarts the worker.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

from newscrawl.distributed import redis_url
from newscrawl.distributed.scheduler import CLOSE_REASON
from newscrawl.distributed.worker import frontier_for

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler


class RedisConnection:
    """Checks Redis at start (exit 2 when unreachable) and turns a lost connection into exit status 1."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.lost = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        url = redis_url(crawler.settings)
        if url is None:
            raise NotConfigured("NEWSCRAWL_REDIS_URL is not set")
        frontier_for(crawler)  # connects and pings, or exits with one line
        ext = cls(url)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def spider_closed(self, reason: str) -> None:
        """Note a close forced by a lost connection."""
        self.lost = reason == CLOSE_REASON

    def engine_stopped(self) -> None:
        """After a lost connection: one line, and exit status 1 once Scrapy has finished (the output files are closed)."""
        if self.lost:
            print(f"scrapy crawl: error: lost the connection to Redis at {self.url}; worker stopped", file=sys.stderr, flush=True)
            # Scrapy's exit status only reflects a failed start, and an exception raised here would
            # stop the engine's shutdown half-way; so the status is set when the process exits.
            atexit.register(_exit_failed)


def _exit_failed() -> None:
    """Run at exit (registered last, so first): flush the logs and end with status 1."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(1)

"""The Scrapy add-on that switches a crawl to the shared Redis frontier when ``NEWSCRAWL_REDIS_URL`` is set.

Registered in ``ADDONS`` (``settings.py``). Scrapy calls
:meth:`RedisAddon.update_settings` before the settings are frozen, so one
``-s NEWSCRAWL_REDIS_URL=redis://...`` is all a worker needs. Without the
setting it changes nothing and imports no Redis client.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import TYPE_CHECKING

from newscrawl.distributed import redis_url

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

SCHEDULER = "newscrawl.distributed.scheduler.AckScheduler"
DUPEFILTER = "scrapy_redis.dupefilter.RFPDupeFilter"
QUEUE = "scrapy_redis.queue.PriorityQueue"
CLAIM_PIPELINE = "newscrawl.distributed.state.ClaimPipeline"
CLAIM_PIPELINE_ORDER = 950  # after StatePipeline (900): claims the article just before its line is exported
CHECK_EXTENSION = "newscrawl.distributed.extension.RedisConnection"
CHECK_EXTENSION_ORDER = -900  # right after SettingsCheck: an unreachable Redis stops the crawl before anything else


def key_prefix(settings: BaseSettings) -> str:
    """The prefix of every Redis key of this project (``NEWSCRAWL_REDIS_PREFIX``), without the trailing colon."""
    return str(settings.get("NEWSCRAWL_REDIS_PREFIX") or "newscrawl").rstrip(":")


def distributed_settings(settings: BaseSettings) -> dict[str, object]:
    """The scrapy-redis settings a distributed crawl runs with (empty without ``NEWSCRAWL_REDIS_URL``)."""
    url = redis_url(settings)
    if url is None:
        return {}
    prefix = key_prefix(settings)
    return {
        "SCHEDULER": SCHEDULER,
        "DUPEFILTER_CLASS": DUPEFILTER,
        "SCHEDULER_QUEUE_CLASS": QUEUE,
        "SCHEDULER_PERSIST": True,  # scrapy-redis's default (False) deletes the shared queue when any worker closes
        "SCHEDULER_FLUSH_ON_START": False,
        "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:dupefilter",
        "REDIS_URL": url,
    }


class RedisAddon:
    """Sets scrapy-redis's scheduler, duplicate filter and persistence, the claim pipeline and the connection check."""

    def update_settings(self, settings: BaseSettings) -> None:
        """Apply :func:`distributed_settings` at ``addon`` priority (so ``-s`` can still override one)."""
        values = distributed_settings(settings)
        if not values:
            return
        if importlib.util.find_spec("scrapy_redis") is None:
            print("scrapy crawl: error: NEWSCRAWL_REDIS_URL needs the redis extra: pip install 'newscrawl[redis]'",
                  file=sys.stderr, flush=True)
            raise SystemExit(2)
        for name, value in values.items():
            settings.set(name, value, priority="addon")
        settings["ITEM_PIPELINES"][CLAIM_PIPELINE] = CLAIM_PIPELINE_ORDER
        settings["EXTENSIONS"][CHECK_EXTENSION] = CHECK_EXTENSION_ORDER

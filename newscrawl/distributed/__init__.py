"""Distributed crawling: many workers share one frontier and one article state in Redis (scrapy-redis).

``-s NEWSCRAWL_REDIS_URL=redis://host:6379/0`` switches a crawl to
scrapy-redis's scheduler and duplicate filter (:mod:`newscrawl.distributed.addon`
sets them, with ``SCHEDULER_PERSIST`` on). Sources are pushed to Redis with
``newscrawl push``; any number of ``scrapy crawl news`` workers, on any
number of machines, take requests from the same queue. Without the setting
nothing here is imported and nothing needs Redis: this module and the addon
import no Redis client.

What scrapy-redis 0.9.1 promises, and what newscrawl adds:

- its queue pops are destructive, with no acknowledgement. Here a pop moves
  the request, in one Lua script, into the worker's *processing* hash; the
  entry is deleted (acknowledged) only when Scrapy is done with the request:
  its response went through the callback, the items it gave were exported
  and the requests it gave are in the queue (or it failed for good, or a
  redirect/retry of it is back in the queue). Each worker refreshes a
  heartbeat key with a TTL; the requests held by a worker whose heartbeat
  expired (``kill -9``, a lost machine) go back to the queue, bypassing the
  duplicate filter their fingerprints are already in
  (:mod:`newscrawl.distributed.frontier`, :mod:`newscrawl.distributed.scheduler`);
- ``SCHEDULER_PERSIST=False`` deletes the shared queue when any worker
  closes: the addon turns persistence on;
- a Redis outage raises in the engine: here it stops the worker with one
  line and exit status 1 (:mod:`newscrawl.distributed.extension`).

The incremental state (stored articles, the URLs they were found under,
near-duplicate signatures) lives in Redis too
(:mod:`newscrawl.distributed.state`), with an article *claim* taken before
its line is exported, so two workers never write the same article.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

URL_SETTING = "NEWSCRAWL_REDIS_URL"


def redis_url(settings: BaseSettings) -> str | None:
    """The Redis URL of a distributed crawl, or None for a crawl on its own (no Redis)."""
    value = settings.get(URL_SETTING)
    if value is None:
        return None
    value = str(value).strip()
    return value or None

"""A worker's options and its one :class:`~newscrawl.distributed.frontier.Frontier`, shared by its components.

The spider (seeds), the scheduler (requests), the state store and the
claim pipeline of one crawl use the same Redis client and worker id,
created on first use by :func:`frontier_for`. A Redis server that cannot
be reached when the worker starts ends the crawl with one line and exit
status 2 (:func:`exit_unreachable`).
"""

from __future__ import annotations

import sys
import weakref
from typing import TYPE_CHECKING

import attrs
import redis
from scrapy_redis import defaults
from scrapy_redis.connection import get_redis

from newscrawl.distributed import redis_url
from newscrawl.distributed.addon import key_prefix
from newscrawl.distributed.frontier import Frontier, FrontierKeys, default_worker_id

if TYPE_CHECKING:
    from typing import NoReturn, Self

    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

# What a lost or refused connection raises (redis-py): the outage the workers report in one line.
REDIS_ERRORS: tuple[type[Exception], ...] = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


@attrs.frozen(kw_only=True)
class WorkerOptions:
    """The ``NEWSCRAWL_REDIS_*`` settings, read once."""

    url: str
    prefix: str = "newscrawl"
    worker_id: str = attrs.field(factory=default_worker_id)
    heartbeat_ttl: float = 30.0
    """Seconds without a heartbeat after which the others requeue this worker's requests."""
    idle_timeout: float = 10.0
    """The worker stops once the shared frontier has been empty this long (0: never)."""
    poll_interval: float = 0.5
    """Seconds between looks at the shared queue and seeds while there is nothing to do."""

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        """The options of a distributed crawl (``NEWSCRAWL_REDIS_URL`` must be set)."""
        url = redis_url(settings)
        if url is None:
            msg = "NEWSCRAWL_REDIS_URL is not set"
            raise ValueError(msg)
        ttl = settings.getfloat("NEWSCRAWL_REDIS_HEARTBEAT_TTL", 30.0)
        if ttl <= 0:
            msg = "NEWSCRAWL_REDIS_HEARTBEAT_TTL must be more than 0 seconds"
            raise ValueError(msg)
        return cls(
            url=url,
            prefix=key_prefix(settings),
            worker_id=str(settings.get("NEWSCRAWL_REDIS_WORKER_ID") or default_worker_id()),
            heartbeat_ttl=ttl,
            idle_timeout=settings.getfloat("NEWSCRAWL_REDIS_IDLE_TIMEOUT", 10.0),
            poll_interval=max(0.05, settings.getfloat("NEWSCRAWL_REDIS_POLL_INTERVAL", 0.5)),
        )


def redis_client(url: str, settings: BaseSettings | None = None) -> redis.Redis:
    """A client for ``url`` with scrapy-redis's connection defaults and ``REDIS_PARAMS`` (bytes replies)."""
    params = dict(defaults.REDIS_PARAMS)
    if settings is not None:
        params.update(settings.getdict("REDIS_PARAMS"))
    client: redis.Redis = get_redis(url=url, **params)
    return client


def exit_unreachable(url: str, exc: BaseException, status: int = 2) -> NoReturn:
    """One line on stderr naming the server and the reason, then exit (SystemExit passes Scrapy's tasks cleanly)."""
    print(f"scrapy crawl: error: Redis at {url} is unreachable ({exc})", file=sys.stderr, flush=True)
    raise SystemExit(status) from None


_FRONTIERS: weakref.WeakKeyDictionary[Crawler, Frontier] = weakref.WeakKeyDictionary()


def frontier_for(crawler: Crawler, spider_name: str | None = None) -> Frontier:
    """The crawl's frontier, connected (and checked with a PING) on first use.

    A bad ``NEWSCRAWL_REDIS_*`` value or an unreachable server ends the
    crawl with one line and exit status 2.
    """
    frontier = _FRONTIERS.get(crawler)
    if frontier is not None:
        return frontier
    try:
        options = WorkerOptions.from_settings(crawler.settings)
    except ValueError as exc:
        print(f"scrapy crawl: error: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    name = spider_name or getattr(crawler.spidercls, "name", None) or "news"
    client = redis_client(options.url, crawler.settings)
    try:
        client.ping()
    except REDIS_ERRORS as exc:
        exit_unreachable(options.url, exc)
    frontier = Frontier(client, FrontierKeys(options.prefix, name), options.worker_id, options.heartbeat_ttl)
    _FRONTIERS[crawler] = frontier
    return frontier


def worker_options(crawler: Crawler) -> WorkerOptions:
    """The crawl's worker options, with the worker id its frontier uses."""
    frontier = frontier_for(crawler)
    return attrs.evolve(WorkerOptions.from_settings(crawler.settings), worker_id=frontier.worker)

"""Sources in Redis: ``newscrawl push`` stores them, each worker's ``news`` spider turns them into start requests.

A *seed* is one JSON object in the seed list: ``{"outlet": NAME}`` for an
outlet of a sources file (its table is stored in the outlets hash, so that
every worker knows its domains, patterns and politeness), or
``{"start_urls": [...], "sitemaps": [...], "feeds": [...], "articles": [...]}``
for sources given as URLs (start pages are also added to the set every
worker follows links within).

:func:`push_sources` is what ``newscrawl push`` and a worker started with
``-a url=...`` (etc.) call. When nothing is outstanding it begins a new run
(:meth:`~newscrawl.distributed.frontier.Frontier.begin_run_if_idle`), so a
scheduled push reads sitemaps and feeds again while the article state in
Redis skips what is stored.

:class:`SeedReader` is the spider's ``start()`` in a distributed crawl: it
takes seeds (held, and acknowledged once their requests are in the queue,
like requests), and ends when the shared frontier has been empty for
``NEWSCRAWL_REDIS_IDLE_TIMEOUT`` seconds, which lets the worker stop.
"""

from __future__ import annotations

import logging
import time
import tomllib
from typing import TYPE_CHECKING, Any

import attrs
from scrapy.utils.asyncio import sleep

from newscrawl.distributed.worker import REDIS_ERRORS, frontier_for, worker_options
from newscrawl.sources import parse_sources

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable, Sequence
    from os import PathLike
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler

    from newscrawl.distributed.frontier import Frontier
    from newscrawl.distributed.worker import WorkerOptions
    from newscrawl.sources import Outlet
    from newscrawl.spiders.news import NewsSpider

logger = logging.getLogger(__name__)

ARTICLES_PER_SEED = 500  # a long URL list is pushed as several seeds, which several workers can take at once


def sources_tables(path: str | PathLike[str]) -> list[dict[str, Any]]:
    """The ``[[outlets]]`` tables of a sources file, as written (checked with :func:`newscrawl.sources.load_sources` first)."""
    with open(path, "rb") as fh:
        tables = tomllib.load(fh).get("outlets", [])
    return [dict(table, name=str(table["name"]).strip()) for table in tables]


@attrs.frozen
class Pushed:
    """What one :func:`push_sources` call stored."""

    seeds: int
    outlets: int
    new_run: bool
    """True when no run was in progress, so the last run's request fingerprints were forgotten."""


def push_sources(  # noqa: PLR0913 - one keyword argument per kind of source
    frontier: Frontier,
    *,
    outlet_tables: Sequence[dict[str, Any]] = (),
    start_urls: Sequence[str] = (),
    sitemaps: Sequence[str] = (),
    feeds: Sequence[str] = (),
    articles: Sequence[str] = (),
) -> Pushed:
    """Store outlets and start pages, and push one seed per outlet plus the URL sources (articles in chunks)."""
    new_run = frontier.begin_run_if_idle()
    frontier.add_outlets(outlet_tables)
    frontier.add_start_urls(start_urls)
    seeds: list[dict[str, Any]] = [{"outlet": table["name"]} for table in outlet_tables]
    if start_urls or sitemaps or feeds:
        seeds.append({"start_urls": list(start_urls), "sitemaps": list(sitemaps), "feeds": list(feeds)})
    seeds += [{"articles": list(articles[i : i + ARTICLES_PER_SEED])} for i in range(0, len(articles), ARTICLES_PER_SEED)]
    for seed in seeds:
        frontier.push_seed(seed)
    return Pushed(seeds=len(seeds), outlets=len(outlet_tables), new_run=new_run)


class SeedReader:
    """A distributed ``news`` spider's sources: outlets from Redis, start requests from pushed seeds."""

    def __init__(self, frontier: Frontier, options: WorkerOptions) -> None:
        self.frontier = frontier
        self.options = options

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(frontier_for(crawler), worker_options(crawler))

    def setup(self, spider: NewsSpider) -> None:
        """Push the sources this worker was started with (``-a url=...``), then learn every outlet in Redis."""
        own = spider.own_sources()
        if own is not None:
            pushed = push_sources(self.frontier, **own)
            logger.info("pushed this worker's sources: %d seeds, %d outlets%s", pushed.seeds, pushed.outlets,
                        " (a new run)" if pushed.new_run else "")
        self.refresh_outlets(spider)

    def refresh_outlets(self, spider: NewsSpider) -> None:
        """Give the spider every outlet and command-line start page pushed so far."""
        tables = self.frontier.outlet_tables()
        named: list[Outlet] = parse_sources({"outlets": tables}, where="Redis outlets") if tables else []
        spider.use_outlets(named, self.frontier.start_urls())

    async def requests(self, spider: NewsSpider) -> AsyncIterator[Request]:
        """Start requests of each pushed seed, until the shared frontier has been empty for the idle timeout.

        A seed is held while its requests are yielded; the engine schedules
        each (into the Redis queue) before asking for the next, so once the
        loop resumes after the last one the seed is acknowledged.
        """
        idle_since: float | None = None
        while True:
            try:
                popped = self.frontier.pop_seed()
                outstanding = 0 if popped is not None else self.frontier.outstanding()
            except REDIS_ERRORS:
                return  # the scheduler reports the outage and stops the worker
            if popped is not None:
                token, seed = popped
                self.refresh_outlets(spider)
                for request in spider.seed_requests(seed):
                    yield request
                self.frontier.ack([token])
                idle_since = None
                continue
            now = time.monotonic()
            if outstanding:
                idle_since = None
            elif idle_since is None:
                idle_since = now
            elif self.options.idle_timeout > 0 and now - idle_since >= self.options.idle_timeout:
                logger.info("the shared frontier has been empty for %.1f s; this worker stops", now - idle_since)
                return
            await sleep(self.options.poll_interval)


def urls_of(values: Iterable[str]) -> list[str]:
    """The URLs of repeatable, comma-separated options, in order, without repeats."""
    return list(dict.fromkeys(u.strip() for value in values for u in value.split(",") if u.strip()))

"""``newscrawl push``: put start pages, sitemaps, feeds, URL lists or a sources file into Redis for the workers.

::

    newscrawl push --redis redis://frontier:6379/0 --sources sources.toml
    newscrawl push --redis redis://frontier:6379/0 --url https://www.example-news.com/ --feed https://example.com/rss
    newscrawl push --redis redis://frontier:6379/0 --urls-file urls.txt

Everything is checked before anything is pushed; a problem is one line
on stderr and exit status 2, as for ``scrapy crawl``. Workers started with
``scrapy crawl news -s NEWSCRAWL_REDIS_URL=...`` (before or after the
push) take the seeds. When no run is in progress the push begins a new one
(see :func:`newscrawl.distributed.seeds.push_sources`). This module imports
the Redis client only when the command runs.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from newscrawl.discovery.urls import (
    UrlArgumentError,
    checked_urls,
    read_url_file_argument,
)
from newscrawl.sources import SourcesError, load_sources

if TYPE_CHECKING:
    import argparse


class PushError(Exception):
    """An option of ``newscrawl push`` cannot be used; the message says which and why."""


def _urls(option: str, values: list[str] | None) -> list[str]:
    from newscrawl.distributed.seeds import urls_of  # noqa: PLC0415

    try:
        return checked_urls(option, urls_of(values or []))
    except UrlArgumentError as exc:
        raise PushError(str(exc)) from None


def _urls_file(path: str | None) -> list[str]:
    if path is None:
        return []
    try:
        urls, problems = read_url_file_argument("--urls-file", path)
    except UrlArgumentError as exc:
        raise PushError(str(exc)) from None
    for bad in problems:
        print(f"newscrawl push: {path} line {bad.lineno}: {bad.text!r} is not a usable URL ({bad.reason}); skipped", file=sys.stderr)
    return urls


def cmd_push(args: argparse.Namespace) -> int:
    """Check the sources, push them, print one line saying what was pushed."""
    from newscrawl.distributed.frontier import Frontier, FrontierKeys  # noqa: PLC0415 - Redis only when the command runs
    from newscrawl.distributed.seeds import push_sources, sources_tables  # noqa: PLC0415
    from newscrawl.distributed.worker import REDIS_ERRORS, redis_client  # noqa: PLC0415

    try:
        start_urls, sitemaps, feeds = _urls("--url", args.url), _urls("--sitemap", args.sitemap), _urls("--feed", args.feed)
        articles = _urls_file(args.urls_file)
        tables = []
        if args.sources is not None:
            load_sources(args.sources)  # every check of `-a sources`
            tables = sources_tables(args.sources)
        if not (start_urls or sitemaps or feeds or articles or tables):
            msg = "give at least one of --url, --sitemap, --feed, --urls-file, --sources"
            raise PushError(msg)
    except (PushError, SourcesError) as exc:
        print(f"newscrawl push: error: {exc}", file=sys.stderr)
        return 2
    frontier = Frontier(redis_client(args.redis), FrontierKeys(args.prefix.rstrip(":"), args.spider), worker="push")
    try:
        pushed = push_sources(
            frontier, outlet_tables=tables, start_urls=start_urls, sitemaps=sitemaps, feeds=feeds, articles=articles
        )
        queued = frontier.queued()
    except REDIS_ERRORS as exc:
        print(f"newscrawl push: error: Redis at {args.redis} is unreachable ({exc})", file=sys.stderr)
        return 2
    run = "a new run" if pushed.new_run else "joined the run in progress"
    print(
        f"newscrawl push: {pushed.seeds} seeds ({pushed.outlets} outlets, {len(articles)} article URLs) pushed to "
        f"{frontier.keys.seeds}; {run}; {queued} requests queued",
        file=sys.stderr,
    )
    return 0


def add_push_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``push`` to the ``newscrawl`` command's subcommands."""
    p = sub.add_parser(
        "push",
        help="push sources (start pages, sitemaps, feeds, URL lists, a sources file) to Redis for distributed workers",
        description="Push sources to the Redis server that distributed workers share (scrapy crawl news "
        "-s NEWSCRAWL_REDIS_URL=...). Each worker takes pushed sources, and every request they lead to, "
        "from the same queue. When no run is in progress, the push begins a new one: sitemaps, feeds and "
        "start pages are read again, and articles already stored are skipped.",
    )
    p.add_argument("--redis", required=True, metavar="URL", help="the workers' NEWSCRAWL_REDIS_URL, e.g. redis://host:6379/0")
    p.add_argument("--url", action="append", metavar="URL[,URL...]",
                   help="start pages: their robots.txt sitemaps are read and links followed within their sites; repeatable")
    p.add_argument("--sitemap", action="append", metavar="URL[,URL...]", help="sitemaps or sitemap indexes; repeatable")
    p.add_argument("--feed", action="append", metavar="URL[,URL...]", help="RSS or Atom feeds; repeatable")
    p.add_argument("--urls-file", metavar="PATH", help="a file of article URLs, one a line (# comments allowed)")
    p.add_argument("--sources", metavar="FILE.toml", help="a sources file (see examples/sources.toml)")
    p.add_argument("--prefix", default="newscrawl", help="the workers' NEWSCRAWL_REDIS_PREFIX (default: %(default)s)")
    p.add_argument("--spider", default="news", help="the spider the workers run (default: %(default)s)")
    p.set_defaults(func=cmd_push)

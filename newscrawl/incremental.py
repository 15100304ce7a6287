"""Incremental crawling: skip what is stored, refetch what changed, resume after a stop.

The crawl components around :class:`newscrawl.state.StateStore`:

- :class:`IncrementalMiddleware` (spider middleware) drops an article
  request before it is scheduled when the article is already stored,
  counted as ``newscrawl/skipped/already_stored``, unless the recrawl
  policy says to fetch it again (``NEWSCRAWL_STATE_RECRAWL_AFTER``,
  ``NEWSCRAWL_STATE_RECRAWL_CHANGED``); a refetch carries conditional
  headers (If-None-Match / If-Modified-Since) when validators are stored.
- :class:`NotModifiedMiddleware` (downloader middleware) turns a 304 answer
  to such a request into a recorded check, counted as
  ``newscrawl/skipped/not_modified``.
- :class:`JobDirGuard` (extension) makes ``JOBDIR`` safe after a crash:
  Scrapy's scheduler files are only consistent after a graceful stop, so
  when the previous run did not stop gracefully its queue and seen-set are
  set aside and discovery starts again; the state database then skips
  what was already stored.

:class:`newscrawl.pipelines.state.StatePipeline` writes the state, after
each article's line is exported.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.utils.job import job_dir
from twisted.internet.task import LoopingCall

from newscrawl.distributed import redis_url
from newscrawl.state import (
    GROUP_SECONDS,
    NearDuplicateOptions,
    RecrawlPolicy,
    StateError,
    StateStore,
    Validators,
    conditional_headers,
    recrawl_reason,
)
from newscrawl.timespec import TimeSpecError, isoformat, parse_duration, utc_now

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

# Request meta keys set by IncrementalMiddleware on a refetch of a stored article.
META_STATE_KEY = "newscrawl_state_key"  # the stored article's key
META_RECRAWL = "newscrawl_recrawl"  # why it is fetched again


@attrs.frozen(kw_only=True)
class StateOptions:
    """The ``NEWSCRAWL_STATE_*`` settings, read once."""

    path: str = ".newscrawl/state.sqlite3"
    recrawl: RecrawlPolicy = attrs.Factory(RecrawlPolicy)
    near_duplicates: NearDuplicateOptions | None = attrs.Factory(NearDuplicateOptions)
    """None when near-duplicate marking is off."""

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        """The options, or :class:`NotConfigured` when ``NEWSCRAWL_STATE_ENABLED`` is off."""
        if not settings.getbool("NEWSCRAWL_STATE_ENABLED", True):
            raise NotConfigured  # switched off on purpose: no "Disabled" warning from each of its four components
        after = settings.get("NEWSCRAWL_STATE_RECRAWL_AFTER")
        try:
            recrawl_after = parse_duration(after) if after not in (None, "", "0", 0) else None
        except TimeSpecError as exc:
            msg = f"NEWSCRAWL_STATE_RECRAWL_AFTER: {exc}"
            raise ValueError(msg) from None
        near = None
        if settings.getbool("NEWSCRAWL_STATE_DUPLICATES_ENABLED", True):
            threshold = settings.getfloat("NEWSCRAWL_STATE_DUPLICATES_THRESHOLD", 0.8)
            num_perm = settings.getint("NEWSCRAWL_STATE_DUPLICATES_NUM_PERM", 128)
            shingle_words = settings.getint("NEWSCRAWL_STATE_DUPLICATES_SHINGLE_WORDS", 5)
            try:
                near = NearDuplicateOptions(threshold=threshold, num_perm=num_perm, shingle_words=shingle_words)
            except ValueError as exc:  # also a threshold and signature length that leave no usable LSH index
                msg = (f"NEWSCRAWL_STATE_DUPLICATES_THRESHOLD={threshold}, NEWSCRAWL_STATE_DUPLICATES_NUM_PERM={num_perm}, "
                       f"NEWSCRAWL_STATE_DUPLICATES_SHINGLE_WORDS={shingle_words}: {exc}")
                raise ValueError(msg) from None
        return cls(
            path=str(settings.get("NEWSCRAWL_STATE_PATH") or ".newscrawl/state.sqlite3"),
            recrawl=RecrawlPolicy(after=recrawl_after, changed=settings.getbool("NEWSCRAWL_STATE_RECRAWL_CHANGED", False)),
            near_duplicates=near,
        )


def state_options(crawler: Crawler) -> StateOptions:
    """The crawl's state options; an unreadable setting ends the crawl with one line and exit status 2.

    :class:`NotConfigured` (state off) passes through. Raised inside
    ``from_crawler``, a ValueError would reach the user as a traceback.
    """
    try:
        return StateOptions.from_settings(crawler.settings)
    except ValueError as exc:
        print(f"scrapy crawl: error: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None


_STORES: weakref.WeakKeyDictionary[Crawler, StateStore] = weakref.WeakKeyDictionary()


def state_store(crawler: Crawler, options: StateOptions) -> StateStore:
    """The crawl's one state database, opened on first use and closed when the engine stops.

    In a distributed crawl (``NEWSCRAWL_REDIS_URL``) the state lives in
    Redis, shared by all workers (:mod:`newscrawl.distributed.state`).

    A database that cannot be opened, or was built with other signature
    settings, ends the crawl with one line on stderr and exit status 2.
    """
    store = _STORES.get(crawler)
    if store is None and redis_url(crawler.settings) is not None:
        from newscrawl.distributed.state import redis_state_store  # noqa: PLC0415 - imports redis, only when distributed

        store = _STORES[crawler] = redis_state_store(crawler, options)  # shared by all workers (issue 5)
        crawler.signals.connect(store.close, signal=signals.engine_stopped, weak=False)
    if store is None:
        try:
            store = StateStore(options.path, options.near_duplicates or NearDuplicateOptions(), group_commit=True)
        except StateError as exc:
            print(f"scrapy crawl: error: {exc}", file=sys.stderr, flush=True)
            raise SystemExit(2) from None
        _STORES[crawler] = store
        # Writes are committed in groups; this commits a group that stays open while the crawl is quiet
        # (made once the engine runs: a LoopingCall imports, so installs, the reactor).
        committer: LoopingCall | None = None

        def start() -> None:
            nonlocal committer
            committer = LoopingCall(store.commit_if_due)
            committer.start(GROUP_SECONDS / 2, now=False)

        def close() -> None:
            if committer is not None and committer.running:
                committer.stop()
            store.close()

        crawler.signals.connect(start, signal=signals.engine_started, weak=False)
        crawler.signals.connect(close, signal=signals.engine_stopped, weak=False)
    return store


def is_article_request(request: Request) -> bool:
    """True for a request the spider makes for an article candidate (it carries ``listed``)."""
    return isinstance(request.cb_kwargs.get("listed"), dict)


class IncrementalMiddleware(BaseSpiderMiddleware):
    """Drops requests for articles already stored, before they are scheduled; lets due refetches through."""

    def __init__(self, crawler: Crawler, store: StateStore, options: StateOptions) -> None:
        super().__init__(crawler)
        self.store = store
        self.options = options
        assert crawler.stats is not None
        self.stats: StatsCollector = crawler.stats
        self._skipped: set[str] = set()  # URLs counted as already_stored in this run (sources list URLs repeatedly)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        options = state_options(crawler)
        return cls(crawler, state_store(crawler, options), options)

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        if not is_article_request(request):
            return request
        stored = self.store.lookup(request.url)
        if stored is None or stored.last_run == self.store.run_id:
            return request  # new, or stored by this very run: Scrapy's duplicate filter drops repeats
        lastmod = request.cb_kwargs["listed"].get("lastmod")
        reason = recrawl_reason(stored, lastmod, utc_now(), self.options.recrawl)
        if reason is None:
            if request.url not in self._skipped:
                self._skipped.add(request.url)
                self.stats.inc_value("newscrawl/skipped/already_stored")
            return None
        self.stats.inc_value(f"newscrawl/state/recrawl/{reason}")
        headers = conditional_headers(stored)
        request = request.replace(meta={**request.meta, META_STATE_KEY: stored.key, META_RECRAWL: reason})
        for name, value in headers.items():
            request.headers[name] = value
        return request


class NotModifiedMiddleware:
    """Records a 304 answer to a conditional refetch as a check, and drops the response.

    Without it a 304 would reach the spider as an HTTP error. The stored
    article's last seen time and validators are updated; the sitemap
    ``lastmod`` it was listed with is stored, so it is not asked for again.
    """

    def __init__(self, store: StateStore, stats: StatsCollector) -> None:
        self.store = store
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        options = state_options(crawler)
        assert crawler.stats is not None
        return cls(state_store(crawler, options), crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        key = request.meta.get(META_STATE_KEY)
        if response.status != 304 or key is None:
            return response
        self.store.record_checked(
            key,
            seen_at=isoformat(utc_now()),
            urls=[request.url],
            validators=response_validators(response, request),
        )
        self.stats.inc_value("newscrawl/skipped/not_modified")
        raise IgnoreRequest(f"not modified: {request.url}")


def response_validators(response: Response, request: Request | None = None) -> Validators:
    """The ETag and Last-Modified of a response, and the sitemap lastmod its request was listed with."""

    def header(name: bytes) -> str | None:
        value = response.headers.get(name)
        return value.decode("latin-1") if value else None

    request = request if request is not None else response.request
    listed = request.cb_kwargs.get("listed") if request is not None else None
    lastmod = listed.get("lastmod") if isinstance(listed, dict) else None
    return Validators(etag=header(b"ETag"), last_modified=header(b"Last-Modified"), lastmod=lastmod)


# -- JOBDIR ------------------------------------------------------------------------------

RUNNING_MARKER = "newscrawl-running.json"  # present while a crawl uses the JOBDIR; left behind by a crash
LOCK_FILE = "newscrawl.lock"  # flock()ed while a crawl uses the JOBDIR
SCRAPY_JOB_FILES = ("requests.seen", "requests.queue", "spider.state")  # Scrapy's own JOBDIR state


class JobDirGuard:
    """Keeps a ``JOBDIR`` consistent across graceful stops, crashes and finished runs.

    - Two crawls never share a JOBDIR: the second one stops with one line
      and exit status 2.
    - After a graceful stop (one Ctrl-C, SIGTERM) Scrapy's queue and
      seen-set are complete, and the next run resumes them.
    - After a crash (``kill -9``, a second Ctrl-C, power loss) they are not:
      Scrapy marks requests as seen when they are scheduled, and writes
      its queue's index only at a graceful stop, so resuming would skip
      what was scheduled but never fetched. The guard moves them to
      ``JOBDIR/crashed-<time>/``, and the run discovers afresh; the state
      database skips the articles already stored.
    - After a finished run the seen-set is cleared, so the next scheduled
      run with the same JOBDIR reads its sitemaps and feeds again.
    """

    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path
        self._lock: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSCRAWL_JOBDIR_GUARD_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_JOBDIR_GUARD_ENABLED is off")
        path = job_dir(crawler.settings)
        if not path:
            raise NotConfigured  # no message: Scrapy would log one as a warning on every run without JOBDIR
        guard = cls(crawler, Path(path))
        guard.start()  # before the scheduler opens (and reads) the JOBDIR
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def start(self) -> None:
        """Lock the JOBDIR, and set Scrapy's state aside if the last run did not stop gracefully."""
        self.path.mkdir(parents=True, exist_ok=True)
        if not self._acquire_lock():
            print(f"scrapy crawl: error: JOBDIR {self.path} is in use by another crawl", file=sys.stderr, flush=True)
            raise SystemExit(2)
        marker = self.path / RUNNING_MARKER
        if marker.exists():
            self._set_aside("crashed")
        marker.write_text(json.dumps({"pid": os.getpid(), "started": isoformat(utc_now())}) + "\n", encoding="utf-8")

    def _acquire_lock(self) -> bool:
        try:
            import fcntl  # noqa: PLC0415 (POSIX only; elsewhere the JOBDIR is not locked)
        except ImportError:
            return True
        handle = (self.path / LOCK_FILE).open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._lock = handle  # held (and the lock with it) until the process ends
        return True

    def _set_aside(self, why: str) -> None:
        present = [name for name in SCRAPY_JOB_FILES if (self.path / name).exists()]
        if not present:
            return
        target = self.path / f"{why}-{utc_now().strftime('%Y%m%dT%H%M%SZ')}"
        target.mkdir(exist_ok=True)
        for name in present:
            (self.path / name).rename(target / name)
        logger.warning(
            "JOBDIR %s: the previous crawl did not stop gracefully, so Scrapy's queue and seen-set "
            "are incomplete; moved them to %s and discovering afresh (stored articles are skipped)",
            self.path, target,
        )

    def spider_closed(self, reason: str) -> None:
        """A graceful stop: keep Scrapy's state to resume, or clear it when the crawl finished."""
        if reason == "finished":
            for name in ("requests.seen", "requests.queue"):
                target = self.path / name
                if target.is_dir():
                    for child in sorted(target.rglob("*"), reverse=True):
                        child.rmdir() if child.is_dir() else child.unlink()
                    target.rmdir()
                elif target.exists():
                    target.unlink()
        with contextlib.suppress(FileNotFoundError):
            (self.path / RUNNING_MARKER).unlink()

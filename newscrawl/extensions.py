"""Extensions: the progress line while crawling, and the end-of-crawl summary."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from newscrawl.items import Article

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Self

    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

# Field coverage reported in the summary: the share of written articles that have each.
COVERAGE: dict[str, Callable[[Article], bool]] = {
    "date": lambda a: bool(a.date_published),
    "authors": lambda a: bool(a.authors),
    "captions": lambda a: any(image.caption for image in a.images),  # at least one image with a caption
    "dateline": lambda a: bool(a.dateline),
}


def count_coverage(item: Any, stats: StatsCollector) -> None:
    """Count ``newscrawl/coverage/<field>`` for each :data:`COVERAGE` field a written article has."""
    if not isinstance(item, Article):
        return
    for name, has in COVERAGE.items():
        if has(item):
            stats.inc_value(f"newscrawl/coverage/{name}")


def _by_prefix(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    """Stats under ``prefix`` keyed by the rest of their name, largest first."""
    found = {k[len(prefix):]: int(v) for k, v in stats.items() if k.startswith(prefix)}
    return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))


def summarize(stats: dict[str, Any]) -> dict[str, Any]:
    """The crawl's totals from Scrapy's stats: what a user wants to know at the end."""
    elapsed = float(stats.get("elapsed_time_seconds") or 0.0)
    pages = int(stats.get("downloader/response_count", 0))
    errors = _by_prefix(stats, "downloader/exception_type_count/")
    robots = int(stats.get("robotstxt/forbidden", 0))
    offsite = int(stats.get("offsite/filtered", 0))
    # robots.txt and offsite refusals are not errors (both have their own line)
    ignored = errors.pop("scrapy.exceptions.IgnoreRequest", 0) - robots - offsite
    if ignored > 0:
        errors["scrapy.exceptions.IgnoreRequest"] = ignored
    errors.update({f"http_{k}": v for k, v in _by_prefix(stats, "httperror/response_ignored_status_count/").items()})
    written = int(stats.get("item_scraped_count", 0))
    return {
        "finish_reason": stats.get("finish_reason"),
        "elapsed_seconds": round(elapsed, 1),
        "pages_fetched": pages,
        "pages_per_second": round(pages / elapsed, 1) if elapsed else None,
        "articles_written": written,
        "discovered": _by_prefix(stats, "newscrawl/discovered/"),
        "pages_skipped": _by_prefix(stats, "newscrawl/skipped/"),
        "articles_dropped": _by_prefix(stats, "newscrawl/dropped/"),
        "robots_forbidden": robots,
        "errors": errors,
        "log_errors": int(stats.get("log_count/ERROR", 0)),
        "coverage": {
            name: round(int(stats.get(f"newscrawl/coverage/{name}", 0)) / written, 3) for name in COVERAGE
        } if written else {},
        "incremental": _by_prefix(stats, "newscrawl/state/"),
        "pages_failed": _by_prefix(stats, "newscrawl/failed/"),
        "retried": _retry_reasons(stats),
        "politeness": {
            **{f"{p}/{k}": v for p in ("retry_after", "backoff", "robots", "crawl_delay")
               for k, v in _by_prefix(stats, f"newscrawl/{p}/").items()},
            **({"offsite/not_followed": offsite} if offsite else {}),
        },
    }


def _retry_reasons(stats: dict[str, Any]) -> dict[str, int]:
    """Scrapy's retry reasons, shortened: ``http_503`` for a status, the class name for an exception."""
    reasons: dict[str, int] = {}
    for reason, count in _by_prefix(stats, "retry/reason_count/").items():
        code = reason.split(" ", 1)[0]
        key = f"http_{code}" if code.isdigit() else reason.rsplit(".", 1)[-1]
        reasons[key] = reasons.get(key, 0) + count
    return reasons


def format_summary(summary: dict[str, Any]) -> str:
    """The summary as a few aligned lines for a terminal."""

    def counts(d: dict[str, int]) -> str:
        return ", ".join(f"{k} {v}" for k, v in d.items()) or "none"

    rate = summary["pages_per_second"]
    lines = [
        "newscrawl summary",
        f"  finished:         {summary['finish_reason']} after {summary['elapsed_seconds']} s",
        f"  pages fetched:    {summary['pages_fetched']}" + (f" ({rate} pages/s)" if rate else ""),
        f"  articles written: {summary['articles_written']}",
        f"  pages skipped:    {counts(summary['pages_skipped'])}",
        f"  articles dropped: {counts(summary['articles_dropped'])}",
        f"  pages failed:     {counts(summary.get('pages_failed') or {})}",
        f"  robots.txt:       {summary['robots_forbidden']} requests disallowed",
        f"  errors:           {counts(summary['errors'])}",
    ]
    coverage = summary.get("coverage") or {}
    if coverage:
        lines.append("  field coverage:   " + ", ".join(f"{k} {round(v * 100)}%" for k, v in coverage.items()))
    if summary.get("incremental"):
        lines.append(f"  incremental:      {counts(summary['incremental'])}")
    if summary.get("retried"):
        lines.append(f"  retried:          {counts(summary['retried'])}")
    if summary.get("politeness"):
        lines.append(f"  politeness:       {counts(summary['politeness'])}")
    return "\n".join(lines)


class CrawlSummary:
    """Prints the summary when the spider closes (and writes it as JSON if asked)."""

    def __init__(self, crawler: Crawler, path: str | None) -> None:
        self.crawler = crawler
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSCRAWL_SUMMARY_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_SUMMARY_ENABLED is off")
        ext = cls(crawler, crawler.settings.get("NEWSCRAWL_SUMMARY_FILE"))
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        return ext

    def item_scraped(self, item: Any) -> None:
        """Count which of the coverage fields the written article has."""
        assert self.crawler.stats is not None
        count_coverage(item, self.crawler.stats)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        assert self.crawler.stats is not None
        stats = dict(self.crawler.stats.get_stats())
        stats.setdefault("finish_reason", reason)
        summary = summarize(stats)
        print(format_summary(summary), file=sys.stderr, flush=True)
        if self.path:
            Path(self.path).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


@attrs.frozen(kw_only=True)
class ProgressSnapshot:
    """What one progress line reports."""

    pages: int
    """Responses downloaded so far."""
    pages_per_minute: float
    """Download rate since the previous line."""
    articles: int
    """Articles written so far."""
    skipped: int
    """Pages skipped and articles dropped so far, all reasons together."""
    queued: int | None
    """Requests waiting in the scheduler (None when the scheduler cannot tell)."""
    in_flight: int
    """Requests being downloaded."""


def format_progress(snap: ProgressSnapshot) -> str:
    """The progress line: pages fetched (and the recent rate), articles written, skips, queue."""
    queue = "?" if snap.queued is None else str(snap.queued)
    return (
        f"progress: {snap.pages} pages ({snap.pages_per_minute:.0f}/min), {snap.articles} articles written, "
        f"{snap.skipped} skipped, {queue} queued, {snap.in_flight} in flight"
    )


class Progress:
    """Logs a progress line every ``NEWSCRAWL_PROGRESS_INTERVAL`` seconds while the spider runs."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.task: Any = None
        self._last: tuple[float, int] = (time.monotonic(), 0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_PROGRESS_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_PROGRESS_ENABLED is off")
        interval = settings.getfloat("NEWSCRAWL_PROGRESS_INTERVAL", 60.0)
        if interval <= 0:
            raise NotConfigured("NEWSCRAWL_PROGRESS_INTERVAL is not positive")
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        self._last = (time.monotonic(), 0)
        self.task = create_looping_call(self.log_progress)
        self.task.start(self.interval, now=False)

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()

    def log_progress(self) -> None:
        """Log one progress line from the stats, the scheduler and the downloader."""
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        pages = int(stats.get("downloader/response_count", 0))
        now = time.monotonic()
        then, pages_then = self._last
        if now - then < self.interval / 2:
            return  # the looping call can fire twice at an interval boundary (its sleep wakes early)
        self._last = (now, pages)
        rate = (pages - pages_then) * 60.0 / (now - then) if now > then else 0.0
        try:
            engine = self.crawler.engine
        except RuntimeError:  # not started yet (Scrapy raises until the crawl starts)
            engine = None
        scheduler = engine.scheduler if engine is not None else None
        queued = len(scheduler) if scheduler is not None and hasattr(scheduler, "__len__") else None
        in_flight = len(engine.downloader.active) if engine is not None else 0
        skipped = sum(int(v) for k, v in stats.items() if k.startswith(("newscrawl/skipped/", "newscrawl/dropped/")))
        logger.info(format_progress(ProgressSnapshot(
            pages=pages, pages_per_minute=rate, articles=int(stats.get("item_scraped_count", 0)),
            skipped=skipped, queued=queued, in_flight=in_flight,
        )))


class RemoteControl:
    """Scrapy's ``RemoteControl`` extension, its module imported only when ``REMOTE_CONTROL_ENABLED`` is on.

    Scrapy 2.19's ``scrapy.extensions.remote_control`` imports aiohttp at
    its top, and Scrapy imports every extension's module before asking it
    whether it is enabled: 0.14 s of every crawl's start-up and 10 MB of the
    crawl process, for an extension newscrawl's settings switch off. This
    stand-in (``EXTENSIONS``, in place of Scrapy's) gives Scrapy's own
    extension when the setting is on, and nothing otherwise.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        if not crawler.settings.getbool("REMOTE_CONTROL_ENABLED"):
            raise NotConfigured
        from scrapy.extensions.remote_control import RemoteControl as ScrapyRemoteControl  # noqa: PLC0415

        return ScrapyRemoteControl.from_crawler(crawler)

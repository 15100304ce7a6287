"""Extensions: the end-of-crawl summary."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from typing_extensions import Self


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
    ignored = errors.pop("scrapy.exceptions.IgnoreRequest", 0) - robots  # robots.txt refusals are not errors
    if ignored > 0:
        errors["scrapy.exceptions.IgnoreRequest"] = ignored
    errors.update({f"http_{k}": v for k, v in _by_prefix(stats, "httperror/response_ignored_status_count/").items()})
    return {
        "finish_reason": stats.get("finish_reason"),
        "elapsed_seconds": round(elapsed, 1),
        "pages_fetched": pages,
        "pages_per_second": round(pages / elapsed, 1) if elapsed else None,
        "articles_written": int(stats.get("item_scraped_count", 0)),
        "discovered": _by_prefix(stats, "newscrawl/discovered/"),
        "pages_skipped": _by_prefix(stats, "newscrawl/skipped/"),
        "articles_dropped": _by_prefix(stats, "newscrawl/dropped/"),
        "robots_forbidden": robots,
        "errors": errors,
        "log_errors": int(stats.get("log_count/ERROR", 0)),
    }


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
        f"  robots.txt:       {summary['robots_forbidden']} requests disallowed",
        f"  errors:           {counts(summary['errors'])}",
    ]
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
        return ext

    def spider_closed(self, spider: Spider, reason: str) -> None:
        assert self.crawler.stats is not None
        stats = dict(self.crawler.stats.get_stats())
        stats.setdefault("finish_reason", reason)
        summary = summarize(stats)
        print(format_summary(summary), file=sys.stderr, flush=True)
        if self.path:
            Path(self.path).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")

"""FastStatsCollector: Scrapy's MemoryStatsCollector, its methods called directly (no per-call wrapper)."""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from newscrawl.stats import FastStatsCollector


def _exercise(stats: Any) -> dict[str, Any]:
    stats.set_value("start", 1)
    for _ in range(3):
        stats.inc_value("pages")
    stats.inc_value("bytes", 500, start=100)
    stats.max_value("peak", 5)
    stats.max_value("peak", 3)
    stats.min_value("low", 5)
    stats.min_value("low", 2)
    return dict(stats.get_stats())


def test_same_results_as_scrapys_collector() -> None:
    """Every stats method gives what Scrapy's own collector gives for the same calls."""
    ours = FastStatsCollector(get_crawler(Spider))
    theirs = MemoryStatsCollector(get_crawler(Spider))
    assert _exercise(ours) == _exercise(theirs) == {"start": 1, "pages": 3, "bytes": 600, "peak": 5, "low": 2}
    assert ours.get_value("pages") == 3 and ours.get_value("missing", "none") == "none"


def test_methods_are_scrapys_own_unwrapped() -> None:
    """An attribute is looked up as on any object: the bound method is Scrapy's function, not a wrapper around it."""
    stats = FastStatsCollector(get_crawler(Spider))
    assert type(stats).__getattribute__ is object.__getattribute__
    assert stats.inc_value.__func__ is MemoryStatsCollector.inc_value
    assert stats.get_value.__func__ is MemoryStatsCollector.get_value
    assert not hasattr(stats, "_cached_inc_value")  # Scrapy's wrapper caches itself under this name


def test_spider_argument_still_accepted() -> None:
    """Callers that still pass spider= keep working (Scrapy's methods accept it); no warning is raised."""
    crawler = get_crawler(Spider)
    stats = FastStatsCollector(crawler)
    spider = Spider.from_crawler(crawler, "news")
    stats.inc_value("pages", spider=spider)
    stats.set_value("name", "x", spider=spider)
    assert stats.get_value("pages", spider=spider) == 1 and stats.get_stats(spider) == {"pages": 1, "name": "x"}


def test_the_project_uses_it() -> None:
    """The project settings name it, and a crawler made with them collects its stats with it."""
    settings = get_project_settings()
    assert settings["STATS_CLASS"] == "newscrawl.stats.FastStatsCollector"
    crawler = get_crawler(Spider, settings_dict={"STATS_CLASS": settings["STATS_CLASS"]})
    assert type(crawler.stats) is FastStatsCollector

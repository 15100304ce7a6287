"""The progress line (newscrawl.extensions.Progress) and the field coverage counted for the end summary."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from newscrawl.extensions import (
    COVERAGE,
    Progress,
    ProgressSnapshot,
    count_coverage,
    format_progress,
)
from newscrawl.items import Article, Image

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


def crawler_with(**settings: Any) -> Crawler:
    crawler = get_crawler(settings_dict=settings)
    assert crawler.stats is not None
    crawler.stats.open_spider()
    return crawler


def test_progress_line_states_pages_rate_articles_skips_and_queue() -> None:
    """The progress line has pages (with the per-minute rate), articles written, skips, queue and in-flight counts."""
    line = format_progress(ProgressSnapshot(pages=120, pages_per_minute=34.4, articles=56, skipped=12, queued=340, in_flight=8))
    assert line == "progress: 120 pages (34/min), 56 articles written, 12 skipped, 340 queued, 8 in flight"
    unknown = format_progress(ProgressSnapshot(pages=0, pages_per_minute=0.0, articles=0, skipped=0, queued=None, in_flight=0))
    assert "? queued" in unknown


def test_progress_logs_from_the_stats(caplog: pytest.LogCaptureFixture) -> None:
    """log_progress reads the crawl stats (skips and drops summed) and logs one line at INFO."""
    crawler = crawler_with(NEWSCRAWL_PROGRESS_INTERVAL=30.0)
    assert crawler.stats is not None
    for key, value in {"downloader/response_count": 40, "item_scraped_count": 25,
                       "newscrawl/skipped/listing_page": 9, "newscrawl/dropped/unchanged": 2}.items():
        crawler.stats.set_value(key, value)
    progress = Progress.from_crawler(crawler)
    progress._last = (progress._last[0] - 60.0, 10)  # one minute ago, 10 pages
    with caplog.at_level(logging.INFO, logger="newscrawl.extensions"):
        progress.log_progress()
        progress.log_progress()  # at once again: a looping call firing twice at a boundary logs once
    [record] = caplog.records
    assert record.getMessage() == "progress: 40 pages (30/min), 25 articles written, 11 skipped, ? queued, 0 in flight"


@pytest.mark.parametrize("settings", [{"NEWSCRAWL_PROGRESS_ENABLED": False}, {"NEWSCRAWL_PROGRESS_INTERVAL": 0}])
def test_progress_can_be_switched_off(settings: dict[str, Any]) -> None:
    """NEWSCRAWL_PROGRESS_ENABLED off or a zero interval disables the extension."""
    with pytest.raises(NotConfigured):
        Progress.from_crawler(crawler_with(**settings))


def test_coverage_counts_the_fields_each_written_article_has() -> None:
    """Date, authors, a captioned image and dateline are counted per article; non-articles are ignored."""
    crawler = crawler_with()
    assert crawler.stats is not None
    full = Article(url="u1", date_published="2025-01-01", authors=["A"], dateline="GENEVA (AP)",
                   images=[Image(url="i1"), Image(url="i2", caption="A caption")])
    bare = Article(url="u2", images=[Image(url="i3", alt="no caption")])
    for item in (full, bare, {"not": "an article"}):
        count_coverage(item, crawler.stats)
    assert {name: crawler.stats.get_value(f"newscrawl/coverage/{name}") for name in COVERAGE} == {
        "date": 1, "authors": 1, "captions": 1, "dateline": 1}

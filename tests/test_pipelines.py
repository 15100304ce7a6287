"""Item pipelines and the crawl summary, driven through Scrapy's own crawler objects."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newscrawl.extensions import format_summary, summarize
from newscrawl.items import Article
from newscrawl.middlewares import stamp_provenance
from newscrawl.pipelines.dedupe import DedupePipeline
from newscrawl.pipelines.validate import ValidatePipeline

BODY = "A long enough body of article text. " * 10


def _crawler(**settings):
    from newscrawl import settings as project  # noqa: PLC0415

    base = {k: getattr(project, k) for k in dir(project) if k.isupper()}
    base.update(settings)
    crawler = get_crawler(settings_dict=base)
    crawler.stats.open_spider()  # type: ignore[union-attr]
    return crawler


def test_validate_drops_missing_headline_with_a_counted_reason() -> None:
    """An article without a headline is dropped and counted as missing_headline."""
    crawler = _crawler()
    pipe = ValidatePipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match="missing_headline"):
        pipe.process_item(Article(url="https://e.com/a", body=BODY))
    assert crawler.stats.get_value("newscrawl/dropped/missing_headline") == 1


def test_validate_drops_short_body_and_passes_good_items() -> None:
    """A too-short body is dropped as short_body; a complete article passes unchanged."""
    crawler = _crawler()
    pipe = ValidatePipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match="short_body"):
        pipe.process_item(Article(url="https://e.com/a", headline="H", body="Too short."))
    good = Article(url="https://e.com/b", headline="H", body=BODY)
    assert pipe.process_item(good) is good
    assert crawler.stats.get_value("newscrawl/dropped/short_body") == 1


def test_validate_refuses_unknown_required_field() -> None:
    """A typo in NEWSCRAWL_VALIDATE_REQUIRED stops the crawl with a message naming it."""
    with pytest.raises(ValueError, match="headlin"):
        ValidatePipeline.from_crawler(_crawler(NEWSCRAWL_VALIDATE_REQUIRED=["headlin"]))


def test_dedupe_drops_same_canonical_url_and_same_body() -> None:
    """A second copy by canonical URL, or with the same text under another URL, is dropped."""
    crawler = _crawler()
    pipe = DedupePipeline.from_crawler(crawler)
    first = Article(url="https://e.com/a?utm=1", canonical_url="https://e.com/a", headline="H", body=BODY)
    pipe.process_item(first)
    with pytest.raises(DropItem, match="duplicate_url"):
        pipe.process_item(Article(url="https://e.com/a?utm=2", canonical_url="https://e.com/a/", headline="H", body=BODY + "x"))
    with pytest.raises(DropItem, match="duplicate_body"):
        pipe.process_item(Article(url="https://e.com/amp/a", headline="H", body="  " + BODY.upper()))
    other = Article(url="https://e.com/b", headline="H2", body="Different text entirely. " * 10)
    assert pipe.process_item(other) is other
    assert crawler.stats.get_value("newscrawl/dropped/duplicate_url") == 1
    assert crawler.stats.get_value("newscrawl/dropped/duplicate_body") == 1


def test_provenance_stamps_time_and_version() -> None:
    """The middleware's stamp sets fetched_at and the package version, nothing else."""
    from newscrawl import __version__  # noqa: PLC0415

    item = stamp_provenance(Article(url="u", headline="H"), "2026-01-02T03:04:05+00:00")
    assert (item.fetched_at, item.extractor_version, item.headline) == ("2026-01-02T03:04:05+00:00", __version__, "H")


def test_summary_counts_skips_drops_and_errors_by_reason() -> None:
    """The end summary reports pages, articles, skips, drops and errors from the stats."""
    stats = {
        "elapsed_time_seconds": 4.0,
        "downloader/response_count": 20,
        "item_scraped_count": 12,
        "newscrawl/skipped/listing_page": 5,
        "newscrawl/skipped/not_article": 1,
        "newscrawl/dropped/short_body": 2,
        "downloader/exception_type_count/twisted.internet.error.TimeoutError": 3,
        "httperror/response_ignored_status_count/404": 1,
        "finish_reason": "finished",
    }
    summary = summarize(stats)
    assert summary["pages_fetched"] == 20
    assert summary["pages_per_second"] == 5.0
    assert summary["articles_written"] == 12
    assert summary["pages_skipped"] == {"listing_page": 5, "not_article": 1}
    assert summary["articles_dropped"] == {"short_body": 2}
    assert summary["errors"] == {"twisted.internet.error.TimeoutError": 3, "http_404": 1}
    text = format_summary(summary)
    assert "articles written: 12" in text
    assert "listing_page 5, not_article 1" in text


def test_summary_reports_field_coverage_and_incremental_counts() -> None:
    """The end summary gives each coverage field's share of written articles and the incremental state's counts."""
    stats = {
        "elapsed_time_seconds": 2.0,
        "item_scraped_count": 8,
        "newscrawl/coverage/date": 8,
        "newscrawl/coverage/authors": 6,
        "newscrawl/coverage/captions": 2,
        "newscrawl/state/new": 7,
        "newscrawl/state/new_version": 1,
        "newscrawl/skipped/already_stored": 30,
        "finish_reason": "finished",
    }
    summary = summarize(stats)
    assert summary["coverage"] == {"date": 1.0, "authors": 0.75, "captions": 0.25, "dateline": 0.0}
    assert summary["incremental"] == {"new": 7, "new_version": 1}
    text = format_summary(summary)
    assert "field coverage:   date 100%, authors 75%, captions 25%, dateline 0%" in text
    assert "incremental:      new 7, new_version 1" in text
    assert "already_stored 30" in text
    assert "field coverage" not in format_summary(summarize({"finish_reason": "finished"}))  # nothing written, no shares

"""The date window (-a since= / -a until=): sitemap, news sitemap and feed entries outside it are not fetched."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from conftest import run_crawl
from fixture_site import FixtureSite
from scrapy.http import XmlResponse
from scrapy.utils.test import get_crawler
from test_spider_news import (
    article_html,
    newscrawl_stats,
    paths,
    sitemap_index,
    urlset,
    write_site,
)

from newscrawl.spiders.news import NewsSpider, NewsSpiderArgumentError

if TYPE_CHECKING:
    from pathlib import Path


def spider_with(**args: str) -> NewsSpider:
    crawler = get_crawler(NewsSpider)
    return NewsSpider.from_crawler(crawler, sitemap="https://e.com/sitemap.xml", **args)


def skipped(spider: NewsSpider, reason: str) -> int | None:
    assert spider.crawler.stats is not None
    return spider.crawler.stats.get_value(f"newscrawl/skipped/{reason}")


def test_sitemap_entries_outside_the_window_are_not_requested() -> None:
    """since/until keep entries published or modified in the window, by news date first; undated ones pass."""
    spider = spider_with(since="2025-01-10", until="2025-01-20")
    body = urlset(
        "<url><loc>https://e.com/2025/01/05/too-old/</loc><lastmod>2025-01-05</lastmod></url>",
        "<url><loc>https://e.com/2024/06/01/old-but-updated/</loc><lastmod>2025-01-12T08:00:00Z</lastmod></url>",
        "<url><loc>https://e.com/2025/01/15/in-window/</loc><news:news><news:publication_date>2025-01-15T09:00:00+01:00"
        "</news:publication_date><news:title>In</news:title></news:news><lastmod>2025-02-01</lastmod></url>",
        "<url><loc>https://e.com/2025/01/25/too-new/</loc><news:news><news:publication_date>2025-01-25</news:publication_date>"
        "</news:news></url>",
        "<url><loc>https://e.com/undated-story-about-something/</loc></url>",
    ).encode()
    requests = list(spider.parse_sitemap(XmlResponse("https://e.com/sitemap.xml", body=body)))
    assert [r.url for r in requests] == [
        "https://e.com/2024/06/01/old-but-updated/",
        "https://e.com/2025/01/15/in-window/",
        "https://e.com/undated-story-about-something/",
    ]
    assert skipped(spider, "outside_window") == 2


def test_child_sitemaps_unchanged_since_the_window_opened_are_not_read() -> None:
    """With since, a sitemap index's children whose lastmod is older are skipped; undated children are read."""
    spider = spider_with(since="7d")
    body = sitemap_index("https://e.com/sitemap-2019-01.xml", "https://e.com/sitemap-latest.xml").replace(
        "<loc>https://e.com/sitemap-2019-01.xml</loc>", "<loc>https://e.com/sitemap-2019-01.xml</loc><lastmod>2019-02-01</lastmod>"
    ).encode()
    requests = list(spider.parse_sitemap(XmlResponse("https://e.com/sitemap_index.xml", body=body)))
    assert [r.url for r in requests] == ["https://e.com/sitemap-latest.xml"]
    assert skipped(spider, "sitemap_outside_window") == 1
    assert not list(spider_with(until="2019-12-31").sitemap_index_filter([]))  # until alone never drops a child sitemap


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"since": "yesterday"}, "-a since: 'yesterday' is neither a date"),
        ({"until": "2025-02-30"}, "-a until: '2025-02-30' is neither a date"),
        ({"since": "2025-02-01", "until": "2025-01-01"}, "since (2025-02-01) is after until (2025-01-01)"),
        ({"recrawl_after": "a month"}, "-a recrawl_after: 'a month' is not a duration"),
        ({"recrawl_changed": "maybe"}, "-a recrawl_changed: 'maybe' is not yes or no"),
    ],
)
def test_bad_window_and_recrawl_arguments_are_refused(args: dict[str, str], message: str) -> None:
    """An unreadable since/until/recrawl argument raises the spider's argument error naming it."""
    with pytest.raises(NewsSpiderArgumentError) as info:
        NewsSpider(feed="https://e.com/rss", **args)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("args", "settings", "message"),
    [
        (("since=last week",), {}, "scrapy crawl news: error: -a since: 'last week' is neither a date"),
        ((), {"NEWSCRAWL_STATE_ENABLED": "True", "NEWSCRAWL_STATE_RECRAWL_AFTER": "monthly"},
         "scrapy crawl: error: NEWSCRAWL_STATE_RECRAWL_AFTER: 'monthly' is not a duration"),
    ],
)
def test_bad_since_or_recrawl_setting_stops_the_crawl_with_one_line(
    tmp_path: Path, args: tuple[str, ...], settings: dict[str, str], message: str
) -> None:
    """A bad -a since or NEWSCRAWL_STATE_RECRAWL_AFTER ends `scrapy crawl` with status 2 and one error line."""
    settings = {**settings, "NEWSCRAWL_STATE_PATH": str(tmp_path / "state.sqlite3")}
    result = run_crawl(tmp_path, "feed=http://127.0.0.1:9/feed.xml", *args, settings=settings)
    errors = [line for line in result.stderr.splitlines() if "error" in line.lower()]
    assert result.returncode == 2
    assert len(errors) == 1
    assert errors[0].startswith(message)
    assert "Traceback" not in result.stderr


def test_crawl_with_since_fetches_only_recent_sitemap_and_feed_entries(tmp_path: Path) -> None:
    """A crawl with -a since fetches only the sitemap and feed entries dated since then, counting the rest."""
    rss = """<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>Old</title><link>{{BASE}}/2024/12/01/an-old-feed-story/</link><pubDate>Sun, 01 Dec 2024 10:00:00 GMT</pubDate></item>
<item><title>New</title><link>{{BASE}}/2025/01/21/a-new-feed-story/</link><pubDate>Tue, 21 Jan 2025 10:00:00 GMT</pubDate></item>
</channel></rss>"""
    site = write_site(tmp_path / "site", {
        "/sitemap.xml": urlset(
            "<url><loc>{{BASE}}/2024/11/30/an-old-sitemap-story/</loc><lastmod>2024-11-30</lastmod></url>",
            "<url><loc>{{BASE}}/2025/01/20/a-new-sitemap-story/</loc><lastmod>2025-01-20T06:00:00Z</lastmod></url>",
        ),
        "/feed.rss": rss,
        "/2024/11/30/an-old-sitemap-story/": article_html("An old sitemap story"),
        "/2025/01/20/a-new-sitemap-story/": article_html("A new sitemap story"),
        "/2024/12/01/an-old-feed-story/": article_html("An old feed story"),
        "/2025/01/21/a-new-feed-story/": article_html("A new feed story"),
    })
    with FixtureSite(site, access_log=tmp_path / "access.log") as server:
        result = run_crawl(tmp_path, f"sitemap={server.url('/sitemap.xml')}", f"feed={server.url('/feed.rss')}", "since=2025-01-15")
        fetched = server.requested_paths()
    assert result.returncode == 0, result.stderr[-2000:]
    assert paths(result, server.base_url) == {"/2025/01/20/a-new-sitemap-story/", "/2025/01/21/a-new-feed-story/"}
    assert not [p for p in fetched if "old" in p]
    assert newscrawl_stats(result)["skipped/outside_window"] == 2

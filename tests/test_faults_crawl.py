"""Crawls of a misbehaving site: every fault is retried or skipped, counted by reason, and the rest stored.

One crawl covers the site's many faulty paths (``tests/fault_server.py``);
three small crawls cover what needs its own robots.txt or two host names:
Retry-After pausing one host while another goes on, robots.txt that cannot
be read (RFC 9309), and Crawl-delay. Timing is asserted only where the
behaviour is timing (Retry-After, Crawl-delay), always as a generous lower
bound, and measured on the server's own request log.
"""

# ruff: noqa: RUF001  # typographic quotes and non-Latin letters are the test data

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import pytest
from conftest import run_crawl
from fault_server import (
    ENCODED,
    GOOD,
    OFFSITE_TARGET,
    RECOVERABLE,
    RETRY_AFTER_429,
    RETRY_AFTER_503,
    FaultSite,
    news,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from conftest import CrawlResult

# Fast failure for the faults that wait (stall, drip), one retry for those that recover.
FAULT_SETTINGS = {
    "DOWNLOAD_TIMEOUT": "3",
    "RETRY_TIMES": "1",
    "NEWSCRAWL_EXTRACT_WORKERS": "2",  # 100,000-deep pages are extracted off the reactor, as in a real crawl
}
# The small crawls extract in the crawl process: a pool of workers would cost more than it saves.
SMALL_CRAWL = {"NEWSCRAWL_EXTRACT_WORKERS": "0"}
MOJIBAKE = ("Ã", "â€", "\ufffd")


def summary_of(result: CrawlResult) -> str:
    """The end-of-crawl summary printed on stderr."""
    return result.stderr[result.stderr.rfind("newscrawl summary"):]


def summary_line(result: CrawlResult, label: str) -> str:
    """The summary line that starts with ``label``."""
    for line in summary_of(result).splitlines():
        if line.strip().startswith(label):
            return line
    return ""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultSite]:
    """The fault site with the normal robots.txt, served for this module."""
    with FaultSite(tmp_path_factory.mktemp("fault-site")) as fault_site:
        yield fault_site


@pytest.fixture(scope="module")
def crawl(site: FaultSite, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    """One crawl of the whole fault site from its home page (robots.txt, sitemaps, links)."""
    return run_crawl(tmp_path_factory.mktemp("fault-crawl"), f"url={site.url('/')}", settings=FAULT_SETTINGS)


def stored(crawl: CrawlResult, site: FaultSite, path: str) -> list[dict]:
    """The items stored for ``path`` (one, if all went well)."""
    return [item for item in crawl.items if item["url"] == site.url(path)]


# -- the crawl as a whole -----------------------------------------------------------------


def test_crawl_finishes_and_stores_every_article_exactly_once(crawl: CrawlResult, site: FaultSite) -> None:
    """Despite every fault the crawl exits 0 and stores each good or recoverable article once, and nothing else."""
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    urls = [item["url"] for item in crawl.items]
    assert len(urls) == len(set(urls)), "an article was stored twice"
    assert set(urls) == {site.url(p) for p in GOOD + RECOVERABLE + ENCODED}
    assert crawl.stats["finish_reason"] == "finished"


def test_no_fault_crashes_extraction(crawl: CrawlResult) -> None:
    """No page raises in the spider or the pipelines: no RecursionError, no spider or item error."""
    assert "RecursionError" not in crawl.stderr
    assert not [k for k in crawl.stats if k.startswith(("spider_exceptions/", "item_error"))]


# -- retried, then stored -------------------------------------------------------------------


def test_500_then_200_is_retried_and_stored_once(crawl: CrawlResult, site: FaultSite) -> None:
    """A 500 is retried; the 200 that follows is stored once; the retry is counted and summarised."""
    assert len(site.times(news("flaky-500"))) == 2
    assert len(stored(crawl, site, news("flaky-500"))) == 1
    assert crawl.stats["retry/reason_count/500 Internal Server Error"] == 1
    assert "http_500 1" in summary_line(crawl, "retried:")


@pytest.mark.parametrize(("slug", "status", "delay"), [("retry-after-503", 503, RETRY_AFTER_503),
                                                       ("retry-after-429", 429, RETRY_AFTER_429)])
def test_retry_after_is_respected(crawl: CrawlResult, site: FaultSite, slug: str, status: int, delay: int) -> None:
    """A 503 (delay-seconds) or 429 (HTTP-date) is retried no sooner than Retry-After says, then stored."""
    first, retry = site.times(news(slug))
    # an HTTP-date has whole seconds, so the 2 s date may mean a little over 1 s
    assert retry - first >= delay - 1.05 if status == 429 else retry - first >= delay * 0.95
    assert len(stored(crawl, site, news(slug))) == 1
    assert crawl.stats[f"newscrawl/retry_after/{status}"] == 1
    assert f"retry_after/{status} 1" in summary_line(crawl, "politeness:")


def test_slow_drip_that_completes_is_stored(crawl: CrawlResult, site: FaultSite) -> None:
    """A page sent in small pieces over a second, within DOWNLOAD_TIMEOUT, is stored whole."""
    (item,) = stored(crawl, site, news("slow-drip"))
    assert len(item["body"]) > 500


# -- extracted despite the HTML ------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["truncated", "malformed", "deep-after", "gzipped"])
def test_damaged_html_is_still_extracted(crawl: CrawlResult, site: FaultSite, slug: str) -> None:
    """Truncated, malformed, 100,000-deep (after the article) and gzipped pages give a full article."""
    (item,) = stored(crawl, site, news(slug))
    assert item["headline"]
    assert len(item["body"]) >= 200


@pytest.mark.parametrize(("slug", "expected"), [
    ("cp1252-unlabelled", "a “historic” meeting place for writers"),
    ("cp1252-unlabelled", "9,000 € a month"),
    ("latin1-unlabelled", "Der Bürgermeister von Köln hieß die Gäste"),
    ("utf8-as-latin1", "Zoë Šimková, the Czech skier, won the downhill in Val d’Isère"),
])
def test_unlabelled_and_mislabelled_pages_decode_without_mojibake(
    crawl: CrawlResult, site: FaultSite, slug: str, expected: str
) -> None:
    """windows-1252 and ISO-8859-1 without a label, and UTF-8 labelled ISO-8859-1, are stored as the page reads."""
    (item,) = stored(crawl, site, news(slug))
    assert expected in item["body"]
    assert not [bad for bad in MOJIBAKE if bad in item["body"] + item["headline"]]


# -- skipped, each counted by reason ------------------------------------------------------------------


def test_connection_reset_mid_body_is_retried_then_counted(crawl: CrawlResult, site: FaultSite) -> None:
    """A response cut by a TCP reset is retried, then given up on as connection_lost."""
    assert len(site.times(news("reset"))) == 2
    assert not stored(crawl, site, news("reset"))
    assert crawl.stats["newscrawl/failed/connection_lost"] == 1
    assert "connection_lost 1" in summary_line(crawl, "pages failed:")


def test_read_timeout_and_endless_drip_are_bounded_and_counted(crawl: CrawlResult, site: FaultSite) -> None:
    """A stalled response and one that never ends are cut at DOWNLOAD_TIMEOUT, retried once, counted as timeout."""
    for slug in ("stall", "endless-drip"):
        assert len(site.times(news(slug))) == 2, slug
        assert not stored(crawl, site, news(slug))
    assert crawl.stats["newscrawl/failed/timeout"] == 2
    assert "timeout 2" in summary_line(crawl, "pages failed:")


def test_oversized_pages_and_gzip_bomb_are_bounded_and_counted(crawl: CrawlResult, site: FaultSite) -> None:
    """A 30 MB page (with or without Content-Length) and a gzip bomb stop at DOWNLOAD_MAXSIZE, counted as too_large."""
    for slug in ("huge", "huge-chunked", "gzip-bomb"):
        assert not stored(crawl, site, news(slug))
    assert crawl.stats["newscrawl/failed/too_large"] == 3
    assert "too_large 3" in summary_line(crawl, "pages failed:")
    assert crawl.stats.get("memusage/max", 0) < 1024**3  # nothing near the bomb's 64 MB per copy piles up


def test_unreadable_pages_served_as_html_are_skipped_as_not_html(crawl: CrawlResult, site: FaultSite) -> None:
    """A PDF and a PNG served as text/html, an empty 200 and a page in an unknown encoding are skipped as not_html."""
    for slug in ("pdf-as-html", "png-as-html", "empty", "unknown-encoding"):
        assert len(site.times(news(slug))) == 1, slug
        assert not stored(crawl, site, news(slug))
    assert crawl.stats["newscrawl/skipped/not_html"] == 4
    assert "not_html 4" in summary_line(crawl, "pages skipped:")


def test_text_only_inside_deep_nesting_is_skipped_without_crash(crawl: CrawlResult, site: FaultSite) -> None:
    """Text only below 100,000 nested elements is past the parser's depth limit: skipped as no_body, no crash."""
    assert not stored(crawl, site, news("deep-only"))
    assert crawl.stats["newscrawl/skipped/no_body"] >= 1


def test_redirect_loop_is_refused_and_counted(crawl: CrawlResult, site: FaultSite) -> None:
    """A redirect loop is stopped when it comes back to its start, each URL fetched once, counted."""
    assert len(site.times(news("loop-a"))) == 1
    assert len(site.times(news("loop-b"))) == 1
    assert crawl.stats["newscrawl/failed/redirect_loop"] == 1
    assert "redirect_loop 1" in summary_line(crawl, "pages failed:")


def test_redirect_to_another_domain_is_not_followed_when_following_links(crawl: CrawlResult, site: FaultSite) -> None:
    """A followed link that redirects off the start domain is not fetched, and is counted."""
    assert not [r for r in site.requests() if r["host"].startswith("localhost")]
    assert not site.times(OFFSITE_TARGET)
    assert crawl.stats["offsite/filtered"] == 1
    assert "offsite/not_followed 1" in summary_line(crawl, "politeness:")
    assert "IgnoreRequest" not in summary_line(crawl, "errors:")


def test_robots_disallowed_article_is_not_fetched(crawl: CrawlResult, site: FaultSite) -> None:
    """An article under a Disallow rule, listed in the sitemap and linked, is never requested; counted."""
    assert not site.times("/private/2024/05/14/secret-story")
    assert crawl.stats["robotstxt/forbidden"] >= 1
    assert "0 requests" not in summary_line(crawl, "robots.txt:")


def test_sitemap_that_is_not_xml_is_skipped_and_counted(crawl: CrawlResult) -> None:
    """A robots.txt Sitemap that is not XML is skipped as bad_sitemap; the other sitemap is still read."""
    assert crawl.stats["newscrawl/skipped/bad_sitemap"] == 1
    assert "bad_sitemap 1" in summary_line(crawl, "pages skipped:")
    assert crawl.stats["newscrawl/discovered/sitemap"] >= len(GOOD + RECOVERABLE + ENCODED)


# -- politeness that needs its own crawl --------------------------------------------------------------------


def write_urls(tmp_path: Path, urls: list[str]) -> str:
    """A urls_file holding ``urls``; returns the spider argument."""
    path = tmp_path / "urls.txt"
    path.write_text("\n".join(urls) + "\n", encoding="utf-8")
    return f"urls_file={path}"


def test_retry_after_pauses_only_its_host(tmp_path: Path) -> None:
    """After a 429 with Retry-After, that host waits (the retry included) while another host goes on."""
    paused = [news("retry-after-429"), *GOOD[:2]]
    other = [*GOOD[2:], *ENCODED]
    with FaultSite(tmp_path) as site:
        urls = [site.url(p) for p in paused] + [site.url(p, host="localhost") for p in other]
        result = run_crawl(tmp_path, write_urls(tmp_path, urls), settings={
            **SMALL_CRAWL, "CONCURRENT_REQUESTS_PER_DOMAIN": "1", "DOWNLOAD_DELAY": "0.25", "DOWNLOAD_DELAY_JITTER": "0",
        })
        requests = [r for r in site.requests() if r["path"] != "/robots.txt"]
        first, retry = site.times(news("retry-after-429"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(result.items) == len(paused + other)
    pause_end = first + RETRY_AFTER_429 - 1.05  # HTTP-date: whole seconds
    assert retry >= pause_end
    during = [r for r in requests if first < r["t"] < pause_end]
    assert not [r for r in during if r["host"].startswith("127.0.0.1")], "the paused host was asked during its pause"
    assert [r for r in during if r["host"].startswith("localhost")], "the other host did not go on meanwhile"
    assert result.stats["newscrawl/retry_after/429"] == 1


def test_unreachable_robots_txt_disallows_the_host_and_4xx_allows_it(tmp_path: Path) -> None:
    """robots.txt answering 503 or timing out disallows its whole host (RFC 9309); a 404 allows everything."""
    with FaultSite(tmp_path, robots="status:503") as down, FaultSite(tmp_path, robots="stall") as stalled, \
            FaultSite(tmp_path, robots="status:404") as missing:
        urls = [s.url(p) for s in (down, stalled, missing) for p in GOOD[:2]]
        result = run_crawl(tmp_path, write_urls(tmp_path, urls), settings={
            **SMALL_CRAWL, "DOWNLOAD_TIMEOUT": "1", "RETRY_TIMES": "1", "NEWSCRAWL_RETRY_AFTER_BACKOFF": "0.1",
        })
        asked = {name: [r["path"] for r in s.requests()] for name, s in
                 (("down", down), ("stalled", stalled), ("missing", missing))}
    assert result.returncode == 0, result.stderr[-3000:]
    assert set(asked["down"]) == {"/robots.txt"}  # retried, then no page at all
    assert set(asked["stalled"]) == {"/robots.txt"}
    assert result.urls == {missing.url(p) for p in GOOD[:2]}
    assert result.stats["newscrawl/robots/unavailable_disallow"] == 2
    assert result.stats["newscrawl/robots/unavailable_allow"] == 1
    assert result.stats["robotstxt/forbidden"] == 4
    assert "robots/unavailable_disallow 2" in summary_line(result, "politeness:")


def test_crawl_delay_spaces_requests_to_the_host(tmp_path: Path) -> None:
    """robots.txt Crawl-delay: 0.6 keeps requests to the host at least that far apart."""
    with FaultSite(tmp_path, robots="crawl-delay:0.6") as site:
        result = run_crawl(tmp_path, write_urls(tmp_path, [site.url(p) for p in GOOD]), settings=SMALL_CRAWL)
        times = sorted(r["t"] for r in site.requests() if r["path"] in GOOD)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(result.items) == len(GOOD)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == len(GOOD) - 1
    assert min(gaps) >= 0.5, gaps
    assert result.stats["newscrawl/crawl_delay/hosts"] == 1

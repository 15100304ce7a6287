"""Crawls driven by a sources file: an outlet's extraction selectors and its politeness, applied for real."""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

import pytest
from conftest import run_crawl
from fixture_site import FixtureSite
from test_spider_news import article_html, newscrawl_stats, urlset, write_site

from newscrawl.extraction import extract

if TYPE_CHECKING:
    from pathlib import Path

SERIES_NOTE = (
    "Support local journalism: our reporters spent three months following this story from the "
    "first council vote to the last, and you can read every part of the series on our site today."
)
TITLES = ("Storm hits the coast", "Talks resume in Geneva", "Harbour report published")


def outlet_page(title: str, *, with_headline_box: bool) -> str:
    """An article page with a series note the generic extractor keeps, and (optionally) the outlet's headline box."""
    html = article_html(title)
    box = f'<div class="story-headline">{title}: what we know</div>' if with_headline_box else ""
    html = html.replace('<p class="byline">', f'{box}<p class="byline">', 1)
    return html.replace("</article>", f'<div class="series-note"><p>{SERIES_NOTE}</p></div></article>', 1)


def slug(title: str) -> str:
    return "/news/" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") + ".html"


def sitemap_of(*url_paths: str) -> str:
    return urlset(*(f"<url><loc>{{{{BASE}}}}{p}</loc></url>" for p in url_paths))


@pytest.mark.parametrize("workers", [None, "0"], ids=["worker-pool", "in-process"])
def test_outlet_selectors_apply_during_the_crawl(tmp_path: Path, workers: str | None) -> None:
    """drop_selectors remove a block the generic extractor keeps; headline_selector sets the headline, and a miss is counted."""
    pages = {slug(t): outlet_page(t, with_headline_box=t != TITLES[-1]) for t in TITLES}
    generic = extract(pages[slug(TITLES[0])].encode(), "https://x.example" + slug(TITLES[0])).item
    assert generic is not None and SERIES_NOTE in (generic.body or "")  # what the outlet's selectors are for
    site = write_site(tmp_path / "site", {"/sitemap.xml": sitemap_of(*pages), **pages})
    with FixtureSite(site) as server:
        sources = tmp_path / "sources.toml"
        sources.write_text(f"""
[[outlets]]
name = "gazette"
sitemaps = ["{server.url('/sitemap.xml')}"]
drop_selectors = [".series-note", "aside.never-on-this-site"]
headline_selector = "div.story-headline"
""", encoding="utf-8")
        settings = {"NEWSCRAWL_EXTRACT_WORKERS": workers} if workers is not None else {}
        result = run_crawl(tmp_path, f"sources={sources}", settings=settings)
    assert result.returncode == 0, result.stderr[-2000:]
    by_path = {item["url"].removeprefix(server.base_url): item for item in result.items}
    assert set(by_path) == set(pages)
    for item in by_path.values():
        assert SERIES_NOTE not in item["body"]
        assert item["body"].count("Jane Doe") == 0 and len(item["body"]) > 300
    assert [by_path[slug(t)]["headline"] for t in TITLES] == [
        "Storm hits the coast: what we know", "Talks resume in Geneva: what we know", "Harbour report published"]
    stats = newscrawl_stats(result)
    assert stats.get("selectors/no_match/headline") == 1  # the page without the box: generic headline, counted
    assert "selectors/no_match/body" not in stats
    if workers is None:
        assert stats.get("extract/workers", 0) >= 1  # the pages really went through the worker processes


def crawled_times(log: str, base_url: str, prefix: str) -> list[float]:
    """When each page under ``prefix`` on ``base_url`` was crawled, from the log's ``%(created)`` stamps."""
    pattern = re.compile(rf"^(\d+\.\d+) .*Crawled \(200\) <GET {re.escape(base_url + prefix)}", re.MULTILINE)
    return sorted(float(m.group(1)) for m in pattern.finditer(log))


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


def test_outlet_download_delay_and_concurrency_apply_to_its_requests(tmp_path: Path) -> None:
    """An outlet's download_delay spaces its requests, and its concurrency=1 serialises a slow site.

    The test crawl's DOWNLOAD_DELAY is 0. With the asyncio reactor, Scrapy
    2.19's downloader starts every queued request of a slot whose delay is
    exactly 0 before any of them counts as transferring, so neither
    CONCURRENT_REQUESTS_PER_DOMAIN nor a slot's concurrency holds there;
    with any delay (newscrawl's default DOWNLOAD_DELAY is 0.25 s) it does.
    """
    paced = write_site(tmp_path / "paced", {
        "/sitemap.xml": sitemap_of(*(f"/a/{i}.html" for i in range(4))),
        **{f"/a/{i}.html": article_html(f"Paced story number {i}") for i in range(4)},
    })
    serial = write_site(tmp_path / "serial", {
        "/sitemap.xml": sitemap_of(*(f"/b/{i}.html" for i in range(4))),
        **{f"/b/{i}.html": article_html(f"Serial story number {i}") for i in range(4)},
    })
    with FixtureSite(paced) as p, FixtureSite(serial, delay=0.3) as s:
        sources = tmp_path / "sources.toml"
        sources.write_text(f"""
[[outlets]]
name = "paced"
sitemaps = ["{p.url('/sitemap.xml')}"]
download_delay = 0.4

[[outlets]]
name = "serial"
sitemaps = ["{s.url('/sitemap.xml')}"]
concurrency = 1
download_delay = 0.05  # see below: Scrapy 2.19 holds a slot's concurrency only when its delay is not 0
""", encoding="utf-8")
        result = run_crawl(tmp_path, f"sources={sources}", settings={
            "LOG_LEVEL": "DEBUG", "LOG_FORMAT": "%(created).3f %(levelname)s: %(message)s",
            "DOWNLOAD_DELAY_JITTER": "0",  # the outlet's delay exactly, so the gaps can be checked
            # extraction stays in the worker processes, so the log times are when responses arrived
        })
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(result.items) == 8
    paced_times = crawled_times(result.stderr, p.base_url, "/a/")
    serial_times = crawled_times(result.stderr, s.base_url, "/b/")
    assert (len(paced_times), len(serial_times)) == (4, 4)
    assert min(gaps(paced_times)) >= 0.35, paced_times  # download_delay = 0.4 (the crawl's DOWNLOAD_DELAY is 0)
    # one request at a time to a site answering in 0.3 s (the default 4 per site would start them 0.05 s apart)
    assert min(gaps(serial_times)) >= 0.25, serial_times


def test_robots_crawl_delay_applies_to_every_outlet_slot_on_its_host(tmp_path: Path) -> None:
    """Two outlets on one host, each with its own slot and a 0.1 s delay: the host's robots.txt Crawl-delay (0.6 s) paces both."""
    site = write_site(tmp_path / "site", {
        "/robots.txt": "User-agent: *\nCrawl-delay: 0.6\n",
        "/one.xml": sitemap_of(*(f"/one/{i}.html" for i in range(3))),
        "/two.xml": sitemap_of(*(f"/two/{i}.html" for i in range(3))),
        **{f"/{o}/{i}.html": article_html(f"Outlet {o} story number {i}") for o in ("one", "two") for i in range(3)},
    })
    with FixtureSite(site) as server:
        sources = tmp_path / "sources.toml"
        sources.write_text("".join(f"""
[[outlets]]
name = "{o}"
sitemaps = ["{server.url(f'/{o}.xml')}"]
download_delay = 0.1
""" for o in ("one", "two")), encoding="utf-8")
        result = run_crawl(tmp_path, f"sources={sources}", settings={
            "LOG_LEVEL": "DEBUG", "LOG_FORMAT": "%(created).3f %(levelname)s: %(message)s", "DOWNLOAD_DELAY_JITTER": "0"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(result.items) == 6
    for outlet in ("one", "two"):  # robots.txt was fetched for one outlet's request; both slots obey it
        times = crawled_times(result.stderr, server.base_url, f"/{outlet}/")
        assert len(times) == 3
        assert min(gaps(times)) >= 0.5, (outlet, times)
    assert newscrawl_stats(result).get("crawl_delay/hosts") == 1

"""The sources file (-a sources=FILE.toml): checking it, the requests it shapes, and crawls driven by it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from conftest import ROOT, run_crawl
from fixture_site import FixtureSite
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from test_spider_news import (
    article_html,
    listing_html,
    newscrawl_stats,
    paths,
    write_site,
)

from newscrawl.sources import SourcesError, load_sources
from newscrawl.spiders.news import META_OUTLET, NewsSpider

if TYPE_CHECKING:
    from pathlib import Path

EXAMPLE = ROOT / "examples" / "sources.toml"


def sources_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


# -- checking the file -------------------------------------------------------------------


def test_example_sources_file_loads() -> None:
    """The shipped examples/sources.toml is valid, and its keys become the outlets' settings."""
    news, wire = load_sources(EXAMPLE)
    assert news.name == "example-news"
    assert news.allowed_domains == ("example-news.com",)
    assert news.url_refusal("https://www.example-news.com/2025/01/20/storm-hits-the-coast/") is None
    assert news.url_refusal("https://www.example-news.com/live/2025/01/20/storm/") == "url_excluded"
    assert news.url_refusal("https://www.example-news.com/world/") == "url_not_included"
    assert (news.download_slot, news.slot_settings) == ("outlet:example-news", {"delay": 2.0, "concurrency": 2})
    assert news.selectors == {"drop": [".newsletter-signup", "aside.most-read"]}
    assert (wire.start_urls, wire.allowed_domains) == ((), ())
    assert wire.selectors == {"headline": "h1.headline", "body": "div.story-body"}


GOOD = '[[outlets]]\nname = "gazette"\nstart_urls = ["https://gazette.example/"]\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD + '\n[[outlets]]\nname = "wire"\nfeeds = ["https://wire.example/rss"\nexclude = []\n',
         "outlet 'wire' (#2): not valid TOML: "),
        (GOOD + 'feed = ["https://gazette.example/rss"]\n', "outlet 'gazette' (#1): unknown key 'feed' (did you mean 'feeds'?)"),
        ('[[outlets]]\nstart_urls = ["https://gazette.example/"]\n', 'outlet #1: missing required key "name"'),
        ('[[outlets]]\nname = "gazette"\nallowed_domains = ["gazette.example"]\n',
         "outlet 'gazette' (#1): needs at least one of start_urls, feeds, sitemaps"),
        (GOOD + "include = ['/20\\d\\d/(']\n", "outlet 'gazette' (#1): include[0]: '/20\\\\d\\\\d/(' is not a valid regular expression (missing ), unterminated subpattern"),
        (GOOD + 'drop_selectors = ["aside", "div[class="]\n', "outlet 'gazette' (#1): drop_selectors[1]: 'div[class=' is not a valid CSS selector"),
        (GOOD + 'sitemaps = ["gazette.example/sitemap.xml"]\n', "outlet 'gazette' (#1): sitemaps[0]: 'gazette.example/sitemap.xml' is not a usable URL (no http(s) scheme)"),
        (GOOD + 'feeds = "https://gazette.example/rss"\n', 'outlet \'gazette\' (#1): feeds must be a list of strings, e.g. feeds = ["..."]'),
        (GOOD + GOOD, "outlet 'gazette' (#2): the name is used by an earlier outlet; names must be unique"),
        (GOOD + "download_delay = -1\n", "outlet 'gazette' (#1): download_delay must be a number of seconds >= 0, not -1"),
        (GOOD + "concurrency = 0\n", "outlet 'gazette' (#1): concurrency must be a whole number >= 1, not 0"),
        (GOOD + 'allowed_domains = ["https://gazette.example/"]\n', "allowed_domains[0]: 'https://gazette.example/' is not a domain name"),
        ('[outlet]\nname = "gazette"\n', "unknown top-level key 'outlet'; outlets are [[outlets]] tables"),
        ("# nothing yet\n", "no outlets; add [[outlets]] tables"),
    ],
)
def test_malformed_sources_file_is_refused_naming_file_outlet_and_problem(tmp_path: Path, text: str, message: str) -> None:
    """Each kind of mistake raises SourcesError with one line: the file, the outlet (when known) and the problem."""
    path = sources_file(tmp_path, text)
    with pytest.raises(SourcesError) as info:
        load_sources(path)
    line = str(info.value)
    assert "\n" not in line
    assert line.startswith(f"{path}: ")
    assert message in line


def test_missing_sources_file_is_refused(tmp_path: Path) -> None:
    """A sources file that cannot be read is named with the reason."""
    with pytest.raises(SourcesError, match=r"missing\.toml: cannot read the sources file \(No such file or directory\)"):
        load_sources(tmp_path / "missing.toml")


# -- requests the outlets shape ----------------------------------------------------------


def test_outlet_requests_carry_name_slot_and_selectors(tmp_path: Path) -> None:
    """An outlet's requests carry its name and download slot, its articles `outlet` and `selectors` in listed."""
    path = sources_file(tmp_path, """
[[outlets]]
name = "gazette"
start_urls = ["https://www.gazette.example/"]
feeds = ["https://feeds.example.net/gazette.rss"]
exclude = ['/video/']
body_selector = "div.story"
download_delay = 1.5
concurrency = 2

[[outlets]]
name = "wire"
sitemaps = ["https://wire.example/news-sitemap.xml"]
""")
    crawler = get_crawler(NewsSpider)
    spider = NewsSpider.from_crawler(crawler, sources=str(path))
    assert spider.allowed_domains == ["gazette.example"]
    requests = {r.url: r for r in spider._start_requests()}
    assert set(requests) == {
        "https://www.gazette.example/robots.txt", "https://feeds.example.net/gazette.rss",
        "https://www.gazette.example/", "https://wire.example/news-sitemap.xml",
    }
    feed = requests["https://feeds.example.net/gazette.rss"]
    assert {k: feed.meta[k] for k in (META_OUTLET, "download_slot", "autothrottle_dont_adjust_delay")} == {
        META_OUTLET: "gazette", "download_slot": "outlet:gazette", "autothrottle_dont_adjust_delay": True}
    assert requests["https://wire.example/news-sitemap.xml"].meta == {"allow_offsite": True, "depth_reset": True, META_OUTLET: "wire"}

    home = requests["https://www.gazette.example/"]
    page = listing_html("Home", (
        "/2025/01/20/storm-hits-the-coast/", "/video/2025/01/20/storm-footage-from-the-coast/",
        "https://wire.example/2025/01/20/another-outlets-story/",
    ))
    response = HtmlResponse(home.url, body=page.encode(), headers={"Content-Type": "text/html"}, request=home)
    [article] = list(spider.parse_listing(response))
    assert article.url == "https://www.gazette.example/2025/01/20/storm-hits-the-coast/"
    assert article.cb_kwargs["listed"] == {"source": "link", "referer": home.url, "outlet": "gazette", "selectors": {"body": "div.story"}}
    assert article.meta["download_slot"] == "outlet:gazette"
    assert crawler.stats is not None
    assert crawler.stats.get_value("newscrawl/skipped/url_excluded") == 1


def test_outlet_politeness_and_recrawl_arguments_become_settings(tmp_path: Path) -> None:
    """Outlets' delay/concurrency join DOWNLOAD_SLOTS given with -s; -a recrawl_* override the -s settings."""
    path = sources_file(tmp_path, GOOD + "download_delay = 3\nconcurrency = 1\n")
    settings = Settings({"DOWNLOAD_SLOTS": {"cdn.example": {"delay": 1.0}}, "NEWSCRAWL_STATE_RECRAWL_CHANGED": False}, priority="cmdline")
    crawler = Crawler(NewsSpider, settings)
    NewsSpider.from_crawler(crawler, sources=str(path), recrawl_after="12h", recrawl_changed="yes")
    assert crawler.settings.getdict("DOWNLOAD_SLOTS") == {
        "cdn.example": {"delay": 1.0}, "outlet:gazette": {"delay": 3.0, "concurrency": 1}}
    assert crawler.settings.get("NEWSCRAWL_STATE_RECRAWL_AFTER") == "12h"
    assert crawler.settings.getbool("NEWSCRAWL_STATE_RECRAWL_CHANGED") is True


# -- crawls ------------------------------------------------------------------------------


def test_malformed_sources_file_stops_the_crawl_before_any_request(tmp_path: Path) -> None:
    """A bad sources file ends `scrapy crawl` with status 2 and one error line; nothing is fetched or written."""
    site = write_site(tmp_path / "site", {"/": listing_html("Home", ())})
    with FixtureSite(site, access_log=tmp_path / "access.log") as server:
        path = sources_file(tmp_path, f'[[outlets]]\nname = "gazette"\nstart_urls = ["{server.url("/")}"]\ninclude = ["(unclosed"]\n')
        result = run_crawl(tmp_path, f"sources={path}")
        fetched = server.requested_paths()
    errors = [line for line in result.stderr.splitlines() if "error" in line.lower()]
    assert result.returncode == 2
    expected = (
        f"scrapy crawl news: error: {path}: outlet 'gazette' (#1): include[0]: '(unclosed' is not a valid regular "
        "expression (missing ), unterminated subpattern at position 0)"
    )
    assert errors == [expected]
    assert "Traceback" not in result.stderr
    assert fetched == []
    assert not (tmp_path / "out.jsonl").exists()


def test_sources_file_crawls_each_outlet_with_its_rules(tmp_path: Path) -> None:
    """Two outlets: start page + include/exclude on one, a feed on the other; each outlet's slot settings are applied."""
    gazette = write_site(tmp_path / "gazette", {
        "/": listing_html("Home", (
            "/news/2025-storm-hits-the-coast.html", "/news/2025-talks-resume-in-geneva.html",
            "/live/2025-storm-live-updates.html", "/section/world/",
        )),
        "/section/world/": listing_html("World", ("/news/2025-found-through-the-section.html",)),
        "/news/2025-storm-hits-the-coast.html": article_html("Storm hits the coast"),
        "/news/2025-talks-resume-in-geneva.html": article_html("Talks resume in Geneva"),
        "/news/2025-found-through-the-section.html": article_html("Found through the section"),
        "/live/2025-storm-live-updates.html": article_html("Storm live updates"),
    })
    wire = write_site(tmp_path / "wire", {
        "/feed.rss": """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>A</title><link>{{BASE}}/wire/a-wire-story-about-rivers-and-rain</link></item>
<item><title>C</title><link>{{BASE}}/corrections/a-correction-to-an-earlier-story</link></item>
</channel></rss>""",
        "/wire/a-wire-story-about-rivers-and-rain": article_html("A wire story about rivers and rain"),
        "/corrections/a-correction-to-an-earlier-story": article_html("A correction to an earlier story"),
    })
    with FixtureSite(gazette, access_log=tmp_path / "gazette.log") as g, FixtureSite(wire, access_log=tmp_path / "wire.log") as w:
        path = sources_file(tmp_path, f"""
[[outlets]]
name = "gazette"
start_urls = ["{g.url('/')}"]
include = ['/news/2025-[a-z-]+\\.html$']
exclude = ['/live/']
download_delay = 0.05
concurrency = 1

[[outlets]]
name = "wire"
feeds = ["{w.url('/feed.rss')}"]
exclude = ['/corrections/']
""")
        result = run_crawl(tmp_path, f"sources={path}")
        gazette_fetched, wire_fetched = g.requested_paths(), w.requested_paths()
    assert result.returncode == 0, result.stderr[-2000:]
    assert paths(result, g.base_url) - {w.url("/wire/a-wire-story-about-rivers-and-rain")} == {
        "/news/2025-storm-hits-the-coast.html", "/news/2025-talks-resume-in-geneva.html", "/news/2025-found-through-the-section.html"}
    assert w.url("/wire/a-wire-story-about-rivers-and-rain") in result.urls
    assert "/live/2025-storm-live-updates.html" not in gazette_fetched
    assert "/corrections/a-correction-to-an-earlier-story" not in wire_fetched
    assert "/robots.txt" not in wire_fetched or "/feed.rss" in wire_fetched  # the wire outlet has no start pages
    stats = newscrawl_stats(result)
    assert stats["skipped/url_excluded"] == 2  # the live page link and the feed's correction
    assert "download slot outlet:gazette: delay 0.05, concurrency 1" in result.stderr

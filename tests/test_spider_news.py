"""The ``news`` spider: real ``scrapy crawl news`` runs against small sites on 127.0.0.1.

Each crawl test builds its own site in ``tmp_path`` (so it does not depend
on the demo site's contents), serves it with :class:`FixtureSite` with an
access log, and checks which URLs became items, what was counted as
skipped, and what was (not) fetched.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from conftest import ROOT, run_crawl
from fixture_site import FixtureSite
from scrapy.http import HtmlResponse, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from newscrawl.spiders.news import NewsSpider, NewsSpiderArgumentError, is_html_response

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from conftest import CrawlResult

    from newscrawl.discovery.sitemaps import SitemapEntry

# -- site builders -----------------------------------------------------------------------

_SENTENCES = [
    "Officials said on {day} that the {topic} had taken most residents by surprise, despite weeks of warnings.",
    "Local councils opened emergency shelters in schools and sports halls, and volunteers handed out blankets and hot meals.",
    "Engineers worked through the night to restore power lines, while rail services were suspended along the coast.",
    "Economists warned that the cost of the {topic} could run into the hundreds of millions once insurance claims are counted.",
    "Residents interviewed near the harbour described roofs torn away and streets turned into rivers within minutes.",
    "The regional government promised a full inquiry into how the alerts were issued and why some towns received none.",
]


def article_html(title: str, *, day: str = "Wednesday", links: tuple[str, ...] = ()) -> str:
    """An article page: og:type article, an <article> with <h1> and four paragraphs unique to ``title``."""
    topic = title.lower()
    paragraphs = [
        f"{title}. " + _SENTENCES[i % len(_SENTENCES)].format(day=day, topic=topic)
        + " " + _SENTENCES[(i + 2) % len(_SENTENCES)].format(day=day, topic=topic)
        for i in range(4)
    ]
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    related = "".join(f'<li><a href="{href}">Related story</a></li>' for href in links)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Test Gazette</title>
<meta property="og:type" content="article"><meta property="og:site_name" content="The Test Gazette">
<meta property="article:published_time" content="2022-09-07T10:00:00+00:00"></head>
<body><header><nav><a href="/">Home</a> <a href="/section/world/">World</a> <a href="/about/">About</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">By Jane Doe</p>
{body}
</article><aside><h2>Read more</h2><ul>{related}</ul></aside></main>
<footer><a href="/privacy">Privacy</a></footer></body></html>
"""


def listing_html(title: str, links: tuple[str, ...]) -> str:
    """A listing page (home, section): a heading and a list of links, no <article>."""
    items = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Test Gazette</title>
<meta property="og:type" content="website"></head>
<body><h1>{title}</h1><ul>{items}</ul></body></html>
"""


def page_path(url_path: str) -> str:
    """The file that serves ``url_path`` (``/a/b/`` → ``a/b/index.html``)."""
    path = url_path.lstrip("/")
    return path + "index.html" if path.endswith("/") or not path else path


def write_site(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``{url_path: content}`` under ``root``; returns ``root``."""
    for url_path, content in files.items():
        target = root / page_path(url_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


def urlset(*entries: str) -> str:
    """A urlset sitemap (with the Google News namespace declared) around ``<url>`` entries."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + "\n".join(entries) + "\n</urlset>\n"
    )


def sitemap_index(*locs: str) -> str:
    """A sitemap index listing ``locs``."""
    items = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>'


def paths(result: CrawlResult, base: str) -> set[str]:
    """The item URLs of a crawl, as paths on the site at ``base``."""
    return {url.removeprefix(base) for url in result.urls}


def newscrawl_stats(result: CrawlResult) -> dict[str, int]:
    """The ``newscrawl/*`` stats of a crawl, without the prefix."""
    return {k.removeprefix("newscrawl/"): v for k, v in result.stats.items() if k.startswith("newscrawl/")}


# -- crawls ------------------------------------------------------------------------------


def test_start_page_reads_robots_sitemaps_and_follows_links(tmp_path: Path) -> None:
    """With -a url, robots.txt → index → urlset (plain and gzip) and on-site links are found; Disallow is obeyed."""
    news_sitemap = urlset(
        "<url><loc>{{BASE}}/2022/09/09/news-sitemap-story-from-gzip/</loc><news:news>"
        "<news:publication><news:name>The Test Gazette</news:name><news:language>en</news:language></news:publication>"
        "<news:publication_date>2022-09-09T08:00:00Z</news:publication_date><news:title>Gzip story</news:title>"
        "</news:news></url>"
    )
    site = write_site(tmp_path / "site", {
        "/robots.txt": "User-agent: *\nDisallow: /private/\n\nSitemap: {{BASE}}/sitemap_index.xml\n",
        "/sitemap_index.xml": sitemap_index("{{BASE}}/sitemap-articles.xml", "{{BASE}}/news-sitemap.xml.gz"),
        "/sitemap-articles.xml": urlset(
            "<url><loc>{{BASE}}/2022/09/07/storm-hits-the-coast/</loc><lastmod>2022-09-07</lastmod></url>",
            "<url><loc>{{BASE}}/2022/09/08/talks-resume-in-geneva/</loc></url>",
            "<url><loc>{{BASE}}/private/2022/09/08/sitemap-secret-story/</loc></url>",
        ),
        "/": listing_html("Home", ("/section/world/", "/about/", "/2022/09/07/storm-hits-the-coast/", "/private/2022/09/10/linked-secret-story/")),
        "/section/world/": listing_html("World", ("/2022/09/10/found-only-through-the-section/", "/section/world/page/2/")),
        "/section/world/page/2/": listing_html("World, page 2", ("/",)),
        "/about/": listing_html("About us", ()),
        "/2022/09/07/storm-hits-the-coast/": article_html("Storm hits the coast", links=("/2022/09/11/linked-from-an-article/",)),
        "/2022/09/08/talks-resume-in-geneva/": article_html("Talks resume in Geneva"),
        "/2022/09/10/found-only-through-the-section/": article_html("Found only through the section"),
        "/2022/09/11/linked-from-an-article/": article_html("Linked from an article"),
        "/private/2022/09/08/sitemap-secret-story/": article_html("Sitemap secret story"),
        "/private/2022/09/10/linked-secret-story/": article_html("Linked secret story"),
        "/2022/09/09/news-sitemap-story-from-gzip/": article_html("News sitemap story from gzip"),
    })
    with FixtureSite(site, access_log=tmp_path / "access.log") as server:
        # {{BASE}} is not replaced inside .gz files: write the gzip sitemap once the port is known
        (site / "news-sitemap.xml.gz").write_bytes(gzip.compress(news_sitemap.replace("{{BASE}}", server.base_url).encode()))
        result = run_crawl(tmp_path, f"url={server.url('/')}")
        fetched = server.requested_paths()
    assert result.returncode == 0, result.stderr
    assert paths(result, server.base_url) == {
        "/2022/09/07/storm-hits-the-coast/",
        "/2022/09/08/talks-resume-in-geneva/",
        "/2022/09/09/news-sitemap-story-from-gzip/",
        "/2022/09/10/found-only-through-the-section/",
        "/2022/09/11/linked-from-an-article/",
    }
    assert not [p for p in fetched if p.startswith("/private/")]
    stats = newscrawl_stats(result)
    assert stats["discovered/start"] == 1
    assert stats["discovered/sitemap"] == 4  # three from the urlset (one disallowed), one from the gzip news sitemap
    assert stats["skipped/listing_page"] == 4  # home, world, world page 2, about
    assert "skipped/not_article" not in stats
    assert result.stats["robotstxt/forbidden"] == 2
    assert result.stats["item_scraped_count"] == 5
    # the page only reachable by links was found by link-following, not through the sitemaps
    assert stats["discovered/link"] >= 2


def test_sitemap_argument_reads_index_and_reports_bad_sitemaps(tmp_path: Path) -> None:
    """-a sitemap reads the named index and urlsets without following links; a non-sitemap is counted as bad_sitemap."""
    site = write_site(tmp_path / "site", {
        "/sitemap_index.xml": sitemap_index("{{BASE}}/sitemap-a.xml", "{{BASE}}/not-a-sitemap.xml"),
        "/sitemap-a.xml": urlset(
            "<url><loc>{{BASE}}/2022/09/07/storm-hits-the-coast/</loc></url>",
            "<url><loc>{{BASE}}/section/world/</loc></url>",
        ),
        "/not-a-sitemap.xml": "<html><body><p>Oops, a soft 404</p></body></html>",
        "/section/world/": listing_html("World", ("/2022/09/12/never-fetched-story/",)),
        "/2022/09/07/storm-hits-the-coast/": article_html("Storm hits the coast", links=("/2022/09/12/never-fetched-story/",)),
        "/2022/09/12/never-fetched-story/": article_html("Never fetched story"),
    })
    with FixtureSite(site, access_log=tmp_path / "access.log") as server:
        result = run_crawl(tmp_path, f"sitemap={server.url('/sitemap_index.xml')}")
        fetched = server.requested_paths()
    assert result.returncode == 0, result.stderr
    assert paths(result, server.base_url) == {"/2022/09/07/storm-hits-the-coast/"}
    assert "/2022/09/12/never-fetched-story/" not in fetched
    stats = newscrawl_stats(result)
    assert stats["discovered/sitemap"] == 2
    assert stats["skipped/bad_sitemap"] == 1
    assert stats["skipped/not_article"] == 1  # the section page listed in the sitemap is extracted and refused
    assert "not a usable sitemap" in result.stderr


def test_feed_argument_fetches_feed_entries_only(tmp_path: Path) -> None:
    """-a feed fetches each RSS and Atom entry as an article, and does not follow links from them."""
    rss = """<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>Storm</title><link>{{BASE}}/2022/09/07/storm-hits-the-coast/</link><pubDate>Wed, 07 Sep 2022 10:00:00 GMT</pubDate></item>
<item><title>Talks</title><link>/2022/09/08/talks-resume-in-geneva/</link></item>
</channel></rss>"""
    atom = """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<entry><title>Atom</title><link rel="alternate" href="{{BASE}}/world/an-atom-only-story-about-rivers"/><published>2022-09-09T00:00:00Z</published></entry>
</feed>"""
    site = write_site(tmp_path / "site", {
        "/feed.rss": rss,
        "/atom.xml": atom,
        "/2022/09/07/storm-hits-the-coast/": article_html("Storm hits the coast", links=("/2022/09/12/never-fetched-story/",)),
        "/2022/09/08/talks-resume-in-geneva/": article_html("Talks resume in Geneva"),
        "/world/an-atom-only-story-about-rivers": article_html("An Atom only story about rivers"),
        "/2022/09/12/never-fetched-story/": article_html("Never fetched story"),
    })
    with FixtureSite(site, access_log=tmp_path / "access.log") as server:
        result = run_crawl(tmp_path, f"feed={server.url('/feed.rss')},{server.url('/atom.xml')}")
        fetched = server.requested_paths()
    assert result.returncode == 0, result.stderr
    assert paths(result, server.base_url) == {
        "/2022/09/07/storm-hits-the-coast/",
        "/2022/09/08/talks-resume-in-geneva/",
        "/world/an-atom-only-story-about-rivers",
    }
    assert "/2022/09/12/never-fetched-story/" not in fetched
    assert newscrawl_stats(result)["discovered/feed"] == 3


def test_urls_file_fetches_each_url_and_counts_bad_lines_and_skips(tmp_path: Path) -> None:
    """-a urls_file fetches each listed URL; bad lines, non-HTML and non-article pages are counted by reason."""
    site = write_site(tmp_path / "site", {
        "/2022/09/07/storm-hits-the-coast/": article_html("Storm hits the coast"),
        "/2022/09/08/talks-resume-in-geneva/": article_html("Talks resume in Geneva"),
        "/notes.txt": "plain text, not a page\n",
        "/section/world/": listing_html("World", ("/2022/09/07/storm-hits-the-coast/",)),
    })
    with FixtureSite(site) as server:
        urls_file = tmp_path / "urls.txt"
        urls_file.write_text(
            "# a test list\n"
            f"{server.url('/2022/09/07/storm-hits-the-coast/')}\n"
            f"{server.url('/2022/09/08/talks-resume-in-geneva/')}  # second\n"
            "not-a-url\n"
            f"{server.url('/notes.txt')}\n"
            f"{server.url('/section/world/')}\n"
            f"{server.url('/missing-page-that-is-not-there/')}\n",
            encoding="utf-8",
        )
        result = run_crawl(tmp_path, f"urls_file={urls_file}")
    assert result.returncode == 0, result.stderr
    assert paths(result, server.base_url) == {"/2022/09/07/storm-hits-the-coast/", "/2022/09/08/talks-resume-in-geneva/"}
    stats = newscrawl_stats(result)
    assert stats["discovered/url_list"] == 5
    assert stats["skipped/bad_url"] == 1
    assert stats["skipped/not_html"] == 1
    assert stats["skipped/not_article"] == 1  # listed URLs are extracted whatever they look like
    assert "listing_page" not in " ".join(stats)
    assert result.stats["httperror/response_ignored_status_count/404"] == 1  # the missing page
    assert "line 4: 'not-a-url' is not a usable URL (no http(s) scheme); skipped" in result.stderr


def test_link_following_stays_on_site_and_within_depth_limit(tmp_path: Path) -> None:
    """Without sitemaps, links are followed within the start domain, up to DEPTH_LIMIT hops from the start page."""
    site = write_site(tmp_path / "site", {
        "/": listing_html("Home", ("/2022/09/01/first-hop-story/", "OFFSITE")),
        "/2022/09/01/first-hop-story/": article_html("First hop story", links=("/2022/09/02/second-hop-story/",)),
        "/2022/09/02/second-hop-story/": article_html("Second hop story", links=("/2022/09/03/third-hop-story/",)),
        "/2022/09/03/third-hop-story/": article_html("Third hop story"),
        "/2022/09/04/offsite-story/": article_html("Offsite story"),
    })
    with FixtureSite(site, access_log=tmp_path / "access.log") as server:
        # a link to the same server under another host name is off-site for the crawl
        home = site / "index.html"
        home.write_text(home.read_text("utf-8").replace("OFFSITE", server.base_url.replace("127.0.0.1", "localhost") + "/2022/09/04/offsite-story/"))
        result = run_crawl(tmp_path, f"url={server.url('/')}", settings={"DEPTH_LIMIT": "2"})
        fetched = server.requested_paths()
    assert result.returncode == 0, result.stderr
    assert paths(result, server.base_url) == {"/2022/09/01/first-hop-story/", "/2022/09/02/second-hop-story/"}
    assert "/2022/09/03/third-hop-story/" not in fetched
    assert "/2022/09/04/offsite-story/" not in fetched
    assert "/robots.txt" in fetched  # no Sitemap: lines to follow, but robots.txt was read
    assert newscrawl_stats(result)["skipped/listing_page"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give at least one of -a url="),
        (("url=www.example.com",), "-a url: 'www.example.com' is not a usable URL (no http(s) scheme)"),
        (("feed=http://127.0.0.1:9/feed.xml,https://",), "-a feed: 'https://' is not a usable URL (no host)"),
        (("urls_file=MISSING",), "cannot read"),
        (("urls_file=EMPTY",), "holds no URLs; 1 malformed line(s), the first at line 2"),
    ],
)
def test_bad_arguments_exit_nonzero_with_one_line(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    """A missing or unusable argument ends the crawl with status 2 and one error line, no traceback, no output."""
    (tmp_path / "empty.txt").write_text("# nothing but comments\nexample.com/a\n\n", encoding="utf-8")
    args = tuple(
        a.replace("MISSING", str(tmp_path / "missing.txt")).replace("EMPTY", str(tmp_path / "empty.txt")) for a in args
    )
    result = run_crawl(tmp_path, *args)
    errors = [line for line in result.stderr.splitlines() if "error" in line.lower()]
    assert result.returncode == 2
    assert errors == [errors[0]]
    assert errors[0].startswith("scrapy crawl news: error: ")
    assert message in errors[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


# -- the spider without a crawl ----------------------------------------------------------


def test_spider_without_sources_raises_argument_error() -> None:
    """Building the spider with no source raises NewsSpiderArgumentError (a Scrapy UsageError)."""
    with pytest.raises(NewsSpiderArgumentError, match="give at least one of"):
        NewsSpider()


def test_allowed_domains_come_from_start_urls_only() -> None:
    """Start pages set allowed_domains (host names without port or www.); sitemap or feed sources alone set none."""
    spider = NewsSpider(url="https://www.Example.com/,http://127.0.0.1:8080/news/", feed="https://cdn.example.net/rss")
    assert spider.allowed_domains == ["127.0.0.1", "example.com"]
    assert spider.follow_links
    only_feed = NewsSpider(feed="https://cdn.example.net/rss")
    assert only_feed.allowed_domains == []
    assert not only_feed.follow_links


@pytest.mark.parametrize(
    ("content_type", "cls", "expected"),
    [
        (b"text/html; charset=utf-8", HtmlResponse, True),
        (b"application/xhtml+xml", TextResponse, True),
        (b"text/plain", TextResponse, False),
        (b"application/pdf", TextResponse, False),
        (None, HtmlResponse, True),
        (None, TextResponse, False),
    ],
)
def test_is_html_response_uses_content_type_then_sniffing(content_type: bytes | None, cls: type, expected: bool) -> None:
    """A response is HTML by its Content-Type, or, without one, by Scrapy's own response class."""
    headers = {b"Content-Type": content_type} if content_type else {}
    response = cls("https://e.com/a", body=b"<html><body><p>x</p></body></html>", headers=headers, encoding="utf-8")
    assert is_html_response(response) is expected


class RecentOnlySpider(NewsSpider):
    """A spider whose sitemap_filter keeps articles listed on or after 2022-09-08."""

    def sitemap_filter(self, entries: Iterable[SitemapEntry]) -> Iterable[SitemapEntry]:
        return [e for e in entries if (e.listed_date or "") >= "2022-09-08"]


def test_sitemap_requests_carry_what_the_sitemap_listed() -> None:
    """Sitemap entries pass the overridable sitemap_filter, bad locs are counted, and parse_article gets the listed dates and title."""
    crawler = get_crawler(RecentOnlySpider)
    spider = RecentOnlySpider.from_crawler(crawler, sitemap="https://e.com/sitemap.xml")
    body = urlset(
        "<url><loc>https://e.com/2022/09/01/old-story/</loc><lastmod>2022-09-01</lastmod></url>",
        "<url><loc>/2022/09/10/relative-loc-is-invalid/</loc><lastmod>2022-09-10</lastmod></url>",
        "<url><loc>https://e.com/2022/09/09/new-story/</loc><lastmod>2022-09-10</lastmod><news:news>"
        "<news:publication_date>2022-09-09T08:00:00Z</news:publication_date><news:title>New story</news:title>"
        "<news:publication><news:name>E</news:name><news:language>en</news:language></news:publication></news:news></url>",
    ).encode()
    requests = list(spider.parse_sitemap(XmlResponse("https://e.com/sitemap.xml", body=body)))
    assert [r.url for r in requests] == ["https://e.com/2022/09/09/new-story/"]
    assert requests[0].callback == spider.parse_article
    assert requests[0].cb_kwargs == {
        "listed": {
            "source": "sitemap",
            "sitemap": "https://e.com/sitemap.xml",
            "lastmod": "2022-09-10",
            "news_publication_date": "2022-09-09T08:00:00Z",
            "news_title": "New story",
            "news_language": "en",
        }
    }
    assert requests[0].meta == {"allow_offsite": True, "depth_reset": True}
    assert crawler.stats is not None
    assert crawler.stats.get_value("newscrawl/discovered/sitemap") == 1
    assert crawler.stats.get_value("newscrawl/skipped/bad_url") == 1


def test_listing_page_links_are_classified_and_kept_on_site() -> None:
    """A listing page's links split into article and listing requests; off-site links and files are dropped."""
    crawler = get_crawler(NewsSpider)
    spider = NewsSpider.from_crawler(crawler, url="https://www.e.com/")
    page = listing_html("Home", (
        "/2022/09/07/storm-hits-the-coast/",
        "https://news.e.com/world/talks-resume-in-geneva-after-long-pause#comments",
        "/section/world/",
        "/section/world/",
        "https://other.org/2022/09/07/someone-elses-story/",
        "/images/storm-photo-of-the-coast.jpg",
        "/feed.xml",
    ))
    response = HtmlResponse("https://www.e.com/", body=page.encode(), headers={"Content-Type": "text/html"})
    requests = list(spider.parse_listing(response))
    assert [(r.url, r.callback.__name__ if r.callback else None) for r in requests] == [
        ("https://www.e.com/2022/09/07/storm-hits-the-coast/", "parse_article"),
        ("https://news.e.com/world/talks-resume-in-geneva-after-long-pause", "parse_article"),
        ("https://www.e.com/section/world/", "parse_listing"),
    ]
    assert requests[0].cb_kwargs == {"listed": {"source": "link", "referer": "https://www.e.com/"}}
    assert "depth_reset" not in requests[0].meta
    assert crawler.stats is not None
    assert crawler.stats.get_value("newscrawl/skipped/listing_page") == 1
    assert crawler.stats.get_value("newscrawl/discovered/link") == 3


def test_sitemap_and_feed_dates_fill_pages_without_a_date(tmp_path: Path) -> None:
    """A page with no date of its own takes the Google News or feed date, with date_published_source saying which."""
    undated = '<meta property="article:published_time" content="2022-09-07T10:00:00+00:00">'
    site = write_site(tmp_path / "site", {
        "/news-sitemap.xml": urlset(
            "<url><loc>{{BASE}}/news/quiet-harbour-reopens/</loc><news:news>"
            "<news:publication><news:name>The Test Gazette</news:name><news:language>en</news:language></news:publication>"
            "<news:publication_date>2024-03-05T08:30:00+01:00</news:publication_date><news:title>Quiet harbour reopens</news:title>"
            "</news:news></url>",
            "<url><loc>{{BASE}}/news/dated-page-keeps-its-own/</loc><news:news>"
            "<news:publication><news:name>The Test Gazette</news:name><news:language>en</news:language></news:publication>"
            "<news:publication_date>2024-03-06T08:30:00Z</news:publication_date><news:title>Dated page</news:title>"
            "</news:news></url>",
        ),
        "/feed.xml": (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>'
            "<item><title>Bridge repairs finish early</title><link>{{BASE}}/news/bridge-repairs-finish-early/</link>"
            "<pubDate>Tue, 12 Mar 2024 16:45:00 +0000</pubDate></item></channel></rss>"
        ),
        "/news/quiet-harbour-reopens/": article_html("Quiet harbour reopens").replace(undated, ""),
        "/news/dated-page-keeps-its-own/": article_html("Dated page keeps its own"),
        "/news/bridge-repairs-finish-early/": article_html("Bridge repairs finish early").replace(undated, ""),
    })
    with FixtureSite(site) as server:
        result = run_crawl(tmp_path, f"sitemap={server.url('/news-sitemap.xml')}", f"feed={server.url('/feed.xml')}")
    assert result.returncode == 0, result.stderr[-2000:]
    dates = {
        item["url"].removeprefix(server.base_url): (item["date_published"], item["date_published_source"])
        for item in result.items
    }
    assert dates == {
        "/news/quiet-harbour-reopens/": ("2024-03-05T08:30:00+01:00", "sitemap"),
        "/news/dated-page-keeps-its-own/": ("2022-09-07T10:00:00+00:00", "meta"),
        "/news/bridge-repairs-finish-early/": ("2024-03-12T16:45:00+00:00", "feed"),
    }


def test_scrapy_crawl_help_lists_every_spider_argument() -> None:
    """`scrapy crawl --help` names each -a argument the news spider takes (its __init__ parameters)."""
    import inspect  # noqa: PLC0415

    from newscrawl.spiders.news import NewsSpider  # noqa: PLC0415

    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "The news spider" in proc.stdout
    parameters = inspect.signature(NewsSpider.__init__).parameters
    arguments = [name for name, p in parameters.items() if name != "self" and p.kind is p.POSITIONAL_OR_KEYWORD]
    assert len(arguments) == 9
    for name in arguments:
        assert f"-a {name}=" in proc.stdout, name

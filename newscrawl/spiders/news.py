"""The ``news`` spider: find article pages, hand each one to the extractor.

Sources, as spider arguments (at least one is required)::

    scrapy crawl news -a url=https://www.example-news.com/          # start pages
    scrapy crawl news -a sitemap=https://example.com/sitemap.xml    # sitemaps or sitemap indexes
    scrapy crawl news -a feed=https://example.com/rss.xml           # RSS or Atom feeds
    scrapy crawl news -a urls_file=urls.txt                         # one article URL a line

``url``, ``sitemap`` and ``feed`` take several URLs separated by commas.

With start pages, the spider reads each start site's robots.txt and
follows its ``Sitemap:`` lines (unless ``-a sitemap=`` names the sitemaps
to use), fetches the start pages and follows links within the start
domains (``allowed_domains``), up to ``DEPTH_LIMIT`` hops from a start page
or a sitemap/feed entry. A link whose URL looks like an article
(:meth:`NewsSpider.is_article_url`) is extracted; any other page is a
listing page, followed for its links and counted as
``newscrawl/skipped/listing_page``. Without start pages, only the listed
articles are fetched, and links are not followed.

The spider only discovers: every article candidate goes through
:func:`newscrawl.extraction.extract`, which returns the item or says why
there is none (counted as ``newscrawl/skipped/<reason>``). Discovery is
counted as ``newscrawl/discovered/{start,sitemap,feed,link,url_list}``:
the URLs each source listed, and for links each URL once.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urlsplit

import scrapy
from scrapy.exceptions import UsageError
from scrapy.http import HtmlResponse, TextResponse
from scrapy.linkextractors import LinkExtractor

from newscrawl.discovery.feeds import FeedEntry, FeedError, parse_feed
from newscrawl.discovery.sitemaps import (
    SitemapEntry,
    SitemapError,
    parse_sitemap,
    sitemap_urls_from_robots,
)
from newscrawl.discovery.urls import (
    is_article_url,
    is_page_url,
    read_url_list,
    url_problem,
)
from newscrawl.extraction import extract

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable, Iterator
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from newscrawl.discovery.urls import BadLine

USAGE = "give at least one of -a url=URL[,URL...], -a sitemap=URL[,...], -a feed=URL[,...], -a urls_file=PATH"


class NewsSpiderArgumentError(UsageError):
    """A spider argument is missing or unusable; the message says which and why."""

    def __init__(self, message: str) -> None:
        super().__init__(message, print_help=False)


def split_url_argument(name: str, value: str | None) -> list[str]:
    """The URLs of a comma-separated ``-a name=...`` argument; a bad URL is an error."""
    if value is None:
        return []
    urls = [part.strip() for part in value.split(",") if part.strip()]
    if not urls:
        msg = f"-a {name}= is empty; {USAGE}"
        raise NewsSpiderArgumentError(msg)
    for url in urls:
        reason = url_problem(url)
        if reason is not None:
            msg = f"-a {name}: {url!r} is not a usable URL ({reason})"
            raise NewsSpiderArgumentError(msg)
    return urls


def load_urls_file(path: str) -> tuple[list[str], list[BadLine]]:
    """The URLs and bad lines of ``-a urls_file``; an unreadable or URL-less file is an error."""
    try:
        urls, problems = read_url_list(path)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        msg = f"-a urls_file: cannot read {path!r} ({reason})"
        raise NewsSpiderArgumentError(msg) from exc
    if not urls:
        detail = f"; {len(problems)} malformed line(s), the first at line {problems[0].lineno}" if problems else ""
        msg = f"-a urls_file: {path!r} holds no URLs{detail}"
        raise NewsSpiderArgumentError(msg)
    return urls, problems


def is_html_response(response: Response) -> bool:
    """True when the response is an HTML page (by Content-Type, else by Scrapy's sniffing)."""
    content_type = response.headers.get(b"Content-Type")
    if content_type:
        return b"html" in content_type.lower()
    return isinstance(response, HtmlResponse)


def response_headers(response: Response) -> list[tuple[str, str]]:
    """The response headers as (name, value) text pairs, as :func:`extract` takes them."""
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in response.headers.items()
        for value in values
    ]


def site_domain(url: str) -> str:
    """The domain a start URL's site covers: its host name without a leading ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _compact(**values: Any) -> dict[str, Any]:
    """The keyword arguments whose value is not None."""
    return {k: v for k, v in values.items() if v is not None}


class NewsSpider(scrapy.Spider):
    """Discovers news articles from start pages, sitemaps, feeds or a URL list."""

    name = "news"

    def __init__(
        self,
        url: str | None = None,
        urls_file: str | None = None,
        sitemap: str | None = None,
        feed: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.start_page_urls = split_url_argument("url", url)
        self.sitemap_urls = split_url_argument("sitemap", sitemap)
        self.feed_urls = split_url_argument("feed", feed)
        self.listed_urls: list[str] = []
        self.bad_lines: list[BadLine] = []
        self.urls_file = urls_file
        if urls_file is not None:
            self.listed_urls, self.bad_lines = load_urls_file(urls_file)
        if not (self.start_page_urls or self.sitemap_urls or self.feed_urls or self.listed_urls):
            raise NewsSpiderArgumentError(USAGE)
        # Links are followed only from start pages, and only within their domains
        # (www.example.com allows example.com and its subdomains). Without start
        # pages allowed_domains is empty, which lets OffsiteMiddleware pass everything.
        self.follow_links = bool(self.start_page_urls)
        self.allowed_domains = sorted({site_domain(u) for u in self.start_page_urls})
        # Not LinkExtractor(allow_domains=...): it compares host:port, so it would refuse every
        # link of a site on a non-default port. _on_start_domains compares host names.
        self._link_extractor = LinkExtractor(unique=True)
        self._seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        """Build the spider; a bad argument ends ``scrapy crawl`` with one line and exit status 2.

        Scrapy creates the spider inside an asyncio task, so an exception
        raised here would reach the user as a "Task exception was never
        retrieved" traceback. ``SystemExit`` is the one exception the event
        loop lets through, so the process stops at once, before anything is
        fetched or written. Code that builds the spider itself (``NewsSpider(...)``)
        gets the :class:`NewsSpiderArgumentError` instead.
        """
        try:
            return super().from_crawler(crawler, *args, **kwargs)
        except NewsSpiderArgumentError as exc:
            print(f"scrapy crawl {cls.name}: error: {exc}", file=sys.stderr, flush=True)
            raise SystemExit(2) from None

    # Overridable interface -------------------------------------------------------------
    def is_article_url(self, url: str) -> bool:
        """Whether a start URL or a link found on a page is an article candidate or a listing page.

        Article candidates go through the extractor; listing pages are only
        followed for their links.

        Default: :func:`newscrawl.discovery.urls.is_article_url`, a URL-shape
        heuristic (dates, long slugs, ids in the path vs section, tag, author
        and service pages). Override for a site whose article URLs look different.
        """
        return is_article_url(url)

    def sitemap_filter(self, entries: Iterable[SitemapEntry]) -> Iterable[SitemapEntry]:
        """The page entries of a sitemap (``<urlset>``) to fetch as articles. Default: all.

        Each entry has ``loc``, ``lastmod`` and the Google News fields
        (``news_publication_date``, ``news_title``, ``news_language``), e.g.
        to keep only recent articles.
        """
        return entries

    def sitemap_index_filter(self, entries: Iterable[SitemapEntry]) -> Iterable[SitemapEntry]:
        """The child sitemaps of a sitemap index to read. Default: all.

        Entries have ``loc`` and ``lastmod``; kept apart from
        :meth:`sitemap_filter` so that a filter on article dates never drops a
        whole child sitemap by mistake.
        """
        return entries

    def feed_filter(self, entries: Iterable[FeedEntry]) -> Iterable[FeedEntry]:
        """The feed entries (``url``, ``title``, ``published``) to fetch as articles. Default: all."""
        return entries

    # Start -----------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        """Requests for every source given on the command line."""
        for item in self._start_requests():
            yield item

    def _start_requests(self) -> Iterator[scrapy.Request]:
        for bad in self.bad_lines:
            self.logger.warning(
                "urls_file %s line %d: %r is not a usable URL (%s); skipped", self.urls_file, bad.lineno, bad.text, bad.reason
            )
            self._inc("skipped/bad_url")
        # Explicit sources may live on other hosts than the start pages: allow_offsite.
        for url in self.sitemap_urls:
            yield self._sitemap_request(url)
        if not self.sitemap_urls:
            for robots_url in dict.fromkeys(self._robots_url(u) for u in self.start_page_urls):
                yield scrapy.Request(robots_url, callback=self.parse_robots, meta={"allow_offsite": True})
        for url in self.feed_urls:
            yield scrapy.Request(url, callback=self.parse_feed, meta={"allow_offsite": True, "depth_reset": True})
        for url in self.listed_urls:
            yield from self._article_request(url, "url_list", {"source": "url_list"})
        for url in self.start_page_urls:
            if self.is_article_url(url):
                yield from self._article_request(url, "start", {"source": "start"})
            else:
                yield from self._listing_request(url, "start")

    @staticmethod
    def _robots_url(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}/robots.txt"

    # Discovery callbacks ---------------------------------------------------------------
    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow the ``Sitemap:`` lines of a start site's robots.txt."""
        text = response.body.decode("utf-8", errors="replace")
        urls = sitemap_urls_from_robots(text, response.url)
        if not urls:
            self.logger.info("no Sitemap: lines in %s", response.url)
        for url in urls:
            yield self._sitemap_request(url)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """Read a sitemap or sitemap index: child sitemaps are read, pages are fetched as articles."""
        try:
            doc = parse_sitemap(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        except SitemapError as exc:
            self.logger.warning("not a usable sitemap: %s (%s)", response.url, exc)
            self._inc("skipped/bad_sitemap")
            return
        if doc.is_index:
            for entry in self.sitemap_index_filter(doc.entries):
                yield self._sitemap_request(entry.loc)
            return
        for entry in self.sitemap_filter(doc.entries):
            listed = _compact(
                source="sitemap",
                sitemap=response.url,
                lastmod=entry.lastmod,
                news_publication_date=entry.news_publication_date,
                news_title=entry.news_title,
                news_language=entry.news_language,
            )
            yield from self._article_request(entry.loc, "sitemap", listed)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """Read an RSS or Atom feed: each entry is fetched as an article."""
        try:
            entries = parse_feed(response.body, response.url, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        except FeedError as exc:
            self.logger.warning("not a usable feed: %s (%s)", response.url, exc)
            self._inc("skipped/bad_feed")
            return
        for entry in self.feed_filter(entries):
            listed = _compact(source="feed", feed=response.url, published=entry.published, title=entry.title)
            yield from self._article_request(entry.url, "feed", listed)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        """A listing page (home, section, tag, author): follow its links; it yields no item."""
        if not is_html_response(response):
            self._inc("skipped/not_html")
            return
        self._inc("skipped/listing_page")
        yield from self._follow_links(response)

    # Extraction ------------------------------------------------------------------------
    def parse_article(self, response: Response, listed: dict[str, Any] | None = None) -> Iterator[Any]:
        """Extract the article (or count why there is none), then follow the page's links.

        ``listed`` is what discovery knew about the URL (source, sitemap
        lastmod, news or feed date and title).
        """
        if not is_html_response(response):
            self._inc("skipped/not_html")
            return
        result = extract(response.body, response.url, response_headers(response), response.status)
        if result.item is not None:
            yield result.item
        else:
            self._inc(f"skipped/{result.skip_reason or 'no_item'}")
        yield from self._follow_links(response)

    # Helpers ---------------------------------------------------------------------------
    def _follow_links(self, response: Response) -> Iterator[scrapy.Request]:
        """Requests for the page's links within the start domains (when following links)."""
        if not (self.follow_links and isinstance(response, TextResponse)):
            return
        for link in self._link_extractor.extract_links(response):
            url = urldefrag(link.url).url
            if not (is_page_url(url) and self._on_start_domains(url)):
                continue
            if self.is_article_url(url):
                yield from self._article_request(url, "link", {"source": "link", "referer": response.url}, reset=False)
            else:
                yield from self._listing_request(url, "link")

    def _on_start_domains(self, url: str) -> bool:
        """True when ``url``'s host is a start domain or a subdomain of one (as OffsiteMiddleware judges)."""
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith(f".{d}") for d in self.allowed_domains)

    def _article_request(
        self, url: str, source: str, listed: dict[str, Any], *, reset: bool = True
    ) -> Iterator[scrapy.Request]:
        """A request for an article candidate; counts ``discovered/<source>``.

        Articles listed by a start page, sitemap, feed or URL list start a new
        link depth (``depth_reset``) and may be on another host than the
        start pages (``allow_offsite``). A listed URL that cannot be crawled
        (``javascript:``, no host) is counted as ``skipped/bad_url``.
        """
        if source != "link" and (reason := url_problem(url)) is not None:
            self.logger.warning("%s lists %r, not a usable URL (%s); skipped", source, url, reason)
            self._inc("skipped/bad_url")
            return
        if self._remember(url) or source != "link":
            self._inc(f"discovered/{source}")
            meta = {"allow_offsite": True, "depth_reset": True} if reset else {}
            yield scrapy.Request(url, callback=self.parse_article, cb_kwargs={"listed": listed}, meta=meta)

    def _listing_request(self, url: str, source: str) -> Iterator[scrapy.Request]:
        """A request for a listing page, once per URL; counts ``discovered/<source>``."""
        if self._remember(url) or source != "link":
            self._inc(f"discovered/{source}")
            yield scrapy.Request(url, callback=self.parse_listing)

    def _sitemap_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_sitemap, meta={"allow_offsite": True, "depth_reset": True})

    def _remember(self, url: str) -> bool:
        """True the first time a page URL (without fragment) is seen.

        Links are counted and requested once per URL (the first page that
        links to it); the other sources count every URL they list and leave
        repeats to Scrapy's duplicate filter.
        """
        key = urldefrag(url).url
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def _inc(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newscrawl/{key}")

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

A sources file lists outlets, each with its own start pages, feeds,
sitemaps, link domains, article URL patterns and politeness
(:mod:`newscrawl.sources`, ``examples/sources.toml``)::

    scrapy crawl news -a sources=sources.toml

A date window keeps discovery from fetching the archive: sitemap entries
(news publication date and lastmod) and feed entries dated outside it are
not fetched, counted as ``newscrawl/skipped/outside_window``; undated
entries are fetched::

    scrapy crawl news -a sources=sources.toml -a since=24h
    scrapy crawl news -a url=https://example.com/ -a since=2025-01-01 -a until=2025-01-31

``-a recrawl_after=30d`` and ``-a recrawl_changed=true`` set the
incremental state's ``NEWSCRAWL_STATE_RECRAWL_*`` settings for one run
(see :mod:`newscrawl.incremental`).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urlsplit

import scrapy
from scrapy.exceptions import UsageError
from scrapy.http import HtmlResponse, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.settings import SETTINGS_PRIORITIES

from newscrawl.discovery.feeds import FeedEntry, FeedError, parse_feed
from newscrawl.discovery.sitemaps import (
    SitemapEntry,
    SitemapError,
    parse_sitemap,
    sitemap_urls_from_robots,
)
from newscrawl.discovery.urls import (
    UrlArgumentError,
    checked_urls,
    is_article_url,
    is_page_url,
    read_url_file_argument,
    url_problem,
)
from newscrawl.distributed import redis_url
from newscrawl.sources import Outlet, SourcesError, load_sources, site_domain
from newscrawl.timespec import DateWindow, TimeSpecError, parse_duration, utc_now

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterable, Iterator
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

    from newscrawl.discovery.urls import BadLine
    from newscrawl.distributed.seeds import SeedReader

USAGE = (
    "give at least one of -a url=URL[,URL...], -a sitemap=URL[,...], -a feed=URL[,...], -a urls_file=PATH, "
    "-a sources=FILE.toml"
)
META_OUTLET = "newscrawl_outlet"  # request meta: the name of the sources-file outlet a request belongs to
_YES = frozenset({"1", "true", "yes", "on"})
_NO = frozenset({"0", "false", "no", "off"})


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
    try:
        return checked_urls(f"-a {name}", urls)
    except UrlArgumentError as exc:
        raise NewsSpiderArgumentError(str(exc)) from None


def load_urls_file(path: str) -> tuple[list[str], list[BadLine]]:
    """The URLs and bad lines of ``-a urls_file``; an unreadable or URL-less file is an error."""
    try:
        return read_url_file_argument("-a urls_file", path)
    except UrlArgumentError as exc:
        raise NewsSpiderArgumentError(str(exc)) from None


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


def load_outlets(path: str) -> list[Outlet]:
    """The outlets of ``-a sources``; any problem in the file is an argument error naming file and outlet."""
    try:
        return load_sources(path)
    except SourcesError as exc:
        raise NewsSpiderArgumentError(str(exc)) from None


def parse_window(since: str | None, until: str | None) -> DateWindow:
    """The date window of ``-a since`` / ``-a until`` (dates, or durations back from now such as 24h)."""
    try:
        return DateWindow.parse(since, until, utc_now())
    except TimeSpecError as exc:
        raise NewsSpiderArgumentError(f"-a {exc}") from None


def recrawl_settings(after: str | None, changed: str | None) -> dict[str, Any]:
    """The ``NEWSCRAWL_STATE_RECRAWL_*`` settings that ``-a recrawl_after`` / ``-a recrawl_changed`` give."""
    values: dict[str, Any] = {}
    if after is not None:
        try:
            parse_duration(after)
        except TimeSpecError as exc:
            raise NewsSpiderArgumentError(f"-a recrawl_after: {exc}") from None
        values["NEWSCRAWL_STATE_RECRAWL_AFTER"] = after.strip()
    if changed is not None:
        flag = changed.strip().lower()
        if flag not in _YES | _NO:
            msg = f"-a recrawl_changed: {changed!r} is not yes or no (true, false, 1, 0)"
            raise NewsSpiderArgumentError(msg)
        values["NEWSCRAWL_STATE_RECRAWL_CHANGED"] = flag in _YES
    return values


def _compact(**values: Any) -> dict[str, Any]:
    """The keyword arguments whose value is not None."""
    return {k: v for k, v in values.items() if v is not None}


class NewsSpider(scrapy.Spider):
    """Discovers news articles from start pages, sitemaps, feeds or a URL list."""

    name = "news"

    def __init__(  # noqa: PLR0913, PLR0917 - each is a documented `-a` argument of `scrapy crawl news`
        self,
        url: str | None = None,
        urls_file: str | None = None,
        sitemap: str | None = None,
        feed: str | None = None,
        sources: str | None = None,
        since: str | None = None,
        until: str | None = None,
        recrawl_after: str | None = None,
        recrawl_changed: str | None = None,
        *args: Any,
        distributed: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.seeds: SeedReader | None = None
        """The Redis seed reader of a distributed crawl (set by :meth:`from_crawler`), else None."""
        self.start_page_urls = split_url_argument("url", url)
        self.sitemap_urls = split_url_argument("sitemap", sitemap)
        self.feed_urls = split_url_argument("feed", feed)
        self.listed_urls: list[str] = []
        self.bad_lines: list[BadLine] = []
        self.urls_file = urls_file
        if urls_file is not None:
            self.listed_urls, self.bad_lines = load_urls_file(urls_file)
        self.sources_file = sources
        named = load_outlets(sources) if sources is not None else []
        if not (distributed or self.start_page_urls or self.sitemap_urls or self.feed_urls or self.listed_urls or named):
            raise NewsSpiderArgumentError(USAGE)  # a distributed worker may start without sources: it takes them from Redis
        self.window = parse_window(since, until)
        self.argument_settings = recrawl_settings(recrawl_after, recrawl_changed)
        # The command-line sources are the outlet without a name; a sources file adds named ones.
        command_line = Outlet(
            start_urls=tuple(self.start_page_urls),
            sitemaps=tuple(self.sitemap_urls),
            feeds=tuple(self.feed_urls),
            allowed_domains=tuple(sorted({site_domain(u) for u in self.start_page_urls})),
        )
        self.outlets: dict[str | None, Outlet] = {}
        self._set_outlets(command_line, named)
        # Not LinkExtractor(allow_domains=...): it compares host:port, so it would refuse every
        # link of a site on a non-default port. Outlet.covers compares host names.
        self._link_extractor = LinkExtractor(unique=True)
        self._seen: set[str] = set()

    def _set_outlets(self, command_line: Outlet, named: Iterable[Outlet]) -> None:
        self.outlets = {None: command_line, **{o.name: o for o in named}}
        # Links are followed only from start pages, and only within their outlet's domains
        # (www.example.com allows example.com and its subdomains). Without start
        # pages allowed_domains is empty, which lets OffsiteMiddleware pass everything.
        self.follow_links = any(o.start_urls for o in self.outlets.values())
        self.allowed_domains = sorted({d for o in self.outlets.values() if o.start_urls for d in o.allowed_domains})

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
        distributed = redis_url(crawler.settings) is not None
        try:
            spider = super().from_crawler(crawler, *args, distributed=distributed, **kwargs)
        except NewsSpiderArgumentError as exc:
            print(f"scrapy crawl {cls.name}: error: {exc}", file=sys.stderr, flush=True)
            raise SystemExit(2) from None
        if distributed:
            from newscrawl.distributed.seeds import SeedReader  # noqa: PLC0415 - imports redis, only in a distributed crawl

            spider.seeds = SeedReader.from_crawler(crawler)
            spider.seeds.setup(spider)  # pushes -a sources, learns the outlets in Redis (before their slots are set)
        spider.apply_argument_settings(crawler.settings)
        return spider

    def apply_argument_settings(self, settings: BaseSettings) -> None:
        """Settings the arguments imply: each outlet's download slot (``DOWNLOAD_SLOTS``), ``-a recrawl_*``.

        Set at ``cmdline`` priority (or the current one, if higher), so an
        argument wins over ``-s``; ``DOWNLOAD_SLOTS`` given with ``-s`` is kept
        and the outlets' slots are added to it.
        """
        values = dict(self.argument_settings)
        slots = {o.download_slot: o.slot_settings for o in self.outlets.values() if o.download_slot}
        if slots:
            values["DOWNLOAD_SLOTS"] = {**settings.getdict("DOWNLOAD_SLOTS"), **slots}
        if not values:
            return
        if settings.frozen:  # only when a test builds the spider on a finished crawler
            self.logger.warning("settings are frozen; not applied: %s", ", ".join(values))
            return
        for name, value in values.items():
            settings.set(name, value, priority=max(settings.getpriority(name) or 0, SETTINGS_PRIORITIES["cmdline"]))
        for slot, slot_settings in slots.items():
            self.logger.info("download slot %s: %s", slot, ", ".join(f"{k} {v}" for k, v in slot_settings.items()))

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
        """The page entries of a sitemap (``<urlset>``) to fetch as articles.

        Each entry has ``loc``, ``lastmod`` and the Google News fields
        (``news_publication_date``, ``news_title``, ``news_language``), e.g.
        to keep only recent articles.

        Default: the entries inside the ``-a since`` / ``-a until`` window
        (all without one): published or modified since ``since``, published
        (else modified) by ``until``; undated entries are kept. An override
        that wants the window calls ``super().sitemap_filter(entries)``.
        """
        return self._in_window(entries, lambda e: (e.news_publication_date, e.lastmod))

    def sitemap_index_filter(self, entries: Iterable[SitemapEntry]) -> Iterable[SitemapEntry]:
        """The child sitemaps of a sitemap index to read.

        Entries have ``loc`` and ``lastmod``; kept apart from
        :meth:`sitemap_filter` so that a filter on article dates never drops a
        whole child sitemap by mistake.

        Default: all, except with ``-a since``: a child sitemap whose
        ``lastmod`` is before ``since`` changed before the window opened, so
        it lists nothing to fetch (counted as ``skipped/sitemap_outside_window``).
        """
        if self.window.since is None:
            return entries
        return self._in_window(entries, lambda e: (None, e.lastmod), DateWindow(since=self.window.since), "sitemap_outside_window")

    def feed_filter(self, entries: Iterable[FeedEntry]) -> Iterable[FeedEntry]:
        """The feed entries (``url``, ``title``, ``published``) to fetch as articles.

        Default: those inside the ``-a since`` / ``-a until`` window (all
        without one); undated entries are kept.
        """
        return self._in_window(entries, lambda e: (e.published, None))

    # Start -----------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        """Requests for every source given on the command line (in a distributed crawl: for every seed in Redis)."""
        if self.seeds is not None:
            self._report_bad_lines()
            async for request in self.seeds.requests(self):
                yield request
            return
        for item in self._start_requests():
            yield item

    def _report_bad_lines(self) -> None:
        for bad in self.bad_lines:
            self.logger.warning(
                "urls_file %s line %d: %r is not a usable URL (%s); skipped", self.urls_file, bad.lineno, bad.text, bad.reason
            )
            self._inc("skipped/bad_url")

    def _start_requests(self) -> Iterator[scrapy.Request]:
        self._report_bad_lines()
        for outlet in self.outlets.values():
            yield from self._outlet_requests(outlet)
        for url in self.listed_urls:
            yield from self._article_request(url, "url_list", {"source": "url_list"})

    def _outlet_requests(self, outlet: Outlet) -> Iterator[scrapy.Request]:
        """The first requests of one outlet: its sitemaps (or its sites' robots.txt), feeds and start pages."""
        meta = self._outlet_meta(outlet)
        # Explicit sources may live on other hosts than the start pages: allow_offsite.
        for url in outlet.sitemaps:
            yield self._sitemap_request(url, outlet)
        if not outlet.sitemaps:
            for robots_url in dict.fromkeys(self._robots_url(u) for u in outlet.start_urls):
                yield scrapy.Request(robots_url, callback=self.parse_robots, meta={"allow_offsite": True, **meta})
        for url in outlet.feeds:
            yield scrapy.Request(url, callback=self.parse_feed, meta={"allow_offsite": True, "depth_reset": True, **meta})
        for url in outlet.start_urls:
            if self._is_article(url, outlet):
                yield from self._article_request(url, "start", {"source": "start"}, outlet=outlet)
            else:
                yield from self._listing_request(url, "start", outlet)

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
        outlet = self._outlet_of(response)
        for url in urls:
            yield self._sitemap_request(url, outlet)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """Read a sitemap or sitemap index: child sitemaps are read, pages are fetched as articles."""
        try:
            doc = parse_sitemap(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        except SitemapError as exc:
            self.logger.warning("not a usable sitemap: %s (%s)", response.url, exc)
            self._inc("skipped/bad_sitemap")
            return
        outlet = self._outlet_of(response)
        if doc.is_index:
            for entry in self.sitemap_index_filter(doc.entries):
                yield self._sitemap_request(entry.loc, outlet)
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
            yield from self._article_request(entry.loc, "sitemap", listed, outlet=outlet)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """Read an RSS or Atom feed: each entry is fetched as an article."""
        try:
            entries = parse_feed(response.body, response.url, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        except FeedError as exc:
            self.logger.warning("not a usable feed: %s (%s)", response.url, exc)
            self._inc("skipped/bad_feed")
            return
        outlet = self._outlet_of(response)
        for entry in self.feed_filter(entries):
            listed = _compact(source="feed", feed=response.url, published=entry.published, title=entry.title)
            yield from self._article_request(entry.url, "feed", listed, outlet=outlet)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        """A listing page (home, section, tag, author): follow its links; it yields no item."""
        if not is_html_response(response):
            self._inc("skipped/not_html")
            return
        self._inc("skipped/listing_page")
        yield from self._follow_links(response)

    # Extraction ------------------------------------------------------------------------
    def parse_article(self, response: Response, listed: dict[str, Any] | None = None) -> Iterator[Any]:
        """Hand the page to extraction as a :class:`RawPage`, then follow the page's links.

        ``listed`` is what discovery knew about the URL (source, sitemap
        lastmod, news or feed date and title). Extraction runs off the
        reactor, in :class:`newscrawl.pipelines.extract.ExtractPipeline`, which
        yields the article or counts why there is none (``skipped/<reason>``).
        """
        from newscrawl.pipelines.extract import RawPage  # noqa: PLC0415 - kept inside this method (issue 8)

        if not is_html_response(response):
            self._inc("skipped/not_html")
            return
        yield RawPage.from_response(response, listed)
        yield from self._follow_links(response)

    # Distributed crawling (issue 5, newscrawl.distributed) -------------------------------
    def own_sources(self) -> dict[str, Any] | None:
        """The sources this spider was started with, as :func:`newscrawl.distributed.seeds.push_sources` takes them."""
        from newscrawl.distributed.seeds import sources_tables  # noqa: PLC0415

        tables = sources_tables(self.sources_file) if self.sources_file is not None else []
        urls = (self.start_page_urls, self.sitemap_urls, self.feed_urls, self.listed_urls)
        if not (tables or any(urls)):
            return None
        return {"outlet_tables": tables, "start_urls": urls[0], "sitemaps": urls[1], "feeds": urls[2], "articles": urls[3]}

    def use_outlets(self, named: Iterable[Outlet], start_urls: Iterable[str]) -> None:
        """Replace the outlets with those stored in Redis: the named ones, and the pushed start pages as the unnamed one."""
        start_urls = tuple(start_urls)
        command_line = Outlet(start_urls=start_urls, allowed_domains=tuple(sorted({site_domain(u) for u in start_urls})))
        self._set_outlets(command_line, named)

    def seed_requests(self, seed: dict[str, Any]) -> Iterator[scrapy.Request]:
        """The start requests of one seed from Redis: an outlet's, or those of pushed URLs."""
        name = seed.get("outlet")
        if name is not None:
            outlet = self.outlets.get(name)
            if outlet is None:
                self.logger.warning("seed for outlet %r, which is not in Redis; skipped", name)
                return
            yield from self._outlet_requests(outlet)
            return
        start_urls = tuple(seed.get("start_urls") or ())
        yield from self._outlet_requests(
            Outlet(
                start_urls=start_urls,
                sitemaps=tuple(seed.get("sitemaps") or ()),
                feeds=tuple(seed.get("feeds") or ()),
                allowed_domains=tuple(sorted({site_domain(u) for u in start_urls})),
            )
        )
        for url in seed.get("articles") or ():
            yield from self._article_request(url, "url_list", {"source": "url_list"})

    # Helpers ---------------------------------------------------------------------------
    def _follow_links(self, response: Response) -> Iterator[scrapy.Request]:
        """Requests for the page's links within its outlet's domains (when the outlet has start pages)."""
        outlet = self._outlet_of(response)
        if not (outlet.start_urls and isinstance(response, TextResponse)):
            return
        for link in self._link_extractor.extract_links(response):
            url = urldefrag(link.url).url
            if not (is_page_url(url) and outlet.covers(url)):
                continue
            if self._is_article(url, outlet):
                listed = {"source": "link", "referer": response.url}
                yield from self._article_request(url, "link", listed, reset=False, outlet=outlet)
            else:
                yield from self._listing_request(url, "link", outlet)

    def _is_article(self, url: str, outlet: Outlet) -> bool:
        """An outlet's ``include`` patterns decide what is an article; without them, :meth:`is_article_url`."""
        if outlet.include:
            return outlet.url_refusal(url) is None
        return self.is_article_url(url)

    def _outlet_of(self, response: Response) -> Outlet:
        """The outlet a response belongs to (the command-line sources when it has none)."""
        request = response.request  # None for a response built without one (tests)
        name = request.meta.get(META_OUTLET) if request is not None else None
        if name is not None and name not in self.outlets and self.seeds is not None:
            self.seeds.refresh_outlets(self)  # another worker pushed it after this one started
        return self.outlets.get(name) or self.outlets[None]

    @staticmethod
    def _outlet_meta(outlet: Outlet) -> dict[str, Any]:
        """Request meta for an outlet: its name, and its own download slot when it has politeness settings.

        An outlet's ``download_delay`` is kept as set: AutoThrottle does not adjust its slot.
        """
        if outlet.name is None:
            return {}
        meta: dict[str, Any] = {META_OUTLET: outlet.name}
        if outlet.download_slot is not None:
            meta["download_slot"] = outlet.download_slot
        if outlet.download_delay is not None:
            meta["autothrottle_dont_adjust_delay"] = True
        return meta

    def _in_window(
        self,
        entries: Iterable[Any],
        dates: Callable[[Any], tuple[str | None, str | None]],
        window: DateWindow | None = None,
        reason: str = "outside_window",
    ) -> list[Any]:
        """The entries whose (published, modified) dates the window admits; the rest counted as ``skipped/<reason>``."""
        window = window or self.window
        if window.is_open:
            return list(entries)
        kept = []
        for entry in entries:
            if window.admits_entry(*dates(entry)):
                kept.append(entry)
            else:
                self._inc(f"skipped/{reason}")
        return kept

    def _article_request(
        self, url: str, source: str, listed: dict[str, Any], *, reset: bool = True, outlet: Outlet | None = None
    ) -> Iterator[scrapy.Request]:
        """A request for an article candidate; counts ``discovered/<source>``.

        Articles listed by a start page, sitemap, feed or URL list start a new
        link depth (``depth_reset``) and may be on another host than the
        start pages (``allow_offsite``). A listed URL that cannot be crawled
        (``javascript:``, no host) is counted as ``skipped/bad_url``; one the
        outlet's ``exclude``/``include`` patterns refuse as
        ``skipped/url_excluded`` or ``skipped/url_not_included``. A named
        outlet's articles carry ``outlet`` (and its ``selectors``) in ``listed``.
        """
        outlet = outlet or self.outlets[None]
        if source != "link" and (reason := url_problem(url)) is not None:
            self.logger.warning("%s lists %r, not a usable URL (%s); skipped", source, url, reason)
            self._inc("skipped/bad_url")
            return
        if self._remember(url) or source != "link":
            if (refusal := outlet.url_refusal(url)) is not None:
                self._inc(f"skipped/{refusal}")
                return
            self._inc(f"discovered/{source}")
            meta = {"allow_offsite": True, "depth_reset": True} if reset else {}
            meta.update(self._outlet_meta(outlet))
            if outlet.name is not None:
                listed = {**listed, "outlet": outlet.name, **({"selectors": outlet.selectors} if outlet.selectors else {})}
            yield scrapy.Request(url, callback=self.parse_article, cb_kwargs={"listed": listed}, meta=meta)

    def _listing_request(self, url: str, source: str, outlet: Outlet | None = None) -> Iterator[scrapy.Request]:
        """A request for a listing page, once per URL; counts ``discovered/<source>`` (or ``skipped/url_excluded``)."""
        outlet = outlet or self.outlets[None]
        if self._remember(url) or source != "link":
            if any(p.search(url) for p in outlet.exclude):
                self._inc("skipped/url_excluded")
                return
            self._inc(f"discovered/{source}")
            yield scrapy.Request(url, callback=self.parse_listing, meta=self._outlet_meta(outlet))

    def _sitemap_request(self, url: str, outlet: Outlet | None = None) -> scrapy.Request:
        meta = {"allow_offsite": True, "depth_reset": True, **self._outlet_meta(outlet or self.outlets[None])}
        return scrapy.Request(url, callback=self.parse_sitemap, meta=meta)

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

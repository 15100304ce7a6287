"""The sources file: the outlets a scheduled crawl covers, in TOML.

``scrapy crawl news -a sources=sources.toml`` reads a file of
``[[outlets]]`` tables (``examples/sources.toml`` documents every key)::

    [[outlets]]
    name = "example-news"                                # required, unique
    start_urls = ["https://www.example-news.com/"]       # at least one of start_urls, feeds, sitemaps
    feeds = ["https://www.example-news.com/rss.xml"]
    sitemaps = ["https://www.example-news.com/news-sitemap.xml"]
    allowed_domains = ["example-news.com"]                # links followed within these (default: the start URLs' domains)
    include = ['/20\\d\\d/\\d\\d/']                        # article URLs match one of these (regex, searched)
    exclude = ['/live/', '/video/']                       # URLs never fetched
    drop_selectors = [".newsletter-signup"]               # CSS: page parts to remove before extraction
    headline_selector = "h1.story-title"                  # CSS: only where the generic extractor fails
    body_selector = "div.story-body"
    download_delay = 2.0                                  # seconds between requests to this outlet
    concurrency = 2                                       # parallel requests to this outlet

:func:`load_sources` reads and checks the whole file before anything is
fetched; a problem raises :class:`SourcesError` whose message is one line
naming the file, the outlet and the problem. Plain Python, no Scrapy.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import attrs
from cssselect import GenericTranslator, SelectorError

from newscrawl.discovery.urls import url_problem

if TYPE_CHECKING:
    from collections.abc import Callable
    from os import PathLike

    Fail = Callable[[str], "SourcesError"]  # builds the one-line error for the outlet being checked

# Every key an [[outlets]] table may have.
OUTLET_KEYS: tuple[str, ...] = (
    "name", "start_urls", "feeds", "sitemaps", "allowed_domains", "include", "exclude",
    "drop_selectors", "headline_selector", "body_selector", "download_delay", "concurrency",
)  # fmt: skip
URL_LIST_KEYS: tuple[str, ...] = ("start_urls", "feeds", "sitemaps")
_HOST = re.compile(r"^(?=.{1,253}\Z)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\Z")
_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")
_OUTLETS_HEADER = re.compile(r"^\s*\[\[\s*outlets\s*\]\]")
_NAME_LINE = re.compile(r"""^\s*name\s*=\s*(?:"([^"]*)"|'([^']*)')""")


class SourcesError(ValueError):
    """The sources file cannot be used; the message is one line: file, outlet, problem."""


def site_domain(url: str) -> str:
    """The domain a start URL's site covers: its host name without a leading ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


@attrs.frozen(kw_only=True)
class Outlet:
    """One outlet of the sources file (or, with ``name`` None, the command-line sources)."""

    name: str | None = None
    """Unique name; None for sources given as ``-a url=`` etc."""
    start_urls: tuple[str, ...] = ()
    """Start pages: robots.txt sitemaps are read from their sites (unless ``sitemaps`` is set) and links followed."""
    feeds: tuple[str, ...] = ()
    """RSS or Atom feeds whose entries are fetched as articles."""
    sitemaps: tuple[str, ...] = ()
    """Sitemaps or sitemap indexes (plain, gzip, Google News)."""
    allowed_domains: tuple[str, ...] = ()
    """Domains links are followed within (subdomains included)."""
    include: tuple[re.Pattern[str], ...] = ()
    """When set, a URL is an article only if one pattern matches it (``re.search``)."""
    exclude: tuple[re.Pattern[str], ...] = ()
    """A URL one of these matches is never fetched."""
    drop_selectors: tuple[str, ...] = ()
    """CSS selectors of page parts to remove before extraction."""
    headline_selector: str | None = None
    """CSS selector of the headline, where the generic extractor fails."""
    body_selector: str | None = None
    """CSS selector of the article body, where the generic extractor fails."""
    download_delay: float | None = None
    """Seconds between requests to this outlet (its own download slot), or None for the crawl's default."""
    concurrency: int | None = None
    """Parallel requests to this outlet (its own download slot), or None for the crawl's default."""

    @property
    def download_slot(self) -> str | None:
        """The Scrapy download slot of this outlet's requests, when it has its own politeness."""
        if self.name is None or (self.download_delay is None and self.concurrency is None):
            return None
        return f"outlet:{self.name}"

    @property
    def slot_settings(self) -> dict[str, Any]:
        """This outlet's ``DOWNLOAD_SLOTS`` entry (delay, concurrency)."""
        found: dict[str, Any] = {}
        if self.download_delay is not None:
            found["delay"] = self.download_delay
        if self.concurrency is not None:
            found["concurrency"] = self.concurrency
        return found

    @property
    def selectors(self) -> dict[str, Any] | None:
        """The outlet's extraction selectors, as passed to extraction with each article, or None."""
        found: dict[str, Any] = {}
        if self.drop_selectors:
            found["drop"] = list(self.drop_selectors)
        if self.headline_selector:
            found["headline"] = self.headline_selector
        if self.body_selector:
            found["body"] = self.body_selector
        return found or None

    def url_refusal(self, url: str) -> str | None:
        """Why ``url`` is not fetched as an article (``url_excluded``, ``url_not_included``), or None."""
        if any(p.search(url) for p in self.exclude):
            return "url_excluded"
        if self.include and not any(p.search(url) for p in self.include):
            return "url_not_included"
        return None

    def covers(self, url: str) -> bool:
        """True when ``url``'s host is one of ``allowed_domains`` or a subdomain of one."""
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith(f".{d}") for d in self.allowed_domains)


# -- loading -----------------------------------------------------------------------------


def load_sources(path: str | PathLike[str]) -> list[Outlet]:
    """The outlets of a sources file, all checked; raises :class:`SourcesError` on the first problem."""
    where = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        msg = f"{where}: cannot read the sources file ({exc.strerror or exc})"
        raise SourcesError(msg) from None
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        msg = f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        raise SourcesError(msg) from None
    except tomllib.TOMLDecodeError as exc:
        msg = f"{where}: {_outlet_at_error(text, str(exc))}not valid TOML: {exc}"
        raise SourcesError(msg) from None
    return parse_sources(data, where)


def _outlet_at_error(text: str, message: str) -> str:
    """``outlet 'name' (#N): `` for the [[outlets]] table a TOML syntax error is in, else ``""``."""
    match = _TOML_POSITION.search(message)
    if not match:
        return ""
    lines = text.splitlines()
    error_line = int(match.group(1))
    index, start = 0, None
    for lineno, line in enumerate(lines[:error_line], start=1):
        if _OUTLETS_HEADER.match(line):
            index, start = index + 1, lineno
    if start is None:
        return ""
    name = None
    for line in lines[start:]:
        if _OUTLETS_HEADER.match(line) or line.lstrip().startswith("["):
            break
        if m := _NAME_LINE.match(line):
            name = m.group(1) if m.group(1) is not None else m.group(2)
            break
    return f"outlet {name!r} (#{index}): " if name else f"outlet #{index}: "


def parse_sources(data: dict[str, Any], where: str = "sources") -> list[Outlet]:
    """The outlets of a parsed sources document; ``where`` names the file in messages."""
    unknown = sorted(set(data) - {"outlets"})
    if unknown:
        msg = f"{where}: unknown top-level key {unknown[0]!r}; outlets are [[outlets]] tables"
        raise SourcesError(msg)
    tables = data.get("outlets")
    if not isinstance(tables, list) or not tables or not all(isinstance(t, dict) for t in tables):
        msg = f"{where}: no outlets; add [[outlets]] tables (see examples/sources.toml)"
        raise SourcesError(msg)
    outlets: list[Outlet] = []
    seen: set[str] = set()
    for number, table in enumerate(tables, start=1):
        outlet = _outlet(table, number, where)
        if outlet.name in seen:
            msg = f"{where}: outlet {outlet.name!r} (#{number}): the name is used by an earlier outlet; names must be unique"
            raise SourcesError(msg)
        seen.add(str(outlet.name))
        outlets.append(outlet)
    return outlets


def _outlet(table: dict[str, Any], number: int, where: str) -> Outlet:
    name = table.get("name")
    label = f"outlet {name!r} (#{number})" if isinstance(name, str) and name.strip() else f"outlet #{number}"

    def fail(problem: str) -> SourcesError:
        return SourcesError(f"{where}: {label}: {problem}")

    for key in table:
        if key not in OUTLET_KEYS:
            close = difflib.get_close_matches(key, OUTLET_KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(OUTLET_KEYS)})"
            raise fail(f"unknown key {key!r}{hint}")
    if "name" not in table:
        raise fail('missing required key "name"')
    if not isinstance(name, str) or not name.strip():
        raise fail('"name" must be a non-empty string')
    urls = {key: _url_list(table, key, fail) for key in URL_LIST_KEYS}
    if not any(urls.values()):
        raise fail("needs at least one of start_urls, feeds, sitemaps")
    domains = _string_list(table, "allowed_domains", fail)
    for i, domain in enumerate(domains):
        if not _HOST.match(domain.lower()):
            raise fail(f"allowed_domains[{i}]: {domain!r} is not a domain name (e.g. \"example.com\", no scheme or path)")
    if not domains:
        domains = list(dict.fromkeys(site_domain(u) for u in urls["start_urls"]))
    return Outlet(
        name=name.strip(),
        start_urls=tuple(urls["start_urls"]),
        feeds=tuple(urls["feeds"]),
        sitemaps=tuple(urls["sitemaps"]),
        allowed_domains=tuple(d.lower().removeprefix("www.") for d in domains),
        include=_patterns(table, "include", fail),
        exclude=_patterns(table, "exclude", fail),
        drop_selectors=tuple(_selector(s, f"drop_selectors[{i}]", fail) for i, s in enumerate(_string_list(table, "drop_selectors", fail))),
        headline_selector=_optional_selector(table, "headline_selector", fail),
        body_selector=_optional_selector(table, "body_selector", fail),
        download_delay=_number(table, "download_delay", fail, minimum=0.0),
        concurrency=_integer(table, "concurrency", fail, minimum=1),
    )


def _string_list(table: dict[str, Any], key: str, fail: Fail) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f'{key} must be a list of strings, e.g. {key} = ["..."]')
    return [v.strip() for v in value]


def _url_list(table: dict[str, Any], key: str, fail: Fail) -> list[str]:
    urls = _string_list(table, key, fail)
    for i, url in enumerate(urls):
        if (reason := url_problem(url)) is not None:
            raise fail(f"{key}[{i}]: {url!r} is not a usable URL ({reason})")
    return list(dict.fromkeys(urls))


def _patterns(table: dict[str, Any], key: str, fail: Fail) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for i, pattern in enumerate(_string_list(table, key, fail)):
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise fail(f"{key}[{i}]: {pattern!r} is not a valid regular expression ({exc})") from None
    return tuple(compiled)


def _selector(value: str, label: str, fail: Fail) -> str:
    if not value:
        raise fail(f"{label}: an empty CSS selector")
    try:
        GenericTranslator().css_to_xpath(value)
    except SelectorError as exc:
        raise fail(f"{label}: {value!r} is not a valid CSS selector ({exc})") from None
    return value


def _optional_selector(table: dict[str, Any], key: str, fail: Fail) -> str | None:
    if key not in table:
        return None
    value = table[key]
    if not isinstance(value, str):
        raise fail(f"{key} must be a string (a CSS selector)")
    return _selector(value.strip(), key, fail)


def _number(table: dict[str, Any], key: str, fail: Fail, *, minimum: float) -> float | None:
    if key not in table:
        return None
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise fail(f"{key} must be a number of seconds >= {minimum:g}, not {value!r}")
    return float(value)


def _integer(table: dict[str, Any], key: str, fail: Fail, *, minimum: int) -> int | None:
    if key not in table:
        return None
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise fail(f"{key} must be a whole number >= {minimum}, not {value!r}")
    return value

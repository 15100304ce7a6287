"""URLs: is this an article page, and reading a file of URLs.

Pure functions, no Scrapy: the ``news`` spider uses them to decide which
links are article candidates (extracted) and which are listing pages
(home, sections, tags, authors: followed for links only).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import attrs

if TYPE_CHECKING:
    from collections.abc import Iterable
    from os import PathLike

# Path segments that mark a listing or service page wherever they appear
# (``/tag/x/``, ``/world/page/2/``, ``/about/``).
LISTING_SEGMENTS: frozenset[str] = frozenset(
    {
        "section", "sections", "category", "categories", "tag", "tags", "topic", "topics",
        "author", "authors", "contributor", "contributors", "archive", "archives",
        "page", "search", "about", "about-us", "contact", "contact-us", "privacy",
        "privacy-policy", "cookie-policy", "cookies", "terms", "terms-of-service",
        "terms-of-use", "login", "log-in", "signin", "sign-in", "register", "signup",
        "subscribe", "subscription", "subscriptions", "newsletter", "newsletters",
        "account", "feed", "feeds", "rss", "sitemap", "wp-admin", "wp-login.php",
        "cart", "shop", "jobs", "careers", "advertise", "imprint", "impressum",
    }
)  # fmt: skip

# A path segment after which any further segment is an article
# (``/article/123``, ``/story/the-slug``).
ARTICLE_PREFIXES: frozenset[str] = frozenset(
    {"article", "articles", "story", "stories", "post", "posts", "p"}
)
# Segments after which a segment that looks like a slug is an article
# (``/news/storm-hits-the-coast``, but not the section ``/news/world/``).
NEWS_PREFIXES: frozenset[str] = frozenset({"news", "blog", "blogs", "live", "video", "opinion"})

# File extensions that are never article pages.
NON_PAGE_EXTENSIONS: frozenset[str] = frozenset(
    {
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".avif", ".bmp", ".tif", ".tiff",
        ".css", ".js", ".mjs", ".json", ".map", ".woff", ".woff2", ".ttf", ".otf", ".eot",
        ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".gz", ".tgz",
        ".mp3", ".mp4", ".m4a", ".mov", ".avi", ".webm", ".ogg", ".wav",
        ".xml", ".rss", ".atom", ".rdf", ".txt", ".csv",
    }
)  # fmt: skip
# Extensions of server-rendered pages; stripped before looking at the slug.
PAGE_EXTENSIONS: tuple[str, ...] = (".html", ".htm", ".shtml", ".php", ".asp", ".aspx", ".jsp")

_YEAR = re.compile(r"(?:19|20)\d\d\Z")
_MONTH = re.compile(r"(?:0?[1-9]|1[0-2])\Z")
_DAY = re.compile(r"(?:0?[1-9]|[12]\d|3[01])\Z")
_COMPACT_DATE = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\Z")  # /20220907/
_WORD = re.compile(r"[^\W_]+")
_ID = re.compile(r"(?<![^\W_])\d{5,}(?![^\W_])")  # a number of 5+ digits standing alone: -62834567, /123456


def _segments(url: str) -> list[str]:
    """Non-empty, unquoted, lower-cased path segments of ``url``."""
    path = urlsplit(url.strip()).path
    return [unquote(s).lower() for s in path.split("/") if s]


def _stem(segment: str) -> str:
    """A segment without a page extension (``story.html`` → ``story``)."""
    for ext in PAGE_EXTENSIONS:
        if segment.endswith(ext):
            return segment[: -len(ext)]
    return segment


def _words(segment: str) -> list[str]:
    """The words of a slug, split on hyphens, underscores and other punctuation."""
    return _WORD.findall(segment)


def _has_id(segment: str) -> bool:
    """True when the segment holds a standalone number of 5+ digits (an article id)."""
    return bool(_ID.search(segment))


def _is_slug(segment: str, min_words: int) -> bool:
    """True when ``segment`` looks like an article slug: enough words, or an id."""
    stem = _stem(segment)
    return _has_id(stem) or (len(_words(stem)) >= min_words and not stem.isdigit())


def _date_prefix_end(segments: list[str]) -> int:
    """Index just past a ``/YYYY/MM[/DD]`` or ``/YYYYMMDD`` run in the path, or 0 if none."""
    for i, seg in enumerate(segments):
        if _COMPACT_DATE.match(seg):
            return i + 1
        if _YEAR.match(seg) and i + 1 < len(segments) and _MONTH.match(segments[i + 1]):
            end = i + 2
            if end < len(segments) and _DAY.match(segments[end]):
                end += 1
            return end
    return 0


def is_page_url(url: str) -> bool:
    """False for links to files that are never web pages (images, PDFs, feeds, sitemaps, scripts)."""
    segments = _segments(url)
    return not segments or PurePosixPath(segments[-1]).suffix not in NON_PAGE_EXTENSIONS


def is_article_url(url: str) -> bool:
    """Guess from the URL alone whether it is an article page.

    Articles: a date in the path followed by a slug (``/2022/09/07/slug/``,
    ``/2022/09/slug``), a long hyphenated slug (4+ words) or one with an id
    number (``/world-europe-62834567``), a ``.html`` page with a slug,
    an ``article``/``story`` segment followed by anything, a ``news``/``blog``
    segment followed by a slug. Not articles: the home page, section, tag,
    topic, author, search and service pages (``/about``, ``/privacy``,
    ``/login``), pagination (``/page/2/``), feeds, sitemaps and static files.
    Unknown shapes count as non-articles (they are still followed for links).
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return False
    segments = _segments(url)
    if not segments:
        return False  # the home page
    last = segments[-1]
    if not is_page_url(url):
        return False
    if any(_stem(s) in LISTING_SEGMENTS for s in segments):
        return False
    stem = _stem(last)
    if stem in {"index", "default", "home", ""}:
        return False
    date_end = _date_prefix_end(segments)
    if date_end:
        return date_end < len(segments)  # /2022/09/07/ alone is a day archive
    for i, seg in enumerate(segments[:-1]):
        if seg in ARTICLE_PREFIXES:
            return True
        if seg in NEWS_PREFIXES and _is_slug(segments[i + 1], min_words=3):
            return True
    if _is_slug(last, min_words=4):
        return True
    return stem != last and _is_slug(last, min_words=2)  # a .html page with a slug


@attrs.frozen
class BadLine:
    """A line of a URL list that is not a usable URL."""

    lineno: int
    """1-based line number in the file."""

    text: str
    """The line as written (stripped)."""

    reason: str
    """Why it is unusable, e.g. "no http(s) scheme"."""


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be crawled (no http(s) scheme, no host, spaces), or None if it can."""
    if not url:
        return "empty URL"
    if any(ch.isspace() for ch in url):
        return "contains whitespace"
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError as exc:  # e.g. a non-numeric port
        return f"unparsable ({exc})"
    if parts.scheme.lower() not in {"http", "https"}:
        return "no http(s) scheme"
    if not parts.hostname:
        return "no host"
    if not port_ok:
        return "bad port"
    return None


_TRAILING_COMMENT = re.compile(r"\s+#.*\Z")


def read_url_list(path: str | PathLike[str]) -> tuple[list[str], list[BadLine]]:
    """Read a URL list: one URL a line; blank lines and ``#`` comments are ignored.

    Returns the usable URLs (in file order, first occurrence only) and the
    malformed lines with their line numbers. A trailing ``  # note`` after a
    URL is a comment. Raises :class:`OSError` (or :class:`UnicodeDecodeError`)
    when the file cannot be read.
    """
    with open(path, encoding="utf-8-sig") as fh:
        lines = fh.read().splitlines()
    urls: list[str] = []
    seen: set[str] = set()
    problems: list[BadLine] = []
    for lineno, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        text = _TRAILING_COMMENT.sub("", text)
        reason = url_problem(text)
        if reason is not None:
            problems.append(BadLine(lineno=lineno, text=text, reason=reason))
        elif text not in seen:
            seen.add(text)
            urls.append(text)
    return urls, problems


class UrlArgumentError(ValueError):
    """A URL argument or URL-list file given by the user cannot be used; the message names it (``label``)."""


def checked_urls(label: str, urls: Iterable[str]) -> list[str]:
    """``urls`` unchanged when every one can be crawled; else :class:`UrlArgumentError` naming ``label`` and the URL."""
    urls = list(urls)
    for url in urls:
        if (reason := url_problem(url)) is not None:
            msg = f"{label}: {url!r} is not a usable URL ({reason})"
            raise UrlArgumentError(msg)
    return urls


def read_url_file_argument(label: str, path: str) -> tuple[list[str], list[BadLine]]:
    """:func:`read_url_list` for a file the user named with ``label``: unreadable or URL-less is an error."""
    try:
        urls, problems = read_url_list(path)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        msg = f"{label}: cannot read {path!r} ({reason})"
        raise UrlArgumentError(msg) from exc
    if not urls:
        detail = f"; {len(problems)} malformed line(s), the first at line {problems[0].lineno}" if problems else ""
        msg = f"{label}: {path!r} holds no URLs{detail}"
        raise UrlArgumentError(msg)
    return urls, problems

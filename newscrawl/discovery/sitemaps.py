"""Sitemaps: urlset and sitemap index, gzip, Google News fields, robots.txt lines.

Scrapy's own :class:`scrapy.utils.sitemap.Sitemap` keeps only the direct
children of each ``<url>`` and drops the nested ``<news:news>`` block, so
this module parses sitemaps itself (with the same safety settings: no
entities, no huge trees, recover from breakage). Namespaces are matched
by local name, so sitemaps with a wrong or missing namespace still parse.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal
from urllib.parse import urljoin

import attrs

from newscrawl.discovery.xmlsafe import (
    DEFAULT_MAX_SIZE,
    XmlBodyError,
    child,
    child_text,
    children,
    localname,
    parse_xml,
)

if TYPE_CHECKING:
    from lxml import etree


class SitemapError(ValueError):
    """The body is not a sitemap (not XML, or XML with another root element)."""


@attrs.frozen(kw_only=True)
class SitemapEntry:
    """One ``<url>`` of a urlset, or one ``<sitemap>`` of a sitemap index."""

    loc: str
    """The URL, as listed (absolute per the protocol), whitespace-stripped."""

    lastmod: str | None = None
    """``<lastmod>`` as written (W3C datetime, a profile of ISO 8601), or None."""

    news_publication_date: str | None = None
    """Google News ``<news:publication_date>`` as written, or None."""

    news_title: str | None = None
    """Google News ``<news:title>``, or None."""

    news_publication_name: str | None = None
    """Google News ``<news:publication><news:name>``, or None."""

    news_language: str | None = None
    """Google News ``<news:publication><news:language>`` (e.g. "en"), or None."""

    @property
    def listed_date(self) -> str | None:
        """The best date the sitemap gives: the news publication date, else lastmod."""
        return self.news_publication_date or self.lastmod


@attrs.frozen
class SitemapDoc:
    """A parsed sitemap: its kind and its entries in document order."""

    kind: Literal["urlset", "sitemapindex"]
    """``urlset`` (entries are pages) or ``sitemapindex`` (entries are sitemaps)."""

    entries: list[SitemapEntry] = attrs.field(factory=list)
    """Entries with a non-empty ``<loc>``; entries without one are dropped."""

    @property
    def is_index(self) -> bool:
        """True for a sitemap index, whose entries are further sitemaps."""
        return self.kind == "sitemapindex"


def _entry(node: etree._Element) -> SitemapEntry | None:
    """A :class:`SitemapEntry` from a ``<url>`` or ``<sitemap>`` element, or None without loc."""
    loc = child_text(node, "loc")
    if not loc:
        return None
    lastmod = child_text(node, "lastmod")
    news = child(node, "news")
    if news is None:
        return SitemapEntry(loc=loc, lastmod=lastmod)
    return SitemapEntry(
        loc=loc,
        lastmod=lastmod,
        news_publication_date=child_text(news, "publication_date"),
        news_title=child_text(news, "title"),
        news_publication_name=child_text(news, "publication", "name"),
        # the protocol puts <news:language> inside <news:publication>; some sites put it in <news:news>
        news_language=child_text(news, "publication", "language") or child_text(news, "language"),
    )


def parse_sitemap(body: bytes, max_size: int = DEFAULT_MAX_SIZE) -> SitemapDoc:
    """Parse a sitemap (``urlset``) or sitemap index body, plain or gzip.

    Raises :class:`SitemapError` with a readable message when the body is
    not XML, or is XML of another kind (an HTML page, a feed).
    """
    try:
        root = parse_xml(body, max_size=max_size)
    except XmlBodyError as exc:
        raise SitemapError(str(exc)) from exc
    kind = localname(root)
    if kind == "urlset":
        entries = [e for e in map(_entry, children(root, "url")) if e is not None]
        return SitemapDoc("urlset", entries)
    if kind == "sitemapindex":
        entries = [e for e in map(_entry, children(root, "sitemap")) if e is not None]
        return SitemapDoc("sitemapindex", entries)
    msg = f"not a sitemap: the root element is <{kind}>, not <urlset> or <sitemapindex>"
    raise SitemapError(msg)


_ROBOTS_SITEMAP = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


def sitemap_urls_from_robots(robots_text: str, base_url: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt, made absolute against ``base_url``, in order, unique."""
    found: list[str] = []
    for match in _ROBOTS_SITEMAP.finditer(robots_text):
        url = urljoin(base_url, match.group(1))
        if url not in found:
            found.append(url)
    return found

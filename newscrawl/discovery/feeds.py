"""Feeds: RSS 2.0, RSS 1.0 (RDF) and Atom → article URLs with title and date.

Parsed with the same safe XML settings as sitemaps (no entities, no
network, recover from breakage). Elements are matched by local name, so
``atom:link`` inside RSS, ``dc:date`` and unusual namespace prefixes work.
"""

from __future__ import annotations

import email.utils
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeGuard
from urllib.parse import urljoin

import attrs
import lxml.html

from newscrawl.discovery.xmlsafe import (
    DEFAULT_MAX_SIZE,
    XmlBodyError,
    child,
    children,
    localname,
    parse_xml,
    text_of,
)

if TYPE_CHECKING:
    from lxml import etree


class FeedError(ValueError):
    """The body is not an RSS or Atom feed."""


@attrs.frozen(kw_only=True)
class FeedEntry:
    """One item of a feed: where the article is, its title and date."""

    url: str
    """Absolute URL of the article (resolved against the feed URL and xml:base)."""

    title: str | None = None
    """The entry's title as plain text, or None."""

    published: str | None = None
    """Publication date, ISO 8601 (with offset when the feed gives one), or None if absent or unparsable."""

    published_raw: str | None = None
    """The date exactly as the feed writes it, or None."""


def parse_date(value: str | None) -> str | None:
    """An RFC 822 (RSS) or ISO 8601 (Atom, dc:date) date as ISO 8601, or None if unparsable."""
    if not value:
        return None
    value = value.strip()
    try:
        return email.utils.parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        if len(value) == 10:  # a date without a time stays a date: 2022-09-07
            return date.fromisoformat(value).isoformat()
        return datetime.fromisoformat(value).isoformat()
    except ValueError:
        return None


def _is_url(value: str | None) -> TypeGuard[str]:
    """True for an absolute http(s) URL or a root-relative path."""
    return bool(value) and str(value).lower().startswith(("http://", "https://", "/"))


def _base(element: etree._Element, fallback: str) -> str:
    """The URL relative links in ``element`` resolve against (xml:base aware)."""
    return element.base or fallback


def _title(node: etree._Element) -> str | None:
    """A title as plain text; Atom ``type="html"`` titles have their markup removed."""
    title = child(node, "title")
    text = text_of(title)
    if text and title is not None and title.get("type") == "html" and "<" in text:
        text = lxml.html.fragment_fromstring(text, create_parent="div").text_content().strip() or None
    return text


def _rss_link(item: etree._Element) -> str | None:
    """An RSS item's link: ``<link>`` text, an ``atom:link`` href, or a permalink ``<guid>``."""
    for link in children(item, "link"):
        text = text_of(link)
        if _is_url(text):
            return text
        href = link.get("href")
        if _is_url(href) and link.get("rel", "alternate") == "alternate":
            return str(href)
    guid = child(item, "guid")
    text = text_of(guid)
    if guid is not None and guid.get("isPermaLink", "true").lower() != "false" and _is_url(text):
        return text
    return None


def _atom_link(entry: etree._Element) -> str | None:
    """An Atom entry's link: rel="alternate" (HTML first), else the first link with an href."""
    links = [link for link in children(entry, "link") if link.get("href")]
    alternates = [link for link in links if link.get("rel", "alternate") == "alternate"]
    html = [link for link in alternates if "html" in link.get("type", "text/html")]
    for candidates in (html, alternates, links):
        if candidates:
            return str(candidates[0].get("href"))
    return None


def _entry(node: etree._Element, base_url: str, atom: bool) -> FeedEntry | None:
    link = _atom_link(node) if atom else _rss_link(node)
    if not link:
        return None
    date_names = ("published", "updated", "date", "issued") if atom else ("pubdate", "date", "published", "updated")
    raw = next((t for t in (text_of(child(node, name)) for name in date_names) if t), None)
    return FeedEntry(
        url=urljoin(_base(node, base_url), link.strip()),
        title=_title(node),
        published=parse_date(raw),
        published_raw=raw,
    )


def parse_feed(body: bytes, base_url: str, max_size: int = DEFAULT_MAX_SIZE) -> list[FeedEntry]:
    """The entries of an RSS 2.0, RSS 1.0 or Atom feed, in feed order.

    Relative links are resolved against ``base_url`` (the feed's URL) and
    any ``xml:base``. Entries without a link are left out. Raises
    :class:`FeedError` with a readable message when the body is not a feed.
    """
    try:
        root = parse_xml(body, base_url=base_url, max_size=max_size)
    except XmlBodyError as exc:
        raise FeedError(str(exc)) from exc
    kind = localname(root)
    if kind == "feed":
        nodes, atom = children(root, "entry"), True
    elif kind == "rss":
        channel = child(root, "channel")
        nodes, atom = (children(channel, "item") if channel is not None else []), False
    elif kind == "rdf":
        nodes, atom = children(root, "item"), False
    else:
        msg = f"not a feed: the root element is <{kind}>, not <rss>, <feed> or <rdf:RDF>"
        raise FeedError(msg)
    entries = (_entry(node, base_url, atom) for node in nodes)
    return [e for e in entries if e is not None]

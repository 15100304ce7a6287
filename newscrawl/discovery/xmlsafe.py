"""Safe XML parsing for sitemaps and feeds: gzip bodies, no entities, no network.

Sitemaps and feeds come from servers we do not control. The parser never
resolves entities (no XXE), never fetches DTDs, refuses huge trees, and
recovers from the small breakages real sitemaps have (a stray ``&``).
Gzip bodies (``sitemap.xml.gz``) are recognised by their magic bytes and
decompressed with a size cap, so a gzip bomb cannot exhaust memory.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib

from lxml import etree

GZIP_MAGIC = b"\x1f\x8b"
# The sitemap protocol caps an uncompressed sitemap at 50 MB; we use that as the default limit.
DEFAULT_MAX_SIZE = 50 * 1024 * 1024

_PARSER = etree.XMLParser(
    resolve_entities=False,
    huge_tree=False,
    recover=True,
    no_network=True,
    remove_comments=True,
    remove_pis=True,
)


class XmlBodyError(ValueError):
    """The body is not a (well enough formed) XML document."""


def gunzip_if_needed(body: bytes, max_size: int = DEFAULT_MAX_SIZE) -> bytes:
    """``body`` decompressed when it starts with the gzip magic bytes, else unchanged.

    Raises :class:`XmlBodyError` for corrupt gzip data or when the
    decompressed size would exceed ``max_size`` bytes (0 means no limit).
    """
    if not body.startswith(GZIP_MAGIC):
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as gz:
            data = gz.read(max_size + 1) if max_size else gz.read()
    except (OSError, EOFError, zlib.error) as exc:
        msg = f"corrupt gzip data ({exc})"
        raise XmlBodyError(msg) from exc
    if max_size and len(data) > max_size:
        msg = f"gzip body larger than {max_size} bytes when decompressed"
        raise XmlBodyError(msg)
    return data


def parse_xml(body: bytes, base_url: str | None = None, max_size: int = DEFAULT_MAX_SIZE) -> etree._Element:
    """The root element of ``body`` (gzip or plain XML), parsed safely.

    Raises :class:`XmlBodyError` when the body is empty or not XML at all.
    """
    data = gunzip_if_needed(body, max_size)
    if not data.strip():
        msg = "empty body"
        raise XmlBodyError(msg)
    try:
        root = etree.fromstring(data, _PARSER, base_url=base_url)
    except etree.XMLSyntaxError as exc:
        msg = f"not XML ({exc})"
        raise XmlBodyError(msg) from exc
    if root is None:
        msg = "an HTML page, not XML" if _HTML_START.match(data[:1024]) else "not XML"
        raise XmlBodyError(msg)
    return root


_HTML_START = re.compile(rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL)


def localname(element: etree._Element) -> str:
    """The element's tag without its namespace, lower-cased ("" for odd nodes)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def child(element: etree._Element, *names: str) -> etree._Element | None:
    """The first child whose local name is one of ``names`` (any namespace)."""
    for ch in element:
        if localname(ch) in names:
            return ch
    return None


def children(element: etree._Element, name: str) -> list[etree._Element]:
    """All children with local name ``name`` (any namespace)."""
    return [ch for ch in element if localname(ch) == name]


def text_of(element: etree._Element | None) -> str | None:
    """The element's whole text, whitespace-stripped; None when absent or empty."""
    if element is None:
        return None
    text = "".join(element.itertext()).strip()
    return text or None


def child_text(element: etree._Element, *path: str) -> str | None:
    """Text of the descendant reached by following local names ``path``, or None."""
    node: etree._Element | None = element
    for name in path:
        if node is None:
            return None
        node = child(node, name)
    return text_of(node)

"""Page metadata: ``<meta>`` tags, JSON-LD, canonical link and ``<html lang>``, read once.

:func:`parse_metadata` walks the document once and keeps what every field
resolver needs in a frozen :class:`PageMetadata`; the small functions below
it (:func:`canonical_url`, :func:`site_name`, :func:`tags` ...) each read
one field from it in order of trust. Nothing here touches the network or
the clock.
"""

from __future__ import annotations

import html
import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import attrs

from newscrawl.extraction.text import normalize_space

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from lxml.html import HtmlElement

# JSON-LD @type values of an article, any of which makes an object the
# page's article (schema.org's Article and its news subtypes).
ARTICLE_TYPES = frozenset({
    "newsarticle", "article", "reportagenewsarticle", "blogposting",
    "analysisnewsarticle", "opinionnewsarticle", "liveblogposting",
    "backgroundnewsarticle", "reviewnewsarticle", "asknewsarticle",
    "askpublicnewsarticle", "satiricalarticle", "report", "techarticle",
    "socialmediaposting",
})
# Page types accepted as the article only as a last resort, and only with
# both a headline and a datePublished.
PAGE_TYPES = frozenset({"webpage", "itempage"})

# Trailing commas before a closing bracket: the most common JSON-LD typo.
_TRAILING_COMMA_RE = re.compile(r",\s*([}\]])")
# Control characters (other than tab/newline/CR) that break json.loads.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Wrappers some CMSs put around script content.
_WRAPPER_RE = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")
# Separators inside a keywords string.
_KEYWORD_SPLIT_RE = re.compile(r"\s*[,;]\s*")


@attrs.frozen
class PageMetadata:
    """Everything the page declares about itself, read once."""

    jsonld: list[dict[str, Any]] = attrs.field(factory=list)
    """All JSON-LD objects: @graph members and top-level lists expanded, invalid blocks skipped."""

    article_ld: dict[str, Any] | None = None
    """The first JSON-LD object typed as an article (a WebPage only as a last resort)."""

    meta: dict[str, list[str]] = attrs.field(factory=dict)
    """``<meta>`` name/property/itemprop/http-equiv (lowercased) -> content values in order."""

    canonical: str | None = None
    """The ``<link rel=canonical>`` href, made absolute."""

    html_lang: str | None = None
    """The ``<html lang>`` attribute as written."""

    url: str | None = None
    """The page URL the metadata was read from (used to resolve relative URLs and domains)."""

    def first(self, *keys: str) -> str | None:
        """The first non-empty meta value among ``keys``, whitespace-normalised and HTML-unescaped."""
        for key in keys:
            for value in self.meta.get(key.lower(), ()):
                text = normalize_space(html.unescape(value))
                if text:
                    return text
        return None

    def resolve(self, value: Any) -> Any:
        """``value`` with JSON-LD ``{"@id": ...}`` references replaced by the objects they name.

        Lists are resolved item by item; anything else is returned as is.
        """
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict) and "@id" in value and len(value) <= 2 and "name" not in value:
            ref = value["@id"]
            for obj in self.jsonld:
                if obj is not value and obj.get("@id") == ref:
                    return obj
        return value

    def all(self, *keys: str) -> list[str]:
        """Every non-empty meta value among ``keys``, in key order then page order, cleaned as :meth:`first`."""
        out = []
        for key in keys:
            for value in self.meta.get(key.lower(), ()):
                text = normalize_space(html.unescape(value))
                if text:
                    out.append(text)
        return out


# -- parsing -----------------------------------------------------------------------
def parse_metadata(doc: HtmlElement, url: str) -> PageMetadata:
    """Read ``<meta>``, ``<link rel=canonical>``, ``<base>`` and JSON-LD in one walk of ``doc``."""
    meta: dict[str, list[str]] = {}
    jsonld: list[dict[str, Any]] = []
    canonical_href: str | None = None
    base_href: str | None = None
    for el in doc.iter("meta", "link", "script", "base"):
        tag = el.tag
        if tag == "meta":
            content = el.get("content")
            if content is None:
                continue
            keys = {el.get(attr, "").strip().lower() for attr in ("name", "property", "itemprop", "http-equiv")}
            keys.discard("")
            for key in keys:
                # property may hold several space-separated RDFa terms
                for part in key.split():
                    meta.setdefault(part, []).append(content)
        elif tag == "link":
            if canonical_href is None and "canonical" in (el.get("rel") or "").lower().split():
                href = (el.get("href") or "").strip()
                canonical_href = href or None
        elif tag == "script":
            if "ld+json" in (el.get("type") or "").lower():
                jsonld.extend(_flatten(_load_json(el.text or "")))
        elif base_href is None:
            base_href = (el.get("href") or "").strip() or None
    base = urljoin(url, base_href) if base_href else url
    canonical = _absolute(canonical_href, base)
    lang = (doc.get("lang") or doc.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip()
    return PageMetadata(
        jsonld=jsonld,
        article_ld=_find_article(jsonld),
        meta=meta,
        canonical=canonical,
        html_lang=lang or None,
        url=url,
    )


def _load_json(text: str) -> Any:
    """Parse one JSON-LD block; try a lenient repair once, give None when it stays invalid."""
    text = text.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        pass
    fixed = _WRAPPER_RE.sub("", text).strip().rstrip(";")
    fixed = _TRAILING_COMMA_RE.sub(r"\1", _CONTROL_RE.sub(" ", fixed))
    try:
        return json.loads(fixed, strict=False)
    except ValueError:
        return None


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    """JSON-LD objects in ``data``: lists and @graph containers expanded, depth first."""
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        graph = data.get("@graph")
        if graph is not None:
            if "@type" in data:
                yield data
            yield from _flatten(graph)
        else:
            yield data


def ld_types(obj: dict[str, Any]) -> set[str]:
    """The object's @type values, lowercased, without a schema.org prefix."""
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {v.rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() for v in values if isinstance(v, str)}


def _find_article(objects: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first article-typed object (also as a page's mainEntity), else a dated WebPage."""
    candidates: list[dict[str, Any]] = []
    for obj in objects:
        candidates.append(obj)
        main = obj.get("mainEntity")
        if isinstance(main, dict):
            candidates.append(main)
    for obj in candidates:
        if ld_types(obj) & ARTICLE_TYPES:
            return obj
    for obj in candidates:
        if ld_types(obj) & PAGE_TYPES and obj.get("headline") and obj.get("datePublished"):
            return obj
    return None


def _absolute(value: str | None, base: str) -> str | None:
    """``value`` resolved against ``base`` when it gives an http(s) URL, else None."""
    if not value:
        return None
    absolute = urljoin(base, normalize_space(value))
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


# -- JSON-LD values --------------------------------------------------------------------
def ld_text(value: Any) -> str | None:
    """A JSON-LD value as clean text: a string, a ``{"name"}``/``{"@value"}`` object, or a list's first."""
    if isinstance(value, str):
        return normalize_space(html.unescape(value)) or None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        for key in ("name", "@value", "text"):
            text = ld_text(value.get(key))
            if text:
                return text
        return None
    if isinstance(value, list):
        for item in value:
            text = ld_text(item)
            if text:
                return text
    return None


def ld_names(value: Any) -> list[str]:
    """Names of the people or organisations in an author-like value, in order, without duplicates.

    Organisations are kept (their names are returned like people's); the
    caller decides which names are agencies.
    """
    names: list[str] = []
    for item in _iter_values(value):
        name: str | None
        if isinstance(item, str):
            name = ld_text(item)
        elif isinstance(item, dict):
            name = ld_text(item.get("name"))
            if not name:
                parts = (ld_text(item.get("givenName")), ld_text(item.get("familyName")))
                name = " ".join(p for p in parts if p) or None
        else:
            name = None
        if name and name not in names:
            names.append(name)
    return names


def _iter_values(value: Any) -> Iterator[Any]:
    """The items of a list value (nested lists flattened), or the value itself."""
    if isinstance(value, list):
        for item in value:
            yield from _iter_values(item)
    elif value is not None:
        yield value


def _ld_url(value: Any) -> str | None:
    """A URL-valued JSON-LD property: a string, or an object's @id / url."""
    for item in _iter_values(value):
        if isinstance(item, str) and item.strip():
            return item.strip()
        if isinstance(item, dict):
            for key in ("@id", "url"):
                found = item.get(key)
                if isinstance(found, str) and found.strip():
                    return found.strip()
    return None


# -- field resolvers -----------------------------------------------------------------
def canonical_url(meta: PageMetadata, url: str) -> str | None:
    """The page's canonical URL: rel=canonical, else og:url, else JSON-LD url / mainEntityOfPage; absolute."""
    if meta.canonical:
        return meta.canonical
    found = _absolute(meta.first("og:url"), url)
    if found:
        return found
    ld = meta.article_ld or {}
    for key in ("url", "mainEntityOfPage"):
        found = _absolute(_ld_url(ld.get(key)), url)
        if found:
            return found
    return None


def site_name(meta: PageMetadata) -> str | None:
    """The publishing site's name: og:site_name, else the JSON-LD publisher, else application-name."""
    name = meta.first("og:site_name")
    if name:
        return name
    if meta.article_ld is not None:
        name = ld_text(meta.resolve(meta.article_ld.get("publisher")))
        if name:
            return name
    return meta.first("application-name")


def section(meta: PageMetadata) -> str | None:
    """The section the article is filed under: article:section, else JSON-LD articleSection."""
    found = meta.first("article:section")
    if found:
        return found
    if meta.article_ld is not None:
        return ld_text(meta.article_ld.get("articleSection"))
    return None


def tags(meta: PageMetadata) -> list[str]:
    """Tags in page order: article:tag, else JSON-LD keywords, else news_keywords / keywords meta."""
    found = meta.all("article:tag")
    if not found and meta.article_ld is not None:
        found = _keyword_list(meta.article_ld.get("keywords"))
    if not found:
        found = _keyword_list(meta.all("news_keywords") or meta.all("keywords"))
    return _dedupe(found)


def _keyword_list(value: Any) -> list[str]:
    """Keywords from a list or a comma-separated string."""
    out: list[str] = []
    for item in _iter_values(value):
        text = ld_text(item)
        if text:
            out.extend(_KEYWORD_SPLIT_RE.split(text))
    return out


def _dedupe(values: Iterable[str]) -> list[str]:
    """Stripped, non-empty values with case-insensitive duplicates dropped, first spelling kept."""
    seen: set[str] = set()
    out = []
    for value in values:
        text = normalize_space(value)
        key = text.casefold()
        if text and key not in seen:
            seen.add(key)
            out.append(text)
    return out


def description(meta: PageMetadata) -> str | None:
    """The page's summary: og:description, meta description, twitter:description, else JSON-LD."""
    found = meta.first("og:description", "description", "twitter:description")
    if found:
        return found
    if meta.article_ld is not None:
        return ld_text(meta.article_ld.get("description"))
    return None


def is_accessible_for_free(meta: PageMetadata) -> bool | None:
    """JSON-LD isAccessibleForFree of the article (or, failing that, of its hasPart), else None."""
    ld = meta.article_ld
    if ld is None:
        return None
    found = _as_bool(ld.get("isAccessibleForFree"))
    if found is not None:
        return found
    parts = [_as_bool(p.get("isAccessibleForFree")) for p in _iter_values(ld.get("hasPart")) if isinstance(p, dict)]
    if False in parts:
        return False
    if True in parts:
        return True
    return None


def _as_bool(value: Any) -> bool | None:
    """A JSON-LD boolean: true/false, or the strings "true"/"false" in any case."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "https://schema.org/true", "http://schema.org/true"):
            return True
        if text in ("false", "https://schema.org/false", "http://schema.org/false"):
            return False
    return None

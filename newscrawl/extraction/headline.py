"""The headline: the article's own title, without site names, kickers or section labels.

Candidates are the JSON-LD headline, og:title, twitter:title, the page's
``<h1>`` and ``<title>``. The ``<h1>`` inside the article is what readers
see, so it wins, kicker elements removed; a title-like candidate is cut
down to it when it only adds a site name or section. Without a usable
``<h1>``, the first candidate is used with its site-name affix removed
(" - Site", " | Site", " — Site", " :: Site", "Site: ").
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from newscrawl.extraction import metadata as metadata_mod
from newscrawl.extraction.text import normalize_space

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from newscrawl.extraction.metadata import PageMetadata

# Class values (substrings) of elements inside an <h1> that hold a kicker,
# a section label or an eyebrow rather than the headline.
KICKER_MARKERS = (
    "kicker", "label", "section", "eyebrow", "overline", "dachzeile", "topline",
    "rubric", "supertitle", "pretitle", "pre-title", "category", "flag",
)
_KICKER_RE = re.compile("|".join(re.escape(m) for m in KICKER_MARKERS))
# Separators between a headline and a site name: " - ", " | ", " — ", " – ", " :: ", " · ", " • ", " » ".
_SEPARATOR_RE = re.compile(r"\s*\|\s*|\s+(?:-|–|—|::|·|•|»|/|~)\s+")
# "Site: Headline".
_COLON_PREFIX_RE = re.compile(r"^(?P<prefix>[^:]{2,40}?):\s+(?P<rest>\S.*)$")
# Characters ignored when comparing candidates.
_NON_WORD_RE = re.compile(r"[\W_]+")
# Truncation marks at the end of a shortened headline.
_ELLIPSIS_RE = re.compile(r"(?:\.\.\.|…)\s*$")
# Punctuation left at the start of an h1 once its kicker is removed ("<span>Kicker</span>: Headline").
_LEADING_PUNCT = " :|-–—·•»"
# Second-level labels under a country code ("example.co.uk").
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "or", "ne", "go"})
# An h1 of this many words or fewer that matches no other candidate is a section label.
_LABEL_MAX_WORDS = 2
# Shortest name fragment that counts as resembling a site name.
_MIN_NAME_CHARS = 3
# Tags whose text never belongs to a headline.
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "button"})


def clean_headline(meta: PageMetadata, doc: HtmlElement, site: str | None) -> str | None:
    """The article's headline, or None (never an empty string)."""
    h1_el, h1_in_article = _find_h1(doc)
    h1 = _h1_text(h1_el) if h1_el is not None else None
    ld = meta.article_ld or {}
    ld_headline = metadata_mod.ld_text(ld.get("headline")) or metadata_mod.ld_text(ld.get("name"))
    title_el = doc.find(".//title")
    title = normalize_space(html.unescape(title_el.text_content())) if title_el is not None else None
    candidates = [c for c in (ld_headline, meta.first("og:title"), meta.first("twitter:title"), title or None) if c]
    names = _site_names(meta, site)

    if h1:
        if any(_agrees(variant, h1) for c in candidates for variant in _variants(c)):
            return h1
        is_label = len(h1.split()) <= _LABEL_MAX_WORDS and (
            bool(candidates) or any(_resembles(h1, n) for n in names)
        )
        if h1_in_article and not is_label:
            return h1
    for candidate in candidates:
        cleaned = _strip_site(candidate, names)
        if cleaned:
            return cleaned
    return h1 or None


# -- the <h1> ---------------------------------------------------------------------
def _find_h1(doc: HtmlElement) -> tuple[HtmlElement | None, bool]:
    """The headline ``<h1>`` and whether it sits in the article (``<article>``, ``<main>`` or itemprop=headline).

    An ``<h1>`` in a site header, navigation or aside (a logo) is never used.
    """
    fallback: HtmlElement | None = None
    for h1 in doc.iter("h1"):
        placement = _placement(h1)
        if placement == "article":
            return h1, True
        if placement == "page" and fallback is None:
            fallback = h1
    return fallback, False


def _placement(h1: HtmlElement) -> str:
    """"article" inside the article, "furniture" in a site header/nav/aside, else "page"."""
    if (h1.get("itemprop") or "").lower() == "headline":
        return "article"
    site_only = False
    for node in h1.iterancestors():
        tag = node.tag
        if tag in ("article", "main") or node.get("role") == "main":
            return "article"
        if tag in ("nav", "aside") or node.get("role") in ("banner", "navigation", "complementary"):
            return "furniture"
        if tag in ("header", "footer"):
            site_only = True
    return "furniture" if site_only else "page"


def _h1_text(h1: HtmlElement) -> str | None:
    """The h1's text without kicker / section-label children, whitespace-normalised."""
    text = normalize_space(html.unescape(_text_without_kickers(h1))).strip(_LEADING_PUNCT)
    return text or None


def _text_without_kickers(el: HtmlElement) -> str:
    """Text of ``el`` and its children, skipping kicker elements (their tails kept)."""
    parts = [el.text or ""]
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in _SKIP_TAGS and not _KICKER_RE.search((child.get("class") or "").lower()):
            parts.append(" " if tag == "br" else _text_without_kickers(child))
        parts.append(child.tail or "")
    return "".join(parts)


# -- site names -----------------------------------------------------------------------
def _site_names(meta: PageMetadata, site: str | None) -> list[str]:
    """Names a title affix may carry: the site name, og:site_name, application-name, the domain."""
    names = [n for n in (site, meta.first("og:site_name"), meta.first("application-name")) if n]
    for url in (meta.canonical, meta.url):
        host = (urlsplit(url).hostname or "") if url else ""
        host = host.removeprefix("www.")
        if host:
            labels = host.split(".")
            names.append(host)
            if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
                names.append(labels[-3])
            elif len(labels) >= 2:
                names.append(labels[-2])
    return names


def _key(text: str) -> str:
    """Lowercase letters and digits only, for comparisons."""
    return _NON_WORD_RE.sub("", text.casefold())


def _resembles(part: str, name: str) -> bool:
    """Whether a title part is (a form of) the site name or its domain."""
    a, b = _key(part), _key(name)
    if len(a) < _MIN_NAME_CHARS or len(b) < _MIN_NAME_CHARS:
        return a == b and bool(a)
    return a == b or b in a or a in b


def _strip_site(title: str, names: list[str]) -> str:
    """``title`` without leading or trailing parts that resemble the site name."""
    parts = _SEPARATOR_RE.split(title)
    count = len(parts)
    while len(parts) > 1 and any(_resembles(parts[-1], n) for n in names):
        parts.pop()
    while len(parts) > 1 and any(_resembles(parts[0], n) for n in names):
        parts.pop(0)
    text = title if len(parts) == count else _rejoin(title, parts)
    match = _COLON_PREFIX_RE.match(text)
    if match and any(_resembles(match["prefix"], n) for n in names):
        text = match["rest"]
    return text


def _rejoin(title: str, parts: list[str]) -> str:
    """The span of ``title`` from the first kept part to the last, separators kept in between."""
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return normalize_space(title[start:end]) if start >= 0 and end > start else normalize_space(" ".join(parts))


def _variants(title: str) -> list[str]:
    """``title`` as is, and without its last part, first part, or both (any affix may be a site name)."""
    parts = _SEPARATOR_RE.split(title)
    out = [title]
    if len(parts) > 1:
        out += [_rejoin(title, parts[:-1]), _rejoin(title, parts[1:])]
    if len(parts) > 2:
        out.append(_rejoin(title, parts[1:-1]))
    match = _COLON_PREFIX_RE.match(title)
    if match:
        out.append(match["rest"])
    return out


def _agrees(candidate: str, h1: str) -> bool:
    """Whether ``candidate`` is the h1's text (case, punctuation and a truncation mark aside)."""
    a, b = _key(candidate), _key(h1)
    if not a or not b:
        return False
    if a == b:
        return True
    if _ELLIPSIS_RE.search(candidate):
        cut = _key(_ELLIPSIS_RE.sub("", candidate))
        return len(cut) >= _MIN_NAME_CHARS and b.startswith(cut)
    return False

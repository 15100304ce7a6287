"""Images, captions and photo credits.

* :func:`split_credit` splits a caption into its text and its photo
  credit: "Michelle Bachelet (Mahmud Hossain Opu/AP)" → ("Michelle
  Bachelet", "Mahmud Hossain Opu/AP"); "… Photo: Jane Doe", "… REUTERS/Name",
  "… Name/Getty Images".
* :func:`extract_images` lists the article's images (figure/figcaption,
  WordPress ``wp-caption``, caption siblings, ``data-caption``) with url,
  alt, caption and credit, skipping logos, pixels, avatars and images in
  related/share/author blocks, and merging duplicates (``<noscript>``
  copies, lazy placeholders).
* :func:`caption_texts` lists every caption and credit text on a page, so
  that the body can drop paragraphs that repeat them.

Pure functions: no Scrapy, no network, no clock. Vocabulary is in
:mod:`newscrawl.extraction.vocabulary.credits`.
"""

# ruff: noqa: RUF001  # en/em dashes and typographic quotes are what this code matches

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit, urlunsplit

from newscrawl.extraction.text import normalize_space, text_lines
from newscrawl.extraction.vocabulary.boilerplate import alt
from newscrawl.extraction.vocabulary.bylines import word_set
from newscrawl.extraction.vocabulary.credits import (
    CAPTION_CLASSES,
    CAPTION_WRAPPER_CLASSES,
    CASED_SOURCES,
    CREDIT_BY_PHRASES,
    CREDIT_CLASSES,
    CREDIT_JOINERS,
    CREDIT_LABELS,
    CREDIT_SOURCES,
    CREDIT_TAGS,
    CREDIT_WORDS,
    EXCLUDED_BLOCK_EXEMPT_PREFIXES,
    EXCLUDED_BLOCK_TOKENS,
    FURNITURE_CLASS_SUBSTRINGS,
    FURNITURE_IMAGE_TOKENS,
    FURNITURE_URL_SUBSTRINGS,
    LAZY_SRC_ATTRIBUTES,
    LAZY_SRCSET_ATTRIBUTES,
    NOT_CREDIT_OPENERS,
    NOT_CREDITS,
    PLACEHOLDER_URL_SUBSTRINGS,
    RESIZE_QUERY_PARAMS,
    UNSEPARATED_SOURCES,
)
from newscrawl.items import Image

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# A credit is short; longer "credits" are sentences.
_MAX_CREDIT_CHARS = 100
_MAX_CREDIT_PART_WORDS = 6
# Name words taken before "/Agency" when no separator marks where the credit starts.
_UNSEPARATED_NAME_WORDS = 2
# An image with a width or height attribute at or below this is a tracking pixel.
_MAX_PIXEL_SIZE = 2
# How far up from an <img> a following caption sibling is looked for.
_SIBLING_LEVELS = 3

# -- credit regexes built from the vocabulary ----------------------------------
_CASED_LOWER = word_set(s.lower() for s in CASED_SOURCES)
_UNCASED_SOURCES = [s for s in CREDIT_SOURCES if s not in _CASED_LOWER]
_SOURCE = rf"(?:(?i:{alt(_UNCASED_SOURCES)})|{alt(CASED_SOURCES)})"
_SOURCE_RE = re.compile(rf"(?<![\w-]){_SOURCE}(?![\w-])")
_SOURCE_FULL_RE = re.compile(rf"{_SOURCE}(?i:\s+Photos?)?")
# One-part credits that name a source with a qualifier: "Getty Images for Netflix", "Jane Doe via Reuters".
_QUALIFIED_SOURCE_RE = re.compile(rf"{_SOURCE}\s+(?:for|via)\s+\S.*|.*\S\s+via\s+{_SOURCE}")
_UNSEPARATED_RE = re.compile(rf"(?:^|\s)(?P<credit>(?i:{alt(UNSEPARATED_SOURCES)}))\.?$")
_LABEL_RE = re.compile(
    rf"(?<![\w-])(?:(?P<label>{alt(CREDIT_LABELS)})\s*:\s*|(?P<by>{alt(CREDIT_BY_PHRASES)})\s+|(?P<copy>©|\(c\))\s*)",
    re.IGNORECASE,
)
_LABEL_START_RE = re.compile(
    rf"^(?:(?:{alt(CREDIT_LABELS)})\s*:\s*|(?:{alt(CREDIT_BY_PHRASES)})\s+|(?:©|\(c\))\s*)",
    re.IGNORECASE,
)
_CREDIT_WORD_RE = re.compile(rf"(?<![\w-])(?:{alt(CREDIT_WORDS)})(?![\w-])|©", re.IGNORECASE)
_NOT_CREDITS = word_set(NOT_CREDITS)
_NOT_CREDIT_OPENERS = word_set(NOT_CREDIT_OPENERS)
_JOINERS = word_set(CREDIT_JOINERS)
_TRAILING_PAREN_RE = re.compile(r"^(?P<caption>.*?)\s*\((?P<inner>[^()]{1,100})\)\s*\.?$")
_NUMBERS_RE = re.compile(r"^[\d\s/.,–-]+$")
# Separators after which a credit may start: ". ", " | ", " - ", " — ", "; ", ": ".
_SEPARATOR_RE = re.compile(r"\.\s+|\s*[|•]\s*|\s+[-–—]\s+|;\s+|:\s+")
_CAPTION_TRAIL = " \t|•-–—:;,("
_CREDIT_TRIM = " \t|•-–—:;,."
_FILE_BEFORE_RE = re.compile(r"(?i:file|archive|stock)\s*$")
_NAME_PART_WORD_RE = re.compile(r"^[^\W_][\w.'’&-]*$")

# -- element vocabulary ---------------------------------------------------------
_CAPTION_CLASSES = word_set(CAPTION_CLASSES)
_CAPTION_SUFFIXES = ("-caption", "_caption", "__caption")
_CREDIT_CLASSES = word_set(CREDIT_CLASSES)
_CREDIT_ITEMPROPS = frozenset({"copyrightHolder", "creditText", "copyrightNotice"})
# Every lowercased class token of a caption or credit element contains one of these: a class value
# without any makes no caption or credit element, which spares most elements the token checks.
_CLASS_HINTS = ("caption", "credit", "copyright")  # the suffix and substring rules of the checks
_CLASS_HINT_RE = re.compile(
    alt([*_CLASS_HINTS, *(c for c in (*CAPTION_CLASSES, *CREDIT_CLASSES) if not any(h in c for h in _CLASS_HINTS))])
)
_CREDIT_TAGS = word_set(CREDIT_TAGS)
_WRAPPER_CLASSES = word_set(CAPTION_WRAPPER_CLASSES)
_EXCLUDED_TOKENS = word_set(EXCLUDED_BLOCK_TOKENS)
_FURNITURE_TOKENS = word_set(FURNITURE_IMAGE_TOKENS)
_TOKEN_SPLIT_RE = re.compile(r"[-_\s]+")
_URL_TOKEN_SPLIT_RE = re.compile(r"[-_/.?=&:\s]+")
_SKIP_TAGS = frozenset({"script", "style", "template", "head", "title"})
# Siblings passed over between an image and its caption.
_PASSED_SIBLINGS = frozenset({"noscript", "source", "br"})
_SIZE_PARAMS = word_set(RESIZE_QUERY_PARAMS)
_WP_SIZE_RE = re.compile(r"-\d{2,4}x\d{2,4}(?=\.\w{3,4}$)")
_DIMENSION_RE = re.compile(r"^\s*(\d+)")
_SRCSET_DESCRIPTOR_RE = re.compile(r"^(\d+(?:\.\d+)?)([wx])$")

# Groups used as plain sequences: checked here, as alt() and word_set() check theirs.
for _group in (LAZY_SRC_ATTRIBUTES, LAZY_SRCSET_ATTRIBUTES, FURNITURE_CLASS_SUBSTRINGS,
               FURNITURE_URL_SUBSTRINGS, PLACEHOLDER_URL_SUBSTRINGS, EXCLUDED_BLOCK_EXEMPT_PREFIXES):
    word_set(_group)


# -- split_credit -------------------------------------------------------------------
def split_credit(caption: str) -> tuple[str | None, str | None]:
    """Split a caption into ``(caption without credit, credit)``.

    Recognises a credit in trailing parentheses ("(Mahmud Hossain Opu/AP)"),
    after a label ("Photo: Jane Doe", "Foto: Max Muster/dpa", "Crédit photo :
    AFP", "© Jane Doe"), and as a trailing "Agency/Name" or "Name/Agency"
    part ("REUTERS/Denis Balibouse", "AP Photo/Evan Vucci", "Jane Doe/Getty
    Images"). Labels are not part of the credit. The caption keeps a final
    period that ends its sentence; separators before the credit (" |",
    " -", " —") are dropped. Either part is None when empty: a caption that
    is only a credit gives ``(None, credit)``. A line break (``\n``) ends a
    credit: a first or last line that is only a credit is the credit.
    """
    lines = [line for line in (normalize_space(x) for x in caption.splitlines()) if line]
    if len(lines) > 1:  # "Photo: Kenji Watanabe<br>Volunteers sort …": a credit on a line of its own
        for i in (0, len(lines) - 1):
            only_caption, only_credit = split_credit(lines[i])
            if only_caption is None and only_credit:
                return _tidy_caption(" ".join(lines[:i] + lines[i + 1 :])), only_credit
    text = " ".join(lines)
    if not text:
        return None, None
    for finder in (_paren_credit, _label_credit, _tail_credit):
        found = finder(text)
        if found is None:
            continue
        cap, credit = _tidy_caption(found[0]), _tidy_credit(found[1])
        if credit:
            return cap, credit
    return text, None


def _paren_credit(text: str) -> tuple[str, str] | None:
    """A credit in parentheses at the end: "Michelle Bachelet (Mahmud Hossain Opu/AP)"."""
    match = _TRAILING_PAREN_RE.match(text)
    if match is None or not _is_paren_credit(match.group("inner")):
        return None
    return match.group("caption"), _LABEL_START_RE.sub("", match.group("inner").strip())


def _is_paren_credit(inner: str) -> bool:
    """True when a parenthesised text is a credit, not "(left)", "(file photo)" or "(2019)"."""
    text = inner.strip()
    key = text.lower().strip(" .")
    if not key or key in _NOT_CREDITS or _NUMBERS_RE.match(key):
        return False
    if _SOURCE_RE.search(text):
        return True
    if key.split()[0] in _NOT_CREDIT_OPENERS and "/" not in key:
        return False  # "(File photo of 2019)"
    if _LABEL_START_RE.match(text) or _CREDIT_WORD_RE.search(text):
        return True
    parts = [p.strip() for p in text.split("/")]
    return len(parts) > 1 and all(_is_name_part(p) for p in parts)


def _label_credit(text: str) -> tuple[str, str] | None:
    """A credit after a label: "Photo: Jane Doe", "… | Foto: dpa", "… © Jane Doe"."""
    for match in _LABEL_RE.finditer(text):
        before = text[: match.start()]
        if before.count("(") > before.count(")"):
            continue  # inside parentheses: the trailing-parenthesis rule decides
        marker = match.group("label") or match.group("by")
        if before.strip():
            last = before.rstrip()[-1]
            separated = last in ".|•-–—:;,(" or match.group("copy") is not None
            if not separated and not (marker and marker[0].isupper()):
                continue  # "the cover image: a flag" is caption text
            if _FILE_BEFORE_RE.search(before):
                continue  # "FILE PHOTO: …" opens a caption, it credits nothing
        credit = text[match.end() :]
        if not credit.strip():
            continue
        if before.strip():
            return before, credit
        # A leading label: the credit runs to a separator, the caption follows it.
        sep = re.search(r"\s+[|•]\s+|\s+[-–—]\s+", credit)
        if sep is not None:
            return credit[sep.end() :], credit[: sep.start()]
        return "", credit
    return None


def _tail_credit(text: str) -> tuple[str, str] | None:
    """A credit at the end: "… . REUTERS/Name", "… | Name/Getty Images", "… Getty Images"."""
    starts = [0] + [m.end() for m in _SEPARATOR_RE.finditer(text)]
    for start in starts:  # longest tail first
        tail = text[start:].strip()
        if _is_credit_tail(tail, separated=start > 0):
            return text[:start], tail
    unseparated = _UNSEPARATED_RE.search(text)
    if unseparated is not None:
        return text[: unseparated.start("credit")], unseparated.group("credit")
    return _slash_tail(text)


def _is_credit_tail(tail: str, *, separated: bool) -> bool:
    """True when ``tail`` (all that follows a separator) is a credit."""
    if not tail or len(tail) > _MAX_CREDIT_CHARS:
        return False
    parts = [p.strip() for p in tail.rstrip(".").split("/")]
    if not all(_is_name_part(p) or _is_source(p) for p in parts):
        return False
    if len(parts) == 1:
        return _is_source(parts[0]) or _QUALIFIED_SOURCE_RE.fullmatch(parts[0]) is not None
    has_source = any(_SOURCE_RE.search(p) for p in parts)
    return has_source or (separated and len(parts) == 2 and any(len(p.split()) > 1 for p in parts))


def _slash_tail(text: str) -> tuple[str, str] | None:
    """An unseparated "Agency/Name" or "Name/Agency" credit at the end of a caption.

    Without a separator the credit's start is a guess: a source right before
    the first slash ("… in Geneva REUTERS/Denis Balibouse"), else the two
    capitalised words before it ("… in Geneva Jane Doe/AP").
    """
    for slash in (m.start() for m in re.finditer("/", text)):
        words = text[:slash].split()
        rest = text[slash + 1 :]
        source = next(
            (size for size in (3, 2, 1) if len(words) > size and _is_source(" ".join(words[-size:]))), None
        )
        take = source or _UNSEPARATED_NAME_WORDS
        if len(words) <= take or not rest.strip():
            continue
        credit = f"{' '.join(words[-take:])}/{rest}"
        if source is None and not all(w[0].isupper() for w in words[-take:]):
            continue
        if _is_credit_tail(credit, separated=False):
            return " ".join(words[:-take]), credit
    return None


def _is_source(text: str) -> bool:
    """True when ``text`` is exactly a credit source ("Getty Images", "AP Photo", "dpa")."""
    return _SOURCE_FULL_RE.fullmatch(text.strip()) is not None


def _is_name_part(part: str) -> bool:
    """True for a credit part shaped like a name: capitalised words and joiners, no sentence."""
    words = part.split()
    if not 1 <= len(words) <= _MAX_CREDIT_PART_WORDS:
        return False
    for word in words:
        if word.lower() in _JOINERS or _SOURCE_RE.fullmatch(word):
            continue
        if not _NAME_PART_WORD_RE.match(word) or not word[0].isupper():
            return False
    return True


def _tidy_caption(text: str) -> str | None:
    """Strip separators left at the caption's end; keep a final period."""
    text = text.strip().rstrip(_CAPTION_TRAIL).strip()
    return text or None


def _tidy_credit(text: str) -> str | None:
    """Strip a label, enclosing parentheses, separators and a final period from a credit."""
    text = normalize_space(text).strip(_CREDIT_TRIM)
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip(_CREDIT_TRIM)
    text = _LABEL_START_RE.sub("", text).strip(_CREDIT_TRIM)
    return text or None


# -- extract_images -------------------------------------------------------------------
def extract_images(root: HtmlElement, base_url: str) -> list[Image]:
    """The article's images inside ``root``, in document order, each once.

    Logos, icons, avatars, ads, tracking pixels, ``data:`` URIs and images in
    related/teaser/sidebar/share/author blocks (class or id tokens of an
    ancestor below ``root``) are skipped. Copies of one image (``<noscript>``
    fallback, lazy placeholder, WordPress size variants) give one
    :class:`~newscrawl.items.Image`; the first copy's fields win and a later
    copy only fills what is missing. An image without a caption has
    ``caption=None``. The alt text is reported as it is, even when it repeats
    the caption.
    """
    images: list[Image] = []
    by_key: dict[str, Image] = {}
    for img in root.iter("img"):
        if _is_furniture(img) or _in_excluded_block(img, root):
            continue
        url = _image_url(img, base_url)
        if url is None or _is_furniture_url(url):
            continue
        alt_text = normalize_space(img.get("alt") or "") or None
        caption, credit = _caption_for(img, root)
        key = _dedupe_key(url)
        seen = by_key.get(key)
        if seen is not None:
            if _is_resized(seen.url or "") and not _is_resized(url):
                seen.url = url  # the full-size original beats a "-300x200" or "?w=300" variant
            seen.alt = seen.alt or alt_text
            if seen.caption is None and seen.credit is None:
                seen.caption, seen.credit = caption, credit
            continue
        image = Image(url=url, alt=alt_text, caption=caption, credit=credit)
        by_key[key] = image
        images.append(image)
    return images


def caption_texts(root: HtmlElement) -> list[str]:
    """Every caption and credit text under ``root``, whitespace-normalised, once each.

    For each caption or credit element (figcaption, ``.wp-caption-text``,
    ``.caption``, ``.credit`` …) this gives its full text (with and without a
    space at ``<br>``), each of its lines when it has several, and, when it
    holds a credit, the caption and credit parts on their own, so that the
    body can drop paragraphs equal to any of them.
    """
    texts: list[str] = []
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str) or tag in _SKIP_TAGS:
            continue
        if tag != "figcaption" and tag not in _CREDIT_TAGS and not _may_be_caption_or_credit(el):
            continue  # no caption or credit class, no credit itemprop, not a caption or credit tag
        is_caption = _is_caption_element(el)
        is_credit = _is_credit_element(el, in_caption=False) or (el.tag in _CREDIT_TAGS and _in_figure(el))
        if not is_caption and not is_credit:
            continue
        full = normalize_space(el.text_content())
        if not full:
            continue
        lined = text_lines(el)
        lines = [line for line in (normalize_space(x) for x in lined.splitlines()) if line]
        texts.extend((full, normalize_space(lined)))
        if len(lines) > 1:
            texts.extend(lines)  # "Photo: X<br>Caption" may reach the body as two paragraphs
        if is_caption:
            caption, credit = _caption_and_credit(el, _credit_element(el))
            texts.extend(t for t in (caption, credit) if t)
    return list(dict.fromkeys(texts))


# -- image selection ---------------------------------------------------------------------
def _tokens(el: HtmlElement) -> list[str]:
    """Lowercase class and id tokens of an element."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower().split()


def _in_excluded_block(img: HtmlElement, root: HtmlElement) -> bool:
    """True when an ancestor of ``img`` below ``root`` is a related/share/author/… block."""
    for ancestor in img.iterancestors():
        if ancestor is root:
            return False
        for token in _tokens(ancestor):
            if token.startswith(EXCLUDED_BLOCK_EXEMPT_PREFIXES):
                continue
            if token in _EXCLUDED_TOKENS or _EXCLUDED_TOKENS.intersection(_TOKEN_SPLIT_RE.split(token)):
                return True
    return False


def _is_furniture(img: HtmlElement) -> bool:
    """True for a logo, icon, avatar, ad or tracking pixel, by attributes."""
    for attr in ("width", "height"):
        size = _DIMENSION_RE.match(img.get(attr) or "")
        if size is not None and int(size.group(1)) <= _MAX_PIXEL_SIZE:
            return True
    for token in _tokens(img):
        if _FURNITURE_TOKENS.intersection(_TOKEN_SPLIT_RE.split(token)):
            return True
        if any(s in token for s in FURNITURE_CLASS_SUBSTRINGS):
            return True
    return False


def _is_furniture_url(url: str) -> bool:
    """True for an image URL that names a logo, icon, avatar, ad, emoji or pixel."""
    low = url.lower()
    path = urlsplit(low).path
    if any(s in low for s in FURNITURE_URL_SUBSTRINGS):
        return True
    return bool(_FURNITURE_TOKENS.intersection(_URL_TOKEN_SPLIT_RE.split(path)))


def _image_url(img: HtmlElement, base_url: str) -> str | None:
    """The absolute URL of the real image: a lazy-load attribute, ``src``, or the largest srcset entry."""
    for attr in LAZY_SRC_ATTRIBUTES:
        url = _usable_url(img.get(attr), base_url)
        if url is not None:
            return url  # lazy loaders keep the real image here and a stand-in in src
    src = img.get("src")
    if src and not any(s in src.lower() for s in PLACEHOLDER_URL_SUBSTRINGS):
        url = _usable_url(src, base_url)
        if url is not None:
            return url
    for attr in LAZY_SRCSET_ATTRIBUTES:
        url = _usable_url(_largest_srcset(img.get(attr) or ""), base_url)
        if url is not None:
            return url
    # libxml2 does not know <source> is empty and nests the <img> inside it.
    picture = next((a for a in img.iterancestors() if a.tag == "picture"), None)
    if picture is not None:
        for source in picture.iter("source"):
            url = _usable_url(_largest_srcset(source.get("srcset") or source.get("data-srcset") or ""), base_url)
            if url is not None:
                return url
    return None


def _usable_url(value: str | None, base_url: str) -> str | None:
    """``value`` made absolute, or None for an empty, ``data:`` or non-HTTP URL."""
    if not value or not value.strip():
        return None
    url = urljoin(base_url, value.strip())
    if urlsplit(url).scheme not in {"http", "https"}:
        return None
    return url


def _largest_srcset(srcset: str) -> str | None:
    """The URL of the widest (or highest-density) candidate in a ``srcset`` value.

    A candidate without a descriptor counts as "1x". URLs may contain commas
    (``w_300,h_200``); candidates are told apart by whitespace.
    """
    candidates: list[tuple[float, str]] = []
    pending: str | None = None
    for raw in srcset.split():
        token = raw
        descriptor, comma, after = token.partition(",")
        if comma and after and _SRCSET_DESCRIPTOR_RE.match(descriptor):
            token = descriptor  # "1x,b.jpg": a descriptor glued to the next URL
        else:
            after = ""
        match = _SRCSET_DESCRIPTOR_RE.match(token.rstrip(","))
        if match is not None and pending is not None:
            candidates.append((float(match.group(1)), pending))
            pending = None
        elif match is None:
            if pending is not None:
                candidates.append((1.0, pending))
            pending = token.rstrip(",") or None
        if after:
            pending = after.rstrip(",") or None
    if pending is not None:
        candidates.append((1.0, pending))
    return max(candidates, key=lambda c: c[0])[1] if candidates else None


def _is_resized(url: str) -> bool:
    """True for a URL that asks for a resized copy ("-300x200.jpg", "?w=300")."""
    parts = urlsplit(url)
    return bool(_WP_SIZE_RE.search(parts.path)) or any(
        p.split("=", 1)[0].lower() in _SIZE_PARAMS for p in parts.query.split("&") if p
    )


def _dedupe_key(url: str) -> str:
    """A key equal for copies of one image: no fragment, no "-300x200" size suffix, no resize parameters."""
    parts = urlsplit(url)
    query = "&".join(
        p for p in parts.query.split("&") if p and p.split("=", 1)[0].lower() not in _SIZE_PARAMS
    )
    return urlunsplit(("", parts.netloc.lower(), _WP_SIZE_RE.sub("", parts.path), query, ""))


# -- captions and credits around an image ------------------------------------------------------
def _caption_for(img: HtmlElement, root: HtmlElement) -> tuple[str | None, str | None]:
    """The caption and credit shown with ``img``."""
    wrapper = _wrapper(img, root)
    caption_el: HtmlElement | None = None
    credit_el: HtmlElement | None = None
    if wrapper is not None:  # figure/figcaption, wp-caption/wp-caption-text
        caption_el = next((e for e in wrapper.iterdescendants() if _is_caption_element(e)), None)
        credit_el = _credit_element(caption_el) if caption_el is not None else None
        if credit_el is None:
            credit_el = next(
                (e for e in wrapper.iterdescendants() if _is_credit_element(e, in_caption=True) and not _has_img(e)),
                None,
            )
    if caption_el is None and credit_el is None:
        caption_el, credit_el = _sibling_caption(img, root)
        if caption_el is not None and credit_el is None:
            credit_el = _credit_element(caption_el)
    if caption_el is None and credit_el is None:
        shortcode = _shortcode_caption(img)
        if shortcode:
            return split_credit(shortcode)
        data = img.get("data-caption")
        return split_credit(data) if data else (None, None)
    return _caption_and_credit(caption_el, credit_el)


def _shortcode_caption(img: HtmlElement) -> str | None:
    """The caption of an unrendered WordPress ``[caption]<img> Text[/caption]`` shortcode."""
    tail = img.tail or ""
    if "[/caption]" not in tail:
        return None
    text = normalize_space(tail.split("[/caption]", 1)[0])
    return text or None


def _wrapper(img: HtmlElement, root: HtmlElement) -> HtmlElement | None:
    """The nearest ``figure`` or ``.wp-caption``-style wrapper of ``img``, up to ``root``."""
    for ancestor in img.iterancestors():
        if ancestor.tag == "figure" or _WRAPPER_CLASSES.intersection(_tokens(ancestor)):
            return ancestor
        if ancestor is root:
            return None
    return None


def _sibling_caption(img: HtmlElement, root: HtmlElement) -> tuple[HtmlElement | None, HtmlElement | None]:
    """A caption (and credit) element that directly follows ``img`` or its container."""
    node = img
    for _ in range(_SIBLING_LEVELS):
        if node is root or (node.tail or "").strip():
            break
        sibling = node.getnext()
        while sibling is not None and (not isinstance(sibling.tag, str) or sibling.tag in _PASSED_SIBLINGS):
            sibling = sibling.getnext()  # comments, the <noscript> copy of the image
        if sibling is not None:
            if _has_img(sibling):
                break
            caption = sibling if _is_caption_element(sibling) else next(
                (e for e in sibling.iterdescendants() if _is_caption_element(e)), None
            )
            if caption is not None:
                after = caption.getnext()
                credit = after if after is not None and _is_credit_element(after, in_caption=False) else None
                return caption, credit
            if _is_credit_element(sibling, in_caption=False):
                return None, sibling
            break
        parent = node.getparent()
        if parent is None:
            break
        node = parent
    return None, None


def _caption_and_credit(
    caption_el: HtmlElement | None, credit_el: HtmlElement | None
) -> tuple[str | None, str | None]:
    """Caption and credit texts from their elements; the credit split off the caption when no element holds it."""
    credit = _tidy_credit(credit_el.text_content()) if credit_el is not None else None
    if caption_el is None:
        return None, credit
    text = text_lines(caption_el, credit_el)
    if credit is None:
        return split_credit(text)
    return _tidy_caption(normalize_space(text)), credit


def _credit_element(caption_el: HtmlElement) -> HtmlElement | None:
    """The credit element inside a caption element, if any."""
    return next((e for e in caption_el.iterdescendants() if _is_credit_element(e, in_caption=True)), None)


def _is_caption_element(el: HtmlElement) -> bool:
    """True for a caption element: figcaption or a caption class, holding no image."""
    if not isinstance(el.tag, str):
        return False
    if el.tag == "figcaption":
        return True
    classes = (el.get("class") or "").lower().split()
    if not any(c in _CAPTION_CLASSES or c.endswith(_CAPTION_SUFFIXES) for c in classes):
        return False
    return not _is_credit_element(el, in_caption=False) and not _has_img(el)


def _may_be_caption_or_credit(el: HtmlElement) -> bool:
    """Cheap test: False when neither class nor itemprop can make ``el`` a caption or credit element."""
    cls = el.get("class")
    if cls and _CLASS_HINT_RE.search(cls.lower()):
        return True
    return el.get("itemprop") in _CREDIT_ITEMPROPS


def _is_credit_element(el: HtmlElement, *, in_caption: bool) -> bool:
    """True for a photo-credit element (by class or itemprop; ``small``/``cite`` only inside a caption)."""
    if not isinstance(el.tag, str):
        return False
    if in_caption and el.tag in _CREDIT_TAGS:
        return True
    if (el.get("itemprop") or "") in _CREDIT_ITEMPROPS:
        return True
    classes = (el.get("class") or "").lower().split()
    return any(c in _CREDIT_CLASSES or "credit" in c or "copyright" in c for c in classes)


def _in_figure(el: HtmlElement) -> bool:
    """True when ``el`` sits inside a figure, caption wrapper or caption element."""
    return any(
        a.tag in {"figure", "figcaption"} or _WRAPPER_CLASSES.intersection(_tokens(a)) or _is_caption_element(a)
        for a in el.iterancestors()
    )


def _has_img(el: HtmlElement) -> bool:
    """True when ``el`` is or contains an image."""
    return el.tag == "img" or next(el.iter("img"), None) is not None

"""Author names: from metadata values and bylines to clean person names.

Three steps, each a plain function:

* :func:`find_byline` finds the byline text in the page (``.byline``,
  ``[itemprop=author]``, ``[rel=author]``, ``.author`` …, or a short
  line starting with "By "), skipping author bio boxes and comments;
* :func:`authors_from_byline` turns a byline into names;
* :func:`clean_authors` cleans raw name values (from JSON-LD, meta tags
  or a byline): it strips "By", job titles, agencies, e-mails, handles
  and URLs, splits "A and B, C" into names, recases ALL-CAPS names,
  drops values that are not a person ("Staff", "News Desk", a site
  name) and de-duplicates.

Pure functions: no Scrapy, no network, no clock. Vocabulary is in
:mod:`newscrawl.extraction.vocabulary.bylines`.
"""

# ruff: noqa: RUF001, RUF003  # en/em dashes and typographic quotes are what this code matches

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from newscrawl.extraction.text import normalize_space, text_lines
from newscrawl.extraction.vocabulary.boilerplate import alt
from newscrawl.extraction.vocabulary.bylines import (
    AGENCIES,
    AGENCY_ACRONYMS,
    AMBIGUOUS_PREFIXES,
    AUTHOR_CLASSES,
    BYLINE_EXCLUDED_PARTS,
    BYLINE_EXCLUDED_TOKENS,
    BYLINE_LABELS,
    BYLINE_PREFIXES,
    DATE_JOINERS,
    LOWERCASE_ONLY_CUTS,
    NAME_CONJUNCTIONS,
    NAME_PARTICLES,
    NAME_SUFFIXES,
    NON_AUTHOR_CLAUSES,
    NON_NAME_FIRST_WORDS,
    NON_NAMES,
    ORGANISATION_SUFFIXES,
    TITLE_HEADS,
    TITLE_MODIFIERS,
    TRAILING_CUTS,
    WEEKDAYS,
    word_set,
)
from newscrawl.extraction.vocabulary.dates import MONTH_TABLES

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from lxml.html import HtmlElement

# A name is 1–5 words and shorter than this.
_MAX_NAME_CHARS = 60
_MAX_NAME_WORDS = 5
# Byline candidates longer than this are bio boxes or paragraphs, not bylines.
_MAX_BYLINE_CHARS = 150
# A line that starts with "By " is a byline only when shorter than this.
_MAX_BY_LINE_CHARS = 120
# How far up from the headline the byline is looked for.
_HEADLINE_LEVELS = 3

# -- regexes built from the vocabulary ----------------------------------------
_WORD_CHARS = r"[^\W\d_]"
_URL_RE = re.compile(r"(?:https?:)?//\S+|\bwww\.\S+", re.IGNORECASE)
_EMAIL_RE = re.compile(r"\S+@\S+\.\w+")
_HANDLE_RE = re.compile(r"(?<!\w)@\w+")
_PARENS_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_CLAUSE_SPLIT_RE = re.compile(r"\s*(?:[;|•·\n]|\s[-–—]{1,2}\s(?=(?:updated|published|posted)\b))\s*", re.IGNORECASE)
_NON_AUTHOR_CLAUSE_RE = re.compile(rf"^(?:{alt(NON_AUTHOR_CLAUSES)})\b", re.IGNORECASE)
_CONJ = alt(c for c in NAME_CONJUNCTIONS if c != "y")
# "A, B", "A - B", "A/B", "A and B"; Spanish "y" only when two words follow,
# so that a double surname ("García y Pérez") stays one name.
_SEGMENT_SPLIT_RE = re.compile(
    rf"\s*,\s*|\s+[-–—]{{1,2}}\s+|\s*/\s*|\s+(?:{_CONJ})\s+|\s*&\s*|\s+y\s+(?=[^\s,]+\s+[^\s,])",
    re.IGNORECASE,
)
_CUT_RE = re.compile(
    rf"(?:^|(?<=\S)\s+)(?:(?i:{alt(c for c in TRAILING_CUTS if c not in LOWERCASE_ONLY_CUTS)})"
    rf"|{alt(LOWERCASE_ONLY_CUTS)})\b(?!\s+(?i:by|von|par|por)\b).*$",
)
_DIGIT_CUT_RE = re.compile(r"\s*\S*\d.*$")
_MONTHS = tuple(name for table in MONTH_TABLES for month in table for name in month)
_FILLER_TAIL_RE = re.compile(
    rf"(?:(?:^|[\s,|-]+)(?:{alt(DATE_JOINERS)}))?(?:(?:^|[\s,|-]+)(?:{alt(WEEKDAYS)})\.?)?"
    rf"(?:(?:^|[\s,|-]+)(?:{alt(_MONTHS)})\.?)?[\s,.:|-]*$",
    re.IGNORECASE,
)
_PREFIX_RE = re.compile(
    rf"^(?P<prefix>{alt(BYLINE_PREFIXES)})\b\s*:?\s*(?=\S)|^(?:{alt(BYLINE_LABELS)})\s*:\s*",
    re.IGNORECASE,
)
_AMBIGUOUS_PREFIXES = word_set(AMBIGUOUS_PREFIXES)
_PREFIX_WORDS = word_set((*BYLINE_PREFIXES, *BYLINE_LABELS))
# Agencies: long names in any case; short single words in lowercase or ALL
# CAPS only; acronyms exactly as written.
_SHORT_AGENCY = 5
_LONG_AGENCIES = [a for a in AGENCIES if " " in a or "-" in a or len(a) > _SHORT_AGENCY]
_SHORT_AGENCIES = [a for a in AGENCIES if a not in _LONG_AGENCIES]
_AGENCY_RE = re.compile(
    rf"(?<![\w-])(?:(?i:the\s+)?(?i:{alt(_LONG_AGENCIES)})|{alt(_SHORT_AGENCIES)}"
    rf"|{alt(a.upper() for a in _SHORT_AGENCIES)}|{alt(AGENCY_ACRONYMS)})(?![\w-])"
)
_TITLE = rf"(?:(?:{alt(TITLE_MODIFIERS)})\s+)*(?:{alt(TITLE_HEADS)})"
_LEADING_TITLE_RE = re.compile(rf"^{_TITLE}\s+(?=\S)", re.IGNORECASE)
_TRAILING_TITLE_RE = re.compile(rf"(?:^|\s+){_TITLE}$", re.IGNORECASE)
_MODIFIER_START_RE = re.compile(rf"^(?:{alt(TITLE_MODIFIERS)})\b", re.IGNORECASE)
_NON_NAMES = word_set(NON_NAMES)
_NON_NAME_FIRST_WORDS = word_set(NON_NAME_FIRST_WORDS)
_DATE_WORDS = word_set(w.lower() for w in (*WEEKDAYS, *_MONTHS))
_ORG_SUFFIXES = word_set(ORGANISATION_SUFFIXES)
_PARTICLES = word_set(NAME_PARTICLES)
_SUFFIXES = word_set(NAME_SUFFIXES)
_NAME_WORD_RE = re.compile(rf"^{_WORD_CHARS}(?:{_WORD_CHARS}|[.'’-])*$")
_SITE_RE = re.compile(r"\w\.(?:[a-z]{2,})(?:\b|$)")
_END_PUNCT = " \t,;:|•·-–—\"'“”‘’«»()[]"
_INITIALS_RE = re.compile(rf"^(?:{_WORD_CHARS}\.)+$")
_APOSTROPHE_RE = re.compile(rf"^({_WORD_CHARS})(['’])(.+)$")
_ROMAN = word_set(s.rstrip(".") for s in NAME_SUFFIXES if not s.startswith(("jr", "sr")))

# Byline markup: a class token containing this marks a whole byline.
_BYLINE_CLASS_SUBSTRING = "byline"
_AUTHOR_CLASSES = word_set(AUTHOR_CLASSES)
_EXCLUDED_TOKENS = word_set(BYLINE_EXCLUDED_TOKENS)
_EXCLUDED_PARTS = word_set(BYLINE_EXCLUDED_PARTS)
_TOKEN_SPLIT_RE = re.compile(r"[-_]+")
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "link"})
_BY_START_RE = re.compile(rf"^(?:{alt(BYLINE_PREFIXES)})\s+\S", re.IGNORECASE)


# -- names ---------------------------------------------------------------------
def clean_authors(names: Iterable[str]) -> list[str]:
    """Clean raw author values into person names, in order, without duplicates.

    Each value may hold several names ("By Jane Doe and John Roe,
    Reuters"); values that are not a person (agencies, "Staff", desks,
    sites, URLs) give no name.
    """
    out: list[str] = []
    seen: set[str] = set()
    for raw in names:
        if not isinstance(raw, str):
            continue
        for name in _names_in(raw):
            key = name.casefold()
            if key not in seen:
                seen.add(key)
                out.append(name)
    return out


def authors_from_byline(text: str) -> list[str]:
    """Author names in a byline: "By JAMEY KEATEN Associated Press" → ["Jamey Keaten"]."""
    return clean_authors([text])


def _names_in(raw: str) -> Iterator[str]:
    """Names in one raw value, in order (may repeat)."""
    text = normalize_space(raw)
    if not text or _URL_RE.fullmatch(text):
        return
    text = _URL_RE.sub(" , ", text)
    text = _EMAIL_RE.sub(" , ", text)
    text = _HANDLE_RE.sub(" , ", text)
    text = _PARENS_RE.sub(" , ", text)
    for raw_clause in _CLAUSE_SPLIT_RE.split(text):
        clause = raw_clause.strip(_END_PUNCT)
        if not clause or _NON_AUTHOR_CLAUSE_RE.match(clause):
            continue
        names: list[str | None] = []
        for segment in _SEGMENT_SPLIT_RE.split(_cut_tail(clause)):
            seg = segment.strip(_END_PUNCT)
            if seg.lower() in _SUFFIXES:
                if names and names[-1] is not None:
                    names[-1] = f"{names[-1]} {_recase(seg) if seg.isupper() else seg}"  # "Jane Doe, Jr."
                continue
            names.append(_clean_segment(seg))
        yield from (n for n in names if n)


def _cut_tail(clause: str) -> str:
    """Drop what follows the names: "Updated …", "for The Guardian", a date."""
    clause = _CUT_RE.sub("", clause)
    cut = _DIGIT_CUT_RE.sub("", clause)
    if cut != clause:  # a date was cut: drop the words that led up to it
        cut = _FILLER_TAIL_RE.sub("", cut, count=1)
    return cut


def _clean_segment(segment: str) -> str | None:
    """One name from one segment of a byline, or None when it holds no name."""
    seg = _strip_prefixes(segment.strip(_END_PUNCT))
    seg = _LEADING_TITLE_RE.sub("", seg)
    agency = _AGENCY_RE.search(seg)
    if agency is not None:
        if agency.start() == 0:
            rest = seg[agency.end() :].strip(_END_PUNCT)
            if len(rest.split()) < 2 or _is_role(rest):
                return None  # "Reuters", "AP Photo", "AP Staff", "AFP Correspondent"
            seg = rest
        elif len(seg[: agency.start()].split()) >= 2:
            seg = seg[: agency.start()]  # "JAMEY KEATEN Associated Press", not "Michael Bloomberg"
    seg = seg.strip(_END_PUNCT)
    stripped = _TRAILING_TITLE_RE.sub("", seg).strip(_END_PUNCT)
    had_title = stripped != seg
    seg = stripped
    if seg.endswith(".") and not _keeps_final_dot(seg):
        seg = seg[:-1].rstrip()
    if not _looks_like_name(seg):
        return None
    if had_title and (len(seg.split()) == 1 or _MODIFIER_START_RE.match(seg)):
        return None  # "Religion" from "Religion Writer", "Senior Moscow" from a title
    if not any(ch.islower() for ch in seg):
        seg = _recase(seg)
    return seg


def _strip_prefixes(seg: str) -> str:
    """Remove "By", "Von", "Author:" … from the start of a segment."""
    while True:
        match = _PREFIX_RE.match(seg)
        if match is None:
            return seg
        prefix = match.group("prefix")
        rest = seg[match.end() :]
        if (
            prefix is not None
            and prefix.lower() in _AMBIGUOUS_PREFIXES
            and not prefix.islower()
            and len(rest.split()) < 2
        ):
            return seg  # "Von Miller" is a name
        seg = rest


def _is_role(text: str) -> bool:
    """True for a job title or a non-person label: "Staff", "Diplomatic Writer"."""
    key = normalize_space(text).lower()
    return key in _NON_NAMES or _TRAILING_TITLE_RE.fullmatch(text.strip()) is not None


def _keeps_final_dot(name: str) -> bool:
    """True when a final dot belongs to the name: an initial ("John Q.") or "Jr."."""
    last = name.rsplit(maxsplit=1)[-1].lower()
    return last in _SUFFIXES or bool(_INITIALS_RE.match(last))


def _looks_like_name(name: str) -> bool:
    """True for something shaped like a person's name."""
    if not name or len(name) >= _MAX_NAME_CHARS:
        return False
    key = name.lower()
    words = name.split()
    if not 1 <= len(words) <= _MAX_NAME_WORDS or key in _NON_NAMES or key in _PREFIX_WORDS:
        return False
    if _SITE_RE.search(name) or any(ch.isdigit() for ch in name):
        return False
    if words[-1].lower().rstrip(".") in _ORG_SUFFIXES or words[0].lower() in _NON_NAME_FIRST_WORDS:
        return False  # "Fox News", "Example Media", "The Washington Post"
    if len(words) == 1 and key.rstrip(".") in _DATE_WORDS:
        return False  # "By Tuesday, …" is no byline
    if sum(ch.isalpha() for ch in name) < 2 or not any(ch.isupper() for ch in name):
        return False  # usernames ("jdoe") and lowercase phrases
    for i, word in enumerate(words):
        if not _NAME_WORD_RE.match(word):
            return False
        if not word[0].isupper() and not (i > 0 and word.lower() in _PARTICLES):
            return False  # "Tom said": a sentence, not a name
    return True


def _recase(name: str) -> str:
    """Recase an ALL-CAPS name: "JAMEY KEATEN" → "Jamey Keaten", "O'BRIEN" → "O'Brien"."""
    out = []
    for i, word in enumerate(name.split()):
        low = word.lower()
        if i > 0 and low in _PARTICLES and (len(low) > 1 or low == "y"):
            out.append(low)  # "VAN", "Y"; but "E" and "I" are more often initials
        elif low.rstrip(".") in _ROMAN:
            out.append(word)
        else:
            out.append("-".join(_recase_part(part) for part in word.split("-")))
    return " ".join(out)


def _recase_part(part: str) -> str:
    """Recase one hyphen-free word of an ALL-CAPS name."""
    if not part or _INITIALS_RE.match(part):
        return part
    apostrophe = _APOSTROPHE_RE.match(part)
    if apostrophe is not None:  # O'BRIEN, D'ANGELO
        first, mark, rest = apostrophe.groups()
        return first.upper() + mark + _recase_part(rest)
    low = part.lower()
    if low.startswith("mc") and len(low) > 3:
        return "Mc" + low[2].upper() + low[3:]
    return low[0].upper() + low[1:]


# -- byline markup ----------------------------------------------------------------
def find_byline(article_root: HtmlElement | None, doc: HtmlElement) -> str | None:
    """The byline text of the article, from its markup, or None.

    Looks inside ``article_root``, then in the ``<article>`` around it,
    then near the headline (the ``h1``'s container). Within each place,
    markup is tried by trust: a ``.byline`` element, ``[itemprop=author]``,
    ``[rel=author]``, author classes (``.author``, ``.author-name`` …), and
    last a short line starting with "By ". A candidate counts only when
    :func:`authors_from_byline` finds a name in it. Author bio boxes,
    comments and related blocks are skipped.
    """
    for scope in _scopes(article_root, doc):
        for text in _candidates(scope):
            if authors_from_byline(text):
                return text
    return None


def _scopes(article_root: HtmlElement | None, doc: HtmlElement) -> list[HtmlElement]:
    """Where to look for the byline, nearest first."""
    scopes: list[HtmlElement] = []
    if article_root is not None:
        scopes.append(article_root)
        article = next((a for a in article_root.iterancestors("article")), None)
        if article is not None:
            scopes.append(article)
    headline = None
    for scope in (*scopes, doc):
        headline = next(iter(scope.iter("h1")), None)
        if headline is not None:
            break
    if headline is not None:
        container = headline
        for _ in range(_HEADLINE_LEVELS):
            parent = container.getparent()
            if parent is None or parent.tag in {"body", "html"}:
                break
            container = parent
        scopes.append(container)
    unique: list[HtmlElement] = []
    for scope in scopes:
        if all(scope is not s for s in unique):
            unique.append(scope)
    return unique


def _candidates(scope: HtmlElement) -> Iterator[str]:
    """Byline texts in ``scope``, most trusted markup first."""
    groups: list[list[HtmlElement]] = [[], [], [], []]
    by_lines: list[HtmlElement] = []
    for el in scope.iter():
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS:
            continue
        classes = (el.get("class") or "").lower().split()
        if any(_BYLINE_CLASS_SUBSTRING in c for c in classes):
            groups[0].append(el)
        if el.get("itemprop", "").lower().split().count("author"):
            groups[1].append(el)
        if "author" in (el.get("rel") or "").lower().split():
            groups[2].append(el)
        if _AUTHOR_CLASSES.intersection(classes):
            groups[3].append(el)
        head = (el.text or "").strip()
        if head and head[0].isupper():
            if _BY_START_RE.match(head):
                by_lines.append(el)  # <p>By <a>Jane Doe</a></p>
            elif _BY_START_RE.match(f"{head} x") and el.getparent() is not None:
                by_lines.append(el.getparent())  # <p><span>By</span> <a>Jane Doe</a></p>
    for group in groups:
        texts = [_element_text(el) for el in _outermost(e for e in group if not _excluded(e, scope))]
        texts = [t for t in dict.fromkeys(texts) if t and len(t) <= _MAX_BYLINE_CHARS]
        if texts:
            yield ", ".join(texts)
    for el in by_lines:
        if _excluded(el, scope):
            continue
        text = _shown_text(el)
        if len(text) < _MAX_BY_LINE_CHARS:
            yield text


def _element_text(el: HtmlElement) -> str:
    """An author element's text: its ``itemprop=name`` part, its ``content``, or its text."""
    if "author" in el.get("itemprop", "").lower().split():
        names = [
            normalize_space(n.get("content") or n.text_content())
            for n in el.iter()
            if "name" in (n.get("itemprop") or "").split()
        ]
        names = [n for n in names if n]
        if names:
            return ", ".join(dict.fromkeys(names))
    content = el.get("content")
    if el.tag == "meta" or (content and not el.text_content().strip()):
        return normalize_space(content or "")
    return _shown_text(el)


_BREAKS = frozenset({"br"})


def _shown_text(el: HtmlElement) -> str:
    """A byline element's text, a line break ending a clause: "By Jane Doe<br>Music Editor" → "By Jane Doe; Music Editor"."""
    if el.find(".//br") is None:
        return normalize_space(el.text_content())
    return "; ".join(line for line in map(normalize_space, text_lines(el, line_tags=_BREAKS).splitlines()) if line)


def _outermost(elements: Iterable[HtmlElement]) -> list[HtmlElement]:
    """Drop elements nested inside another one of ``elements`` (kept in order)."""
    kept: list[HtmlElement] = []
    kept_ids: set[int] = set()
    for el in elements:
        if not any(id(a) in kept_ids for a in el.iterancestors()):
            kept.append(el)
            kept_ids.add(id(el))
    return kept


def _excluded(el: HtmlElement, scope: HtmlElement) -> bool:
    """True when ``el`` sits in an author bio box, a comment or a related block under ``scope``."""
    node: HtmlElement | None = el
    while node is not None:
        tokens = f"{node.get('class') or ''} {node.get('id') or ''}".lower().split()
        for token in tokens:
            if token in _EXCLUDED_TOKENS or _EXCLUDED_PARTS.intersection(_TOKEN_SPLIT_RE.split(token)):
                return True
        if node is scope:
            return False
        node = node.getparent()
    return False

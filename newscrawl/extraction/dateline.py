"""Datelines: the place/agency line that opens a wire story.

``GENEVA (AP) — The …`` is split into ``"GENEVA (AP)"`` and ``"The …"``.
A dateline is a *place*, an optional *date* and an optional *agency* in
parentheses, followed by a separator (a dash, or a colon after an
ALL-CAPS place):

* an ALL-CAPS place of 1–4 words, optionally with a Title-Case region
  after a comma (``SAN JUAN, Puerto Rico``), may stand alone
  (``WASHINGTON —``, ``LONDON:``);
* a Title-Case place (``Berlin``, ``Frankfurt/Main``) counts only when
  a known agency follows it (``Berlin (dpa) -``);
* an agency alone (``(CNN) —``) is a dateline too.

Ordinary first sentences are left alone: the text after the separator
must not start in lowercase (``The U.S. — and its allies``), labels such
as ``UPDATE:`` are on a stoplist, and a bare ASCII hyphen only separates
after a space or a closing parenthesis (``COVID-19``).

Pure string work; vocabulary is in :mod:`newscrawl.extraction.vocabulary.bylines`.
"""

# ruff: noqa: RUF001, RUF002  # en/em dashes and typographic quotes are what this code matches

from __future__ import annotations

import re

from newscrawl.extraction.text import normalize_space
from newscrawl.extraction.vocabulary.boilerplate import alt
from newscrawl.extraction.vocabulary.bylines import (
    DATELINE_AGENCIES,
    DATELINE_STOP_FIRST_WORDS,
    DATELINE_STOPWORDS,
    word_set,
)
from newscrawl.extraction.vocabulary.dates import (
    MONTHS_DE,
    MONTHS_EN,
    MONTHS_ES,
    MONTHS_FR,
)

# A dateline is short; only separators this early in the paragraph are tried.
_MAX_DATELINE_CHARS = 90
_MAX_PLACE_WORDS = 4
_MAX_TITLE_PLACE_WORDS = 3
_MAX_REGION_WORDS = 3
# A lone ALL-CAPS place needs this many letters ("ROME", "KYIV"; not "UN", "FBI").
_MIN_LONE_PLACE_LETTERS = 4

_MONTH_WORDS = alt(name for table in (MONTHS_EN, MONTHS_DE, MONTHS_FR, MONTHS_ES) for month in table for name in month)
# "Jan 20", "Jan. 20, 2025", "20 January", "20. Januar 2025".
_DATE = (
    rf"(?:(?:{_MONTH_WORDS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}\.?\s+(?:{_MONTH_WORDS})\.?(?:\s+\d{{4}})?)"
)
_AGENCY_RE = re.compile(
    rf"\(\s*(?:{alt(DATELINE_AGENCIES)})(?=[\s/,)])(?:\s*[/,]\s*[\w.-]+)*\s*\)$",
    re.IGNORECASE,
)
_DATE_RE = re.compile(rf"^(?P<before>.*?),?\s*(?P<date>{_DATE})$", re.IGNORECASE)
# Separator candidates: dashes of every kind, "--", an ASCII hyphen, a colon.
_SEP_RE = re.compile(r"\s*(?:--|[—–―‒]|-|:)\s*")
# Characters allowed inside a place word besides letters.
_PLACE_WORD_RE = re.compile(r"^[^\W\d_](?:[^\W\d_]|[.'’-])*$")
_STOPWORDS = word_set(DATELINE_STOPWORDS)
_STOP_FIRST_WORDS = word_set(DATELINE_STOP_FIRST_WORDS)


def split_dateline(paragraph: str) -> tuple[str | None, str]:
    """Split the dateline off a wire story's first paragraph.

    Returns ``(dateline, rest)``; ``rest`` starts at the first character
    after the separator. When the paragraph has no dateline, returns
    ``(None, paragraph)`` with the paragraph unchanged.
    """
    text = paragraph.lstrip()
    for sep in _SEP_RE.finditer(text, 0, _MAX_DATELINE_CHARS + 3):
        if sep.start() == 0:
            continue
        head = text[: sep.start()]
        rest = text[sep.end() :].strip()
        dateline = _dateline(head, sep.group())
        if dateline is None:
            continue
        if rest and rest[0].islower():
            continue  # "NATO — the alliance …": a sentence, not a dateline
        return dateline, rest
    return None, paragraph


def _dateline(head: str, sep: str) -> str | None:
    """The normalised dateline when ``head`` (the text before ``sep``) is one, else None."""
    dash = sep.strip()
    colon = dash == ":"
    bare_hyphen = dash == "-" and not sep[:1].isspace()
    head = normalize_space(head)
    if head.endswith(").") and dash == "-":
        head = head[:-1]  # Spanish wires: "MADRID (EFE).- El …"
    agency = _AGENCY_RE.search(head)
    before = head[: agency.start()].strip() if agency else head
    if agency and not before:
        return None if colon else head  # "(CNN) — …"
    date = _DATE_RE.match(before)
    if date and date.group("before"):
        before = date.group("before").strip().rstrip(",")
    place, _, region = before.partition(",")
    place, region = place.strip(), region.strip()
    caps = _is_caps_place(place)
    if not caps:
        if colon or not agency or not _is_title_place(place):
            return None
    elif bare_hyphen and not agency:
        return None  # "COVID-19", "U.S.-China": a hyphenated word, not a separator
    if region and not _is_region(region):
        return None
    if caps and not agency:
        if place in _STOPWORDS or place.split()[0] in _STOP_FIRST_WORDS:
            return None
        letters = sum(ch.isalpha() for ch in place)
        if letters < _MIN_LONE_PLACE_LETTERS and not (region or date):
            return None
    return head


def _is_caps_place(place: str) -> bool:
    """True for an ALL-CAPS place of 1–4 words: "GENEVA", "SAN JUAN", "ST. LOUIS"."""
    words = place.split()
    if not 1 <= len(words) <= _MAX_PLACE_WORDS:
        return False
    if not all(_PLACE_WORD_RE.match(w) and w.isupper() for w in words):
        return False
    return sum(ch.isalpha() for ch in words[0]) >= 2 or len(words) > 1


def _is_title_place(place: str) -> bool:
    """True for a Title-Case place of 1–3 words, optionally "/Main"-suffixed: "Frankfurt/Main"."""
    words = place.split()
    if not 1 <= len(words) <= _MAX_TITLE_PLACE_WORDS:
        return False
    for word in words:
        for part in word.split("/"):
            if not _PLACE_WORD_RE.match(part) or not part[0].isupper():
                return False
    return True


def _is_region(region: str) -> bool:
    """True for a region/state after the place: "Puerto Rico", "N.Y.", "Ukraine"."""
    words = region.split()
    return 1 <= len(words) <= _MAX_REGION_WORDS and all(
        _PLACE_WORD_RE.match(w) and w[0].isupper() for w in words
    )

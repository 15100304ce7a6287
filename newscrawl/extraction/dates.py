"""Publication and modification dates, with the place each was found.

Sources are tried in order of trust, and the first plausible date wins:

1. ``json-ld``: the article's ``datePublished``;
2. ``meta``: ``article:published_time`` and its many aliases;
3. ``time``: a ``<time datetime>`` or ``[itemprop=datePublished]`` element
   inside the article;
4. ``byline``: a date written in the byline / entry-meta line
   ("Published 7 September 2022", "Sept. 7, 2022 10:15 a.m. ET",
   "07.09.2022", and "2 hours ago" when the response date is known);
5. ``url``: ``/2022/09/07/`` or ``2022-09-07`` in the URL path.

Steps 3 and 4 look only inside the article (``article_root``, its
``<article>``, the block around the ``<h1>``, ``<main>``), and never in
site headers, navigation, sidebars, teasers, related-article blocks or
"today's date" widgets: a site header that shows today's date must never
become the publication date.

Every value goes through :func:`normalize_date`: ISO 8601, the offset kept
when the page gives one, fractional seconds dropped, years before 1995
rejected. Nothing here reads the clock: relative dates are resolved against
the response date the caller passes, or not at all.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from functools import cache
from itertools import chain
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from newscrawl.extraction.metadata import ARTICLE_TYPES, PAGE_TYPES, ld_types
from newscrawl.extraction.text import normalize_space
from newscrawl.extraction.vocabulary import dates as vocab
from newscrawl.extraction.vocabulary.boilerplate import alt

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from lxml.html import HtmlElement

    from newscrawl.extraction.metadata import PageMetadata


@attrs.frozen
class DateResult:
    """The page's dates and where the publication date came from."""

    published: str | None = None
    """Publication date, ISO 8601 (offset kept when the page gives one)."""

    published_raw: str | None = None
    """The publication date exactly as the source gives it."""

    source: str | None = None
    """Where ``published`` came from: json-ld, meta, time, byline or url."""

    modified: str | None = None
    """Last modification date, ISO 8601."""


# -- Sources, in order of trust -------------------------------------------------
# Meta keys (lowercased name/property/itemprop) holding the publication date.
PUBLISHED_META = (
    "article:published_time", "og:published_time", "published_time", "datepublished",
    "date", "pubdate", "publishdate", "dc.date", "dc.date.issued", "dcterms.created",
    "sailthru.date", "parsely-pub-date",
)
# Meta keys holding the modification date.
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified")

# Dates before this year are never a news article's publication date.
MIN_YEAR = 1995
MAX_YEAR = 2099
# A date this far after the response date is a typo or a countdown, not a publication date.
MAX_DAYS_AHEAD = 2
# A byline element with more text than this is a container, not a byline.
MAX_BYLINE_CHARS = 300
# An unmarked line after the <h1> longer than this is body text, whose dates are events, not the byline.
MAX_NEAR_H1_CHARS = 100
# How many levels above the <h1> the date search may climb.
H1_CLIMB = 3
# How many elements right after the <h1> are read as a possible byline.
BYLINE_SIBLINGS = 3
# Largest UTC offset a page may give, in minutes.
MAX_OFFSET = 14 * 60


# -- Regexes built from the vocabulary -----------------------------------------------
def _month_numbers() -> dict[str, int]:
    """Every month spelling -> month number; a spelling with two meanings is a bug."""
    table: dict[str, int] = {}
    for months in vocab.MONTH_TABLES:
        if len(months) != 12:
            msg = "a month table needs twelve entries"
            raise ValueError(msg)
        for number, names in enumerate(months, start=1):
            for name in names:
                if table.setdefault(name, number) != number:
                    msg = f"month name {name!r} means two months"
                    raise ValueError(msg)
    return table


_MONTHS = _month_numbers()
_TZ_FIXED = dict(vocab.TZ_FIXED)
_TZ_ZONES = dict(vocab.TZ_ZONES)
_MONTH = rf"(?P<mon>{alt(_MONTHS)})(?![^\W\d_])\.?"
_YEAR = r"(?P<y>(?:19|20)\d\d)(?!\d)"
# Zone abbreviations count only in capitals: "et", "est" and "ist" are words in French, Spanish and German.
_TZ_NAMES = alt(name.upper() for name in (*_TZ_FIXED, *_TZ_ZONES) if name != "z")
_TZ = (
    r"(?P<tz>(?-i:(?:UTC|GMT)?\s?[+-]\d{1,2}(?::?\d\d)?(?!\d)"
    rf"|(?:{_TZ_NAMES})(?![^\W\d_])))"
)
# A time after a date: "10:15", "10:15:30", "10.15 Uhr", "14h30", "10:15 a.m. ET", "10 p.m.".
_TIME = (
    rf"(?:\s*(?:{alt(vocab.TIME_JOINERS)})?\s*"
    r"(?P<H>[0-2]?\d)(?:[:.h](?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?(?:[.,]\d+)?)?"
    r"\s*(?P<ampm>[ap]\.?\s?m\b\.?)?"
    rf"(?:\s*(?:{alt(vocab.TIME_SUFFIXES)})\b)?"
    rf"(?:\s*{_TZ})?)?"
)
# "7 September 2022", "7. September 2022", "7 de septiembre de 2022", "7th Sept 2022".
_DMY_RE = re.compile(
    rf"(?<![\d.])(?P<d>[0-3]?\d)(?:st|nd|rd|th|er|º|°)?\.?\s*(?:de\s+|of\s+)?{_MONTH},?\s*(?:de\s+|del\s+)?{_YEAR}{_TIME}",
    re.IGNORECASE,
)
# "September 7, 2022", "Sept. 7 2022".
_MDY_RE = re.compile(
    rf"(?<![^\W\d_]){_MONTH}\s*(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?!\d),?\s*{_YEAR}{_TIME}",
    re.IGNORECASE,
)
# "07.09.2022", "07/09/2022", "7-9-2022" (day first, except month-first slashes).
_NUM_DMY_RE = re.compile(
    rf"(?<![\d.])(?P<d>[0-3]?\d)(?P<sep>[./-])(?P<m>[01]?\d)(?P=sep){_YEAR}{_TIME}", re.IGNORECASE
)
# "2022-09-07", "2022/09/07", "2022.09.07".
_NUM_YMD_RE = re.compile(
    rf"(?<![\d.])(?P<y>(?:19|20)\d\d)(?P<sep>[./-])(?P<m>[01]?\d)(?P=sep)(?P<d>[0-3]?\d)(?!\d){_TIME}",
    re.IGNORECASE,
)
_TEXT_PATTERNS = (_DMY_RE, _MDY_RE, _NUM_YMD_RE, _NUM_DMY_RE)
# A whole ISO 8601 / machine value: "2022-09-07T10:15:00.123+02:00", "20220907", "2022-09-07 10:15 UTC".
_ISO_RE = re.compile(
    r"^(?P<y>\d{4})-?(?P<m>\d\d)-?(?P<d>\d\d)(?!\d)"
    r"(?:[T\s]+(?P<H>\d\d):?(?P<M>\d\d)(?::?(?P<S>\d\d)(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d\d(?::?\d\d)?)?(?![\d:]))?",
    re.IGNORECASE,
)
# Unix timestamps in seconds or milliseconds.
_EPOCH_RE = re.compile(r"^(?P<s>\d{10})(?:\d{3})?(?:\.\d+)?$")
# A numeric offset: "+02:00", "+0200", "+02", "UTC+2", "-04:30".
_OFFSET_RE = re.compile(r"(?:utc|gmt)?\s?(?P<sign>[+-])(?P<h>\d{1,2}):?(?P<m>\d\d)?$", re.IGNORECASE)
# A time written before the date it belongs to: "10:15 AM ET, Sept. 7, 2022".
_TIME_BEFORE_RE = re.compile(
    r"(?P<H>[0-2]?\d)[:.h](?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?\s*(?P<ampm>[ap]\.?\s?m\b\.?)?"
    rf"(?:\s*(?:{alt(vocab.TIME_SUFFIXES)})\b)?(?:\s*{_TZ})?\s*(?:,|on|am|le|el|\||-|–|—)?\s*$",
    re.IGNORECASE,
)
# Relative dates: "2 hours ago", "vor 2 Stunden", "il y a 2 heures", "an hour ago".
_AMOUNT = rf"(?P<n>\d{{1,3}}|{alt(vocab.ONE_WORDS)})"
_UNIT = rf"(?P<unit>{alt(vocab.MINUTE_WORDS + vocab.HOUR_WORDS + vocab.DAY_WORDS + vocab.WEEK_WORDS)})\.?"
_RELATIVE_RES = (
    re.compile(rf"(?<![^\W\d_]){_AMOUNT}\s*{_UNIT}\s+(?:{alt(vocab.AGO_SUFFIXES)})(?![^\W\d_])", re.IGNORECASE),
    re.compile(rf"(?<![^\W\d_])(?:{alt(vocab.AGO_PREFIXES)})\s+{_AMOUNT}\s*{_UNIT}(?![^\W\d_])", re.IGNORECASE),
)
_DAY_WORD_RE = re.compile(
    rf"(?<![^\W\d_])(?:(?P<yesterday>{alt(vocab.YESTERDAY_WORDS)})|(?P<today>{alt(vocab.TODAY_WORDS)}))(?![^\W\d_])"
    rf"(?:\s*(?:{alt(vocab.TIME_JOINERS)})?\s*(?P<H>[0-2]?\d)[:.h](?P<M>[0-5]\d)\s*(?P<ampm>[ap]\.?\s?m\b\.?)?)?",
    re.IGNORECASE,
)
_UNIT_MINUTES = {
    **dict.fromkeys(vocab.MINUTE_WORDS, 1),
    **dict.fromkeys(vocab.HOUR_WORDS, 60),
    **dict.fromkeys(vocab.DAY_WORDS, 24 * 60),
    **dict.fromkeys(vocab.WEEK_WORDS, 7 * 24 * 60),
}
_ONE = frozenset(vocab.ONE_WORDS)
# An "Updated" label just before a date: that date is not the publication date.
_UPDATED_BEFORE_RE = re.compile(
    rf"(?<![^\W\d_])(?:{alt(vocab.UPDATED_PREFIXES)})\s*:?\s*(?:on|am|le|el|il|op|em)?\s*"
    r"(?:[^\W\d_]+\.?,?\s*)?[,:]?\s*$",  # an optional weekday between label and date
    re.IGNORECASE,
)
# A "Published" label just before a date.
_PUBLISHED_START_RE = re.compile(rf"^\s*(?:{alt(vocab.PUBLISHED_PREFIXES)})(?![^\W\d_])", re.IGNORECASE)
# Class/id values of byline and entry-meta elements.
_BYLINE_RE = re.compile(alt(vocab.BYLINE_MARKERS))
# Class/id values of widgets, teasers, related blocks and sidebars.
_WIDGET_RE = re.compile(alt(vocab.WIDGET_MARKERS))
_WIDGET_PREFIX_RE = re.compile(rf"(?:^|\s)(?:{alt(vocab.WIDGET_PREFIXES)})(?:$|[\s_-])")
_SITE_ONLY_RE = re.compile(rf"(?:^|\s)(?:{alt(vocab.SITE_ONLY_NAMES)})(?:$|\s)")
# Class / itemprop values that mark a date as the modification date.
_MODIFIED_RE = re.compile(r"updated|modified|datemodified", re.IGNORECASE)
_PUBLISHED_RE = re.compile(r"publish|datepublished|datecreated|pubdate|entry-date|post-date", re.IGNORECASE)
# Dates in a URL path: /2022/09/07/, /2022-09-07-slug, /20220907/.
_URL_DATE_RES = (
    re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>[01]?\d)/(?P<d>[0-3]?\d)(?:/|$)"),
    re.compile(r"(?<![\d])(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\d])"),
    re.compile(r"/(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?:/|$)"),
)
_FURNITURE_TAGS = frozenset(vocab.FURNITURE_TAGS)
_SITE_ONLY_TAGS = frozenset(vocab.SITE_ONLY_TAGS)
_FURNITURE_ROLES = frozenset(vocab.FURNITURE_ROLES)
_SHORT_TEXT_TAGS = frozenset({"p", "span", "div", "small", "li", "em", "strong", "b", "i", "time", "dd", "address"})
# itemprop values of date elements.
_DATE_ITEMPROPS = frozenset({"datepublished", "datecreated", "datemodified"})


# -- Normalisation --------------------------------------------------------------------
def normalize_date(raw: str, reference: datetime | None = None) -> str | None:
    """``raw`` as ISO 8601, or None when it holds no plausible date.

    A datetime with an offset gives ``YYYY-MM-DDTHH:MM:SS+HH:MM`` (``Z`` and
    ``+0000`` become ``+00:00``; fractional seconds are dropped), one without
    gives ``YYYY-MM-DDTHH:MM:SS``, and a date alone ``YYYY-MM-DD``. Relative
    dates ("2 hours ago") need ``reference``; so does the check that a date
    is not in the future.
    """
    found = _parse(raw, reference, month_first=True)
    return found[0] if found else None


def _parse(raw: str, reference: datetime | None, *, month_first: bool) -> tuple[str, str] | None:
    """(ISO value, matched text) for a machine or human date string, or None."""
    text = normalize_space(html.unescape(raw or ""))
    if not text:
        return None
    match = _EPOCH_RE.match(text)
    if match:
        stamp = datetime.fromtimestamp(int(match["s"]), tz=UTC)
        value = _format(stamp.date(), (stamp.hour, stamp.minute, stamp.second), 0)
        return (value, text) if _plausible(stamp.date(), reference) else None
    match = _ISO_RE.match(text)
    if match:
        value = _build(match["y"], match["m"], match["d"], match["H"], match["M"], match["S"],
                       tz=match["tz"], reference=reference)
        return (value, match.group(0)) if value else None
    return _search_text(text, reference, month_first=month_first, skip_updated=False)


def _search_text(
    text: str, reference: datetime | None, *, month_first: bool, skip_updated: bool
) -> tuple[str, str] | None:
    """The first plausible date written in ``text``, as (ISO value, matched text).

    With ``skip_updated``, a date labelled "Updated" is passed over.
    """
    matches = sorted(
        (m for pattern in _TEXT_PATTERNS for m in pattern.finditer(text)), key=lambda m: (m.start(), -m.end())
    )
    for match in matches:
        before = text[: match.start()]
        if skip_updated and _after_updated_label(before):
            continue
        value = _from_match(match, before, reference, month_first=month_first)
        if value:
            return value
    if reference is not None:
        return _relative(text, reference, skip_updated=skip_updated)
    return None


def _from_match(
    match: re.Match[str], before: str, reference: datetime | None, *, month_first: bool
) -> tuple[str, str] | None:
    """(ISO value, raw) for one text-date match, with a time before or after it."""
    groups = match.groupdict()
    if "mon" in groups:
        month: str | int = _MONTHS[groups["mon"].lower()]
        day: str | int = groups["d"]
    else:
        day, month = groups["d"], groups["m"]
        if match.re is _NUM_DMY_RE:
            first, second = int(groups["d"]), int(groups["m"])
            slash_us = month_first and groups["sep"] == "/" and first <= 12
            if second > 12 or slash_us:
                day, month = groups["m"], groups["d"]
    start = match.start()
    hour, minute, second_, ampm, tz = groups["H"], groups["M"], groups["S"], groups["ampm"], groups["tz"]
    end = match.end()
    if minute is None and ampm is None:
        hour = second_ = tz = None  # a bare number after the year is not a time
        end = match.end("y")
    if hour is None:
        earlier = _TIME_BEFORE_RE.search(before[-40:])
        if earlier:
            hour, minute, second_, ampm, tz = earlier["H"], earlier["M"], earlier["S"], earlier["ampm"], earlier["tz"]
            start -= len(before[-40:]) - earlier.start()
    value = _build(groups["y"], month, day, hour, minute, second_, tz=tz, ampm=ampm, reference=reference)
    if value is None:
        return None
    raw = (before[start:] if start < match.start() else "") + match.string[match.start() : end]
    return value, normalize_space(raw.strip(" ,|-–—"))


def _relative(text: str, reference: datetime, *, skip_updated: bool) -> tuple[str, str] | None:
    """A relative date in ``text`` ("2 hours ago", "gestern", "today 10:15"), resolved against ``reference``."""
    candidates: list[tuple[int, str, str]] = []
    for pattern in _RELATIVE_RES:
        for match in pattern.finditer(text):
            if skip_updated and _after_updated_label(text[: match.start()]):
                continue
            amount = match["n"].lower()
            count = 1 if amount in _ONE else int(amount)
            minutes = count * _UNIT_MINUTES[match["unit"].lower()]
            moment = reference - timedelta(minutes=minutes)
            if minutes >= 24 * 60:
                value = moment.date().isoformat()
            else:
                value = _format(moment.date(), (moment.hour, moment.minute, moment.second), _offset_of(moment))
            candidates.append((match.start(), value, match.group(0)))
            break
    for match in _DAY_WORD_RE.finditer(text):
        if match["today"] and match["H"] is None:
            continue  # "today" alone is too often a name ("USA Today") or a widget
        if skip_updated and _after_updated_label(text[: match.start()]):
            continue
        day = reference.date() - timedelta(days=1 if match["yesterday"] else 0)
        if match["H"] is None:
            value = day.isoformat()
        else:
            hour = _hour(int(match["H"]), match["ampm"])
            if hour is None:
                continue
            value = _format(day, (hour, int(match["M"]), 0), _offset_of(reference))
        candidates.append((match.start(), value, match.group(0)))
        break
    if not candidates:
        return None
    _, value, raw = min(candidates)
    return value, normalize_space(raw)


def _offset_of(moment: datetime) -> int | None:
    """The UTC offset of an aware datetime in minutes, None for a naive one."""
    offset = moment.utcoffset()
    return None if offset is None else int(offset.total_seconds() // 60)


def _hour(hour: int, ampm: str | None) -> int | None:
    """A 24-hour clock hour from a 12-hour one with "a.m."/"p.m."; None when invalid."""
    if ampm:
        if not 1 <= hour <= 12:
            return hour if hour < 24 else None
        pm = ampm.lower().startswith("p")
        return (hour % 12) + (12 if pm else 0)
    return hour if hour < 24 else None


def _build(
    year: str | int,
    month: str | int,
    day: str | int,
    hour: str | None = None,
    minute: str | None = None,
    second: str | None = None,
    *,
    tz: str | None = None,
    ampm: str | None = None,
    reference: datetime | None = None,
) -> str | None:
    """The ISO string for parsed components, or None when they are not a plausible date."""
    try:
        day_value = date(int(year), int(month), int(day))
    except ValueError:
        return None
    if not _plausible(day_value, reference):
        return None
    if hour is None or (minute is None and ampm is None):
        return day_value.isoformat()
    clock = _hour(int(hour), ampm)
    if clock is None:
        return None
    moment = (clock, int(minute or 0), int(second or 0))
    offset = _offset(tz, day_value, moment) if tz else None
    return _format(day_value, moment, offset)


def _offset(tz: str, day: date, moment: tuple[int, int, int]) -> int | None:
    """Minutes east of UTC for a written zone ("Z", "+0200", "CEST", "ET"), None when unknown."""
    key = tz.strip().lower()
    if key in _TZ_FIXED:
        return _TZ_FIXED[key]
    if key in _TZ_ZONES:
        zone = _zone(_TZ_ZONES[key])
        if zone is None:
            return None
        local = datetime(day.year, day.month, day.day, *moment, tzinfo=zone)
        return _offset_of(local)
    match = _OFFSET_RE.match(key)
    if not match:
        return None
    minutes = int(match["h"]) * 60 + int(match["m"] or 0)
    if minutes > MAX_OFFSET:
        return None
    return -minutes if match["sign"] == "-" else minutes


@cache
def _zone(name: str) -> ZoneInfo | None:
    """The IANA zone ``name``, or None when the system has no tz database."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _format(day: date, moment: tuple[int, int, int], offset: int | None) -> str:
    """``YYYY-MM-DDTHH:MM:SS`` plus ``±HH:MM`` when the offset is known."""
    text = f"{day.isoformat()}T{moment[0]:02d}:{moment[1]:02d}:{moment[2]:02d}"
    if offset is None:
        return text
    sign = "-" if offset < 0 else "+"
    hours, minutes = divmod(abs(offset), 60)
    return f"{text}{sign}{hours:02d}:{minutes:02d}"


def _plausible(day: date, reference: datetime | None) -> bool:
    """A news date: from 1995 on, and not days after the response."""
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        return False
    return reference is None or day <= reference.date() + timedelta(days=MAX_DAYS_AHEAD)


# -- The search --------------------------------------------------------------------------
@attrs.frozen
class _Scopes:
    """Where in the page the date search looks, computed once per page."""

    elements: list[HtmlElement]
    """Elements that hold the article and its byline, narrowest first."""

    primary: HtmlElement | None
    """The page's own ``<article>``; other ``<article>`` elements are teasers."""

    h1: HtmlElement | None
    """The headline element, whose next siblings often hold the byline."""

    anchor: HtmlElement | None
    """The article element; in a scope wider than it, nothing after it is read (teasers follow articles)."""


def find_dates(
    doc: HtmlElement,
    meta: PageMetadata,
    url: str,
    article_root: HtmlElement | None = None,
    response_date: datetime | None = None,
) -> DateResult:
    """The page's publication and modification dates (see the module docstring for the order)."""
    month_first = _month_first(meta.html_lang)
    cache_: list[_Scopes] = []
    times_: list[list[tuple[str, str]]] = []

    def scopes() -> _Scopes:
        if not cache_:
            cache_.append(_find_scopes(doc, article_root))
        return cache_[0]

    def times() -> list[tuple[str, str]]:
        if not times_:
            times_.append(_time_elements(scopes()))
        return times_[0]

    published: tuple[str, str] | None = None
    source: str | None = None
    for source, finder in (
        ("json-ld", lambda: _from_jsonld(meta, "datePublished", response_date)),
        ("meta", lambda: _from_meta(meta, PUBLISHED_META, response_date, month_first)),
        ("time", lambda: _from_time(times(), response_date, month_first, modified=False)),
        ("byline", lambda: _from_byline(scopes(), response_date, month_first)),
        ("url", lambda: _from_url(url, response_date)),
    ):
        published = finder()
        if published:
            break
    modified = (
        _from_jsonld(meta, "dateModified", response_date)
        or _from_meta(meta, MODIFIED_META, response_date, month_first)
        or _from_time(times(), response_date, month_first, modified=True)
    )
    if published is None:
        return DateResult(modified=modified[0] if modified else None)
    return DateResult(
        published=published[0],
        published_raw=published[1],
        source=source,
        modified=modified[0] if modified else None,
    )


def _month_first(html_lang: str | None) -> bool:
    """Whether "09/07/2022" means September 7: only on US-English pages (``en-US`` or bare ``en``)."""
    lang = (html_lang or "").strip().lower().replace("_", "-")
    return lang in ("en-us", "en")


def _first_value(value: Any) -> str | None:
    """A JSON-LD date value: a string, a list's first string, or an object's @value."""
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, dict):
        value = value.get("@value")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _from_jsonld(meta: PageMetadata, key: str, reference: datetime | None) -> tuple[str, str] | None:
    """``key`` of the article object, else of any other article- or page-typed object."""
    objects = [meta.article_ld] if meta.article_ld is not None else []
    objects += [o for o in meta.jsonld if o is not meta.article_ld and ld_types(o) & (ARTICLE_TYPES | PAGE_TYPES)]
    for obj in objects:
        raw = _first_value(obj.get(key))
        found = _parse(raw, reference, month_first=False) if raw else None
        if found:
            return found[0], raw
    return None


def _from_meta(
    meta: PageMetadata, keys: Iterable[str], reference: datetime | None, month_first: bool
) -> tuple[str, str] | None:
    """The first meta value among ``keys`` that parses as a plausible date."""
    for key in keys:
        for value in meta.meta.get(key, ()):
            raw = value.strip()
            found = _parse(raw, reference, month_first=month_first) if raw else None
            if found:
                return found[0], raw
    return None


def _from_url(url: str, reference: datetime | None) -> tuple[str, str] | None:
    """A date in the URL path."""
    path = urlsplit(url).path
    for pattern in _URL_DATE_RES:
        match = pattern.search(path)
        if match:
            value = _build(match["y"], match["m"], match["d"], reference=reference)
            if value:
                return value, match.group(0).strip("/")
    return None


# -- Where in the page to look -------------------------------------------------------------
def _find_scopes(doc: HtmlElement, article_root: HtmlElement | None) -> _Scopes:
    """The elements the date search may look in, narrowest first.

    ``article_root`` and its parent, the ``<article>`` around it, the
    ``<article>`` holding the page's ``<h1>`` (or the page's only
    ``<article>``), up to three levels above the ``<h1>`` (stopping before
    a level that holds navigation or a site header), and ``<main>``. The
    whole ``<body>`` is never a scope.
    """
    found: list[HtmlElement] = []
    if article_root is not None and article_root.tag not in ("html", "body"):
        found.append(article_root)
        parent = article_root.getparent()
        if parent is not None and parent.tag not in ("html", "body"):
            found.append(parent)
        found.extend(article_root.iterancestors("article"))
    h1 = _headline_element(doc)
    primary = _primary_article(doc, h1)
    if primary is not None:
        found.append(primary)
    if h1 is not None:
        node = h1.getparent()
        for _ in range(H1_CLIMB):
            if node is None or node.tag in ("html", "body") or _holds_navigation(node):
                break
            found.append(node)
            node = node.getparent()
    found.extend(el for el in doc.xpath("//main | //*[@role='main']")[:1] if el.tag not in ("html", "body"))
    unique: list[HtmlElement] = []
    for el in found:
        if el not in unique:
            unique.append(el)
    anchor = primary
    if article_root is not None and article_root.tag not in ("html", "body"):
        enclosing = next(article_root.iterancestors("article"), None)
        anchor = enclosing if enclosing is not None else article_root
    if anchor is None and h1 is not None:
        anchor = h1.getparent()
    return _Scopes(elements=unique, primary=primary, h1=h1, anchor=anchor)


def _headline_element(doc: HtmlElement) -> HtmlElement | None:
    """The page's headline ``<h1>``: the first one outside site headers and navigation."""
    for h1 in doc.iter("h1"):
        if not _in_site_furniture(h1):
            return h1
    return None


def _in_site_furniture(el: HtmlElement) -> bool:
    """Whether ``el`` sits in navigation, an aside, or a header/footer outside any ``<article>``."""
    site_only = False
    for node in el.iterancestors():
        tag = node.tag
        if tag == "article":
            return False
        if tag in _FURNITURE_TAGS or node.get("role") in _FURNITURE_ROLES:
            return True
        if tag in _SITE_ONLY_TAGS:
            site_only = True
    return site_only


def _primary_article(doc: HtmlElement, h1: HtmlElement | None) -> HtmlElement | None:
    """The ``<article>`` that holds the headline, else the page's only un-marked ``<article>``."""
    if h1 is not None:
        for node in h1.iterancestors("article"):
            return node
    articles = [a for a in doc.iter("article") if not _marked_widget(a)]
    return articles[0] if len(articles) == 1 else None


def _holds_navigation(node: HtmlElement) -> bool:
    """Whether ``node`` contains navigation or a site header (the climb above the h1 stops there)."""
    return bool(node.xpath(".//nav | .//header[not(ancestor::article)] | .//*[@role='banner' or @role='navigation']"))


def _names(node: HtmlElement) -> str:
    """The node's class and id values, lowercased, space-separated."""
    return f"{node.get('class') or ''} {node.get('id') or ''}".lower().strip()


def _marked_widget(node: HtmlElement) -> bool:
    """Whether the node's class/id names a widget, teaser, related block or sidebar."""
    names = _names(node)
    return bool(names) and bool(_WIDGET_RE.search(names) or _WIDGET_PREFIX_RE.search(names))


def _excluded(el: HtmlElement, scope: HtmlElement, primary: HtmlElement | None) -> bool:
    """Whether ``el`` sits in furniture between itself and ``scope`` (the scope itself is trusted).

    Furniture is nav/aside, a header or footer outside an ``<article>``, an
    ARIA banner/navigation/complementary region, a widget/teaser/related
    block by class or id, or another ``<article>`` than the page's own.
    """
    path = [el]
    for node in el.iterancestors():
        if node is scope:
            break
        path.append(node)
    else:
        return True  # not below the scope
    in_article = scope.tag == "article" or next(scope.iterancestors("article"), None) is not None
    for node in reversed(path):  # from just below the scope down to the element
        tag = node.tag
        if tag == "article":
            if primary is not None and node is not primary and primary not in node.iterancestors():
                return True  # a teaser card on the page
            in_article = True
        if tag in _FURNITURE_TAGS or node.get("role") in _FURNITURE_ROLES:
            return True
        names = _names(node)
        if not in_article and (tag in _SITE_ONLY_TAGS or (names and _SITE_ONLY_RE.search(names))):
            return True
        if names and (_WIDGET_RE.search(names) or _WIDGET_PREFIX_RE.search(names)):
            return True
    return False


def _candidates(scopes: _Scopes, wanted: Callable[[HtmlElement], bool]) -> Iterator[HtmlElement]:
    """Elements of each scope in turn that are ``wanted`` and not in furniture, each once.

    In a scope wider than the article, the walk stops at the article's end:
    what follows an article is teasers, comments and footers.
    """
    anchor = scopes.anchor
    anchor_last = _last_descendant(anchor) if anchor is not None else None
    seen: set[HtmlElement] = set()
    for scope in scopes.elements:
        wide = anchor is not None and scope is not anchor and any(a is scope for a in anchor.iterancestors())
        for el in scope.iter():
            if el in seen or not isinstance(el.tag, str):
                if wide and el is anchor_last:
                    break
                continue
            seen.add(el)
            if wanted(el) and not _excluded(el, scope, scopes.primary):
                yield el
            if wide and el is anchor_last:
                break


def _last_descendant(el: HtmlElement) -> HtmlElement:
    """The last element inside ``el`` in document order (``el`` itself when empty)."""
    node = el
    while True:
        children = [c for c in node if isinstance(c.tag, str)]
        if not children:
            return node
        node = children[-1]


def _is_time_element(el: HtmlElement) -> bool:
    """Whether ``el`` is a ``<time>``, a ``[itemprop=date*]`` or a ``[pubdate]`` element."""
    return (
        el.tag == "time"
        or (el.get("itemprop") or "").lower() in _DATE_ITEMPROPS
        or el.get("pubdate") is not None
    )


def _date_kind(el: HtmlElement) -> str:
    """"published", "modified" or "plain", from itemprop, class, pubdate or an "Updated:" label."""
    itemprop = (el.get("itemprop") or "").lower()
    classes = el.get("class") or ""
    if itemprop == "datemodified":
        return "modified"
    if itemprop in ("datepublished", "datecreated") or el.get("pubdate") is not None:
        return "published"
    if _MODIFIED_RE.search(classes) and not _PUBLISHED_RE.search(classes):
        return "modified"
    if _PUBLISHED_RE.search(classes):
        return "published"
    if _labelled_updated(el):
        return "modified"
    return "plain"


def _labelled_updated(el: HtmlElement) -> bool:
    """Whether the text just before ``el`` is an "Updated:" label."""
    prev = el.getprevious()
    parent = el.getparent()
    if prev is not None:
        text = prev.tail
    elif parent is not None:
        text = parent.text
    else:
        text = None
    return bool(text) and _after_updated_label(text)


def _after_updated_label(before: str) -> bool:
    """Whether ``before`` (the text up to a date) ends with an "Updated" label, a time allowed in between."""
    tail = before[-60:]
    earlier = _TIME_BEFORE_RE.search(tail)
    if earlier:
        tail = tail[: earlier.start()]
    return bool(_UPDATED_BEFORE_RE.search(tail))


def _time_elements(scopes: _Scopes) -> list[tuple[str, str]]:
    """(kind, raw value) of every ``<time>`` / ``[itemprop=date*]`` element in the article, in order.

    ``kind`` is "published", "modified" or "plain" (see :func:`_date_kind`).
    """
    found = []
    for el in _candidates(scopes, _is_time_element):
        raw = (el.get("datetime") or el.get("content") or "").strip() or normalize_space(el.text_content())
        if raw:
            found.append((_date_kind(el), raw))
    return found


def _from_time(
    elements: list[tuple[str, str]], reference: datetime | None, month_first: bool, *, modified: bool
) -> tuple[str, str] | None:
    """A publication date from the article's time elements (a modification date with ``modified``).

    Elements marked as published win over unmarked ones; elements marked
    as updated or modified are used only for ``modified``.
    """
    fallback: tuple[str, str] | None = None
    for kind, raw in elements:
        if (kind == "modified") != modified:
            continue
        found = _parse(raw, reference, month_first=month_first)
        if not found:
            continue
        if kind != "plain":
            return found[0], raw
        if fallback is None:
            fallback = (found[0], raw)
    return fallback


def _is_byline(el: HtmlElement) -> bool:
    """Whether ``el`` looks like a byline / entry-meta element or a "Published ..." line."""
    names = _names(el)
    if names and _BYLINE_RE.search(names):
        return True
    return el.tag in _SHORT_TEXT_TAGS and bool(_PUBLISHED_START_RE.match(el.text or ""))


def _from_byline(scopes: _Scopes, reference: datetime | None, month_first: bool) -> tuple[str, str] | None:
    """A date written in a byline / entry-meta element, a "Published ..." line, or just after the h1."""
    near_h1: list[HtmlElement] = []
    if scopes.h1 is not None:
        siblings = (el for el in scopes.h1.itersiblings() if isinstance(el.tag, str))
        near_h1 = [el for _, el in zip(range(BYLINE_SIBLINGS), siblings, strict=False) if not _marked_widget(el)]
    for el in chain(near_h1, _candidates(scopes, _is_byline)):
        text = normalize_space(el.text_content())
        if not text or len(text) > (MAX_NEAR_H1_CHARS if el in near_h1 else MAX_BYLINE_CHARS):
            continue
        found = _search_text(text, reference, month_first=month_first, skip_updated=True)
        if found:
            return found
    return None

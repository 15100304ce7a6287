"""Times given on the command line: durations (``30d``) and points in time (``2025-01-01``, ``24h``).

Pure functions, no Scrapy, no clock of their own: callers pass ``now``.
They serve ``-a since=`` / ``-a until=`` (a date window on what discovery
lists) and ``recrawl_after`` (how long a stored article stays fresh), and
read the dates sitemaps and feeds give (W3C datetime, a profile of ISO 8601).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import attrs

# Units of a duration: seconds, minutes, hours, days, weeks.
DURATION_UNITS: dict[str, timedelta] = {
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}
_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*\Z", re.IGNORECASE)
_YEAR_MONTH = re.compile(r"(\d{4})(?:-(\d{2}))?\Z")  # W3C datetime allows "2024" and "2024-05"


class TimeSpecError(ValueError):
    """A duration or point in time that cannot be read; the message says what is accepted."""


def parse_duration(value: str) -> timedelta:
    """A duration such as ``30d``, ``12h``, ``90m``, ``2w`` or ``45s`` as a timedelta (> 0)."""
    match = _DURATION.match(str(value))
    if not match:
        msg = f"{value!r} is not a duration; use a number and a unit (s, m, h, d, w), e.g. 30d or 12h"
        raise TimeSpecError(msg)
    amount = float(match.group(1)) * DURATION_UNITS[match.group(2).lower()]
    if not amount:
        msg = f"{value!r} is not a duration longer than zero"
        raise TimeSpecError(msg)
    return amount


def parse_datetime(value: str) -> datetime | None:
    """A W3C/ISO 8601 date or datetime as an aware datetime (UTC when no offset), or None.

    ``2024-05-20`` is midnight UTC of that day; ``2024`` and ``2024-05`` are
    the first day of the year or month; ``Z`` and ``+01:00`` offsets are kept.
    """
    text = (value or "").strip()
    if not text:
        return None
    if match := _YEAR_MONTH.match(text):
        try:
            return datetime(int(match.group(1)), int(match.group(2) or 1), 1, tzinfo=UTC)
        except ValueError:
            return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def parse_point(value: str, now: datetime, *, end_of_day: bool = False) -> datetime:
    """A point in time: an ISO date or datetime, or a duration meaning that long before ``now``.

    ``2025-01-01`` is midnight UTC; with ``end_of_day`` (for ``until``) a
    date without a time means the end of that day, so the day is included.
    """
    text = str(value).strip()
    if _DURATION.match(text):
        return now - parse_duration(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            day = None
        if day is not None:
            start = datetime.combine(day, time(0), tzinfo=UTC)
            return start + timedelta(days=1) - timedelta(microseconds=1) if end_of_day else start
    parsed = parse_datetime(text) if not _YEAR_MONTH.match(text) else None
    if parsed is None:
        msg = f"{value!r} is neither a date (2025-01-01, 2025-01-01T06:00:00+01:00) nor a duration back from now (24h, 7d)"
        raise TimeSpecError(msg)
    return parsed


@attrs.frozen
class DateWindow:
    """The dates of articles to fetch: from ``since`` to ``until``, both inclusive; None is open."""

    since: datetime | None = None
    until: datetime | None = None

    @classmethod
    def parse(cls, since: str | None, until: str | None, now: datetime) -> DateWindow:
        """The window of ``-a since=`` and ``-a until=``; raises :class:`TimeSpecError` naming the bad one."""
        try:
            start = parse_point(since, now) if since is not None else None
        except TimeSpecError as exc:
            raise TimeSpecError(f"since: {exc}") from None
        try:
            end = parse_point(until, now, end_of_day=True) if until is not None else None
        except TimeSpecError as exc:
            raise TimeSpecError(f"until: {exc}") from None
        if start is not None and end is not None and start > end:
            msg = f"since ({since}) is after until ({until})"
            raise TimeSpecError(msg)
        return cls(start, end)

    @property
    def is_open(self) -> bool:
        """True when the window admits every date (no since, no until)."""
        return self.since is None and self.until is None

    def admits(self, value: str | None) -> bool:
        """False only for a readable date outside the window; undated entries are admitted."""
        return self.admits_entry(value, None)

    def admits_entry(self, published: str | None, modified: str | None) -> bool:
        """Whether an entry with these dates (either may be missing) is inside the window.

        ``since``: published or modified at or after it (an old article
        updated since counts as new). ``until``: published (else modified) at
        or before it. An entry without a readable date is admitted.
        """
        pub, mod = parse_datetime(published or ""), parse_datetime(modified or "")
        dates = [d for d in (pub, mod) if d is not None]
        if not dates:
            return True
        if self.since is not None and max(dates) < self.since:
            return False
        return not (self.until is not None and dates[0] > self.until)


def utc_now() -> datetime:
    """The current time, UTC, to the second (the one place this module's callers read the clock)."""
    return datetime.now(UTC).replace(microsecond=0)


def isoformat(when: datetime) -> str:
    """``when`` as ISO 8601 UTC to the second, e.g. ``2026-01-02T03:04:05+00:00``."""
    return when.astimezone(UTC).replace(microsecond=0).isoformat()

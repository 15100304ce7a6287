"""A crawl's output as a research corpus: read, filter, de-duplicate, export, describe.

Pure Python, no Scrapy. A corpus is JSONL files (plain or ``.gz``) or a
crawl's state database (:class:`newscrawl.state.StoredRecords`: every
record the crawls wrote, kept by the incremental state); both give the
same records. The ``newscrawl export`` and ``newscrawl stats`` commands
are thin wrappers around :func:`read_records`, :func:`select`,
:func:`write_records` and :func:`describe`.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import html
import json
import os
import sys
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit

import attrs

from newscrawl.items import Article

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from newscrawl.progress import ProgressBar

FORMATS = ("jsonl", "csv", "parquet")
SQLITE_MAGIC = b"SQLite format 3\x00"  # the first bytes of every SQLite database file
# Fields whose coverage the stats report (share of articles where they are set).
COVERAGE_FIELDS = ("headline", "date_published", "authors", "dateline", "images", "captions", "language", "section")


class CorpusError(Exception):
    """A corpus input or option cannot be used; the message says which and why."""


@attrs.frozen
class Filters:
    """Which records an export or a report keeps."""

    outlets: frozenset[str] = frozenset()
    since: date | None = None
    until: date | None = None
    languages: frozenset[str] = frozenset()
    keep_duplicates: bool = False


def outlet_of(record: dict[str, Any]) -> str:
    """The outlet a record belongs to: its site name, else the host of its URL (without www.)."""
    name = record.get("site_name")
    if name:
        return str(name)
    host = urlsplit(record.get("canonical_url") or record.get("url") or "").hostname or "unknown"
    return host.removeprefix("www.")


def record_day(record: dict[str, Any]) -> date | None:
    """The publication day of a record (from ``date_published``), or None."""
    value = record.get("date_published")
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_day(value: str, option: str) -> date:
    """A ``YYYY-MM-DD`` option value, or a :class:`CorpusError` naming the option."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        msg = f"{option}: {value!r} is not a date (YYYY-MM-DD)"
        raise CorpusError(msg) from None


def is_state_input(source: str) -> bool:
    """True when an input is an SQLite database (a crawl's state database), from its first bytes."""
    if source == "-":
        return False
    try:
        with Path(source).open("rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def input_size(paths: Sequence[str]) -> int:
    """The inputs' total size on disk in bytes (stdin and missing files count 0): a progress bar's total."""
    total = 0
    for source in paths:
        if source != "-":
            with contextlib.suppress(OSError):
                total += os.path.getsize(source)
    return total


def read_records(
    paths: Sequence[str], problems: list[str] | None = None, progress: ProgressBar | None = None
) -> Iterator[dict[str, Any]]:
    """Records from JSONL files (``.gz`` too; ``-`` is stdin) and state databases, in input order.

    Bad lines are skipped and noted in ``problems``, as are records a
    state database knows of but does not hold (written before it kept
    them). ``progress`` is moved through the inputs' bytes
    (:func:`input_size`) and counts the records read.
    """
    done = count = 0
    for source in paths:
        size = input_size([source])
        records = _state_records(source, size, problems) if is_state_input(source) else _jsonl_records(source, problems)
        for record, position in records:
            count += 1
            if progress is not None:
                progress.update(done + position, count=count)
            yield record
        done += size


def _state_records(source: str, size: int, problems: list[str] | None) -> Iterator[tuple[dict[str, Any], float]]:
    """(record, bytes-equivalent position) of each record a state database holds."""
    from newscrawl.state import StateError, StoredRecords  # noqa: PLC0415 - numpy and SQLite only when needed

    try:
        with StoredRecords(source) as stored:
            total = len(stored) or 1
            missing = stored.missing()
            if missing and problems is not None:
                problems.append(f"{source}: {missing} records written before this state database kept articles "
                                "(schema 1) are not in it; export them from their JSONL")
            for n, record in enumerate(stored, 1):
                yield record, size * n / total
    except StateError as exc:
        raise CorpusError(str(exc)) from exc


def _jsonl_records(source: str, problems: list[str] | None) -> Iterator[tuple[dict[str, Any], float]]:
    """(record, bytes of the file read) of each good line of a JSONL file."""
    try:
        raw, lines = _open_lines(source)
    except OSError as exc:
        msg = f"{source}: {exc.strerror or exc}"
        raise CorpusError(msg) from exc
    with raw, lines:
        for lineno, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                if problems is not None:
                    problems.append(f"{source}:{lineno}: not JSON ({exc.msg})")
                continue
            except UnicodeDecodeError:
                if problems is not None:
                    problems.append(f"{source}:{lineno}: not UTF-8")
                continue
            if not isinstance(record, dict) or "url" not in record:
                if problems is not None:
                    problems.append(f"{source}:{lineno}: not an article record")
                continue
            yield record, (raw.tell() if raw is not sys.stdin.buffer else 0)


def _open_lines(source: str) -> tuple[IO[bytes], IO[bytes]]:
    """(the file as stored, its lines as bytes): the same object unless it is gzipped."""
    if source == "-":
        return sys.stdin.buffer, sys.stdin.buffer
    path = Path(source)
    if path.is_dir():
        raise IsADirectoryError(21, "is a directory")
    raw = path.open("rb")
    if path.suffix == ".gz":
        return raw, gzip.GzipFile(fileobj=raw, mode="rb")
    return raw, raw


def select(records: Iterable[dict[str, Any]], filters: Filters) -> Iterator[dict[str, Any]]:
    """Records that pass ``filters``; exact repeats (same canonical URL and version) are dropped.

    Near-duplicates (``duplicate_of`` set) are dropped unless
    ``keep_duplicates``; without a publication date a record passes a
    date filter only when no date bound is given.
    """
    seen: set[tuple[str, Any]] = set()
    for record in records:
        key = ((record.get("canonical_url") or record["url"]).rstrip("/"), record.get("version"))
        if key in seen:
            continue
        seen.add(key)
        if record.get("duplicate_of") and not filters.keep_duplicates:
            continue
        if filters.outlets and outlet_of(record) not in filters.outlets:
            continue
        if filters.languages and record.get("language") not in filters.languages:
            continue
        if filters.since or filters.until:
            day = record_day(record)
            if day is None or (filters.since and day < filters.since) or (filters.until and day > filters.until):
                continue
        yield record


# -- writers ---------------------------------------------------------------------
def write_records(records: Iterable[dict[str, Any]], out: str, fmt: str) -> int:
    """Write ``records`` to ``out`` (``-`` for stdout, not for Parquet) in ``fmt``; returns the count."""
    if fmt not in FORMATS:
        msg = f"--format: {fmt!r} is not one of {', '.join(FORMATS)}"
        raise CorpusError(msg)
    if fmt == "parquet":
        if out == "-":
            msg = "Parquet cannot be written to stdout: give -o FILE"
            raise CorpusError(msg)
        return _write_parquet(records, Path(out))
    fh: IO[str] = sys.stdout if out == "-" else Path(out).open("w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below unless stdout
    try:
        if fmt == "jsonl":
            count = 0
            for record in records:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
            return count
        return _write_csv(records, fh)
    finally:
        if fh is not sys.stdout:
            fh.close()


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


# Column order of CSV and Parquet exports: the JSONL contract's, then any other key (e.g. ``source``).
CONTRACT_FIELDS = tuple(f.name for f in attrs.fields(Article))


def _columns(first: dict[str, Any]) -> list[str]:
    """Every contract field (so older records without a newer field still fit), then the record's others."""
    return [*CONTRACT_FIELDS, *(k for k in first if k not in CONTRACT_FIELDS)]


def _write_csv(records: Iterable[dict[str, Any]], fh: IO[str]) -> int:
    writer: csv.DictWriter[str] | None = None
    count = 0
    for record in records:
        if writer is None:
            writer = csv.DictWriter(fh, fieldnames=_columns(record), extrasaction="ignore")
            writer.writeheader()
        writer.writerow({k: _csv_value(v) for k, v in record.items()})
        count += 1
    return count


_TIMESTAMP_FIELDS = ("date_published", "date_modified", "fetched_at", "previous_fetched_at")


def _timestamp(value: Any) -> datetime | None:
    """An ISO 8601 string as an aware UTC datetime (naive values are taken as UTC)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _write_parquet(records: Iterable[dict[str, Any]], path: Path) -> int:
    try:
        import pyarrow as pa  # noqa: PLC0415
        import pyarrow.parquet as pq  # noqa: PLC0415
    except ImportError:
        msg = "Parquet needs pyarrow: pip install 'newscrawl[parquet]'"
        raise CorpusError(msg) from None
    image = pa.struct([("url", pa.string()), ("alt", pa.string()), ("caption", pa.string()), ("credit", pa.string())])
    types: dict[str, pa.DataType] = {
        "authors": pa.list_(pa.string()),
        "tags": pa.list_(pa.string()),
        "images": pa.list_(image),
        "is_accessible_for_free": pa.bool_(),
        "version": pa.int64(),
    }
    types.update({name: pa.timestamp("s", tz="UTC") for name in _TIMESTAMP_FIELDS})
    rows = list(records)
    names: list[str] = list(dict.fromkeys([*CONTRACT_FIELDS, *(k for r in rows for k in r)]))
    columns = {}
    for name in names:
        kind = types.get(name, pa.string())
        values = [r.get(name) for r in rows]
        if name in _TIMESTAMP_FIELDS:
            values = [_timestamp(v) for v in values]
        elif kind == pa.string():
            values = [None if v is None else (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)) for v in values]
        columns[name] = pa.array(values, type=kind)
    pq.write_table(pa.table(columns), path)
    return len(rows)


# -- statistics --------------------------------------------------------------------
def _covered(record: dict[str, Any], name: str) -> bool:
    if name == "captions":
        return any(img.get("caption") for img in record.get("images") or [])
    value = record.get(name)
    return value not in (None, "", [])


def describe(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Articles per outlet and per day, field coverage, languages and duplicate share."""
    total = duplicates = 0
    outlets: Counter[str] = Counter()
    days: Counter[str] = Counter()
    per_outlet_day: Counter[tuple[str, str]] = Counter()
    languages: Counter[str] = Counter()
    covered: Counter[str] = Counter()
    for record in records:
        total += 1
        outlet = outlet_of(record)
        outlets[outlet] += 1
        day = record_day(record)
        day_key = day.isoformat() if day else "unknown"
        days[day_key] += 1
        per_outlet_day[(outlet, day_key)] += 1
        languages[record.get("language") or "unknown"] += 1
        duplicates += bool(record.get("duplicate_of"))
        for name in COVERAGE_FIELDS:
            covered[name] += _covered(record, name)
    return {
        "articles": total,
        "outlets": dict(outlets.most_common()),
        "days": dict(sorted(days.items())),
        "outlet_days": {f"{o}\t{d}": n for (o, d), n in sorted(per_outlet_day.items())},
        "languages": dict(languages.most_common()),
        "coverage": {name: (covered[name] / total if total else 0.0) for name in COVERAGE_FIELDS},
        "duplicate_share": duplicates / total if total else 0.0,
    }


def format_stats(stats: dict[str, Any]) -> str:
    """The statistics as plain text for a terminal."""
    lines = [f"articles: {stats['articles']}", "", "per outlet:"]
    lines += [f"  {n:>7}  {name}" for name, n in stats["outlets"].items()]
    lines += ["", "per day (publication date):"]
    lines += [f"  {day}  {n:>7}" for day, n in stats["days"].items()]
    lines += ["", "languages:"]
    lines += [f"  {lang:<8} {n:>7}" for lang, n in stats["languages"].items()]
    lines += ["", "field coverage:"]
    lines += [f"  {name:<16} {share:>6.1%}" for name, share in stats["coverage"].items()]
    lines += ["", f"near-duplicate share: {stats['duplicate_share']:.1%}"]
    return "\n".join(lines)


def _bar_chart(title: str, data: dict[str, float], *, percent: bool = False) -> str:
    """A horizontal bar chart as inline SVG (no scripts, no external files)."""
    if not data:
        return f"<h2>{html.escape(title)}</h2><p>no data</p>"
    top = max(data.values()) or 1
    row, label_w, bar_w = 18, 220, 420
    parts = [f'<svg width="{label_w + bar_w + 80}" height="{row * len(data) + 4}" role="img" aria-label="{html.escape(title)}">']
    for i, (label, value) in enumerate(data.items()):
        y = i * row
        width = bar_w * (value / top)
        shown = f"{value:.0%}" if percent else f"{value:g}"
        parts.append(
            f'<text x="0" y="{y + 13}" font-size="12">{html.escape(label[:34])}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{width:.1f}" height="{row - 5}" fill="#4a7ab5"/>'
            f'<text x="{label_w + width + 4:.1f}" y="{y + 13}" font-size="12">{shown}</text>'
        )
    parts.append("</svg>")
    return f"<h2>{html.escape(title)}</h2>" + "".join(parts)


def stats_html(stats: dict[str, Any]) -> str:
    """The statistics as a self-contained HTML page with small charts, viewable offline."""
    outlets = list(stats["outlets"])
    per_day_outlet = "".join(
        _bar_chart(f"Articles per day: {outlet}", {
            key.split("\t")[1]: n for key, n in stats["outlet_days"].items() if key.split("\t")[0] == outlet
        })
        for outlet in outlets[:12]
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>newscrawl corpus report</title>"
        "<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:60em}h2{font-size:16px;margin-top:2em}</style>"
        f"</head><body><h1>newscrawl corpus report</h1><p>{stats['articles']} articles, "
        f"{len(outlets)} outlets, near-duplicate share {stats['duplicate_share']:.1%}.</p>"
        + _bar_chart("Articles per outlet", {k: float(v) for k, v in stats["outlets"].items()})
        + _bar_chart("Field coverage", stats["coverage"], percent=True)
        + _bar_chart("Languages", {k: float(v) for k, v in stats["languages"].items()})
        + per_day_outlet
        + "</body></html>\n"
    )

"""The ``newscrawl`` command: offline extraction and the item schema.

Crawling is ``scrapy crawl news`` (see the README); this command covers
what needs no crawl.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from newscrawl import __version__

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from newscrawl.warc import ArchivedResponse

# Inputs larger than this are refused (the crawler's DOWNLOAD_MAXSIZE default).
MAX_INPUT_BYTES = 10 * 1024 * 1024


class InputError(Exception):
    """One input cannot be extracted; the message names the problem."""


def read_input(source: str, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The raw page bytes of ``source`` (a path, ``.html.gz``, or ``-`` for stdin)."""
    try:
        if source == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            path = Path(source)
            if path.is_dir():
                raise InputError("is a directory")
            with path.open("rb") as fh:
                data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from exc
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=__import__("io").BytesIO(data)) as gz:
                data = gz.read(max_bytes + 1)
        except (OSError, EOFError) as exc:
            raise InputError(f"corrupt gzip data ({exc})") from exc
    if len(data) > max_bytes:
        raise InputError(f"larger than {max_bytes // (1024 * 1024)} MiB (--max-bytes)")
    if not data.strip():
        raise InputError("empty file")
    return data


def _url_for(source: str, url: str | None) -> str:
    if url:
        return url
    if source == "-":
        return "file:///dev/stdin"
    return Path(source).resolve().as_uri()


def extract_one(source: str, url: str | None, max_bytes: int, selectors: Any = None) -> dict[str, Any]:
    """Extract one input into a JSON-ready dict (item fields plus ``source``); ``selectors``: an outlet's."""
    from itemadapter import ItemAdapter  # noqa: PLC0415

    from newscrawl.extraction import extract  # noqa: PLC0415

    data = read_input(source, max_bytes)
    result = extract(data, _url_for(source, url), force=True, selectors=selectors)
    if result.item is None:
        detail = result.detail or result.skip_reason or "no article"
        # a page in an unknown encoding is HTML we cannot read: say so, not "not HTML"
        raise InputError(detail if detail.startswith("unknown encoding") else f"not HTML ({detail})")
    record = ItemAdapter(result.item).asdict()
    record["source"] = source
    return record


def _is_warc_path(source: str) -> bool:
    if source == "-":
        return False
    path = Path(source)
    if path.name.endswith((".warc", ".warc.gz")):
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    from newscrawl.warc import is_warc  # noqa: PLC0415

    return is_warc(head)


def reextract(page: ArchivedResponse, warc_file: str) -> dict[str, Any] | None:
    """The article of an archived response as the crawl made it, or None for a page without one.

    The same steps as the crawl's :class:`~newscrawl.pipelines.extract.ExtractPipeline`:
    extraction (with the outlet's selectors when the page was listed with
    them), the listing's date and headline where the page has none, then
    provenance: ``fetched_at`` from the record's ``WARC-Date``, the current
    ``extractor_version``, and the WARC file and record id.
    """
    from itemadapter import ItemAdapter  # noqa: PLC0415

    from newscrawl.extraction import extract  # noqa: PLC0415
    from newscrawl.listing import fill_from_listing  # noqa: PLC0415
    from newscrawl.middlewares import stamp_provenance  # noqa: PLC0415
    from newscrawl.warc import WarcLocation  # noqa: PLC0415

    result = extract(page.body, page.url, page.headers, page.status, selectors=page.listed.get("selectors") or None)
    if result.item is None:
        return None
    article = fill_from_listing(result.item, page.listed)
    stamp_provenance(article, page.date, WarcLocation(warc_file, page.record_id, page.date))
    return ItemAdapter(article).asdict()


def extract_warc(source: str, out: IO[str]) -> int:
    """Re-extract every HTML response of a WARC file (a progress bar on a terminal); returns how many failed."""
    from newscrawl.progress import ProgressBar  # noqa: PLC0415
    from newscrawl.warc import archived_responses  # noqa: PLC0415

    path = Path(source)
    try:
        with ProgressBar(path.name, path.stat().st_size, unit="pages") as bar:
            for page in archived_responses(path):
                record = reextract(page, path.name)
                bar.update(page.position, advance=1)
                if record is None:
                    continue
                record["source"] = source
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    except Exception as exc:  # noqa: BLE001  (warcio raises several kinds on a damaged archive)
        print(f"newscrawl extract: {source}: unreadable WARC ({exc})", file=sys.stderr)
        return 1
    return 0


class OutletError(Exception):
    """``--sources``/``--outlet`` cannot be used; the message says why."""


def outlet_selectors(sources: str | None, outlet: str | None) -> Any:
    """The extraction selectors of ``--outlet`` in ``--sources`` (None without the options, or when it has none)."""
    if outlet is None and sources is None:
        return None
    if outlet is None or sources is None:
        msg = "--sources and --outlet go together: --sources FILE --outlet NAME"
        raise OutletError(msg)
    from newscrawl.extraction.selectors import OutletSelectors  # noqa: PLC0415
    from newscrawl.sources import SourcesError, load_sources  # noqa: PLC0415

    try:
        outlets = {o.name: o for o in load_sources(sources)}
    except SourcesError as exc:
        raise OutletError(str(exc)) from None
    if outlet not in outlets:
        msg = f"{sources}: no outlet named {outlet!r} (outlets: {', '.join(map(str, outlets))})"
        raise OutletError(msg)
    return OutletSelectors.from_dict(outlets[outlet].selectors)


def cmd_explain(args: argparse.Namespace, selectors: Any = None) -> int:
    """Print which rule removed which text for each input page."""
    from newscrawl.extraction.pages import NotHtmlError, make_response, page_for  # noqa: PLC0415

    failed = 0
    for source in args.paths:
        try:
            data = read_input(source, args.max_bytes)
            page = page_for(make_response(data, _url_for(source, args.url)), selectors)
            log = page.explain()
        except (InputError, NotHtmlError) as exc:
            failed += 1
            print(f"newscrawl extract: {source}: {exc}", file=sys.stderr)
            continue
        print(f"# {source}: {len(log)} removals")
        width = max((len(rule) for rule, _ in log), default=0)
        for rule, text in log:
            excerpt = " ".join(text.split())
            if len(excerpt) > args.excerpt:
                excerpt = excerpt[: args.excerpt - 1] + "…"
            print(f"{rule:<{width}}  {excerpt}")
    return 1 if failed else 0


def cmd_extract(args: argparse.Namespace) -> int:
    try:
        selectors = outlet_selectors(args.sources, args.outlet)
    except OutletError as exc:
        print(f"newscrawl extract: {exc}", file=sys.stderr)
        return 2
    if args.explain:
        return cmd_explain(args, selectors)
    failed = 0
    out = sys.stdout
    for source in args.paths:
        if _is_warc_path(source):
            failed += extract_warc(source, out)
            continue
        try:
            record = extract_one(source, args.url, args.max_bytes, selectors)
        except InputError as exc:
            failed += 1
            print(f"newscrawl extract: {source}: {exc}", file=sys.stderr)
            continue
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
    return 1 if failed else 0


def cmd_schema(args: argparse.Namespace) -> int:
    from newscrawl import schema  # noqa: PLC0415

    if args.markdown:
        print(schema.markdown_table())
    else:
        print(json.dumps(schema.json_schema(), indent=2, ensure_ascii=False))
    return 0


def _filters(args: argparse.Namespace) -> Any:
    from newscrawl import corpus  # noqa: PLC0415

    return corpus.Filters(
        outlets=frozenset(args.outlet or ()),
        since=corpus.parse_day(args.since, "--since") if args.since else None,
        until=corpus.parse_day(args.until, "--until") if args.until else None,
        languages=frozenset(args.language or ()),
        keep_duplicates=args.keep_duplicates,
    )


def _report_problems(command: str, problems: list[str]) -> None:
    for problem in problems[:20]:
        print(f"newscrawl {command}: skipped {problem}", file=sys.stderr)
    if len(problems) > 20:
        print(f"newscrawl {command}: ... and {len(problems) - 20} more bad lines", file=sys.stderr)


def _read_corpus(args: argparse.Namespace, command: str, problems: list[str]) -> Iterator[dict[str, Any]]:
    """The selected records of the inputs (positional, then each --state), with a progress bar on a terminal.

    Bad options raise :class:`~newscrawl.corpus.CorpusError` here, before any output is opened.
    """
    from newscrawl import corpus  # noqa: PLC0415
    from newscrawl.progress import ProgressBar  # noqa: PLC0415

    inputs = [*args.inputs, *(args.state or ())]
    if not inputs:
        msg = "give JSONL files or a state database (--state PATH)"
        raise corpus.CorpusError(msg)
    filters = _filters(args)

    def records() -> Iterator[dict[str, Any]]:
        with ProgressBar(command, corpus.input_size(inputs) or None, unit="records read") as bar:
            yield from corpus.select(corpus.read_records(inputs, problems, bar), filters)

    return records()


def cmd_export(args: argparse.Namespace) -> int:
    from newscrawl import corpus  # noqa: PLC0415

    fmt = args.format or (Path(args.output).suffix.lstrip(".") if args.output != "-" else "jsonl")
    problems: list[str] = []
    try:
        records = _read_corpus(args, "export", problems)
        count = corpus.write_records(records, args.output, fmt)
    except corpus.CorpusError as exc:
        print(f"newscrawl export: {exc}", file=sys.stderr)
        return 2
    _report_problems("export", problems)
    print(f"newscrawl export: {count} articles written to {args.output} ({fmt})", file=sys.stderr)
    return 1 if problems else 0


def cmd_stats(args: argparse.Namespace) -> int:
    from newscrawl import corpus  # noqa: PLC0415

    problems: list[str] = []
    try:
        stats = corpus.describe(_read_corpus(args, "stats", problems))
    except corpus.CorpusError as exc:
        print(f"newscrawl stats: {exc}", file=sys.stderr)
        return 2
    _report_problems("stats", problems)
    if args.json:
        print(json.dumps(stats, indent=2, ensure_ascii=False))
    else:
        print(corpus.format_stats(stats))
    if args.html:
        Path(args.html).write_text(corpus.stats_html(stats), encoding="utf-8")
        print(f"newscrawl stats: report written to {args.html}", file=sys.stderr)
    return 1 if problems else 0


def _add_filter_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="crawl output files (.jsonl or .jsonl.gz; - for stdin) or state databases (.sqlite3)")
    p.add_argument("--state", action="append", metavar="PATH",
                   help="read the articles stored in this state database (NEWSCRAWL_STATE_PATH); repeatable")
    p.add_argument("--outlet", action="append", help="keep only this outlet (site name or host); repeatable")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="keep articles published on or after this day")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="keep articles published on or before this day")
    p.add_argument("--language", action="append", help="keep only this language (ISO 639-1); repeatable")
    p.add_argument("--keep-duplicates", action="store_true",
                   help="keep near-duplicates (records with duplicate_of set); dropped by default")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newscrawl",
        description="newscrawl: clean news articles from HTML. Crawl with `scrapy crawl news` "
        "(its arguments: README.md); with this command, extract saved pages or WARC archives, "
        "export and describe a corpus, print the item schema, and feed distributed workers.",
    )
    parser.add_argument("--version", action="version", version=f"newscrawl {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "extract",
        help="extract articles from saved pages into JSON lines",
        description="Run newscrawl's extraction on saved pages and print one JSON line per "
        "input, in order: every article field plus `source` (the path as given). An input "
        "that cannot be read or is not HTML gets a one-line error on stderr; the others are "
        "still extracted, and the exit status is 1. A WARC archive gives one line per article "
        "page in it, as the crawl that wrote it made them (fetched_at, warc_file and "
        "warc_record_id from the archive), with a progress bar when stderr is a terminal.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="a .html or .html.gz file, a .warc/.warc.gz archive (every HTML response in it "
                   "is re-extracted; article pages only), or - for stdin")
    p.add_argument("--url", help="the page's URL (resolves relative links; default: the file's file:// URL)")
    p.add_argument("--explain", action="store_true",
                   help="instead of JSON, print which cleaning rule removed which text (rule, excerpt)")
    p.add_argument("--excerpt", type=int, default=100, help="excerpt length for --explain (default: %(default)s)")
    p.add_argument("--max-bytes", type=int, default=MAX_INPUT_BYTES,
                   help="refuse inputs larger than this (default: %(default)s)")
    p.add_argument("--sources", metavar="FILE",
                   help="a sources file (TOML, as for `scrapy crawl news -a sources=`); with --outlet")
    p.add_argument("--outlet", metavar="NAME",
                   help="apply this outlet's drop/headline/body selectors from --sources to the HTML inputs "
                   "(WARC records keep the selectors of the crawl that archived them)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser(
        "export",
        help="write a corpus (JSONL files or a state database) to JSONL, CSV or Parquet, filtered and de-duplicated",
        description="Read crawl output (JSONL files, or the articles a state database stores), keep what "
        "the filters select, drop exact repeats and (unless --keep-duplicates) near-duplicates, and write "
        "JSONL, CSV or Parquet (dates as UTC timestamps). A progress bar is shown when stderr is a terminal.",
    )
    _add_filter_options(p)
    p.add_argument("-o", "--output", required=True, help="output file (- for stdout, not for Parquet)")
    p.add_argument("--format", choices=["jsonl", "csv", "parquet"], help="default: from the output's extension")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "stats",
        help="describe a corpus: articles per outlet and day, field coverage, languages, duplicates",
        description="Print articles per outlet and per day, field coverage, languages and the "
        "near-duplicate share of a corpus (JSONL files or a state database); --html also writes them "
        "as a page with charts.",
    )
    _add_filter_options(p)
    p.add_argument("--html", metavar="FILE", help="also write an offline HTML report with charts")
    p.add_argument("--json", action="store_true", help="print the statistics as JSON")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of an output line",
        description="Print the JSON Schema of one line of newscrawl's JSONL output, "
        "generated from the Article item class and its field docs.",
    )
    p.add_argument("--markdown", action="store_true", help="print the README's field table instead")
    p.set_defaults(func=cmd_schema)

    from newscrawl.distributed.push import add_push_command  # noqa: PLC0415 - issue 5; imports redis only when run

    add_push_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())

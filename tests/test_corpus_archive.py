"""The research corpus of one crawl of the demo site, with the WARC archive and the state database on.

Every item points at its archived response; the archive re-extracts to the
crawl's items; the state database holds the written records and exports
and describes the same corpus as the JSONL; long commands show a progress
bar on a terminal and nothing when piped.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import sqlite3
import struct
import subprocess
import sys
import termios
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from conftest import run_crawl

from newscrawl.progress import ProgressBar
from newscrawl.state import StateStore, StoredRecords, WrittenRecord

if TYPE_CHECKING:
    from conftest import CrawlResult
    from fixture_site import FixtureSite

# Fields the state sets on a crawled record that re-extraction (no state) leaves null.
STATE_FIELDS = ("version", "previous_fetched_at", "duplicate_of")


@pytest.fixture(scope="module")
def crawl(demo_site: FixtureSite, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CrawlResult]:
    """One crawl of the demo site writing out.jsonl, a WARC archive in warc/ and the state in state.sqlite3."""
    tmp = tmp_path_factory.mktemp("research")
    result = run_crawl(tmp, f"url={demo_site.url('/')}", settings={
        "NEWSCRAWL_WARC_DIR": str(tmp / "warc"),
        "NEWSCRAWL_STATE_ENABLED": "True",
        "NEWSCRAWL_STATE_PATH": str(tmp / "state.sqlite3"),
        "NEWSCRAWL_EXTRACT_WORKERS": "0",
    })
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(result.items) >= 12
    return tmp, result


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newscrawl.cli", *args], capture_output=True, text=True, check=False, timeout=120)


def run_on_terminal(*args: str) -> tuple[int, str]:
    """Run a newscrawl command with stderr on a 160-column pseudo-terminal (stdout to /dev/null); its exit status and what the terminal got."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "newscrawl.cli", *args], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _responses(warc_dir: Path) -> dict[str, tuple[str, Any]]:
    """(file name, record headers) of every response record in the archive, by WARC-Record-ID."""
    from warcio.archiveiterator import ArchiveIterator  # noqa: PLC0415

    found = {}
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    found[record.rec_headers.get_header("WARC-Record-ID")] = (path.name, record.rec_headers)
    return found


# -- WARC provenance and re-extraction -----------------------------------------------------------


def test_every_item_points_at_its_archived_response(crawl: tuple[Path, CrawlResult]) -> None:
    """warc_file and warc_record_id name a response record of the page's URL, dated the item's fetched_at."""
    tmp, result = crawl
    responses = _responses(tmp / "warc")
    for item in result.items:
        assert item["warc_file"] and (tmp / "warc" / item["warc_file"]).is_file(), item["url"]
        file_name, headers = responses[item["warc_record_id"]]
        assert file_name == item["warc_file"]
        assert headers.get_header("WARC-Target-URI") == item["url"]
        assert headers.get_header("WARC-Date").replace("Z", "+00:00") == item["fetched_at"]


def test_archive_re_extracts_to_the_crawled_items(crawl: tuple[Path, CrawlResult]) -> None:
    """`newscrawl extract` on the archive gives each crawled item again, provenance included; only the state's fields differ."""
    tmp, result = crawl
    [archive] = sorted((tmp / "warc").glob("*.warc.gz"))
    proc = run("extract", str(archive))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # piped: no progress bar
    again = {r["url"]: r for r in map(json.loads, proc.stdout.splitlines())}
    assert set(again) == result.urls
    for item in result.items:
        expected = {**item, **dict.fromkeys(STATE_FIELDS), "source": str(archive)}
        assert again[item["url"]] == expected, item["url"]


def test_listing_entries_are_archived_as_metadata_records(crawl: tuple[Path, CrawlResult]) -> None:
    """An article page discovered from a listing has a JSON metadata record next to its response."""
    from warcio.archiveiterator import ArchiveIterator  # noqa: PLC0415

    tmp, result = crawl
    ids = {item["warc_record_id"] for item in result.items}
    listed = {}
    for path in (tmp / "warc").glob("*.warc.gz"):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "metadata":
                    assert record.rec_headers.get_header("Content-Type") == "application/json"
                    listed[record.rec_headers.get_header("WARC-Concurrent-To")] = json.loads(record.content_stream().read())
    assert ids <= set(listed)
    assert all(entry["newscrawl_listed"]["source"] for entry in listed.values())


# -- the state database as the corpus -------------------------------------------------------------


def test_state_database_holds_every_written_record(crawl: tuple[Path, CrawlResult]) -> None:
    """The state's records table holds each JSONL line, in the order written."""
    tmp, result = crawl
    with StoredRecords(tmp / "state.sqlite3") as stored:
        assert len(stored) == len(result.items)
        assert list(stored) == result.items
        assert stored.missing() == 0
    # each record's document is its line as written, byte for byte (the exporter hands it on)
    with contextlib.closing(sqlite3.connect(tmp / "state.sqlite3")) as db:
        documents = [doc for (doc,) in db.execute("SELECT document FROM records ORDER BY rowid")]
    assert documents == (tmp / "out.jsonl").read_text("utf-8").splitlines()


@pytest.mark.parametrize(
    "options",
    [(), ("--language", "de"), ("--since", "2024-01-01", "--until", "2024-12-31"), ("--keep-duplicates",)],
    ids=["all", "language", "dates", "keep-duplicates"],
)
def test_export_from_state_equals_export_from_jsonl(crawl: tuple[Path, CrawlResult], tmp_path: Path, options: tuple[str, ...]) -> None:
    """`export --state` writes the same records as `export` of the crawl's JSONL, with the same filters."""
    tmp, result = crawl
    from_jsonl, from_state = tmp_path / "jsonl.jsonl", tmp_path / "state.jsonl"
    first = run("export", str(tmp / "out.jsonl"), "-o", str(from_jsonl), *options)
    second = run("export", "--state", str(tmp / "state.sqlite3"), "-o", str(from_state), *options)
    assert first.returncode == second.returncode == 0, second.stderr
    assert _lines(from_state) == _lines(from_jsonl)
    assert _lines(from_state)
    if options and options[0] == "--language":
        assert {r["language"] for r in _lines(from_state)} == {"de"}
        assert len(_lines(from_state)) == sum(i["language"] == "de" for i in result.items)


def test_state_database_given_as_input_exports_csv_and_parquet(crawl: tuple[Path, CrawlResult], tmp_path: Path) -> None:
    """A .sqlite3 input is recognised as a state database; CSV and Parquet carry the WARC columns."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    tmp, result = crawl
    proc = run("export", str(tmp / "state.sqlite3"), "-o", str(tmp_path / "c.parquet"), "--outlet", result.items[0]["site_name"])
    assert proc.returncode == 0, proc.stderr
    table = pq.read_table(tmp_path / "c.parquet")
    assert table.num_rows == sum(i["site_name"] == result.items[0]["site_name"] for i in result.items)
    assert set(table.column("warc_record_id").to_pylist()) <= {i["warc_record_id"] for i in result.items}
    kind = table.schema.field("fetched_at").type
    assert pa.types.is_timestamp(kind) and kind.tz == "UTC"
    assert run("export", "--state", str(tmp / "state.sqlite3"), "-o", str(tmp_path / "c.csv")).returncode == 0
    header = (tmp_path / "c.csv").read_text("utf-8").splitlines()[0].split(",")
    assert header[:2] == ["url", "canonical_url"] and "warc_file" in header and "warc_record_id" in header


def test_stats_from_state_equal_stats_from_jsonl(crawl: tuple[Path, CrawlResult], tmp_path: Path) -> None:
    """`stats --state` describes the same corpus as `stats` of the JSONL, HTML report included."""
    tmp, _ = crawl
    from_jsonl = run("stats", str(tmp / "out.jsonl"), "--json")
    from_state = run("stats", "--state", str(tmp / "state.sqlite3"), "--json", "--html", str(tmp_path / "r.html"))
    assert from_state.returncode == 0, from_state.stderr
    assert json.loads(from_state.stdout) == json.loads(from_jsonl.stdout)
    assert "<svg" in (tmp_path / "r.html").read_text("utf-8")


def test_schema_1_database_is_migrated_and_export_names_what_it_lacks(tmp_path: Path) -> None:
    """A state database from before records were kept gains the table on open; an export says how many records it lacks."""
    path = tmp_path / "old.sqlite3"
    with StateStore(path) as store:
        store.record_written(WrittenRecord(key="k", url="https://a.example/k", canonical_url=None, urls=(), fingerprint="f",
                                           version=2, fetched_at=None, seen_at="2025-01-01T00:00:00+00:00"))
    db = sqlite3.connect(path)
    db.execute("DROP TABLE records")
    db.execute("UPDATE meta SET value = '1' WHERE name = 'schema_version'")
    db.commit()
    db.close()
    with StoredRecords(path) as stored:  # read-only: still schema 1
        assert len(stored) == 0 and stored.missing() == 2
    proc = run("export", "--state", str(path), "-o", str(tmp_path / "x.jsonl"))
    assert proc.returncode == 1 and "2 records written before this state database kept articles" in proc.stderr
    with StateStore(path) as store:
        store.record_written(WrittenRecord(key="k", url="https://a.example/k", canonical_url=None, urls=(), fingerprint="g",
                                           version=3, fetched_at=None, seen_at="2025-02-01T00:00:00+00:00",
                                           document=json.dumps({"url": "https://a.example/k", "version": 3})))
    db = sqlite3.connect(path)
    assert db.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone() == ("2",)
    db.close()
    with StoredRecords(path) as stored:
        assert list(stored) == [{"url": "https://a.example/k", "version": 3}] and stored.missing() == 2


def test_export_without_input_or_with_a_foreign_database_stops_with_one_line(tmp_path: Path) -> None:
    """No input at all, or an SQLite file that is no state database, is refused with exit status 2."""
    proc = run("export", "-o", str(tmp_path / "x.jsonl"))
    assert proc.returncode == 2 and "--state PATH" in proc.stderr
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    proc = run("stats", str(other))
    assert proc.returncode == 2 and "not a newscrawl state database" in proc.stderr and "Traceback" not in proc.stderr


# -- progress ---------------------------------------------------------------------------------------


def test_long_commands_show_a_progress_bar_on_a_terminal(crawl: tuple[Path, CrawlResult], tmp_path: Path) -> None:
    """Re-extracting a WARC and exporting draw a bar on a terminal's stderr, ending at 100%."""
    tmp, result = crawl
    [archive] = sorted((tmp / "warc").glob("*.warc.gz"))
    status, screen = run_on_terminal("extract", str(archive))
    assert status == 0
    assert f"\r{archive.name} [" in screen and "100%" in screen and "pages" in screen
    status, screen = run_on_terminal("export", "--state", str(tmp / "state.sqlite3"), "-o", str(tmp_path / "x.jsonl"))
    assert status == 0
    assert "\rexport [" in screen and "100%" in screen and f"{len(result.items)} records read" in screen


def test_export_is_quiet_when_piped(crawl: tuple[Path, CrawlResult], tmp_path: Path) -> None:
    """With stderr piped, export writes only its one-line summary: no bar, no carriage returns."""
    tmp, _ = crawl
    proc = run("export", str(tmp / "out.jsonl"), "-o", str(tmp_path / "x.jsonl"))
    assert proc.returncode == 0
    assert "\r" not in proc.stderr and "[" not in proc.stderr
    assert proc.stderr.count("\n") == 1


class _Terminal:
    """A text stream that says it is a terminal and keeps what is written."""

    def __init__(self, tty: bool) -> None:
        self.tty = tty
        self.text = ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


def test_progress_bar_draws_only_on_a_terminal() -> None:
    """The bar redraws on one line of a terminal and ends it; on a pipe it writes nothing."""
    for tty in (True, False):
        stream = _Terminal(tty)
        with ProgressBar("job", 200, unit="pages", stream=stream) as bar:  # type: ignore[arg-type]
            bar.update(50, advance=1)
            assert bar.render(bar._started).startswith("job [######------------------]  25%  1 pages  0:00")
        if tty:
            assert stream.text.startswith("\rjob [") and stream.text.endswith("100%  1 pages  0:00\x1b[K\n")
        else:
            assert stream.text == ""


def test_progress_bar_without_total_counts() -> None:
    """Without a total (stdin) the bar shows the count and the time only."""
    bar = ProgressBar("export", None, unit="records read", stream=_Terminal(True))  # type: ignore[arg-type]
    bar.update(count=1234)
    assert bar.render(bar._started) == "export  1,234 records read  0:00"


def test_progress_bar_shortens_its_label_to_fit_the_terminal() -> None:
    """A long label (a WARC file name) is cut with an ellipsis so the bar stays on one line."""
    bar = ProgressBar("newscrawl-20250101T000000Z-00001.warc.gz", 10, unit="pages", stream=_Terminal(True))  # type: ignore[arg-type]
    bar.update(5, count=3)
    text = bar.render(bar._started, width=60)
    assert len(text) == 59 and text.startswith("newscrawl-") and "… [" in text and text.endswith("50%  3 pages  0:00")


def test_corpus_commands_document_every_option() -> None:
    """`export --help` and `stats --help` list the state database option and the filters."""
    for command in ("export", "stats"):
        proc = run(command, "--help")
        assert proc.returncode == 0
        for option in ("--state", "--outlet", "--since", "--until", "--language", "--keep-duplicates"):
            assert option in proc.stdout, (command, option)

"""`newscrawl export` and `newscrawl stats` on a real crawl of the demo site."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import run_crawl

if TYPE_CHECKING:
    from fixture_site import FixtureSite


@pytest.fixture(scope="module")
def corpus_file(demo_site: FixtureSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The JSONL of one demo-site crawl, with one near-duplicate line and one broken line appended."""
    tmp = tmp_path_factory.mktemp("corpus")
    result = run_crawl(tmp, f"url={demo_site.url('/')}")
    assert result.returncode == 0 and len(result.items) >= 12
    path = tmp / "out.jsonl"
    copy = dict(result.items[0], url="https://mirror.example/copy", canonical_url="https://mirror.example/copy",
                site_name="Mirror", duplicate_of=result.items[0]["url"])
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(copy, ensure_ascii=False) + "\n")
        fh.write(result.items[1] and json.dumps(result.items[1])[:40] + "\n")  # a truncated line
    return path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newscrawl.cli", *args], capture_output=True, text=True, check=False, timeout=120)


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_export_jsonl_drops_near_duplicates_and_reports_bad_lines(corpus_file: Path, tmp_path: Path) -> None:
    """Export keeps every article once, drops the near-duplicate, and names the broken line."""
    out = tmp_path / "all.jsonl"
    proc = run("export", str(corpus_file), "-o", str(out))
    assert proc.returncode == 1  # the broken line is reported
    assert f"{corpus_file}:17: not JSON" in proc.stderr or ":17:" in proc.stderr
    records = _lines(out)
    assert len(records) == 15
    assert not any(r.get("duplicate_of") for r in records)
    kept = run("export", str(corpus_file), "-o", str(tmp_path / "dups.jsonl"), "--keep-duplicates")
    assert len(_lines(tmp_path / "dups.jsonl")) == 16, kept.stderr


def test_export_filters_by_language_outlet_and_date(corpus_file: Path, tmp_path: Path) -> None:
    """Language, outlet and date filters keep exactly the matching articles."""
    every = [json.loads(line) for line in corpus_file.read_text("utf-8").splitlines()[:15]]
    run("export", str(corpus_file), "-o", str(tmp_path / "de.jsonl"), "--language", "de")
    assert {r["language"] for r in _lines(tmp_path / "de.jsonl")} == {"de"}
    assert len(_lines(tmp_path / "de.jsonl")) == sum(r["language"] == "de" for r in every)
    run("export", str(corpus_file), "-o", str(tmp_path / "2024.jsonl"), "--since", "2024-01-01", "--until", "2024-12-31")
    got = _lines(tmp_path / "2024.jsonl")
    assert got and all(r["date_published"].startswith("2024") for r in got)
    outlet = every[0]["site_name"]
    run("export", str(corpus_file), "-o", str(tmp_path / "one.jsonl"), "--outlet", outlet)
    assert {r["site_name"] for r in _lines(tmp_path / "one.jsonl")} == {outlet}


def test_export_csv_and_parquet_are_typed(corpus_file: Path, tmp_path: Path) -> None:
    """CSV has one row per article with lists joined; Parquet has timestamp dates and list columns."""
    run("export", str(corpus_file), "-o", str(tmp_path / "a.csv"))
    with (tmp_path / "a.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 15 and rows[0]["headline"]
    proc = run("export", str(corpus_file), "-o", str(tmp_path / "a.parquet"))
    assert "15 articles" in proc.stderr
    import pyarrow.parquet as pq  # noqa: PLC0415

    table = pq.read_table(tmp_path / "a.parquet")
    assert table.num_rows == 15
    kind = table.schema.field("date_published").type
    assert kind.tz == "UTC" and str(kind).startswith("timestamp")
    import pyarrow as pa  # noqa: PLC0415

    assert pa.types.is_list(table.schema.field("authors").type)
    assert table.schema.field("authors").type.value_type == pa.string()
    assert table.column("headline").to_pylist()[0]


def test_bad_options_get_one_line_and_exit_2(corpus_file: Path, tmp_path: Path) -> None:
    """A bad date or a missing input stops with one line naming it."""
    proc = run("export", str(corpus_file), "-o", str(tmp_path / "x.jsonl"), "--since", "yesterday")
    assert proc.returncode == 2 and proc.stderr.strip() == "newscrawl export: --since: 'yesterday' is not a date (YYYY-MM-DD)"
    proc = run("stats", str(tmp_path / "missing.jsonl"))
    assert proc.returncode == 2 and "missing.jsonl" in proc.stderr and "Traceback" not in proc.stderr


def test_stats_text_json_and_html(corpus_file: Path, tmp_path: Path) -> None:
    """Stats count articles per outlet, coverage and duplicates, and write an offline HTML report."""
    proc = run("stats", str(corpus_file), "--keep-duplicates", "--json", "--html", str(tmp_path / "r.html"))
    stats = json.loads(proc.stdout)
    assert stats["articles"] == 16
    assert stats["outlets"]["Mirror"] == 1
    assert abs(stats["duplicate_share"] - 1 / 16) < 1e-9
    assert stats["coverage"]["headline"] == 1.0
    assert 0 < stats["coverage"]["dateline"] < 1
    page = (tmp_path / "r.html").read_text("utf-8")
    assert "<svg" in page and "Field coverage" in page and "Articles per day: Mirror" in page
    assert "<script" not in page and "src=" not in page  # self-contained: nothing to fetch
    text = run("stats", str(corpus_file)).stdout
    assert "articles: 15" in text and "field coverage:" in text

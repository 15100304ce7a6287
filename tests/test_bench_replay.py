"""make bench's replay stand-in: a page gets back the article a crawl exported for it, as extraction made it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import pytest

from newscrawl.extraction import extract as real_extract

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_replay
from bench_speed import rest_line

if TYPE_CHECKING:
    from newscrawl.items import Article

SEED = Path(__file__).resolve().parents[1] / "fixtures/newscrawl.extraction.pages.GenericArticlePage/autoblog-seed-wire-story/inputs"
URL = "https://autoblog.example/2025/01/18/wire-story/"


@pytest.fixture
def replay_of(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Article:
    """The seed page's article as extracted, replayed from an export that has it as a crawl writes it
    (provenance and state fields set)."""
    extracted = real_extract(SEED.joinpath("HttpResponse-body.html").read_bytes(), URL, [("Content-Type", "text/html; charset=utf-8")])
    assert extracted.item is not None
    exported = attrs.evolve(extracted.item, fetched_at="2025-01-20T08:00:00+00:00", extractor_version="9.9",
                            warc_file="newscrawl-1.warc.gz", warc_record_id="<urn:uuid:00000000-0000-4000-8000-000000000001>",
                            version=2, previous_fetched_at="2025-01-19T08:00:00+00:00", duplicate_of="https://elsewhere.example/a")
    path = tmp_path / "articles.jsonl"
    path.write_text(json.dumps(attrs.asdict(exported)) + "\n", encoding="utf-8")
    monkeypatch.setenv(bench_replay.REPLAY_ENV, str(path))
    monkeypatch.setattr(bench_replay, "_articles", None)  # restored after the test: the next one loads afresh
    return extracted.item


def test_replays_the_article_without_what_the_crawl_set_after_extraction(replay_of: Article) -> None:
    """The replayed article equals the extracted one: provenance (WARC record too), version and duplicate_of are not carried over."""
    extracted = replay_of
    result = bench_replay.extract(b"<html>ignored</html>", URL)
    assert result.skip_reason is None
    assert result.item == extracted
    assert {name: getattr(result.item, name) for name in bench_replay.SET_AFTER_EXTRACTION} == dict.fromkeys(
        bench_replay.SET_AFTER_EXTRACTION)


def test_a_page_not_in_the_export_is_skipped(replay_of: Article) -> None:
    """A URL the export has no line for is a counted skip, not an article."""
    result = bench_replay.extract(b"", "https://autoblog.example/other/")
    assert (result.item, result.skip_reason) == (None, "not_in_replay")


def test_a_line_that_is_not_an_article_names_its_line(tmp_path: Path) -> None:
    """A broken export fails with its file and line number."""
    path = tmp_path / "bad.jsonl"
    path.write_text('{"url": "https://a.example/1"}\n{"headline": "no url"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl, line 2: not an exported article"):
        bench_replay.load(str(path))


def test_without_the_export_named_it_says_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    """No NEWSCRAWL_BENCH_REPLAY: an error naming it (the pool counts it as extract_error for every page)."""
    monkeypatch.delenv(bench_replay.REPLAY_ENV, raising=False)
    monkeypatch.setattr(bench_replay, "_articles", None)
    with pytest.raises(RuntimeError, match="NEWSCRAWL_BENCH_REPLAY"):
        bench_replay.extract(b"", URL)


def test_the_report_splits_the_end_to_end_cost_and_warns_when_the_replay_lost_articles() -> None:
    """make bench's line: the state, the hand-off and the cores' sharing, from the replayed crawls' CPU a page."""
    e2e = {"cpu_ms_per_page": 12.66, "items": 5000}
    crawls = ({"cpu_ms_per_page": 1.74}, {"cpu_ms_per_page": 1.84})
    with_state = {"cpu_ms_per_page": 3.36, "main_cpu_ms_per_page": 2.36, "items": 5000}
    without = {"cpu_ms_per_page": 2.36, "main_cpu_ms_per_page": 2.08, "items": 5000}
    line = rest_line(e2e, (with_state, without), crawls, 7.51)
    assert "crawl only 1.79: the state costs 1.00 ms a page (0.28 of it in the crawl process)" in line
    assert "the hand-off and the pipelines 0.57" in line
    assert line.endswith("the processes sharing the cores: 1.79 ms a page")
    assert "WARNING" not in line
    short = rest_line(e2e, (with_state, {**without, "items": 4990}), crawls, 7.51)
    assert "WARNING: the replays wrote 5000 and 4990 articles, the end-to-end crawl 5000" in short

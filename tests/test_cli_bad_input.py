"""Bad input from users: huge or undecodable files for `newscrawl extract`, unusable -s settings for a crawl."""

# ruff: noqa: RUF001  # typographic quotes and dashes are the test data

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from conftest import ROOT
from fault_server import FaultSite
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from newscrawl.settingscheck import settings_problems

if TYPE_CHECKING:
    from pathlib import Path

PROSE = (
    "The harbour authority said on Monday that the old ferry pier will be rebuilt next spring, after "
    "divers found the wooden piles had rotted further than the 2019 survey suggested. "
)
PAGE = (
    '<!doctype html><html><head>{meta}<title>Ferry pier to be rebuilt</title>'
    '<meta property="og:type" content="article"></head><body><article><h1>Ferry pier to be rebuilt</h1>'
    f"<p>{PROSE * 2}</p><p>{PROSE}Work starts in March.</p></article></body></html>"
)


def extract(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``newscrawl extract`` with ``args``."""
    return subprocess.run(
        [sys.executable, "-m", "newscrawl.cli", "extract", *args],
        capture_output=True, text=True, check=False, timeout=120,
    )


def test_huge_bomb_and_unknown_encoding_inputs_get_one_line_each_and_exit_1(tmp_path: Path) -> None:
    """A 50 MB file, a gzip file inflating to 50 MB and a page in an unknown encoding: one line each; the good file is extracted."""
    good = tmp_path / "good.html"
    good.write_text(PAGE.format(meta='<meta charset="utf-8">'), encoding="utf-8")
    huge = tmp_path / "huge.html"
    with huge.open("wb") as fh:
        fh.write(b"<html><body>")
        for _ in range(50):
            fh.write(b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>\n")
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"<html><body><p>" + b"0" * (50 * 1024 * 1024), compresslevel=9))
    klingon = tmp_path / "klingon.html"
    klingon.write_bytes(PAGE.format(meta='<meta charset="x-klingon-8">').replace("pier", "pier – Café").encode("cp1252"))
    proc = extract(str(huge), str(good), str(bomb), str(klingon), "--url", "https://port.example/pier")
    assert proc.returncode == 1
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["source"] for r in records] == [str(good)]
    assert records[0]["body"].endswith("Work starts in March.")
    errors = proc.stderr.strip().splitlines()
    assert len(errors) == 3, errors
    assert errors[0].startswith(f"newscrawl extract: {huge}: larger than 10 MiB")
    assert errors[1].startswith(f"newscrawl extract: {bomb}: larger than 10 MiB")
    assert errors[2] == (
        f"newscrawl extract: {klingon}: unknown encoding 'x-klingon-8' (meta) and the bytes are not UTF-8"
    )


def test_mislabelled_file_is_extracted_without_mojibake(tmp_path: Path) -> None:
    """A saved UTF-8 page whose meta tag says ISO-8859-1 is read as UTF-8."""
    page = tmp_path / "page.html"
    text = PAGE.format(meta='<meta charset="iso-8859-1">').replace("harbour authority", "Hafenbehörde’s board")
    page.write_bytes(text.encode("utf-8"))
    proc = extract(str(page))
    assert proc.returncode == 0, proc.stderr
    (record,) = [json.loads(line) for line in proc.stdout.splitlines()]
    assert "Hafenbehörde’s board" in record["body"]


# -- settings ------------------------------------------------------------------------------

DEFAULTS = {"NEWSCRAWL_A_ENABLED": True, "NEWSCRAWL_A_COUNT": 5, "NEWSCRAWL_A_DELAY": 1.5,
            "NEWSCRAWL_A_CODES": [429], "NEWSCRAWL_A_FILE": None, "NEWSCRAWL_A_NAME": "x"}


@pytest.mark.parametrize(("name", "value", "problem"), [
    ("NEWSCRAWL_A_COUNT", "abc", "NEWSCRAWL_A_COUNT=abc: expected a whole number, 0 or more (default 5)"),
    ("NEWSCRAWL_A_COUNT", "2.5", "NEWSCRAWL_A_COUNT=2.5: expected a whole number, 0 or more (default 5)"),
    ("NEWSCRAWL_A_COUNT", "-1", "NEWSCRAWL_A_COUNT=-1: expected a whole number, 0 or more (default 5)"),
    ("NEWSCRAWL_A_DELAY", "soon", "NEWSCRAWL_A_DELAY=soon: expected a number, 0 or more (default 1.5)"),
    ("NEWSCRAWL_A_ENABLED", "maybe", "NEWSCRAWL_A_ENABLED=maybe: expected True or False (default True)"),
    ("NEWSCRAWL_A_DELAYS", "2", "NEWSCRAWL_A_DELAYS: unknown setting; did you mean NEWSCRAWL_A_DELAY?"),
    ("NEWSCRAWL_ZZZ", "2", "NEWSCRAWL_ZZZ: unknown setting"),
])
def test_unusable_settings_are_named_one_line_each(name: str, value: str, problem: str) -> None:
    """A value of the wrong kind, a negative number or an unknown name is one problem line."""
    settings = Settings({name: value}, priority="cmdline")
    assert settings_problems(settings, DEFAULTS) == [problem]


@pytest.mark.parametrize(("value", "problem"), [
    ("nope.mod:fn", "cannot be loaded (ModuleNotFoundError: No module named 'nope')"),
    ("newscrawl.pool:no_such_function", "cannot be loaded (AttributeError: module 'newscrawl.pool' has no attribute 'no_such_function')"),
    ("justaname", "cannot be loaded (ValueError: not a 'module:function' path: 'justaname')"),
    ("newscrawl.pool:DEFAULT_FUNCTION", "cannot be loaded (TypeError: newscrawl.pool:DEFAULT_FUNCTION is not callable)"),
])
def test_an_extract_function_that_cannot_be_loaded_is_one_line(value: str, problem: str) -> None:
    """NEWSCRAWL_EXTRACT_FUNCTION is loaded by the check: a missing module or name, or not a callable, is one line."""
    settings = Settings({"NEWSCRAWL_EXTRACT_FUNCTION": value}, priority="cmdline")
    assert settings_problems(settings) == [f"NEWSCRAWL_EXTRACT_FUNCTION={value}: {problem}"]
    good = Settings({"NEWSCRAWL_EXTRACT_FUNCTION": "newscrawl.pool:skip_extraction"}, priority="cmdline")
    assert settings_problems(good) == []


@pytest.mark.parametrize(("name", "value"), [
    ("NEWSCRAWL_A_COUNT", "7"), ("NEWSCRAWL_A_DELAY", "0.25"), ("NEWSCRAWL_A_ENABLED", "false"),
    ("NEWSCRAWL_A_CODES", "429,503"), ("NEWSCRAWL_A_FILE", "out/summary.json"), ("NEWSCRAWL_A_NAME", "anything"),
    ("DOWNLOAD_DELAY", "whatever"),  # Scrapy's own settings are Scrapy's business
])
def test_usable_settings_pass(name: str, value: str) -> None:
    """Values of the default's kind, any value for a None or string default, and non-newscrawl settings pass."""
    assert settings_problems(Settings({name: value}, priority="cmdline"), DEFAULTS) == []


def test_project_defaults_pass_the_check() -> None:
    """Every NEWSCRAWL_* default in settings.py is usable as it stands."""
    assert settings_problems(get_project_settings()) == []


_NEAR = "NEWSCRAWL_STATE_DUPLICATES_THRESHOLD={}, NEWSCRAWL_STATE_DUPLICATES_NUM_PERM={}, NEWSCRAWL_STATE_DUPLICATES_SHINGLE_WORDS={}: "


@pytest.mark.parametrize(("settings", "error"), [
    (["NEWSCRAWL_STATE_DUPLICATES_THRESHOLD=1.0"],
     _NEAR.format(1.0, 128, 5) + "a near-duplicate threshold of 1.0 with 128 hash values leaves one LSH band: "
     "lower the threshold or use more hash values"),
    (["NEWSCRAWL_STATE_DUPLICATES_NUM_PERM=1"], _NEAR.format(0.8, 1, 5) + "a MinHash signature needs at least 2 hash values, got 1"),
    (["NEWSCRAWL_STATE_DUPLICATES_SHINGLE_WORDS=0"], _NEAR.format(0.8, 128, 0) + "a shingle needs at least 1 word, got 0"),
])
def test_near_duplicate_settings_without_an_lsh_index_stop_the_crawl(tmp_path: Path, settings: list[str], error: str) -> None:
    """Near-duplicate settings without a usable LSH index, or shingles of no words, are one line and exit 2 before any request (were a traceback or nonsense)."""
    state = tmp_path / "state" / "state.sqlite3"
    with FaultSite(tmp_path) as site:
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={site.url('/')}",
             *(arg for setting in settings for arg in ("-s", setting)), "-s", f"NEWSCRAWL_STATE_PATH={state}",
             "-O", str(tmp_path / "out.jsonl")],
            cwd=ROOT, capture_output=True, text=True, check=False, timeout=60,
        )
        requests = site.requests()
    assert proc.returncode == 2
    assert [line for line in proc.stderr.splitlines() if "error" in line.lower()] == [f"scrapy crawl: error: {error}"]
    assert "Traceback" not in proc.stderr
    assert requests == []
    assert not (tmp_path / "out.jsonl").exists()
    assert not state.exists()


@pytest.mark.parametrize(("setting", "error"), [
    ("NEWSCRAWL_VALIDATE_MIN_BODY_CHARS=lots", "NEWSCRAWL_VALIDATE_MIN_BODY_CHARS=lots: expected a whole number, 0 or more (default 200)"),
    # the extraction template started early (scrapy crawl) must not add a traceback of its own
    ("NEWSCRAWL_EXTRACT_FUNCTION=nope.mod:extract",
     "NEWSCRAWL_EXTRACT_FUNCTION=nope.mod:extract: cannot be loaded (ModuleNotFoundError: No module named 'nope')"),
])
def test_bad_setting_stops_the_crawl_before_any_request(tmp_path: Path, setting: str, error: str) -> None:
    """`scrapy crawl` with an unusable -s value prints one error line and exits 2 without fetching anything."""
    with FaultSite(tmp_path) as site:
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={site.url('/')}",
             "-s", setting, "-s", "NEWSCRAWL_STATE_ENABLED=False",
             "-O", str(tmp_path / "out.jsonl")],
            cwd=ROOT, capture_output=True, text=True, check=False, timeout=60,
        )
        requests = site.requests()
    assert proc.returncode == 2
    errors = [line for line in proc.stderr.splitlines() if "error" in line.lower()]
    assert errors == [f"scrapy crawl news: error: -s {error}"]
    assert "Traceback" not in proc.stderr
    assert requests == []
    assert not (tmp_path / "out.jsonl").exists()

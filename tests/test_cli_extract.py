"""The `newscrawl` command: extract saved pages, print the schema, refuse bad input clearly."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

PROSE = (
    "The city council voted on Tuesday to extend the tram line to the northern suburbs, "
    "ending a debate that had run for more than a decade and divided residents. "
)
PAGE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Tram line extended | City Post</title>
<meta property="og:site_name" content="City Post"><meta property="og:type" content="article">
<meta property="article:published_time" content="2024-03-05T10:00:00+01:00">
<link rel="canonical" href="https://citypost.example/2024/03/05/tram-line-extended/"></head>
<body><header><div class="current-date">Monday, January 20, 2025</div></header>
<article><h1>Tram line extended</h1><p class="byline">By Jane Doe</p>
<p>{PROSE * 2}</p><p>{PROSE}The end.</p></article></body></html>"""


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "newscrawl.cli", *args], input=stdin, capture_output=True, check=False, timeout=120
    )


def test_extract_prints_one_line_per_input_in_order(tmp_path: Path) -> None:
    """Plain, gzipped and stdin inputs each give one JSON line with the fields and `source`."""
    plain = tmp_path / "a.html"
    plain.write_text(PAGE, encoding="utf-8")
    zipped = tmp_path / "b.html.gz"
    zipped.write_bytes(gzip.compress(PAGE.encode()))
    proc = run("extract", str(plain), str(zipped), "-", "--url", "https://citypost.example/x", stdin=PAGE.encode())
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [rec["source"] for rec in lines] == [str(plain), str(zipped), "-"]
    for rec in lines:
        assert rec["headline"] == "Tram line extended"
        assert rec["date_published"] == "2024-03-05T10:00:00+01:00"
        assert rec["canonical_url"] == "https://citypost.example/2024/03/05/tram-line-extended/"
        assert rec["body"].endswith("The end.")
        assert "January 20, 2025" not in rec["body"]
        assert rec["fetched_at"] is None


def test_bad_inputs_get_one_line_each_and_exit_1(tmp_path: Path) -> None:
    """Empty, binary, missing and oversized inputs are reported one line each; good ones still extracted."""
    good = tmp_path / "good.html"
    good.write_text(PAGE, encoding="utf-8")
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    binary = tmp_path / "doc.pdf.html"
    binary.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    big = tmp_path / "big.html"
    big.write_bytes(b"<html><body>" + b"<p>x</p>" * 2000 + b"</body></html>")
    missing = tmp_path / "missing.html"
    proc = run("extract", str(empty), str(good), str(binary), str(missing), str(big), "--max-bytes", "10000")
    assert proc.returncode == 1
    lines = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [rec["source"] for rec in lines] == [str(good)]
    errors = proc.stderr.decode().strip().splitlines()
    assert len(errors) == 4, errors
    assert all(line.startswith("newscrawl extract: ") for line in errors)
    assert "empty" in errors[0] and str(empty) in errors[0]
    assert "not HTML" in errors[1] and str(binary) in errors[1]
    assert str(missing) in errors[2]
    assert "larger than" in errors[3]
    assert "Traceback" not in proc.stderr.decode()


def test_schema_command_prints_the_item_schema() -> None:
    """`newscrawl schema` prints a JSON Schema whose properties are the article fields."""
    proc = run("schema")
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert schema["properties"]["headline"]["type"] == ["null", "string"]
    assert "body" in schema["properties"]


def test_every_command_has_help() -> None:
    """`--help` works on the command and on each subcommand."""
    for args in ((), ("extract",), ("schema",)):
        proc = run(*args, "--help")
        assert proc.returncode == 0
        assert b"usage: newscrawl" in proc.stdout


def test_explain_names_the_rule_behind_each_removal() -> None:
    """`extract --explain` on the seed page lists the related block, the captions and the trailer with their rules."""
    seed = Path(__file__).resolve().parent.parent / "fixtures" / "newscrawl.extraction.pages.GenericArticlePage" / "autoblog-seed-wire-story" / "inputs" / "HttpResponse-body.html"
    proc = run("extract", "--explain", str(seed))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.decode().splitlines()
    assert lines[0].startswith(f"# {seed}: ")
    rules = {line.split()[0]: line for line in lines[1:]}
    assert "Related Articles" in rules["furniture-class:related"]
    assert "Source link" in rules["trailer-line"]
    assert any(r == "caption" and "Mahmud Hossain Opu/AP" in line for r, line in ((line.split()[0], line) for line in lines[1:]))

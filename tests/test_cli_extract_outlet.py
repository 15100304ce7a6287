"""`newscrawl extract --sources FILE --outlet NAME`: an outlet's selectors applied to saved pages."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from test_extraction_selectors import OUTSIDE, SERIES_NOTE, page

from newscrawl.cli import main

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

SOURCES = """
[[outlets]]
name = "city-times"
feeds = ["https://www.city-times.example/rss.xml"]
drop_selectors = [".series-note"]
headline_selector = ".story-headline"
body_selector = "div.story-text"
"""


def test_outlet_selectors_apply_to_saved_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With --sources/--outlet the drop, headline and body selectors shape the record; without, the generic result stays."""
    html = tmp_path / "story.html"
    html.write_bytes(page(headline_box='<div class="story-headline">Council extends the tram line north</div>'))
    sources = tmp_path / "sources.toml"
    sources.write_text(SOURCES, encoding="utf-8")
    assert main(["extract", str(html)]) == 0
    generic = json.loads(capsys.readouterr().out)
    assert SERIES_NOTE in generic["body"]
    assert main(["extract", str(html), "--sources", str(sources), "--outlet", "city-times"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["headline"] == "Council extends the tram line north"
    assert SERIES_NOTE not in record["body"] and OUTSIDE not in record["body"]
    assert main(["extract", "--explain", str(html), "--sources", str(sources), "--outlet", "city-times"]) == 0
    assert capsys.readouterr().out.startswith(f"# {html}: ")  # the audit runs on what the selectors leave


def test_unknown_outlet_or_half_the_options_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An outlet the file does not name, or --outlet without --sources, stops with one line and status 2."""
    html = tmp_path / "story.html"
    html.write_bytes(page())
    sources = tmp_path / "sources.toml"
    sources.write_text(SOURCES, encoding="utf-8")
    assert main(["extract", str(html), "--sources", str(sources), "--outlet", "nope"]) == 2
    assert "no outlet named 'nope' (outlets: city-times)" in capsys.readouterr().err
    assert main(["extract", str(html), "--outlet", "city-times"]) == 2
    assert "--sources and --outlet go together" in capsys.readouterr().err

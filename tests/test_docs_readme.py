"""The README documents the JSONL contract exactly as the item classes define it."""

from __future__ import annotations

import re
from pathlib import Path

from newscrawl.schema import json_schema, markdown_table

README = Path(__file__).resolve().parent.parent / "README.md"


def _readme_table() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- fields:start -->\n(.*?)\n<!-- fields:end -->", text, re.DOTALL)
    assert match, "README.md lost its <!-- fields:start/end --> markers"
    return match.group(1)


def test_readme_field_table_matches_schema() -> None:
    """The README's field table equals the one generated from the item classes."""
    assert _readme_table() == markdown_table(), "run `newscrawl schema --markdown` and paste it into README.md"


def test_schema_lists_every_contract_field() -> None:
    """The schema has every field the JSONL contract promises, each documented."""
    props = json_schema()["properties"]
    for name in (
        "url", "canonical_url", "headline", "dateline", "date_published", "date_modified",
        "date_published_raw", "authors", "language", "site_name", "section", "tags",
        "description", "body", "images", "fetched_at", "extractor_version",
    ):
        assert name in props, name
        assert props[name].get("description"), f"{name} has no docstring"
    assert set(props["images"]["items"]["properties"]) == {"url", "alt", "caption", "credit"}

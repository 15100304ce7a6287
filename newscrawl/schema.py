"""The JSONL contract as JSON Schema and as the README's field table.

Both are generated from the item classes (their type hints and field
docstrings), so the documentation cannot drift from the code unnoticed:
``tests/test_docs_readme.py`` compares the README's table with
:func:`markdown_table`.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from newscrawl.items import Article


def json_schema() -> dict[str, Any]:
    """JSON Schema of one output line."""
    return ItemAdapter.get_json_schema(Article)


def _type_name(prop: dict[str, Any]) -> str:
    kind = prop.get("type")
    if isinstance(kind, list):
        rest = [k for k in kind if k != "null"]
        return f"{rest[0]} or null" if rest else "null"
    if kind == "array":
        items = prop.get("items", {})
        inner = "object" if items.get("type") == "object" else items.get("type", "any")
        return f"list of {inner}"
    return str(kind)


def markdown_table() -> str:
    """The README's field table: one row per field (nested image fields included)."""
    rows = ["| field | type | meaning |", "|---|---|---|"]
    for name, prop in json_schema()["properties"].items():
        rows.append(f"| `{name}` | {_type_name(prop)} | {prop.get('description', '')} |")
        items = prop.get("items", {})
        for sub, subprop in items.get("properties", {}).items():
            rows.append(f"| `{name}[].{sub}` | {_type_name(subprop)} | {subprop.get('description', '')} |")
    return "\n".join(rows)

"""Hostile HTML straight into extraction: deep nesting ends neither in a crash nor a RecursionError."""

from __future__ import annotations

import pytest

from newscrawl.extraction import extract
from newscrawl.extraction.pages import parse_html

LEVELS = 100_000
LD = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Deep page"}</script>'
ARTICLE = "".join(
    f"<p>Paragraph {i}: the council met on Tuesday to discuss next year's budget, and many residents came.</p>"
    for i in range(6)
)


def page(inner: str) -> bytes:
    """An article page whose <article> holds ``inner``."""
    return f"<html><head><title>Deep page</title>{LD}</head><body><article><h1>Deep page</h1>{inner}</article></body></html>".encode()


def test_parser_stops_at_its_depth_limit() -> None:
    """libxml2 keeps at most 255 levels and drops what lies deeper, so no later step can recurse past that."""
    doc = parse_html(b"<html><body>" + b"<div>" * LEVELS + b"deep text" + b"</div>" * LEVELS + b"</body></html>")
    depth = max(sum(1 for _ in element.iterancestors()) for element in doc.iter())
    assert depth <= 256
    assert "deep text" not in doc.text_content()


@pytest.mark.parametrize("tag", ["div", "span", "blockquote"])
def test_article_before_deep_nesting_is_extracted(tag: str) -> None:
    """The article before 100,000 nested elements is extracted whole."""
    result = extract(page(ARTICLE + f"<{tag}>" * LEVELS + "x" + f"</{tag}>" * LEVELS), "https://example.com/a")
    assert result.item is not None
    assert "Paragraph 5" in (result.item.body or "")


def test_article_only_inside_deep_nesting_is_a_counted_skip() -> None:
    """Text only below the depth limit is lost to the parser: the page is skipped with a reason, not a crash."""
    result = extract(page("<div>" * LEVELS + ARTICLE + "</div>" * LEVELS), "https://example.com/a")
    assert result.item is None
    assert result.skip_reason == "no_body"

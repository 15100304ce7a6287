"""Small text helpers shared by the extraction modules."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml.html import HtmlElement

LINE_TAGS = frozenset({"br", "p", "div", "li"})
"""Tags that start a new line on screen."""
_SOURCE_BREAKS_RE = re.compile(r"[\r\n\f\v]+")  # line breaks in the HTML source are spaces on screen


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) to one space and strip.

    ``str.split()`` splits on exactly the characters regex ``\\s`` matches
    (``str.isspace()``, which includes U+00A0), so this equals
    ``re.sub(r"\\s+", " ", text).strip()``, about five times faster.
    """
    return " ".join(text.split())


def text_lines(el: HtmlElement, skip: HtmlElement | None = None, line_tags: frozenset[str] = LINE_TAGS) -> str:
    """The text of ``el`` as shown: a ``\\n`` where each of ``line_tags`` starts or ends, source line breaks as spaces.

    Without the text of ``el``'s descendant ``skip`` (but with its tail).
    """
    return "".join(_iter_text(el, skip, line_tags))


def _iter_text(el: HtmlElement, skip: HtmlElement | None, line_tags: frozenset[str]) -> Iterator[str]:
    if el.text and isinstance(el.tag, str):
        yield _SOURCE_BREAKS_RE.sub(" ", el.text)
    for child in el:
        if child is not skip and isinstance(child.tag, str):
            if child.tag in line_tags:
                yield "\n"
            yield from _iter_text(child, skip, line_tags)
            if child.tag in line_tags:
                yield "\n"
        if child.tail:
            yield _SOURCE_BREAKS_RE.sub(" ", child.tail)

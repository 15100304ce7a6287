"""An outlet's own CSS selectors, applied where the generic extractor needs help.

A sources file (:mod:`newscrawl.sources`) may give an outlet
``drop_selectors``, a ``headline_selector`` and a ``body_selector``. They
reach extraction as a compact dict (``{"drop": [...], "headline": "...",
"body": "..."}``, keys only when set) and mean:

- ``drop``: the matching elements are removed from the parsed page before
  any field is extracted (body, captions, authors, images...);
- ``headline``: the text of the first matching element with text is the
  headline;
- ``body``: body extraction is restricted to the matching elements (all of
  them, in page order); the generic cleaning still runs inside them.

A ``headline`` or ``body`` selector that matches nothing falls back to
the generic extractor; :meth:`OutletSelectors.unmatched` names it so the
crawl can count it (``newscrawl/selectors/no_match/<kind>``). A ``drop``
selector that matches nothing is normal (not every page has a newsletter
box) and is not counted.

CSS is translated with cssselect's HTML translator (as parsel does) and
compiled once per process. Plain lxml, no Scrapy.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import attrs
import lxml.etree
from cssselect import HTMLTranslator

from newscrawl.extraction.body import drop_element

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lxml.html import HtmlElement

# The kinds of selector an outlet can give, as keys of the dict extraction receives.
SELECTOR_KINDS: tuple[str, ...] = ("drop", "headline", "body")


@functools.lru_cache(maxsize=256)
def compile_css(css: str) -> lxml.etree.XPath:
    """The XPath of a CSS selector (cached: an outlet's selectors are compiled once per process)."""
    return lxml.etree.XPath(HTMLTranslator().css_to_xpath(css))


def select(doc: HtmlElement, css: str) -> list[HtmlElement]:
    """The elements of ``doc`` that ``css`` matches, in document order."""
    return [el for el in compile_css(css)(doc) if isinstance(getattr(el, "tag", None), str)]


def outermost(elements: list[HtmlElement]) -> list[HtmlElement]:
    """``elements`` without those nested in another of them (document order kept)."""
    chosen = set(elements)
    return [el for el in elements if not any(a in chosen for a in el.iterancestors())]


def _drop_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@attrs.frozen(kw_only=True)
class OutletSelectors:
    """An outlet's extraction selectors (CSS), each optional."""

    drop: tuple[str, ...] = attrs.field(default=(), converter=_drop_tuple)
    """Page parts removed before extraction."""
    headline: str | None = None
    """The headline element, used when it has text."""
    body: str | None = None
    """The element(s) body extraction is restricted to, when they match."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | OutletSelectors | None) -> OutletSelectors | None:
        """The selectors of the dict the crawl passes (``Outlet.selectors``); None for none."""
        if data is None or isinstance(data, OutletSelectors):
            return data
        unknown = set(data) - set(SELECTOR_KINDS)
        if unknown:
            msg = f"unknown selector kind(s) {sorted(unknown)}; known: {', '.join(SELECTOR_KINDS)}"
            raise ValueError(msg)
        found = cls(drop=data.get("drop"), headline=data.get("headline") or None, body=data.get("body") or None)
        return found if found else None

    def __bool__(self) -> bool:
        return bool(self.drop or self.headline or self.body)

    def as_dict(self) -> dict[str, Any]:
        """The compact dict form (only the kinds that are set), as passed between processes."""
        found: dict[str, Any] = {}
        if self.drop:
            found["drop"] = list(self.drop)
        if self.headline:
            found["headline"] = self.headline
        if self.body:
            found["body"] = self.body
        return found

    # -- applying them --------------------------------------------------------------------
    def apply_drop(self, doc: HtmlElement) -> int:
        """Remove every element a ``drop`` selector matches from ``doc`` (in place); how many were removed."""
        doomed = outermost([el for css in self.drop for el in select(doc, css)])
        for el in doomed:
            drop_element(el)
        return len(doomed)

    def headline_text(self, doc: HtmlElement) -> str | None:
        """The whitespace-normalised text of the first ``headline`` match that has text, or None."""
        if not self.headline:
            return None
        for el in select(doc, self.headline):
            text = " ".join(el.text_content().split())
            if text:
                return text
        return None

    def body_elements(self, doc: HtmlElement) -> list[HtmlElement]:
        """The outermost elements the ``body`` selector matches (none without one)."""
        if not self.body:
            return []
        return outermost(select(doc, self.body))

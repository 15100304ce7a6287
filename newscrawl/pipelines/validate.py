"""Validation: an item missing what makes it an article is dropped, with a reason."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
from scrapy.exceptions import DropItem, NotConfigured

from newscrawl.items import Article

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


@attrs.frozen
class ValidateOptions:
    """What an article needs to be stored."""

    required: tuple[str, ...] = ("headline", "body")
    min_body_chars: int = 200


def problem(item: Article, options: ValidateOptions) -> str | None:
    """The first reason ``item`` cannot be stored (``missing_<field>``, ``short_body``), or None."""
    for name in options.required:
        value = getattr(item, name, None)
        if value is None or value == "" or value == []:
            return f"missing_{name}"
    if item.body is not None and len(item.body) < options.min_body_chars:
        return "short_body"
    return None


class ValidatePipeline:
    """Drops articles without the required fields; counts each drop by reason."""

    def __init__(self, options: ValidateOptions, stats: StatsCollector) -> None:
        self.options = options
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_VALIDATE_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_VALIDATE_ENABLED is off")
        known = {f.name for f in attrs.fields(Article)}
        required = tuple(settings.getlist("NEWSCRAWL_VALIDATE_REQUIRED", ["headline", "body"]))
        unknown = sorted(set(required) - known)
        if unknown:
            msg = f"NEWSCRAWL_VALIDATE_REQUIRED names unknown fields: {', '.join(unknown)}"
            raise ValueError(msg)
        options = ValidateOptions(
            required=required,
            min_body_chars=settings.getint("NEWSCRAWL_VALIDATE_MIN_BODY_CHARS", 200),
        )
        assert crawler.stats is not None
        return cls(options, crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Article):
            return item
        reason = problem(item, self.options)
        if reason is not None:
            self.stats.inc_value(f"newscrawl/dropped/{reason}")
            raise DropItem(f"{reason}: {item.url}")
        return item

"""QuietLogFormatter: Scrapy's per-page DEBUG lines are built only when the crawl logs DEBUG."""

from __future__ import annotations

import logging

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newscrawl.logformatter import QuietLogFormatter


@pytest.mark.parametrize(
    ("settings", "debug"),
    [
        ({"LOG_LEVEL": "INFO"}, False),
        ({"LOG_LEVEL": "info"}, False),
        ({"LOG_LEVEL": logging.WARNING}, False),
        ({"LOG_LEVEL": "DEBUG"}, True),
        ({"LOG_LEVEL": logging.DEBUG}, True),
        ({"LOG_LEVEL": "DEBUG", "LOG_ENABLED": False}, False),
    ],
)
def test_crawled_and_scraped_lines_only_when_debug_is_logged(settings: dict[str, object], debug: bool) -> None:
    """At INFO and above (or with logging off) crawled/scraped give None; at DEBUG they are Scrapy's own lines."""
    crawler = get_crawler(Spider, settings_dict=settings)
    formatter = QuietLogFormatter.from_crawler(crawler)
    request = Request("http://127.0.0.1/story")
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    spider = Spider.from_crawler(crawler, "news")
    crawled = formatter.crawled(request, response, spider)
    scraped = formatter.scraped({"headline": "Floods"}, response, spider)
    if debug:
        assert crawled is not None and crawled["level"] == logging.DEBUG and crawled["msg"].startswith("Crawled (%(status)s)")
        assert scraped is not None and scraped["msg"].startswith("Scraped from")
    else:
        assert crawled is None and scraped is None
    dropped = formatter.dropped({"headline": "Floods"}, Exception("bad"), response, spider)
    assert dropped is not None and "Dropped" in dropped["msg"]  # every other message is Scrapy's own


def test_the_project_uses_it() -> None:
    """The project settings name it as LOG_FORMATTER, so scrapy crawl news uses it."""
    from scrapy.utils.project import get_project_settings  # noqa: PLC0415

    assert get_project_settings()["LOG_FORMATTER"] == "newscrawl.logformatter.QuietLogFormatter"

"""Politeness decisions as plain functions: Retry-After values, robots.txt fallbacks, Crawl-delay."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.utils.test import get_crawler

from newscrawl.politeness import (
    CrawlDelay,
    RetryAfterMiddleware,
    RetryAfterOptions,
    RobotsTxtMiddleware,
    crawl_delay_for,
    retry_after_delay,
    robots_fallback,
)

NOW = datetime(2024, 5, 14, 12, 0, 0, tzinfo=UTC)
UA = "newscrawl/1.0 (+https://pypi.org/project/newscrawl/; news research crawler)"


@pytest.mark.parametrize(("value", "expected"), [
    ("120", 120.0),
    (b" 7 ", 7.0),
    ("0", 0.0),
    ("1.5", 1.5),  # not RFC 9110 (digits only), but unambiguous
    ("Tue, 14 May 2024 12:00:30 GMT", 30.0),
    ("Tue, 14 May 2024 11:59:00 GMT", 0.0),  # a date in the past: retry now
    ("soon", None),
    ("-5", None),
    (None, None),
])
def test_retry_after_delay_reads_seconds_and_http_dates(value: str | bytes | None, expected: float | None) -> None:
    """Retry-After is delay-seconds or an HTTP-date; anything else says nothing."""
    assert retry_after_delay(value, now=NOW) == expected


def test_retry_after_date_is_measured_from_the_response_date() -> None:
    """An HTTP-date is measured from the response's Date header, so a skewed local clock does not matter."""
    value = "Tue, 14 May 2024 12:00:10 GMT"
    assert retry_after_delay(value, date="Tue, 14 May 2024 12:00:04 GMT", now=NOW) == 6.0


def test_pause_is_capped_and_backoff_doubles_without_header() -> None:
    """The pause never exceeds the maximum; without Retry-After the backoff doubles with each retry."""
    options = RetryAfterOptions(max_delay=60.0, backoff=5.0)
    assert options.pause_for(503, 3600.0, 0) == (60.0, "retry_after/503")
    assert options.pause_for(429, 2.0, 1) == (2.0, "retry_after/429")
    assert [options.pause_for(503, None, n) for n in range(5)] == [
        (5.0, "backoff/503"), (10.0, "backoff/503"), (20.0, "backoff/503"), (40.0, "backoff/503"), (60.0, "backoff/503"),
    ]


@pytest.mark.parametrize(("status", "expected"), [
    (200, None), (301, None), (404, "allow"), (401, "allow"), (410, "allow"),
    (429, "disallow"), (500, "disallow"), (503, "disallow"), (None, "disallow"),
])
def test_robots_fallback_follows_rfc_9309(status: int | None, expected: str | None) -> None:
    """Unreachable robots.txt (5xx, 429, no answer) disallows; unavailable (other 4xx) allows; 2xx is parsed."""
    assert robots_fallback(status) == expected


def test_crawl_delay_for_our_agent_is_capped() -> None:
    """The Crawl-delay of the group that matches our user agent is read, and capped."""
    parser = ProtegoRobotParser(b"User-agent: newscrawl\nCrawl-delay: 45\n\nUser-agent: *\nCrawl-delay: 1\n", None)
    assert crawl_delay_for(parser, UA, cap=30.0) == 30.0
    assert crawl_delay_for(parser, "otherbot/2.0", cap=30.0) == 1.0
    assert crawl_delay_for(ProtegoRobotParser(b"User-agent: *\nDisallow: /x\n", None), UA, cap=30.0) is None
    assert crawl_delay_for(object(), UA, cap=30.0) is None  # a parser without crawl_delay()


def test_components_refuse_clearly_when_switched_off() -> None:
    """Each component is off with its own setting (robots.txt handling with ROBOTSTXT_OBEY), saying why."""
    from scrapy.exceptions import NotConfigured  # noqa: PLC0415

    for component, settings in [
        (RetryAfterMiddleware, {"NEWSCRAWL_RETRY_AFTER_ENABLED": False}),
        (CrawlDelay, {"NEWSCRAWL_CRAWL_DELAY_ENABLED": False}),
        (CrawlDelay, {"ROBOTSTXT_OBEY": False}),
        (RobotsTxtMiddleware, {"ROBOTSTXT_OBEY": False}),
    ]:
        with pytest.raises(NotConfigured):
            component.from_crawler(get_crawler(settings_dict=settings))


def test_negative_limits_are_refused() -> None:
    """A negative maximum or backoff is an error, not a silent zero."""
    with pytest.raises(ValueError, match="cannot be negative"):
        RetryAfterMiddleware.from_crawler(get_crawler(settings_dict={"NEWSCRAWL_RETRY_AFTER_MAX_DELAY": -1}))
    with pytest.raises(ValueError, match="cannot be negative"):
        CrawlDelay.from_crawler(get_crawler(settings_dict={"ROBOTSTXT_OBEY": True, "NEWSCRAWL_CRAWL_DELAY_MAX": -1}))

"""Fault counting and guards without a crawl: failure reasons, inflated sizes, redirect loops."""

from __future__ import annotations

import gzip
import zlib

import pytest
from scrapy import Request
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
    ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionRefusedError as TwistedConnectionRefused
from twisted.internet.error import DNSLookupError, TCPTimedOutError

from newscrawl.faults import (
    FailedDownloadStats,
    HostileResponseGuard,
    failure_reason,
    inflated_size_exceeds,
)

LIMIT = 1024 * 1024


@pytest.mark.parametrize(("exc", "reason"), [
    (DownloadTimeoutError(), "timeout"),
    (TCPTimedOutError(), "timeout"),
    (DownloadCancelledError(), "too_large"),
    (ResponseDataLossError(), "connection_lost"),
    (ConnectionResetError(), "connection_lost"),
    (TwistedConnectionRefused(), "connection_refused"),
    (DNSLookupError(), "dns_error"),
    (KeyError("x"), "error_KeyError"),
])
def test_failure_reason_names_the_fault(exc: Exception, reason: str) -> None:
    """Each download exception maps to a short reason; an unknown one keeps its class name."""
    assert failure_reason(exc) == reason


def test_inflated_size_of_a_gzip_bomb_exceeds_the_limit() -> None:
    """A small gzip body that inflates past the limit is detected; an ordinary page is not."""
    bomb = gzip.compress(b"0" * (4 * LIMIT), compresslevel=9)
    assert len(bomb) < LIMIT // 64
    assert inflated_size_exceeds(bomb, [b"gzip"], LIMIT)
    page = gzip.compress(b"<p>news</p>" * 5000)
    assert not inflated_size_exceeds(page, [b"gzip"], LIMIT)


def test_inflated_size_counts_every_gzip_member_and_deflate_variant() -> None:
    """Concatenated gzip members add up; zlib-wrapped and raw deflate are both measured."""
    half = b"1" * (LIMIT // 2 + 10)
    members = gzip.compress(half) * 2
    assert inflated_size_exceeds(members, [b"gzip"], LIMIT)
    big = b"2" * (2 * LIMIT)
    raw = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    assert inflated_size_exceeds(zlib.compress(big, 9), [b"deflate"], LIMIT)
    assert inflated_size_exceeds(raw.compress(big) + raw.flush(), [b"deflate"], LIMIT)


def test_inflated_size_leaves_corrupt_and_unknown_encodings_to_scrapy() -> None:
    """A corrupt stream or an encoding not measured (br) is not called a bomb."""
    corrupt = gzip.compress(b"x")[:10] + bytes(range(256)) * 20  # a gzip header, then noise
    assert not inflated_size_exceeds(corrupt, [b"gzip"], LIMIT)
    assert not inflated_size_exceeds(b"x" * 5000, [b"br"], LIMIT)


def guard(**settings: object) -> HostileResponseGuard:
    """The guard built as Scrapy builds it, with ``settings``."""
    return HostileResponseGuard.from_crawler(get_crawler(settings_dict={"DOWNLOAD_MAXSIZE": LIMIT, **settings}))


def redirect(request: Request, location: str) -> Response:
    """A 302 to ``location`` for ``request``."""
    return Response(request.url, status=302, headers={"Location": location}, request=request)


def test_guard_refuses_a_redirect_back_into_its_chain_and_counts_it() -> None:
    """b → a after a → b is a loop: refused with IgnoreRequest and counted as redirect_loop."""
    mw = guard()
    request = Request("https://example.com/b", meta={"redirect_urls": ["https://example.com/a"], "redirect_times": 1})
    with pytest.raises(IgnoreRequest, match="redirect loop"):
        mw.process_response(request, redirect(request, "/a#top"))
    assert mw.crawler.stats.get_value("newscrawl/failed/redirect_loop") == 1


def test_guard_lets_ordinary_redirects_and_responses_through() -> None:
    """A redirect to a new URL and an ordinary page pass untouched."""
    mw = guard()
    request = Request("https://example.com/a")
    response = redirect(request, "https://example.com/b")
    assert mw.process_response(request, response) is response
    page = Response("https://example.com/a", body=gzip.compress(b"<p>x</p>"), headers={"Content-Encoding": "gzip"})
    assert mw.process_response(request, page) is page
    assert mw.crawler.stats.get_stats() == {}


def test_guard_counts_a_chain_scrapy_will_cut() -> None:
    """A redirect past REDIRECT_MAX_TIMES is counted as too_many_redirects (Scrapy drops it next)."""
    mw = guard(REDIRECT_MAX_TIMES=2)
    request = Request("https://example.com/3", meta={"redirect_urls": ["https://example.com/1", "https://example.com/2"],
                                                     "redirect_times": 2})
    mw.process_response(request, redirect(request, "/4"))
    assert mw.crawler.stats.get_value("newscrawl/failed/too_many_redirects") == 1


def test_guard_refuses_a_gzip_bomb_before_it_is_inflated() -> None:
    """A compressed body that would inflate past DOWNLOAD_MAXSIZE is refused and counted as too_large."""
    mw = guard()
    request = Request("https://example.com/bomb")
    bomb = Response(request.url, body=gzip.compress(b"0" * (4 * LIMIT)), headers={"Content-Encoding": "gzip"})
    with pytest.raises(IgnoreRequest, match="DOWNLOAD_MAXSIZE"):
        mw.process_response(request, bomb)
    assert mw.crawler.stats.get_value("newscrawl/failed/too_large") == 1


def test_failed_download_stats_count_final_failures_not_refusals() -> None:
    """A final download error is counted by reason; an IgnoreRequest (robots.txt, offsite) is not."""
    mw = FailedDownloadStats.from_crawler(get_crawler())
    request = Request("https://example.com/a")
    assert mw.process_exception(request, DownloadTimeoutError()) is None
    assert mw.process_exception(request, IgnoreRequest()) is None
    assert mw.crawler.stats.get_stats() == {"newscrawl/failed/timeout": 1}


def test_fault_components_switch_off() -> None:
    """NEWSCRAWL_FAULTS_ENABLED = False switches both middlewares off."""
    for component in (FailedDownloadStats, HostileResponseGuard):
        with pytest.raises(NotConfigured):
            component.from_crawler(get_crawler(settings_dict={"NEWSCRAWL_FAULTS_ENABLED": False}))

"""Downloads that fail for good, counted by reason, and hostile responses refused before they cost.

Scrapy retries and gives up, but its stats say only which exception
class each attempt raised, and some faults it drops without a trace: a
redirect loop ends in the duplicate filter, a gzip bomb in an
``IgnoreRequest`` that nothing counts. Two downloader middlewares:

- :class:`FailedDownloadStats` (order 540, below ``RetryMiddleware``'s 550,
  so it sees only what Scrapy gave up on) counts each page that could not
  be downloaded as ``newscrawl/failed/<reason>``: ``timeout``,
  ``connection_lost`` (reset or cut short), ``connection_refused``,
  ``dns_error``, ``too_large`` (over ``DOWNLOAD_MAXSIZE``) or
  ``error_<ExceptionName>``.
- :class:`HostileResponseGuard` (order 610, above ``RedirectMiddleware``'s
  600 and the compression middleware's 590) refuses a redirect that goes
  back to a URL of its own chain (``newscrawl/failed/redirect_loop``),
  counts a chain Scrapy will cut at ``REDIRECT_MAX_TIMES``
  (``newscrawl/failed/too_many_redirects``), and refuses a compressed body
  that would inflate past ``DOWNLOAD_MAXSIZE`` (``newscrawl/failed/too_large``),
  measured without keeping the inflated bytes.

Both are switched off by ``NEWSCRAWL_FAULTS_ENABLED = False``.
"""

from __future__ import annotations

import logging
import zlib
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin

from scrapy.exceptions import IgnoreRequest, NotConfigured
from w3lib.url import safe_url_string

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# zlib output per call while measuring an inflated size; bounds memory to this much.
_INFLATE_CHUNK = 1024 * 1024
# Deflate cannot expand data more than about 1032:1, so a body this many times
# smaller than the limit cannot exceed it and is not measured.
_MAX_DEFLATE_RATIO = 1032


def failure_reason(exc: BaseException) -> str:
    """The short reason a download failed, from the exception Scrapy or Twisted raised."""
    from scrapy import exceptions as sx  # noqa: PLC0415
    from twisted.internet import error as tx  # noqa: PLC0415
    from twisted.web import _newclient as nc  # noqa: PLC0415

    reasons: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
        ((sx.DownloadTimeoutError, tx.TimeoutError, tx.TCPTimedOutError, TimeoutError), "timeout"),
        ((sx.DownloadCancelledError,), "too_large"),
        ((sx.CannotResolveHostError, tx.DNSLookupError), "dns_error"),
        ((sx.DownloadConnectionRefusedError, tx.ConnectionRefusedError, ConnectionRefusedError), "connection_refused"),
        ((sx.ResponseDataLossError, tx.ConnectionLost, tx.ConnectionDone, nc.ResponseFailed,
          nc.ResponseNeverReceived, ConnectionError), "connection_lost"),
        ((tx.ConnectError, sx.DownloadFailedError), "connection_failed"),
    )
    for classes, reason in reasons:
        if isinstance(exc, classes):
            return reason
    return f"error_{type(exc).__name__}"


def inflated_size_exceeds(body: bytes, encodings: list[bytes], max_size: int) -> bool:
    """True when ``body``, decoded through ``encodings`` (Content-Encoding order), would exceed ``max_size``.

    Measures gzip and deflate only (the others are left to Scrapy's own
    limit), one bounded chunk at a time, so a bomb never sits in memory. A
    body that is corrupt counts as not exceeding: Scrapy reports it.
    """
    if not max_size or len(body) * _MAX_DEFLATE_RATIO <= max_size:
        return False
    encoding = encodings[-1].strip().lower() if encodings else b""
    if encoding in (b"gzip", b"x-gzip"):
        wbits = 16 + zlib.MAX_WBITS
    elif encoding == b"deflate":
        wbits = zlib.MAX_WBITS if body[:1] == b"\x78" else -zlib.MAX_WBITS  # zlib-wrapped or raw
    else:
        return False
    size = 0
    data = body
    try:
        while data:
            inflater = zlib.decompressobj(wbits)
            while data:
                size += len(inflater.decompress(data, _INFLATE_CHUNK))
                if size > max_size:
                    return True
                data = inflater.unconsumed_tail
                if inflater.eof:
                    break
            data = inflater.unused_data if inflater.eof else b""  # a gzip file may hold several members
    except zlib.error:
        return False
    return False


def _stat(crawler: Crawler, key: str) -> None:
    assert crawler.stats is not None
    crawler.stats.inc_value(f"newscrawl/{key}")


def _enabled(crawler: Crawler) -> None:
    if not crawler.settings.getbool("NEWSCRAWL_FAULTS_ENABLED", True):
        raise NotConfigured("NEWSCRAWL_FAULTS_ENABLED is off")


class FailedDownloadStats:
    """Counts the downloads Scrapy gave up on as ``newscrawl/failed/<reason>`` (see :func:`failure_reason`)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        _enabled(crawler)
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception) -> None:
        """Count a final download failure; refusals (robots.txt, offsite, guards) have their own stats."""
        if isinstance(exception, IgnoreRequest):
            return
        reason = failure_reason(exception)
        _stat(self.crawler, f"failed/{reason}")
        logger.info("gave up on %s: %s (%s)", request.url, reason, exception)


class HostileResponseGuard:
    """Refuses redirect loops and decompression bombs, each counted, before Scrapy follows or inflates them."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.max_redirects = settings.getint("REDIRECT_MAX_TIMES")
        self.redirects_enabled = settings.getbool("REDIRECT_ENABLED")
        self.compression_enabled = settings.getbool("COMPRESSION_ENABLED")
        self.max_size = settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        _enabled(crawler)
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        """Pass the response on, unless it is a redirect loop or a decompression bomb."""
        if self.redirects_enabled and response.status in REDIRECT_STATUSES and not request.meta.get("dont_redirect"):
            self._check_redirect(request, response)
        encodings = response.headers.getlist(b"Content-Encoding")
        max_size = request.meta.get("download_maxsize", self.max_size)
        if (
            self.compression_enabled
            and encodings
            and request.method != "HEAD"
            and inflated_size_exceeds(response.body, encodings, max_size)
        ):
            _stat(self.crawler, "failed/too_large")
            msg = f"{response.url}: {len(response.body)} compressed bytes inflate past DOWNLOAD_MAXSIZE ({max_size} B)"
            logger.warning(msg)
            raise IgnoreRequest(msg)
        return response

    def _check_redirect(self, request: Request, response: Response) -> None:
        location = response.headers.get(b"Location")
        if not location or response.status in request.meta.get("handle_httpstatus_list", ()):
            return
        target = urldefrag(urljoin(request.url, safe_url_string(location))).url
        chain = [urldefrag(u).url for u in (*request.meta.get("redirect_urls", ()), request.url)]
        if target in chain:
            _stat(self.crawler, "failed/redirect_loop")
            msg = f"redirect loop: {' -> '.join([*chain, target])}"
            logger.warning(msg)
            raise IgnoreRequest(msg)
        max_times = request.meta.get("max_redirect_times", self.max_redirects)
        if request.meta.get("redirect_times", 0) + 1 > max_times:
            _stat(self.crawler, "failed/too_many_redirects")  # RedirectMiddleware drops it next

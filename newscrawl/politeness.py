"""Politeness that Scrapy 2.19 leaves out: Retry-After, RFC 9309 robots.txt errors, Crawl-delay.

- :class:`RetryAfterMiddleware` (downloader middleware): a 429 or 503
  pauses its host (the download slot) for the ``Retry-After`` the server
  asks, seconds or an HTTP-date, capped by
  ``NEWSCRAWL_RETRY_AFTER_MAX_DELAY``; without the header, for
  ``NEWSCRAWL_RETRY_AFTER_BACKOFF`` seconds, doubled on each retry. Every
  request to that host, the retry included, waits until the pause ends;
  other hosts go on. Scrapy's ``RetryMiddleware`` still decides whether to
  retry and counts it. Requests already queued for the host wait as well.
  Stats: ``newscrawl/retry_after/<status>`` (header
  honoured), ``newscrawl/backoff/<status>`` (no header),
  ``newscrawl/retry_after/capped``.
- :class:`RobotsTxtMiddleware` replaces Scrapy's: a robots.txt that answers
  5xx (or 429) after retries, or cannot be fetched at all (timeout,
  connection error), disallows the whole host, as RFC 9309 §2.3.1.4 says;
  a 4xx allows everything (§2.3.1.3). Scrapy treats both as allow-all.
  Stats: ``newscrawl/robots/unavailable_disallow`` (hosts),
  ``newscrawl/robots/unavailable_allow`` (hosts with a 4xx robots.txt).
- :class:`CrawlDelay` (extension): the ``Crawl-delay`` of a host's
  robots.txt (for our user agent) becomes the minimum delay of its download
  slot, capped by ``NEWSCRAWL_CRAWL_DELAY_MAX``, and AutoThrottle cannot
  lower it; a sources-file outlet's own slot (``download_slot`` meta) gets
  the largest Crawl-delay of the hosts it fetches from, so an outlet's
  ``download_delay`` never undercuts robots.txt. Stat: ``newscrawl/crawl_delay/hosts``.

The decisions are plain functions (:func:`retry_after_delay`,
:func:`robots_fallback`) so tests can call them directly.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import attrs
from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import (
    RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware,
)
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.asyncio import call_later, sleep
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.core.downloader import Slot
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.robotstxt import RobotParser

logger = logging.getLogger(__name__)

_DELAY_SECONDS_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*$")


def _stat(crawler: Crawler, key: str, count: int = 1) -> None:
    assert crawler.stats is not None
    crawler.stats.inc_value(f"newscrawl/{key}", count)


def _slot_key(crawler: Crawler, request: Request) -> str:
    """The download slot (host) of ``request``, as Scrapy's downloader computes it."""
    assert crawler.engine is not None
    return crawler.engine.downloader.get_slot_key(request)


# -- Retry-After ---------------------------------------------------------------------------


def retry_after_delay(value: bytes | str | None, date: bytes | str | None = None, now: datetime | None = None) -> float | None:
    """Seconds to wait according to a ``Retry-After`` value, or None if it says nothing usable.

    ``value`` is delay-seconds (``"120"``) or an HTTP-date. A date is
    measured from the response's ``Date`` header when there is one (so the
    server's clock and ours need not agree), else from ``now``. A date in
    the past means no wait (0.0).
    """
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    if match := _DELAY_SECONDS_RE.match(text):
        return float(match.group(1))
    try:
        when = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    reference = None
    if date:
        try:
            reference = parsedate_to_datetime(date.decode("latin-1") if isinstance(date, bytes) else date)
        except (TypeError, ValueError, IndexError):
            reference = None
    reference = reference or now or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if reference.tzinfo is None:
        reference = reference.replace(tzinfo=UTC)
    return max(0.0, (when - reference).total_seconds())


@attrs.frozen(kw_only=True)
class RetryAfterOptions:
    """What :class:`RetryAfterMiddleware` reads from the settings."""

    statuses: frozenset[int] = frozenset({429, 503})
    """Statuses whose Retry-After pauses the host."""
    max_delay: float = 120.0
    """The longest pause, whatever the server asks."""
    backoff: float = 5.0
    """Pause after such a status without a usable Retry-After, doubled on each retry (0: none)."""

    def pause_for(self, response_status: int, retry_after: float | None, retry_times: int) -> tuple[float, str]:
        """The pause in seconds and its stats key for a response (``retry_after`` from the header)."""
        if retry_after is not None:
            return min(retry_after, self.max_delay), f"retry_after/{response_status}"
        return min(self.backoff * 2**retry_times, self.max_delay), f"backoff/{response_status}"


class RetryAfterMiddleware:
    """Pauses a host after a 429/503 for its ``Retry-After`` (or a backoff); the retry waits too.

    Install it after Scrapy's ``RetryMiddleware`` (a higher order than
    550), so it sees a response before ``RetryMiddleware`` turns it into a
    retry request; the retry, like any request to the paused host, then
    waits in :meth:`process_request` until the pause ends.
    """

    def __init__(self, crawler: Crawler, options: RetryAfterOptions) -> None:
        self.crawler = crawler
        self.options = options
        self._resume_at: dict[str, float] = {}  # slot key → time.monotonic() when the host may be asked again

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_RETRY_AFTER_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_RETRY_AFTER_ENABLED is off")
        options = RetryAfterOptions(
            statuses=frozenset(int(s) for s in settings.getlist("NEWSCRAWL_RETRY_AFTER_HTTP_CODES", [429, 503])),
            max_delay=settings.getfloat("NEWSCRAWL_RETRY_AFTER_MAX_DELAY", 120.0),
            backoff=settings.getfloat("NEWSCRAWL_RETRY_AFTER_BACKOFF", 5.0),
        )
        if options.max_delay < 0 or options.backoff < 0:
            msg = "NEWSCRAWL_RETRY_AFTER_MAX_DELAY and NEWSCRAWL_RETRY_AFTER_BACKOFF cannot be negative"
            raise ValueError(msg)
        return cls(crawler, options)

    async def process_request(self, request: Request) -> None:
        """Wait while the request's host is paused (the pause may grow while waiting)."""
        key = _slot_key(self.crawler, request)
        while (wait := self._resume_at.get(key, 0.0) - time.monotonic()) > 0:
            await sleep(wait)
        self._resume_at.pop(key, None)

    def process_response(self, request: Request, response: Response) -> Response:
        """Pause the host of a 429/503 response; the response goes on to ``RetryMiddleware``."""
        if response.status not in self.options.statuses:
            return response
        retry_after = retry_after_delay(response.headers.get(b"Retry-After"), response.headers.get(b"Date"))
        pause, key = self.options.pause_for(response.status, retry_after, request.meta.get("retry_times", 0))
        if retry_after is not None and retry_after > self.options.max_delay:
            _stat(self.crawler, "retry_after/capped")
        if pause <= 0:
            return response
        _stat(self.crawler, key)
        host = _slot_key(self.crawler, request)
        resume_at = time.monotonic() + pause
        if resume_at > self._resume_at.get(host, 0.0):
            self._resume_at[host] = resume_at
            self._hold_slot(host, pause)
        logger.info("%s answered %d: pausing %s for %.1f s", request.url, response.status, host, pause)
        return response

    def _hold_slot(self, key: str, pause: float) -> None:
        """Stop the host's download slot from sending the requests already queued in it, for ``pause`` s.

        The slot's ``latercall`` is what Scrapy's downloader waits for
        between two requests of a slot with a download delay ("block
        processing until slot.latercall is called"); holding it holds the
        queue. Releasing it needs the downloader's ``_process_queue``;
        without it (another Scrapy version) only requests that have not
        reached the slot yet wait, in :meth:`process_request`.
        """
        assert self.crawler.engine is not None
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(key)
        if slot is None or not hasattr(downloader, "_process_queue"):
            return
        if slot.latercall is not None:
            slot.latercall.cancel()
        slot.latercall = call_later(pause, self._release_slot, key)

    def _release_slot(self, key: str) -> None:
        assert self.crawler.engine is not None
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(key)
        if slot is None:
            return
        slot.latercall = None
        downloader._process_queue(slot)


# -- robots.txt the RFC 9309 way -------------------------------------------------------------

# robots.txt statuses that mean "unreachable" besides 5xx: 429 Too Many Requests is
# the server asking us to wait, not saying there are no rules (Google treats it so).
UNREACHABLE_STATUSES = frozenset({429})
_DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


def robots_fallback(status: int | None) -> str | None:
    """What a robots.txt fetch that gave ``status`` (None: no response at all) means, per RFC 9309.

    ``"disallow"`` for an unreachable robots.txt (5xx, 429, no response),
    ``"allow"`` for an unavailable one (other 4xx), None when the body is
    the robots.txt to parse (2xx, or a 3xx Scrapy did not follow).
    """
    if status is None or status >= 500 or status in UNREACHABLE_STATUSES:
        return "disallow"
    if 400 <= status < 500:
        return "allow"
    return None


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with RFC 9309's rules for a robots.txt that cannot be read.

    Used in place of ``scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware``
    (same order, 100); off, like it, when ``ROBOTSTXT_OBEY`` is False.
    ``NEWSCRAWL_ROBOTS_UNREACHABLE_DISALLOW = False`` restores Scrapy's
    allow-all for unreachable robots.txt files.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.unreachable_disallow = crawler.settings.getbool("NEWSCRAWL_ROBOTS_UNREACHABLE_DISALLOW", True)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        fallback = robots_fallback(response.status)
        if fallback is None:
            await super()._parse_robots(response, netloc, request)
            return
        self._stats.inc_value("robotstxt/response_count")
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        self._settle(netloc, fallback, f"answered {response.status}")

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):  # refused by another middleware: no answer from the site
            super()._robots_error(exc, netloc)
            return
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._settle(netloc, "disallow", f"could not be fetched ({type(exc).__name__})")

    def _settle(self, netloc: str, fallback: str, why: str) -> None:
        """Resolve the host's pending robots.txt lookup as disallow-all or allow-all."""
        parser: RobotParser | None = None
        if fallback == "disallow" and self.unreachable_disallow:
            parser = build_from_crawler(self._parserimpl, self.crawler, _DISALLOW_ALL)
            _stat(self.crawler, "robots/unavailable_disallow")
            logger.warning("robots.txt of %s %s: not crawling the host (RFC 9309: unreachable means disallow)", netloc, why)
        else:
            _stat(self.crawler, "robots/unavailable_allow")
            logger.info("robots.txt of %s %s: no rules, crawling the host", netloc, why)
        pending = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(pending, Deferred):  # what the host's waiting requests await
            pending.callback(parser)


# -- Crawl-delay ---------------------------------------------------------------------------------


def crawl_delay_for(robotparser: Any, user_agent: str, cap: float) -> float | None:
    """The Crawl-delay a parsed robots.txt asks of ``user_agent``, capped at ``cap``; None if none."""
    getter = getattr(robotparser, "crawl_delay", None)
    if getter is None:
        return None
    try:
        delay = getter(user_agent)
    except (TypeError, ValueError):
        return None
    if delay is None or float(delay) <= 0:
        return None
    return min(float(delay), cap)


class CrawlDelay:
    """Applies robots.txt ``Crawl-delay`` as the minimum download delay of each host's slot.

    An extension on Scrapy's signals: ``robots_parsed`` gives the delay;
    ``request_reached_downloader`` applies it when a slot is (re)created;
    ``response_downloaded`` restores it after AutoThrottle (connected
    earlier, so called earlier) has adjusted the delay. Jitter is switched
    off for such slots, since it would go below the minimum.
    """

    def __init__(self, crawler: Crawler, cap: float) -> None:
        self.crawler = crawler
        self.cap = cap
        self.user_agent: str = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT") or ""
        self.delays: dict[str, float] = {}  # slot key → Crawl-delay

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_CRAWL_DELAY_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_CRAWL_DELAY_ENABLED is off")
        if not settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured("ROBOTSTXT_OBEY is off: no robots.txt is read")
        cap = settings.getfloat("NEWSCRAWL_CRAWL_DELAY_MAX", 30.0)
        if cap < 0:
            msg = "NEWSCRAWL_CRAWL_DELAY_MAX cannot be negative"
            raise ValueError(msg)
        ext = cls(crawler, cap)
        crawler.signals.connect(ext.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(ext.request_reached_downloader, signal=signals.request_reached_downloader)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        return ext

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        """Remember the host's Crawl-delay, and apply it to the slot if it exists already."""
        delay = crawl_delay_for(robotparser, self.user_agent, self.cap)
        if delay is None:
            return
        key = _slot_key(self.crawler, request)
        host = urlparse_cached(request).hostname or key  # an outlet's request has the outlet's slot, not the host's
        if host not in self.delays:
            _stat(self.crawler, "crawl_delay/hosts")
        for name in {key, host}:
            self.delays[name] = max(delay, self.delays.get(name, 0.0))
        logger.info("robots.txt of %s asks for a Crawl-delay of %s s: applied (cap %s s)", host, delay, self.cap)
        self._enforce(key)

    def request_reached_downloader(self, request: Request, spider: Spider) -> None:
        self._enforce(request.meta.get("download_slot"), urlparse_cached(request).hostname)

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        self._enforce(request.meta.get("download_slot"), urlparse_cached(request).hostname)

    def _enforce(self, key: str | None, host: str | None = None) -> None:
        """Raise slot ``key``'s delay to its own Crawl-delay, or that of ``host`` when the slot is not the host's (an outlet's)."""
        if key is None:
            return
        delay = max(self.delays.get(key, 0.0), self.delays.get(host, 0.0) if host else 0.0)
        if not delay:
            return
        assert self.crawler.engine is not None
        slot: Slot | None = self.crawler.engine.downloader.slots.get(key)
        if slot is None:
            return
        slot.delay = max(slot.delay, delay)
        slot.jitter = 0.0

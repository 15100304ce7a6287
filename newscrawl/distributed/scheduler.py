"""scrapy-redis's scheduler with acknowledged pops: a worker killed mid-crawl loses none of its requests.

:class:`AckScheduler` is scrapy-redis's :class:`~scrapy_redis.scheduler.Scheduler`
(the same queue, duplicate filter and serializer, ``SCHEDULER_PERSIST`` on)
with three changes:

- :meth:`~AckScheduler.next_request` takes a request with
  :meth:`Frontier.pop_request <newscrawl.distributed.frontier.Frontier.pop_request>`,
  which moves it into this worker's processing hash instead of deleting it;
- a request is acknowledged (deleted from the hash) once the engine is done
  with it: the engine keeps every request it took from the scheduler in its
  in-progress set until the response went through the callback, the items
  it gave went through the pipelines and the feed exports, and the requests
  it gave (or a redirect or retry of it) were scheduled, i.e. are in the
  Redis queue. A request that fails for good leaves that set too;
- a heartbeat every ``NEWSCRAWL_REDIS_POLL_INTERVAL`` keeps the worker alive
  for ``NEWSCRAWL_REDIS_HEARTBEAT_TTL`` seconds and gives the requests held
  by dead workers back to the queue. At a graceful stop the worker gives
  back what it still holds.

A lost Redis connection stops the worker (reason ``redis_unavailable``) with
one error line; :class:`~newscrawl.distributed.extension.RedisConnection`
turns that into exit status 1.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.scheduler import Scheduler

from newscrawl.distributed.worker import (
    REDIS_ERRORS,
    exit_unreachable,
    frontier_for,
    worker_options,
)

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

    from newscrawl.distributed.frontier import Frontier
    from newscrawl.distributed.worker import WorkerOptions

logger = logging.getLogger(__name__)

CLOSE_REASON = "redis_unavailable"  # the spider's close reason after a lost Redis connection


class EngineView:
    """The two things the scheduler needs from Scrapy's engine, in one place.

    Scrapy has no public "request done" signal; its engine keeps each
    request it took from the scheduler in ``_slot.inprogress`` until the
    downloader's result was fully handled (scraped, or re-scheduled as a
    redirect or retry), and ``_slot.nextcall`` runs its scheduling loop.
    ``tests/test_distributed.py`` pins both on the installed Scrapy.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    def in_progress(self) -> set[Request] | None:
        """The requests the engine is still handling, or None before the engine has a slot."""
        slot = getattr(self.crawler.engine, "_slot", None)
        return None if slot is None else slot.inprogress

    def wake(self) -> None:
        """Ask the engine to take requests from the scheduler now, not at its next 5-second heartbeat."""
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()


class AckScheduler(Scheduler):
    """scrapy-redis's scheduler whose pops are acknowledged when the engine is done with a request."""

    crawler: Crawler
    frontier: Frontier
    options: WorkerOptions

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        frontier = frontier_for(crawler)
        try:
            scheduler = cls.from_settings(crawler.settings)  # scrapy-redis: queue and dupefilter settings, a PING
        except REDIS_ERRORS as exc:
            exit_unreachable(str(crawler.settings.get("REDIS_URL")), exc)
        scheduler.stats = crawler.stats
        scheduler.crawler = crawler
        scheduler.frontier = frontier
        scheduler.options = worker_options(crawler)
        scheduler._init_ack()
        return scheduler

    def _init_ack(self) -> None:
        self.engine = EngineView(self.crawler)
        self._held: dict[str, Request] = {}  # token -> the request object handed to the engine
        self._tick_call: Any = None
        self.outage: BaseException | None = None

    # -- Scrapy's scheduler interface -------------------------------------------------------
    def open(self, spider: Spider) -> None:
        """Open scrapy-redis's queue, register this worker, take back what dead workers held, start the heartbeat."""
        super().open(spider)
        if (self.queue.key, self.df.key) != (self.frontier.keys.requests, self.frontier.keys.dupefilter):
            msg = (f"SCHEDULER_QUEUE_KEY/SCHEDULER_DUPEFILTER_KEY ({self.queue.key}, {self.df.key}) must be the ones "
                   f"NEWSCRAWL_REDIS_PREFIX gives ({self.frontier.keys.requests}, {self.frontier.keys.dupefilter})")
            raise ValueError(msg)
        try:
            self.frontier.heartbeat()
            self._requeue_dead()
        except REDIS_ERRORS as exc:
            self._lost(exc)
            return
        logger.info(
            "distributed worker %s: shared queue %s (%d requests queued)",
            self.frontier.worker, self.frontier.keys.requests, len(self.queue),
        )
        self._tick_call = create_looping_call(self.tick)
        self._tick_call.start(self.options.poll_interval, now=False)

    def close(self, reason: str) -> None:
        """Stop the heartbeat; acknowledge finished requests and give back the rest (scrapy-redis keeps the queue)."""
        if self._tick_call is not None and self._tick_call.running:
            self._tick_call.stop()
        if self.outage is not None:
            return  # nothing can be given back; the others requeue it once this worker's heartbeat expires
        try:
            self._ack_finished()
            returned = self.frontier.leave()
        except REDIS_ERRORS as exc:
            logger.error("distributed worker %s: Redis lost while closing (%s)", self.frontier.worker, exc)
            return
        if returned:
            logger.info("distributed worker %s: gave %d unfinished requests back to the queue", self.frontier.worker, returned)
        super().close(reason)

    def enqueue_request(self, request: Request) -> bool:
        """scrapy-redis's enqueue (its duplicate filter's fingerprint, then its queue), in one Lua script.

        scrapy-redis adds the fingerprint and queues the request in two
        commands: a worker killed between them would lose the request for
        good (its fingerprint says seen). False, not a traceback, when Redis is gone.
        """
        if self.outage is not None:
            return False
        fingerprint = None if request.dont_filter else self.df.request_fingerprint(request)
        data = self.queue._encode_request(request)
        try:
            if not self.frontier.push_request(fingerprint, -request.priority, data):
                self.df.log(request, self.spider)
                return False
        except REDIS_ERRORS as exc:
            self._lost(exc)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        """The first request of the shared queue, now held by this worker until the engine is done with it."""
        if self.outage is not None:
            return None
        try:
            self._ack_finished()
            popped = self.frontier.pop_request()
        except REDIS_ERRORS as exc:
            self._lost(exc)
            return None
        if popped is None:
            return None
        token, data = popped
        request = self.queue._decode_request(data)
        self._held[token] = request
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        """True while the shared queue has requests (scrapy-redis), False once Redis is lost."""
        if self.outage is not None:
            return False
        try:
            return super().has_pending_requests()
        except REDIS_ERRORS as exc:
            self._lost(exc)
            return False

    # -- acknowledgement ---------------------------------------------------------------------
    def finished_tokens(self) -> list[str]:
        """Tokens of the held requests the engine no longer handles."""
        in_progress = self.engine.in_progress()
        if in_progress is None:
            return []
        return [token for token, request in self._held.items() if request not in in_progress]

    def _ack_finished(self) -> None:
        done = self.finished_tokens()
        if not done:
            return
        self.frontier.ack(done)
        for token in done:
            del self._held[token]
        if self.stats:
            self.stats.inc_value("newscrawl/redis/acknowledged", len(done))

    def _requeue_dead(self) -> None:
        moved = self.frontier.requeue_dead()
        if moved:
            logger.warning("distributed worker %s: %d requests held by dead workers were put back in the queue", self.frontier.worker, moved)
            if self.stats:
                self.stats.inc_value("newscrawl/redis/requeued", moved)

    def tick(self) -> None:
        """Heartbeat: stay alive, acknowledge, requeue dead workers' requests, wake the engine when work is queued."""
        if self.outage is not None:
            return
        try:
            self.frontier.heartbeat()
            self._ack_finished()
            self._requeue_dead()
            queued = self.frontier.queued()
        except REDIS_ERRORS as exc:
            self._lost(exc)
            return
        if queued:
            self.engine.wake()

    # -- outage ------------------------------------------------------------------------------
    def _lost(self, exc: BaseException) -> None:
        """Report a lost Redis connection once and stop this worker (close reason ``redis_unavailable``)."""
        if self.outage is not None:
            return
        self.outage = exc
        logger.error(
            "distributed worker %s: lost the Redis connection (%s); stopping. Its %d unfinished requests "
            "go back to the queue when another worker sees its heartbeat expire.",
            self.frontier.worker, exc, len(self._held),
        )
        if self.stats:
            self.stats.set_value("newscrawl/redis/outage", str(exc))
        engine = self.crawler.engine
        if engine is not None and getattr(engine, "spider", None) is not None:
            deferred_from_coro(engine.close_spider_async(reason=CLOSE_REASON))

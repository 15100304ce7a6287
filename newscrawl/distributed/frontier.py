"""The shared frontier in Redis: queue, seeds, outlets, workers and what each worker holds.

Plain Python over a ``redis.Redis`` client (no Scrapy), so tests and the
``newscrawl push`` command use it directly. Keys, for the prefix
``newscrawl`` and the spider ``news`` (``{p}`` below is ``newscrawl:news``):

=========================  =====  ================================================================
``{p}:requests``           zset   scrapy-redis's priority queue (serialized requests, score -priority)
``{p}:dupefilter``         set    scrapy-redis's request fingerprints of the current run
``{p}:seeds``              list   sources pushed by ``newscrawl push``, JSON, taken by workers
``{p}:outlets``            hash   outlet name -> its sources-file table (JSON)
``{p}:start_urls``         set    start pages pushed as ``--url`` (links are followed within their sites)
``{p}:workers``            set    ids of the workers that may hold requests
``{p}:alive:<id>``         str    a worker's heartbeat, expires after ``NEWSCRAWL_REDIS_HEARTBEAT_TTL``
``{p}:processing:<id>``    hash   token -> request (or seed) a worker took and has not acknowledged
``{p}:tokens``             str    counter for tokens
=========================  =====  ================================================================

The acknowledgement scheme. :meth:`Frontier.pop_request` moves the first
request of the queue into the worker's processing hash in one Lua script
(the token ``r:<n>:<score>`` keeps its priority), and
:meth:`Frontier.ack` deletes it when the worker is done with it. Seeds
(``s:<n>``) work the same way. :meth:`Frontier.requeue_dead` (run by every
worker at start and on each heartbeat) gives the requests and seeds held
by workers whose heartbeat expired back to the queue and the seed list, in
one script; they bypass the duplicate filter, which already holds their
fingerprints. Requests are delivered at least once: a worker that stalls
longer than the TTL may see its requests crawled twice, which the article
claims of :mod:`newscrawl.distributed.state` keep out of the output.

The scripts touch keys they compute from the worker ids (``alive``,
``processing``), which a standalone Redis server or a replica set allows,
and Redis Cluster does not.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from collections.abc import Iterable

    import redis

# Move the first queued request into the worker's processing hash: KEYS queue, processing, tokens.
_POP_REQUEST = """
local found = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #found == 0 then return false end
redis.call('ZREM', KEYS[1], found[1])
local token = 'r:' .. redis.call('INCR', KEYS[3]) .. ':' .. found[2]
redis.call('HSET', KEYS[2], token, found[1])
return {token, found[1]}
"""

# Mark a request seen and queue it, in one step (a crash between the two would lose it): KEYS dupefilter, queue;
# ARGV fingerprint ('' for dont_filter), score, data. 1 when queued, 0 when already seen.
_PUSH_REQUEST = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

# Move the first seed into the worker's processing hash: KEYS seeds, processing, tokens.
_POP_SEED = """
local seed = redis.call('LPOP', KEYS[1])
if not seed then return false end
local token = 's:' .. redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], token, seed)
return {token, seed}
"""

# Give what dead workers hold back: KEYS workers, queue, seeds; ARGV alive prefix, processing prefix.
_REQUEUE_DEAD = """
local moved = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. id) == 0 then
    local held = redis.call('HGETALL', ARGV[2] .. id)
    for i = 1, #held, 2 do
      local token, data = held[i], held[i + 1]
      if string.sub(token, 1, 2) == 's:' then
        redis.call('LPUSH', KEYS[3], data)
      else
        redis.call('ZADD', KEYS[2], string.match(token, '^r:%d+:(.+)$'), data)
      end
      moved = moved + 1
    end
    redis.call('DEL', ARGV[2] .. id)
    redis.call('SREM', KEYS[1], id)
  end
end
return moved
"""

# Work not done anywhere: queued requests + seeds + entries held by any worker. KEYS queue, seeds, workers; ARGV processing prefix.
_OUTSTANDING = """
local n = redis.call('ZCARD', KEYS[1]) + redis.call('LLEN', KEYS[2])
for _, id in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  n = n + redis.call('HLEN', ARGV[1] .. id)
end
return n
"""

# Register (or keep) a worker alive: KEYS alive, workers; ARGV ttl in ms, id, now.
_HEARTBEAT = """
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
return 1
"""


def default_worker_id() -> str:
    """A worker id unique on the network: host name, process id and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@attrs.frozen
class FrontierKeys:
    """The Redis key names of one crawl project (prefix) and spider."""

    prefix: str = "newscrawl"
    spider: str = "news"

    @property
    def base(self) -> str:
        """``<prefix>:<spider>``, the start of every key."""
        return f"{self.prefix}:{self.spider}"

    @property
    def requests(self) -> str:
        """scrapy-redis's queue (``SCHEDULER_QUEUE_KEY``)."""
        return f"{self.base}:requests"

    @property
    def dupefilter(self) -> str:
        """scrapy-redis's duplicate filter (``SCHEDULER_DUPEFILTER_KEY``)."""
        return f"{self.base}:dupefilter"

    @property
    def seeds(self) -> str:
        return f"{self.base}:seeds"

    @property
    def outlets(self) -> str:
        return f"{self.base}:outlets"

    @property
    def start_urls(self) -> str:
        return f"{self.base}:start_urls"

    @property
    def workers(self) -> str:
        return f"{self.base}:workers"

    @property
    def tokens(self) -> str:
        return f"{self.base}:tokens"

    def alive(self, worker: str = "") -> str:
        """A worker's heartbeat key (the prefix of all of them for ``""``)."""
        return f"{self.base}:alive:{worker}"

    def processing(self, worker: str = "") -> str:
        """A worker's processing hash (the prefix of all of them for ``""``)."""
        return f"{self.base}:processing:{worker}"


class Frontier:
    """One worker's (or the push command's) view of the shared frontier.

    ``ttl`` is the heartbeat lifetime in seconds: a worker that has not
    called :meth:`heartbeat` for that long is dead to the others.
    """

    def __init__(self, client: redis.Redis, keys: FrontierKeys, worker: str | None = None, ttl: float = 30.0) -> None:
        self.client = client
        self.keys = keys
        self.worker = worker or default_worker_id()
        self.ttl = ttl
        self._push_request = client.register_script(_PUSH_REQUEST)
        self._pop_request = client.register_script(_POP_REQUEST)
        self._pop_seed = client.register_script(_POP_SEED)
        self._requeue_dead = client.register_script(_REQUEUE_DEAD)
        self._outstanding = client.register_script(_OUTSTANDING)
        self._heartbeat = client.register_script(_HEARTBEAT)

    # -- this worker
    def heartbeat(self) -> None:
        """Register this worker, or keep it registered, for another ``ttl`` seconds."""
        self._heartbeat(
            keys=[self.keys.alive(self.worker), self.keys.workers],
            args=[max(1, int(self.ttl * 1000)), self.worker, f"{time.time():.3f}"],
        )

    def leave(self) -> int:
        """A graceful stop: give back what this worker still holds, then deregister. Returns how much was given back."""
        self.client.delete(self.keys.alive(self.worker))
        return self.requeue_dead()

    def push_request(self, fingerprint: str | None, score: float, data: bytes) -> bool:
        """Queue a serialized request unless its fingerprint was seen (None: always), atomically; True when queued."""
        return bool(self._push_request(keys=[self.keys.dupefilter, self.keys.requests], args=[fingerprint or "", score, data]))

    def pop_request(self) -> tuple[str, bytes] | None:
        """(token, serialized request) of the first queued request, now held by this worker; None when the queue is empty."""
        found = self._pop_request(keys=[self.keys.requests, self.keys.processing(self.worker), self.keys.tokens])
        if not found:
            return None
        token, data = found
        return _text(token), bytes(data)

    def pop_seed(self) -> tuple[str, dict[str, Any]] | None:
        """(token, seed) of the first pushed seed, now held by this worker; None when there is none."""
        found = self._pop_seed(keys=[self.keys.seeds, self.keys.processing(self.worker), self.keys.tokens])
        if not found:
            return None
        token, data = found
        return _text(token), json.loads(data)

    def ack(self, tokens: Iterable[str]) -> None:
        """This worker is done with these requests or seeds."""
        tokens = list(tokens)
        if tokens:
            self.client.hdel(self.keys.processing(self.worker), *tokens)

    def held(self) -> int:
        """How many requests and seeds this worker holds."""
        return int(self.client.hlen(self.keys.processing(self.worker)))

    # -- everyone
    def requeue_dead(self) -> int:
        """Give the requests and seeds of workers whose heartbeat expired back to the queue; how many."""
        return int(
            self._requeue_dead(
                keys=[self.keys.workers, self.keys.requests, self.keys.seeds],
                args=[self.keys.alive(), self.keys.processing()],
            )
        )

    def outstanding(self) -> int:
        """Requests queued, seeds pushed and entries held by any worker: 0 when the crawl has nothing left to do."""
        return int(self._outstanding(keys=[self.keys.requests, self.keys.seeds, self.keys.workers], args=[self.keys.processing()]))

    def queued(self) -> int:
        """Requests in the shared queue."""
        return int(self.client.zcard(self.keys.requests))

    def is_alive(self, worker: str) -> bool:
        """True while ``worker``'s heartbeat has not expired."""
        return bool(self.client.exists(self.keys.alive(worker)))

    # -- sources
    def push_seed(self, seed: dict[str, Any]) -> None:
        """Add a seed (JSON object) for the workers to turn into start requests."""
        self.client.rpush(self.keys.seeds, json.dumps(seed, sort_keys=True))

    def add_outlets(self, tables: Iterable[dict[str, Any]]) -> None:
        """Store sources-file outlet tables under their names (replacing an outlet of the same name)."""
        mapping = {table["name"].strip(): json.dumps(table, sort_keys=True) for table in tables}
        if mapping:
            self.client.hset(self.keys.outlets, mapping=mapping)

    def outlet_tables(self) -> list[dict[str, Any]]:
        """The stored outlet tables, by name."""
        stored = self.client.hgetall(self.keys.outlets)
        return [json.loads(stored[name]) for name in sorted(stored)]

    def add_start_urls(self, urls: Iterable[str]) -> None:
        """Remember command-line start pages: links are followed within their sites by every worker."""
        urls = list(urls)
        if urls:
            self.client.sadd(self.keys.start_urls, *urls)

    def start_urls(self) -> list[str]:
        """Every command-line start page pushed so far."""
        return sorted(_text(u) for u in self.client.smembers(self.keys.start_urls))

    def begin_run_if_idle(self) -> bool:
        """Start a new run when nothing is outstanding: forget the last run's request fingerprints.

        Sitemaps, feeds and start pages are then read again; the article
        state is kept, so stored articles are still skipped. True when a
        new run began, False when one is in progress (pushed sources join it).
        """
        if self.outstanding():
            return False
        self.client.delete(self.keys.dupefilter)
        return True


def _text(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value

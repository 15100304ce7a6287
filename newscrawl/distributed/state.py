"""The incremental state in Redis, shared by every worker, and the article claims that keep output exactly-once.

:class:`RedisStateStore` is :class:`newscrawl.state.StateStore` (the
interface :mod:`newscrawl.incremental` and :class:`~newscrawl.pipelines.state.StatePipeline`
use: ``lookup``, ``get``, ``first_copy``, ``record_written``,
``record_checked``) kept in Redis instead of SQLite, so workers skip what
any worker stored, in this run or an earlier one, and find near-duplicates
across all of it. Keys (prefix ``newscrawl``):

==================================  =====  ==========================================================
``newscrawl:state:articles``        hash   article key -> what is stored about it (JSON, with ``order``)
``newscrawl:state:urls``            hash   canonicalized URL -> article key
``newscrawl:state:signatures``      hash   article key -> MinHash signature (datasketch bytes)
``newscrawl:state:lsh:<band>:<b>``  set    article keys whose signature has bucket ``b`` in ``band``
``newscrawl:state:order``           str    counter: the storage order of articles (first copy wins)
``newscrawl:state:claims``          hash   article key -> the worker writing it now
``newscrawl:state:meta``            hash   signature length and shingle size the state was built with
``newscrawl:state:pending:<id>``    hash   article key -> a worker's write-ahead note (record, feed file sizes)
``newscrawl:state:adopted:<id>``    hash   notes of dead workers a worker took over to settle
==================================  =====  ==========================================================

Exactly-once output. :class:`ClaimPipeline`, the last pipeline, *claims*
the article's key just before the feed exporter writes its line, in one
Lua script that also reads what is stored: an article another live worker
is writing right now, or that a worker already wrote with the same text,
is dropped (``newscrawl/dropped/claimed_elsewhere``,
``newscrawl/dropped/written_elsewhere``). After the line is written the
state is recorded (``item_scraped``, as with SQLite) and the claim
released. A claim whose worker's heartbeat expired is taken over
(``newscrawl/redis/claim_taken_over``): that worker died between claiming
and recording. Before the line is written,
:class:`~newscrawl.pipelines.state.StatePipeline` leaves a write-ahead note
(:meth:`RedisStateStore.record_pending`: the record, and the size of each
output file); the worker taking the claim over adopts the dead worker's
notes and settles them (:func:`~newscrawl.pipelines.state.settle_pending_writes`):
a note whose line is in its file is recorded as written, so the article
is not written again. That file must be readable where the note is
settled (workers on one machine, or a shared folder); a line written on
another machine cannot be found, and that article may then be in two
files: ``newscrawl export`` (which drops exact repeats) writes it once.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import attrs
from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured

from newscrawl.distributed.worker import REDIS_ERRORS, frontier_for
from newscrawl.items import Article
from newscrawl.pipelines.dedupe import url_key
from newscrawl.pipelines.digests import item_fingerprint
from newscrawl.state import (
    DEFAULT_SHINGLE_HASH,
    MINHASH_SCHEME,
    MINHASH_SEED,
    NearDuplicateOptions,
    StateError,
    StateStore,
    StoredArticle,
    Validators,
    WrittenRecord,
    band_buckets,
    deserialize_signature,
    normalize_url,
    note_text,
    record_from_note,
    serialize_signature,
)

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Self

    import redis
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from newscrawl.distributed.frontier import Frontier
    from newscrawl.incremental import StateOptions
    from newscrawl.signatures import Signature

logger = logging.getLogger(__name__)

_FIELDS = ("key", "url", "canonical_url", "fingerprint", "version", "first_seen", "last_seen", "fetched_at",
           "etag", "last_modified", "lastmod", "duplicate_of", "last_run")  # fmt: skip

# Claim an article key for a worker: KEYS claims, articles; ARGV key, worker, alive-key prefix.
# Returns {status, previous owner, stored JSON or false}; status ok, busy or taken_over.
_CLAIM = """
local owner = redis.call('HGET', KEYS[1], ARGV[1])
local stored = redis.call('HGET', KEYS[2], ARGV[1])
if owner and owner ~= ARGV[2] then
  if redis.call('EXISTS', ARGV[3] .. owner) == 1 then return {'busy', owner, stored} end
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return {'taken_over', owner, stored}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return {'ok', '', stored}
"""

# Adopt a dead worker's write-ahead notes: KEYS theirs, mine. Returns how many.
_ADOPT = """
local notes = redis.call('HGETALL', KEYS[1])
for i = 1, #notes, 2 do redis.call('HSET', KEYS[2], notes[i], notes[i + 1]) end
redis.call('DEL', KEYS[1])
return #notes / 2
"""

# Release the worker's claims: KEYS claims; ARGV worker, then keys (none: all of the worker's claims).
_RELEASE = """
local released = 0
local keys = {}
if #ARGV > 1 then
  for i = 2, #ARGV do keys[#keys + 1] = ARGV[i] end
else
  local all = redis.call('HGETALL', KEYS[1])
  for i = 1, #all, 2 do keys[#keys + 1] = all[i] end
end
for _, key in ipairs(keys) do
  if redis.call('HGET', KEYS[1], key) == ARGV[1] then
    redis.call('HDEL', KEYS[1], key)
    released = released + 1
  end
end
return released
"""


class StateUnavailable(DropItem):
    """Redis is unreachable: the item cannot be checked against the state, so it is not written here.

    Its request stays held by this worker in Redis and goes back to the
    queue once the server is back and this worker's heartbeat has expired.
    """

    def __init__(self, exc: BaseException) -> None:
        super().__init__(f"redis_unavailable: {exc}", log_level="DEBUG")


# KEYS[1] the meta hash, ARGV its field/value pairs: written whole if the hash does not exist; the hash as found.
_CREATE_META = """
if redis.call('EXISTS', KEYS[1]) == 0 then
    redis.call('HSET', KEYS[1], unpack(ARGV))
end
return redis.call('HGETALL', KEYS[1])
"""


class RedisStateStore(StateStore):
    """The state of :class:`~newscrawl.state.StateStore` in Redis (same methods; no SQLite file).

    ``prefix`` is ``NEWSCRAWL_REDIS_PREFIX``: workers with the same prefix
    share the state. The signature length and shingle size are fixed for a
    state, as in SQLite.
    """

    def __init__(  # noqa: PLR0913 - a store plus the frontier's identity
        self,
        client: redis.Redis,
        prefix: str,
        near_duplicates: NearDuplicateOptions | None = None,
        *,
        worker: str,
        alive_prefix: str,
        run_id: str | None = None,
    ) -> None:  # no super().__init__(): it would open a SQLite file
        self.client = client
        self.prefix = f"{prefix}:state"
        self.path = f"redis {self.prefix}:*"
        self.near_duplicates = near_duplicates or NearDuplicateOptions()
        self.run_id = run_id or worker
        self.worker = worker
        self.alive_prefix = alive_prefix
        self._outage_logged = False
        self._claim = client.register_script(_CLAIM)
        self._adopt = client.register_script(_ADOPT)
        self._release = client.register_script(_RELEASE)
        self._check_meta()

    def _key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    def _check_meta(self) -> None:
        """Record the signature parameters (all at once, by the first worker); refuse a state built with others.

        The shingle hash is the state's own: a state whose meta predates it
        (meta without ``shingle_hash``) keeps ``sha1``.
        """
        options = self.near_duplicates
        wanted = {
            "minhash_num_perm": str(options.num_perm),
            "minhash_seed": str(MINHASH_SEED),
            "minhash_scheme": MINHASH_SCHEME,
            "shingle_words": str(options.shingle_words),
            "shingle_hash": DEFAULT_SHINGLE_HASH,
        }
        meta_key = self._key("meta")
        # One script: workers starting together must not see a half-written meta (and take it for an old one).
        found = self.client.eval(_CREATE_META, 1, meta_key, *(x for pair in wanted.items() for x in pair))
        stored = {_text(k): _text(v) for k, v in zip(found[::2], found[1::2], strict=True)}
        if "shingle_hash" not in stored:  # made before poly64: every worker agrees, so no race here
            self.client.hsetnx(meta_key, "shingle_hash", "sha1")
            stored["shingle_hash"] = _text(self.client.hget(meta_key, "shingle_hash"))
        wanted["shingle_hash"] = stored["shingle_hash"]
        self.near_duplicates = attrs.evolve(options, shingle_hash=stored["shingle_hash"])
        for name, value in wanted.items():
            if stored.get(name) != value:
                msg = (f"the Redis state {self.prefix} was built with {name}={stored.get(name)}, not {value}; "
                       "use the settings it was built with or another NEWSCRAWL_REDIS_PREFIX")
                raise StateError(msg)

    # -- housekeeping
    def close(self) -> None:
        """Release this worker's claims (the connection is the frontier's); nothing to do once Redis is gone."""
        try:
            self.release_claims()
        except REDIS_ERRORS as exc:
            logger.debug("claims not released, Redis is unreachable (%s); they lapse with this worker's heartbeat", exc)

    # -- reading
    def __len__(self) -> int:
        return int(self.client.hlen(self._key("articles")))

    def get(self, key: str) -> StoredArticle | None:
        """The stored article; :class:`StateUnavailable` (a DropItem) when Redis is unreachable."""
        try:
            return _article(self.client.hget(self._key("articles"), key))
        except REDIS_ERRORS as exc:
            raise StateUnavailable(exc) from None

    def lookup(self, url: str) -> StoredArticle | None:
        """The article stored under a URL; None also when Redis is unreachable (the scheduler stops the worker)."""
        try:
            key = self.client.hget(self._key("urls"), normalize_url(url))
        except REDIS_ERRORS as exc:
            self.report_outage(exc)
            return None
        return None if key is None else self.get(_text(key))

    def report_outage(self, exc: BaseException) -> None:
        """Log a lost connection once (the scheduler stops the worker)."""
        if not self._outage_logged:
            self._outage_logged = True
            logger.error("Redis state unreachable (%s): items in flight are not written or recorded by this worker", exc)

    def first_copy(self, signature: Signature, *, exclude_key: str) -> tuple[str, int] | None:
        """The url and storage order of the first stored near-duplicate (LSH candidates, then Jaccard), or None."""
        bands, rows = self.near_duplicates.bands
        try:
            pipe = self.client.pipeline(transaction=False)
            for band, bucket in band_buckets(signature, bands, rows):
                pipe.smembers(self._key(f"lsh:{band}:{bucket}"))
            candidates = sorted({_text(k) for found in pipe.execute() for k in found} - {exclude_key})
            if not candidates:
                return None
            stored = self.client.hmget(self._key("articles"), candidates)
            blobs = self.client.hmget(self._key("signatures"), candidates)
        except REDIS_ERRORS as exc:
            raise StateUnavailable(exc) from None
        found = []
        for data, blob in zip(stored, blobs, strict=True):
            if data is None or blob is None:
                continue
            record = json.loads(data)
            found.append((int(record.get("order", 0)), record, blob))
        for order, record, blob in sorted(found, key=lambda f: f[0]):
            if signature.jaccard(deserialize_signature(blob)) >= self.near_duplicates.threshold:
                return (record.get("duplicate_of") or record["url"]), order
        return None

    # -- writing
    def record_written(self, record: WrittenRecord) -> None:
        """Store what one written JSONL record says about its article (one MULTI/EXEC); logged once when Redis is gone."""
        try:
            self._record_written(record)
        except REDIS_ERRORS as exc:
            self.report_outage(exc)

    def _record_written(self, record: WrittenRecord) -> None:
        v = record.validators
        old = self._stored_json(record.key)
        order = old.get("order") if old else None
        if order is None:
            order = int(self.client.incr(self._key("order")))
        data = {
            "key": record.key, "url": record.url, "canonical_url": record.canonical_url,
            "fingerprint": record.fingerprint, "version": record.version,
            "first_seen": old["first_seen"] if old else record.seen_at, "last_seen": record.seen_at,
            "fetched_at": record.fetched_at, "etag": v.etag, "last_modified": v.last_modified,
            "lastmod": v.lastmod or (old or {}).get("lastmod"), "duplicate_of": record.duplicate_of,
            "last_run": self.run_id, "order": order,
        }  # fmt: skip
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self._key("articles"), record.key, json.dumps(data))
        pipe.hdel(self._key(f"pending:{self.worker}"), record.key)
        pipe.hdel(self._adopted, record.key)
        self._add_urls(pipe, record.key, record.urls)
        if record.signature is not None:
            bands, rows = self.near_duplicates.bands
            pipe.hset(self._key("signatures"), record.key, serialize_signature(record.signature))
            for band, bucket in band_buckets(record.signature, bands, rows):
                pipe.sadd(self._key(f"lsh:{band}:{bucket}"), record.key)
        pipe.execute()

    def record_checked(self, key: str, *, seen_at: str, urls: Iterable[str] = (), validators: Validators = Validators()) -> bool:  # noqa: B008 - frozen, as StateStore's
        """Note that a stored article was fetched again and found unchanged (False when ``key`` is not stored, or Redis is gone)."""
        try:
            return self._record_checked(key, seen_at, urls, validators)
        except REDIS_ERRORS as exc:
            self.report_outage(exc)
            return False

    def _record_checked(self, key: str, seen_at: str, urls: Iterable[str], validators: Validators) -> bool:
        old = self._stored_json(key)
        if old is None:
            return False
        old.update(
            last_seen=seen_at,
            etag=validators.etag or old.get("etag"),
            last_modified=validators.last_modified or old.get("last_modified"),
            lastmod=validators.lastmod or old.get("lastmod"),
            last_run=self.run_id,
        )
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self._key("articles"), key, json.dumps(old))
        self._add_urls(pipe, key, urls)
        pipe.execute()
        return True

    def _stored_json(self, key: str) -> dict[str, Any] | None:
        data = self.client.hget(self._key("articles"), key)
        return None if data is None else dict(json.loads(data))

    def _add_urls(self, pipe: Any, key: str, urls: Iterable[str]) -> None:
        mapping = {normalize_url(u): key for u in dict.fromkeys(urls) if u}
        if mapping:
            pipe.hset(self._key("urls"), mapping=mapping)

    # -- write-ahead notes (the interface of StateStore.record_pending, per worker)
    def record_pending(self, record: WrittenRecord, feeds: Iterable[tuple[str, int]]) -> None:
        """Note, before its line is written, what ``record`` is and where its line will start (see :class:`StateStore`)."""
        try:
            self.client.hset(self._key(f"pending:{self.worker}"), record.key, note_text(record, feeds))
        except REDIS_ERRORS as exc:
            raise StateUnavailable(exc) from None

    @property
    def _adopted(self) -> str:
        """The notes this worker took over from dead workers (kept apart from its own, which are in flight)."""
        return self._key(f"adopted:{self.worker}")

    def pending_writes(self) -> list[tuple[WrittenRecord, list[tuple[str, int]]]]:
        """The notes dead workers left, adopted by this worker in one script each (never its own: those are in flight)."""
        try:
            for name in list(self.client.scan_iter(match=self._key("pending:*"))):
                owner = _text(name).removeprefix(self._key("pending:"))
                if owner != self.worker and not self.client.exists(f"{self.alive_prefix}{owner}"):
                    self._adopt(keys=[_text(name), self._adopted])
            notes = self.client.hgetall(self._adopted)
        except REDIS_ERRORS as exc:
            self.report_outage(exc)
            return []
        found = []
        for data in notes.values():
            note = json.loads(data)
            found.append((record_from_note(note), [(str(path), int(size)) for path, size in note["feeds"]]))
        return found

    def settled(self) -> None:
        """The notes :meth:`pending_writes` returned are settled (each was stored or discarded on its own)."""

    def discard_pending(self, key: str) -> None:
        """Forget this worker's note about ``key`` (its line was not written)."""
        try:
            self.client.hdel(self._key(f"pending:{self.worker}"), key)
            self.client.hdel(self._adopted, key)
        except REDIS_ERRORS as exc:
            self.report_outage(exc)

    # -- claims
    def claim(self, key: str) -> tuple[str, str | None, StoredArticle | None]:
        """Claim ``key`` for this worker: (``ok`` | ``busy`` | ``taken_over``, the other owner, what is stored)."""
        try:
            status, owner, stored = self._claim(keys=[self._key("claims"), self._key("articles")], args=[key, self.worker, self.alive_prefix])
        except REDIS_ERRORS as exc:
            raise StateUnavailable(exc) from None
        return _text(status), (_text(owner) or None), _article(stored or None)

    def release_claims(self, keys: Iterable[str] = ()) -> int:
        """Release this worker's claims on ``keys`` (all of them when empty); how many were released."""
        return int(self._release(keys=[self._key("claims")], args=[self.worker, *keys]))


def redis_state_store(crawler: Crawler, options: StateOptions) -> RedisStateStore:
    """The crawl's state in Redis, on the frontier's connection (a bad state configuration ends the crawl, exit 2)."""
    import sys  # noqa: PLC0415

    frontier = frontier_for(crawler)
    try:
        return RedisStateStore(
            frontier.client,
            frontier.keys.prefix,
            options.near_duplicates or NearDuplicateOptions(),
            worker=frontier.worker,
            alive_prefix=frontier.keys.alive(),
        )
    except StateError as exc:
        print(f"scrapy crawl: error: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None


class ClaimPipeline:
    """Claims each article's key before its line is exported; drops what another worker writes or wrote.

    Added by :class:`~newscrawl.distributed.addon.RedisAddon` after
    :class:`~newscrawl.pipelines.state.StatePipeline`, only in a distributed crawl.
    """

    def __init__(self, store: RedisStateStore, frontier: Frontier, stats: StatsCollector) -> None:
        self.store = store
        self.frontier = frontier
        self.stats = stats
        self._claimed: dict[int, str] = {}  # id(item) -> the key claimed for it, until its line is written

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        from newscrawl.incremental import state_options, state_store  # noqa: PLC0415 - avoids an import cycle

        if not crawler.settings.getbool("NEWSCRAWL_STATE_ENABLED", True):
            logger.warning(
                "NEWSCRAWL_STATE_ENABLED is off in a distributed crawl: a request crawled again after a worker "
                "died can write its article twice, and the next run writes everything again"
            )
            raise NotConfigured("NEWSCRAWL_STATE_ENABLED is off")
        store = state_store(crawler, state_options(crawler))
        assert isinstance(store, RedisStateStore)
        assert crawler.stats is not None
        pipe = cls(store, frontier_for(crawler), crawler.stats)
        crawler.signals.connect(pipe.item_scraped, signal=signals.item_scraped)
        return pipe

    def process_item(self, item: Any, spider: Any = None) -> Any:
        """Claim the article, or drop it when another worker is writing it or wrote the same text."""
        if not isinstance(item, Article):
            return item
        key = url_key(item)
        status, owner, stored = self.store.claim(key)
        if status == "busy":
            self.store.discard_pending(key)
            self.stats.inc_value("newscrawl/dropped/claimed_elsewhere")
            raise DropItem(f"claimed_elsewhere: {item.url} is being written by worker {owner}", log_level="DEBUG")
        if status == "taken_over":
            stored = self.settle_dead_owner(key, owner)
        if stored is not None and stored.fingerprint == item_fingerprint(item):  # the workers' digest, not computed again
            self.store.release_claims([key])
            self.store.discard_pending(key)
            self.stats.inc_value("newscrawl/dropped/written_elsewhere")
            raise DropItem(f"written_elsewhere: {item.url} (version {stored.version})", log_level="DEBUG")
        if stored is not None and item.version != stored.version + 1:  # another worker stored a version meanwhile
            item.version = stored.version + 1
            item.previous_fetched_at = stored.fetched_at
        self._claimed[id(item)] = key
        return item

    def settle_dead_owner(self, key: str, owner: str | None) -> StoredArticle | None:
        """A dead worker held ``key``'s claim: settle its write-ahead notes, then say what is stored now.

        The dead worker may have written the line and died before recording
        it; its note says where to look (:func:`~newscrawl.pipelines.state.settle_pending_writes`).
        """
        from newscrawl.pipelines.state import settle_pending_writes  # noqa: PLC0415 - avoids an import cycle

        self.stats.inc_value("newscrawl/redis/claim_taken_over")
        logger.warning("article %s was claimed by worker %s, which died before recording it; settling its notes", key, owner)
        settle_pending_writes(self.store, self.stats)  # adopts the dead workers' notes (pending_writes), settles them
        return self.store.get(key)

    def item_scraped(self, item: Any) -> None:
        """The line is written and (StatePipeline's handler ran first) the state recorded: release the claim."""
        key = self._claimed.pop(id(item), None)
        if key is not None:
            try:
                self.store.release_claims([key])
            except REDIS_ERRORS as exc:
                self.store.report_outage(exc)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _article(data: bytes | str | None) -> StoredArticle | None:
    if data is None:
        return None
    record = json.loads(data)
    return StoredArticle(**{name: record.get(name) for name in _FIELDS})

"""Incremental crawl state: the articles already stored, in an embedded SQLite database.

A scheduled crawl asks this store, before it fetches a page, whether the
article is already in the corpus (:meth:`StateStore.lookup`), and tells it,
after the article's JSONL line is written, what was written
(:meth:`StateStore.record_written`). It also finds near-duplicate texts
across everything stored (:meth:`StateStore.first_copy`).

What one row of ``articles`` holds: the article's key (canonical URL, else
the fetched URL), the URL of its latest record, the fingerprint of its text,
its ``version``, first and last seen, the ``fetched_at`` of the latest
record, the response validators (``ETag``, ``Last-Modified``) and the
sitemap ``lastmod`` it was listed with. ``urls`` maps every URL the article
was requested or found under (before and after redirects, canonical) to its
key, so that the next run recognises it by the URL discovery lists.

The corpus: ``records`` keeps every JSONL record written, as the JSON of
its line, one row per article version (``version`` 1, 2, ...), in the
order they were written, so the database can stand in for the JSONL
files (``newscrawl export --state state.sqlite3``, read with
:class:`StoredRecords`). Every version is kept, as in the JSONL output,
which appends each new version; the cost is the size of the text (about
the size of the JSONL output; ``VACUUM`` after deleting old versions
with the sqlite3 shell if that matters more). The documents are plain
JSON text, so ``json_extract(document, '$.headline')`` works in SQL.

Schema versions: 2 added ``records``. A schema 1 database is migrated
when a crawl opens it (the table is created; nothing else changes); the
records written before are not in it, and :meth:`StoredRecords.missing`
counts them so that an export can say so.

Durability: the database runs in WAL mode and each write is atomic, so a
crash (``kill -9``) at any moment leaves either the whole record or none
of it. A crawl groups its writes (``group_commit``): they are committed
together every :data:`GROUP_WRITES` writes or :data:`GROUP_SECONDS`
seconds and when the store closes, as one commit per article was the
state's largest cost (``make bench``). What a crash loses of an open group
is recovered from the write-ahead notes (:meth:`StateStore.record_pending`),
which go to a plain append-only file per crawl (``<database>-notes/``),
written before each line; only "checked, unchanged" updates can be lost,
and the next crawl checks those articles again.

This module is plain Python (no Scrapy); the crawl components in
:mod:`newscrawl.incremental` and :mod:`newscrawl.pipelines.state` wrap it.

Near-duplicates: each stored text has a MinHash signature of its word
shingles (datasketch's permutations over our ``poly64`` shingle hashes,
or over SHA-1 ones in a database made before those; computed by
:mod:`newscrawl.signatures`, without datasketch), and the signature's
bands are indexed in the database (locality-sensitive hashing with the
band and row counts datasketch's ``MinHashLSH`` picks for the threshold), so a run queries the
whole corpus without loading it into memory.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import hashlib
import json
import os
import sqlite3
import time
import uuid
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from w3lib.url import canonicalize_url

from newscrawl.signatures import (
    MINHASH_SCHEME,
    MINHASH_SEED,
    Signature,
    lsh_params,
    signature_values,
)
from newscrawl.timespec import parse_datetime

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from datetime import datetime, timedelta
    from typing import Self

SCHEMA_VERSION = 2  # 2: the records table (the written articles themselves)
SHINGLE_HASHES = ("poly64", "sha1")
DEFAULT_SHINGLE_HASH = "poly64"  # for new databases; "sha1" for those made before it existed

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    key TEXT PRIMARY KEY,        -- canonical URL, else fetched URL, without trailing slash
    url TEXT NOT NULL,           -- url of the latest record written
    canonical_url TEXT,
    fingerprint TEXT NOT NULL,   -- sha1 of the normalised body text
    version INTEGER NOT NULL,
    first_seen TEXT NOT NULL,    -- when the first record was written, ISO 8601 UTC
    last_seen TEXT NOT NULL,     -- when a crawl last fetched it or had it confirmed unchanged
    fetched_at TEXT,             -- fetched_at of the latest record written
    etag TEXT,                   -- ETag of the latest response
    last_modified TEXT,          -- Last-Modified of the latest response
    lastmod TEXT,                -- sitemap lastmod it was last listed with
    duplicate_of TEXT,           -- url of the first stored copy of a near-identical text
    last_run TEXT                -- id of the crawl that last wrote or checked it
);
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY,        -- a canonicalized URL the article was requested or found under
    key TEXT NOT NULL REFERENCES articles(key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS signatures (
    key TEXT PRIMARY KEY REFERENCES articles(key),
    minhash BLOB NOT NULL        -- the signature in datasketch's LeanMinHash format, little-endian
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (
    key TEXT NOT NULL REFERENCES articles(key),
    version INTEGER NOT NULL,    -- the record's version (1 for the first)
    written_at TEXT NOT NULL,    -- when it was written (its fetched_at, else the time of writing), ISO 8601 UTC
    document TEXT NOT NULL,      -- the JSONL line as written: a JSON object with every article field
    PRIMARY KEY (key, version)   -- rowid order is the order records were written in
);
CREATE TABLE IF NOT EXISTS pending_writes (
    key TEXT PRIMARY KEY,        -- an article whose line is about to be written (a write-ahead note)
    version INTEGER NOT NULL,
    url TEXT NOT NULL,
    record TEXT NOT NULL,        -- JSON of the WrittenRecord to store once the line is found written
    minhash BLOB,                -- its signature, serialised as in signatures
    feeds TEXT NOT NULL          -- JSON [[path, size]]: the local feed files and their sizes before the line
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lsh_bands (
    band INTEGER NOT NULL,
    bucket INTEGER NOT NULL,     -- 64-bit hash of the band's rows of the signature
    key TEXT NOT NULL REFERENCES articles(key),
    PRIMARY KEY (band, bucket, key)
) WITHOUT ROWID;
-- A new version's bands replace the old ones, found from the old signature (by primary key). Databases made before
-- kept an index by key for that, which cost a second B-tree insert for every band row: dropped.
DROP INDEX IF EXISTS lsh_bands_by_key;
"""


GROUP_WRITES = 200
"""With ``group_commit``, a commit after this many writes ..."""
GROUP_SECONDS = 1.0
"""... or once the oldest uncommitted write is this many seconds old (checked at each write)."""
NOTES_COMPACT_BYTES = 1 << 20
"""A crawl's notes file is rewritten with only its open notes once it is this big."""


class StateError(Exception):
    """The state database cannot be used as configured; the message says why and what to do."""


# -- near-duplicate signatures -----------------------------------------------------------


@attrs.frozen
class NearDuplicateOptions:
    """How texts are compared; ``num_perm`` and ``shingle_words`` are fixed for a database."""

    threshold: float = attrs.field(default=0.8)
    """Estimated Jaccard similarity of word shingles from which two texts are near-duplicates."""

    num_perm: int = 128
    """MinHash signature length (datasketch ``num_perm``)."""

    shingle_words: int = attrs.field(default=5)
    """Words per shingle (1 or more)."""

    shingle_hash: str = attrs.field(default=DEFAULT_SHINGLE_HASH)
    """How a shingle is hashed before the MinHash permutations: ``poly64`` (all of a text's shingles at once, with
    numpy: new databases) or ``sha1`` (datasketch's default, one shingle at a time: databases made before poly64).
    A database keeps the one it was built with (:class:`StateStore` reads it from the database's meta)."""

    @shingle_hash.validator
    def _check_shingle_hash(self, attribute: Any, value: str) -> None:
        if value not in SHINGLE_HASHES:
            msg = f"shingle hash must be one of {', '.join(SHINGLE_HASHES)}, got {value!r}"
            raise ValueError(msg)

    @shingle_words.validator
    def _check_shingle_words(self, attribute: Any, value: int) -> None:
        if value < 1:
            msg = f"a shingle needs at least 1 word, got {value}"
            raise ValueError(msg)

    @threshold.validator
    def _check_threshold(self, attribute: Any, value: float) -> None:
        if not 0.0 < value <= 1.0:
            msg = f"near-duplicate threshold must be in (0, 1], got {value}"
            raise ValueError(msg)

    def __attrs_post_init__(self) -> None:
        self.bands  # noqa: B018 - a threshold and signature length without a usable LSH index fail here, not mid-crawl

    @property
    def bands(self) -> tuple[int, int]:
        """(bands, rows per band) of the LSH index, as datasketch's MinHashLSH chooses them (ValueError: none usable)."""
        return lsh_params(self.threshold, self.num_perm)


def text_signature(text: str | None, options: NearDuplicateOptions) -> Signature | None:
    """The MinHash signature of a text's shingles, or None for a text without words.

    The same values as datasketch's ``MinHash.update_batch`` (our seed and
    scheme) fed with the shingles' hashes (:mod:`newscrawl.signatures`).
    """
    values = signature_values(text, options.num_perm, options.shingle_words, options.shingle_hash)
    return None if values is None else Signature(values)


def serialize_signature(signature: Signature) -> bytes:
    """The signature as bytes for the database: datasketch's LeanMinHash format, little-endian (written with numpy)."""
    derived = _derived(signature)
    if "bytes" not in derived:
        derived["bytes"] = signature.to_bytes()
    return derived["bytes"]


def deserialize_signature(data: bytes) -> Signature:
    """A signature read back from :func:`serialize_signature`'s bytes (ValueError: not such bytes)."""
    signature = Signature.from_bytes(data)
    _derived(signature)["bytes"] = data
    return signature


def band_buckets(signature: Signature, bands: int, rows: int) -> list[tuple[int, int]]:
    """(band, bucket) pairs of a signature: a 64-bit hash of each band's rows."""
    derived = _derived(signature)
    found = derived.get((bands, rows))
    if found is None:
        values = np.asarray(signature.hashvalues, dtype="<u8")
        found = derived[bands, rows] = [
            (band, int.from_bytes(hashlib.blake2b(values[band * rows : (band + 1) * rows].tobytes(), digest_size=8).digest(),
                                  "little", signed=True))
            for band in range(bands)
        ]
    return found


class BandIndex:
    """Keys by the band buckets of their signatures, in memory: articles not in the database's index yet."""

    def __init__(self) -> None:
        self._keys: dict[tuple[int, int], set[str]] = {}

    def __bool__(self) -> bool:
        return bool(self._keys)

    def add(self, key: str, buckets: Iterable[tuple[int, int]]) -> None:
        for bucket in buckets:
            self._keys.setdefault(bucket, set()).add(key)

    def remove(self, key: str, buckets: Iterable[tuple[int, int]]) -> None:
        for bucket in buckets:
            keys = self._keys.get(bucket)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._keys[bucket]

    def candidates(self, buckets: Iterable[tuple[int, int]], *, exclude: str) -> set[str]:
        """The keys sharing a bucket with ``buckets``, but ``exclude``."""
        found = {key for bucket in buckets for key in self._keys.get(bucket, ())}
        found.discard(exclude)
        return found


# What was derived from a signature (its bytes, its band buckets), kept while the crawl uses it: an article's
# signature is serialised for its note and its record, and its buckets searched and then stored. By id(), with
# the signature itself to tell a reused id apart; bounded.
_DERIVED_SIGNATURES: collections.OrderedDict[int, tuple[Signature, dict[Any, Any]]] = collections.OrderedDict()
_MAX_DERIVED = 1024


def _derived(signature: Signature) -> dict[Any, Any]:
    entry = _DERIVED_SIGNATURES.get(id(signature))
    if entry is None or entry[0] is not signature:
        entry = _DERIVED_SIGNATURES[id(signature)] = (signature, {})
        if len(_DERIVED_SIGNATURES) > _MAX_DERIVED:
            _DERIVED_SIGNATURES.popitem(last=False)
    return entry[1]


# -- records -----------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def normalize_url(url: str) -> str:
    """The form a URL is stored and looked up under: canonicalized, without fragment.

    Cached: an article's URLs are normalised when it is requested (the
    lookup) and again when its record is stored, 25 µs each time.
    """
    return canonicalize_url(url.strip())


@attrs.frozen(kw_only=True)
class StoredArticle:
    """What the state database knows about one article."""

    key: str
    url: str
    canonical_url: str | None
    fingerprint: str
    version: int
    first_seen: str
    last_seen: str
    fetched_at: str | None
    etag: str | None
    last_modified: str | None
    lastmod: str | None
    duplicate_of: str | None
    last_run: str | None = None


@attrs.frozen(kw_only=True)
class Validators:
    """What a response and discovery said about a page's version: ETag, Last-Modified, sitemap lastmod."""

    etag: str | None = None
    last_modified: str | None = None
    lastmod: str | None = None


@attrs.frozen(kw_only=True)
class WrittenRecord:
    """One JSONL record that was written, as :meth:`StateStore.record_written` stores it."""

    key: str
    url: str
    canonical_url: str | None
    urls: tuple[str, ...]
    """Every URL the article was requested or found under (redirects, canonical)."""
    fingerprint: str
    version: int
    fetched_at: str | None
    seen_at: str
    validators: Validators = Validators()
    duplicate_of: str | None = None
    signature: Signature | None = attrs.field(default=None, eq=False)
    document: str | None = attrs.field(default=None, eq=False, repr=False)
    """The record's JSONL line (a JSON object), kept in ``records``; None stores the state only."""


_NAMES = tuple(f.name for f in attrs.fields(StoredArticle))
_COLUMNS = ", ".join(_NAMES)
_UPSERT_ARTICLE = (
    f"INSERT INTO articles ({_COLUMNS}) VALUES ({', '.join('?' for _ in _NAMES)}) "
    "ON CONFLICT(key) DO UPDATE SET url=excluded.url, canonical_url=excluded.canonical_url, "
    "fingerprint=excluded.fingerprint, version=excluded.version, last_seen=excluded.last_seen, "
    "fetched_at=excluded.fetched_at, etag=excluded.etag, last_modified=excluded.last_modified, "
    "lastmod=coalesce(excluded.lastmod, articles.lastmod), duplicate_of=excluded.duplicate_of, "
    "last_run=excluded.last_run"
)


@attrs.frozen
class RecrawlPolicy:
    """When a stored article is fetched again."""

    after: timedelta | None = None
    """Refetch once it was last seen this long ago (None: never on age alone)."""

    changed: bool = False
    """Refetch when its sitemap lastmod changed, or ask the server (If-None-Match / If-Modified-Since)."""


def recrawl_reason(stored: StoredArticle, lastmod: str | None, now: datetime, policy: RecrawlPolicy) -> str | None:
    """Why a stored article is to be fetched again (``recrawl_after``, ``lastmod_changed``,
    ``validators``), or None to skip it.

    With ``changed``: a listed ``lastmod`` that differs from the stored one
    (or, when none was stored, is later than the last fetch) means changed;
    an equal one means unchanged, with no request. Without a listed lastmod,
    an article whose response had an ETag or Last-Modified is asked for
    with a conditional request, which costs the server a 304 when nothing
    changed.
    """
    if policy.after is not None:
        last = parse_datetime(stored.last_seen)
        if last is None or now - last >= policy.after:
            return "recrawl_after"
    if not policy.changed:
        return None
    if lastmod:
        if stored.lastmod is not None:
            old, new = parse_datetime(stored.lastmod), parse_datetime(lastmod)
            same = old == new if old is not None and new is not None else stored.lastmod.strip() == lastmod.strip()
            return None if same else "lastmod_changed"
        listed, seen = parse_datetime(lastmod), parse_datetime(stored.last_seen)
        return "lastmod_changed" if listed is not None and seen is not None and listed > seen else None
    if stored.etag or stored.last_modified:
        return "validators"
    return None


def conditional_headers(stored: StoredArticle) -> dict[str, str]:
    """If-None-Match / If-Modified-Since headers from the stored validators (may be empty)."""
    headers = {}
    if stored.etag:
        headers["If-None-Match"] = stored.etag
    if stored.last_modified:
        headers["If-Modified-Since"] = stored.last_modified
    return headers


# -- the store ---------------------------------------------------------------------------


class StateStore:
    """The state database: open it once per crawl, close it at the end.

    ``path`` is a file (created with its folder) or ``":memory:"``.
    ``near_duplicates`` fixes how texts are compared; a database remembers
    the signature length and shingle size it was built with and refuses
    others (a new threshold only re-indexes the stored signatures).
    """

    def __init__(
        self,
        path: str | Path,
        near_duplicates: NearDuplicateOptions | None = None,
        run_id: str | None = None,
        *,
        group_commit: bool = False,
    ) -> None:
        self.path = str(path)
        self.group_commit = group_commit
        """Commit writes in groups (a crawl) rather than one by one (tools, tests)."""
        self._writes = 0  # writes in the open group
        # Group mode: first versions written in the open group, not in the database yet (see record_written).
        self._buffer: dict[str, WrittenRecord] = {}
        self._buffer_urls: set[str] = set()  # their URLs, normalised (lookup)
        self._buffer_bands = BandIndex()  # their band buckets (first_copy)
        self._group_started = 0.0
        self._notes: NoteFile | None = None  # this crawl's write-ahead notes, opened at the first
        self._settling: list[NoteFile] = []  # notes files of dead crawls being settled
        self.near_duplicates = near_duplicates or NearDuplicateOptions()
        self.run_id = run_id or uuid.uuid4().hex
        """Stamped on every article this store writes or checks (``StoredArticle.last_run``)."""
        self.notes_folder = Path(f"{self.path}-notes") if self.path != ":memory:" else None
        """Where the write-ahead notes go: a file per crawl (None: in memory only)."""
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # WAL: a committed record survives a process crash
            self._db.execute("PRAGMA foreign_keys=ON")
            # 16 MiB of page cache (SQLite's default is 2 MiB): the band index stays cached while the records'
            # documents stream through; 10% less of the crawl process's time in the state (make bench).
            self._db.execute("PRAGMA cache_size=-16384")
            with self.transaction():
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._check_meta()
            self.commit()  # the schema at once, grouped writes or not
            self._legacy_notes = self._db.execute("SELECT 1 FROM pending_writes LIMIT 1").fetchone() is not None
        except sqlite3.Error as exc:
            msg = f"state database {self.path}: {exc}"
            raise StateError(msg) from exc

    # -- housekeeping
    def close(self) -> None:
        """Commit the open group, close the database (checkpointing the WAL) and this crawl's notes."""
        with contextlib.suppress(sqlite3.Error):
            self.commit()
            self._db.close()
        if self._notes is not None:
            self._notes.close(remove=not self._notes.open_notes)
            self._notes = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write: all of it is stored, or (on an exception or a crash) none of it.

        Without ``group_commit`` it is committed at once; with it, it joins
        the open group (a savepoint in one transaction), committed by
        :meth:`commit` every :data:`GROUP_WRITES` writes or
        :data:`GROUP_SECONDS` seconds. Reads through this store see the
        group's writes at once; other connections see them once committed.
        """
        self._flush()  # buffered writes go first: the database keeps the order of writes
        self._begin()
        self._db.execute("SAVEPOINT write")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK TO write")
            self._db.execute("RELEASE write")
            if not self.group_commit:
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("RELEASE write")
        self._wrote()

    def _begin(self) -> None:
        if not self._db.in_transaction:
            self._db.execute("BEGIN IMMEDIATE")

    def _wrote(self) -> None:
        """One more write in the open group (in the transaction, or buffered); commit when the group is due."""
        if not self._writes:
            self._group_started = time.monotonic()
        self._writes += 1
        if not self.group_commit or self._group_due():
            self.commit()

    def commit_if_due(self) -> None:
        """Commit the open group once it is due (a crawl calls this on a timer, so an idle crawl does not keep
        other writers waiting)."""
        if (self._db.in_transaction or self._buffer) and self._group_due():  # a transaction whose write failed too
            self.commit()

    def _group_due(self) -> bool:
        """The open group has :data:`GROUP_WRITES` writes, or its oldest is :data:`GROUP_SECONDS` old."""
        return self._writes >= GROUP_WRITES or time.monotonic() - self._group_started >= GROUP_SECONDS

    def commit(self) -> None:
        """Commit the open group of writes (if any); the notes of the records in it are done with."""
        self._flush()
        if self._db.in_transaction:
            self._db.execute("COMMIT")
        self._writes = 0
        if self._notes is not None:
            self._notes.committed()

    def _meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT name, value FROM meta").fetchall())

    def _check_meta(self) -> None:
        """Record the schema and signature parameters; refuse a database built with others."""
        meta = self._meta()
        # the shingle hash is the database's: sha1 for one made before poly64 existed (it has meta but not this)
        shingle_hash = meta.get("shingle_hash") or ("sha1" if "minhash_scheme" in meta else DEFAULT_SHINGLE_HASH)
        self.near_duplicates = options = attrs.evolve(self.near_duplicates, shingle_hash=shingle_hash)
        bands, rows = options.bands
        wanted = {
            "schema_version": str(SCHEMA_VERSION),
            "minhash_num_perm": str(options.num_perm),
            "minhash_seed": str(MINHASH_SEED),
            "minhash_scheme": MINHASH_SCHEME,
            "shingle_words": str(options.shingle_words),
            "shingle_hash": shingle_hash,
        }
        if int(meta.get("schema_version", SCHEMA_VERSION)) > SCHEMA_VERSION:
            msg = (f"state database {self.path} has schema version {meta['schema_version']}, "
                   f"newer than this newscrawl's ({SCHEMA_VERSION}); upgrade newscrawl")
            raise StateError(msg)
        for name, value in wanted.items():
            if name in meta and meta[name] != value and name != "schema_version":
                msg = (f"state database {self.path} was built with {name}={meta[name]}, not {value}; "
                       "use the settings it was built with or a new NEWSCRAWL_STATE_PATH")
                raise StateError(msg)
        self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", wanted.items())
        if (meta.get("lsh_bands"), meta.get("lsh_rows")) != (str(bands), str(rows)):
            self._reindex_bands(bands, rows)

    def _reindex_bands(self, bands: int, rows: int) -> None:
        """Rebuild the LSH band index for new (bands, rows) from the stored signatures."""
        self._db.execute("DELETE FROM lsh_bands")
        for key, blob in self._db.execute("SELECT key, minhash FROM signatures").fetchall():
            self._insert_bands(key, deserialize_signature(blob), bands, rows)
        self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [("lsh_bands", str(bands)), ("lsh_rows", str(rows))])

    def _delete_bands(self, key: str, bands: int, rows: int) -> None:
        """Delete the band rows of ``key``'s stored signature (the index is kept for these bands and rows)."""
        found = self._db.execute("SELECT minhash FROM signatures WHERE key = ?", (key,)).fetchone()
        if found is not None:
            self._db.executemany(
                "DELETE FROM lsh_bands WHERE band = ? AND bucket = ? AND key = ?",
                [(band, bucket, key) for band, bucket in band_buckets(deserialize_signature(found[0]), bands, rows)],
            )

    def _insert_bands(self, key: str, signature: Signature, bands: int, rows: int) -> None:
        self._db.executemany(
            "INSERT OR IGNORE INTO lsh_bands (band, bucket, key) VALUES (?, ?, ?)",
            [(band, bucket, key) for band, bucket in band_buckets(signature, bands, rows)],
        )

    # -- reading
    def __len__(self) -> int:
        """The number of articles stored."""
        self._flush()
        return int(self._db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def get(self, key: str) -> StoredArticle | None:
        """The article stored under ``key`` (see :func:`newscrawl.pipelines.dedupe.url_key`), or None."""
        if key in self._buffer:
            self._flush()
        row = self._db.execute(f"SELECT {_COLUMNS} FROM articles WHERE key = ?", (key,)).fetchone()
        return _article(row)

    def lookup(self, url: str) -> StoredArticle | None:
        """The article stored under any URL it was requested or found under, or None."""
        if self._buffer_urls and normalize_url(url) in self._buffer_urls:
            self._flush()
        row = self._db.execute(
            f"SELECT {', '.join('a.' + name for name in _NAMES)} FROM urls u JOIN articles a ON a.key = u.key WHERE u.url = ?",
            (normalize_url(url),),
        ).fetchone()
        return _article(row)

    def first_copy(self, signature: Signature, *, exclude_key: str) -> tuple[str, int] | None:
        """The url and storage order of the first stored near-duplicate of ``signature``, or None.

        Candidates come from the LSH band index and are kept when their
        estimated Jaccard similarity reaches the threshold; the earliest
        stored wins, and a candidate that is itself a copy leads to its
        first copy. The article ``exclude_key`` (an earlier version of the
        same article) is never its own duplicate.
        """
        bands, rows = self.near_duplicates.bands
        pairs = band_buckets(signature, bands, rows)
        if self._buffer_bands.candidates(pairs, exclude=exclude_key):
            self._flush()  # a buffered article is a candidate (rare): the query below then sees it, in its order
        # One primary-key lookup per band, and the articles only for keys found (most texts have none): a row-value
        # IN (VALUES ...) made SQLite scan every band row, and a UNION with the join cost a temporary B-tree a band.
        lookups = " UNION ALL ".join("SELECT key FROM lsh_bands WHERE band = ? AND bucket = ?" for _ in pairs)
        keys = {key for (key,) in self._db.execute(lookups, [v for pair in pairs for v in pair])}
        keys.discard(exclude_key)
        if not keys:
            return None
        rows_found = self._db.execute(
            "SELECT a.rowid, a.key, a.url, a.duplicate_of, s.minhash FROM articles a JOIN signatures s ON s.key = a.key "
            f"WHERE a.key IN ({', '.join('?' for _ in keys)}) ORDER BY a.rowid",
            sorted(keys),
        ).fetchall()
        for rowid, _key, url, duplicate_of, blob in rows_found:
            if signature.jaccard(deserialize_signature(blob)) >= self.near_duplicates.threshold:
                return (duplicate_of or url), rowid
        return None

    # -- writing
    def record_written(self, record: WrittenRecord) -> None:
        """Store what one written JSONL record says about its article, in one transaction.

        With ``group_commit``, a first version is buffered and stored with
        the rest of its group, in one statement per table, when the group
        is committed (or sooner, when a read needs it): 0.1 ms an article
        less than a savepoint and six statements each (``make bench``). Its
        note (:meth:`record_pending`) covers it until the commit, as it
        covers a write in an uncommitted group. Reads through this store
        see buffered records as they see written ones.
        """
        if self.group_commit and record.version == 1 and record.key not in self._buffer:
            self._buffer[record.key] = record
            self._buffer_urls.update(normalize_url(u) for u in record.urls if u)
            if record.signature is not None:
                self._buffer_bands.add(record.key, band_buckets(record.signature, *self.near_duplicates.bands))
            if self._notes is not None:
                self._notes.written(record.key)
            self._wrote()
            return
        self._write_now(record)

    def _flush(self) -> None:
        """Store the buffered records, in the order they were written, in the open group (not committed)."""
        if not self._buffer:
            return
        records = list(self._buffer.values())
        self._buffer, self._buffer_urls, self._buffer_bands = {}, set(), BandIndex()
        self._begin()
        self._db.execute("SAVEPOINT flush")
        try:
            self._store(records)
        except BaseException:
            self._db.execute("ROLLBACK TO flush")
            self._db.execute("RELEASE flush")
            if self._notes is not None:  # not stored: their notes stay, for the next crawl to settle
                self._notes.not_written(record.key for record in records)
            raise
        self._db.execute("RELEASE flush")

    def _store(self, records: list[WrittenRecord]) -> None:
        """Store written records, a statement per table (one record, or a buffered group of first versions)."""
        db = self._db
        db.executemany(_UPSERT_ARTICLE, [self._article_row(record) for record in records])
        db.executemany(
            "INSERT OR REPLACE INTO urls (url, key) VALUES (?, ?)",
            [(normalize_url(u), record.key) for record in records for u in dict.fromkeys(record.urls) if u],
        )
        db.executemany(
            "INSERT OR REPLACE INTO records (key, version, written_at, document) VALUES (?, ?, ?, ?)",
            [(r.key, r.version, r.seen_at, r.document) for r in records if r.document is not None],
        )
        if self._legacy_notes:  # notes of crawls before notes files
            db.executemany("DELETE FROM pending_writes WHERE key = ?", [(record.key,) for record in records])
        signed = [record for record in records if record.signature is not None]
        bands, rows = self.near_duplicates.bands
        for record in signed:
            if record.version > 1:  # an earlier version's bands go (a first version has none)
                self._delete_bands(record.key, bands, rows)
        db.executemany("INSERT OR REPLACE INTO signatures (key, minhash) VALUES (?, ?)",
                       [(r.key, serialize_signature(r.signature)) for r in signed])  # type: ignore[arg-type]
        db.executemany(
            "INSERT OR IGNORE INTO lsh_bands (band, bucket, key) VALUES (?, ?, ?)",
            sorted((band, bucket, r.key) for r in signed for band, bucket in band_buckets(r.signature, bands, rows)),  # type: ignore[arg-type]
        )

    def _article_row(self, record: WrittenRecord) -> tuple[Any, ...]:
        v = record.validators
        return (record.key, record.url, record.canonical_url, record.fingerprint, record.version, record.seen_at,
                record.seen_at, record.fetched_at, v.etag, v.last_modified, v.lastmod, record.duplicate_of, self.run_id)

    def _write_now(self, record: WrittenRecord) -> None:
        with self.transaction():
            self._store([record])
            if self._notes is not None:
                self._notes.written(record.key)

    def record_pending(self, record: WrittenRecord, feeds: Iterable[tuple[str, int]]) -> None:
        """Note, before its line is written, that ``record`` is about to be: where, and what to store.

        The note goes to this crawl's notes file (flushed to the operating
        system, which keeps it through a crash of the process) and is done
        with once :meth:`record_written`'s write is committed. A note left
        by a crash is settled by the next crawl (:meth:`pending_writes`):
        the record is stored if its line is in one of ``feeds`` after the
        size noted (the line is its document, so the note does not repeat
        it), and forgotten otherwise, so the article is neither lost nor
        written twice.
        """
        if self._notes is None:
            self._notes = NoteFile.create(self.notes_folder, self.run_id)
        self._notes.add(record.key, note_text(record, feeds))

    def pending_writes(self) -> list[tuple[WrittenRecord, list[tuple[str, int]]]]:
        """The notes no stored record settles: those crashed crawls left, and this crawl's open ones.

        A crashed crawl's notes file is locked here (a running crawl holds
        its own file's lock, so its notes are never taken for a crash's)
        until :meth:`settled`. Notes in the ``pending_writes`` table are
        those of crawls before notes files.
        """
        found = [
            (record_from_note({"record": json.loads(record_json), "minhash": minhash.hex() if minhash else None}),
             [(str(path), int(size)) for path, size in json.loads(feeds_json)])
            for record_json, minhash, feeds_json in self._db.execute("SELECT record, minhash, feeds FROM pending_writes")
        ]
        if self.notes_folder is not None and self.notes_folder.is_dir() and not self._settling:
            for path in sorted(self.notes_folder.glob("*.jsonl")):
                if self._notes is not None and path == self._notes.path:
                    continue
                dead = NoteFile.adopt(path)
                if dead is not None:
                    self._settling.append(dead)
        texts = [text for notes in self._settling for text in notes.open_notes.values()]
        if self._notes is not None:
            texts += self._notes.open_notes.values()
        for text in texts:
            note = json.loads(text)
            record = record_from_note(note)
            stored = self.get(record.key)
            if stored is None or stored.version < record.version:  # else it was stored before the crash
                found.append((record, [(str(path), int(size)) for path, size in note["feeds"]]))
        return found

    def discard_pending(self, key: str) -> None:
        """Forget the note for ``key``: its line was never written."""
        with self.transaction() as db:
            db.execute("DELETE FROM pending_writes WHERE key = ?", (key,))
        if self._notes is not None:
            self._notes.discard(key)

    def settled(self) -> None:
        """The notes :meth:`pending_writes` returned are settled: commit, and delete the crashed crawls' notes files."""
        self.commit()
        for notes in self._settling:
            notes.close(remove=True)
        self._settling = []

    def record_checked(self, key: str, *, seen_at: str, urls: Iterable[str] = (), validators: Validators = Validators()) -> bool:
        """Note that a stored article was fetched again and found unchanged (or answered 304).

        Updates last seen and the validators (keeping stored ones the
        response did not repeat). False when ``key`` is not stored.
        """
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE articles SET last_seen = ?, etag = coalesce(?, etag), "
                "last_modified = coalesce(?, last_modified), lastmod = coalesce(?, lastmod), last_run = ? WHERE key = ?",
                (seen_at, validators.etag, validators.last_modified, validators.lastmod, self.run_id, key),
            )
            if not cursor.rowcount:
                return False
            self._add_urls(key, urls)
        return True

    def _add_urls(self, key: str, urls: Iterable[str]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO urls (url, key) VALUES (?, ?)",
            [(normalize_url(u), key) for u in dict.fromkeys(urls) if u],
        )


_NOTE_FIELDS = tuple(f.name for f in attrs.fields(WrittenRecord) if f.name not in ("signature", "document"))


def note_text(record: WrittenRecord, feeds: Iterable[tuple[str, int]]) -> str:
    """A write-ahead note as one line of JSON: the record (not its document: that is the line) and the feeds' sizes."""
    fields = {name: getattr(record, name) for name in _NOTE_FIELDS}  # attrs.asdict with a filter: 3x slower
    fields["validators"] = attrs.asdict(record.validators)
    return json.dumps({
        "record": fields,
        "minhash": serialize_signature(record.signature).hex() if record.signature is not None else None,
        "feeds": [[str(path), int(size)] for path, size in feeds],
    })


def record_from_note(note: dict[str, Any]) -> WrittenRecord:
    """The record a note (:func:`note_text`, parsed) describes; its document is None unless the note has one."""
    fields = dict(note["record"])
    fields["urls"] = tuple(fields["urls"])
    fields["validators"] = Validators(**fields["validators"])
    minhash = note.get("minhash")
    return WrittenRecord(**fields, signature=deserialize_signature(bytes.fromhex(minhash)) if minhash else None)


class NoteFile:
    """One crawl's write-ahead notes: an append-only file, one note (:func:`note_text`) a line.

    The crawl holds an exclusive ``flock`` on it while it runs, so another
    crawl can tell a running crawl's notes from a crashed one's. A note is
    open from :meth:`add` until the record it announces is committed
    (:meth:`written`, then :meth:`committed`) or discarded; once the file
    is over :data:`NOTES_COMPACT_BYTES` it is replaced (atomically) by a
    file with only the open notes.
    """

    def __init__(self, path: Path, handle: Any, open_notes: dict[str, str]) -> None:
        self.path = path
        self._handle = handle
        self.open_notes = open_notes
        """Key -> note text, for the notes not yet done with."""
        self._written: list[str] = []  # keys whose records are written in the open group

    @classmethod
    def create(cls, folder: Path | None, run_id: str) -> NoteFile:
        """A new notes file for the crawl ``run_id`` in ``folder`` (None: kept in memory only)."""
        if folder is None:
            return cls(Path(os.devnull), None, {})
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{run_id}.jsonl"
        handle = path.open("ab")
        fcntl.flock(handle, fcntl.LOCK_EX)
        return cls(path, handle, {})

    @classmethod
    def adopt(cls, path: Path) -> NoteFile | None:
        """The notes file of a crawl that is not running any more, locked; None while its crawl runs."""
        try:
            handle = path.open("rb+")
        except OSError:
            return None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(handle.fileno()).st_ino != path.stat().st_ino:
                raise OSError("replaced by its crawl meanwhile")  # noqa: TRY301 - the same handling as a held lock
        except OSError:
            handle.close()
            return None
        notes: dict[str, str] = {}
        for raw in handle.read().splitlines():
            text = raw.decode("utf-8", "replace")
            with contextlib.suppress(ValueError, KeyError, TypeError):  # a line cut short by the crash is no note
                notes[json.loads(text)["record"]["key"]] = text
        return cls(path, handle, notes)

    def add(self, key: str, text: str) -> None:
        """Append a note and hand it to the operating system before the line it announces is written."""
        self.open_notes[key] = text
        if self._handle is not None:
            self._handle.write(f"{text}\n".encode())
            self._handle.flush()

    def written(self, key: str) -> None:
        """The record of ``key`` is written in the open group (done with once the group is committed)."""
        self._written.append(key)

    def not_written(self, keys: Iterable[str]) -> None:
        """The records of ``keys`` could not be stored after all: their notes stay open."""
        failed = set(keys)
        self._written = [key for key in self._written if key not in failed]

    def discard(self, key: str) -> None:
        """The line of ``key`` will not be written: its note is done with."""
        self.open_notes.pop(key, None)

    def committed(self) -> None:
        """The open group is committed: its records' notes are done with; compact a big file."""
        for key in self._written:
            self.open_notes.pop(key, None)
        self._written = []
        if self._handle is not None and self._handle.tell() > NOTES_COMPACT_BYTES:
            self._compact()

    def _compact(self) -> None:
        """Replace the file by one with only the open notes (atomically: a crash leaves one or the other)."""
        tmp = self.path.with_suffix(".tmp")
        handle = tmp.open("wb")
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.writelines(f"{text}\n".encode() for text in self.open_notes.values())
        handle.flush()
        tmp.replace(self.path)
        self._handle.close()
        self._handle = handle

    def close(self, *, remove: bool) -> None:
        """Release the file (and delete it when ``remove``: nothing in it is open any more)."""
        if self._handle is None:
            return
        if remove:
            with contextlib.suppress(OSError):
                self.path.unlink()
        self._handle.close()
        self._handle = None


def _article(row: tuple[Any, ...] | None) -> StoredArticle | None:
    if row is None:
        return None
    return StoredArticle(**dict(zip(_NAMES, row, strict=True)))


# -- the corpus, read-only -----------------------------------------------------------------

class StoredRecords:
    """The articles a state database stores, read-only: the corpus without the JSONL files.

    Opening never changes the database (no migration, no re-indexing), so
    it is safe on a database a crawl is writing to (WAL readers do not
    block the writer). Iterating yields each stored record as the dict of
    its JSONL line, oldest first.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if not Path(self.path).is_file():
            msg = f"state database {self.path}: no such file"
            raise StateError(msg)
        try:
            self._db = sqlite3.connect(f"{Path(self.path).resolve().as_uri()}?mode=ro", uri=True, timeout=30.0)
            tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.Error as exc:
            msg = f"state database {self.path}: {exc}"
            raise StateError(msg) from exc
        if "articles" not in tables:
            self.close()
            msg = f"{self.path} is not a newscrawl state database (no articles table)"
            raise StateError(msg)
        self._has_records = "records" in tables

    def close(self) -> None:
        """Close the database."""
        with contextlib.suppress(sqlite3.Error):
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        """The number of records stored."""
        if not self._has_records:
            return 0
        return int(self._db.execute("SELECT count(*) FROM records").fetchone()[0])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Each stored record as the dict of its JSONL line, in the order they were written."""
        if not self._has_records:
            return
        try:
            for (document,) in self._db.execute("SELECT document FROM records ORDER BY rowid"):
                yield json.loads(document)
        except sqlite3.Error as exc:
            msg = f"state database {self.path}: {exc}"
            raise StateError(msg) from exc

    def missing(self) -> int:
        """How many records the state knows of but does not hold (written before schema 2 kept them)."""
        versions = int(self._db.execute("SELECT coalesce(sum(version), 0) FROM articles").fetchone()[0])
        return max(versions - len(self), 0)

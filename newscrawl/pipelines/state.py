"""The last pipeline: versions, near-duplicates, and the state written after export.

For each article :class:`StatePipeline` looks up the stored record under
the article's key (canonical URL, else URL):

- not stored: ``version`` 1;
- stored with the same text: nothing is written (dropped as
  ``unchanged``, counted as ``newscrawl/dropped/unchanged``);
- stored with another text: ``version`` one more, and
  ``previous_fetched_at`` the stored record's ``fetched_at``.

``duplicate_of`` is the URL of the first stored copy of a near-identical
text (MinHash of word shingles, see :mod:`newscrawl.state`), searched in
the whole state database and among the articles of this run.

The article's record is stored from the ``item_scraped`` signal, which
Scrapy sends after the feed exporters wrote the item's line, so a crash can
never mark an unwritten article as done (see :mod:`newscrawl.feedstorage`
for why the line is on disk by then). Before the line is written, a
write-ahead note says which record is coming and where its line will go
(:meth:`~newscrawl.state.StateStore.record_pending`); a crash between the
line and the record leaves the note, and the next crawl looks for the line
before any request (:func:`settle_pending_writes`): found, the record is
stored and the article not fetched again; not found, it is fetched and
written. So a kill at any moment neither loses an article nor writes it twice. The
record itself is stored too, as its JSONL line (the one the exporter wrote,
:mod:`newscrawl.exporters`), so the state database can serve as the corpus
(``newscrawl export --state``). The store commits its writes in groups
(:class:`~newscrawl.state.StateStore`); the notes cover a crash in the
middle of a group as they cover one between a line and its record.
"""

from __future__ import annotations

import collections
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.serialize import ScrapyJSONEncoder

from newscrawl.exporters import take_written_line
from newscrawl.feedstorage import feed_positions
from newscrawl.incremental import (
    StateOptions,
    response_validators,
    state_options,
    state_store,
)
from newscrawl.items import Article
from newscrawl.pipelines.dedupe import url_key
from newscrawl.pipelines.digests import item_fingerprint, item_signature
from newscrawl.state import (
    BandIndex,
    NearDuplicateOptions,
    StateStore,
    Validators,
    WrittenRecord,
    band_buckets,
    deserialize_signature,
    text_signature,
)
from newscrawl.timespec import isoformat, utc_now

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

    from newscrawl.signatures import Signature

logger = logging.getLogger(__name__)


class UnchangedArticle(DropItem):
    """The article is stored with the same text: no new record.

    Carries the article, because Scrapy's ``item_dropped`` signal gives
    the item the spider yielded (a page awaiting extraction), not the
    article a pipeline made of it.
    """

    def __init__(self, article: Article) -> None:
        super().__init__(f"unchanged: {article.url}", log_level="DEBUG")
        self.article = article


@attrs.define
class _Pending:
    """What process_item decided for an item, kept until it is exported."""

    key: str
    fingerprint: str
    signature: Signature | None
    record: WrittenRecord
    """The record to store, as far as it is known before export (the response adds URLs and validators, the export its document)."""


@attrs.define
class _RunCopy:
    """An article of this run on its way to the feed, for near-duplicate search before it is stored."""

    order: int
    url: str
    duplicate_of: str | None
    signature: Signature
    buckets: list[tuple[int, int]]


_MAX_IN_FLIGHT = 1000  # far above the articles between the state pipeline and their export (Scrapy bounds them)


def response_urls(response: Response | None, item: Article) -> list[str]:
    """Every URL the article was requested or found under: before and after redirects, canonical."""
    urls: list[str] = []
    if response is not None:
        urls += list(response.meta.get("redirect_urls", []))
        urls.append(response.url)
    urls.append(item.url)
    if item.canonical_url:
        urls.append(item.canonical_url)
    return urls


class StatePipeline:
    """Sets ``version``, ``previous_fetched_at`` and ``duplicate_of``; drops unchanged articles; records the state."""

    def __init__(self, store: StateStore, options: StateOptions, stats: StatsCollector) -> None:
        self.store = store
        self.options = options
        self.stats = stats
        self._pending: dict[int, _Pending] = {}
        # This run's articles between process_item and their record in the store (item_scraped), which the
        # store's own search cannot see yet: by key, with an index of their band buckets. Bounded, so a long
        # crawl holds no signature for every article it wrote (the store has those).
        self._run: collections.OrderedDict[str, _RunCopy] = collections.OrderedDict()
        self._run_buckets = BandIndex()
        self._run_order = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        options = state_options(crawler)
        assert crawler.stats is not None
        pipe = cls(state_store(crawler, options), options, crawler.stats)
        settle_pending_writes(pipe.store, crawler.stats)  # before any request: what a crash left decides what is fetched
        crawler.signals.connect(pipe.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(pipe.item_dropped, signal=signals.item_dropped)
        _warn_overwrite(crawler, pipe.store)
        return pipe

    # -- deciding ------------------------------------------------------------------------
    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Article):
            return item
        key = url_key(item)
        fingerprint = item_fingerprint(item)
        stored = self.store.get(key)
        if stored is not None and stored.fingerprint == fingerprint:
            self.stats.inc_value("newscrawl/dropped/unchanged")
            raise UnchangedArticle(item)
        item.version = stored.version + 1 if stored is not None else 1
        item.previous_fetched_at = stored.fetched_at if stored is not None else None
        near = self.store.near_duplicates if self.options.near_duplicates is not None else None  # the database's hashing
        signature = _signature_of(item, near) if near else None
        if signature is not None:
            item.duplicate_of = self.first_copy(key, signature)
            self._remember_run_copy(key, item, signature)
        record = WrittenRecord(
            key=key,
            url=item.url,
            canonical_url=item.canonical_url,
            urls=tuple(response_urls(None, item)),
            fingerprint=fingerprint,
            version=item.version,
            fetched_at=item.fetched_at,
            seen_at=item.fetched_at or isoformat(utc_now()),
            duplicate_of=item.duplicate_of,
            signature=signature,
        )
        # Before the line is written: where it will go, so that a crash between writing the
        # line and storing its record (item_scraped) is settled by the next crawl.
        self.store.record_pending(record, feed_positions())
        # Keyed by id(): attrs items are not hashable. An entry whose item is never
        # exported is overwritten when its id is reused, as every item sets its own here.
        self._pending[id(item)] = _Pending(key, fingerprint, signature, record)
        return item

    def first_copy(self, key: str, signature: Signature) -> str | None:
        """The url of the first copy of a near-identical text: stored earlier, else earlier in this run."""
        found = self.store.first_copy(signature, exclude_key=key)
        if found is not None:
            return found[0]
        near = self.store.near_duplicates
        keys = self._run_buckets.candidates(band_buckets(signature, *near.bands), exclude=key)
        for copy in sorted((self._run[other] for other in keys), key=lambda c: c.order):
            if signature.jaccard(copy.signature) >= near.threshold:
                return copy.duplicate_of or copy.url
        return None

    def _remember_run_copy(self, key: str, item: Article, signature: Signature) -> None:
        if key in self._run:
            return
        buckets = band_buckets(signature, *self.store.near_duplicates.bands)
        self._run_order += 1
        self._run[key] = _RunCopy(self._run_order, item.url, item.duplicate_of, signature, buckets)
        self._run_buckets.add(key, buckets)
        while len(self._run) > _MAX_IN_FLIGHT:
            self._forget_run_copy(next(iter(self._run)))

    def _forget_run_copy(self, key: str) -> None:
        """``key`` is recorded in the store (or long gone): the store's search finds it from now on."""
        copy = self._run.pop(key, None)
        if copy is not None:
            self._run_buckets.remove(key, copy.buckets)

    # -- recording (after export) -----------------------------------------------------------
    def item_scraped(self, item: Any, response: Response | None) -> None:
        """The item's line is written: store its record."""
        pending = self._pending.pop(id(item), None)
        if pending is None or not isinstance(item, Article):
            return
        self.store.record_written(
            attrs.evolve(
                pending.record,
                urls=tuple(response_urls(response, item)),
                validators=response_validators(response) if response is not None else Validators(),
                document=take_written_line(item) or record_document(item),  # the line as written, when the exporter kept it
            )
        )
        self._forget_run_copy(pending.key)
        self.stats.inc_value("newscrawl/state/new" if item.version == 1 else "newscrawl/state/new_version")
        if item.duplicate_of:
            self.stats.inc_value("newscrawl/state/near_duplicate")

    def item_dropped(self, response: Response | None, exception: BaseException) -> None:
        """An unchanged article was fetched again: note when, and its current validators."""
        if not isinstance(exception, UnchangedArticle):
            return
        item = exception.article
        self.store.record_checked(
            url_key(item),
            seen_at=item.fetched_at or isoformat(utc_now()),
            urls=response_urls(response, item),
            validators=response_validators(response) if response is not None else Validators(),
        )


def _signature_of(item: Article, options: NearDuplicateOptions) -> Signature | None:
    """The item's signature: the one extraction computed for this very body, else computed now."""
    found, signature = item_signature(item)
    if found:
        return deserialize_signature(signature) if signature is not None else None
    return text_signature(item.body, options)


def settle_pending_writes(store: StateStore, stats: StatsCollector) -> None:
    """Settle the write-ahead notes a crashed crawl left (see :meth:`StateStore.record_pending`).

    A note whose line is in one of its feed files (after the size noted)
    is stored as written, the line as its document; any other is
    forgotten, so the article is fetched and written again. Without a
    local feed file to look in, the line cannot be found and the article
    is written again: nothing is lost.
    """
    for record, feeds in store.pending_writes():
        line = next((found for path, size in feeds if (found := _written_line(Path(path), size, record))), None)
        if line is not None:
            store.record_written(record if record.document is not None else attrs.evolve(record, document=line))
            stats.inc_value("newscrawl/state/settled_written")
            logger.info("the previous crawl wrote %s but stopped before noting it: noted now", record.url)
        else:
            store.discard_pending(record.key)
            stats.inc_value("newscrawl/state/settled_unwritten")
            logger.info("the previous crawl stopped before writing %s: it will be fetched again", record.url)
    store.settled()


def _written_line(path: Path, size: int, record: WrittenRecord) -> str | None:
    """``record``'s line (same url and version) in ``path`` after its first ``size`` bytes, without its newline; else None."""
    try:
        with path.open("rb") as lines:
            lines.seek(size)
            for line in lines:
                try:
                    data = json.loads(line)
                except ValueError:
                    continue  # not a JSON line (another format): cannot match
                if isinstance(data, dict) and data.get("url") == record.url and data.get("version") == record.version:
                    return line.decode("utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError):
        return None
    return None


def record_document(item: Article) -> str:
    """The article's JSONL line as the feed exporter writes it (without the newline)."""
    return json.dumps(ItemAdapter(item).asdict(), cls=ScrapyJSONEncoder, ensure_ascii=False)


def _warn_overwrite(crawler: Crawler, store: StateStore) -> None:
    """Warn when ``-O`` would replace earlier output with only what is new since."""
    stored = len(store)
    if not stored:
        return
    feeds = crawler.settings.getdict("FEEDS")
    overwritten = [uri for uri, options in feeds.items() if isinstance(options, dict) and options.get("overwrite")]
    if overwritten:
        logger.warning(
            "the state database %s already holds %d articles, which this run skips; -O replaces %s with only "
            "the new ones: use -o to append, or NEWSCRAWL_STATE_ENABLED=False for a full crawl",
            store.path, stored, ", ".join(map(str, overwritten)),
        )

"""Extraction as the first item pipeline: a fetched page in, an Article out (or a counted skip).

The spider's ``parse_article`` does no extraction: it yields a
:class:`RawPage` (the response's bytes, headers and status, what
discovery listed, when it was fetched) and goes on following links.
:class:`ExtractPipeline` hands the page to a pool of worker processes
(:mod:`newscrawl.pool`) and awaits the result, so the reactor keeps
downloading while pages are extracted on the other cores. It returns the
:class:`~newscrawl.items.Article`, stamped with ``fetched_at``,
``extractor_version`` and (with ``NEWSCRAWL_WARC_DIR``) ``warc_file`` and
``warc_record_id`` as :class:`~newscrawl.middlewares.ProvenanceMiddleware`
stamps items, for the validate and dedupe pipelines after it; a page
without an article is dropped with its reason counted as
``newscrawl/skipped/<reason>`` and logged at DEBUG (listing pages are
normal, not warnings).

A page of a sources-file outlet with extraction selectors carries them in
``listed["selectors"]``; they go to the extractor with the page. An
article page on which the outlet's ``headline`` or ``body`` selector
matched nothing (the generic extractor stood in) is counted as
``newscrawl/selectors/no_match/<kind>`` and logged at DEBUG with the
outlet's name: a count that grows is the sign of an outlet's redesign.

Settings (``settings.py``): ``NEWSCRAWL_EXTRACT_WORKERS`` (None = one per
core, 0 = extract in the crawl process), ``NEWSCRAWL_EXTRACT_TIMEOUT``,
``NEWSCRAWL_EXTRACT_MAX_TASKS_PER_WORKER``, ``NEWSCRAWL_EXTRACT_FUNCTION``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import attrs
from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured

from newscrawl.incremental import StateOptions, state_store
from newscrawl.items import Article
from newscrawl.listing import fill_from_listing
from newscrawl.middlewares import _fetched_at, stamp_provenance
from newscrawl.pipelines.digests import forget_text_digest, remember_text_digest
from newscrawl.pool import (
    ExtractionPool,
    PoolOptions,
    SignatureOptions,
    article_from_dict,
    close_early_templates,
    load_function,
    pool_options,
    run_extraction,
)
from newscrawl.warc import WarcLocation

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

    from newscrawl.pool import ExtractFunction

logger = logging.getLogger(__name__)


def _body_repr(body: bytes) -> str:
    return f"<{len(body)} bytes>"


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@attrs.frozen
class RawPage:
    """A fetched page waiting for extraction: what the spider yields for an article candidate.

    Compact on purpose: the body is the response's own bytes object (no
    copy), and its repr (which Scrapy logs for dropped items) leaves the
    body and headers out.
    """

    url: str
    """The response URL (after redirects)."""
    body: bytes = attrs.field(repr=_body_repr)
    """The response body as downloaded (decompressed)."""
    headers: tuple[tuple[str, str], ...] = attrs.field(repr=False)
    """Response headers as (name, value) text pairs."""
    status: int = 200
    """HTTP status of the response."""
    listed: dict[str, Any] = attrs.field(factory=dict, repr=False)
    """What discovery knew about the URL (source, sitemap lastmod, feed title...)."""
    fetched_at: str = attrs.field(factory=_now)
    """When the page was fetched, ISO 8601 UTC (stamped on the article as ``fetched_at``)."""
    warc: WarcLocation | None = attrs.field(default=None, repr=False)
    """Where the response is archived (``NEWSCRAWL_WARC_DIR``), stamped on the article; None when not archived."""

    @classmethod
    def from_response(cls, response: Response, listed: dict[str, Any] | None = None) -> Self:
        """The page of a downloaded response."""
        headers = tuple(
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, values in response.headers.items()
            for value in values
        )
        return cls(
            url=response.url,
            body=response.body,
            headers=headers,
            status=response.status,
            listed=dict(listed or {}),
            fetched_at=_fetched_at(response),
            warc=WarcLocation.from_meta(response.meta),
        )


def signature_options(crawler: Crawler) -> SignatureOptions | None:
    """What the workers compute from each article's body for the pipelines after extraction.

    (num_perm, shingle_words, shingle_hash) when the crawl's state pipeline
    marks near-duplicates (the shingle hash is the state database's own, so
    the state is opened here, once per crawl); ``()``, the fingerprint alone,
    when only the dedupe pipeline (or a state without near-duplicates) needs
    it; None when nothing does.
    """
    pipelines = crawler.settings.getwithbase("ITEM_PIPELINES")
    state = None
    if pipelines.get("newscrawl.pipelines.state.StatePipeline"):
        with contextlib.suppress(NotConfigured, ValueError):  # state off; a bad value is reported by the state pipeline
            state = StateOptions.from_settings(crawler.settings)
    if state is not None and state.near_duplicates is not None:
        near = state_store(crawler, state).near_duplicates
        return (near.num_perm, near.shingle_words, near.shingle_hash)
    dedupe = pipelines.get("newscrawl.pipelines.dedupe.DedupePipeline") and crawler.settings.getbool("NEWSCRAWL_DEDUPE_ENABLED", True)
    return () if dedupe or state is not None else None


class ExtractPipeline:
    """Turns each :class:`RawPage` into an :class:`Article` (or drops it with a counted reason).

    Other items pass through untouched. With ``NEWSCRAWL_EXTRACT_WORKERS``
    above 0 the work runs in a :class:`~newscrawl.pool.ExtractionPool`
    (which needs Scrapy's asyncio reactor, the project default); with 0
    it runs here, in the crawl process, in the order pages arrive.
    """

    def __init__(self, options: PoolOptions, stats: StatsCollector) -> None:
        self.options = options
        self.stats = stats
        self.pool: ExtractionPool | None = None
        self.signature: SignatureOptions | None = None
        """What the workers compute from the body with the extraction (:func:`signature_options`)."""
        self._func: ExtractFunction | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        pipe = cls(pool_options(crawler.settings), crawler.stats)
        pipe.signature = signature_options(crawler)
        if pipe.signature is not None:
            # The digests remembered here are done with once the item leaves the pipelines, however it leaves.
            for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
                crawler.signals.connect(pipe.forget_digest, signal=signal)
        return pipe

    @staticmethod
    def forget_digest(item: Any) -> None:
        """The item left the pipelines (its line is written, or it was dropped or failed): drop its digest."""
        if isinstance(item, Article):
            forget_text_digest(item)

    async def open_spider(self) -> None:
        """Start the pool (its workers warm up while the first pages download)."""
        try:
            self._start()
        finally:
            close_early_templates()  # one started for other settings than the crawl ended up with is not needed

    def _start(self) -> None:
        self._func = load_function(self.options.function)  # fail at start on a bad path, not per page
        if self.options.workers == 0:
            return
        from scrapy.utils.reactor import is_asyncio_reactor_installed  # noqa: PLC0415

        if not is_asyncio_reactor_installed():
            logger.warning(
                "NEWSCRAWL_EXTRACT_WORKERS=%d needs the asyncio reactor; extracting in the crawl process",
                self.options.workers,
            )
            return
        self.pool = ExtractionPool(self.options, asyncio.get_running_loop(), self._count_event)
        self.pool.start()
        self.stats.set_value("newscrawl/extract/workers", self.options.workers)
        self.stats.set_value("newscrawl/extract/template_started_early", self.pool.started_early)

    async def close_spider(self) -> None:
        """Stop the workers and the template process."""
        if self.pool is not None:
            await self.pool.close()
            self.pool = None

    async def process_item(self, item: Any) -> Any:
        """The article of a RawPage, stamped with its provenance; anything else unchanged."""
        if not isinstance(item, RawPage):
            return item
        selectors = item.listed.get("selectors") or None
        if self.pool is not None:
            result = await self.pool.extract(item.body, item.url, item.headers, item.status, selectors, self.signature)
        else:
            assert self._func is not None
            result = run_extraction(
                self._func, item.body, item.url, item.headers, item.status, selectors=selectors, signature=self.signature
            )
        return self.finish(item, result)

    def finish(self, page: RawPage, result: dict[str, Any]) -> Article:
        """The stamped article of a result, or DropItem with the reason counted."""
        data = result.get("item")
        if data is None:
            reason = result.get("skip") or "no_item"
            self.stats.inc_value(f"newscrawl/skipped/{reason}")
            detail = f" ({result['detail']})" if result.get("detail") else ""
            raise DropItem(f"{reason}: {page.url}{detail}", log_level="DEBUG")
        for kind in result.get("unmatched") or ():
            self.stats.inc_value(f"newscrawl/selectors/no_match/{kind}")
            logger.debug(
                "outlet %s: %s_selector matched nothing on %s; generic extraction used",
                page.listed.get("outlet"), kind, page.url,
            )
        article = fill_from_listing(article_from_dict(data), page.listed)
        if text := result.get("text"):
            remember_text_digest(article, *text)
        return stamp_provenance(article, page.fetched_at, page.warc)

    def _count_event(self, name: str) -> None:
        self.stats.inc_value(f"newscrawl/extract/{name}")

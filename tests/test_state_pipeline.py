"""The state pipeline and the incremental middlewares, driven through Scrapy's crawler objects and signals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler
from test_state_store import OTHER, WIRE  # the same realistic texts as the store tests

from newscrawl.incremental import (
    META_STATE_KEY,
    IncrementalMiddleware,
    NotModifiedMiddleware,
    StateOptions,
)
from newscrawl.items import Article
from newscrawl.pipelines.state import StatePipeline, UnchangedArticle
from newscrawl.state import StateStore

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from scrapy.crawler import Crawler

_CRAWLERS: list[Crawler] = []


@pytest.fixture(autouse=True)
def _close_state_databases() -> Iterator[None]:
    """Each test's crawlers close their state database at the end, as a crawl does when its engine stops."""
    yield
    while _CRAWLERS:
        _CRAWLERS.pop().signals.send_catch_log(signals.engine_stopped)


def make_crawler(tmp_path: Path, **settings: Any) -> Crawler:
    """A crawler with the project settings, the state database in ``tmp_path``, and ``settings`` on top."""
    from newscrawl import settings as project  # noqa: PLC0415

    base = {k: getattr(project, k) for k in dir(project) if k.isupper()}
    base.update({"NEWSCRAWL_STATE_PATH": str(tmp_path / "state.sqlite3"), "MEMUSAGE_ENABLED": False, **settings})
    crawler = get_crawler(settings_dict=base)
    assert crawler.stats is not None
    crawler.stats.open_spider()
    _CRAWLERS.append(crawler)
    return crawler


def end_run(crawler: Crawler) -> None:
    """The crawl ends (its engine stops): its grouped state writes are committed and the database closed."""
    _CRAWLERS.remove(crawler)
    crawler.signals.send_catch_log(signals.engine_stopped)


def article(url: str, body: str = WIRE, fetched_at: str = "2025-01-01T00:00:00+00:00", **fields: Any) -> Article:
    """An article as the extraction pipeline hands it on."""
    return Article(url=url, headline="H", body=body, fetched_at=fetched_at, **fields)


def response_for(url: str, *, listed: dict[str, Any] | None = None, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A response to an article request (with ``listed``) carrying ``headers``."""
    request = Request(url, cb_kwargs={"listed": listed or {"source": "sitemap"}})
    return HtmlResponse(url, status=status, body=b"<html></html>", headers=headers or {}, request=request)


def scrape(crawler: Crawler, pipe: StatePipeline, item: Article, response: Response | None = None) -> Article:
    """Run ``item`` through the pipeline and send the signal Scrapy sends after export (or after a drop)."""
    try:
        out = pipe.process_item(item)
    except UnchangedArticle as exc:
        crawler.signals.send_catch_log(signals.item_dropped, item=object(), response=response, exception=exc, spider=None)
        raise
    crawler.signals.send_catch_log(signals.item_scraped, item=out, response=response or response_for(item.url), spider=None)
    return out


def stat(crawler: Crawler, key: str) -> Any:
    assert crawler.stats is not None
    return crawler.stats.get_value(key)


# -- the pipeline ------------------------------------------------------------------------


def test_new_article_is_version_1_and_stored_only_after_export(tmp_path: Path) -> None:
    """process_item sets version 1; the state records the article (with ETag and lastmod) only on item_scraped."""
    crawler = make_crawler(tmp_path)
    pipe = StatePipeline.from_crawler(crawler)
    item = pipe.process_item(article("https://a.example/story"))
    assert (item.version, item.previous_fetched_at, item.duplicate_of) == (1, None, None)
    assert pipe.store.get("https://a.example/story") is None  # not exported yet: nothing stored
    response = response_for("https://a.example/story", listed={"source": "sitemap", "lastmod": "2025-01-01"}, headers={"ETag": '"v1"'})
    crawler.signals.send_catch_log(signals.item_scraped, item=item, response=response, spider=None)
    got = pipe.store.get("https://a.example/story")
    assert got is not None
    assert (got.version, got.etag, got.lastmod, got.fetched_at) == (1, '"v1"', "2025-01-01", "2025-01-01T00:00:00+00:00")
    assert stat(crawler, "newscrawl/state/new") == 1


def test_same_text_again_is_dropped_and_recorded_as_checked(tmp_path: Path) -> None:
    """A stored article with the same text is dropped as unchanged; its last seen time and new lastmod are kept."""
    crawler = make_crawler(tmp_path)
    pipe = StatePipeline.from_crawler(crawler)
    scrape(crawler, pipe, article("https://a.example/story"))
    again = article("https://a.example/story", body="  " + WIRE.upper(), fetched_at="2025-02-01T00:00:00+00:00")
    with pytest.raises(UnchangedArticle, match=r"unchanged: https://a\.example/story"):
        scrape(crawler, pipe, again, response_for("https://a.example/story", listed={"lastmod": "2025-01-20"}))
    got = pipe.store.get("https://a.example/story")
    assert got is not None
    assert (got.version, got.last_seen, got.lastmod, got.fetched_at) == (
        1, "2025-02-01T00:00:00+00:00", "2025-01-20", "2025-01-01T00:00:00+00:00")
    assert stat(crawler, "newscrawl/dropped/unchanged") == 1


def test_changed_text_is_a_new_version_with_previous_fetched_at(tmp_path: Path) -> None:
    """A stored article whose text changed is written again as version 2, pointing at the first fetch."""
    crawler = make_crawler(tmp_path)
    pipe = StatePipeline.from_crawler(crawler)
    scrape(crawler, pipe, article("https://a.example/story", canonical_url="https://a.example/story/"))
    changed = article("https://a.example/story?amp=1", body=WIRE + " Update: the river crested overnight.",
                      fetched_at="2025-02-01T00:00:00+00:00", canonical_url="https://a.example/story")
    out = scrape(crawler, pipe, changed)
    assert (out.version, out.previous_fetched_at, out.duplicate_of) == (2, "2025-01-01T00:00:00+00:00", None)
    got = pipe.store.get("https://a.example/story")
    assert got is not None and (got.version, got.url) == (2, "https://a.example/story?amp=1")
    assert stat(crawler, "newscrawl/state/new_version") == 1


def test_syndicated_copy_is_marked_with_the_first_copy_across_runs_and_within_one(tmp_path: Path) -> None:
    """A near-identical text on another site gets duplicate_of = the first copy's url, from an earlier run or this one."""
    first_run = make_crawler(tmp_path)
    pipe = StatePipeline.from_crawler(first_run)
    scrape(first_run, pipe, article("https://wire.example/story"))
    pipe.store.close()

    second_run = make_crawler(tmp_path)
    pipe = StatePipeline.from_crawler(second_run)
    blog = scrape(second_run, pipe, article("https://blog.example/copied", body="Breaking: " + WIRE + " Source link"))
    unrelated = scrape(second_run, pipe, article("https://bank.example/rates", body=OTHER))
    within = pipe.process_item(article("https://other.example/rates-copy", body=OTHER + " (Reuters)"))
    assert blog.duplicate_of == "https://wire.example/story"
    assert unrelated.duplicate_of is None
    assert within.duplicate_of == "https://bank.example/rates"  # seen earlier in this run, not yet exported
    assert blog.version == 1  # a copy is kept: its own article, marked
    assert stat(second_run, "newscrawl/state/near_duplicate") == 1  # counted when written; `within` is not yet


def test_state_off_disables_every_component(tmp_path: Path) -> None:
    """With NEWSCRAWL_STATE_ENABLED off, the pipeline and both middlewares are not configured."""
    crawler = make_crawler(tmp_path, NEWSCRAWL_STATE_ENABLED=False)
    for component in (StatePipeline, IncrementalMiddleware, NotModifiedMiddleware):
        with pytest.raises(NotConfigured):
            component.from_crawler(crawler)
    assert not (tmp_path / "state.sqlite3").exists()


def test_bad_recrawl_after_setting_is_refused() -> None:
    """An unreadable NEWSCRAWL_STATE_RECRAWL_AFTER stops the crawl with a message naming the setting."""
    from scrapy.settings import Settings  # noqa: PLC0415

    with pytest.raises(ValueError, match="NEWSCRAWL_STATE_RECRAWL_AFTER: '30 days' is not a duration"):
        StateOptions.from_settings(Settings({"NEWSCRAWL_STATE_RECRAWL_AFTER": "30 days"}))


# -- the middlewares ---------------------------------------------------------------------


def _store_one(tmp_path: Path, headers: dict[str, str] | None = None, lastmod: str | None = None) -> None:
    """An earlier run (its own crawler) that stored https://a.example/story."""
    crawler = make_crawler(tmp_path)
    pipe = StatePipeline.from_crawler(crawler)
    listed = {"source": "sitemap", **({"lastmod": lastmod} if lastmod else {})}
    scrape(crawler, pipe, article("https://a.example/story"), response_for("https://a.example/story", listed=listed, headers=headers))
    end_run(crawler)


def test_middleware_drops_stored_articles_before_scheduling_and_counts_each_once(tmp_path: Path) -> None:
    """A request for a stored article is dropped (counted once per URL); new articles and listing pages pass."""
    _store_one(tmp_path)
    crawler = make_crawler(tmp_path)
    mw = IncrementalMiddleware.from_crawler(crawler)
    stored = Request("https://a.example/story#comments", cb_kwargs={"listed": {"source": "feed"}})
    new = Request("https://a.example/new-story", cb_kwargs={"listed": {"source": "feed"}})
    listing = Request("https://a.example/story")  # no `listed`: a listing page, never skipped
    assert list(mw.process_spider_output(None, [stored, new, listing, stored])) == [new, listing]
    assert stat(crawler, "newscrawl/skipped/already_stored") == 1


def test_middleware_leaves_articles_stored_by_this_run_to_the_duplicate_filter(tmp_path: Path) -> None:
    """An article stored earlier in the same run is not counted as already stored (Scrapy drops the repeat)."""
    crawler = make_crawler(tmp_path)
    pipe = StatePipeline.from_crawler(crawler)
    scrape(crawler, pipe, article("https://a.example/story"))
    mw = IncrementalMiddleware.from_crawler(crawler)
    again = Request("https://a.example/story", cb_kwargs={"listed": {"source": "link"}})
    assert list(mw.process_spider_output(None, [again])) == [again]
    assert stat(crawler, "newscrawl/skipped/already_stored") is None


def test_middleware_refetches_changed_lastmod_with_conditional_headers(tmp_path: Path) -> None:
    """With recrawl_changed, a new sitemap lastmod lets the request through with If-None-Match and the stored key."""
    _store_one(tmp_path, headers={"ETag": '"v1"'}, lastmod="2025-01-01")
    crawler = make_crawler(tmp_path, NEWSCRAWL_STATE_RECRAWL_CHANGED=True)
    mw = IncrementalMiddleware.from_crawler(crawler)
    same = Request("https://a.example/story", cb_kwargs={"listed": {"lastmod": "2025-01-01"}})
    changed = Request("https://a.example/story", cb_kwargs={"listed": {"lastmod": "2025-01-05"}})
    [out] = list(mw.process_spider_output(None, [same, changed]))
    assert out.headers.get("If-None-Match") == b'"v1"'
    assert out.meta[META_STATE_KEY] == "https://a.example/story"
    assert out.cb_kwargs == changed.cb_kwargs
    assert stat(crawler, "newscrawl/state/recrawl/lastmod_changed") == 1


def test_not_modified_answer_is_recorded_and_dropped(tmp_path: Path) -> None:
    """A 304 to a conditional refetch raises IgnoreRequest, updates last seen and counts not_modified; a 200 passes."""
    _store_one(tmp_path, headers={"ETag": '"v1"'})
    crawler = make_crawler(tmp_path)
    mw = NotModifiedMiddleware.from_crawler(crawler)
    request = Request("https://a.example/story", meta={META_STATE_KEY: "https://a.example/story"}, cb_kwargs={"listed": {"lastmod": "2025-03-01"}})
    ok = Response("https://a.example/story", status=200, request=request)
    assert mw.process_response(request, ok) is ok
    with pytest.raises(IgnoreRequest, match="not modified"):
        mw.process_response(request, Response("https://a.example/story", status=304, headers={"ETag": '"v1"'}, request=request))
    end_run(crawler)
    with StateStore(tmp_path / "state.sqlite3") as store:
        got = store.get("https://a.example/story")
    assert got is not None and got.lastmod == "2025-03-01" and got.last_seen != got.first_seen
    assert stat(crawler, "newscrawl/skipped/not_modified") == 1


# -- signatures computed by the extraction workers -------------------------------------------


def test_extraction_computes_the_signature_the_state_pipeline_would() -> None:
    """run_extraction with the crawl's near-duplicate options returns the body's fingerprint and MinHash signature."""
    from newscrawl.extraction import extract  # noqa: PLC0415
    from newscrawl.pipelines.digests import body_fingerprint  # noqa: PLC0415
    from newscrawl.pool import run_extraction  # noqa: PLC0415
    from newscrawl.state import (  # noqa: PLC0415
        NearDuplicateOptions,
        deserialize_signature,
        text_signature,
    )

    page = f"<html><head><title>Floods</title></head><body><article><h1>Floods</h1><p>{WIRE}</p></article></body></html>"
    for shingle_hash in ("poly64", "sha1"):  # the state database's own
        result = run_extraction(extract, page.encode(), "https://a.example/2025/01/02/floods/", [], 200,
                                signature=(128, 5, shingle_hash))
        body = result["item"]["body"]
        fingerprint, signature = result["text"]
        assert fingerprint == body_fingerprint(body)
        expected = text_signature(body, NearDuplicateOptions(num_perm=128, shingle_words=5, shingle_hash=shingle_hash))
        assert expected is not None
        assert (deserialize_signature(signature).hashvalues == expected.hashvalues).all()
    fingerprint_only = run_extraction(extract, page.encode(), "https://a.example/2025/01/02/floods/", [], 200, signature=())
    assert fingerprint_only["text"] == (body_fingerprint(fingerprint_only["item"]["body"]), None)  # dedupe alone
    assert "text" not in run_extraction(extract, page.encode(), "https://a.example/2025/01/02/floods/", [], 200)


def test_state_pipeline_uses_the_extraction_signature_only_for_the_same_text(tmp_path: Path) -> None:
    """A digest handed on by extraction is used while the item's body is the one it was computed from, and ignored once a pipeline replaced the body."""
    from newscrawl.pipelines.digests import item_fingerprint, remember_text_digest  # noqa: PLC0415
    from newscrawl.state import (  # noqa: PLC0415
        NearDuplicateOptions,
        serialize_signature,
        text_signature,
    )

    options = NearDuplicateOptions()
    other = text_signature(OTHER, options)
    assert other is not None
    crawler = make_crawler(tmp_path)
    pipe = StatePipeline.from_crawler(crawler)
    # The digest of the same body, deliberately carrying OTHER's signature: the pipeline takes it as given.
    first = article("https://a.example/one")
    remember_text_digest(first, "f" * 40, serialize_signature(other))
    assert item_fingerprint(first) == "f" * 40  # taken as given too, not computed again
    scrape(crawler, pipe, first)
    # Same body again on another site, with no digest: computed here, and a near-copy only of what was signed.
    second = article("https://b.example/two")
    scrape(crawler, pipe, second)
    assert second.duplicate_of is None  # 'first' was signed as OTHER, so WIRE has no earlier copy
    # A stale digest (the body was replaced after extraction) is ignored: computed from the body.
    third = article("https://c.example/three", body=OTHER)
    remember_text_digest(third, "f" * 40, serialize_signature(other))
    third.body = "".join(WIRE)  # another str object, as a pipeline that rewrites the body makes
    assert item_fingerprint(third) != "f" * 40
    scrape(crawler, pipe, third)
    assert third.duplicate_of == "https://b.example/two"


# -- the exporter's line as the record's document -----------------------------------------------


def test_the_jsonl_exporter_hands_the_line_it_wrote_to_the_state_once() -> None:
    """The project's JSON lines exporter keeps each whole-item line for the state pipeline; a restricted export keeps none."""
    import io  # noqa: PLC0415

    from newscrawl.exporters import JsonLinesItemExporter, take_written_line  # noqa: PLC0415
    from newscrawl.pipelines.state import record_document  # noqa: PLC0415

    item = article("https://a.example/é", body="Überschwemmung in der Stadt: " + WIRE)
    out = io.BytesIO()
    JsonLinesItemExporter(out, encoding="utf-8").export_item(item)
    line = take_written_line(item)
    assert line is not None and out.getvalue() == (line + "\n").encode("utf-8")
    assert line == record_document(item)  # what the pipeline would have encoded itself
    assert take_written_line(item) is None  # taken once
    JsonLinesItemExporter(io.BytesIO(), encoding="utf-8", fields_to_export=["url"]).export_item(item)
    assert take_written_line(item) is None  # not the whole item: not a document


def test_workers_are_asked_for_the_state_databases_shingle_hash(tmp_path: Path) -> None:
    """The extraction pipeline asks its workers for signatures made as the state database makes them (sha1 if it predates poly64)."""
    import sqlite3  # noqa: PLC0415

    from newscrawl.pipelines.extract import signature_options  # noqa: PLC0415

    crawler = make_crawler(tmp_path)
    assert signature_options(crawler) == (128, 5, "poly64")
    end_run(crawler)
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        db.execute("DELETE FROM meta WHERE name = 'shingle_hash'")  # as a database made before poly64
    crawler = make_crawler(tmp_path)
    assert signature_options(crawler) == (128, 5, "sha1")
    pipe = StatePipeline.from_crawler(crawler)
    assert pipe.store.near_duplicates.shingle_hash == "sha1"


def test_workers_fingerprint_bodies_for_the_dedupe_pipeline_without_state(tmp_path: Path) -> None:
    """Without near-duplicate state the workers still fingerprint each body (for dedupe), and nothing when no pipeline needs it."""
    from newscrawl.pipelines.extract import signature_options  # noqa: PLC0415

    assert signature_options(make_crawler(tmp_path, NEWSCRAWL_STATE_ENABLED=False)) == ()
    assert signature_options(make_crawler(tmp_path, NEWSCRAWL_STATE_DUPLICATES_ENABLED=False)) == ()
    assert signature_options(make_crawler(tmp_path, NEWSCRAWL_STATE_ENABLED=False, NEWSCRAWL_DEDUPE_ENABLED=False)) is None
    assert signature_options(make_crawler(tmp_path, NEWSCRAWL_STATE_ENABLED=False, ITEM_PIPELINES={
        "newscrawl.pipelines.dedupe.DedupePipeline": None, "newscrawl.pipelines.state.StatePipeline": None})) is None


def test_the_jsonl_exporter_writes_the_lines_scrapys_exporter_writes() -> None:
    """The exporter's attrs.asdict path gives, for every demo-site article, the very line Scrapy's own exporter gives."""
    import io  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415 - only a type elsewhere in this module

    from scrapy.exporters import JsonLinesItemExporter as ScrapyExporter  # noqa: PLC0415

    from newscrawl.exporters import JsonLinesItemExporter  # noqa: PLC0415
    from newscrawl.extraction import extract  # noqa: PLC0415

    root = Path(__file__).parent.parent / "fixtures" / "sites" / "demo"
    items = [
        result.item
        for path in sorted(root.rglob("*.html"))
        if (result := extract(path.read_bytes(), f"https://demo.example/{path.relative_to(root)}")).item is not None
    ]
    items[0].version, items[0].duplicate_of, items[0].is_accessible_for_free = 2, "https://other.example/", False
    assert len(items) >= 12 and any(item.images for item in items)
    ours, theirs = io.BytesIO(), io.BytesIO()
    for item in items:
        JsonLinesItemExporter(ours, encoding="utf-8").export_item(item)
        ScrapyExporter(theirs, encoding="utf-8").export_item(item)
    assert ours.getvalue().decode("utf-8").splitlines() == theirs.getvalue().decode("utf-8").splitlines()


def test_the_digest_lasts_until_the_article_is_exported(tmp_path: Path) -> None:
    """A pipeline after the state one (the distributed claim) still gets the workers' fingerprint; export forgets it."""
    from newscrawl.pipelines.digests import (  # noqa: PLC0415
        body_fingerprint,
        item_fingerprint,
        remember_text_digest,
    )

    from newscrawl.pipelines.extract import ExtractPipeline  # noqa: PLC0415 - it remembers the digests, and forgets them

    crawler = make_crawler(tmp_path)
    ExtractPipeline.from_crawler(crawler)
    pipe = StatePipeline.from_crawler(crawler)
    item = article("https://a.example/one")
    remember_text_digest(item, "f" * 40, None)
    pipe.process_item(item)
    assert item_fingerprint(item) == "f" * 40  # not computed again after the state pipeline
    crawler.signals.send_catch_log(signals.item_scraped, item=item, response=response_for(item.url), spider=None)
    assert item_fingerprint(item) == body_fingerprint(WIRE)  # forgotten once the line is written
    for signal in (signals.item_dropped, signals.item_error):  # or once it is dropped, or a pipeline failed on it
        remember_text_digest(item, "f" * 40, None)
        crawler.signals.send_catch_log(signal, item=item, response=response_for(item.url), exception=ValueError(), spider=None)
        assert item_fingerprint(item) == body_fingerprint(WIRE)


def test_copies_in_flight_are_found_and_forgotten_once_stored(tmp_path: Path) -> None:
    """An article not yet exported is the first copy of a later one; once recorded, the pipeline holds nothing of it."""
    crawler = make_crawler(tmp_path)
    pipe = StatePipeline.from_crawler(crawler)
    first = pipe.process_item(article("https://wire.example/story"))  # not exported yet: in flight
    second = pipe.process_item(article("https://blog.example/copy", body="Breaking: " + WIRE))
    assert second.duplicate_of == "https://wire.example/story"
    assert sorted(pipe._run) == ["https://blog.example/copy", "https://wire.example/story"]  # noqa: SLF001
    for item in (first, second):
        crawler.signals.send_catch_log(signals.item_scraped, item=item, response=response_for(item.url), spider=None)
    assert not pipe._run and not pipe._run_buckets  # noqa: SLF001 - the store has them now
    third = pipe.process_item(article("https://other.example/copy", body=WIRE + " (AP)"))
    assert third.duplicate_of == "https://wire.example/story"  # found in the store, the earliest


def test_the_in_flight_copies_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Articles never exported (dropped by a later pipeline) do not pile up: the oldest are forgotten past the bound."""
    import newscrawl.pipelines.state as state_pipeline  # noqa: PLC0415

    monkeypatch.setattr(state_pipeline, "_MAX_IN_FLIGHT", 3)
    pipe = StatePipeline.from_crawler(make_crawler(tmp_path))
    for n in range(5):
        pipe.process_item(article(f"https://site{n}.example/story", body=f"Story {n}: " + (OTHER if n % 2 else WIRE)))
    assert list(pipe._run) == [f"https://site{n}.example/story" for n in (2, 3, 4)]  # noqa: SLF001
    assert {key for keys in pipe._run_buckets._keys.values() for key in keys} == set(pipe._run)  # noqa: SLF001

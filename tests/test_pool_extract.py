"""Extraction off the reactor: the worker pool, the extract pipeline and whole crawls through them.

Pool tests drive :class:`newscrawl.pool.ExtractionPool` on a plain asyncio
loop; crawl tests run ``scrapy crawl news`` on small sites on 127.0.0.1.
Hangs and crashes are injected with ``NEWSCRAWL_EXTRACT_FUNCTION`` naming
``tests/pool_hooks.py``'s :func:`chaos_extract`, which misbehaves only on
URLs carrying a marker.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from typing import TYPE_CHECKING, Any

import lxml.html
import pytest
from conftest import DEMO_SITE, ROOT, run_crawl
from fixture_site import FixtureSite
from pool_hooks import CRASH_MARKER, HANG_MARKER, RAISE_MARKER
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from test_spider_news import article_html, listing_html, write_site

from newscrawl import __version__
from newscrawl.items import Article, Image
from newscrawl.pipelines.extract import ExtractPipeline, RawPage
from newscrawl.pool import (
    ExtractionPool,
    PoolOptions,
    article_from_dict,
    article_to_dict,
    load_function,
    pool_options,
    run_extraction,
)

if TYPE_CHECKING:
    from conftest import CrawlResult

FIXTURES = ROOT / "fixtures" / "newscrawl.extraction.pages.GenericArticlePage"
HEADERS = [("Content-Type", "text/html; charset=utf-8")]
CHAOS = "pool_hooks:chaos_extract"  # importable here and in workers: tests/ is on sys.path under pytest
NO_STATE = {"NEWSCRAWL_STATE_ENABLED": "False"}  # every crawl here is a full crawl, whatever earlier runs stored


def fixture_pages() -> list[tuple[bytes, str]]:
    """(body, url) of every extraction fixture page."""
    pages = []
    for case in sorted(FIXTURES.iterdir()):
        info = json.loads((case / "inputs" / "HttpResponse-info.json").read_text("utf-8"))
        pages.append(((case / "inputs" / "HttpResponse-body.html").read_bytes(), info["url"]))
    return pages


def run_pool(options: PoolOptions, pages: list[tuple[bytes, str]]) -> tuple[list[dict[str, Any]], list[str], ExtractionPool]:
    """Extract ``pages`` with a pool on a fresh loop; the results, the pool's events and the (closed) pool."""
    events: list[str] = []

    async def go() -> tuple[list[dict[str, Any]], ExtractionPool]:
        pool = ExtractionPool(options, asyncio.get_running_loop(), events.append)
        pool.start()
        try:
            results = await asyncio.wait_for(
                asyncio.gather(*(pool.extract(body, url, HEADERS, 200) for body, url in pages)), timeout=60
            )
        finally:
            await pool.close()
        return list(results), pool

    results, pool = asyncio.run(go())
    return results, events, pool


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


# -- the pool ------------------------------------------------------------------------------------


def test_pool_gives_the_same_results_as_in_process_extraction() -> None:
    """Every fixture page (and a listing page) comes back from the workers exactly as extracted in-process."""
    pages = [*fixture_pages(), (listing_html("Home", ("/a/", "/b/", "/c/")).encode(), "https://e.com/")]
    results, events, _ = run_pool(PoolOptions(workers=2, timeout=30), pages)
    func = load_function("newscrawl.extraction:extract")
    expected = [run_extraction(func, body, url, HEADERS, 200) for body, url in pages]
    assert results == expected
    assert sum(r["item"] is not None for r in results) == len(pages) - 1
    assert results[-1] == {"item": None, "skip": "not_article", "detail": None}
    assert events.count("worker_started") == 2


def test_a_template_started_early_is_adopted_by_the_pool() -> None:
    """start_template_early's template (warming up before the pool exists) serves the next pool for its function, once."""
    from newscrawl.pool import _EARLY_TEMPLATES, start_template_early  # noqa: PLC0415

    pages = fixture_pages()[:3]
    start_template_early("newscrawl.extraction:extract")
    early_pid = _EARLY_TEMPLATES["newscrawl.extraction:extract"][0].pid
    results, _events, pool = run_pool(PoolOptions(workers=1, timeout=30), pages)
    assert pool.started_early and pool._zygote is not None and pool._zygote.pid == early_pid  # noqa: SLF001
    func = load_function("newscrawl.extraction:extract")
    assert results == [run_extraction(func, body, url, HEADERS, 200) for body, url in pages]
    assert _EARLY_TEMPLATES == {} and _gone(early_pid)  # adopted, then closed with its pool
    _, _, later = run_pool(PoolOptions(workers=1, timeout=30), pages[:1])
    assert not later.started_early  # the next pool starts its own


def test_a_template_started_early_but_not_adopted_goes_away() -> None:
    """A crawl that ends up extracting in-process lets go of the template started early for it: that template exits."""
    from newscrawl.pool import _EARLY_TEMPLATES, start_template_early  # noqa: PLC0415

    start_template_early("newscrawl.pool:skip_extraction")
    process = _EARLY_TEMPLATES["newscrawl.pool:skip_extraction"][0]
    pipe = ExtractPipeline.from_crawler(_crawler(NEWSCRAWL_EXTRACT_WORKERS=0))
    asyncio.run(pipe.open_spider())
    assert pipe.pool is None and _EARLY_TEMPLATES == {}
    assert process.wait(timeout=30) == 0  # it finished warming up, found its socket closed, and exited


def test_the_crawl_command_starts_the_template_only_for_a_pool() -> None:
    """pool_function names the extract function only when the crawl will run workers (pipeline on, asyncio, workers > 0)."""
    from scrapy.settings import Settings  # noqa: PLC0415

    from newscrawl import settings as project  # noqa: PLC0415
    from newscrawl.commands.crawl import pool_function  # noqa: PLC0415

    def with_(**changes: Any) -> Settings:
        values = {k: getattr(project, k) for k in dir(project) if k.isupper()}
        return Settings({**values, **changes})

    assert pool_function(with_()) == "newscrawl.extraction:extract"
    assert pool_function(with_(NEWSCRAWL_EXTRACT_FUNCTION=CHAOS)) == CHAOS
    assert pool_function(with_(NEWSCRAWL_EXTRACT_WORKERS=0)) is None
    assert pool_function(with_(NEWSCRAWL_EXTRACT_WORKERS="many")) is None  # the crawl reports it, as before
    assert pool_function(with_(NEWSCRAWL_EXTRACT_WORKERS=-1)) is None
    assert pool_function(with_(TWISTED_REACTOR="twisted.internet.epollreactor.EPollReactor")) is None
    assert pool_function(with_(ITEM_PIPELINES={"newscrawl.pipelines.extract.ExtractPipeline": None})) is None


def test_pool_kills_a_hanging_page_and_keeps_the_others() -> None:
    """A page that never finishes is skipped as extract_timeout; the pages queued behind it are still extracted."""
    good = fixture_pages()[:5]
    hang = (good[0][0], f"https://e.com/{HANG_MARKER}/")
    pages = [hang, *good]
    results, events, _ = run_pool(PoolOptions(workers=1, timeout=1.5, function=CHAOS), pages)
    assert results[0]["skip"] == "extract_timeout"
    assert HANG_MARKER in results[0]["detail"]
    assert all(r["item"] is not None for r in results[1:])
    assert [r["item"]["url"] for r in results[1:]] == [url for _, url in good]
    assert events.count("extract_timeout") == 1
    assert events.count("worker_started") == 2  # the killed worker was replaced


def test_pool_survives_a_worker_crash() -> None:
    """A worker killed by SIGSEGV costs only its own page (worker_crashed); a new worker extracts the rest."""
    good = fixture_pages()[:4]
    pages = [good[0], (good[1][0], f"https://e.com/{CRASH_MARKER}/"), *good[1:]]
    results, events, _ = run_pool(PoolOptions(workers=1, timeout=30, function=CHAOS), pages)
    assert [r["skip"] for r in results] == [None, "worker_crashed", None, None, None]
    assert results[3]["item"]["url"] == good[2][1]
    assert events.count("worker_crashed") == 1
    assert events.count("worker_started") == 2


def test_pool_recycles_workers_after_max_tasks() -> None:
    """With max_tasks_per_worker=2, workers are replaced every two pages and no page is lost or changed."""
    pages = fixture_pages()[:7]
    results, events, _ = run_pool(PoolOptions(workers=2, timeout=30, max_tasks_per_worker=2), pages)
    assert [r["item"]["url"] for r in results] == [url for _, url in pages]
    assert events.count("worker_recycled") >= 3
    # every recycled worker is replaced, though the replacements spawned for the last pages may not be up by close()
    assert events.count("worker_recycled") <= events.count("worker_started") <= 2 + events.count("worker_recycled")


def test_a_recycled_workers_replacement_starts_after_it_has_finished() -> None:
    """A worker at its page limit answers its last pages before its replacement starts: never more workers than set."""
    pages = fixture_pages()[:9]
    options = PoolOptions(workers=2, timeout=30, max_tasks_per_worker=2)
    events: list[str] = []
    live_after_spawn: list[int] = []

    async def go() -> list[dict[str, Any]]:
        pool = ExtractionPool(options, asyncio.get_running_loop(), events.append)
        spawn = pool._spawn

        def counted_spawn() -> None:
            spawn()
            live_after_spawn.append(len(pool.workers))

        pool._spawn = counted_spawn  # type: ignore[method-assign]
        pool.start()
        try:
            return list(await asyncio.wait_for(
                asyncio.gather(*(pool.extract(body, url, HEADERS, 200) for body, url in pages)), timeout=60))
        finally:
            await pool.close()

    results = asyncio.run(go())
    assert [r["item"]["url"] for r in results] == [url for _, url in pages]
    assert events.count("worker_recycled") >= 3
    assert len(live_after_spawn) == 2 + events.count("worker_recycled")
    assert max(live_after_spawn) == options.workers  # a replacement never joins its predecessor


def test_pool_close_leaves_no_process_behind() -> None:
    """After close() the template process and every worker have exited."""
    _, _, pool = run_pool(PoolOptions(workers=2, timeout=30), fixture_pages()[:3])
    assert pool._zygote is not None
    assert pool._zygote.returncode is not None
    assert pool._by_pid
    assert all(_gone(pid) for pid in pool._by_pid)


def test_extractor_exception_is_a_counted_skip_not_a_crash() -> None:
    """An extractor that raises gives skip reason extract_error with the exception named."""
    func = load_function(CHAOS)
    result = run_extraction(func, b"<html><body><p>x</p></body></html>", f"https://e.com/{RAISE_MARKER}/", [], 200)
    assert result == {"item": None, "skip": "extract_error", "detail": "RuntimeError: the extractor broke on this page"}


def test_article_round_trips_through_a_plain_dict() -> None:
    """article_to_dict gives builtins only (lxml smart strings become str); article_from_dict rebuilds the same Article."""
    smart = lxml.html.fromstring("<p>Harbour at dawn</p>").xpath("string()")
    assert type(smart) is not str
    article = Article(url="https://e.com/a", headline=smart, tags=["a", "b"], body="Text.",
                      images=[Image(url="https://e.com/i.jpg", caption="Harbour", credit="AP")])
    data = article_to_dict(article)
    assert type(data["headline"]) is str
    assert data["images"] == [{"url": "https://e.com/i.jpg", "alt": None, "caption": "Harbour", "credit": "AP"}]
    assert article_from_dict(data) == article


# -- the pipeline ----------------------------------------------------------------------------------


def _crawler(**settings: Any) -> Any:
    from newscrawl import settings as project  # noqa: PLC0415

    base = {k: getattr(project, k) for k in dir(project) if k.isupper()}
    base.update(settings)
    crawler = get_crawler(settings_dict=base)
    crawler.stats.open_spider()
    return crawler


def test_raw_page_is_compact_and_shares_the_response_body() -> None:
    """RawPage.from_response keeps the response's body object, text headers and listing; its repr leaves the body out."""
    body = article_html("Storm hits the coast").encode()
    url = "https://e.com/2022/09/07/storm/"
    response = HtmlResponse(url, body=body, headers={"Content-Type": "text/html"}, request=Request(url))
    page = RawPage.from_response(response, {"source": "sitemap"})
    assert page.body is response.body
    assert page.headers == (("Content-Type", "text/html"),)
    assert page.listed == {"source": "sitemap"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", page.fetched_at)
    assert repr(page) == f"RawPage(url='https://e.com/2022/09/07/storm/', body=<{len(body)} bytes>, status=200, fetched_at='{page.fetched_at}')"


def test_pipeline_in_process_stamps_articles_and_drops_non_articles_quietly() -> None:
    """With 0 workers the pipeline returns the stamped Article, drops a listing page at DEBUG with a counted reason, passes other items."""
    crawler = _crawler(NEWSCRAWL_EXTRACT_WORKERS=0)
    pipe = ExtractPipeline.from_crawler(crawler)

    async def go() -> None:
        await pipe.open_spider()
        article = RawPage(url="https://e.com/2022/09/07/storm/", body=article_html("Storm hits the coast").encode(),
                          headers=(("Content-Type", "text/html"),), fetched_at="2024-01-02T03:04:05+00:00")
        item = await pipe.process_item(article)
        assert isinstance(item, Article)
        assert item.headline == "Storm hits the coast"
        assert (item.fetched_at, item.extractor_version) == ("2024-01-02T03:04:05+00:00", __version__)
        listing = RawPage(url="https://e.com/section/world/", body=listing_html("World", ("/a/", "/b/")).encode(), headers=())
        with pytest.raises(DropItem, match=r"^not_article: https://e.com/section/world/$") as caught:
            await pipe.process_item(listing)
        assert caught.value.log_level == "DEBUG"
        other = {"not": "a page"}
        assert await pipe.process_item(other) is other
        await pipe.close_spider()

    asyncio.run(go())
    assert crawler.stats.get_value("newscrawl/skipped/not_article") == 1


def test_pool_settings_default_to_one_worker_per_core_and_refuse_negatives() -> None:
    """NEWSCRAWL_EXTRACT_WORKERS=None means one worker per usable core; a negative value is an error."""
    options = pool_options(_crawler().settings)
    assert options.workers == len(os.sched_getaffinity(0))
    assert (options.timeout, options.max_tasks_per_worker, options.function) == (20.0, 1000, "newscrawl.extraction:extract")
    with pytest.raises(ValueError, match="cannot be negative"):
        pool_options(_crawler(NEWSCRAWL_EXTRACT_TIMEOUT=-1).settings)


# -- whole crawls ----------------------------------------------------------------------------------


def _without_fetch_time(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(({k: v for k, v in item.items() if k != "fetched_at"} for item in items), key=lambda i: i["url"])


@pytest.fixture(scope="module")
def demo_crawls(demo_site: FixtureSite, tmp_path_factory: pytest.TempPathFactory) -> dict[str, CrawlResult]:
    """The demo site crawled twice: extraction in two worker processes, and in the crawl process."""
    return {
        workers: run_crawl(tmp_path_factory.mktemp(f"workers{workers}"), f"url={demo_site.url('/')}",
                           settings={"NEWSCRAWL_EXTRACT_WORKERS": workers, **NO_STATE})
        for workers in ("2", "0")
    }


def test_crawl_with_worker_pool_writes_the_same_items_as_in_process(demo_crawls: dict[str, CrawlResult]) -> None:
    """The JSONL of a crawl through two workers equals the in-process crawl's, line for line bar fetched_at."""
    pooled, inline = demo_crawls["2"], demo_crawls["0"]
    assert pooled.returncode == inline.returncode == 0, pooled.stderr[-3000:]
    manifest = json.loads((DEMO_SITE / "MANIFEST.json").read_text("utf-8"))
    assert len(pooled.items) == len(manifest["articles"])
    assert _without_fetch_time(pooled.items) == _without_fetch_time(inline.items)
    assert pooled.stats["newscrawl/extract/worker_started"] == 2
    assert pooled.stats["newscrawl/extract/template_started_early"] is True  # scrapy crawl started it first
    assert "newscrawl/extract/worker_started" not in inline.stats


@pytest.fixture(scope="module")
def chaos_crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[CrawlResult, str]:
    """A URL-list crawl where one article hangs in extraction, one crashes its worker, one is a listing page."""
    tmp = tmp_path_factory.mktemp("chaos")
    paths = {
        "/2022/09/07/storm-hits-the-coast/": article_html("Storm hits the coast"),
        "/2022/09/08/talks-resume-in-geneva/": article_html("Talks resume in Geneva"),
        "/2022/09/09/bridge-reopens-after-repairs/": article_html("Bridge reopens after repairs"),
        f"/2022/09/10/{HANG_MARKER}-story/": article_html("A story that never finishes"),
        f"/2022/09/11/{CRASH_MARKER}-story/": article_html("A story that crashes"),
        "/section/world/": listing_html("World", ("/2022/09/07/storm-hits-the-coast/",)),
    }
    site = write_site(tmp / "site", paths)
    with FixtureSite(site) as server:
        urls = tmp / "urls.txt"
        urls.write_text("".join(server.url(p) + "\n" for p in paths), encoding="utf-8")
        result = run_crawl(tmp, f"urls_file={urls}", settings={
            "NEWSCRAWL_EXTRACT_WORKERS": "2",
            "NEWSCRAWL_EXTRACT_TIMEOUT": "3",
            "NEWSCRAWL_EXTRACT_FUNCTION": "tests.pool_hooks:chaos_extract",  # the crawl runs in the repo root
            **NO_STATE,
        })
    return result, server.base_url


def test_crawl_skips_a_hanging_page_as_extract_timeout_and_stores_the_others(chaos_crawl: tuple[CrawlResult, str]) -> None:
    """The page whose extraction hangs is killed after the time limit and counted; every normal article is stored."""
    result, base = chaos_crawl
    assert result.returncode == 0, result.stderr[-3000:]
    assert {u.removeprefix(base) for u in result.urls} == {
        "/2022/09/07/storm-hits-the-coast/", "/2022/09/08/talks-resume-in-geneva/", "/2022/09/09/bridge-reopens-after-repairs/"}
    assert result.stats["newscrawl/skipped/extract_timeout"] == 1
    assert re.search(rf"WARNING: extraction of \S+{HANG_MARKER}-story/ took over 3 s; worker \d+ killed", result.stderr)


def test_crawl_survives_a_worker_crash(chaos_crawl: tuple[CrawlResult, str]) -> None:
    """A worker dying of SIGSEGV is counted as worker_crashed and replaced; the crawl finishes normally."""
    result, _ = chaos_crawl
    assert result.stats["finish_reason"] == "finished"
    assert result.stats["newscrawl/skipped/worker_crashed"] == 1
    assert result.stats["newscrawl/extract/worker_crashed"] == 1
    assert result.stats["newscrawl/extract/worker_replaced"] == 2  # the crashed worker, and the one killed on the hanging page
    assert re.search(rf"extraction worker \d+ died \(killed by SIGSEGV\) while extracting \S+{CRASH_MARKER}-story/", result.stderr)


def test_crawl_drops_listing_pages_without_warnings(chaos_crawl: tuple[CrawlResult, str]) -> None:
    """A listing page fetched as an article is counted as not_article and logs no "Dropped" line at INFO or above."""
    result, _ = chaos_crawl
    assert result.stats["newscrawl/skipped/not_article"] == 1
    assert "Dropped:" not in result.stderr

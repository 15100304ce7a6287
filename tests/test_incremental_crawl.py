"""Incremental crawls end to end: consecutive `scrapy crawl` runs against sites on 127.0.0.1 sharing a state database.

Each test builds its own site in ``tmp_path`` (the builders of
``test_spider_news``), runs the crawl several times with
``NEWSCRAWL_STATE_PATH`` in ``tmp_path``, changes the site between runs,
and checks what each run fetched (the server's access log) and wrote.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

import pytest
from conftest import ROOT, TEST_CRAWL_SETTINGS, run_crawl
from fixture_site import FixtureSite
from test_spider_news import (
    article_html,
    listing_html,
    newscrawl_stats,
    paths,
    urlset,
    write_site,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from conftest import CrawlResult


def state_settings(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Crawl settings with the incremental state on, kept in ``tmp_path``."""
    return {"NEWSCRAWL_STATE_ENABLED": "True", "NEWSCRAWL_STATE_PATH": str(tmp_path / "state.sqlite3"), **extra}


def crawl(tmp_path: Path, run: str, *args: str, **settings: str) -> CrawlResult:
    """One scheduled run: its own output folder ``tmp_path/run``, the shared state database.

    Pages are extracted in the crawl process (no worker pool to start): these
    tests are about what is fetched and written, and each crawl starts faster.
    """
    (tmp_path / run).mkdir()
    return run_crawl(tmp_path / run, *args, settings=state_settings(tmp_path, NEWSCRAWL_EXTRACT_WORKERS="0", **settings))


def fetched_since(server: FixtureSite, mark: int) -> list[str]:
    """The paths the server was asked for after the first ``mark`` requests."""
    return server.requested_paths()[mark:]


def story(n: int) -> str:
    """The URL path of test story ``n``."""
    return f"/2025/01/{n % 28 + 1:02d}/story-number-{n}-about-the-floods/"


def sitemap_entry(path: str, lastmod: str | None = None) -> str:
    return f"<url><loc>{{{{BASE}}}}{path}</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + "</url>"


def news_site(root: Path, stories: dict[int, str | None]) -> Path:
    """A site whose robots.txt names a sitemap listing ``stories`` ({n: lastmod}) and whose home page links them."""
    files: dict[str, str | bytes] = {
        "/robots.txt": "User-agent: *\nSitemap: {{BASE}}/sitemap.xml\n",
        "/sitemap.xml": urlset(*(sitemap_entry(story(n), lastmod) for n, lastmod in stories.items())),
        "/": listing_html("Home", tuple(story(n) for n in stories)),
    }
    for n in stories:
        if not (root / story(n).lstrip("/") / "index.html").exists():
            files[story(n)] = article_html(f"Story number {n} about the floods", day=f"day {n}")
    return write_site(root, files)


# -- consecutive runs --------------------------------------------------------------------


def test_second_run_fetches_and_writes_only_the_new_articles(tmp_path: Path) -> None:
    """Run 2, after two pages were added, fetches and writes only those two; the stored ones are skipped unfetched."""
    site = news_site(tmp_path / "site", {1: "2025-01-01", 2: "2025-01-02"})
    with FixtureSite(site, access_log=tmp_path / "access.log") as server:
        first = crawl(tmp_path, "run1", f"url={server.url('/')}")
        news_site(site, {1: "2025-01-01", 2: "2025-01-02", 3: "2025-01-03", 4: "2025-01-04"})
        mark = len(server.requested_paths())
        second = crawl(tmp_path, "run2", f"url={server.url('/')}")
        fetched = fetched_since(server, mark)
    assert first.returncode == 0, first.stderr[-2000:]
    assert second.returncode == 0, second.stderr[-2000:]
    assert paths(first, server.base_url) == {story(1), story(2)}
    assert paths(second, server.base_url) == {story(3), story(4)}
    assert {item["version"] for item in first.items + second.items} == {1}
    assert story(1) not in fetched and story(2) not in fetched
    assert story(3) in fetched and story(4) in fetched
    assert newscrawl_stats(second)["skipped/already_stored"] == 2  # listed by the sitemap and the home page, counted once
    assert "already_stored 2" in second.stderr[second.stderr.rfind("newscrawl summary"):]
    # run_crawl writes with -O: the warning says the file now holds only the new articles
    assert "already holds 2 articles, which this run skips; -O replaces" in second.stderr
    assert "already holds" not in first.stderr


def test_changed_lastmod_is_refetched_and_only_changed_text_is_written_again(tmp_path: Path) -> None:
    """With recrawl_changed, new lastmods are refetched; a changed text is version 2, an unchanged one is not written."""
    site = news_site(tmp_path / "site", {1: "2025-01-01", 2: "2025-01-02", 3: "2025-01-03"})
    args = ("recrawl_changed=true",)
    with FixtureSite(site, access_log=tmp_path / "access.log") as server:
        first = crawl(tmp_path, "run1", f"sitemap={server.url('/sitemap.xml')}", *args)
        write_site(site, {story(1): article_html("Story number 1 about the floods", day="Friday, in an update,")})
        news_site(site, {1: "2025-02-01", 2: "2025-02-01", 3: "2025-01-03"})  # 1 changed, 2 re-dated only, 3 as was
        mark = len(server.requested_paths())
        second = crawl(tmp_path, "run2", f"sitemap={server.url('/sitemap.xml')}", *args)
        refetched = fetched_since(server, mark)
        mark = len(server.requested_paths())
        third = crawl(tmp_path, "run3", f"sitemap={server.url('/sitemap.xml')}", *args)
        third_fetched = fetched_since(server, mark)
    assert second.returncode == 0, second.stderr[-2000:]
    [updated] = second.items
    [original] = [i for i in first.items if i["url"] == updated["url"]]
    assert updated["url"] == server.url(story(1))
    assert (updated["version"], updated["previous_fetched_at"]) == (2, original["fetched_at"])
    assert "in an update" in updated["body"]
    assert story(2) in refetched and story(3) not in refetched
    stats = newscrawl_stats(second)
    assert stats["dropped/unchanged"] == 1
    assert stats["state/recrawl/lastmod_changed"] == 2
    assert stats["skipped/already_stored"] == 1
    assert third.items == [] and not [p for p in third_fetched if p.startswith("/2025/")]  # the new lastmods were stored


def test_conditional_refetch_gets_304_until_the_page_changes(tmp_path: Path) -> None:
    """Without lastmods, recrawl_changed asks with If-None-Match: a 304 writes nothing; a changed page is version 2."""
    site = news_site(tmp_path / "site", {1: None, 2: None})
    with FixtureSite(site, access_log=tmp_path / "access.log", validators=True) as server:
        urls_file = tmp_path / "urls.txt"
        urls_file.write_text(f"{server.url(story(1))}\n{server.url(story(2))}\n", encoding="utf-8")
        first = crawl(tmp_path, "run1", f"urls_file={urls_file}")
        second = crawl(tmp_path, "run2", f"urls_file={urls_file}", "recrawl_changed=yes")
        write_site(site, {story(2): article_html("Story number 2 about the floods", day="Sunday, after a correction,")})
        third = crawl(tmp_path, "run3", f"urls_file={urls_file}", "recrawl_changed=yes")
        log = (tmp_path / "access.log").read_text("utf-8").splitlines()
    assert len(first.items) == 2
    assert second.items == []
    assert newscrawl_stats(second)["skipped/not_modified"] == 2
    assert f"GET {story(1)} 304" in log
    assert [(paths_of(third, server.base_url), i["version"]) for i in third.items] == [(story(2), 2)]
    assert newscrawl_stats(third)["skipped/not_modified"] == 1
    assert "http_304" not in third.stderr  # a 304 is a check, not an error


def paths_of(result: CrawlResult, base: str) -> str:
    """The single item's URL path of a crawl that wrote one item."""
    [path] = paths(result, base)
    return path


def test_recrawl_after_refetches_articles_last_seen_long_ago(tmp_path: Path) -> None:
    """-a recrawl_after=30d refetches a stored article last seen long ago (writing nothing if unchanged), not a recent one."""
    site = news_site(tmp_path / "site", {1: None, 2: None})
    with FixtureSite(site, access_log=tmp_path / "access.log") as server:
        crawl(tmp_path, "run1", f"sitemap={server.url('/sitemap.xml')}")
        with sqlite3.connect(tmp_path / "state.sqlite3") as db:
            db.execute("UPDATE articles SET last_seen = '2000-01-01T00:00:00+00:00' WHERE url LIKE ?", (f"%{story(1)}",))
        mark = len(server.requested_paths())
        second = crawl(tmp_path, "run2", f"sitemap={server.url('/sitemap.xml')}", "recrawl_after=30d")
        fetched = fetched_since(server, mark)
    assert second.items == []
    assert story(1) in fetched and story(2) not in fetched
    assert newscrawl_stats(second)["state/recrawl/recrawl_after"] == 1
    assert newscrawl_stats(second)["dropped/unchanged"] == 1


def test_syndicated_copy_on_another_site_is_kept_and_marked(tmp_path: Path) -> None:
    """A wire story republished on another site is written with duplicate_of = the first copy's url; other stories are not marked."""
    wire = write_site(tmp_path / "wire", {story(1): article_html("Storm hits the coast")})
    blog = write_site(tmp_path / "blog", {
        "/2025/01/05/storm-hits-the-coast-ap/": article_html("Storm hits the coast").replace(
            "</article>", "<p>This story was republished from the wire service.</p></article>"),
        story(2): article_html("Talks resume in Geneva"),
    })
    with FixtureSite(wire) as wire_server, FixtureSite(blog) as blog_server:
        first = crawl(tmp_path, "run1", f"url={wire_server.url(story(1))}")
        second = crawl(tmp_path, "run2", f"url={blog_server.url('/2025/01/05/storm-hits-the-coast-ap/')},{blog_server.url(story(2))}")
    assert [i["duplicate_of"] for i in first.items] == [None]
    marked = {i["url"]: i["duplicate_of"] for i in second.items}
    assert marked == {
        blog_server.url("/2025/01/05/storm-hits-the-coast-ap/"): wire_server.url(story(1)),
        blog_server.url(story(2)): None,
    }
    assert newscrawl_stats(second)["state/near_duplicate"] == 1


# -- stopping and resuming ---------------------------------------------------------------

STORIES = 24  # enough that a crawl on a slow server can be stopped half-way


def start_crawl(tmp_path: Path, out: Path, *args: str, **settings: str) -> subprocess.Popen[str]:
    """``scrapy crawl news -o out`` with a JOBDIR, in its own process group (so a signal reaches it as a
    terminal's Ctrl-C does, extraction workers included); ``settings`` on top of the test ones."""
    settings = {**TEST_CRAWL_SETTINGS, **state_settings(tmp_path), "JOBDIR": str(tmp_path / "job"), **settings}
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-o", str(out)]
    for arg in args:
        cmd += ["-a", arg]
    for name, value in settings.items():
        cmd += ["-s", f"{name}={value}"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)


def lines_of(path: Path) -> list[dict[str, Any]]:
    """The JSON lines of an output file (each must parse: no partial line)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def stop_after(proc: subprocess.Popen[str], out: Path, lines: int, sig: signal.Signals) -> str:
    """Send ``sig`` to the crawl's process group once ``out`` has ``lines`` lines; its stderr when it has exited."""
    deadline = time.monotonic() + 60
    while len(lines_of(out)) < lines and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, sig)
    _, stderr = proc.communicate(timeout=60)
    return stderr


def assert_each_story_once(outputs: list[Path], base: str) -> None:
    urls = [item["url"] for out in outputs for item in lines_of(out)]
    assert sorted(urls) == sorted(base + story(n) for n in range(STORIES)), "an article is missing or written twice"


def test_ctrl_c_then_resume_with_jobdir_writes_every_article_once(tmp_path: Path) -> None:
    """Ctrl-C stops the crawl gracefully; the run resumed from the same JOBDIR writes exactly the articles still missing."""
    site = news_site(tmp_path / "site", dict.fromkeys(range(STORIES)))
    # One request at a time, extraction in the crawl process: a graceful stop drains only the page in
    # flight, however busy the machine (a worker pool could lag the downloads by the whole site).
    serial = {"CONCURRENT_REQUESTS": "1", "NEWSCRAWL_EXTRACT_WORKERS": "0", "NEWSCRAWL_PROGRESS_INTERVAL": "0.5"}
    with FixtureSite(site, delay=0.1) as server:
        first = start_crawl(tmp_path, tmp_path / "out1.jsonl", f"url={server.url('/')}", **serial)
        first_log = stop_after(first, tmp_path / "out1.jsonl", 3, signal.SIGINT)
        written_first = len(lines_of(tmp_path / "out1.jsonl"))
        second = start_crawl(tmp_path, tmp_path / "out2.jsonl", f"url={server.url('/')}", **serial)
        _, second_log = second.communicate(timeout=120)
    assert "Closing spider (shutdown)" in first_log
    assert re.search(r"progress: \d+ pages \(\d+/min\), \d+ articles written, \d+ skipped, \d+ queued, \d in flight", first_log)
    assert 3 <= written_first < STORIES
    assert second.returncode == 0, second_log[-2000:]
    assert "did not stop gracefully" not in second_log
    assert_each_story_once([tmp_path / "out1.jsonl", tmp_path / "out2.jsonl"], server.base_url)
    assert not (tmp_path / "job" / "requests.seen").exists()  # a finished job leaves the JOBDIR ready for the next run


def test_kill_9_then_restart_with_jobdir_writes_every_article_once(tmp_path: Path) -> None:
    """After kill -9, the restart sets Scrapy's inconsistent JOBDIR state aside, rediscovers, and writes only what is missing."""
    site = news_site(tmp_path / "site", dict.fromkeys(range(STORIES)))
    with FixtureSite(site, delay=0.1) as server:  # the default extraction worker pool is killed with the crawl
        first = start_crawl(tmp_path, tmp_path / "out1.jsonl", f"url={server.url('/')}", CONCURRENT_REQUESTS="2")
        stop_after(first, tmp_path / "out1.jsonl", 3, signal.SIGKILL)
        written_first = len(lines_of(tmp_path / "out1.jsonl"))
        second = start_crawl(tmp_path, tmp_path / "out2.jsonl", f"url={server.url('/')}", CONCURRENT_REQUESTS="2")
        _, second_log = second.communicate(timeout=120)
    assert 3 <= written_first < STORIES
    assert second.returncode == 0, second_log[-2000:]
    assert "the previous crawl did not stop gracefully" in second_log
    assert_each_story_once([tmp_path / "out1.jsonl", tmp_path / "out2.jsonl"], server.base_url)
    assert list((tmp_path / "job").glob("crashed-*/requests.seen"))


def test_a_second_crawl_on_a_busy_jobdir_stops_with_one_line(tmp_path: Path) -> None:
    """While one crawl holds the JOBDIR, another one with the same JOBDIR exits 2 with one error line."""
    site = news_site(tmp_path / "site", dict.fromkeys(range(STORIES)))
    with FixtureSite(site, delay=0.1) as server:
        first = start_crawl(tmp_path, tmp_path / "out1.jsonl", f"url={server.url('/')}", NEWSCRAWL_EXTRACT_WORKERS="0")
        try:
            deadline = time.monotonic() + 30
            while not (tmp_path / "job" / "newscrawl-running.json").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            second = start_crawl(tmp_path, tmp_path / "out2.jsonl", f"url={server.url('/')}", NEWSCRAWL_EXTRACT_WORKERS="0")
            _, second_log = second.communicate(timeout=60)
        finally:
            os.killpg(first.pid, signal.SIGKILL)
            first.communicate(timeout=30)
    assert second.returncode == 2
    assert f"scrapy crawl: error: JOBDIR {tmp_path / 'job'} is in use by another crawl" in second_log
    assert "Traceback" not in second_log


# -- kill -9 at random points, compared with a clean run -----------------------------------

KILL_SEED = int(os.environ.get("NEWSCRAWL_TEST_KILL_SEED") or random.SystemRandom().randrange(1 << 30))
KILL_POINTS = 3  # crashes per test run, each at a random moment


def without_fetch_time(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items sorted by URL, without the one field that differs between two fetches of the same page."""
    return sorted(({k: v for k, v in item.items() if k != "fetched_at"} for item in items), key=lambda i: i["url"])


# The generated stories share their template sentences (estimated Jaccard 0.72 between any two), so at the default
# 0.8 threshold one pair or another may be marked as copies depending on which was stored first: an order that a
# kill changes. At 0.9 no pair is, and a resumed crawl must equal a clean one field for field.
KILL_CRAWL = {"CONCURRENT_REQUESTS": "2", "NEWSCRAWL_STATE_DUPLICATES_THRESHOLD": "0.9"}


@pytest.fixture(scope="module")
def killable_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FixtureSite, list[dict[str, Any]], float]]:
    """A slow site, the items of one clean, uninterrupted crawl of it, and how long that crawl took."""
    root = tmp_path_factory.mktemp("killable")
    site = news_site(root / "site", dict.fromkeys(range(STORIES)))
    with FixtureSite(site, delay=0.1) as server:
        started = time.monotonic()
        clean = start_crawl(root, root / "clean.jsonl", f"url={server.url('/')}", **KILL_CRAWL)
        _, log = clean.communicate(timeout=120)
        assert clean.returncode == 0, log[-2000:]
        yield server, without_fetch_time(lines_of(root / "clean.jsonl")), time.monotonic() - started


@pytest.mark.parametrize("point", range(KILL_POINTS))
def test_kill_9_at_a_random_moment_then_resume_equals_a_clean_run(
    tmp_path: Path, killable_site: tuple[FixtureSite, list[dict[str, Any]], float], point: int
) -> None:
    """kill -9 at a random moment (NEWSCRAWL_TEST_KILL_SEED repeats one): no partial line, and the killed run's
    output plus the resumed run's equals a clean run's, article for article, each once."""
    server, clean, clean_seconds = killable_site
    rng = random.Random(KILL_SEED + point)
    delay = rng.uniform(0.1, 0.9) * clean_seconds  # from start-up (no output yet) to most of the site written
    first = start_crawl(tmp_path, tmp_path / "out1.jsonl", f"url={server.url('/')}", **KILL_CRAWL)
    time.sleep(delay)
    assert first.poll() is None, f"the crawl ended before the kill at {delay:.2f} s"
    os.killpg(first.pid, signal.SIGKILL)
    first.communicate(timeout=60)
    written_first = lines_of(tmp_path / "out1.jsonl")  # each line parses: no partial line after the kill
    second = start_crawl(tmp_path, tmp_path / "out2.jsonl", f"url={server.url('/')}", **KILL_CRAWL)
    _, second_log = second.communicate(timeout=120)
    context = f"seed {KILL_SEED + point}: killed after {delay:.2f} s with {len(written_first)} articles written"
    assert second.returncode == 0, f"{context}\n{second_log[-2000:]}"
    assert len(clean) == STORIES
    resumed = without_fetch_time(written_first + lines_of(tmp_path / "out2.jsonl"))
    assert [item["url"] for item in resumed] == [item["url"] for item in clean], f"{context}: an article is missing or written twice"
    differences = {
        item["url"]: {key: (value, item[key]) for key, value in expected.items() if item[key] != value}
        for item, expected in zip(resumed, clean, strict=True)
        if item != expected
    }
    assert not differences, f"{context}: articles differ from the clean run's: {differences}"


# -- a crash between the line and its record ------------------------------------------------


def crash_crawl(tmp_path: Path, out: Path, base: str, crash_at: str | None) -> subprocess.Popen[str]:
    """A state-keeping crawl with ``tests/crash_settings.py``, killed at ``crash_at`` (see ``tests/crash_hooks.py``)."""
    settings = {**TEST_CRAWL_SETTINGS, **state_settings(tmp_path), "NEWSCRAWL_EXTRACT_WORKERS": "0", "CONCURRENT_REQUESTS": "1"}
    if crash_at:
        settings["CRASH_AT"] = crash_at
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-o", str(out), "-a", f"url={base}/"]
    for name, value in settings.items():
        cmd += ["-s", f"{name}={value}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crash_settings", "PYTHONPATH": str(ROOT / "tests")}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize(
    ("crash_at", "written_before_crash", "unwritten"),
    [
        ("exported:3", 3, 0),  # the 3rd line is in the file, its record is not stored
        ("pending:3", 2, 1),  # the 3rd article's note is taken, its line is not written
    ],
)
def test_a_crash_between_line_and_record_is_settled_by_the_next_crawl(
    tmp_path: Path, crash_at: str, written_before_crash: int, unwritten: int
) -> None:
    """The write-ahead notes a crash leaves are settled before the next crawl fetches: each article is written once.

    The crawl commits its records in groups, so the crash may also have lost
    the records of earlier lines: their notes settle them as written too.
    """
    stories = 6
    site = news_site(tmp_path / "site", dict.fromkeys(range(stories)))
    with FixtureSite(site) as server:
        first = crash_crawl(tmp_path, tmp_path / "out1.jsonl", server.base_url, crash_at)
        first.communicate(timeout=60)
        with contextlib.closing(sqlite3.connect(tmp_path / "state.sqlite3")) as db:
            committed = db.execute("SELECT count(*) FROM records").fetchone()[0]
        second = crash_crawl(tmp_path, tmp_path / "out2.jsonl", server.base_url, None)
        _, second_log = second.communicate(timeout=60)
    assert first.returncode == -signal.SIGKILL
    assert len(lines_of(tmp_path / "out1.jsonl")) == written_before_crash
    assert committed < written_before_crash  # at least the last line's record was not stored
    assert second.returncode == 0, second_log[-2000:]
    urls = [item["url"] for out in ("out1.jsonl", "out2.jsonl") for item in lines_of(tmp_path / out)]
    assert sorted(urls) == sorted(server.base_url + story(n) for n in range(stories)), "an article is missing or written twice"
    assert re.search(rf"'newscrawl/state/settled_written': {written_before_crash - committed}\b", second_log)
    if unwritten:
        assert re.search(rf"'newscrawl/state/settled_unwritten': {unwritten}\b", second_log)
    else:
        assert "settled_unwritten" not in second_log
    assert not list((tmp_path / "state.sqlite3-notes").iterdir())  # settled notes files are deleted
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM pending_writes").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM records").fetchone() == (stories,)

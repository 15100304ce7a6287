"""Distributed crawling end to end: `scrapy crawl news` workers sharing a real redis-server on 127.0.0.1.

The server is started by the tests (``tests/redis_server.py``); a missing
``redis-server`` fails them (``.ci/run`` installs it). Each test builds its
own site in ``tmp_path`` (the builders of ``test_incremental_crawl``),
pushes it with ``newscrawl push``, runs workers as separate processes and
reads their JSONL files back.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import pytest
import redis
from conftest import ROOT, TEST_CRAWL_SETTINGS, parse_stats
from fixture_site import FixtureSite
from processes import free_port
from redis_server import RedisServer
from test_incremental_crawl import lines_of, news_site, story

from newscrawl.distributed.frontier import Frontier, FrontierKeys

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

STORIES = 30  # articles of the test site; with the server's delay, a crawl lasts long enough to share and to kill
WORKER_TIMEOUT = 120  # seconds a worker may take


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    """One redis-server for the module (each test empties it first)."""
    with RedisServer() as server:
        yield server


@pytest.fixture
def client(redis_server: RedisServer) -> redis.Redis:
    """A client of the test server, on an empty database."""
    conn = redis.Redis.from_url(redis_server.url)
    conn.flushdb()
    return conn


def worker_settings(redis_url: str, **extra: str) -> dict[str, str]:
    """Settings of a test worker: the shared Redis, state on, quick idle stop, extraction in the crawl process (2 cores)."""
    return {
        **TEST_CRAWL_SETTINGS,
        "NEWSCRAWL_REDIS_URL": redis_url,
        "NEWSCRAWL_STATE_ENABLED": "True",
        "NEWSCRAWL_REDIS_IDLE_TIMEOUT": "3",
        "NEWSCRAWL_REDIS_HEARTBEAT_TTL": "3",
        "NEWSCRAWL_REDIS_POLL_INTERVAL": "0.2",
        "NEWSCRAWL_EXTRACT_WORKERS": "0",
        "CONCURRENT_REQUESTS": "2",  # a worker takes as many requests as it may download at once: the others get theirs
        "CONCURRENT_REQUESTS_PER_DOMAIN": "2",
        **extra,
    }


def start_worker(out: Path, redis_url: str, *args: str, **settings: str) -> subprocess.Popen[str]:
    """``scrapy crawl news -o out`` as a distributed worker, in its own process group (for kill -9)."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-o", str(out)]
    for arg in args:
        cmd += ["-a", arg]
    for name, value in worker_settings(redis_url, **settings).items():
        cmd += ["-s", f"{name}={value}"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)


def push(redis_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``newscrawl push --redis URL ARGS...``."""
    cmd = [sys.executable, "-m", "newscrawl.cli", "push", "--redis", redis_url, *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)


def wait_for_workers(client: redis.Redis, count: int, procs: list[subprocess.Popen[str]]) -> None:
    """Wait until ``count`` workers have registered in Redis (so a push is shared from the first request)."""
    deadline = time.monotonic() + 60
    while client.scard("newscrawl:news:workers") < count:
        failed = [p for p in procs if p.poll() is not None]
        assert not failed, failed[0].communicate()[1][-3000:]
        assert time.monotonic() < deadline, "workers did not register"
        time.sleep(0.1)


def finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    """Wait for a worker; (exit status, stderr)."""
    _, stderr = proc.communicate(timeout=WORKER_TIMEOUT)
    return proc.returncode, stderr


def expected_urls(base: str, stories: int = STORIES) -> list[str]:
    return sorted(base + story(n) for n in range(stories))


def union(outputs: list[Path]) -> list[str]:
    """Every item URL of the workers' files, repeats included, sorted."""
    return sorted(item["url"] for out in outputs for item in lines_of(out))


# -- the frontier on its own -------------------------------------------------------------


def test_pop_holds_a_request_until_acknowledged_and_a_dead_workers_requests_return(client: redis.Redis) -> None:
    """A pop moves the request into the worker's processing hash; ack deletes it; a dead worker's entries go back with their priority."""
    keys = FrontierKeys("newscrawl", "news")
    client.zadd(keys.requests, {b"first": -5, b"second": 0})
    alive = Frontier(client, keys, "alive", ttl=30)
    dying = Frontier(client, keys, "dying", ttl=0.2)
    alive.heartbeat()
    dying.heartbeat()
    token, data = dying.pop_request()  # type: ignore[misc]
    assert data == b"first" and token.startswith("r:")
    assert client.zcard(keys.requests) == 1 and dying.held() == 1
    assert alive.outstanding() == 2  # one queued, one held
    assert alive.requeue_dead() == 0  # still alive
    time.sleep(0.3)
    assert alive.requeue_dead() == 1
    assert client.zscore(keys.requests, b"first") == -5  # back, with its priority
    token, data = alive.pop_request()  # type: ignore[misc]
    alive.ack([token])
    assert data == b"first" and alive.held() == 0
    assert not client.sismember(keys.workers, "dying")


def test_engine_internals_the_ack_scheme_relies_on_exist() -> None:
    """Scrapy's engine slot still has ``inprogress`` (requests being handled) and ``nextcall`` (the scheduling loop)."""
    from scrapy.core.engine import _Slot  # noqa: PLC0415

    slot = _Slot.__init__.__code__.co_names
    assert "inprogress" in slot and "nextcall" in slot
    assert hasattr(_Slot, "remove_request")


# -- workers -----------------------------------------------------------------------------


def test_three_workers_write_every_article_exactly_once(tmp_path: Path, redis_server: RedisServer, client: redis.Redis) -> None:
    """Three `scrapy crawl` workers share one pushed site: the union of their files is every article, each once."""
    site = news_site(tmp_path / "site", dict.fromkeys(range(STORIES)))
    outputs = [tmp_path / f"worker{i}.jsonl" for i in range(3)]
    with FixtureSite(site, delay=0.2) as server:
        procs = [start_worker(out, redis_server.url) for out in outputs]
        wait_for_workers(client, 3, procs)
        pushed = push(redis_server.url, "--url", server.url("/"))
        results = [finish(p) for p in procs]
    assert pushed.returncode == 0, pushed.stderr
    assert "1 seeds" in pushed.stderr and "a new run" in pushed.stderr
    for code, log in results:
        assert code == 0, log[-3000:]
    assert union(outputs) == expected_urls(server.base_url), "an article is missing or written twice"
    assert sum(1 for out in outputs if lines_of(out)) >= 2, "the work was not shared"
    dequeued = [parse_stats(log).get("scheduler/dequeued/redis", 0) for _, log in results]
    assert all(dequeued), dequeued
    assert client.zcard("newscrawl:news:requests") == 0
    assert not client.keys("newscrawl:news:processing:*")  # everything acknowledged
    assert client.hlen("newscrawl:state:articles") == STORIES


def test_worker_killed_mid_crawl_loses_nothing_and_writes_nothing_twice(
    tmp_path: Path, redis_server: RedisServer, client: redis.Redis
) -> None:
    """kill -9 of one of three workers part-way: its held requests go back when its heartbeat expires, a restarted worker joins; nothing is lost or written twice, and `newscrawl export` merges the files."""
    site = news_site(tmp_path / "site", dict.fromkeys(range(STORIES)))
    outputs = [tmp_path / f"worker{i}.jsonl" for i in range(3)]
    restarted = tmp_path / "worker0-restarted.jsonl"
    with FixtureSite(site, delay=0.2) as server:
        procs = [start_worker(out, redis_server.url, NEWSCRAWL_REDIS_WORKER_ID=f"w{i}") for i, out in enumerate(outputs)]
        wait_for_workers(client, 3, procs)
        assert push(redis_server.url, "--url", server.url("/")).returncode == 0
        deadline = time.monotonic() + 60
        while len(lines_of(outputs[0])) < 2 and procs[0].poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        os.killpg(procs[0].pid, signal.SIGKILL)
        held = client.hlen("newscrawl:news:processing:w0")
        procs[0].communicate(timeout=30)
        written_before_kill = len(lines_of(outputs[0]))
        replacement = start_worker(restarted, redis_server.url)
        results = [finish(p) for p in [*procs[1:], replacement]]
    for code, log in results:
        assert code == 0, log[-3000:]
    assert 2 <= written_before_kill < STORIES
    files = [*outputs, restarted]
    # Exact even when the kill fell between a line's write() and its record in Redis: the worker that
    # takes the dead worker's claim over finds the line through its write-ahead note (same machine).
    assert union(files) == expected_urls(server.base_url), "an article is missing or written twice"
    merged = subprocess.run(
        [sys.executable, "-m", "newscrawl.cli", "export", *map(str, files), "-o", str(tmp_path / "corpus.jsonl"), "--keep-duplicates"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert merged.returncode == 0, merged.stderr
    assert union([tmp_path / "corpus.jsonl"]) == expected_urls(server.base_url)
    requeued = sum(parse_stats(log).get("newscrawl/redis/requeued", 0) for _, log in results)
    assert requeued >= 1 or held == 0, "the killed worker's requests were not put back"
    assert not client.keys("newscrawl:news:processing:*")
    assert client.scard("newscrawl:news:workers") == 0


def test_a_second_run_writes_nothing_and_a_third_only_the_new_articles(
    tmp_path: Path, redis_server: RedisServer, client: redis.Redis
) -> None:
    """Across runs on the same Redis: pushing the site again writes nothing; after two stories are added, only those two."""
    site = news_site(tmp_path / "site", dict.fromkeys(range(6)))
    with FixtureSite(site) as server:
        runs = []
        for run in ("run1", "run2", "run3"):
            if run == "run3":
                news_site(site, dict.fromkeys(range(8)))
            pushed = push(redis_server.url, "--url", server.url("/"))
            assert pushed.returncode == 0 and "a new run" in pushed.stderr, pushed.stderr
            proc = start_worker(tmp_path / f"{run}.jsonl", redis_server.url, NEWSCRAWL_REDIS_IDLE_TIMEOUT="1")
            code, log = finish(proc)
            assert code == 0, log[-3000:]
            runs.append(log)
    assert union([tmp_path / "run1.jsonl"]) == expected_urls(server.base_url, 6)
    assert lines_of(tmp_path / "run2.jsonl") == []
    assert parse_stats(runs[1]).get("newscrawl/skipped/already_stored") == 6
    assert union([tmp_path / "run3.jsonl"]) == sorted(server.base_url + story(n) for n in (6, 7))


def test_a_worker_started_with_sources_pushes_them(tmp_path: Path, redis_server: RedisServer, client: redis.Redis) -> None:
    """`scrapy crawl news -a url=...` with NEWSCRAWL_REDIS_URL pushes its sources and crawls them through Redis."""
    site = news_site(tmp_path / "site", dict.fromkeys(range(4)))
    with FixtureSite(site) as server:
        code, log = finish(start_worker(tmp_path / "out.jsonl", redis_server.url, f"url={server.url('/')}", NEWSCRAWL_REDIS_IDLE_TIMEOUT="1"))
    assert code == 0, log[-3000:]
    assert union([tmp_path / "out.jsonl"]) == expected_urls(server.base_url, 4)
    assert "pushed this worker's sources: 1 seeds" in log


# -- the push command ----------------------------------------------------------------------


def test_push_stores_outlets_and_seeds(tmp_path: Path, redis_server: RedisServer, client: redis.Redis) -> None:
    """`newscrawl push` stores a sources file's outlets and one seed each, URL seeds and the start pages workers follow."""
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[outlets]]\nname = "gazette"\nstart_urls = ["https://gazette.example/"]\ninclude = ["/20\\\\d\\\\d/"]\n\n'
        '[[outlets]]\nname = "wire"\nfeeds = ["https://wire.example/rss.xml"]\n',
        encoding="utf-8",
    )
    urls = tmp_path / "urls.txt"
    urls.write_text("https://a.example/2025/01/01/one/\nnot a url\nhttps://a.example/2025/01/02/two/\n", encoding="utf-8")
    result = push(redis_server.url, "--sources", str(sources), "--url", "https://b.example/", "--urls-file", str(urls))
    assert result.returncode == 0, result.stderr
    assert "line 2" in result.stderr and "4 seeds (2 outlets, 2 article URLs)" in result.stderr
    seeds = [json.loads(s) for s in client.lrange("newscrawl:news:seeds", 0, -1)]
    assert seeds == [
        {"outlet": "gazette"},
        {"outlet": "wire"},
        {"feeds": [], "sitemaps": [], "start_urls": ["https://b.example/"]},
        {"articles": ["https://a.example/2025/01/01/one/", "https://a.example/2025/01/02/two/"]},
    ]
    assert json.loads(client.hget("newscrawl:news:outlets", "gazette"))["include"] == ["/20\\d\\d/"]  # type: ignore[arg-type]
    assert client.smembers("newscrawl:news:start_urls") == {b"https://b.example/"}
    again = push(redis_server.url, "--url", "https://c.example/")
    assert "joined the run in progress" in again.stderr  # seeds are pending: no new run


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give at least one of --url"),
        (("--url", "ftp://x.example/"), "--url: 'ftp://x.example/' is not a usable URL"),
        (("--sources", "missing.toml"), "missing.toml: cannot read the sources file"),
    ],
)
def test_push_refuses_bad_input_with_one_line(redis_server: RedisServer, args: tuple[str, ...], message: str) -> None:
    """A bad option stops `newscrawl push` with one line and exit status 2, before anything is pushed."""
    result = push(redis_server.url, *args)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_push_to_an_unreachable_server_fails_with_one_line() -> None:
    """No server at the URL: one line naming it, exit status 2."""
    url = f"redis://127.0.0.1:{free_port()}/0"
    result = push(url, "--url", "https://a.example/")
    assert result.returncode == 2
    assert f"Redis at {url} is unreachable" in result.stderr and "Traceback" not in result.stderr


# -- Redis unavailable, and not wanted -------------------------------------------------------


def test_worker_without_a_server_stops_with_one_line(tmp_path: Path) -> None:
    """A worker whose NEWSCRAWL_REDIS_URL does not answer exits 2 with one line, before any request."""
    url = f"redis://127.0.0.1:{free_port()}/0"
    code, log = finish(start_worker(tmp_path / "out.jsonl", url))
    assert code == 2
    assert f"scrapy crawl: error: Redis at {url} is unreachable" in log
    assert "Traceback" not in log


def test_losing_redis_mid_crawl_stops_the_worker_with_one_error(tmp_path: Path) -> None:
    """redis-server dies mid-crawl: the worker logs the loss once, closes its output and exits 1, no traceback storm."""
    site = news_site(tmp_path / "site", dict.fromkeys(range(STORIES)))
    out = tmp_path / "out.jsonl"
    with RedisServer(tmp_path / "redis") as server, FixtureSite(site, delay=0.2) as fixture:
        assert push(server.url, "--url", fixture.url("/")).returncode == 0
        proc = start_worker(out, server.url, CONCURRENT_REQUESTS_PER_DOMAIN="1")
        deadline = time.monotonic() + 60
        while len(lines_of(out)) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        server.stop()
        code, log = finish(proc)
    assert code == 1, log[-3000:]
    assert "lost the connection to Redis" in log
    assert "Traceback" not in log, log[-5000:]
    assert lines_of(out)  # what was written is intact (every line parses)


def test_without_redis_url_nothing_distributed_is_loaded() -> None:
    """Without NEWSCRAWL_REDIS_URL the add-on changes no setting, and the crawl's modules import neither scrapy-redis nor a Redis connection."""
    code = (
        "import sys\n"
        "from scrapy.utils.project import get_project_settings\n"
        "from newscrawl.distributed.addon import RedisAddon\n"
        "import newscrawl.cli, newscrawl.spiders.news, newscrawl.incremental, newscrawl.pipelines.state\n"
        "settings = get_project_settings()\n"
        "before = dict(settings.copy_to_dict())\n"
        "RedisAddon().update_settings(settings)\n"
        "assert settings.copy_to_dict() == before\n"
        "assert settings['SCHEDULER'] == 'scrapy.core.scheduler.Scheduler', settings['SCHEDULER']\n"
        "loaded = [m for m in sys.modules if m.startswith(('scrapy_redis', 'newscrawl.distributed.'))]\n"
        "assert loaded == ['newscrawl.distributed.addon'], loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr[-3000:]


def test_redis_state_keeps_the_shingle_hash_it_was_built_with(client: redis.Redis) -> None:
    """A new Redis state records poly64; one made before (meta without shingle_hash) stays sha1, as a SQLite state does."""
    from newscrawl.distributed.state import RedisStateStore  # noqa: PLC0415

    def store(prefix: str) -> RedisStateStore:
        return RedisStateStore(client, prefix, worker="w1", alive_prefix=f"{prefix}:alive:")

    assert store("new").near_duplicates.shingle_hash == "poly64"
    assert client.hget("new:state:meta", "shingle_hash") == b"poly64"
    store("old")
    client.hdel("old:state:meta", "shingle_hash")  # as a state made before poly64
    assert store("old").near_duplicates.shingle_hash == "sha1"
    assert client.hget("old:state:meta", "shingle_hash") == b"sha1"


def test_workers_starting_together_agree_on_a_new_states_meta(redis_server: RedisServer, client: redis.Redis) -> None:
    """Eight workers opening a new Redis state at once all take it as new (poly64): none sees a half-written meta."""
    import threading  # noqa: PLC0415

    from newscrawl.distributed.state import RedisStateStore  # noqa: PLC0415

    for attempt in range(5):
        prefix, found, errors = f"race{attempt}", [], []
        start = threading.Barrier(8)

        def open_store(n: int, prefix: str = prefix, found: list = found, errors: list = errors, start: threading.Barrier = start) -> None:
            conn = redis.Redis.from_url(redis_server.url)
            start.wait()
            try:
                store = RedisStateStore(conn, prefix, worker=f"w{n}", alive_prefix=f"{prefix}:alive:")
                found.append(store.near_duplicates.shingle_hash)
            except Exception as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)

        threads = [threading.Thread(target=open_store, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [] and found == ["poly64"] * 8

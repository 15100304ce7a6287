#!/usr/bin/env python3
"""Distributed throughput: pages/s of 1, 2 and 3 `scrapy crawl` workers sharing one Redis, in one run.

    python benchmarks/bench_distributed.py [--stories 150] [--delay 0.1] [--workers 1,2,3] [--concurrency 4]

Starts a throw-away ``redis-server`` and a fixture site on 127.0.0.1
(``--stories`` articles listed by a sitemap and linked from the home page;
each response waits ``--delay`` seconds, as a remote server would), then
for each worker count: empties Redis, starts the workers, waits until they
have registered, pushes the site with ``newscrawl push`` and times from the
push until every article is written. Pages/s counts every page fetched
(robots.txt, sitemap, home, articles, 404s of the template's links) over
that time. Each worker extracts in its own process
(``NEWSCRAWL_EXTRACT_WORKERS=0``) with ``--concurrency`` requests at a time.

It prints one line per worker count and a RESULT line, and exits 1 if an
article is missing or written twice. Not part of ``make test``:
``make bench-distributed`` runs it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import redis  # noqa: E402
from conftest import TEST_CRAWL_SETTINGS, parse_stats  # noqa: E402
from fixture_site import FixtureSite  # noqa: E402
from redis_server import RedisServer  # noqa: E402
from test_incremental_crawl import news_site, story  # noqa: E402

WORKER_TIMEOUT = 600  # seconds


def worker(out: Path, redis_url: str, concurrency: int) -> subprocess.Popen[str]:
    """One ``scrapy crawl news`` worker writing ``out``."""
    settings = {
        **TEST_CRAWL_SETTINGS,
        "NEWSCRAWL_REDIS_URL": redis_url,
        "NEWSCRAWL_STATE_ENABLED": "True",
        "NEWSCRAWL_REDIS_IDLE_TIMEOUT": "1",
        "NEWSCRAWL_REDIS_POLL_INTERVAL": "0.2",
        "NEWSCRAWL_EXTRACT_WORKERS": "0",
        "NEWSCRAWL_PROGRESS_ENABLED": "False",
        "CONCURRENT_REQUESTS": str(concurrency),
        "CONCURRENT_REQUESTS_PER_DOMAIN": str(concurrency),
    }
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-o", str(out)]
    for name, value in settings.items():
        cmd += ["-s", f"{name}={value}"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def count_lines(paths: list[Path]) -> int:
    return sum(len(p.read_bytes().splitlines()) for p in paths if p.exists())


def run(workers: int, args: argparse.Namespace, site: FixtureSite, server: RedisServer, tmp: Path) -> dict[str, Any]:
    """Crawl the site with ``workers`` workers; pages, seconds, pages/s, and whether the union was exact."""
    client = redis.Redis.from_url(server.url)
    client.flushdb()
    outputs = [tmp / f"w{workers}-{i}.jsonl" for i in range(workers)]
    stories = args.stories
    procs = [worker(out, server.url, args.concurrency) for out in outputs]
    while client.scard("newscrawl:news:workers") < workers:
        if any(p.poll() is not None for p in procs):
            sys.exit(f"a worker died at start: {next(p for p in procs if p.poll() is not None).communicate()[1][-2000:]}")
        time.sleep(0.05)
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "newscrawl.cli", "push", "--redis", server.url, "--url", site.url("/")],
                   cwd=ROOT, check=True, capture_output=True)  # fmt: skip
    while count_lines(outputs) < stories and time.monotonic() - start < WORKER_TIMEOUT:
        time.sleep(0.02)
    elapsed = time.monotonic() - start
    logs = [p.communicate(timeout=WORKER_TIMEOUT)[1] for p in procs]
    pages = sum(int(parse_stats(log).get("downloader/response_count", 0)) for log in logs)
    urls = sorted(json.loads(line)["url"] for out in outputs if out.exists() for line in out.read_text("utf-8").splitlines())
    exact = urls == sorted(site.base_url + story(n) for n in range(stories))
    shares = [count_lines([out]) for out in outputs]
    print(f"{workers} worker(s): {pages} pages in {elapsed:.2f} s = {pages / elapsed:.1f} pages/s; "
          f"articles per worker {shares}; union exact: {exact}", flush=True)  # fmt: skip
    return {"workers": workers, "pages": pages, "seconds": round(elapsed, 2), "pages_per_s": round(pages / elapsed, 1), "exact": exact}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=150, help="articles on the site (default: %(default)s)")
    parser.add_argument("--delay", type=float, default=0.1, help="seconds each response waits (default: %(default)s)")
    parser.add_argument("--workers", default="1,2,3", help="worker counts to run, comma-separated (default: %(default)s)")
    parser.add_argument("--concurrency", type=int, default=4, help="requests at a time per worker (default: %(default)s)")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="newscrawl-bench-dist-") as tmp_name:
        tmp = Path(tmp_name)
        root = news_site(tmp / "site", dict.fromkeys(range(args.stories)))
        with RedisServer(tmp / "redis") as server, FixtureSite(root, delay=args.delay) as site:
            results = [run(n, args, site, server, tmp) for n in counts]
    print("RESULT " + json.dumps({"stories": args.stories, "delay": args.delay, "concurrency": args.concurrency, "runs": results}))
    return 0 if all(r["exact"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

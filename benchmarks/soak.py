#!/usr/bin/env python3
"""Soak test: crawl a few thousand fixture pages, 10% of them faulty, and check nothing is lost or doubled.

    python benchmarks/soak.py [--pages 3000] [--fault-rate 0.1] [--out bench-out/soak]

A server on 127.0.0.1 (in this process, on a thread) serves ``--pages``
copies of the demo site's article pages at ``/soak/<n>`` and one sitemap
listing them all. Every tenth page (``--fault-rate``) misbehaves, one
fault after another from :data:`FAULTS`: some recover after a retry
(500 then 200, 503 with Retry-After, a reset connection, a slow drip, a
mislabelled charset, gzip) and must be stored; the others never give an
article (a reset every time, a stall, 30 MB, a gzip bomb, a PDF, an empty
page, a redirect loop, a 404) and must not be. ``scrapy crawl news -a
sitemap=...`` then crawls it with the project's settings (no state, no
duplicate filter, so a page written twice shows as a duplicate).

It prints pages attempted, articles stored, articles expected, duplicates
and peak memory (the largest resident set of the crawl process and its
extraction workers), and exits 1 if an expected article is missing, an
unexpected one was written, or one was written twice. Not part of
``make test``: ``make soak`` runs it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import resource
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fault_server import (  # noqa: E402 - the fault server lives with the tests
    PAGE_FIXTURES,
    FaultServer,
    gzip_bomb,
    manifest_cases,
    response_head,
)

HTML = "text/html; charset=utf-8"
# (name, recovers): a fault that recovers must end in a stored article, the others in none.
FAULTS: tuple[tuple[str, bool], ...] = (
    ("500-once", True),
    ("503-retry-after-once", True),
    ("reset-once", True),
    ("slow-drip", True),
    ("utf8-labelled-latin1", True),
    ("gzipped", True),
    ("reset-always", False),
    ("stall", False),
    ("huge", False),
    ("gzip-bomb", False),
    ("pdf-as-html", False),
    ("empty", False),
    ("redirect-loop", False),
    ("not-found", False),
)
CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",  # a local server: no latency to adapt to
    "DOWNLOAD_DELAY": "0",
    "DOWNLOAD_TIMEOUT": "5",
    "RETRY_TIMES": "2",
    "NEWSCRAWL_STATE_ENABLED": "False",  # every run starts from nothing
    "NEWSCRAWL_DEDUPE_ENABLED": "False",  # a page written twice must show as a duplicate
    "NEWSCRAWL_PROGRESS_INTERVAL": "10",
    "LOG_LEVEL": "INFO",
    "TELNETCONSOLE_ENABLED": "False",
    "REMOTE_CONTROL_ENABLED": "False",
}


def fault_of(n: int, pages: int, rate: float) -> str | None:
    """The fault of page ``n``: every ``1/rate``-th page, cycling through :data:`FAULTS`."""
    every = max(round(1 / rate), 1) if rate > 0 else pages + 1
    if n % every != every // 2:
        return None
    return FAULTS[(n // every) % len(FAULTS)][0]


class SoakServer(FaultServer):
    """The fault server's plumbing, serving ``/soak/<n>`` pages and ``/sitemap.xml``."""

    def __init__(self, pages: int, rate: float) -> None:
        super().__init__()
        self.pages = pages
        self.rate = rate
        self.bodies = [(PAGE_FIXTURES / case / "inputs" / "HttpResponse-body.html").read_bytes()
                       for case in manifest_cases()]
        self.bomb = gzip_bomb()

    def route(self, path: str) -> Any:
        if path == "/sitemap.xml":
            return self.soak_sitemap
        if path.startswith("/soak/") and path.removeprefix("/soak/").split("/")[0].isdigit():
            n = int(path.removeprefix("/soak/").split("/")[0])
            if n < self.pages:
                return lambda reader, writer, host: self.soak_page(reader, writer, n, path)
        return self.not_found

    async def soak_sitemap(self, reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
        urls = "".join(f"<url><loc>{self.base_url}/soak/{n}</loc></url>" for n in range(self.pages))
        body = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        await self.send(writer, 200, body.encode(), "application/xml")

    async def soak_page(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int, path: str) -> None:
        body = self.bodies[n % len(self.bodies)]
        fault = fault_of(n, self.pages, self.rate)
        hit = self.hits[path]
        if fault is None or (fault in ("500-once", "503-retry-after-once", "reset-once") and hit > 1):
            await self.send(writer, 200, body)
        elif fault == "500-once":
            await self.send(writer, 500, b"<html><body>error</body></html>")
        elif fault == "503-retry-after-once":
            await self.send(writer, 503, b"<html><body>busy</body></html>", Retry_After="1")
        elif fault in ("reset-once", "reset-always"):
            writer.write(response_head(200, {"Content-Type": HTML, "Content-Length": str(len(body) * 2)}) + body)
            await writer.drain()
            await asyncio.sleep(0.05)
            writer.transport.abort()
        elif fault == "slow-drip":
            writer.write(response_head(200, {"Content-Type": HTML, "Content-Length": str(len(body))}))
            for at in range(0, len(body), 2048):
                writer.write(body[at : at + 2048])
                await writer.drain()
                await asyncio.sleep(0.05)
        elif fault == "utf8-labelled-latin1":
            await self.send(writer, 200, body, "text/html; charset=ISO-8859-1")
        elif fault == "gzipped":
            await self.send(writer, 200, gzip.compress(body), Content_Encoding="gzip")
        elif fault == "stall":
            await self.stall(reader, writer, "")
        elif fault == "huge":
            await self.huge(reader, writer, "")
        elif fault == "gzip-bomb":
            await self.send(writer, 200, self.bomb, Content_Encoding="gzip")
        elif fault == "pdf-as-html":
            await self.send(writer, 200, b"%PDF-1.4\n" + bytes(range(256)) * 16)
        elif fault == "empty":
            await self.send(writer, 200, b"")
        elif fault == "redirect-loop":
            await self.send(writer, 302, b"", None, Location=f"/soak/{n}/again" if "again" not in path else f"/soak/{n}")
        else:
            await self.not_found(reader, writer, "")


def serve_in_thread(server: SoakServer) -> threading.Thread:
    """Run ``server`` on 127.0.0.1 in a daemon thread; returns once it listens."""
    ready = threading.Event()

    async def run() -> None:
        listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
        server.port = listener.sockets[0].getsockname()[1]
        server.base_url = f"http://127.0.0.1:{server.port}"
        ready.set()
        async with listener:
            await listener.serve_forever()

    thread = threading.Thread(target=lambda: asyncio.run(run()), daemon=True)
    thread.start()
    if not ready.wait(30):
        msg = "soak server did not start"
        raise RuntimeError(msg)
    return thread


def parse_stats(log: str) -> dict[str, Any]:
    """The crawl's final stats, as the test suite reads them."""
    from conftest import parse_stats as parse  # noqa: PLC0415

    return parse(log)


def main(argv: list[str] | None = None) -> int:
    """Serve, crawl, compare, report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=3000, help="article pages to serve (default: %(default)s)")
    parser.add_argument("--fault-rate", type=float, default=0.1, help="share of faulty pages (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-out" / "soak", help="output folder")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    server = SoakServer(args.pages, args.fault_rate)
    serve_in_thread(server)
    faults = {n: fault_of(n, args.pages, args.fault_rate) for n in range(args.pages)}
    recovers = dict(FAULTS)
    expected = {f"{server.base_url}/soak/{n}" for n, f in faults.items() if f is None or recovers[f]}

    out = args.out / "articles.jsonl"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sitemap={server.base_url}/sitemap.xml", "-O", str(out)]
    for name, value in CRAWL_SETTINGS.items():
        cmd += ["-s", f"{name}={value}"]
    print(f"soak: {args.pages} pages, {sum(f is not None for f in faults.values())} faulty, crawling {server.base_url}",
          file=sys.stderr, flush=True)
    started = time.monotonic()
    with (args.out / "crawl.log").open("w", encoding="utf-8") as log_file:
        proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log_file, check=False, timeout=3600)
    elapsed = time.monotonic() - started
    peak_rss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # Linux: KiB; largest child or grandchild

    log = (args.out / "crawl.log").read_text("utf-8", errors="replace")
    stats = parse_stats(log)
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines() if line.strip()] if out.exists() else []
    stored = Counter(item["url"] for item in items)
    duplicates = sum(count - 1 for count in stored.values())
    missing = sorted(expected - set(stored), key=lambda u: int(u.rsplit("/", 1)[-1]))
    unexpected = sorted(set(stored) - expected)
    attempted = {p for p in server.hits if p.startswith("/soak/")}
    summary = log[log.rfind("newscrawl summary"):].split("\n20")[0] if "newscrawl summary" in log else "(no summary)"

    print(summary)
    print()
    print(f"pages attempted:   {len(attempted)} ({sum(server.hits[p] for p in attempted)} requests)")
    print(f"articles expected: {len(expected)}")
    print(f"articles stored:   {sum(stored.values())}"
          + (f"  missing {len(missing)}: {', '.join(missing[:5])}" if missing else "")
          + (f"  unexpected {len(unexpected)}: {', '.join(unexpected[:5])}" if unexpected else ""))
    print(f"duplicates:        {duplicates}")
    print(f"peak memory:       {peak_rss_kib / 1024:.0f} MiB (largest process: crawl or an extraction worker); "
          f"Scrapy memusage/max {int(stats.get('memusage/max', 0)) / 2**20:.0f} MiB")
    print(f"time:              {elapsed:.0f} s ({len(attempted) / elapsed:.1f} pages/s); exit status {proc.returncode}")
    print("faults injected:   " + ", ".join(f"{k} {v}" for k, v in sorted(Counter(f for f in faults.values() if f).items())))
    ok = proc.returncode == 0 and not missing and not unexpected and duplicates == 0
    print("soak: OK" if ok else "soak: FAILED", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())

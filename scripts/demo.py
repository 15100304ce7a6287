#!/usr/bin/env python3
"""The demo: serve the bundled news site on 127.0.0.1, crawl it, write JSONL.

Starts ``tests/fixture_site.py`` on ``fixtures/sites/demo`` (an OS-chosen
port on 127.0.0.1), runs ``scrapy crawl news -a url=<site>/`` exactly as a
user would against a real outlet, writes the articles to ``--out`` and
prints the crawl summary and a few lines of what was stored.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "output" / "articles.jsonl", help="JSONL to write (default: %(default)s)")
    parser.add_argument("--site", type=Path, default=ROOT / "fixtures" / "sites" / "demo", help="site folder to serve")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "fixture_site.py"), str(args.site)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert server.stdout is not None
        base = server.stdout.readline().strip()
        if not base.startswith("http://127.0.0.1:"):
            print(f"demo: the fixture server did not start (got {base!r})", file=sys.stderr)
            return 1
        print(f"demo: serving {args.site.relative_to(ROOT)} at {base}", file=sys.stderr)
        cmd = [
            sys.executable, "-m", "scrapy", "crawl", "news",
            "-a", f"url={base}/",
            "-O", str(args.out),
            # a local site needs no politeness delay
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=WARNING",
            # every demo run is a full crawl: no incremental state, which would skip what the last run stored
            "-s", "NEWSCRAWL_STATE_ENABLED=False",
        ]
        print("demo: " + " ".join(cmd[2:]), file=sys.stderr, flush=True)
        code = subprocess.run(cmd, cwd=ROOT, check=False).returncode
    finally:
        server.terminate()
        server.wait(timeout=10)
    if code != 0:
        print(f"demo: the crawl failed (exit {code})", file=sys.stderr)
        return code
    lines = [json.loads(line) for line in args.out.read_text("utf-8").splitlines() if line.strip()]
    print(f"\ndemo: {len(lines)} articles in {args.out}")
    for rec in lines[:5]:
        print(f"  {rec['date_published'] or '(no date)':<26} {rec['headline']}")
    if len(lines) > 5:
        print(f"  ... and {len(lines) - 5} more")
    return 0


if __name__ == "__main__":
    sys.exit(main())

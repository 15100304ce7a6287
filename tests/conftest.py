"""Shared test fixtures: the local fixture site and a `scrapy crawl` runner.

Crawl tests never leave 127.0.0.1: every site is served by
``tests/fixture_site.py`` on an OS-chosen port.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from fixture_site import FixtureSite

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parent.parent
DEMO_SITE = ROOT / "fixtures" / "sites" / "demo"

# Settings every test crawl uses: no politeness delay against our own local server.
TEST_CRAWL_SETTINGS: dict[str, str] = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "LOG_LEVEL": "INFO",
    "TELNETCONSOLE_ENABLED": "False",
    "REMOTE_CONTROL_ENABLED": "False",  # no code-execution server, no job files in the home folder
    "NEWSCRAWL_STATE_ENABLED": "False",  # no state shared between tests; incremental tests set their own NEWSCRAWL_STATE_PATH
}
CRAWL_TIMEOUT = 60  # seconds; a test crawl of a small local site takes one or two


@attrs.frozen
class CrawlResult:
    """What one ``scrapy crawl`` subprocess produced."""

    returncode: int
    items: list[dict[str, Any]]
    """The JSONL output, one dict per line (empty when no file was written)."""
    stderr: str
    """Scrapy's log and the crawl summary."""
    stats: dict[str, Any]
    """The ``newscrawl/*`` and other stats dumped at the end of the log (empty if none)."""

    @property
    def urls(self) -> set[str]:
        """The ``url`` of every item."""
        return {item["url"] for item in self.items}


def parse_stats(log: str) -> dict[str, Any]:
    """The stats dict Scrapy logs as "Dumping Scrapy stats:" at the end of a crawl."""
    marker = "Dumping Scrapy stats:"
    at = log.rfind(marker)
    if at < 0:
        return {}
    start = log.index("{", at)
    depth = 0
    for i, ch in enumerate(log[start:], start):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0:
            text = log[start : i + 1]
            break
    else:
        return {}
    # the dump is a pprint of a dict whose values are ints, floats, strings and datetimes
    text = re.sub(r"datetime\.datetime\([^)]*\)", "None", text)
    try:
        return dict(ast.literal_eval(text))
    except (ValueError, SyntaxError):
        return {}


def run_crawl(
    tmp_path: Path, *spider_args: str, settings: dict[str, str] | None = None, spider: str = "news"
) -> CrawlResult:
    """Run ``scrapy crawl <spider> -a ARG ... -O out.jsonl`` in the repo and read the output back.

    ``spider_args`` are ``NAME=VALUE`` strings, each passed with ``-a``;
    ``settings`` are passed with ``-s`` after the test defaults.
    """
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider, "-O", str(out)]
    for arg in spider_args:
        cmd += ["-a", arg]
    for name, value in {**TEST_CRAWL_SETTINGS, **(settings or {})}.items():
        cmd += ["-s", f"{name}={value}"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=CRAWL_TIMEOUT, check=False)
    items = []
    if out.exists():
        items = [json.loads(line) for line in out.read_text("utf-8").splitlines() if line.strip()]
    return CrawlResult(proc.returncode, items, proc.stderr, parse_stats(proc.stderr))


@pytest.fixture(scope="session")
def demo_site() -> Iterator[FixtureSite]:
    """The bundled demo news site (``fixtures/sites/demo``) served on 127.0.0.1."""
    if not DEMO_SITE.is_dir():
        pytest.fail(f"{DEMO_SITE.relative_to(ROOT)} is missing")
    with FixtureSite(DEMO_SITE) as site:
        yield site

"""WARC archiving during a crawl, and re-extraction of the archive offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from conftest import run_crawl

if TYPE_CHECKING:
    from fixture_site import FixtureSite

PROVENANCE = {"url", "fetched_at", "extractor_version", "warc_file", "warc_record_id", "source"}


def test_crawl_archive_is_standard_warc_and_re_extracts_to_the_same_items(demo_site: FixtureSite, tmp_path: Path) -> None:
    """Every fetched response is in the WARC; re-extracting it gives the crawl's items, field for field."""
    from warcio.archiveiterator import ArchiveIterator  # noqa: PLC0415

    warc_dir = tmp_path / "warc"
    result = run_crawl(tmp_path, f"url={demo_site.url('/')}", settings={"NEWSCRAWL_WARC_DIR": str(warc_dir)})
    assert result.returncode == 0, result.stderr[-2000:]
    [archive] = sorted(warc_dir.glob("newscrawl-*.warc.gz"))
    types: dict[str, int] = {}
    with archive.open("rb") as fh:
        for record in ArchiveIterator(fh):
            types[record.rec_type] = types.get(record.rec_type, 0) + 1
    assert types["warcinfo"] == 1
    assert types["response"] == types["request"] == result.stats["downloader/response_count"]

    proc = subprocess.run(
        [sys.executable, "-m", "newscrawl.cli", "extract", str(archive)], capture_output=True, text=True, check=False, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    again = [json.loads(line) for line in proc.stdout.splitlines()]
    assert all(r["warc_file"] == archive.name and r["warc_record_id"].startswith("<urn:uuid:") for r in again)
    crawled = {i["url"]: i for i in result.items}
    re_extracted = {r["url"]: r for r in again}
    assert set(re_extracted) == set(crawled)
    for url, item in crawled.items():
        for name, value in item.items():
            if name not in PROVENANCE:
                assert re_extracted[url][name] == value, (url, name)


def test_no_warc_dir_means_no_archive(demo_site: FixtureSite, tmp_path: Path) -> None:
    """Without NEWSCRAWL_WARC_DIR nothing is archived and the crawl is unchanged."""
    result = run_crawl(tmp_path, f"url={demo_site.url('/')}")
    assert result.returncode == 0
    assert not list(tmp_path.rglob("*.warc.gz"))

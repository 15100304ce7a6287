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

# Keys of a re-extracted line that the crawl's lines do not have.
EXTRA = {"source"}


def test_crawl_archive_is_standard_warc_and_re_extracts_to_the_same_items(demo_site: FixtureSite, tmp_path: Path) -> None:
    """Every fetched response is in the WARC; re-extracting it gives the crawl's items, field for field, provenance included."""
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
    re_extracted = {r["url"]: {k: v for k, v in r.items() if k not in EXTRA} for r in again}
    assert set(re_extracted) == set(crawled)
    for url, item in crawled.items():
        assert re_extracted[url] == item, url  # provenance too: fetched_at is the record's WARC-Date


def test_no_warc_dir_means_no_archive(demo_site: FixtureSite, tmp_path: Path) -> None:
    """Without NEWSCRAWL_WARC_DIR nothing is archived and the crawl is unchanged."""
    result = run_crawl(tmp_path, f"url={demo_site.url('/')}")
    assert result.returncode == 0
    assert not list(tmp_path.rglob("*.warc.gz"))


UNDATED = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Dam inspection ordered</title>"
    "<meta property='og:type' content='article'></head><body><article><h1>Dam inspection ordered</h1>"
    + "<p>The regional water authority ordered an inspection of the old dam after residents reported cracks "
    "along its eastern wall, and engineers are expected on site before the end of the week.</p>" * 4
    + "</article></body></html>"
)


def test_listing_entry_travels_through_the_archive(tmp_path: Path) -> None:
    """A sitemap date archived with the page fills the undated page's date again on re-extraction."""
    from scrapy import Request  # noqa: PLC0415
    from scrapy.http import HtmlResponse  # noqa: PLC0415

    from newscrawl.cli import reextract  # noqa: PLC0415
    from newscrawl.warc import WarcArchiveMiddleware, WarcLocation, archived_responses  # noqa: PLC0415

    url = "https://news.example/dam-inspection"
    listed = {"source": "sitemap", "news_publication_date": "2025-03-04T08:00:00+01:00"}
    request = Request(url, cb_kwargs={"listed": listed})
    response = HtmlResponse(url, body=UNDATED.encode(), headers={"Content-Type": "text/html; charset=utf-8"}, request=request)
    mw = WarcArchiveMiddleware(tmp_path, 1024 * 1024, "test")
    mw.process_response(request, response)
    mw.close()
    where = WarcLocation.from_meta(request.meta)
    assert where is not None and (tmp_path / where.file).is_file()
    [page] = archived_responses(tmp_path / where.file)
    assert (page.url, page.record_id, page.date, page.listed) == (url, where.record_id, where.date, listed)
    record = reextract(page, where.file)
    assert record is not None
    assert record["date_published"] == "2025-03-04T08:00:00+01:00" and record["date_published_source"] == "sitemap"
    assert (record["warc_file"], record["warc_record_id"], record["fetched_at"]) == (where.file, where.record_id, where.date)


def test_redirects_are_archived_and_the_item_points_at_the_final_response(demo_site: FixtureSite, tmp_path: Path) -> None:
    """A 301 is archived as its own response record; the article points at the record of the page it led to."""
    from warcio.archiveiterator import ArchiveIterator  # noqa: PLC0415

    start = demo_site.url("/world/night-trains-return-across-europe-7d21b5")  # a folder without its slash: 301
    result = run_crawl(tmp_path, f"url={start}", settings={"NEWSCRAWL_WARC_DIR": str(tmp_path / "warc"), "NEWSCRAWL_EXTRACT_WORKERS": "0"})
    assert result.returncode == 0, result.stderr[-2000:]
    [archive] = sorted((tmp_path / "warc").glob("*.warc.gz"))
    statuses = {}
    with archive.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response":
                statuses[record.rec_headers.get_header("WARC-Record-ID")] = (
                    record.rec_headers.get_header("WARC-Target-URI"), record.http_headers.get_statuscode())
    assert (start, "301") in statuses.values()
    item = next(i for i in result.items if i["url"] == start + "/")
    assert statuses[item["warc_record_id"]] == (start + "/", "200")

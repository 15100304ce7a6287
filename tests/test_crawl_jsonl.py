"""End to end: `scrapy crawl news` on the demo site, JSONL read back and checked field by field.

The demo site's article pages are the same files as the extraction
fixtures, so each article's expected item is its fixture's `output.json`;
only the provenance fields differ (the crawl sees 127.0.0.1 URLs and stamps
fetch time and version).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pytest
from conftest import DEMO_SITE, ROOT, run_crawl

from newscrawl import __version__

if TYPE_CHECKING:
    from conftest import CrawlResult
    from fixture_site import FixtureSite

FIXTURES = ROOT / "fixtures" / "newscrawl.extraction.pages.GenericArticlePage"
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")


def _manifest() -> dict[str, Any]:
    return json.loads((DEMO_SITE / "MANIFEST.json").read_text("utf-8"))


def _expected(case: str) -> dict[str, Any]:
    return json.loads((FIXTURES / case / "output.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def crawl(demo_site: FixtureSite, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    """One crawl of the demo site from its home page only, as a user would start it."""
    return run_crawl(tmp_path_factory.mktemp("crawl"), f"url={demo_site.url('/')}")


def test_crawl_exits_cleanly_and_writes_every_article_once(crawl: CrawlResult, demo_site: FixtureSite) -> None:
    """Every article page of the site becomes exactly one line, and nothing else does."""
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    manifest = _manifest()
    got = [item["url"] for item in crawl.items]
    assert len(got) == len(set(got)), "an article was written twice"
    assert set(got) == {demo_site.url(path) for path in manifest["articles"]}


def test_no_listing_page_or_disallowed_page_became_an_item(crawl: CrawlResult, demo_site: FixtureSite) -> None:
    """Home, section, tag, author and about pages yield no item; robots.txt-disallowed pages are not fetched."""
    manifest = _manifest()
    urls = crawl.urls
    for path in manifest["non_articles"] + manifest["disallowed"]:
        assert demo_site.url(path) not in urls, path
    assert crawl.stats.get("robotstxt/forbidden", 0) >= 1
    skipped = sum(v for k, v in crawl.stats.items() if k.startswith("newscrawl/skipped/"))
    assert skipped >= len(manifest["non_articles"]) - 1  # robots.txt aside, each listing page counted


def test_each_article_matches_its_fixture_field_by_field(crawl: CrawlResult, demo_site: FixtureSite) -> None:
    """Each crawled article equals its fixture's expected item, bar the provenance fields."""
    by_url = {item["url"]: item for item in crawl.items}
    for path, case in _manifest()["articles"].items():
        item = by_url[demo_site.url(path)]
        expected = _expected(case)
        assert set(item) == set(expected), f"{case}: keys differ"
        for name, value in expected.items():
            if name in ("url", "fetched_at", "extractor_version"):
                continue
            assert item[name] == value, f"{case}: field {name}"
        assert ISO_UTC.match(item["fetched_at"]), item["fetched_at"]
        assert item["extractor_version"] == __version__


def test_summary_reports_pages_articles_and_skips(crawl: CrawlResult) -> None:
    """The end-of-crawl summary states pages fetched, articles written and skips by reason."""
    summary = crawl.stderr[crawl.stderr.rfind("newscrawl summary"):]
    assert f"articles written: {len(crawl.items)}" in summary
    assert re.search(r"pages fetched:\s+\d+", summary)
    assert "listing_page" in summary


def test_seed_page_is_clean(crawl: CrawlResult) -> None:
    """The auto-blog wire story comes out without any of its boilerplate, with both captions."""
    [item] = [i for i in crawl.items if i["headline"] == "China refuses to cooperate with UN Human Rights Office on Xinjiang report"]
    body = item["body"]
    assert body.startswith("A senior Chinese diplomat said")
    assert body.endswith("as Ms Bachelet’s successor.")
    for junk in ("[ad_1]", "[ad_2]", "Source link", "Related Articles", "Latest Articles", "spot_img",
                 "19 C", "Dubai", "January 20, 2025", "Volkswagen", "Michelle Bachelet (Mahmud"):
        assert junk not in body, junk
    captions = [(img["caption"], img["credit"]) for img in item["images"]]
    assert len(captions) == 2
    assert captions[1] == ("Michelle Bachelet", "Mahmud Hossain Opu/AP")
    assert item["date_published"] is not None
    assert not item["date_published"].startswith("2025-01-20")


def test_output_is_utf8_jsonl_with_every_key_on_every_line(crawl: CrawlResult) -> None:
    """Every line is one JSON object carrying every contract key, non-ASCII kept as UTF-8."""
    from newscrawl.schema import json_schema  # noqa: PLC0415

    keys = set(json_schema()["properties"])
    for item in crawl.items:
        assert set(item) == keys
    assert any("’" in (item["body"] or "") for item in crawl.items)

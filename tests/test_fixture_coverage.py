"""Guards on the fixtures themselves: every page class is covered, every case is complete."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

from newscrawl.extraction.pages import GenericArticlePage
from newscrawl.items import Article

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGE_CLASSES = [GenericArticlePage]


def _cases(page_cls: type) -> list[Path]:
    folder = FIXTURES / f"{page_cls.__module__}.{page_cls.__qualname__}"
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


@pytest.mark.parametrize("page_cls", PAGE_CLASSES, ids=lambda c: c.__name__)
def test_every_page_class_has_fixtures(page_cls: type) -> None:
    """Each page class has at least one fixture case."""
    assert _cases(page_cls), f"no fixtures for {page_cls.__qualname__}"


@pytest.mark.parametrize("case", _cases(GenericArticlePage), ids=lambda p: p.name)
def test_case_is_complete(case: Path) -> None:
    """A case has its input page, every item key, and the fields every article needs."""
    assert (case / "inputs" / "HttpResponse-body.html").is_file()
    info = json.loads((case / "inputs" / "HttpResponse-info.json").read_text("utf-8"))
    expected = json.loads((case / "output.json").read_text("utf-8"))
    assert set(expected) == {f.name for f in attrs.fields(Article)}
    assert expected["url"] == info["url"]
    for name in ("headline", "body", "language", "canonical_url"):
        assert expected[name], f"{case.name}: {name} is empty"
    assert expected["fetched_at"] is None and expected["extractor_version"] is None
    assert expected["warc_file"] is None and expected["warc_record_id"] is None  # no archive offline
    assert not case.name.startswith("test"), "name cases after the trap they test"


def test_demo_site_article_pages_are_the_fixture_inputs() -> None:
    """Each demo-site article page is the same file as its fixture's input page."""
    site = FIXTURES / "sites" / "demo"
    manifest = json.loads((site / "MANIFEST.json").read_text("utf-8"))
    for path, case in manifest["articles"].items():
        page = site / path.strip("/") / "index.html"
        fixture = FIXTURES / f"{GenericArticlePage.__module__}.GenericArticlePage" / case / "inputs" / "HttpResponse-body.html"
        assert page.resolve() == fixture.resolve(), path

"""Headline: candidates agreed with the h1, site-name affixes and kickers removed."""

from __future__ import annotations

import json

import lxml.html
import pytest

from newscrawl.extraction.headline import clean_headline
from newscrawl.extraction.metadata import parse_metadata

URL = "https://www.dailybugle.com/world/tram-line-extended"


def _headline(head: str = "", body: str = "", *, site: str | None = None, url: str = URL) -> str | None:
    page = f"<html><head>{head}</head><body>{body}</body></html>"
    doc = lxml.html.document_fromstring(page)
    return clean_headline(parse_metadata(doc, url), doc, site)


def _article(h1: str) -> str:
    return f'<header class="site-header"><h1 class="logo">Daily Bugle</h1></header><article>{h1}<p>Text.</p></article>'


@pytest.mark.parametrize(
    "title",
    [
        "Tram line extended - Daily Bugle",
        "Tram line extended | Daily Bugle",
        "Tram line extended — The Daily Bugle",
        "Tram line extended – dailybugle.com",
        "Tram line extended :: Daily Bugle",
        "Daily Bugle: Tram line extended",
        "Daily Bugle | Tram line extended",
        "Tram line extended | World | Daily Bugle",
    ],
)
def test_site_name_affixes_are_stripped_without_h1(title: str) -> None:
    """Without an h1, a <title> loses a prefix or suffix that resembles the site name or domain, whatever the separator."""
    expected = "Tram line extended | World" if "World" in title else "Tram line extended"
    assert _headline(f"<title>{title}</title>", "<p>x</p>", site="Daily Bugle") == expected


def test_domain_alone_identifies_the_suffix() -> None:
    """With no site name known, a suffix resembling the domain is still stripped."""
    assert _headline("<title>Tram line extended | The Daily Bugle</title>", "<p>x</p>") == "Tram line extended"


def test_unrelated_suffix_is_kept_without_h1() -> None:
    """A dash inside the headline that does not lead to the site name is kept."""
    title = "Council says yes - but residents say no"
    assert _headline(f"<title>{title}</title>", "<p>x</p>", site="Daily Bugle") == title


def test_h1_wins_when_a_candidate_agrees() -> None:
    """When og:title minus its suffix equals the h1, the h1 is the headline."""
    head = '<meta property="og:title" content="Tram line extended | Bugle Online">'
    assert _headline(head, _article("<h1>Tram line extended</h1>")) == "Tram line extended"


def test_short_recurring_suffix_stripped_by_agreement_with_h1() -> None:
    """A suffix unrelated to any known name is dropped when the rest of the title matches the h1."""
    head = "<title>Tram line extended – Local News Now</title>"
    assert _headline(head, _article("<h1>Tram line extended</h1>")) == "Tram line extended"


def test_kicker_span_inside_h1_is_dropped() -> None:
    """A kicker, label or eyebrow element inside the h1 is not part of the headline."""
    for cls in ("kicker", "label", "section-name", "eyebrow"):
        body = _article(f'<h1><span class="{cls}">Exclusive:</span> Tram line extended</h1>')
        assert _headline("", body) == "Tram line extended"


def test_logo_h1_in_site_header_is_ignored() -> None:
    """An h1 holding the site logo in the header is never the headline."""
    body = '<header><h1 class="logo">Daily Bugle</h1></header><div><p>Text.</p></div>'
    head = '<meta property="og:title" content="Tram line extended">'
    assert _headline(head, body, site="Daily Bugle") == "Tram line extended"


def test_jsonld_headline_preferred_over_og_title_without_h1() -> None:
    """Without an h1, the JSON-LD headline comes before og:title and <title>."""
    ld = json.dumps({"@type": "NewsArticle", "headline": "Tram line extended to the north"})
    head = f'<script type="application/ld+json">{ld}</script><meta property="og:title" content="Tram news">'
    assert _headline(head, "<p>x</p>") == "Tram line extended to the north"


def test_truncated_jsonld_headline_agrees_with_full_h1() -> None:
    """A JSON-LD headline cut with an ellipsis agrees with the full h1, which is returned."""
    ld = json.dumps({"@type": "NewsArticle", "headline": "Tram line extended to the..."})
    head = f'<script type="application/ld+json">{ld}</script>'
    assert _headline(head, _article("<h1>Tram line extended to the northern suburbs</h1>")) == (
        "Tram line extended to the northern suburbs"
    )


def test_section_label_h1_loses_to_the_real_title() -> None:
    """A one-word h1 that matches no candidate (a section label) gives way to og:title."""
    head = '<meta property="og:title" content="Tram line extended | Daily Bugle">'
    assert _headline(head, "<main><h1>World</h1><p>Text.</p></main>", site="Daily Bugle") == "Tram line extended"


def test_h1_in_article_wins_over_a_different_og_title() -> None:
    """A full headline in the article's h1 is preferred to an SEO og:title that differs."""
    head = '<meta property="og:title" content="Council extends tram line: what it means">'
    assert _headline(head, _article("<h1>Tram line extended to the northern suburbs</h1>")) == (
        "Tram line extended to the northern suburbs"
    )


def test_whitespace_and_entities_are_normalised() -> None:
    """Line breaks, <br>, double-escaped entities and runs of spaces are cleaned."""
    body = _article("<h1>\n  Tram line&nbsp;extended<br>to the   north &amp;amp; east\n</h1>")
    assert _headline("", body) == "Tram line extended to the north & east"


def test_no_candidate_gives_none_never_empty() -> None:
    """A page without any title-like element, or with only empty ones, gives None."""
    assert _headline("", "<p>x</p>") is None
    assert _headline("<title>  </title>", _article('<h1><span class="kicker">Live</span></h1>')) is None

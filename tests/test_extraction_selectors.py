"""An outlet's own selectors (sources file): drop, headline and body, and the fallback when they match nothing."""

from __future__ import annotations

import pytest

from newscrawl.extraction import extract
from newscrawl.extraction.selectors import OutletSelectors
from newscrawl.pool import load_function, run_extraction
from newscrawl.sources import parse_sources

URL = "https://www.city-times.example/2025/03/04/tram-line-extended/"
PROSE = (
    "The city council voted on Tuesday to extend the tram line to the northern suburbs, "
    "ending a debate that had run for more than a decade and divided residents. "
)
# A block in neutral markup that the generic extractor keeps as body text.
SERIES_NOTE = (
    "Support local journalism: our reporters spent three months following the tram project from the "
    "first council vote to the last, and you can read every part of the series on our site today."
)
# Prose outside the article's text container, which the generic extractor also keeps.
OUTSIDE = (
    "Also in this edition: the harbour authority published its annual report on Monday, with cargo "
    "volumes up for the third year running and a new ferry route planned for the spring season."
)


def page(*, headline_box: str = "", figure_in_note: bool = False, shortcode: bool = False) -> bytes:
    """A tram-line story with a series note inside the article and a harbour paragraph after it."""
    figure = ('<figure><img src="/img/promo.jpg" alt="Series logo"><figcaption>The tram series. '
              "Photo: Promo Desk</figcaption></figure>") if figure_in_note else ""
    paragraphs = "".join(f"<p>{PROSE}Paragraph {i}.</p>" for i in range(5))
    if shortcode:
        paragraphs += "<p>[ad_1]</p>"
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Transport | City Times</title><meta property="og:type" content="article">
<meta property="article:published_time" content="2025-03-04T09:00:00+00:00"></head><body><main>
<article><h1>Transport</h1>{headline_box}<p class="byline">By Jane Doe</p>
<div class="story-text">{paragraphs}</div>
<div class="series-note">{figure}<p>{SERIES_NOTE}</p></div>
<div class="edition-more"><p>{OUTSIDE}</p></div>
</article></main></body></html>""".encode()


def item_of(html: bytes, selectors: dict[str, object] | None = None):
    result = extract(html, URL, selectors=selectors)
    assert result.item is not None, result.skip_reason
    return result.item, result.unmatched_selectors


def test_generic_extractor_keeps_the_blocks_the_selectors_are_for() -> None:
    """Without selectors, the series note and the harbour paragraph end up in the body (the problem the outlet's selectors fix)."""
    item, unmatched = item_of(page())
    assert SERIES_NOTE in (item.body or "")
    assert OUTSIDE in (item.body or "")
    assert unmatched == []


def test_drop_selectors_remove_elements_before_any_field_is_extracted() -> None:
    """A drop selector removes its element from the body and from the images (its figure and caption) alike."""
    generic, _ = item_of(page(figure_in_note=True))
    assert [i.caption for i in generic.images] == ["The tram series."]
    item, unmatched = item_of(page(figure_in_note=True), {"drop": [".series-note", "div.edition-more"]})
    assert SERIES_NOTE not in (item.body or "")
    assert OUTSIDE not in (item.body or "")
    assert item.body is not None and item.body.count("Paragraph") == 5
    assert item.images == []
    assert unmatched == []  # a drop selector that matches nothing is normal and never reported


def test_headline_selector_overrides_the_generic_headline() -> None:
    """The first element the headline selector matches with text is the headline; it is not repeated in the body."""
    box = '<div class="story-headline"> <span></span></div><div class="story-headline">Council extends  the tram line north</div>'
    generic, _ = item_of(page(headline_box=box))
    assert generic.headline != "Council extends the tram line north"
    item, unmatched = item_of(page(headline_box=box), {"headline": ".story-headline"})
    assert item.headline == "Council extends the tram line north"
    assert "Council extends" not in (item.body or "")
    assert unmatched == []


def test_body_selector_restricts_the_body_and_generic_cleaning_runs_inside_it() -> None:
    """Only the matched element's text is the body; an ad shortcode inside it is still cleaned away."""
    item, unmatched = item_of(page(shortcode=True), {"body": "div.story-text"})
    assert item.body == "\n\n".join(f"{PROSE}Paragraph {i}.".strip() for i in range(5))
    assert item.authors == ["Jane Doe"]  # the other fields still read the whole page
    assert unmatched == []


def test_body_selector_too_short_for_trafilatura_gives_the_element_prose() -> None:
    """A short body element that the main-content search rejects still gives its paragraphs."""
    html = page().replace(b'<div class="story-text">', b'<div class="story-text"><p>Short lead paragraph of the story here.</p>', 1)
    item, _ = item_of(html, {"body": "div.story-text p:first-child"})
    assert item.body == "Short lead paragraph of the story here."


def test_selectors_that_match_nothing_fall_back_to_the_generic_extractor_and_are_reported() -> None:
    """A headline or body selector with no match (or no text) leaves the generic result and is named in unmatched_selectors."""
    generic, _ = item_of(page())
    item, unmatched = item_of(page(headline_box='<h2 class="headline"> </h2>'),
                              {"headline": "h2.headline", "body": "div.redesigned-body", "drop": [".not-here"]})
    assert (item.headline, item.body) == (generic.headline, generic.body)
    assert unmatched == ["headline", "body"]


def test_listing_page_never_reports_unmatched_selectors() -> None:
    """A page that is not an article is skipped without counting the outlet's article selectors."""
    listing = b"<html><head><meta property='og:type' content='website'></head><body><ul><li>a</li></ul></body></html>"
    result = extract(listing, "https://www.city-times.example/", selectors={"headline": "h1.x"})
    assert (result.item, result.skip_reason, result.unmatched_selectors) == (None, "not_article", [])


def test_outlet_selectors_from_the_sources_file_reach_extraction_as_a_compact_dict() -> None:
    """Outlet.selectors has only the kinds that are set, and OutletSelectors reads it back; None when none are set."""
    outlets = parse_sources({"outlets": [
        {"name": "a", "feeds": ["https://a.example/rss"], "drop_selectors": [".x", "aside.y"], "body_selector": "div.b"},
        {"name": "b", "feeds": ["https://b.example/rss"]},
    ]})
    assert outlets[0].selectors == {"drop": [".x", "aside.y"], "body": "div.b"}
    assert OutletSelectors.from_dict(outlets[0].selectors) == OutletSelectors(drop=(".x", "aside.y"), body="div.b")
    assert outlets[1].selectors is None
    assert OutletSelectors.from_dict({}) is None
    with pytest.raises(ValueError, match="unknown selector kind"):
        OutletSelectors.from_dict({"title": "h1"})


def test_run_extraction_passes_selectors_and_returns_unmatched_only_when_there_are_some() -> None:
    """The pool's result dict gains "unmatched" only for a page whose selectors missed; plain pages stay as before."""
    func = load_function("newscrawl.extraction:extract")
    plain = run_extraction(func, page(), URL, [], 200)
    assert set(plain) == {"item", "skip", "detail"}
    dropped = run_extraction(func, page(), URL, [], 200, selectors={"drop": [".series-note"]})
    assert SERIES_NOTE not in dropped["item"]["body"]
    assert "unmatched" not in dropped
    missed = run_extraction(func, page(), URL, [], 200, selectors={"headline": ".nope"})
    assert missed["unmatched"] == ["headline"]


def test_extract_function_without_a_selectors_parameter_still_serves_pages_without_selectors() -> None:
    """A custom NEWSCRAWL_EXTRACT_FUNCTION with the old four-argument signature keeps working when no selectors are sent."""
    func = load_function("pool_hooks:chaos_extract")
    assert run_extraction(func, page(), URL, [], 200)["item"] is not None

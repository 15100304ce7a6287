"""Page metadata: meta tags, JSON-LD, canonical link and the field resolvers built on them."""

from __future__ import annotations

import json

import lxml.html

from newscrawl.extraction import metadata
from newscrawl.extraction.metadata import PageMetadata, parse_metadata

URL = "https://news.example.com/world/2022/09/07/tram-line"


def _meta(head: str = "", body: str = "", *, html_attrs: str = "", url: str = URL) -> PageMetadata:
    page = f"<html {html_attrs}><head>{head}</head><body>{body or '<p>x</p>'}</body></html>"
    return parse_metadata(lxml.html.document_fromstring(page), url)


def _ld(*objects: object) -> str:
    return "".join(f'<script type="application/ld+json">{json.dumps(o)}</script>' for o in objects)


def test_meta_tags_are_keyed_by_name_property_and_itemprop_lowercased() -> None:
    """name, property and itemprop all become lowercased keys, values kept in page order."""
    meta = _meta(
        '<meta property="OG:Title" content="One"><meta name="Description" content="Two">'
        '<meta itemprop="datePublished" content="2022-09-07"><meta property="article:tag" content="a">'
        '<meta property="article:tag" content="b">'
    )
    assert meta.meta["og:title"] == ["One"]
    assert meta.meta["description"] == ["Two"]
    assert meta.meta["datepublished"] == ["2022-09-07"]
    assert meta.meta["article:tag"] == ["a", "b"]


def test_first_skips_empty_values_and_unescapes_and_normalises() -> None:
    """first() returns the first non-empty value among the keys, unescaped and whitespace-normalised."""
    meta = _meta('<meta name="a" content="  "><meta name="b" content="Tom &amp;amp; Jerry\n  go">')
    assert meta.first("a", "b") == "Tom & Jerry go"
    assert meta.first("missing") is None


def test_jsonld_graph_is_flattened_and_article_found() -> None:
    """@graph members are listed one by one and the NewsArticle among them is the article."""
    meta = _meta(_ld({
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Example"},
            {"@type": "NewsArticle", "headline": "Tram line extended"},
        ],
    }))
    assert [o["@type"] for o in meta.jsonld] == ["WebSite", "NewsArticle"]
    assert meta.article_ld is not None
    assert meta.article_ld["headline"] == "Tram line extended"


def test_top_level_list_and_list_of_types() -> None:
    """A top-level JSON-LD list is expanded and an @type list containing an article type matches."""
    meta = _meta(_ld([{"@type": "BreadcrumbList"}, {"@type": ["Thing", "ReportageNewsArticle"], "headline": "H"}]))
    assert len(meta.jsonld) == 2
    assert meta.article_ld == {"@type": ["Thing", "ReportageNewsArticle"], "headline": "H"}


def test_invalid_jsonld_is_repaired_or_skipped() -> None:
    """A trailing comma or raw control character is repaired; a broken block is skipped without error."""
    head = (
        '<script type="application/ld+json">{"@type": "Organization", "name": "Org",}</script>'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Line\x01one\nTwo"}</script>'
        '<script type="application/ld+json">{"@type": "NewsArticle", headline: broken</script>'
    )
    meta = _meta(head)
    assert [o["@type"] for o in meta.jsonld] == ["Organization", "NewsArticle"]
    assert meta.article_ld is not None
    assert "Two" in meta.article_ld["headline"]


def test_webpage_is_the_article_only_as_last_resort() -> None:
    """A WebPage with headline and datePublished is the article only when no article type exists."""
    page = {"@type": "WebPage", "headline": "Page", "datePublished": "2022-09-07"}
    assert _meta(_ld(page)).article_ld == page
    article = {"@type": "BlogPosting", "headline": "Post"}
    assert _meta(_ld(page, article)).article_ld == article
    assert _meta(_ld({"@type": "WebPage", "headline": "No date"})).article_ld is None


def test_article_as_main_entity_of_a_webpage() -> None:
    """An article nested as a WebPage's mainEntity is found."""
    meta = _meta(_ld({"@type": "WebPage", "mainEntity": {"@type": "NewsArticle", "headline": "Inner"}}))
    assert meta.article_ld == {"@type": "NewsArticle", "headline": "Inner"}


def test_canonical_is_made_absolute_against_base() -> None:
    """A relative canonical href is resolved against <base href> (or the page URL)."""
    meta = _meta('<base href="https://cdn.example.com/x/"><link rel="canonical" href="/a/b">')
    assert meta.canonical == "https://cdn.example.com/a/b"
    assert _meta('<link rel="canonical" href="story.html">').canonical == "https://news.example.com/world/2022/09/07/story.html"


def test_canonical_url_falls_back_to_og_url_then_jsonld() -> None:
    """Without rel=canonical, og:url is used, then the JSON-LD mainEntityOfPage @id."""
    assert metadata.canonical_url(_meta('<meta property="og:url" content="/og">'), URL) == "https://news.example.com/og"
    ld = _meta(_ld({"@type": "NewsArticle", "mainEntityOfPage": {"@id": "https://news.example.com/ld"}}))
    assert metadata.canonical_url(ld, URL) == "https://news.example.com/ld"
    assert metadata.canonical_url(_meta(), URL) is None


def test_html_lang_is_kept_raw() -> None:
    """<html lang> is returned as written."""
    assert _meta(html_attrs='lang="en-US"').html_lang == "en-US"
    assert _meta().html_lang is None


def test_ld_text_reads_strings_names_values_and_lists() -> None:
    """ld_text turns a string, a {name}, a {@value} or a list into its first text."""
    assert metadata.ld_text("  A &amp; B ") == "A & B"
    assert metadata.ld_text({"@type": "Organization", "name": "Org"}) == "Org"
    assert metadata.ld_text({"@value": "V"}) == "V"
    assert metadata.ld_text([None, "", {"name": "First"}, "Second"]) == "First"
    assert metadata.ld_text(None) is None


def test_ld_names_reads_nested_authors_and_keeps_organisations() -> None:
    """ld_names lists person and organisation names from strings, objects and nested lists, without duplicates."""
    value = [
        {"@type": "Person", "name": "Jane Doe"},
        "John Roe",
        [{"@type": "Person", "givenName": "Ann", "familyName": "Lee"}],
        {"@type": "Organization", "name": "AP"},
        {"@type": "Person", "name": "Jane Doe"},
    ]
    assert metadata.ld_names(value) == ["Jane Doe", "John Roe", "Ann Lee", "AP"]
    assert metadata.ld_names(None) == []


def test_site_name_from_og_then_publisher_then_application_name() -> None:
    """site_name prefers og:site_name, then the JSON-LD publisher's name, then application-name."""
    publisher = _ld({"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "Pub"}})
    assert metadata.site_name(_meta('<meta property="og:site_name" content="OG">' + publisher)) == "OG"
    assert metadata.site_name(_meta(publisher + '<meta name="application-name" content="App">')) == "Pub"
    assert metadata.site_name(_meta('<meta name="application-name" content="App">')) == "App"


def test_section_from_meta_then_jsonld_list() -> None:
    """section reads article:section, else the first JSON-LD articleSection."""
    assert metadata.section(_meta('<meta property="article:section" content="World">')) == "World"
    assert metadata.section(_meta(_ld({"@type": "NewsArticle", "articleSection": ["Politics", "EU"]}))) == "Politics"


def test_tags_in_order_deduplicated_case_insensitively() -> None:
    """article:tag values keep page order and drop case-insensitive duplicates."""
    head = "".join(f'<meta property="article:tag" content="{t}">' for t in ("Trams", " Berlin ", "trams", "Transport"))
    assert metadata.tags(_meta(head)) == ["Trams", "Berlin", "Transport"]


def test_tags_fall_back_to_jsonld_keywords_then_meta_keywords() -> None:
    """Without article:tag, JSON-LD keywords (list or comma string) are used, then news_keywords/keywords."""
    assert metadata.tags(_meta(_ld({"@type": "NewsArticle", "keywords": "a, b,, A"}))) == ["a", "b"]
    assert metadata.tags(_meta(_ld({"@type": "NewsArticle", "keywords": ["x", "y"]}))) == ["x", "y"]
    assert metadata.tags(_meta('<meta name="keywords" content="k1, k2">')) == ["k1", "k2"]
    assert metadata.tags(_meta()) == []


def test_description_order() -> None:
    """description prefers og:description, then meta description, twitter:description, JSON-LD."""
    assert metadata.description(_meta('<meta name="description" content="D"><meta property="og:description" content="OG">')) == "OG"
    assert metadata.description(_meta('<meta name="twitter:description" content="TW"><meta name="description" content="D">')) == "D"
    assert metadata.description(_meta(_ld({"@type": "NewsArticle", "description": "LD"}))) == "LD"


def test_is_accessible_for_free_bool_string_and_has_part() -> None:
    """isAccessibleForFree is read as a bool or a "true"/"False" string, on the article or in hasPart."""
    assert metadata.is_accessible_for_free(_meta(_ld({"@type": "NewsArticle", "isAccessibleForFree": False}))) is False
    assert metadata.is_accessible_for_free(_meta(_ld({"@type": "NewsArticle", "isAccessibleForFree": "True"}))) is True
    part = {"@type": "NewsArticle", "hasPart": [{"@type": "WebPageElement", "isAccessibleForFree": "false"}]}
    assert metadata.is_accessible_for_free(_meta(_ld(part))) is False
    assert metadata.is_accessible_for_free(_meta(_ld({"@type": "NewsArticle"}))) is None
    assert metadata.is_accessible_for_free(_meta()) is None

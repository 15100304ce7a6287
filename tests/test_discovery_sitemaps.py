"""Sitemap parsing: urlset, index, gzip, Google News fields, robots.txt lines, errors."""

from __future__ import annotations

import gzip

import pytest

from newscrawl.discovery.sitemaps import (
    SitemapEntry,
    SitemapError,
    parse_sitemap,
    sitemap_urls_from_robots,
)

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url>
    <loc> https://news.example.com/2022/09/07/storm-hits-the-coast/ </loc>
    <lastmod>2022-09-07T10:00:00+02:00</lastmod>
  </url>
  <url><loc>https://news.example.com/about/</loc></url>
  <url><lastmod>2022-01-01</lastmod></url>
</urlset>
"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://news.example.com/sitemap-2022-09.xml</loc><lastmod>2022-09-30</lastmod></sitemap>
  <sitemap><loc>https://news.example.com/news-sitemap.xml.gz</loc></sitemap>
</sitemapindex>
"""

NEWS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:n="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://news.example.com/world/talks-resume-in-geneva-62834567</loc>
    <n:news>
      <n:publication><n:name>Example News</n:name><n:language>fr</n:language></n:publication>
      <n:publication_date>2022-09-07T08:30:00Z</n:publication_date>
      <n:title>Les négociations reprennent à Genève &amp; ailleurs</n:title>
    </n:news>
  </url>
</urlset>
""".encode()


def test_urlset_entries_keep_loc_and_lastmod_in_order() -> None:
    """A urlset yields its <url> entries in order, with stripped loc and lastmod, dropping entries without loc."""
    doc = parse_sitemap(URLSET)
    assert doc.kind == "urlset"
    assert not doc.is_index
    assert doc.entries == [
        SitemapEntry(loc="https://news.example.com/2022/09/07/storm-hits-the-coast/", lastmod="2022-09-07T10:00:00+02:00"),
        SitemapEntry(loc="https://news.example.com/about/"),
    ]


def test_sitemap_index_lists_child_sitemaps() -> None:
    """A sitemap index is recognised as one, and its entries are the child sitemaps."""
    doc = parse_sitemap(INDEX)
    assert doc.is_index
    assert [(e.loc, e.lastmod) for e in doc.entries] == [
        ("https://news.example.com/sitemap-2022-09.xml", "2022-09-30"),
        ("https://news.example.com/news-sitemap.xml.gz", None),
    ]


def test_gzip_body_is_decompressed() -> None:
    """A gzip body (sitemap.xml.gz served as is) is recognised by its magic bytes and parsed."""
    assert parse_sitemap(gzip.compress(URLSET)) == parse_sitemap(URLSET)


def test_gzip_bomb_is_refused() -> None:
    """A gzip body larger than max_size once decompressed is an error, not a memory blow-up."""
    with pytest.raises(SitemapError, match="larger than"):
        parse_sitemap(gzip.compress(URLSET + b" " * 10_000), max_size=1_000)


def test_google_news_fields_are_kept() -> None:
    """Google News sitemaps give publication date, title, publication name and language, whatever the prefix."""
    (entry,) = parse_sitemap(NEWS).entries
    assert entry.news_publication_date == "2022-09-07T08:30:00Z"
    assert entry.news_title == "Les négociations reprennent à Genève & ailleurs"
    assert entry.news_publication_name == "Example News"
    assert entry.news_language == "fr"
    assert entry.listed_date == "2022-09-07T08:30:00Z"


def test_missing_namespace_and_stray_ampersand_still_parse() -> None:
    """A sitemap without its namespace and with an unescaped & is recovered, not rejected."""
    body = b"<urlset><url><loc>https://e.com/a?x=1&y=2</loc></url><url><loc>https://e.com/b</loc></url></urlset>"
    assert [e.loc for e in parse_sitemap(body).entries][-1] == "https://e.com/b"


def test_entities_are_not_resolved() -> None:
    """External entities are never expanded (no XXE): the loc stays without the file's contents."""
    body = b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY e SYSTEM "file:///etc/hostname">]><urlset><url><loc>https://e.com/&e;</loc></url></urlset>'
    locs = [e.loc for e in parse_sitemap(body).entries]
    assert all(loc.startswith("https://e.com/") and "\n" not in loc for loc in locs)
    assert len(locs) <= 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"User-agent: *\nDisallow:\n", "not XML"),
        (b"<!doctype html><html><body><p>Not found</p></body></html>", "an HTML page"),
        (b"<html><body><p>Not found</p></body></html>", "root element is <html>"),
        (b'<rss version="2.0"><channel/></rss>', "root element is <rss>"),
        (b"\x1f\x8b\x08\x00garbage", "corrupt gzip"),
    ],
)
def test_non_sitemap_bodies_raise_sitemap_error(body: bytes, message: str) -> None:
    """Bodies that are not sitemaps raise SitemapError with a message that says what they are."""
    with pytest.raises(SitemapError, match=message):
        parse_sitemap(body)


def test_robots_sitemap_lines_are_found_and_made_absolute() -> None:
    """robots.txt Sitemap: lines (any case, relative or absolute) become unique absolute URLs."""
    robots = (
        "User-agent: *\nDisallow: /private/\n"
        "Sitemap: https://e.com/sitemap_index.xml\n"
        "sitemap:/news-sitemap.xml\n"
        "  SITEMAP :  https://e.com/sitemap_index.xml  \n"
        "# Sitemap: https://e.com/commented.xml\n"
    )
    assert sitemap_urls_from_robots(robots, "https://e.com/robots.txt") == [
        "https://e.com/sitemap_index.xml",
        "https://e.com/news-sitemap.xml",
    ]

"""Feed parsing: RSS 2.0, RSS 1.0, Atom, dates, relative links, errors."""

from __future__ import annotations

import pytest

from newscrawl.discovery.feeds import FeedEntry, FeedError, parse_date, parse_feed

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Example News</title>
  <link>https://news.example.com/</link>
  <atom:link rel="self" href="https://news.example.com/feed.xml" type="application/rss+xml"/>
  <item>
    <title>Storm hits the coast</title>
    <link>https://news.example.com/2022/09/07/storm-hits-the-coast/</link>
    <pubDate>Wed, 07 Sep 2022 10:00:00 +0200</pubDate>
  </item>
  <item>
    <title>Relative link, dc:date</title>
    <link>/2022/09/08/relative-link-story/</link>
    <dc:date>2022-09-08T06:15:00Z</dc:date>
  </item>
  <item>
    <title>Only a permalink guid</title>
    <guid>https://news.example.com/2022/09/09/guid-only-story/</guid>
    <pubDate>not a date</pubDate>
  </item>
  <item><title>No link at all</title><guid isPermaLink="false">tag:example,2022:1</guid></item>
</channel>
</rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Example News</title>
  <link rel="self" href="https://news.example.com/atom.xml"/>
  <entry>
    <title type="html">Talks &lt;em&gt;resume&lt;/em&gt; in Geneva</title>
    <link rel="self" href="https://news.example.com/api/1"/>
    <link rel="alternate" type="text/html" href="https://news.example.com/world/talks-resume-in-geneva-62834567"/>
    <published>2022-09-07T08:30:00+02:00</published>
    <updated>2022-09-07T09:00:00+02:00</updated>
  </entry>
  <entry xml:base="https://other.example.org/blog/">
    <title>Only updated, link without rel</title>
    <link href="an-update-to-the-story"/>
    <updated>2022-09-10</updated>
  </entry>
</feed>
"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://e.com/"><title>E</title></channel>
  <item rdf:about="https://e.com/a"><title>A</title><link>https://e.com/a</link><dc:date>2022-09-07</dc:date></item>
</rdf:RDF>
"""


def test_rss_items_give_url_title_and_iso_date() -> None:
    """RSS 2.0 items give absolute URLs (link, relative link, permalink guid) with ISO 8601 dates."""
    entries = parse_feed(RSS, "https://news.example.com/feed.xml")
    assert [(e.url, e.title, e.published) for e in entries] == [
        ("https://news.example.com/2022/09/07/storm-hits-the-coast/", "Storm hits the coast", "2022-09-07T10:00:00+02:00"),
        ("https://news.example.com/2022/09/08/relative-link-story/", "Relative link, dc:date", "2022-09-08T06:15:00+00:00"),
        ("https://news.example.com/2022/09/09/guid-only-story/", "Only a permalink guid", None),
    ]
    assert entries[2].published_raw == "not a date"


def test_atom_prefers_alternate_link_and_published_date() -> None:
    """Atom entries use the rel=alternate HTML link, published before updated, and honour xml:base."""
    entries = parse_feed(ATOM, "https://news.example.com/atom.xml")
    assert entries == [
        FeedEntry(
            url="https://news.example.com/world/talks-resume-in-geneva-62834567",
            title="Talks resume in Geneva",
            published="2022-09-07T08:30:00+02:00",
            published_raw="2022-09-07T08:30:00+02:00",
        ),
        FeedEntry(
            url="https://other.example.org/blog/an-update-to-the-story",
            title="Only updated, link without rel",
            published="2022-09-10",
            published_raw="2022-09-10",
        ),
    ]


def test_rss_1_rdf_feed_is_read() -> None:
    """An RSS 1.0 (RDF) feed, whose items sit beside the channel, is read too."""
    assert parse_feed(RDF, "https://e.com/rss") == [
        FeedEntry(url="https://e.com/a", title="A", published="2022-09-07", published_raw="2022-09-07")
    ]


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("Wed, 07 Sep 2022 10:00:00 GMT", "2022-09-07T10:00:00+00:00"),
        ("Wed, 07 Sep 2022 10:00:00 -0500", "2022-09-07T10:00:00-05:00"),
        ("2022-09-07T10:00:00Z", "2022-09-07T10:00:00+00:00"),
        ("2022-09-07T10:00:00.250+02:00", "2022-09-07T10:00:00.250000+02:00"),
        ("2022-09-07", "2022-09-07"),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_date_reads_rfc822_and_iso8601(raw: str, iso: str | None) -> None:
    """Feed dates in RFC 822 or ISO 8601 become ISO 8601; anything else becomes None."""
    assert parse_date(raw) == iso


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"just some text", "not XML"),
        (b"<!doctype html><html><body><p>Hello</p></body></html>", "an HTML page"),
        (b"<html><body><p>Hello</p></body></html>", "root element is <html>"),
        (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>', "root element is <urlset>"),
    ],
)
def test_non_feed_bodies_raise_feed_error(body: bytes, message: str) -> None:
    """Bodies that are not feeds raise FeedError with a message that says what they are."""
    with pytest.raises(FeedError, match=message):
        parse_feed(body, "https://e.com/feed")

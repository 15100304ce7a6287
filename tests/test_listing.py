"""Listing data (sitemap, feed) fills what the page leaves out, and says so."""

from __future__ import annotations

from newscrawl.items import Article
from newscrawl.listing import fill_from_listing


def test_page_date_wins_over_the_listing() -> None:
    """A date the page gives is kept; the listing never overrides it."""
    item = Article(url="u", date_published="2024-01-02", date_published_source="meta")
    fill_from_listing(item, {"source": "sitemap", "news_publication_date": "2024-05-05T10:00:00Z"})
    assert (item.date_published, item.date_published_source) == ("2024-01-02", "meta")


def test_google_news_date_fills_a_missing_date() -> None:
    """A Google News publication date fills a missing date, marked as coming from the sitemap."""
    item = fill_from_listing(Article(url="u"), {"source": "sitemap", "news_publication_date": "2024-05-05T10:00:00Z"})
    assert item.date_published == "2024-05-05T10:00:00+00:00"
    assert item.date_published_raw == "2024-05-05T10:00:00Z"
    assert item.date_published_source == "sitemap"


def test_feed_date_fills_a_missing_date_and_headline() -> None:
    """A feed entry's date and title fill a page that has neither."""
    listed = {"source": "feed", "published": "2024-03-01T08:00:00+01:00",
              "published_raw": "Fri, 01 Mar 2024 08:00:00 +0100", "title": "  Storm  hits coast "}
    item = fill_from_listing(Article(url="u"), listed)
    assert item.date_published == "2024-03-01T08:00:00+01:00"
    assert item.date_published_source == "feed"
    assert item.headline == "Storm hits coast"


def test_sitemap_lastmod_is_not_a_publication_date() -> None:
    """lastmod says when the page changed, not when it was published: it is never used."""
    item = fill_from_listing(Article(url="u"), {"source": "sitemap", "lastmod": "2024-05-05"})
    assert item.date_published is None
    assert item.date_published_source is None

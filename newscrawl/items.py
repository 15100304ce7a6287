"""The article item: the JSONL contract.

Every field is documented by the docstring under it; ``newscrawl schema``
prints the JSON Schema built from these classes, and a test keeps the
README's field table in step with it.
"""

from __future__ import annotations

import attrs


@attrs.define(kw_only=True)
class Image:
    """An image that belongs to the article, with its caption and credit."""

    url: str | None = None
    """Absolute URL of the image file."""

    alt: str | None = None
    """The image's alt text, whitespace-normalised; null when absent or empty."""

    caption: str | None = None
    """The caption shown with the image, without its credit."""

    credit: str | None = None
    """The photo credit split off the caption or taken from a credit element, e.g. "Mahmud Hossain Opu/AP"."""


@attrs.define(kw_only=True)
class Article:
    """A news article extracted from one page."""

    url: str
    """URL of the page the article was extracted from (after redirects)."""

    canonical_url: str | None = None
    """Canonical URL the page declares (link rel=canonical, og:url or JSON-LD), absolute."""

    headline: str | None = None
    """The article's headline, without site-name suffixes, kickers or section labels."""

    dateline: str | None = None
    """The place/agency line that opens a wire story, e.g. "GENEVA (AP)"; removed from the body."""

    date_published: str | None = None
    """Publication date, ISO 8601 (with UTC offset when the page gives one)."""

    date_published_raw: str | None = None
    """The publication date exactly as the page gives it."""

    date_published_source: str | None = None
    """Where date_published came from: json-ld, meta, time, byline, url, sitemap or feed."""

    date_modified: str | None = None
    """Last modification date, ISO 8601 (with UTC offset when the page gives one)."""

    authors: list[str] = attrs.field(factory=list)
    """Author names, one per entry, without "By", titles or agency names."""

    language: str | None = None
    """Language of the article, ISO 639-1 code (e.g. "en")."""

    site_name: str | None = None
    """Name of the publishing site, e.g. from og:site_name or the JSON-LD publisher."""

    section: str | None = None
    """The site section the article is filed under, e.g. "World"."""

    tags: list[str] = attrs.field(factory=list)
    """Keywords or tags the page assigns to the article."""

    description: str | None = None
    """The page's summary of the article (meta description, og:description or JSON-LD)."""

    body: str | None = None
    """Article text: paragraphs and subheadings separated by a blank line; no headline, dateline, captions or boilerplate."""

    images: list[Image] = attrs.field(factory=list)
    """Images in the article, in page order, each with url, alt, caption and credit."""

    is_accessible_for_free: bool | None = None
    """False when the page marks the article as paywalled, true when it marks it free, null when unknown."""

    fetched_at: str | None = None
    """When the page was fetched, ISO 8601 UTC; stamped by the crawler (the WARC-Date of its record when archived), null for offline extraction of a saved page."""

    extractor_version: str | None = None
    """Version of newscrawl whose extractor produced this item."""

    warc_file: str | None = None
    """Name of the WARC file (in NEWSCRAWL_WARC_DIR) that holds the page's response; null when no archive was written."""

    warc_record_id: str | None = None
    """WARC-Record-ID of the page's response record in warc_file (a urn:uuid URI in angle brackets); null when no archive was written."""

    version: int | None = None
    """1 for the first record of an article, one more for each later record with changed text; null when the crawl keeps no state."""

    previous_fetched_at: str | None = None
    """fetched_at of the article's previous record (version - 1), ISO 8601 UTC; null for the first version."""

    duplicate_of: str | None = None
    """url of the first stored copy of a near-identical text (e.g. a syndicated wire story on another site); null when none is known."""

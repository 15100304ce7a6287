"""Publication dates: order of trust, normalisation, and the traps (header "today", teasers, copyright)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import lxml.html
import pytest

from newscrawl.extraction import dates
from newscrawl.extraction.dates import DateResult, find_dates, normalize_date
from newscrawl.extraction.metadata import parse_metadata

URL = "https://news.example.com/world/tram-line-extended"
RESPONSE_DATE = datetime(2022, 9, 7, 12, 0, tzinfo=UTC)
HEADER = """<header class="site-header"><div class="td-header-date">Monday, January 20, 2025</div>
<div class="current-date"><time datetime="2025-01-20">20.01.2025</time></div>
<nav><a href="/">Home</a></nav></header>"""
TEASERS = """<aside class="sidebar"><h3>Latest</h3><div class="post"><span class="date">January 19, 2025</span></div></aside>
<section class="related-posts"><article class="teaser"><h3>Other story</h3>
<time datetime="2025-01-18T08:00:00Z">January 18, 2025</time></article></section>"""
FOOTER = "<footer><p>© 2024 Example News. All rights reserved.</p></footer>"


def _dates(
    html: str,
    url: str = URL,
    *,
    root_xpath: str | None = None,
    response_date: datetime | None = None,
) -> DateResult:
    doc = lxml.html.document_fromstring(html)
    root = doc.xpath(root_xpath)[0] if root_xpath else None
    return find_dates(doc, parse_metadata(doc, url), url, article_root=root, response_date=response_date)


def _page(article: str, head: str = "", *, lang: str = "en") -> str:
    return f"""<html lang="{lang}"><head><title>T</title>{head}</head><body>{HEADER}
    <main><article><h1>Tram line extended</h1>{article}
    <div class="entry-content"><p>The city council voted on Tuesday to extend the tram line.</p></div>
    </article>{TEASERS}</main>{FOOTER}</body></html>"""


def _ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


# -- normalisation ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2022-09-07T10:15:00Z", "2022-09-07T10:15:00+00:00"),
        ("2022-09-07T10:15:00.123456Z", "2022-09-07T10:15:00+00:00"),
        ("2022-09-07T10:15:00+0000", "2022-09-07T10:15:00+00:00"),
        ("2022-09-07T10:15:00+02:00", "2022-09-07T10:15:00+02:00"),
        ("2022-09-07T10:15:00-0430", "2022-09-07T10:15:00-04:30"),
        ("2022-09-07T10:15", "2022-09-07T10:15:00"),
        ("2022-09-07 10:15:00", "2022-09-07T10:15:00"),
        ("2022-09-07", "2022-09-07"),
        ("20220907", "2022-09-07"),
        ("Wed, 07 Sep 2022 10:15:00 GMT", "2022-09-07T10:15:00+00:00"),
        ("Wed, 07 Sep 2022 10:15:00 +0200", "2022-09-07T10:15:00+02:00"),
        ("1662545700", "2022-09-07T10:15:00+00:00"),
    ],
)
def test_machine_dates_are_normalised(raw: str, expected: str) -> None:
    """ISO, RFC 2822 and epoch values keep their offset (Z/+0000 as +00:00), drop fractions, and keep date-only as a date."""
    assert normalize_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Published 7 September 2022", "2022-09-07"),
        ("Sept. 7, 2022 10:15 a.m. ET", "2022-09-07T10:15:00-04:00"),
        ("Jan. 5, 2023 3 p.m. ET", "2023-01-05T15:00:00-05:00"),
        ("7. September 2022, 10:15 Uhr", "2022-09-07T10:15:00"),
        ("07.09.2022", "2022-09-07"),
        ("7 septembre 2022 à 14h30", "2022-09-07T14:30:00"),
        ("7 de septiembre de 2022", "2022-09-07"),
        ("10:15 AM EDT, September 7, 2022", "2022-09-07T10:15:00-04:00"),
        ("13/07/2022", "2022-07-13"),
        ("7th of September 2022", "2022-09-07"),
        ("07.09.2022 10:15 UTC+2", "2022-09-07T10:15:00+02:00"),
        ("7 septembre 2022 à 10h30 et plus", "2022-09-07T10:30:00"),
        ("7. September 2022, 10:15 Uhr ist", "2022-09-07T10:15:00"),
    ],
)
def test_human_dates_are_parsed(raw: str, expected: str) -> None:
    """Dates written for readers become ISO 8601; US zones resolve by date; lowercase "et"/"ist" are words, not zones."""
    assert normalize_date(raw) == expected


@pytest.mark.parametrize("raw", ["1994-12-31", "2022-02-30", "not a date", "", "© 2022", "2022", "0000-00-00"])
def test_implausible_or_unparsable_values_are_rejected(raw: str) -> None:
    """Years before 1995, impossible days, lone years and text without a date give None."""
    assert normalize_date(raw) is None


def test_relative_dates_need_a_reference() -> None:
    """"2 hours ago" and its translations resolve only against a given response date."""
    assert normalize_date("2 hours ago") is None
    assert normalize_date("2 hours ago", RESPONSE_DATE) == "2022-09-07T10:00:00+00:00"
    assert normalize_date("il y a 2 heures", RESPONSE_DATE) == "2022-09-07T10:00:00+00:00"
    assert normalize_date("vor einer Stunde", RESPONSE_DATE) == "2022-09-07T11:00:00+00:00"
    assert normalize_date("3 days ago", RESPONSE_DATE) == "2022-09-04"
    assert normalize_date("yesterday", RESPONSE_DATE) == "2022-09-06"


def test_future_dates_are_rejected_against_the_reference() -> None:
    """A date days after the response date is not a publication date."""
    assert normalize_date("2025-01-20", RESPONSE_DATE) is None
    assert normalize_date("2022-09-08", RESPONSE_DATE) == "2022-09-08"


# -- order of trust ---------------------------------------------------------------------
def test_jsonld_wins_over_meta_and_keeps_raw() -> None:
    """JSON-LD datePublished is trusted first; the raw string is kept as given."""
    head = _ld({"@type": "NewsArticle", "datePublished": "2022-09-07T10:15:00Z", "dateModified": "2022-09-08"})
    head += '<meta property="article:published_time" content="2022-09-01T00:00:00+00:00">'
    result = _dates(_page("", head))
    assert result == DateResult(
        published="2022-09-07T10:15:00+00:00",
        published_raw="2022-09-07T10:15:00Z",
        source="json-ld",
        modified="2022-09-08",
    )


def test_jsonld_in_graph_with_list_type() -> None:
    """The article inside an @graph with a list of types provides the date."""
    head = _ld({"@graph": [{"@type": "WebSite"}, {"@type": ["NewsArticle", "Thing"], "datePublished": "2022-09-07"}]})
    result = _dates(_page("", head))
    assert (result.published, result.source) == ("2022-09-07", "json-ld")


def test_implausible_jsonld_falls_through_to_meta() -> None:
    """A JSON-LD date before 1995 is ignored and the meta tag is used."""
    head = _ld({"@type": "NewsArticle", "datePublished": "1970-01-01T00:00:00Z"})
    head += '<meta property="article:published_time" content="2022-09-07T10:15:00+02:00">'
    result = _dates(_page("", head))
    assert (result.published, result.source) == ("2022-09-07T10:15:00+02:00", "meta")


@pytest.mark.parametrize(
    "tag",
    [
        '<meta property="article:published_time" content="2022-09-07T10:15:00Z">',
        '<meta itemprop="datePublished" content="2022-09-07T10:15:00Z">',
        '<meta name="parsely-pub-date" content="2022-09-07T10:15:00Z">',
        '<meta name="DC.date.issued" content="2022-09-07T10:15:00Z">',
        '<meta name="sailthru.date" content="2022-09-07T10:15:00Z">',
    ],
)
def test_meta_aliases(tag: str) -> None:
    """Each known publication-date meta key is read, whatever its case."""
    result = _dates(_page("", tag))
    assert (result.published, result.source, result.published_raw) == (
        "2022-09-07T10:15:00+00:00", "meta", "2022-09-07T10:15:00Z",
    )


def test_modified_from_meta() -> None:
    """article:modified_time gives the modification date when JSON-LD has none."""
    head = '<meta property="article:modified_time" content="2022-09-08T09:00:00+01:00">'
    assert _dates(_page("", head)).modified == "2022-09-08T09:00:00+01:00"


def test_time_element_inside_the_article() -> None:
    """A <time datetime> in the article is used when there is no JSON-LD or meta date."""
    result = _dates(_page('<div class="entry-meta"><time datetime="2022-09-07T10:15:00+02:00">7 Sep</time></div>'))
    assert (result.published, result.source) == ("2022-09-07T10:15:00+02:00", "time")


def test_published_time_beats_updated_time() -> None:
    """A time marked "updated" is the modification date, not the publication date, even when it comes first."""
    article = (
        '<p>Updated: <time class="updated" datetime="2022-09-08T09:00:00Z">8 Sep</time></p>'
        '<time class="entry-date published" datetime="2022-09-07T10:15:00Z">7 Sep</time>'
    )
    result = _dates(_page(article))
    assert (result.published, result.modified) == ("2022-09-07T10:15:00+00:00", "2022-09-08T09:00:00+00:00")


def test_time_in_entry_header_is_found_from_a_narrow_article_root() -> None:
    """With article_root on the body text, the date in the article's own <header> is still found."""
    article = '<header class="entry-header"><time datetime="2022-09-07">7 September 2022</time></header>'
    result = _dates(_page(article), root_xpath="//div[@class='entry-content']")
    assert (result.published, result.source) == ("2022-09-07", "time")


def test_itemprop_date_published_on_a_span() -> None:
    """An element with itemprop=datePublished and a content attribute inside the article is read."""
    result = _dates(_page('<span itemprop="datePublished" content="2022-09-07T10:15:00Z">Sept 7</span>'))
    assert (result.published, result.source) == ("2022-09-07T10:15:00+00:00", "time")


# -- the traps ---------------------------------------------------------------------------
def test_header_today_widget_and_teasers_are_never_used() -> None:
    """A page whose only dates are the header's "today" widget, teasers, a sidebar and a copyright gets no date."""
    result = _dates(_page('<p class="byline">By Jane Doe</p>'))
    assert result == DateResult()


def test_header_widget_is_ignored_but_url_date_used() -> None:
    """With only a header widget and teasers on the page, the URL's date is used."""
    result = _dates(_page(""), "https://news.example.com/2022/09/07/tram-line-extended/")
    assert (result.published, result.published_raw, result.source) == ("2022-09-07", "2022/09/07", "url")


def test_header_widget_ignored_without_article_or_main() -> None:
    """On a page with neither <article> nor <main>, a date-classed header element and a top bar are not used."""
    html = """<html><body><div id="top-bar"><span class="date">Monday, January 20, 2025</span></div>
    <div id="header"><span class="date">January 20, 2025</span></div>
    <div class="wrap"><div class="post"><h1>Tram line extended</h1><p>Text of the story.</p></div>
    <div class="widget"><span class="date">January 19, 2025</span></div></div></body></html>"""
    assert _dates(html).published is None


def test_header_widget_ignored_when_article_root_is_the_whole_page_wrapper() -> None:
    """An article_root that wraps the site header too still never yields the header's date."""
    html = f"""<html><body><div id="page">{HEADER}<div class="content"><h1>Tram line extended</h1>
    <p>Text of the story.</p></div>{TEASERS}</div></body></html>"""
    assert _dates(html, root_xpath="//div[@id='page']").published is None


def test_teaser_article_dates_inside_main_are_ignored() -> None:
    """<article> teaser cards next to the main article never give it their date."""
    html = """<html><body><main><article class="story"><h1>Tram line extended</h1><p>Text.</p></article>
    <article><h2>Other</h2><time datetime="2025-01-18">Jan 18</time></article></main></body></html>"""
    assert _dates(html).published is None


def test_copyright_year_is_not_a_date() -> None:
    """A copyright notice inside the article (a year, no day) gives no date."""
    result = _dates(_page('<p class="meta">© 2022 Example News · Photo: AP</p>'))
    assert result.published is None


# -- byline and url ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("byline", "expected", "raw"),
    [
        ('<p class="byline">By Jane Doe | Published 7 September 2022</p>', "2022-09-07", "7 September 2022"),
        ('<div class="entry-meta">Sept. 7, 2022 10:15 a.m. ET</div>', "2022-09-07T10:15:00-04:00", "Sept. 7, 2022 10:15 a.m. ET"),
        ('<div class="meta">Von Max Muster, 07.09.2022</div>', "2022-09-07", "07.09.2022"),
        ('<span class="article-date">7. September 2022</span>', "2022-09-07", "7. September 2022"),
        ("<p>Published 7 September 2022</p>", "2022-09-07", "7 September 2022"),
    ],
)
def test_byline_dates(byline: str, expected: str, raw: str) -> None:
    """A date written in the byline / entry-meta text is parsed and its text kept as raw."""
    result = _dates(_page(byline))
    assert (result.published, result.published_raw, result.source) == (expected, raw, "byline")


def test_byline_date_just_after_the_h1_without_classes() -> None:
    """A plain line right after the headline ("By X · 7 Sep 2022") is read as the byline."""
    html = """<html><body><div class="post"><h1>Tram</h1><p>By Jane Doe · 7 Sep 2022</p><p>Text.</p></div></body></html>"""
    assert _dates(html).published == "2022-09-07"


def test_byline_skips_the_updated_date() -> None:
    """In "Updated ... Published ...", the published date is taken."""
    result = _dates(_page('<div class="post-meta">Updated Thursday, 8 September 2022 · Published 7 September 2022</div>'))
    assert result.published == "2022-09-07"


def test_relative_byline_date_needs_the_response_date() -> None:
    """"il y a 2 heures" in the byline resolves against the response date, and is ignored without it."""
    page = _page('<p class="byline">Par Jean Dupont, il y a 2 heures</p>', lang="fr")
    assert _dates(page).published is None
    result = _dates(page, response_date=RESPONSE_DATE)
    assert (result.published, result.published_raw, result.source) == ("2022-09-07T10:00:00+00:00", "il y a 2 heures", "byline")


def test_hours_ago_in_english() -> None:
    """"2 hours ago" in an English byline resolves against the response date."""
    result = _dates(_page('<span class="timestamp">2 hours ago</span>'), response_date=RESPONSE_DATE)
    assert result.published == "2022-09-07T10:00:00+00:00"


def test_slash_dates_follow_page_language() -> None:
    """09/07/2022 is September 7 on an en-US page and 9 July on a British one."""
    byline = '<p class="byline">09/07/2022</p>'
    assert _dates(_page(byline, lang="en-US")).published == "2022-09-07"
    assert _dates(_page(byline, lang="en-GB")).published == "2022-07-09"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/2022/09/07/slug/", "2022-09-07"),
        ("https://example.com/news/2022-09-07/slug", "2022-09-07"),
        ("https://example.com/news/2022-09-07-slug.html", "2022-09-07"),
        ("https://example.com/news/slug-123456", None),
        ("https://example.com/2022/13/45/slug", None),
    ],
)
def test_url_dates(url: str, expected: str | None) -> None:
    """A /YYYY/MM/DD/ or YYYY-MM-DD date in the URL path is the last resort; impossible dates are ignored."""
    html = "<html><body><main><h1>T</h1><p>Text.</p></main></body></html>"
    assert _dates(html, url).published == expected


def test_month_names_are_unambiguous() -> None:
    """No spelling in the month vocabulary names two different months."""
    assert dates._month_numbers()["sept"] == 9
    assert dates._month_numbers()["mai"] == 5


def test_unmarked_teaser_list_after_the_article_is_not_read() -> None:
    """In <main>, dates in an unmarked list that follows the article are never the article's date."""
    html = """<html><body><main><article><h1>Tram line extended</h1><p>Text.</p></article>
    <div class="list"><div class="item"><a href="/x">Other</a><time datetime="2025-01-18">Jan 18</time></div></div>
    </main></body></html>"""
    assert _dates(html).published is None


def test_posted_on_in_the_article_footer_is_read() -> None:
    """A "Posted on" date in the article's own <footer> is found."""
    html = """<html><body><main><article><h1>Tram line extended</h1><p>Text.</p>
    <footer class="entry-footer"><span class="posted-on">Posted on September 7, 2022</span></footer>
    </article></main></body></html>"""
    result = _dates(html)
    assert (result.published, result.source) == ("2022-09-07", "byline")


def test_a_date_in_the_first_body_sentence_is_not_a_byline() -> None:
    """A long unmarked paragraph after the h1 mentioning an event date is body text, not the byline."""
    html = """<html><body><div class="post"><h1>Tram</h1><p>On 3 March 2021 the council first debated the
    tram line extension to the northern suburbs, and residents have argued about it ever since then.</p>
    </div></body></html>"""
    assert _dates(html).published is None


def test_comments_in_the_tree_are_harmless() -> None:
    """Comment nodes (kept by the default parser) inside the article do not break the search."""
    result = _dates(_page('<!-- meta --><div class="entry-meta"><!-- x -->Posted <!-- y -->7 Sep 2022</div>'))
    assert result.published == "2022-09-07"

"""Author names: cleaning raw values, reading bylines, finding the byline in markup."""

from __future__ import annotations

import lxml.html
import pytest

from newscrawl.extraction.authors import authors_from_byline, clean_authors, find_byline


def _doc(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


# -- authors_from_byline ----------------------------------------------------------
@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By JAMEY KEATEN Associated Press", ["Jamey Keaten"]),
        ("By Jane Doe and John Roe, Reuters", ["Jane Doe", "John Roe"]),
        ("Von Max Muster und Erika Musterfrau, dpa", ["Max Muster", "Erika Musterfrau"]),
        ("Par Jean Dupont et Marie Curie, AFP", ["Jean Dupont", "Marie Curie"]),
        ("Por José García y Ana López, EFE", ["José García", "Ana López"]),
        ("By Jane Doe & John Roe", ["Jane Doe", "John Roe"]),
        ("BY JAMEY KEATEN AND JOHN ROE", ["Jamey Keaten", "John Roe"]),
        ("By Jane Doe, AFP", ["Jane Doe"]),
        ("Jane Doe, The Associated Press", ["Jane Doe"]),
        ("Jane Doe/Reuters", ["Jane Doe"]),
    ],
)
def test_byline_gives_names_without_prefix_or_agency(byline: str, names: list[str]) -> None:
    """A byline in en/de/fr/es gives its names without "By"/"Von"/"Par"/"Por" and without the agency."""
    assert authors_from_byline(byline) == names


def test_ap_title_after_the_name_is_cut() -> None:
    """AP's "NAME AP Diplomatic Writer" keeps only the recased name."""
    assert authors_from_byline("By MATTHEW LEE AP Diplomatic Writer") == ["Matthew Lee"]


def test_byline_with_date_keeps_only_the_name() -> None:
    """A date and an "Updated" stamp after the name are not names."""
    assert authors_from_byline("By Jane Doe | Updated 3:45 PM EST, January 20, 2025") == ["Jane Doe"]
    assert authors_from_byline("By Jane Doe on Monday, Jan 20, 2025") == ["Jane Doe"]


def test_editors_in_a_reuters_credit_line_are_not_authors() -> None:
    """"Editing by" credits an editor, not an author."""
    assert authors_from_byline("Reporting by Jane Doe; Editing by John Roe") == ["Jane Doe"]


def test_spanish_double_surname_is_not_split() -> None:
    """"García y Pérez" is one double surname, not two people."""
    assert authors_from_byline("Por José García y Pérez") == ["José García y Pérez"]


def test_von_as_a_first_name_is_kept() -> None:
    """"Von Miller" is a name, not the German byline prefix."""
    assert authors_from_byline("Von Miller") == ["Von Miller"]


@pytest.mark.parametrize(
    "sentence",
    ["By the way, Tom said", "By Tuesday, Smith had resigned", "By 2030, Germany wants more trams"],
)
def test_sentence_starting_with_by_gives_no_name(sentence: str) -> None:
    """A sentence that starts with "By" ("By the way, Tom said", "By Tuesday, …") holds no author."""
    assert authors_from_byline(sentence) == []


def test_publication_after_the_name_is_dropped() -> None:
    """A publication named after the author ("The Washington Post") is not a second author."""
    assert authors_from_byline("By Jane Doe, The Washington Post") == ["Jane Doe"]


# -- clean_authors --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("Jane Doe, Senior Correspondent", ["Jane Doe"]),
        ("Senior Correspondent Jane Doe", ["Jane Doe"]),
        ("Jane Doe Staff Writer", ["Jane Doe"]),
        ("Jane Doe - Staff Writer", ["Jane Doe"]),
        ("By JANE DOE, STAFF WRITER", ["Jane Doe"]),
        ("Jane Doe, Religion Writer", ["Jane Doe"]),
        ("Jane Doe, Editor", ["Jane Doe"]),
        ("Jane Doe, Reporter", ["Jane Doe"]),
        ("Jane Doe, Contributor", ["Jane Doe"]),
        ("Jane Doe for The Guardian", ["Jane Doe"]),
        ("Jane Doe, Special to The Washington Post", ["Jane Doe"]),
        ("Jane Doe Updated 2 hours ago", ["Jane Doe"]),
        ("Author: Jane Doe", ["Jane Doe"]),
        ("Written by Jane Doe", ["Jane Doe"]),
    ],
)
def test_titles_roles_and_prefixes_are_stripped(raw: str, names: list[str]) -> None:
    """Job titles, roles, "for X", "Special to X", "Updated" and byline prefixes are stripped from a name."""
    assert clean_authors([raw]) == names


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("Jane Doe (@janedoe)", ["Jane Doe"]),
        ("Jane Doe jane.doe@example.com", ["Jane Doe"]),
        ("Jane Doe https://twitter.com/janedoe", ["Jane Doe"]),
        ("jane@example.com", []),
        ("https://example.com/author/jane-doe/", []),
        ("www.example.com", []),
    ],
)
def test_emails_handles_and_urls_are_removed(raw: str, names: list[str]) -> None:
    """E-mail addresses, @handles and URLs are removed, and a value that is only one gives nothing."""
    assert clean_authors([raw]) == names


@pytest.mark.parametrize(
    "raw",
    [
        "Staff", "admin", "Editorial Team", "News Desk", "Web Desk", "Reuters",
        "The Associated Press", "Associated Press", "AFP", "dpa", "AP", "Reuters Staff",
        "AP Photo", "example.com", "NYTimes.com", "Fox News", "Example Media", "jdoe",
        "Breaking News 24", "One Two Three Four Five Six", "Editor",
    ],
)
def test_values_that_are_not_a_person_are_dropped(raw: str) -> None:
    """Agencies, desks, staff labels, sites, usernames and non-name shapes give no name."""
    assert clean_authors([raw]) == []


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("JAMEY KEATEN", "Jamey Keaten"),
        ("MCDONALD", "McDonald"),
        ("SEAN O'BRIEN", "Sean O'Brien"),
        ("ANNA SMITH-JONES", "Anna Smith-Jones"),
        ("LUDWIG VAN BEETHOVEN", "Ludwig van Beethoven"),
        ("J.R. SMITH", "J.R. Smith"),
        ("HENRY FORD III", "Henry Ford III"),
        ("JOHN E SMITH", "John E Smith"),
        ("JOSÉ GARCÍA Y PÉREZ", "José García y Pérez"),
    ],
)
def test_all_caps_names_are_recased(raw: str, name: str) -> None:
    """An ALL-CAPS name is recased, with Mc, O', hyphenated parts, particles and initials handled."""
    assert clean_authors([raw]) == [name]


def test_mixed_case_names_are_left_alone() -> None:
    """A name already in mixed case ("Ani DiFranco") keeps its casing."""
    assert clean_authors(["Ani DiFranco", "Wafa Ahmed"]) == ["Ani DiFranco", "Wafa Ahmed"]


def test_agency_word_inside_a_two_word_name_is_kept() -> None:
    """An agency name that is a surname after a single first name ("Michael Bloomberg") is not cut."""
    assert clean_authors(["Michael Bloomberg"]) == ["Michael Bloomberg"]


def test_names_are_deduplicated_case_insensitively_in_order() -> None:
    """The same name in different cases is kept once, at its first position."""
    assert clean_authors(["Jane Doe", "JANE DOE", "John Roe", "jane doe", "By Jane Doe"]) == ["Jane Doe", "John Roe"]


def test_generational_suffix_stays_with_its_name() -> None:
    """"Jr." after a comma belongs to the name before it."""
    assert clean_authors(["Martin Luther King, Jr."]) == ["Martin Luther King Jr."]


def test_several_values_are_cleaned_and_joined() -> None:
    """Names from several raw values come out in order, each cleaned."""
    assert clean_authors(["By Jane Doe", "Staff", "John Roe, Reuters", ""]) == ["Jane Doe", "John Roe"]


def test_name_of_sixty_characters_or_more_is_dropped() -> None:
    """A "name" of 60 characters or more is not a name."""
    assert clean_authors(["Bartholomew Maximilian Fitzgerald-Worthington Montgomery-Smythe"]) == []


# -- find_byline ----------------------------------------------------------------------
def _page(header: str, body: str = "<p>Text of the article.</p>", extra: str = "") -> str:
    return f"""<html><body><article><header><h1>Headline</h1>{header}</header>
    <div class="entry-content">{body}</div>{extra}</article></body></html>"""


def _root(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    return doc.xpath("//div[@class='entry-content']")[0]


def test_byline_class_near_the_headline() -> None:
    """A ".byline" element in the article header is found when the root is only the text container."""
    doc = _doc(_page('<div class="byline">By <a href="/a/jane">Jane Doe</a> | Jan 20, 2025</div>'))
    text = find_byline(_root(doc), doc)
    assert text == "By Jane Doe | Jan 20, 2025"
    assert authors_from_byline(text) == ["Jane Doe"]


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ('<p class="byline">By <a href="/a/jane">Jane Doe</a><br>Music Editor</p>', ["Jane Doe"]),
        ('<div class="byline">By Jane Doe<br/>Associated Press</div>', ["Jane Doe"]),
        ("<p>By Jane Doe and John Roe<br>Updated Jan. 20, 2025</p>", ["Jane Doe", "John Roe"]),
    ],
)
def test_a_line_break_ends_the_names_in_a_byline(line: str, names: list[str]) -> None:
    """What follows a <br> in a byline (a job title, an agency, a date) is a clause of its own, not part of a name."""
    doc = _doc(_page(line))
    assert authors_from_byline(find_byline(_root(doc), doc) or "") == names


def test_rel_author_links_are_joined() -> None:
    """Several rel=author links give one byline holding every name."""
    doc = _doc(_page('<p class="meta">Posted by <a rel="author" href="/a">Jane Doe</a> and '
                     '<a rel="author" href="/b">John Roe</a></p>'))
    assert authors_from_byline(find_byline(_root(doc), doc) or "") == ["Jane Doe", "John Roe"]


def test_itemprop_author_name_is_used() -> None:
    """An itemprop=author block gives its itemprop=name text, not the whole block."""
    doc = _doc(_page('<div itemprop="author" itemscope><img src="/a.jpg"><span itemprop="name">Jane Doe</span>'
                     '<span itemprop="jobTitle">Senior Writer</span></div>'))
    assert find_byline(_root(doc), doc) == "Jane Doe"


@pytest.mark.parametrize(
    "markup",
    [
        '<span class="author">Jane Doe</span>',
        '<span class="author-name">Jane Doe</span>',
        '<span class="entry-author">Jane Doe</span>',
        '<span class="by-author">Jane Doe</span>',
        '<span class="posted-by">Jane Doe</span>',
        '<address class="author">Jane Doe</address>',
        "<p>By Jane Doe</p>",
        "<p><span>By</span> <a href='/a/jane'>Jane Doe</a></p>",
    ],
)
def test_common_author_markup_is_found(markup: str) -> None:
    """Each common author markup, or a short line starting with "By ", gives the byline."""
    doc = _doc(_page(markup))
    assert authors_from_byline(find_byline(_root(doc), doc) or "") == ["Jane Doe"]


def test_byline_inside_the_article_root() -> None:
    """A byline inside the root passed in is found there."""
    doc = _doc("<html><body><div id='c'><p class='byline'>By Jane Doe</p><p>Text.</p></div></body></html>")
    assert find_byline(doc.get_element_by_id("c"), doc) == "By Jane Doe"


def test_author_bio_box_is_skipped() -> None:
    """An author bio box (author-box) at the end of the article is not the byline."""
    bio = ('<div class="author-box"><span class="author-name">Jane Doe</span>'
           "<p>Jane Doe has covered Geneva for ten years.</p></div>")
    doc = _doc(_page("", body="<p>Text of the article.</p>" + bio))
    assert find_byline(_root(doc), doc) is None


def test_comment_authors_are_skipped() -> None:
    """Names of commenters inside #comments are not the byline."""
    comments = ('<div id="comments"><div class="comment"><span class="author">Troll99 Smith</span>'
                "<p>By the way this is wrong.</p></div></div>")
    doc = _doc(_page('<span class="author">Jane Doe</span>', extra=comments))
    assert find_byline(_root(doc), doc) == "Jane Doe"


def test_related_teaser_authors_are_skipped() -> None:
    """Author names on related-article teasers inside the root are not the byline."""
    related = ('<div class="jp-relatedposts"><div class="teaser-card"><span class="author">John Roe</span></div></div>')
    doc = _doc(_page("", body="<p>Text of the article.</p>" + related))
    assert find_byline(_root(doc), doc) is None


def test_long_by_paragraph_is_not_a_byline() -> None:
    """A paragraph of body text that starts with "By" is too long to be a byline."""
    long_text = "By " + "the end of the week the council had agreed to extend the tram line. " * 3
    doc = _doc(_page("", body=f"<p>{long_text}</p>"))
    assert find_byline(_root(doc), doc) is None


def test_byline_without_a_name_falls_through_to_author_markup() -> None:
    """A ".byline" that only holds a date is passed over for markup that names the author."""
    doc = _doc(_page('<div class="byline">January 20, 2025</div><span class="author-name">Jane Doe</span>'))
    assert find_byline(_root(doc), doc) == "Jane Doe"


def test_no_root_uses_the_headline_container() -> None:
    """Without an article root, the byline is looked for around the headline."""
    doc = _doc(_page('<p class="byline">By Jane Doe</p>'))
    assert find_byline(None, doc) == "By Jane Doe"


def test_page_without_byline_gives_none() -> None:
    """A page with no author markup and no "By" line gives None."""
    doc = _doc(_page("<time>Jan 20, 2025</time>"))
    assert find_byline(_root(doc), doc) is None

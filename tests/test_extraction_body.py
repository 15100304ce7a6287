"""Body extraction: pruning furniture, trafilatura, paragraph-level cleaning."""

from __future__ import annotations

import lxml.html
import pytest

from newscrawl.extraction import body
from newscrawl.extraction.vocabulary import boilerplate

PROSE = (
    "The city council voted on Tuesday to extend the tram line to the northern suburbs, "
    "ending a debate that had run for more than a decade and divided residents. "
)


def _doc(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def _page(article: str, extra: str = "") -> str:
    return f"""<html><head><title>T</title></head><body>
    <header><div class="td-header-date">Monday, January 20, 2025</div><nav><a href="/">Home</a></nav></header>
    <main><article><h1>Tram line extended</h1><div class="entry-content">{article}</div></article>{extra}</main>
    <footer>Copyright 2025 Example News. All rights reserved.</footer></body></html>"""


def _body(html: str) -> list[str]:
    tree = body.prune_tree(_doc(html))
    return body.clean_blocks(body.main_text_blocks(tree, "https://example.com/a"))


def test_shortcodes_and_source_link_are_removed() -> None:
    """Unrendered [ad_N] shortcodes and a "Source link" trailer never reach the body."""
    html = _page(
        f"<p>[ad_1]</p><p>{PROSE * 2}</p><p>{PROSE}Second paragraph.</p><p>[ad_2]</p>"
        '<p><a href="https://wire.example/x">Source link</a></p>'
    )
    blocks = _body(html)
    assert blocks == [normalize(PROSE * 2), normalize(PROSE + "Second paragraph.")]


def normalize(text: str) -> str:
    return " ".join(text.split())


def test_inline_shortcode_is_stripped_from_a_paragraph() -> None:
    """A shortcode inside a paragraph is cut out and the paragraph kept."""
    assert body.clean_blocks([f"[ad_3] {PROSE}"]) == [normalize(PROSE)]


def test_related_articles_block_after_the_text_is_cut() -> None:
    """A "Related Articles" heading late in the text ends the body, teasers included."""
    blocks = [PROSE, PROSE + "2", PROSE + "3", "Related Articles", "Teaser one headline", "Teaser two"]
    assert body.clean_blocks(blocks) == [normalize(PROSE), normalize(PROSE + "2"), normalize(PROSE + "3")]


def test_related_heading_early_is_dropped_alone() -> None:
    """A related-links heading near the start is dropped without cutting the article."""
    blocks = ["Related", PROSE, PROSE + "2"]
    assert body.clean_blocks(blocks) == [normalize(PROSE), normalize(PROSE + "2")]


@pytest.mark.parametrize(
    "line",
    [
        "Advertisement", "Anzeige", "Publicité", "Publicidad", "Story continues below advertisement",
        "Read more: Council approves budget", "Lesen Sie auch: Die Bahn streikt", "Lire aussi : la grève",
        "Leer más: la huelga", "Follow us on Twitter", "Sign up for our newsletter",
        "© 2025 Example Media. All rights reserved.", "Source link", "12 Comments", "3 Kommentare",
        "1.2K shares", "5 min read", "paul.reporter@example.com", "twitter.com/paulreporter",
        "Reach the reporters on Twitter at https://twitter.com/x", "Copyright ⓒ Example Media", "We use cookies to improve your experience. Accept",
        "- Nov. 18th 2019 8:54 am PT", "Tempo de leitura: 1 minuto", "Lesezeit: 3 Minuten",
    ],
)
def test_boilerplate_lines_in_four_languages_are_dropped(line: str) -> None:
    """Ad labels, read-more lead-ins, newsletter prompts and copyright lines are not article text."""
    assert body.clean_blocks([PROSE, line, PROSE + "2"]) == [normalize(PROSE), normalize(PROSE + "2")]


def test_a_widgets_button_label_is_cut_from_the_end_of_its_text() -> None:
    """A tweetable quote keeps its text and loses the "Click To Tweet" its button glued on; a label alone goes."""
    quote = "Every online business exists in the space-time continuum."
    assert body.clean_blocks([PROSE, f"{quote}Click To Tweet", "Click to tweet", f"{PROSE}We tweet daily."]) == [
        normalize(PROSE), quote, normalize(f"{PROSE}We tweet daily."),
    ]


def test_ordinary_sentences_mentioning_boilerplate_words_are_kept() -> None:
    """A long paragraph that merely mentions advertising or newsletters stays."""
    text = ("Advertisement revenue at the paper fell by a third, the publisher said, and the "
            "newsletter team was cut as the company sought to read more into reader data.") * 2
    assert body.clean_blocks([text]) == [normalize(text)]


def test_caption_and_headline_are_not_body() -> None:
    """Paragraphs equal to a caption, and a leading copy of the headline, are dropped."""
    blocks = ["Tram line extended", "Michelle Bachelet (Mahmud Hossain Opu/AP)", PROSE]
    cleaned = body.clean_blocks(
        blocks, headline="Tram line extended", captions=["Michelle Bachelet (Mahmud Hossain Opu/AP)"]
    )
    assert cleaned == [normalize(PROSE)]


def test_share_bar_author_box_and_comment_form_are_pruned() -> None:
    """Share bars, author boxes and comment forms are removed before the main-content search."""
    html = _page(
        f"<p>{PROSE * 2}</p><div class='share-buttons'>Share on Facebook Tweet WhatsApp</div>"
        f"<p>{PROSE}End.</p><div class='author-box'>Jane writes about transport for the paper since 2001.</div>",
        extra="<div id='respond' class='comment-respond'><h3>Leave a Reply</h3><form><textarea></textarea></form></div>",
    )
    text = " ".join(_body(html))
    assert "Share on Facebook" not in text
    assert "writes about transport" not in text
    assert "Leave a Reply" not in text
    assert text.endswith("End.")


def test_layout_class_naming_sidebar_does_not_remove_the_article() -> None:
    """A wrapper whose class mentions 'sidebar' but holds the article's prose is kept."""
    html = f"""<html><body><div class="container has-sidebar penci_sidebar">
      <article><h1>H</h1><p>{PROSE * 2}</p><p>{PROSE * 2}</p><p>{PROSE * 2}</p></article>
      <div class="sidebar"><p>Popular: something else entirely that is long enough to be prose, yes indeed it is.</p></div>
    </div></body></html>"""
    tree = body.prune_tree(_doc(html))
    assert PROSE.strip()[:50] in tree.text_content()
    assert "Popular: something" not in tree.text_content()


def test_captions_are_pruned_from_the_text() -> None:
    """figcaption and WordPress caption text never become body paragraphs."""
    html = _page(
        f"<p>{PROSE * 2}</p><figure><img src='a.jpg' alt='x'><figcaption>Crowds at the station (Photo: J. Doe)</figcaption></figure>"
        f"<div class='wp-caption'><img src='b.jpg'><p class='wp-caption-text'>The new tram</p></div><p>{PROSE}</p>"
    )
    text = " ".join(_body(html))
    assert "Crowds at the station" not in text
    assert "The new tram" not in text


def test_html_comments_do_not_split_the_article() -> None:
    """Comments inside the article are dropped at parse time and do not hide paragraphs."""
    from newscrawl.extraction.pages import parse_html  # noqa: PLC0415

    paras = "".join(f"<p>{PROSE}Paragraph {i}.</p><!-- ad slot {i} -->" for i in range(8))
    doc = parse_html(_page(paras).encode())
    text = " ".join(body.clean_blocks(body.main_text_blocks(body.prune_tree(doc), None)))
    assert all(f"Paragraph {i}." in text for i in range(8))


def test_line_breaks_separate_words() -> None:
    """Lines split by <br> inside a paragraph stay apart: "FL<br>June 10" is "FL June 10", never "FLJune 10"."""
    from newscrawl.extraction.pages import parse_html  # noqa: PLC0415

    dates = "<p><strong>Tour dates:</strong><br>June 9 – Sky Arena, Tampa, FL<br>June 10 – Lakeside, Orlando, FL<br/>June 12</p>"
    doc = parse_html(_page("".join(f"<p>{PROSE}Paragraph {i}.</p>" for i in range(4)) + dates))
    blocks = body.clean_blocks(body.main_text_blocks(body.prune_tree(doc), None))
    assert "Tour dates: June 9 – Sky Arena, Tampa, FL June 10 – Lakeside, Orlando, FL June 12" in blocks


def test_a_page_laid_out_in_a_table_keeps_its_paragraphs_apart() -> None:
    """A table cell holding the article's paragraphs is read paragraph by paragraph; a data table stays one row a block."""
    from newscrawl.extraction.pages import parse_html  # noqa: PLC0415

    paras = "\n".join(f"<p>{PROSE}Paragraph {i}.</p>" for i in range(6))
    data = "<table><tr><td><p>Line</p></td><td>Stops</td></tr><tr><td><p>North</p></td><td>12</td></tr></table>"
    page = f"""<html><head><title>T</title></head><body><table width="100%"><tr>
    <td class="nav"><a href="/">Home</a><br><a href="/news/">News</a></td>
    <td class="main"><h1>Tram line extended</h1>\n{paras}\n{data}\n<p>{PROSE}The end.</p></td></tr></table></body></html>"""
    blocks = body.clean_blocks(body.main_text_blocks(body.prune_tree(parse_html(page)), None))
    assert [b for b in blocks if b.startswith(PROSE[:20])] == [f"{PROSE}Paragraph {i}." for i in range(6)] + [f"{PROSE}The end."]
    assert "Line | Stops" in blocks and "North | 12" in blocks


def test_quoted_paragraphs_and_nested_list_items_stay_apart() -> None:
    """A blockquote of several paragraphs gives a block each (a tweet's attribution too); a nested list's items are blocks of their own."""
    from newscrawl.extraction.pages import parse_html  # noqa: PLC0415

    quote = "<blockquote><p>The first quoted paragraph ends here.</p><p>The second one starts here.</p></blockquote>"
    tweet = ('<blockquote class="twitter-tweet"><p>The tram is finally coming north!</p>'
             '— Northside Residents (@northside) <a href="https://twitter.com/x">March 4, 2025</a></blockquote>')
    nested = "<ul><li>What the council decided:<ul><li>Extend the line</li><li>Add two stops</li></ul></li><li>Next steps</li></ul>"
    paras = "".join(f"<p>{PROSE}Paragraph {i}.</p>" for i in range(4))
    blocks = body.clean_blocks(body.main_text_blocks(body.prune_tree(parse_html(_page(paras + quote + tweet + nested))), None))
    assert "The first quoted paragraph ends here." in blocks and "The second one starts here." in blocks
    assert "The tram is finally coming north!" in blocks and "— Northside Residents (@northside) March 4, 2025" in blocks
    assert ["What the council decided:", "Extend the line", "Add two stops", "Next steps"] == [
        b for b in blocks if b in ("What the council decided:", "Extend the line", "Add two stops", "Next steps")
    ]


def test_find_article_root_is_the_article_element() -> None:
    """The article root is the <article> holding the text, so its figures belong to it."""
    html = _page(f"<p>{PROSE * 2}</p><p>{PROSE}Two.</p>")
    doc = _doc(html)
    root = body.find_article_root(doc, [normalize(PROSE * 2), normalize(PROSE + "Two.")])
    assert root is not None
    assert root.tag == "article"


def test_empty_vocabulary_group_is_refused() -> None:
    """Building a matcher from an empty vocabulary group is an error, not a silent no-op."""
    with pytest.raises(ValueError, match="empty"):
        boilerplate.alt(())


def test_article_split_into_sibling_chunks_is_read_whole() -> None:
    """An article rendered as several same-class sibling blocks between ads is read in full."""
    chunks = "".join(
        f"<div class='story-chunk body'><p>{PROSE}Chunk {i} first.</p><p>{PROSE}Chunk {i} second.</p></div>"
        f"<div class='ad-break'>Advertisement</div>"
        for i in range(4)
    )
    html = f"<html><body><article><h1>H</h1><div class='chunks'>{chunks}</div></article></body></html>"
    doc = _doc(html)
    text = " ".join(body.extract_blocks(doc, None))
    for i in range(4):
        assert f"Chunk {i} first." in text
        assert f"Chunk {i} second." in text
    assert text.index("Chunk 0 first.") < text.index("Chunk 3 second.")
    assert "Advertisement" not in text


def test_date_lines_are_not_body() -> None:
    """Lines that only give a date or an update time are dropped; sentences with dates stay."""
    assert body.is_date_line("Updated at 1:23 p.m.")
    assert body.is_date_line("segunda-feira, 22 de janeiro de 2018 às 0:13")
    assert body.is_date_line("Monday, January 20, 2025")
    assert not body.is_date_line("On Monday, January 20, 2025, the council met again.")
    assert body.is_date_line("Last updated: 7 Sept 2022, 10:15 GMT")
    assert not body.is_date_line("Published reports say 12 people died.")


def test_link_only_paragraphs_and_attribute_shortcodes_are_dropped() -> None:
    """A paragraph that is only a link to another story, and [button ...][/button] shortcodes, go."""
    html = _page(
        f"<p>{PROSE * 2}</p><p><a href='/other'><strong>SEAN SPICER ELIMINATED FROM THE SHOW</strong></a></p>"
        f"<p>{PROSE}Last.</p><p>[button link=\"/submit\" type=\"big\"] Send us YOUR review[/button]</p>"
    )
    text = " ".join(body.extract_blocks(_doc(html), None))
    assert "SEAN SPICER" not in text
    assert "[button" not in text and "[/button]" not in text
    assert text.count("Last.") == 1


def test_teaser_excerpts_after_the_article_are_cut() -> None:
    """Two or more long paragraphs cut off with an ellipsis are other posts' excerpts: the body ends before them."""
    excerpt = PROSE * 2 + "and then the story goes on in a way the reader must click to …"
    blocks = [PROSE * 2, PROSE + "End of the article.", excerpt, "Another title", excerpt.replace("city", "town")]
    assert body.clean_blocks(blocks) == [normalize(PROSE * 2), normalize(PROSE + "End of the article.")]


def test_one_trailing_ellipsis_is_the_authors_style() -> None:
    """A single paragraph ending in an ellipsis stays: it is how the author wrote it."""
    blocks = [PROSE * 2, PROSE * 2 + "and what happened next surprised everyone …", PROSE + "Then it ended."]
    assert len(body.clean_blocks(blocks)) == 3

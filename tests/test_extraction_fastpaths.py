"""Speed-ups in extraction (issue 8) give exactly what the slower code they replaced gave.

Each fast path is checked against the replaced implementation, kept here
as the reference, on the fixture pages and on inputs built to hit its
edge cases.
"""

from __future__ import annotations

import copy
import random
import re
import sys

import lxml.html
import pytest
from conftest import ROOT

from newscrawl.extraction import body as body_mod
from newscrawl.extraction import captions as captions_mod
from newscrawl.extraction import pages as pages_mod
from newscrawl.extraction.pages import parse_html, paywall_evidence
from newscrawl.extraction.text import normalize_space
from newscrawl.extraction.vocabulary import boilerplate as bp

FIXTURE_PAGES = sorted((ROOT / "fixtures").glob("newscrawl.extraction.pages.GenericArticlePage/*/inputs/HttpResponse-body.html"))

_OLD_PAYWALL_XPATH = " | ".join(f"//*[contains(@class, '{m}') or contains(@id, '{m}')]" for m in bp.PAYWALL_MARKERS)
_OLD_PROMPT_RE = re.compile(bp.alt(bp.PAYWALL_PROMPTS), re.IGNORECASE)
_OLD_CAPTION_XPATH = (
    "//figcaption | //*[contains(concat(' ', normalize-space(@class), ' '), ' wp-caption-text ')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' caption ')]"
)


def old_paywall_evidence(doc: lxml.html.HtmlElement) -> bool:
    """The XPath-and-IGNORECASE implementation the fast one replaced."""
    if doc.xpath(_OLD_PAYWALL_XPATH):
        return True
    body = doc.find("body")
    return body is not None and bool(_OLD_PROMPT_RE.search(body.text_content()))


def test_lowercase_prompt_search_agrees_with_ignorecase_outside_the_traps() -> None:
    """For every Unicode character but the listed traps, matching a prompt letter by str.lower() equals re.IGNORECASE."""
    traps = set(pages_mod._CASE_FOLD_TRAPS_RE.pattern.strip("[]"))
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF and chr(c) not in traps)
    lowered = [c.lower() for c in everything]
    assert all(len(low) == 1 for low in lowered)  # lowercasing keeps text positions aligned
    alphabet = set("".join(p.lower() for p in bp.PAYWALL_PROMPTS))
    for letter in alphabet:
        by_ignorecase = {m.start() for m in re.finditer(re.escape(letter), everything, re.IGNORECASE)}
        by_lower = {i for i, low in enumerate(lowered) if low == letter}
        assert by_ignorecase == by_lower, letter


@pytest.mark.parametrize(
    "html",
    [
        '<html><body><div class="article-paywall">x</div></body></html>',
        '<html><body><div id="piano-offer-1">x</div></body></html>',
        '<html><body><div class="PAYWALL">x</div><p>Read on.</p></body></html>',  # markers are case-sensitive
        "<html><body><p>Already a SUBSCRIBER? Sign in.</p></body></html>",
        "<html><body><p>already a \u017fubscriber? (long s)</p></body></html>",
        "<html><body><p>S\u0130GN IN TO READ the rest</p></body></html>",
        "<html><body><p>R\u00c9SERV\u00c9 AUX ABONN\u00c9S</p></body></html>",
        "<html><body><p>subscribe\nto read</p></body></html>",
        "<html><head><title>Subscribe to read</title></head><body><p>Free text.</p></body></html>",
    ],
)
def test_paywall_evidence_equals_the_xpath_implementation(html: str) -> None:
    """The one-pass marker search and the lowercase prompt search answer as the old XPath/IGNORECASE code did."""
    doc = parse_html(html)
    assert paywall_evidence(doc) is old_paywall_evidence(doc)


def test_paywall_evidence_equals_the_xpath_implementation_on_every_fixture() -> None:
    """On every fixture page the fast paywall check gives the old answer (both answers occur)."""
    answers = []
    for path in FIXTURE_PAGES:
        doc = parse_html(path.read_bytes())
        assert paywall_evidence(doc) is old_paywall_evidence(doc), path.parent.parent.name
        answers.append(old_paywall_evidence(doc))
    assert True in answers
    assert False in answers


def test_head_equals_normalising_the_whole_text() -> None:
    """_head(text, n) is normalize_space(text)[:n] for texts with whitespace runs, nbsp and padding at every length."""
    rng = random.Random(8)
    pieces = ["word", "a", " ", "  ", "\n\t", "\u00a0", "\u2003", "é", "x" * 30]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 120)))
        for n in (1, 40, 80, 151):
            assert body_mod._head(text, n) == normalize_space(text)[:n]


def _caption_elements(doc: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return [el for el in doc.iter() if isinstance(el.tag, str) and body_mod._is_caption(el, el.tag)]


@pytest.mark.parametrize(
    "classes",
    ["caption", " caption ", "photo caption", "caption\tcredit", "x\ncaption", "captions", "Caption",
     "wp-caption-text", "wp-caption", "caption\x0cnote", "\x0ccaption", "image-caption"],
)
def test_caption_elements_equal_the_xpath(classes: str) -> None:
    """Caption elements found in one Python pass are the XPath's, in the same order (XPath whitespace rules)."""
    doc = lxml.html.fromstring(
        f'<html><body><figure><img src="a.jpg"><figcaption>One</figcaption></figure>'
        f'<div class="{classes}">Two</div><p class="{classes}"><span class="caption">Three</span></p></body></html>'
    )
    assert _caption_elements(doc) == doc.xpath(_OLD_CAPTION_XPATH)


def test_caption_elements_equal_the_xpath_on_every_fixture() -> None:
    """On every fixture page the caption elements and their order are the XPath's."""
    for path in FIXTURE_PAGES:
        doc = parse_html(path.read_bytes())
        assert _caption_elements(doc) == doc.xpath(_OLD_CAPTION_XPATH), path.parent.parent.name


# -- prune_tree: one walk that does not enter furniture ---------------------------------------
_OLD_WS_RE = re.compile(r"\s+")


def old_normalize_space(text: str) -> str:
    """The regex implementation normalize_space replaced."""
    return _OLD_WS_RE.sub(" ", text.replace("\u00a0", " ")).strip()


def old_is_link_paragraph(p: lxml.html.HtmlElement) -> bool:
    """The link-paragraph test as it was, normalising every paragraph."""
    text = old_normalize_space(p.text_content())
    if not text or len(text) > body_mod._MAX_LINK_PARAGRAPH_CHARS:
        return False
    links = sum(len(old_normalize_space(a.text_content())) for a in p.iter("a"))
    return links >= body_mod._LINK_PARAGRAPH_SHARE * len(text)


def old_furniture_rule(el: lxml.html.HtmlElement, tag: str) -> str | None:
    """The furniture test as it was: every class/id value goes through both regexes."""
    if tag not in body_mod._BLOCK_TAGS and not el.keys():
        return None
    names = f"{el.get('class') or ''} {el.get('id') or ''}".lower().strip()
    if tag in body_mod._BLOCK_TAGS:
        return f"furniture-tag:{tag}"
    if el.get("hidden") is not None or body_mod._HIDDEN_STYLE_RE.search(el.get("style") or ""):
        return "hidden"
    if not names or body_mod._CONTENT_RE.search(names):
        return None
    match = body_mod._BLOCK_RE.search(names)
    if match is None:
        return None
    token = match.group(0).strip(" _-")
    if token in body_mod._WEAK and len(el.text_content()) > body_mod._MAX_WEAK_FURNITURE_CHARS:
        return None
    return f"furniture-class:{token}"


def old_prune_tree(doc: lxml.html.HtmlElement, explain: list[tuple[str, str]]) -> lxml.html.HtmlElement:
    """prune_tree as it was: furniture, captions and link paragraphs in three passes over every element."""
    tree = copy.deepcopy(doc)
    body = tree.find("body")
    if body is None:
        body = tree
    prose = {p: n for p in body.iter("p") if (n := len(p.text_content())) >= body_mod._PROSE_CHARS}
    total_prose = sum(prose.values())
    doomed = []
    for el in body.iter():
        tag = el.tag
        if not isinstance(tag, str) or tag in ("html", "body"):
            continue
        rule = old_furniture_rule(el, tag)
        if rule is None:
            continue
        inside = sum(prose.get(p, 0) for p in el.iter("p"))
        if total_prose and tag != "p" and inside > body_mod._KEEP_PROSE_SHARE * total_prose:
            continue
        doomed.append((el, rule))
    doomed.extend((el, "caption") for el in tree.xpath(_OLD_CAPTION_XPATH))
    doomed.extend((p, "link-only-paragraph") for p in body.iter("p") if old_is_link_paragraph(p))
    marked = {el for el, _ in doomed}
    for el, rule in doomed:
        text = old_normalize_space(el.text_content())
        if text and not any(a in marked for a in el.iterancestors()):
            explain.append((rule, text))
    for el, _rule in doomed:
        body_mod.drop_element(el)
    return tree


def _random_page(rng: random.Random) -> str:
    """A page of nested blocks with furniture classes, captions, links, hidden parts and whitespace tails."""
    classes = ["", "share", "Share-Bar", "menu-link", "article-body", "sidebar", "caption", "wp-caption-text",
               "photo-caption", "tags", "post ad", "x_related_y", "col-md-8", "comments\tlist", "kicker"]
    tags = ["div", "div", "section", "p", "p", "span", "a", "nav", "aside", "footer", "figcaption", "li", "ul"]
    texts = ["", " ", "  \n ", "word", "A sentence of article prose that goes on. " * 4, "\u00a0x\u00a0"]

    def block(depth: int) -> str:
        tag = rng.choice(tags)
        attrs = ""
        cls = rng.choice(classes)
        if cls:
            attrs += f' class="{cls}"'
        if rng.random() < 0.05:
            attrs += " hidden" if rng.random() < 0.5 else ' style="display: none"'
        inner = rng.choice(texts)
        if depth < 4:
            inner += "".join(block(depth + 1) for _ in range(rng.randint(0, 3)))
        return f"<{tag}{attrs}>{inner}</{tag}>{rng.choice(texts)}"

    head = '<title class="caption">T</title>' if rng.random() < 0.1 else ""
    body_attrs = ' class="caption"' if rng.random() < 0.05 else ""
    return f"<html><head>{head}</head><body{body_attrs}>{''.join(block(0) for _ in range(6))}</body></html>"


def _assert_prunes_as_before(doc: lxml.html.HtmlElement, name: str) -> None:
    old_log: list[tuple[str, str]] = []
    new_log: list[tuple[str, str]] = []
    old = lxml.html.tostring(old_prune_tree(doc, old_log))
    new = lxml.html.tostring(body_mod.prune_tree(doc, new_log))
    assert new == old, name
    assert new_log == old_log, name


def test_prune_tree_equals_the_three_pass_implementation_on_every_fixture() -> None:
    """On every fixture page the pruned tree and the removal log are the old ones."""
    for path in FIXTURE_PAGES:
        _assert_prunes_as_before(parse_html(path.read_bytes()), path.parent.parent.name)


def test_prune_tree_equals_the_three_pass_implementation_on_random_pages() -> None:
    """Nested furniture, captions in furniture and in <head>, a captioned <body>, whitespace tails: as before."""
    rng = random.Random(8)
    for i in range(400):
        _assert_prunes_as_before(parse_html(_random_page(rng)), f"page {i}")
    fragment = lxml.html.fromstring('<div><p class="share">x</p><figcaption>c</figcaption>tail<p><a>link</a></p></div>')
    _assert_prunes_as_before(fragment, "no <body>")
    outside = parse_html(
        '<html><head><title class="caption">T</title></head><body><p class="share"><a href="/x">Read this</a></p>'
        '<p>Text</p></body><frameset><figcaption>After the body</figcaption></frameset></html>'
    )
    _assert_prunes_as_before(outside, "captions before and after <body>, a furniture link paragraph")


def test_normalize_space_equals_the_regex() -> None:
    """str.split() splits on exactly the characters regex \\s matches, so the results are equal."""
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF and re.match(r"\s", chr(c))]
    assert spaces == [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()]
    rng = random.Random(8)
    pieces = ["word", "é", "\u200b", "\ufeff", "x" * 12, *spaces]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert normalize_space(text) == old_normalize_space(text)


def old_elements_starting_with(tree: lxml.html.HtmlElement, wanted: set[str]) -> list[lxml.html.HtmlElement]:
    """The Python loop the length-filtering XPath replaced."""
    return [
        el for el in tree.iter("p", "h2", "h3", "li", "blockquote")
        if old_normalize_space(el.text_content())[:80] in wanted
    ]


def test_elements_starting_with_equal_the_loop() -> None:
    """The XPath keeps exactly the elements the loop kept, in document order (short texts, nbsp, nesting)."""
    pages = [parse_html(path.read_bytes()) for path in FIXTURE_PAGES]
    pages.append(parse_html(
        "<html><body><li>Short item</li><blockquote><p>\u00a0 Quoted paragraph of some length here, "
        "long enough.</p></blockquote><h2>Quoted paragraph of some length here, long enough.</h2>"
        "<p>Caf\u00e9 \u00e9t\u00e9 na\u00efve r\u00e9sum\u00e9 \u2014 forty characters or so of text</p></body></html>"
    ))
    for doc in pages:
        texts = [old_normalize_space(el.text_content()) for el in doc.iter("p", "h2", "h3", "li", "blockquote")]
        wanted = {t[:80] for t in texts if len(t) >= 40} | {"x" * 40}
        assert body_mod._elements_starting_with(doc, wanted) == old_elements_starting_with(doc, wanted)


def test_main_text_blocks_leaves_its_tree_unchanged() -> None:
    """trafilatura works on copies, so the pruned tree needs no copy of its own before it."""
    for path in FIXTURE_PAGES:
        pruned = body_mod.prune_tree(parse_html(path.read_bytes()))
        before = lxml.html.tostring(pruned)
        body_mod.main_text_blocks(pruned, "https://example.com/a")
        assert lxml.html.tostring(pruned) == before, path.parent.parent.name


# -- captions: class values that cannot make a caption or credit are passed over -----------
@pytest.mark.parametrize(
    "attrs",
    ['class="PHOTO-Caption"', 'class="Bildunterschrift"', 'class="L\u00c9GENDE"', 'class="img_credit"',
     'class="x-caption y"', 'class="Copyright-line"', 'class="photographer"', 'class="credits"',
     'class="wp-caption-text"', 'class="imagecaption"', 'itemprop="copyrightHolder"', 'itemprop="creditText"',
     'class="captionless"', 'class="menu-link"', 'class="article-body"', 'itemprop="author"', ""],
)
def test_class_hint_never_hides_a_caption_or_credit(attrs: str) -> None:
    """An element whose class and itemprop fail the cheap test is neither a caption nor a credit element."""
    doc = parse_html(f"<html><body><div {attrs}>Text</div></body></html>")
    _assert_hint_is_safe(doc)


def test_class_hint_never_hides_a_caption_or_credit_on_every_fixture() -> None:
    """On every fixture page, the cheap test passes every caption and credit element."""
    for path in FIXTURE_PAGES:
        _assert_hint_is_safe(parse_html(path.read_bytes()))


def _assert_hint_is_safe(doc: lxml.html.HtmlElement) -> None:
    for el in doc.iter():
        if not isinstance(el.tag, str) or el.tag == "figcaption" or captions_mod._may_be_caption_or_credit(el):
            continue
        assert not captions_mod._is_caption_element(el), lxml.html.tostring(el)[:80]
        assert not captions_mod._is_credit_element(el, in_caption=False), lxml.html.tostring(el)[:80]


# -- parsing: lxml.html's element classes from a C-level lookup -----------------------------
def test_parser_gives_lxml_html_element_classes() -> None:
    """Every element gets the class lxml.html's own (Python) lookup gives it: forms and inputs too."""
    reference = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False)
    pages = [path.read_bytes() for path in FIXTURE_PAGES]
    pages.append(
        b"<html><body><FORM action='/s'><Input name=q><label>L</label><select><option>o</select>"
        b"<textarea>t</textarea></FORM><svg><path d='M0'/></svg><p>x&amp;y</p></body></html>"
    )
    for page in pages:
        ours = [type(el) for el in parse_html(page).iter()]
        theirs = [type(el) for el in lxml.html.document_fromstring(page, parser=reference).iter()]
        assert ours == theirs

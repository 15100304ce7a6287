"""Article body: trafilatura finds the main content, our rules clean it.

Three steps, each a plain function:

1. :func:`prune_tree` removes page furniture trafilatura tends to keep
   (share bars, related/latest blocks, author boxes, comment forms,
   header widgets, ad slots, captions) from a copy of the parsed page;
2. :func:`main_text_blocks` runs trafilatura on the pruned tree and turns
   its output into text blocks (paragraphs, subheadings, list items);
   :func:`add_sibling_chunks` adds parts of an article split into sibling
   containers that trafilatura missed;
3. :func:`clean_blocks` drops what is left of boilerplate at paragraph
   level: unrendered shortcodes (``[ad_1]``), "Source link" trailers,
   "Read more" lead-ins, advertisement labels, copyright lines, and a
   "Related Articles" block with everything after it.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING

import lxml.etree
import trafilatura

from newscrawl.extraction.text import normalize_space
from newscrawl.extraction.vocabulary import boilerplate as bp

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from lxml.html import HtmlElement

# (rule name, text removed) pairs, collected when a caller asks why text was removed.
Explain = list[tuple[str, str]]

# -- matchers built from the vocabulary ---------------------------------------
_BLOCK_RE = re.compile(r"(?:^|[\s_-])(?:" + bp.alt(bp.BLOCK_TOKENS) + r")(?:$|[\s_-])")
_WEAK = frozenset(bp.WEAK_TOKENS)
_CONTENT_RE = re.compile(
    r"(?:^|[\s_-])(?:article-?body|articlebody|entry-content|post-content|"
    r"story-?body|article-content|article__body|post-body|content-body|"
    r"body-text|article-text|story-content|main-content)(?:$|[\s_-])"
)
_BLOCK_TAGS = frozenset(bp.BLOCK_TAGS)
# Caption elements: <figcaption>, or a class token "caption" or "wp-caption-text". Class tokens are
# split on XPath whitespace, as the XPath ``contains(concat(' ', normalize-space(@class), ' '), ' caption ')``
# this replaces (one Python pass instead of two XPath scans with string building per element).
_CAPTION_CLASS_TOKENS = frozenset({"caption", "wp-caption-text"})
_XPATH_SPACE_RE = re.compile(r"[ \t\r\n]+")
# _BLOCK_RE matches a token only between separators ([\s_-] or the ends), so the token's first part
# is then a whole part of the class/id value: a value none of whose parts is some token's first part
# cannot match, which rules out most values without the regex search.
_NAME_PART_SPLIT_RE = re.compile(r"[\s_-]")
_BLOCK_FIRST_PARTS = frozenset(_NAME_PART_SPLIT_RE.split(t, maxsplit=1)[0] for t in bp.BLOCK_TOKENS)
_SHORTCODE_RE = re.compile(
    r"\[\s*/?\s*(?:" + bp.alt(bp.SHORTCODE_NAMES, escape=False) + r")\b[^\]\n]{0,200}\]",
    re.IGNORECASE,
)
# Any shortcode with attributes ([button link="..."]) or a closing tag ([/button]).
_ATTR_SHORTCODE_RE = re.compile(r"\[/[a-z][a-z0-9_-]{1,30}\]|\[[a-z][a-z0-9_-]{1,30}\s+[a-z_-]+\s*=[^\]\n]{0,300}\]", re.IGNORECASE)
# A paired shortcode whose content goes with it: [caption ...] ... [/caption].
_CONTENT_SHORTCODE_RE = re.compile(
    r"\[(" + bp.alt(bp.SHORTCODES_DROPPING_CONTENT) + r")\b[^\]\n]{0,300}\].*?\[/\1\]", re.IGNORECASE | re.DOTALL
)
_BIO_RE = re.compile(r"^(?:" + bp.alt(bp.AUTHOR_BIO_PREFIXES) + r")\b", re.IGNORECASE)
_ONLY_SHORTCODES_RE = re.compile(r"^(?:\s*\[[^\]\n]{1,200}\]\s*)+$")
_TRAILERS = frozenset(bp.TRAILER_LINES)
_RELATED = frozenset(bp.RELATED_HEADINGS)
_LEAD_IN_RE = re.compile(r"^(?:" + bp.alt(bp.LEAD_IN_PREFIXES) + r")", re.IGNORECASE)
_FOLLOW_RE = re.compile(
    r"^(?:" + bp.alt(bp.FOLLOW_VERBS) + r")\b.{0,80}\b(?:on|auf|sur|en)\s+(?:" + bp.alt(bp.SOCIAL_NETWORKS) + r")\b",
    re.IGNORECASE,
)
_COUNTER_RE = re.compile(
    r"^(?:\d[\d.,]*\s*[km]?)\s+(?:" + bp.alt(bp.COUNTER_NOUNS) + r")$", re.IGNORECASE
)
# A line that is only an e-mail address or a web address: a contact line.
_CONTACT_ONLY_RE = re.compile(
    r"^(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?)$", re.IGNORECASE
)
_TRAILER_PHRASE_RE = re.compile(bp.alt(bp.TRAILER_PHRASES), re.IGNORECASE)
_TRAILING_LABELS = tuple(bp.TRAILING_LABELS)
_LONGEST_TRAILING_LABEL = max(map(len, _TRAILING_LABELS))
_TRAILING_LABEL_RE = re.compile(r"\s*(?:" + bp.alt(_TRAILING_LABELS) + r")$", re.IGNORECASE)
_DATE_WORDS = frozenset(
    w for phrase in bp.MONTHS + bp.WEEKDAYS + bp.DATE_LINE_FILLERS + bp.DATE_LINE_PREFIXES for w in phrase.split()
)
_DATE_TOKEN_RE = re.compile(r"[^\W\d_][\w.'-]*|\d+", re.UNICODE)
_STRIP_CHARS = " \t\n\r.:;,!|–—-•·»«›‹>*#\u00a0"
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

# Paragraphs this long count as prose for the pruning guard.
_PROSE_CHARS = 120
# An element holding more than this share of the page's prose is never pruned.
_KEEP_PROSE_SHARE = 0.5
# An element this long is not removed for a weak class token alone ("tags", "menu" ...).
_MAX_WEAK_FURNITURE_CHARS = 2000
# A paragraph this short that is (nearly) all link text is a teaser link.
_MAX_LINK_PARAGRAPH_CHARS = 150
_LINK_PARAGRAPH_SHARE = 0.9
# Teaser excerpts: this long, ending in an ellipsis, at least this many.
_MIN_EXCERPT_CHARS = 200
_MIN_EXCERPTS = 2
_ELLIPSIS_END_RE = re.compile(r"(?:…|\.\.\.|\[…\]|\[\.\.\.\])\s*$")
# Short blocks above a repeated headline are its kicker or section label.
_MAX_KICKER_BLOCKS = 2
_MAX_KICKER_CHARS = 60
# An author biography under the article is at most this long.
_MAX_BIO_CHARS = 700
# A date line ("Updated at 1:23 p.m.") is never longer than this.
_MAX_DATE_LINE_CHARS = 80
# A short paragraph that is a call to action, not article text.
_MAX_LEAD_IN_CHARS = 160
# Where a "Related Articles" heading may cut the body: past this share of the text.
_RELATED_CUT_SHARE = 0.4


def prune_tree(doc: HtmlElement, explain: Explain | None = None) -> HtmlElement:
    """Return a copy of ``doc`` without page furniture, captions or hidden blocks.

    An element is removed when its tag never holds article text (nav,
    aside, footer, form), it is hidden, or its class/id names furniture
    (share, related, comments, sidebar, ad ...). The guard: an element that
    holds most of the page's text, or is marked as the article body, is
    kept whatever its class says. With ``explain``, each removal is logged
    with its rule.

    One walk finds furniture, captions and link-only paragraphs; it does
    not enter furniture, whose content goes with it.
    """
    tree = copy.deepcopy(doc)
    body = tree.find("body")
    if body is None:
        body = tree
    # The guard measures article-like text: paragraphs long enough to be prose.
    texts = {p: p.text_content() for p in body.iter("p")}
    prose = {p: n for p, text in texts.items() if (n := len(text)) >= _PROSE_CHARS}
    total_prose = sum(prose.values())
    furniture: list[tuple[HtmlElement, str]] = []
    captions, after_body = _captions_outside(tree, body)  # captions are removed from the whole tree
    link_paragraphs: list[HtmlElement] = []
    stack = [body]  # depth first, in document order; what is inside furniture goes with it, unvisited
    while stack:
        el = stack.pop()
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if _is_caption(el, tag):
            captions.append(el)
        if tag not in ("html", "body"):
            if tag == "p" and _is_link_paragraph(el, texts[el]):
                link_paragraphs.append(el)
            rule = _furniture_rule(el, tag)
            if rule is not None and not (
                total_prose
                and tag != "p"
                and sum(prose.get(p, 0) for p in el.iter("p")) > _KEEP_PROSE_SHARE * total_prose
            ):  # an element holding most of the page's prose is a layout wrapper, not furniture
                furniture.append((el, rule))
                continue
        stack.extend(reversed(el))
    captions.extend(after_body)
    doomed = [*furniture, *((el, "caption") for el in captions), *((p, "link-only-paragraph") for p in link_paragraphs)]
    if explain is not None:  # log outermost removals only: nested ones go with them
        marked = {el for el, _ in doomed}
        for el, rule in doomed:
            text = normalize_space(el.text_content())
            if text and not any(a in marked for a in el.iterancestors()):
                explain.append((rule, text))
    for el, _rule in doomed:
        drop_element(el)
    return tree


def _furniture_rule(el: HtmlElement, tag: str) -> str | None:
    """The rule that makes ``el`` page furniture (its tag, hidden, a class/id token), or None.

    The prose guard of :func:`prune_tree` is not applied here.
    """
    if tag in _BLOCK_TAGS:
        return f"furniture-tag:{tag}"
    if el.get("hidden") is not None or _HIDDEN_STYLE_RE.search(el.get("style") or ""):
        return "hidden"
    cls, id_ = el.get("class"), el.get("id")
    if not cls and not id_:
        return None
    names = f"{cls or ''} {id_ or ''}".lower().strip()
    if not names or _BLOCK_FIRST_PARTS.isdisjoint(_NAME_PART_SPLIT_RE.split(names)) or _CONTENT_RE.search(names):
        return None
    match = _BLOCK_RE.search(names)
    if match is None:
        return None
    token = match.group(0).strip(" _-")
    if token in _WEAK and len(el.text_content()) > _MAX_WEAK_FURNITURE_CHARS:
        return None
    return f"furniture-class:{token}"


def _captions_outside(tree: HtmlElement, body: HtmlElement) -> tuple[list[HtmlElement], list[HtmlElement]]:
    """Caption elements of ``tree`` before ``body`` (in ``<head>``) and after it (a ``<frameset>`` ...)."""
    before: list[HtmlElement] = []
    after: list[HtmlElement] = []
    if body is tree:
        return before, after
    found = before
    for part in tree:
        if part is body:
            found = after
        else:
            found.extend(el for el in part.iter() if isinstance(el.tag, str) and _is_caption(el, el.tag))
    return before, after


def _is_caption(el: HtmlElement, tag: str) -> bool:
    """A caption element: ``<figcaption>``, or a class token "caption" or "wp-caption-text"."""
    if tag == "figcaption":
        return True
    cls = el.get("class") or ""
    return "caption" in cls and not _CAPTION_CLASS_TOKENS.isdisjoint(_XPATH_SPACE_RE.split(cls))


def _head(text: str, n: int) -> str:
    """``normalize_space(text)[:n]``, without normalising all of a long text.

    Normalising a prefix of the text gives a prefix of the normalised
    text, so when a prefix already yields more than ``n`` characters the
    rest cannot change the first ``n``.
    """
    if len(text) > 4 * n:
        head = normalize_space(text[: 4 * n])
        if len(head) > n:
            return head[:n]
    return normalize_space(text)[:n]


def _is_link_paragraph(p: HtmlElement, raw: str) -> bool:
    """A short paragraph that is all link: an inline teaser for another article (``raw``: its text_content)."""
    if next(p.iter("a"), None) is None:
        return False  # no link text at all
    if len(raw) > _MAX_LINK_PARAGRAPH_CHARS and len(_head(raw, _MAX_LINK_PARAGRAPH_CHARS + 1)) > _MAX_LINK_PARAGRAPH_CHARS:
        return False  # too long to be a teaser link (decided without normalising the whole paragraph)
    text = normalize_space(raw)
    if not text or len(text) > _MAX_LINK_PARAGRAPH_CHARS:
        return False
    links = sum(len(normalize_space(a.text_content())) for a in p.iter("a"))
    return links >= _LINK_PARAGRAPH_SHARE * len(text)


def drop_element(el: HtmlElement) -> None:
    """Remove ``el`` but keep its tail text (which belongs to the parent)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail and el.tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def main_text_blocks(tree: HtmlElement, url: str | None) -> list[str]:
    """Run trafilatura on ``tree`` and return its text blocks in order.

    ``tree`` is not changed: trafilatura (2.0 and later) works on copies of
    the tree it is given.
    """
    result = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        include_tables=True,
        include_images=False,
        favor_precision=False,
        with_metadata=False,
        deduplicate=False,
    )
    if result is None or result.body is None:
        return []
    blocks: list[str] = []
    _walk_blocks(result.body, blocks)
    return [b for b in blocks if b]


# trafilatura's output tags (TEI-like) and, when it falls back to a raw
# subtree of the page, HTML tags: elements that are one text block each.
_LEAF_TAGS = frozenset({
    "p", "head", "quote", "code", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
    "dd", "dt", "address",
})
_LIST_TAGS = {"list": "item", "ul": "li", "ol": "li"}
_QUOTE_TAGS = frozenset({"quote", "blockquote"})  # one block, unless it quotes several paragraphs: a block each
_CELL_TAGS = frozenset({"cell", "td", "th"})
_MIN_LAYOUT_CELL_CHARS = 400  # a data table's cell holds a value or a sentence, a layout table's the article
# A table's own rows (trafilatura's <row>, or HTML's, in its sections), not those of tables nested in its cells.
_ROWS_XPATH = lxml.etree.XPath("row | tr | thead/tr | tbody/tr | tfoot/tr")


def _walk_blocks(el: HtmlElement, out: list[str]) -> None:
    """Append the text blocks under ``el`` in order: leaves whole, containers walked into."""
    if el.text and el.text.strip():
        out.append(normalize_space(el.text))
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _LIST_TAGS:
            _walk_list(child, out)
        elif tag == "table":
            rows = _ROWS_XPATH(child)
            cells = [c for row in rows for c in row if c.tag in _CELL_TAGS]
            if any(_is_layout_cell(c) for c in cells):  # a page laid out in a table: its cells hold the text
                for cell in cells:
                    if _has_blocks(cell):
                        _walk_blocks(cell, out)
                    else:
                        out.append(normalize_space(_text(cell)))
            else:
                for row in rows:
                    texts = [normalize_space(_text(c)) for c in row if c.tag in _CELL_TAGS]
                    out.append(" | ".join(t for t in texts if t))
        elif (tag in _LEAF_TAGS and tag not in _QUOTE_TAGS) or not _has_blocks(child):
            out.append(normalize_space(_text(child)))
        else:
            _walk_blocks(child, out)
        if child.tail and child.tail.strip():  # loose text after a block is a block of its own
            out.append(normalize_space(child.tail))


def _is_layout_cell(cell: HtmlElement) -> bool:
    """A table cell that holds paragraphs of text (a layout table's), not one value of a data table."""
    return len(_text(cell)) >= _MIN_LAYOUT_CELL_CHARS and _has_blocks(cell)


def _walk_list(lst: HtmlElement, out: list[str]) -> None:
    """Append a list's items, one block each; an item's nested list gives blocks of its own, after the item's text."""
    item_tag = _LIST_TAGS[lst.tag]
    for item in lst:
        if item.tag != item_tag:
            continue
        if not any(c.tag in _LIST_TAGS for c in item):
            out.append(normalize_space(_text(item)))
            continue
        own = [item.text or ""]  # the item's text up to each nested list
        for c in item:
            if c.tag in _LIST_TAGS:
                out.append(normalize_space("".join(own)))
                own = []
                _walk_list(c, out)
            elif isinstance(c.tag, str):
                own.append(_text(c))
            own.append(c.tail or "")
        out.append(normalize_space("".join(own)))


def _has_blocks(el: HtmlElement) -> bool:
    """True for a container: an element with block-level children."""
    return any(
        isinstance(c.tag, str) and (c.tag in _LEAF_TAGS or c.tag in _LIST_TAGS or c.tag == "table" or _has_blocks(c))
        for c in el
    )


def _text(el: HtmlElement) -> str:
    """Text of ``el`` and its descendants, without its own tail."""
    return "".join(el.itertext())


def _key(text: str) -> str:
    """Comparison key: lowercase, inner whitespace collapsed, end punctuation gone."""
    return normalize_space(text).lower().strip(_STRIP_CHARS)


def clean_blocks(
    blocks: Sequence[str],
    *,
    headline: str | None = None,
    captions: Iterable[str] = (),
    explain: Explain | None = None,
) -> list[str]:
    """Drop paragraph-level boilerplate from ``blocks`` and return the rest.

    With ``explain``, each dropped block is logged with the rule that dropped it.
    """
    caption_keys = {_key(c) for c in captions if c and len(c) > 3}
    headline_key = _key(headline) if headline else None
    total = sum(len(b) for b in blocks) or 1
    out: list[str] = []
    seen_chars = 0
    for index, block in enumerate(blocks):
        seen_chars += len(block)
        text = block
        if "[" in text:  # every shortcode pattern starts with a bracket
            text = _ATTR_SHORTCODE_RE.sub("", _SHORTCODE_RE.sub("", _CONTENT_SHORTCODE_RE.sub("", text)))
            if _ONLY_SHORTCODES_RE.match(text):
                _log(explain, "shortcode", block)
                continue
        text = normalize_space(text)
        if text[-_LONGEST_TRAILING_LABEL:].lower().endswith(_TRAILING_LABELS):
            text = _TRAILING_LABEL_RE.sub("", text)
        key = _key(text)
        if not key:
            continue
        if key in _RELATED:
            if (seen_chars - len(block)) / total >= _RELATED_CUT_SHARE:
                # a block of other articles: the article has ended
                _log(explain, "related-heading-ends-article", " | ".join(blocks[index:]))
                break
            _log(explain, "related-heading", block)
            continue
        if headline_key and key == headline_key and len(out) <= _MAX_KICKER_BLOCKS and all(
            len(b) <= _MAX_KICKER_CHARS for b in out
        ):
            _log(explain, "headline-and-kicker", " | ".join([*out, block]))
            out.clear()  # the headline, and any kicker or label above it, are not body
            continue
        rule = _block_rule(text, key, caption_keys)
        if rule is None and out and out[-1] == text:
            rule = "repeated-block"
        if rule is not None:
            _log(explain, rule, block)
            continue
        out.append(text)
    return cut_teaser_excerpts(out, explain)


def _block_rule(text: str, key: str, caption_keys: set[str]) -> str | None:
    """The rule that makes one block boilerplate, or None for article text."""
    if key in _TRAILERS:
        return "trailer-line"
    if key in caption_keys:
        return "caption-text"
    if _COUNTER_RE.match(key):
        return "counter"
    if len(text) <= _MAX_LEAD_IN_CHARS:
        if _LEAD_IN_RE.match(text):
            return "lead-in"
        if _TRAILER_PHRASE_RE.search(text):
            return "trailer-phrase"
        if _FOLLOW_RE.match(text):
            return "follow-prompt"
        if "©" in text or "ⓒ" in text:
            return "credit-line"  # a photo or copyright credit line
    if len(text) <= _MAX_DATE_LINE_CHARS and is_date_line(text):
        return "date-line"
    if len(text) <= _MAX_BIO_CHARS and _BIO_RE.match(text):
        return "author-bio"
    if _CONTACT_ONLY_RE.match(text):
        return "contact-line"
    return None


def _log(explain: Explain | None, rule: str, text: str) -> None:
    if explain is not None:
        explain.append((rule, text))


def cut_teaser_excerpts(blocks: list[str], explain: Explain | None = None) -> list[str]:
    """Cut a list of teaser excerpts that follows the article.

    Excerpts of other posts are long paragraphs cut off with an ellipsis
    ("... traçando um plano paralelo para …"). One such paragraph can be
    an author's style; two or more are a teaser list, and the body ends
    before the first of them.
    """
    cut = [i for i, b in enumerate(blocks) if len(b) >= _MIN_EXCERPT_CHARS and _ELLIPSIS_END_RE.search(b)]
    if len(cut) >= _MIN_EXCERPTS and cut[0] > 0:
        _log(explain, "teaser-excerpts", " | ".join(blocks[cut[0]:]))
        return blocks[: cut[0]]
    return blocks


def is_date_line(text: str) -> bool:
    """True for a line that only says when: "Updated at 1:23 p.m.", "Monday, 22 January 2018 at 0:13"."""
    tokens = _DATE_TOKEN_RE.findall(text.lower())
    if not tokens or not any(t.isdigit() for t in tokens):
        return False
    return all(t.isdigit() or t.strip(".") in _DATE_WORDS or t in _DATE_WORDS for t in tokens)


# How far above the text's common ancestor an <article> element may be.
_ROOT_CLIMB = 4
# Blocks shorter than this are too generic to locate in the page.
_LOCATE_MIN_CHARS = 40


def find_article_root(doc: HtmlElement, blocks: Sequence[str]) -> HtmlElement | None:
    """The element of the original page that holds the article's text.

    It is the nearest common ancestor of the page paragraphs that became
    body blocks, widened to an enclosing ``<article>`` (or schema.org
    Article) element a few levels up, so that figures next to the text
    belong to it. ``None`` when no block can be located.
    """
    wanted = {b[:80] for b in blocks if len(b) >= _LOCATE_MIN_CHARS}
    if not wanted:
        return None
    found = _elements_starting_with(doc, wanted)
    if not found:
        return None
    common = list(found[0].iterancestors())
    for el in found[1:]:
        ancestors = set(el.iterancestors())
        common = [a for a in common if a in ancestors]
    root = common[0] if common else found[0].getparent()
    if root is None:
        return None
    climbed = root
    for _ in range(_ROOT_CLIMB + 1):
        if climbed is None or climbed.tag in ("body", "html"):
            break
        if climbed.tag == "article" or "Article" in (climbed.get("itemtype") or ""):
            return climbed
        climbed = climbed.getparent()
    return root


# How many levels above the text's common ancestor to look for sibling chunks.
_CHUNK_CLIMB = 3
# Text elements read from a sibling chunk.
_CHUNK_TEXT_TAGS = ("p", "h2", "h3", "h4", "blockquote", "li", "pre")
# A chunk element mostly made of link text is navigation, not prose.
_MAX_LINK_SHARE = 0.5


def _locate(tree: HtmlElement, blocks: Sequence[str]) -> list[HtmlElement]:
    """Elements of ``tree`` whose text is one of ``blocks`` (by an 80-character prefix)."""
    wanted = {b[:80] for b in blocks if len(b) >= _LOCATE_MIN_CHARS}
    if not wanted:
        return []
    return _elements_starting_with(tree, wanted)


# p/h2/h3/li/blockquote elements (``tree`` itself included), in document order, whose text
# (``string()``, what text_content() returns) has at least $shortest characters.
# (A union of descendant-or-self::p ... steps is twice as fast in libxml2 as one step with a self:: test.)
_TEXT_ELEMENTS_XPATH = lxml.etree.XPath(
    "(descendant-or-self::p | descendant-or-self::h2 | descendant-or-self::h3 | descendant-or-self::li"
    " | descendant-or-self::blockquote)[string-length() >= $shortest]"
)


def _elements_starting_with(tree: HtmlElement, wanted: set[str]) -> list[HtmlElement]:
    """Text elements of ``tree`` whose normalised text starts with (its first 80 characters are) one of ``wanted``.

    A text shorter than the shortest wanted prefix cannot match (normalising
    never lengthens a text): the XPath leaves such elements out, without
    building their text in Python.
    """
    shortest = min(map(len, wanted))
    return [el for el in _TEXT_ELEMENTS_XPATH(tree, shortest=shortest) if _head(el.text_content(), 80) in wanted]


def _common_ancestor(found: Sequence[HtmlElement]) -> HtmlElement | None:
    common = list(found[0].iterancestors())
    for el in found[1:]:
        ancestors = set(el.iterancestors())
        common = [a for a in common if a in ancestors]
    return common[0] if common else None


def _chunk_blocks(chunk: HtmlElement) -> list[str]:
    """Text blocks of a sibling chunk: its top-level text elements, prose only."""
    out = []
    for el in chunk.iter(*_CHUNK_TEXT_TAGS):
        if any(a.tag in _CHUNK_TEXT_TAGS for a in el.iterancestors() if a is not chunk):
            continue  # nested in a text element already read
        text = normalize_space(el.text_content())
        if not text:
            continue
        links = sum(len(a.text_content()) for a in el.iter("a"))
        if links > _MAX_LINK_SHARE * len(text):
            continue
        out.append(text)
    return out


def add_sibling_chunks(pruned: HtmlElement, blocks: list[str]) -> list[str]:
    """Add the parts of an article split into sibling containers that trafilatura missed.

    Some sites render one article as several sibling blocks with the same
    markup (``<div class="body">`` after ``<div class="body">``, separated
    by ads or embeds). trafilatura often keeps only one of them. When the
    container of the extracted text (or one of its near ancestors) has
    siblings with the same tag and class, their prose is added before or
    after, in page order.
    """
    found = _locate(pruned, blocks)
    if not found:
        return blocks
    node = _common_ancestor(found) if len(found) > 1 else found[0].getparent()
    for _ in range(_CHUNK_CLIMB):
        if node is None or node.tag in ("body", "html"):
            return blocks
        parent = node.getparent()
        cls = node.get("class")
        if parent is not None and cls:
            twins = [s for s in parent if s is not node and s.tag == node.tag and s.get("class") == cls]
            if twins:
                before: list[str] = []
                after: list[str] = []
                seen = set(blocks)
                position = before
                for sibling in parent:
                    if sibling is node:
                        position = after
                    elif sibling in twins:
                        position.extend(b for b in _chunk_blocks(sibling) if b not in seen)
                return before + blocks + after
        node = parent
    return blocks


def extract_blocks(
    doc: HtmlElement,
    url: str | None,
    *,
    headline: str | None = None,
    captions: Iterable[str] = (),
    explain: Explain | None = None,
) -> list[str]:
    """The article's clean text blocks: prune, trafilatura, sibling chunks, cleaning."""
    pruned = prune_tree(doc, explain)
    blocks = main_text_blocks(pruned, url)
    blocks = add_sibling_chunks(pruned, blocks)
    return clean_blocks(blocks, headline=headline, captions=captions, explain=explain)


_STANDFIRST_TAGS = ("h2", "h3", "h4")
_STANDFIRST_CLASS_RE = re.compile(r"(?:^|[\s_-])(?:" + bp.alt(bp.STANDFIRST_CLASS_TOKENS) + r")(?:$|[\s_-])")


def _comparable(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def drop_standfirst(
    doc: HtmlElement, blocks: list[str], description: str | None, explain: Explain | None = None
) -> list[str]:
    """Drop a standfirst (dek) that opens the body.

    The standfirst is the summary under the headline. It is not article
    text when it repeats the page's description *and* either its class
    marks it as a standfirst (``dek``, ``summary``, ``entradilla`` ...) or it
    is set as a heading outside the container of the paragraphs that
    follow. A first paragraph that merely doubles as the description (many
    sites copy it there) stays.
    """
    if not description or len(blocks) < 2:
        return blocks
    first, wanted = _comparable(blocks[0]), _comparable(description)
    if not wanted or not (first == wanted or first.startswith(wanted[:80])):
        return blocks
    opening = blocks[0][:12]
    for el in doc.iter("p", "div", "span", *_STANDFIRST_TAGS):
        # cheap test first: the element's first text chunk opens the block
        head = normalize_space(next((t for t in el.itertext() if t.strip()), ""))[:12]
        if head != opening[: len(head)] or not head or normalize_space(el.text_content()) != blocks[0]:
            continue
        if _STANDFIRST_CLASS_RE.search((el.get("class") or "").lower()):
            break  # marked as the standfirst
        if el.tag not in _STANDFIRST_TAGS:
            continue
        follower = next((p for p in doc.iter("p") if normalize_space(p.text_content()) == blocks[1]), None)
        if follower is None or follower.getparent() is not el.getparent():
            break  # a heading apart from the text that follows
        return blocks
    else:
        return blocks
    _log(explain, "standfirst", blocks[0])
    return blocks[1:]

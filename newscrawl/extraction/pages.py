"""Page objects: one ``@field`` per Article field.

:class:`GenericArticlePage` handles any outlet. It parses the page once,
reads its metadata once (JSON-LD, meta tags, canonical link) and computes
the body once; every field draws on those cached results. A site-specific
page is a subclass registered with ``@handle_urls("outlet.com")`` that
overrides only what differs (see CONVENTIONS.md §7).

A page object is a pure function of its response (and, for an outlet of
a sources file, the outlet's :class:`~newscrawl.extraction.selectors.OutletSelectors`):
no clock, no network, no version stamp. Provenance is stamped later by the crawler.
"""

from __future__ import annotations

import copy
import re
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import lxml.etree
import lxml.html
from web_poet import HttpResponse, WebPage, field
from web_poet.utils import cached_method

from newscrawl.extraction import authors as authors_mod
from newscrawl.extraction import body as body_mod
from newscrawl.extraction import captions as captions_mod
from newscrawl.extraction import dates as dates_mod
from newscrawl.extraction import encoding as encoding_mod
from newscrawl.extraction import headline as headline_mod
from newscrawl.extraction import language as language_mod
from newscrawl.extraction import metadata as metadata_mod
from newscrawl.extraction.dateline import split_dateline
from newscrawl.extraction.selectors import OutletSelectors
from newscrawl.extraction.text import normalize_space
from newscrawl.extraction.vocabulary import boilerplate as bp
from newscrawl.items import Article, Image

if TYPE_CHECKING:
    from datetime import datetime

    from lxml.html import HtmlElement


def _element_class_lookup() -> lxml.etree.ElementNamespaceClassLookup:
    """lxml.html's element classes, looked up in C.

    ``lxml.html.HTMLParser`` calls a Python method
    (``HtmlElementClassLookup.lookup``) each time Python touches an element
    that has no live proxy: every step of every tree walk. This lookup gives
    the same classes (``HtmlElement``; ``FormElement``, ``InputElement`` ...
    by tag; the HTML comment, PI and entity classes) from lxml's C-level
    lookups, which makes walking a page about a third faster.
    """
    lookup = lxml.etree.ElementNamespaceClassLookup(
        lxml.etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    by_tag = lookup.get_namespace(None)  # HTML elements have no namespace; the parser lowercases tags
    by_tag.update(lxml.html.HtmlElementClassLookup._default_element_classes)  # lxml.html's own table
    return lookup


_PARSER = lxml.html.HTMLParser(
    remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False
)
_PARSER.set_element_class_lookup(_element_class_lookup())
# JSON-LD @type values that make a page an article page.
_ARTICLE_OG_TYPES = frozenset({"article", "news", "newsarticle", "blog", "blogposting"})
# Teaser cards: a page with this many <article> elements is a listing.
_LISTING_MIN_CARDS = 3
# Below this many characters of body text a page without article markup is not an article.
_MIN_UNMARKED_BODY = 500
_BINARY_SNIFF = re.compile(rb"^\s*(?:%PDF|\x89PNG|GIF8|\xff\xd8\xff|PK\x03\x04|\x1f\x8b)")


# <article> elements on the page: teaser cards when there are several.
_ARTICLE_COUNT_XPATH = lxml.etree.XPath("count(//article)")
# class and id values of every element, for the paywall-marker search (one pass, no per-marker scan)
_CLASS_AND_ID_XPATH = lxml.etree.XPath("//@class | //@id")
_PAYWALL_MARKER_RE = re.compile(bp.alt(bp.PAYWALL_MARKERS))  # case-sensitive, as XPath contains()
_PAYWALL_PROMPT_RE = re.compile(bp.alt(bp.PAYWALL_PROMPTS), re.IGNORECASE)
# The same prompts for lowercased text: about 8x faster than IGNORECASE on a long page.
_PAYWALL_PROMPT_LOWER_RE = re.compile(bp.alt(p.lower() for p in bp.PAYWALL_PROMPTS))
# Characters for which re.IGNORECASE and str.lower() disagree ("ſ" matches "s", "İ" lowercases to
# two characters): text holding one takes the IGNORECASE path, so the answer never changes.
_CASE_FOLD_TRAPS_RE = re.compile("[\u0130\u0131\u017f\u212a\u2126]")
# A body this long is a whole article even if the page shows a subscription prompt.
_PAYWALL_MAX_BODY = 1500


def paywall_evidence(doc: HtmlElement) -> bool:
    """True when the page has paywall markup, or a subscription prompt, in its body.

    Markup: an element whose class or id contains one of
    ``PAYWALL_MARKERS``; prompt: one of ``PAYWALL_PROMPTS`` in the body
    text, in any case.
    """
    if _PAYWALL_MARKER_RE.search("\x00".join(_CLASS_AND_ID_XPATH(doc))):
        return True
    body = doc.find("body")
    if body is None:
        return False
    text = body.text_content()
    if _CASE_FOLD_TRAPS_RE.search(text):
        return bool(_PAYWALL_PROMPT_RE.search(text))
    return bool(_PAYWALL_PROMPT_LOWER_RE.search(text.lower()))


class NotHtmlError(ValueError):
    """The response body is not an HTML document."""


def check_html_bytes(body: bytes) -> None:
    """Refuse bodies that are plainly not HTML: known binary formats, NUL bytes, nothing at all."""
    head = body[:1024]
    if _BINARY_SNIFF.match(head):
        msg = "binary content (PDF, image or archive), not HTML"
        raise NotHtmlError(msg)
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        msg = "binary content (NUL bytes), not HTML"
        raise NotHtmlError(msg)
    if not body.strip():
        msg = "empty document"
        raise NotHtmlError(msg)


def parse_html(body: bytes | str) -> HtmlElement:
    """Parse a page once, the way every extraction step expects it.

    Comments and processing instructions are dropped at parse time: they
    split text nodes and mislead the main-content search.
    """
    if isinstance(body, bytes) and _BINARY_SNIFF.match(body[:16]):
        msg = "binary content (PDF, image or archive), not HTML"
        raise NotHtmlError(msg)
    if not body or not body.strip():
        msg = "empty document"
        raise NotHtmlError(msg)
    try:
        doc = lxml.html.document_fromstring(body, parser=_PARSER)
    except ValueError:  # a str with an XML encoding declaration
        doc = lxml.html.document_fromstring(
            body.encode("utf-8") if isinstance(body, str) else body, parser=_PARSER
        )
    except lxml.etree.ParserError as exc:
        raise NotHtmlError(str(exc) or "unparsable document") from exc
    if doc.find("body") is None and doc.find("head") is None:
        msg = "no <head> or <body>: not an HTML document"
        raise NotHtmlError(msg)
    for br in doc.iter("br"):  # a line break separates words: "FL<br>June 10" is "FL June 10", not "FLJune 10"
        br.tail = "\n" + br.tail if br.tail else "\n"
    return doc


class GenericArticlePage(WebPage[Article]):
    """The article on any news page, found without per-site rules."""

    selectors: OutletSelectors | None = None
    """The outlet's own selectors (sources file), set by :func:`page_for`; None: generic only."""

    # -- cached page-wide computations ------------------------------------
    @cached_method
    def doc(self) -> HtmlElement:
        """The parsed page (parsed once), decoded by :func:`~newscrawl.extraction.encoding.decode_html`.

        Not ``response.text``: that trusts the first charset label, so a
        mislabelled page would come out as mojibake. The outlet's ``drop``
        selectors have removed their elements, so no field sees them.
        """
        body = bytes(self.response.body)
        check_html_bytes(body)
        try:
            text = encoding_mod.decode_html(body, self.response.headers.get("Content-Type")).text
        except encoding_mod.UnknownEncodingError as exc:
            raise NotHtmlError(str(exc)) from exc
        # lxml refuses a str that starts with an XML declaration naming an encoding
        doc = parse_html(encoding_mod.strip_xml_declaration(text))
        if self.selectors is not None and self.selectors.drop:
            self.selectors.apply_drop(doc)
        return doc

    @cached_method
    def selected_headline(self) -> str | None:
        """The text of the outlet's ``headline`` selector, or None (no selector, or no match with text)."""
        return self.selectors.headline_text(self.doc()) if self.selectors is not None else None

    @cached_method
    def selected_body(self) -> list[HtmlElement]:
        """The elements of the outlet's ``body`` selector that have text (none: generic body)."""
        if self.selectors is None:
            return []
        return [el for el in self.selectors.body_elements(self.doc()) if el.text_content().strip()]

    def unmatched_selectors(self) -> list[str]:
        """The outlet's ``headline``/``body`` selectors that matched no text here (the generic extractor stood in)."""
        if self.selectors is None:
            return []
        missed = []
        if self.selectors.headline and self.selected_headline() is None:
            missed.append("headline")
        if self.selectors.body and not self.selected_body():
            missed.append("body")
        return missed

    def body_source(self) -> HtmlElement:
        """The document body extraction reads: the page, or only what the outlet's ``body`` selector matched."""
        chosen = self.selected_body()
        if not chosen:
            return self.doc()
        doc = parse_html(b"<html><head></head><body></body></html>")
        body = doc.find("body")
        for el in chosen:
            part = copy.deepcopy(el)
            part.tail = None
            body.append(part)
        return doc

    @cached_method
    def meta(self) -> metadata_mod.PageMetadata:
        """JSON-LD, meta tags and canonical link, read once."""
        return metadata_mod.parse_metadata(self.doc(), str(self.response.url))

    @cached_method
    def captions(self) -> list[str]:
        """Every caption and credit text on the page (never body text)."""
        return captions_mod.caption_texts(self.doc())

    @cached_method
    def blocks(self) -> list[str]:
        """Clean body blocks, dateline still attached to the first one."""
        source = self.body_source()
        blocks = body_mod.extract_blocks(source, str(self.response.url), headline=self.headline, captions=self.captions())
        if not blocks and source is not self.doc():
            # trafilatura found nothing in the outlet's body element (too short for it): its prose, cleaned
            prose = [b for el in source.find("body") for b in body_mod._chunk_blocks(el)]
            blocks = body_mod.clean_blocks(prose, headline=self.headline, captions=self.captions())
        return body_mod.drop_standfirst(self.doc(), blocks, metadata_mod.description(self.meta()))

    def explain(self) -> list[tuple[str, str]]:
        """Which rule removed which text, in the order the rules ran (for audits)."""
        log: body_mod.Explain = []
        blocks = body_mod.extract_blocks(
            self.body_source(), str(self.response.url), headline=self.headline, captions=self.captions(), explain=log
        )
        body_mod.drop_standfirst(self.doc(), blocks, metadata_mod.description(self.meta()), log)
        if blocks:
            dateline, _ = split_dateline(blocks[0])
            if dateline:
                log.append(("dateline (kept as its own field)", dateline))
        return log

    @cached_method
    def dateline_and_blocks(self) -> tuple[str | None, list[str]]:
        """The dateline split off the first block, and the body blocks."""
        blocks = list(self.blocks())
        if not blocks:
            return None, blocks
        dateline, rest = split_dateline(blocks[0])
        if dateline is None:
            return None, blocks
        return dateline, ([rest] if rest else []) + blocks[1:]

    @cached_method
    def article_root(self) -> HtmlElement | None:
        """The element of the page that holds the article's text."""
        return body_mod.find_article_root(self.doc(), self.blocks())

    @cached_method
    def dates(self) -> dates_mod.DateResult:
        """Publication and modification dates, with their source."""
        return dates_mod.find_dates(
            self.doc(),
            self.meta(),
            str(self.response.url),
            article_root=self.article_root(),
            response_date=self.response_date(),
        )

    def response_date(self) -> datetime | None:
        """The response's Date header, to resolve relative dates against."""
        value = self.response.headers.get("Date")
        if not value:
            return None
        try:
            return parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None

    # -- classification ---------------------------------------------------------
    def skip_reason(self) -> str | None:
        """Why this page holds no article (``not_article``, ``no_body``), or None."""
        meta = self.meta()
        doc = self.doc()
        og_type = (meta.first("og:type") or "").lower()
        marked = (
            meta.article_ld is not None
            or og_type in _ARTICLE_OG_TYPES
            or meta.first("article:published_time") is not None
            or bool(doc.xpath("//*[@itemprop='articleBody']"))
        )
        cards = int(_ARTICLE_COUNT_XPATH(doc))
        text = self.body
        if not marked and (cards >= _LISTING_MIN_CARDS or og_type == "website"):
            return "not_article"
        if not text:
            return "no_body"
        if not marked and len(text) < _MIN_UNMARKED_BODY:
            return "not_article"
        return None

    # -- fields -------------------------------------------------------------------
    @field
    def url(self) -> str:
        return str(self.response.url)

    @field
    def canonical_url(self) -> str | None:
        return metadata_mod.canonical_url(self.meta(), str(self.response.url))

    @field(cached=True)
    def headline(self) -> str | None:
        return self.selected_headline() or headline_mod.clean_headline(self.meta(), self.doc(), self.site_name)

    @field
    def dateline(self) -> str | None:
        return self.dateline_and_blocks()[0]

    @field
    def date_published(self) -> str | None:
        return self.dates().published

    @field
    def date_published_raw(self) -> str | None:
        return self.dates().published_raw

    @field
    def date_published_source(self) -> str | None:
        return self.dates().source

    @field
    def date_modified(self) -> str | None:
        return self.dates().modified

    @field
    def authors(self) -> list[str]:
        meta = self.meta()
        if meta.article_ld is not None:
            names = authors_mod.clean_authors(metadata_mod.ld_names(meta.resolve(meta.article_ld.get("author"))))
            if names:
                return names
        raw = [v for key in ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author")
               for v in meta.meta.get(key, [])]
        names = authors_mod.clean_authors(v for v in raw if "://" not in v)
        if names:
            return names
        byline = authors_mod.find_byline(self.article_root(), self.doc())
        return authors_mod.authors_from_byline(byline) if byline else []

    @field
    def language(self) -> str | None:
        return language_mod.detect_language(self.meta(), self.body)

    @field(cached=True)
    def site_name(self) -> str | None:
        return metadata_mod.site_name(self.meta())

    @field
    def section(self) -> str | None:
        return metadata_mod.section(self.meta())

    @field
    def tags(self) -> list[str]:
        return metadata_mod.tags(self.meta())

    @field
    def description(self) -> str | None:
        value = metadata_mod.description(self.meta())
        return normalize_space(value) if value else None

    @field(cached=True)
    def body(self) -> str | None:
        blocks = self.dateline_and_blocks()[1]
        return "\n\n".join(blocks) or None

    @field
    def images(self) -> list[Image]:
        root = self.article_root()
        if root is None:
            return []
        return captions_mod.extract_images(root, str(self.response.url))

    @field
    def is_accessible_for_free(self) -> bool | None:
        declared = metadata_mod.is_accessible_for_free(self.meta())
        if declared is False:
            return False
        if len(self.body or "") < _PAYWALL_MAX_BODY and paywall_evidence(self.doc()):
            return False  # a subscription prompt where a short body stops, whatever the markup says
        return declared

    @field
    def fetched_at(self) -> str | None:
        return None  # stamped by the crawler (ProvenanceMiddleware), never by the page

    @field
    def extractor_version(self) -> str | None:
        return None  # stamped by the crawler, so fixtures do not change with each release

    @field
    def version(self) -> int | None:
        return None  # set by the crawl's state pipeline, which knows the earlier records

    @field
    def previous_fetched_at(self) -> str | None:
        return None  # set by the crawl's state pipeline

    @field
    def duplicate_of(self) -> str | None:
        return None  # set by the crawl's state pipeline, which knows the rest of the corpus


def make_response(
    body: bytes, url: str, headers: Any = None, status: int = 200
) -> HttpResponse:
    """A web-poet response from raw parts (the same object fixtures store)."""
    return HttpResponse(url=url, body=body, status=status, headers=list(headers or []))


def page_for(response: HttpResponse, selectors: OutletSelectors | None = None) -> GenericArticlePage:
    """The page object registered for the response's URL (generic by default), with the outlet's selectors."""
    from web_poet import default_registry  # noqa: PLC0415

    page_cls = default_registry.page_cls_for_item(str(response.url), Article) or GenericArticlePage
    page = page_cls(response=response)
    if selectors:
        page.selectors = selectors
    return page

"""The page object as a whole: classification and fields that combine several signals."""

from __future__ import annotations

from newscrawl.extraction import extract

PROSE = (
    "The city council voted on Tuesday to extend the tram line to the northern suburbs, "
    "ending a debate that had run for more than a decade and divided residents. "
)


def _page(article: str, head: str = "", extra: str = "") -> bytes:
    return f"""<!doctype html><html lang="en"><head><title>Tram line extended</title>
    <meta property="og:type" content="article">{head}</head><body><main><article>
    <h1>Tram line extended</h1>{article}</article>{extra}</main></body></html>""".encode()


def test_paywall_markup_with_a_short_body_is_not_free() -> None:
    """A body that stops at a subscription prompt inside paywall markup is marked not free."""
    html = _page(f"<p>{PROSE * 2}</p><div class='paywall-prompt'><p>Subscribe to continue reading.</p>"
                 "<p>Already a subscriber? Sign in</p></div>")
    item = extract(html, "https://e.com/a").item
    assert item is not None
    assert item.is_accessible_for_free is False
    assert "Subscribe" not in (item.body or "")


def test_full_article_with_a_newsletter_prompt_is_not_called_paywalled() -> None:
    """A long article with no paywall markup and no declaration stays unknown (null)."""
    html = _page("".join(f"<p>{PROSE}Paragraph {i}.</p>" for i in range(12)))
    item = extract(html, "https://e.com/a").item
    assert item is not None
    assert item.is_accessible_for_free is None


def test_declared_free_article_is_free() -> None:
    """JSON-LD isAccessibleForFree true on a full article gives true."""
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Tram line extended",'
          ' "isAccessibleForFree": true}</script>')
    html = _page("".join(f"<p>{PROSE}Paragraph {i}.</p>" for i in range(12)), head=ld)
    item = extract(html, "https://e.com/a").item
    assert item is not None
    assert item.is_accessible_for_free is True


def test_listing_page_is_not_an_article() -> None:
    """A page of teaser cards without article markup is skipped as not_article."""
    cards = "".join(f"<article class='card'><h2><a href='/a{i}'>Story {i}</a></h2><p>{PROSE[:90]}</p></article>" for i in range(6))
    html = f"<html><head><title>World</title><meta property='og:type' content='website'></head><body>{cards}</body></html>"
    result = extract(html.encode(), "https://e.com/world/")
    assert result.item is None
    assert result.skip_reason == "not_article"


def test_pdf_served_as_html_is_not_html() -> None:
    """A PDF body is refused as not_html with a reason, not parsed into garbage."""
    result = extract(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "https://e.com/a.html")
    assert result.item is None
    assert result.skip_reason == "not_html"


def test_extraction_is_a_pure_library_without_scrapy() -> None:
    """No module of newscrawl.extraction imports Scrapy or Twisted (itemadapter may, on its own)."""
    import ast  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    import newscrawl.extraction  # noqa: PLC0415

    root = Path(newscrawl.extraction.__file__).parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("scrapy", "twisted")]
    assert len(list(root.rglob("*.py"))) > 10
    assert offenders == []


def test_standfirst_heading_repeating_the_description_is_not_body() -> None:
    """A dek set as a heading above the text, repeating og:description, is left out of the body."""
    dek = "The council ended a decade of debate with a vote that divided the northern suburbs."
    head = f'<meta property="og:description" content="{dek}">'
    article = f"<header><h2 class='sub-head'>{dek}</h2></header><div class='text'>" + "".join(
        f"<p>{PROSE}Paragraph {i}.</p>" for i in range(5)) + "</div>"
    item = extract(_page(article, head=head), "https://e.com/a").item
    assert item is not None and item.body is not None
    assert item.body.startswith("The city council voted")
    assert dek not in item.body


def test_first_paragraph_copied_into_the_description_stays() -> None:
    """A first paragraph that the site also uses as its description is still the article's first paragraph."""
    first = PROSE.strip()
    head = f'<meta property="og:description" content="{first}">'
    article = "<div class='text'>" + "".join(f"<p>{PROSE}{'' if i == 0 else f'Paragraph {i}.'}</p>" for i in range(5)) + "</div>"
    item = extract(_page(article, head=head), "https://e.com/a").item
    assert item is not None and item.body is not None
    assert item.body.startswith(first)

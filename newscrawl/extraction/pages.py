"""Page objects (placeholder: replaced by the generic article page)."""

from __future__ import annotations

from newscrawl.extraction import ExtractionResult
from newscrawl.items import Article


def extract_page(body, url, headers=None, status=200):  # type: ignore[no-untyped-def]
    """Placeholder: every page with a <p> is an article whose body is its text."""
    import lxml.html  # noqa: PLC0415

    doc = lxml.html.document_fromstring(body)
    paras = [p.text_content().strip() for p in doc.iter("p")]
    paras = [p for p in paras if p]
    if not paras or not doc.xpath("//article"):
        return ExtractionResult(skip_reason="not_article")
    title = doc.findtext(".//h1")
    return ExtractionResult(item=Article(url=url, headline=title, body="\n\n".join(paras)))

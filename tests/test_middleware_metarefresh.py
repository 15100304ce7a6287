"""FastMetaRefreshMiddleware: Scrapy's meta refresh redirects, without decoding pages that cannot hold one.

Each page goes through the stock ``MetaRefreshMiddleware`` and through
ours; the answers must be the same (a redirect to the same URL, or the
response itself), and a page without ``refresh`` bytes in its head must not
be decoded.
"""

from __future__ import annotations

import pytest
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Request, Response, TextResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.downloadermiddlewares import FastMetaRefreshMiddleware

URL = "https://news.example/2025/01/02/story/"
FILLER = "<p>" + "The council met on Tuesday to discuss the flood defences. " * 40 + "</p>"


def page(head: str, body: str = FILLER) -> str:
    return f"<html><head><title>Story</title>{head}</head><body>{body}</body></html>"


def answers(body: bytes, headers: dict[str, str] | None = None) -> tuple[object, object, HtmlResponse]:
    """(stock answer, our answer, the response ours saw): a Request's URL, or 'response' for the response itself."""
    crawler = get_crawler()
    stock = build_from_crawler(MetaRefreshMiddleware, crawler)
    ours = build_from_crawler(FastMetaRefreshMiddleware, crawler)

    def answer(mw: MetaRefreshMiddleware, response: Response) -> object:
        out = mw.process_response(Request(URL), response)
        return out.url if isinstance(out, Request) else ("response" if out is response else out)

    seen = HtmlResponse(URL, body=body, headers=headers or {})
    return answer(stock, HtmlResponse(URL, body=body, headers=headers or {})), answer(ours, seen), seen


@pytest.mark.parametrize(
    ("html", "encoding", "expected"),
    [
        (page('<meta http-equiv="refresh" content="0; url=/moved/">'), "utf-8", "https://news.example/moved/"),
        (page('<META HTTP-EQUIV="REFRESH" CONTENT="0;URL=https://other.example/">'), "utf-8", "https://other.example/"),
        (page('<meta http-equiv="refresh" content="0; url=/moved/">'), "utf-16", "https://news.example/moved/"),
        (page('<meta http-equiv="refresh" content="0; url=/ünïcode/">'), "latin-1", "https://news.example/%C3%BCn%C3%AFcode/"),
        (page('<meta http-equiv="refresh" content="999; url=/later/">'), "utf-8", "response"),  # over METAREFRESH_MAXDELAY
        (page("", body='<p>Refresh your browser</p><noscript><meta http-equiv="refresh" content="0;url=/x"></noscript>'), "utf-8", "response"),
        (page("<meta charset='utf-8'>"), "utf-8", "response"),
        (page("<meta charset='utf-8'>", body="<p>Reload</p>" + "é" * 3000 + '<meta http-equiv="refresh" content="0;url=/deep">'), "utf-8", "https://news.example/deep"),
        (page("<meta charset='utf-8'>", body="<p>Reload</p>" + "é" * 5000 + '<meta http-equiv="refresh" content="0;url=/deep">'), "utf-8", "response"),
        (page("<meta charset='utf-8'>", body="<p>Reload</p>" + "x" * 20000 + '<meta http-equiv="refresh" content="0;url=/deep">'), "utf-8", "response"),
    ],
    ids=["refresh", "upper-case", "utf-16", "latin-1", "long-delay", "noscript", "none", "within-4096-chars",
         "past-4096-chars", "past-16-kb"],
)
def test_same_answer_as_the_stock_middleware(html: str, encoding: str, expected: object) -> None:
    """Redirect or not, to the same URL, in every encoding and case the stock middleware handles."""
    content_type = {"Content-Type": f"text/html; charset={encoding}"}
    stock, ours, _ = answers(html.encode(encoding), content_type)
    assert stock == expected
    assert ours == stock


def test_a_page_without_refresh_bytes_is_not_decoded() -> None:
    """The common case costs a byte search: the response's text is never built (no charset detection)."""
    _, ours, seen = answers(page("<meta charset='utf-8'>").encode())
    assert ours == "response"
    assert seen._cached_ubody is None  # noqa: SLF001 - what .text would have filled


def test_non_html_responses_pass_as_in_the_stock_middleware() -> None:
    """A plain or text response is never redirected by a meta refresh, as in the stock middleware."""
    crawler = get_crawler()
    ours = build_from_crawler(FastMetaRefreshMiddleware, crawler)
    text = TextResponse(URL, body=b'<meta http-equiv="refresh" content="0; url=/moved/">', encoding="utf-8")
    assert ours.process_response(Request(URL), text) is text


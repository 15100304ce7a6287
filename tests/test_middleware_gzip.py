"""FastHttpCompressionMiddleware: Scrapy's decompression without charset sniffing of compressed bytes.

Responses are built the way Scrapy's HTTP download handler builds them
(``responsetypes.from_args`` on the still-compressed body), then passed
through the stock middleware and through ours. The last test checks the
project settings put both of newscrawl's replacement downloader
middlewares (this one and FastMetaRefreshMiddleware) in the stock ones' place.
"""

from __future__ import annotations

import gzip
import zlib
from typing import TYPE_CHECKING, Any

import brotli
import pytest
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.http import Headers, HtmlResponse, Request, Response, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.downloadermiddlewares import (
    FastHttpCompressionMiddleware,
    as_plain_response,
)

if TYPE_CHECKING:
    from collections.abc import Callable

PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Caf\u00e9 owners protest</title></head>"
    "<body><article><h1>Caf\u00e9 owners protest</h1>"
    + "<p>The owners of the caf\u00e9s said the new rules would cost them dearly \u2014 and many jobs.</p>" * 40
    + "</article></body></html>"
).encode()
ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": lambda b: gzip.compress(b, mtime=0),
    "deflate": zlib.compress,
    "br": brotli.compress,
}


def downloaded(url: str, body: bytes, headers: dict[str, str]) -> Response:
    """A response as Scrapy's download handler makes it: its class guessed from headers, URL and (compressed) body."""
    h = Headers(headers)
    cls = responsetypes.from_args(headers=h, url=url, body=body)
    return cls(url=url, status=200, headers=h, body=body, request=Request(url))


def middlewares() -> tuple[HttpCompressionMiddleware, FastHttpCompressionMiddleware]:
    crawler = get_crawler()
    return (build_from_crawler(HttpCompressionMiddleware, crawler),
            build_from_crawler(FastHttpCompressionMiddleware, crawler))


def _summary(response: Response | Request) -> dict[str, Any]:
    assert isinstance(response, Response)
    out = {"cls": type(response), "url": response.url, "status": response.status, "body": response.body,
           "headers": dict(response.headers)}
    if isinstance(response, TextResponse):
        out["encoding"] = response.encoding
        out["text"] = response.text
    return out


def test_stock_middleware_sniffs_compressed_bytes_and_ours_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a gzip .html page without a header charset, only the stock middleware runs charset detection on gzip bytes."""
    sniffed: list[bytes] = []
    original = TextResponse._body_inferred_encoding

    def spy(self: TextResponse) -> str:
        sniffed.append(self.body[:2])
        return original(self)

    monkeypatch.setattr(TextResponse, "_body_inferred_encoding", spy)
    stock, fast = middlewares()
    url = "https://example.com/2024/08/14/world/cafe-owners-protest.html"
    for mw in (stock, fast):
        sniffed.clear()
        response = downloaded(url, gzip.compress(PAGE, mtime=0), {"Content-Type": "text/html", "Content-Encoding": "gzip"})
        assert isinstance(response, HtmlResponse)  # the URL made Scrapy pick a text class for compressed bytes
        result = mw.process_response(response.request, response)
        assert isinstance(result, HtmlResponse)
        assert result.body == PAGE
        assert "Caf\u00e9 owners protest" in result.text
        compressed_sniffs = [head for head in sniffed if head == b"\x1f\x8b"]
        if mw is stock:
            assert compressed_sniffs, "Scrapy no longer sniffs compressed bytes: this middleware can go"
        else:
            assert compressed_sniffs == []


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/story.html", "text/html"), ("/story/", "text/html; charset=utf-8"), ("/feed.xml", "application/xml"),
     ("/data", "application/octet-stream")],
)
def test_same_response_as_the_stock_middleware(encoding: str, path: str, content_type: str) -> None:
    """For each encoding and response type, the decompressed response equals the stock middleware's: class, body, headers, text."""
    stock, fast = middlewares()
    body = ENCODERS[encoding](PAGE)
    url = f"https://example.com{path}"
    results = []
    for mw in (stock, fast):
        response = downloaded(url, body, {"Content-Type": content_type, "Content-Encoding": encoding})
        results.append(_summary(mw.process_response(response.request, response)))
    assert results[0] == results[1]
    assert results[1]["body"] == PAGE
    assert b"Content-Encoding" not in results[1]["headers"]


def test_uncompressed_head_and_unknown_encodings_pass_as_the_stock_middleware_passes_them() -> None:
    """A plain response, a HEAD response and an unsupported Content-Encoding come out as Scrapy's middleware leaves them."""
    stock, fast = middlewares()
    cases = [
        ("GET", PAGE, {"Content-Type": "text/html"}),
        ("HEAD", b"", {"Content-Type": "text/html", "Content-Encoding": "gzip"}),
        ("GET", PAGE, {"Content-Type": "text/html", "Content-Encoding": "compress"}),
    ]
    for method, body, headers in cases:
        results = []
        for mw in (stock, fast):
            response = downloaded("https://example.com/a.html", body, headers)
            request = Request(response.url, method=method)
            results.append(_summary(mw.process_response(request, response)))
        assert results[0] == results[1], (method, headers)


def test_as_plain_response_copies_without_decoding() -> None:
    """as_plain_response keeps url, status, headers, body, flags and request, and returns a plain Response."""
    request = Request("https://example.com/a.html")
    response = HtmlResponse(request.url, status=203, body=b"\x1f\x8b\x08junk", headers={"X-A": "1"}, flags=["f"], request=request)
    plain = as_plain_response(response)
    assert type(plain) is Response
    assert (plain.url, plain.status, plain.body, plain.flags, plain.request) == (request.url, 203, b"\x1f\x8b\x08junk", ["f"], request)
    assert plain.headers.get("X-A") == b"1"
    untouched = Response("https://example.com/b")
    assert as_plain_response(untouched) is untouched


@pytest.mark.parametrize(
    ("stock", "ours", "order"),
    [
        ("scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware",
         "newscrawl.downloadermiddlewares.FastHttpCompressionMiddleware", 590),
        ("scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware",
         "newscrawl.downloadermiddlewares.FastMetaRefreshMiddleware", 580),
    ],
    ids=["compression", "meta-refresh"],
)
def test_project_settings_replace_the_stock_middleware(stock: str, ours: str, order: int) -> None:
    """newscrawl's DOWNLOADER_MIDDLEWARES runs each of its faster middlewares at the stock one's order, and not Scrapy's own."""
    from scrapy.settings import Settings  # noqa: PLC0415
    from scrapy.utils.conf import build_component_list  # noqa: PLC0415

    from newscrawl import settings as project  # noqa: PLC0415

    settings = Settings()
    settings.setmodule(project, priority="project")
    enabled = build_component_list(settings.getwithbase("DOWNLOADER_MIDDLEWARES"))
    assert ours in enabled
    assert stock not in enabled
    assert settings.getdict("DOWNLOADER_MIDDLEWARES")[ours] == order

"""Downloader middlewares.

:class:`FastHttpCompressionMiddleware` replaces Scrapy's
``HttpCompressionMiddleware`` (same setting name, same behaviour, same
stats) without its hidden cost on compressed HTML pages: see
``docs/upstream-gzip-encoding.md``. :class:`FastMetaRefreshMiddleware`
replaces ``MetaRefreshMiddleware`` the same way: it decodes a page (and
detects its charset) only when its head can hold a refresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response, TextResponse

if TYPE_CHECKING:
    from scrapy import Request


def as_plain_response(response: Response) -> Response:
    """``response`` as a plain :class:`Response`, built without reading ``.encoding``.

    ``Response.replace()`` copies every attribute with
    ``kwargs.setdefault(name, getattr(self, name))``, which evaluates
    ``getattr`` even when the caller passes the attribute; on a
    :class:`TextResponse` that reads ``.encoding``, and on a body that is
    still compressed, with no charset in the Content-Type header, that
    runs charset detection (``html_to_unicode`` with charset_normalizer)
    over gzip bytes. This copies the plain attributes by hand instead.
    """
    if not isinstance(response, TextResponse):
        return response
    return Response(**{name: getattr(response, name) for name in Response.attributes})


class FastHttpCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's ``HttpCompressionMiddleware`` without charset detection on compressed bytes.

    Scrapy picks the response class of a compressed response from its URL
    (``.../story.html`` gives an ``HtmlResponse``), so the compressed
    body arrives as a :class:`TextResponse`; the stock middleware then
    builds the decompressed response with ``replace()``, which reads
    ``.encoding`` of the compressed one (see :func:`as_plain_response`).
    Here the compressed response is first turned into a plain
    :class:`Response`, and the stock code does the rest unchanged. The
    decompressed response is the same object it would have been.

    Enabled in ``DOWNLOADER_MIDDLEWARES`` at the stock middleware's order
    (590), with the stock one set to None; like it, it is off when
    ``COMPRESSION_ENABLED`` is False.
    """

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        """Decompress as Scrapy does, without touching ``.encoding`` of the compressed body."""
        if request.method != "HEAD" and response.headers.get(b"Content-Encoding"):
            response = as_plain_response(response)
        return super().process_response(request, response)


# Scrapy looks for <meta http-equiv="refresh"> in the first 4,096 characters of the decoded page: at most
# 4 bytes a character in an ASCII-compatible encoding.
_REFRESH_WINDOW = 4 * 4096


class FastMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's ``MetaRefreshMiddleware``, skipping pages whose head cannot hold a refresh.

    The stock middleware decodes every HTML page (``response.text``, and
    with it the charset detection) to look for a meta refresh: about 0.1 ms
    of the crawl process's time a page (``make bench``). A page whose first
    16 KB, in an ASCII-compatible encoding (no NUL byte: not UTF-16/32),
    do not contain the bytes ``refresh`` in any case has no refresh in its
    first 4,096 characters either, so it is passed on without decoding; any
    other page goes through the stock code, whose answer this never changes.

    Enabled in ``DOWNLOADER_MIDDLEWARES`` at the stock middleware's order
    (580), with the stock one set to None; like it, it is off when
    ``METAREFRESH_ENABLED`` is False.
    """

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        """Skip a page that cannot hold a meta refresh; redirect as Scrapy does otherwise."""
        if isinstance(response, HtmlResponse):
            body = response.body
            head = body[:_REFRESH_WINDOW]
            # bytes.lower() folds ASCII letters only, as needed; 6x faster than a case-insensitive regex
            if b"\x00" not in head[:1024] and b"refresh" not in head.lower():
                return response
        return super().process_response(request, response)

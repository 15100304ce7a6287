"""A misbehaving news site on 127.0.0.1 for fault tests: every fault the web has, at the byte level.

Run it as ``python tests/fault_server.py [--robots MODE] [--request-log FILE]``:
it binds 127.0.0.1 on an OS-chosen port, prints its base URL
(``http://127.0.0.1:PORT``) as the first line of stdout, and serves the
paths in :data:`PATHS`. It is a small asyncio server writing raw bytes, so
it can reset a connection mid-body, stall, drip, lie about sizes or loop.
Every connection is closed after one response, and every loop is bounded
(:data:`MAX_STALL` seconds at most).

The articles are the demo site's pages (``fixtures/sites/demo/MANIFEST.json``),
each served once under a fault or as a good page, so every stored article
can be told apart. ``--robots`` picks what ``/robots.txt`` does:

- ``normal``: disallow ``/private/``, list ``/sitemap.xml`` and a sitemap that is not XML;
- ``status:NNN``: answer NNN (e.g. ``status:503``, ``status:404``);
- ``stall``: send nothing until the client gives up (a timeout);
- ``crawl-delay:S``: ``Crawl-delay: S``, and ``/sitemap.xml``.

With ``--request-log FILE`` it appends one JSON line per request when the
request arrives: ``{"t": unix time, "host": Host header, "path": ..., "hit": n}``,
``hit`` counting the requests for that path so far (1 for the first).

:class:`FaultSite` runs it as a subprocess for the length of a ``with`` block.
"""

# ruff: noqa: RUF001  # typographic quotes and non-Latin letters are the test data

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import socket
import struct
import subprocess
import sys
import time
import zlib
from email.utils import formatdate
from pathlib import Path
from typing import TYPE_CHECKING, Any

from processes import stop_process

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from types import TracebackType
    from typing import Self

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "fixtures" / "sites" / "demo"
PAGE_FIXTURES = ROOT / "fixtures" / "newscrawl.extraction.pages.GenericArticlePage"
MAX_STALL = 30.0  # seconds a stalling or dripping response lasts at most, client or not
HUGE_BYTES = 30 * 1024 * 1024  # the oversized page
BOMB_BYTES = 64 * 1024 * 1024  # what the gzip bomb inflates to
RETRY_AFTER_503 = 1  # seconds, as delay-seconds
RETRY_AFTER_429 = 2  # seconds, as an HTTP-date
DEEP_LEVELS = 100_000

NEWS = "/news/2024/05/14/"  # article-shaped URLs, so links to them are fetched as articles


def news(slug: str) -> str:
    """The path of an article on the fault site."""
    return NEWS + slug


# The fault of each path. Articles: "good" pages, and pages that work after a retry or despite a fault.
GOOD = ("/news/2024/05/14/good-1", "/news/2024/05/14/good-2", "/news/2024/05/14/good-3", "/news/2024/05/14/good-4")
RECOVERABLE = (
    "/news/2024/05/14/flaky-500",         # 500, then the article
    "/news/2024/05/14/retry-after-503",   # 503 Retry-After: 1, then the article
    "/news/2024/05/14/retry-after-429",   # 429 Retry-After: <HTTP-date 2 s ahead>, then the article
    "/news/2024/05/14/slow-drip",         # the article in small pieces over about a second
    "/news/2024/05/14/truncated",         # the article's HTML cut off mid-paragraph
    "/news/2024/05/14/malformed",         # the article with closing tags removed and stray ones added
    "/news/2024/05/14/deep-after",        # the article, then 100,000 nested <div>s
    "/news/2024/05/14/gzipped",           # the article gzip-compressed (Content-Encoding: gzip)
)
ENCODED = (
    "/news/2024/05/14/cp1252-unlabelled",   # windows-1252 bytes, no charset anywhere
    "/news/2024/05/14/latin1-unlabelled",   # ISO-8859-1 bytes, no charset anywhere
    "/news/2024/05/14/utf8-as-latin1",      # UTF-8 bytes, Content-Type says ISO-8859-1
)
FAULTY = (
    "/news/2024/05/14/reset",            # Content-Length 20000, 2000 bytes, then a TCP reset
    "/news/2024/05/14/stall",            # headers, then nothing (read timeout)
    "/news/2024/05/14/endless-drip",     # a body that drips forever (bounded by DOWNLOAD_TIMEOUT)
    "/news/2024/05/14/huge",             # 30 MB with Content-Length
    "/news/2024/05/14/huge-chunked",     # 30 MB chunked, no Content-Length
    "/news/2024/05/14/gzip-bomb",        # 64 KB of gzip that inflates to 64 MB
    "/news/2024/05/14/pdf-as-html",      # a PDF served as text/html
    "/news/2024/05/14/png-as-html",      # a PNG served as text/html
    "/news/2024/05/14/empty",            # 200 with an empty body
    "/news/2024/05/14/unknown-encoding", # <meta charset="x-klingon-8"> on windows-1252 bytes
    "/news/2024/05/14/deep-only",        # the text only inside 100,000 nested <div>s
    "/news/2024/05/14/loop-a",           # 302 → loop-b → 302 → loop-a
    "/private/2024/05/14/secret-story",  # disallowed by robots.txt (also linked from the home page)
)
# Linked from the home page only (link-following): a redirect to another host name.
OFFSITE_REDIRECT = "/go/elsewhere"
OFFSITE_TARGET = "/news/2024/05/14/elsewhere-story"  # on http://localhost:PORT, another domain for the crawler
SITEMAP_PATHS = GOOD + RECOVERABLE + ENCODED + FAULTY
BROKEN_SITEMAP = "/sitemap-broken.xml"

CP1252_TEXT = (
    "The café on Rue de la Paix, a “historic” meeting place for writers, will close at the end of the month "
    "after its owners lost a dispute over the rent, which rose to 9,000 € a month. "
    "Regulars said the closure marks the end of an era — one that began in 1921."
)
LATIN1_TEXT = (
    "Der Bürgermeister von Köln hieß die Gäste aus Genf willkommen. Die Straßenbahn über die Deutzer Brücke "
    "fährt ab Montag wieder; die Sanierung dauerte länger als geplant, weil Stahlträger ersetzt werden mussten. "
    "Anwohner äußerten sich erleichtert über das Ende der Umleitungen."
)
UTF8_TEXT = (
    "Zoë Šimková, the Czech skier, won the downhill in Val d’Isère on Sunday, beating Mikaela Shiffrin by "
    "0.12 seconds. “I still can’t believe it,” Šimková said. Organisers praised the crowd of 12,000 — "
    "a record for the resort’s opening race."
)


def manifest_cases() -> list[str]:
    """The demo site's article cases (fixture names), sorted: the pool of distinct articles."""
    manifest = json.loads((DEMO / "MANIFEST.json").read_text("utf-8"))
    return sorted(set(manifest["articles"].values()))


def article_pages() -> dict[str, bytes]:
    """The article HTML for each good and recoverable path, one distinct fixture page each."""
    paths = GOOD + RECOVERABLE
    cases = manifest_cases()
    if len(cases) < len(paths):
        msg = f"the demo site has {len(cases)} articles; the fault site needs {len(paths)}"
        raise RuntimeError(msg)
    return {
        path: (PAGE_FIXTURES / case / "inputs" / "HttpResponse-body.html").read_bytes()
        for path, case in zip(paths, cases, strict=False)
    }


def handmade_article(title: str, text: str, slug: str) -> str:
    """A small article page (JSON-LD NewsArticle, three paragraphs) around ``text``."""
    paragraphs = [
        text,
        f"The story was filed under the slug {slug} and checked by the desk before publication on Tuesday.",
        "Officials did not respond to requests for comment by the time of publication, the reporter said.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{title}</title>"
        f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{title}", '
        f'"datePublished": "2024-05-14T09:00:00+00:00"}}</script></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def truncate(html: bytes) -> bytes:
    """``html`` cut off 60 characters into the paragraph after the third ``</p>`` of the body."""
    start = max(html.find(b"<body"), 0)
    at = start
    for _ in range(3):
        found = html.find(b"</p>", at + 1)
        if found < 0:
            break
        at = found
    return html[: at + 60]


def malform(html: bytes) -> bytes:
    """``html`` with its closing </p>, </div> and </li> tags removed and stray closing tags added."""
    for tag in (b"</p>", b"</div>", b"</li>"):
        html = html.replace(tag, b"")
    return html.replace(b"<body", b"</span></b></table><b><body", 1).replace(b"</body>", b"</i></td></body>")


def deep_after(html: bytes) -> bytes:
    """``html`` with 100,000 nested <div>s after the article (before </body>)."""
    deep = b"<div>" * DEEP_LEVELS + b"x" + b"</div>" * DEEP_LEVELS
    return html.replace(b"</body>", deep + b"</body>", 1)


def deep_only() -> bytes:
    """A page whose whole text sits inside 100,000 nested <div>s."""
    text = "".join(f"<p>{CP1252_TEXT} ({i})</p>" for i in range(5)).encode()
    return (
        b"<!doctype html><html><head><title>Deep</title></head><body>"
        + b"<div>" * DEEP_LEVELS + text + b"</div>" * DEEP_LEVELS + b"</body></html>"
    )


def gzip_bomb() -> bytes:
    """A small gzip stream that inflates to :data:`BOMB_BYTES` of HTML-ish zeros."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
    chunk = b"0" * (1024 * 1024)
    parts = [compressor.compress(b"<html><body><p>")]
    parts += [compressor.compress(chunk) for _ in range(BOMB_BYTES // len(chunk))]
    parts.append(compressor.flush())
    return b"".join(parts)


def response_head(status: int, headers: dict[str, str]) -> bytes:
    """The status line and headers of a response (HTTP/1.1, Connection: close)."""
    reasons = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found", 429: "Too Many Requests",
               500: "Internal Server Error", 503: "Service Unavailable"}
    lines = [f"HTTP/1.1 {status} {reasons.get(status, 'Status')}", f"Date: {formatdate(usegmt=True)}",
             "Connection: close", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


HTML = "text/html; charset=utf-8"


class FaultServer:
    """Serves :data:`PATHS`; one response per connection."""

    def __init__(self, robots: str = "normal", request_log: Path | None = None) -> None:
        self.robots = robots
        self.request_log = request_log
        self.hits: dict[str, int] = {}
        self.base_url = ""
        self.port = 0
        self.articles = article_pages()
        self._bomb: bytes | None = None
        self._routes: dict[str, Callable[..., Awaitable[None]]] | None = None

    # -- plumbing -----------------------------------------------------------------------------
    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Read one request, log it, answer it, close the connection (whatever the client does)."""
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
            request_line, *header_lines = head.decode("latin-1").split("\r\n")
            _method, target, _version = request_line.split(" ", 2)
            headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines if h)}
            path = target.split("?", 1)[0]
            self.hits[path] = self.hits.get(path, 0) + 1
            self.log(headers.get("host", ""), path, self.hits[path])
            await self.route(path)(reader, writer, headers.get("host", ""))
            await writer.drain()
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    def log(self, host: str, path: str, hit: int) -> None:
        if self.request_log is None:
            return
        with self.request_log.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"t": time.time(), "host": host, "path": path, "hit": hit}) + "\n")

    async def send(self, writer: asyncio.StreamWriter, status: int, body: bytes = b"",
                   content_type: str | None = HTML, **headers: str) -> None:
        """A complete response with Content-Length."""
        fields = {"Content-Type": content_type} if content_type else {}
        fields.update({k.replace("_", "-"): v for k, v in headers.items()})
        fields["Content-Length"] = str(len(body))
        writer.write(response_head(status, fields) + body)
        await writer.drain()

    def route(self, path: str) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter, str], Awaitable[None]]:
        """The handler of ``path`` (404 for unknown paths)."""
        if self._routes is None:
            self._routes = self.routes()
        return self._routes.get(path, self.not_found)

    def routes(self) -> dict[str, Callable[..., Awaitable[None]]]:
        """Every path the site serves, with its handler."""
        routes: dict[str, Callable[..., Awaitable[None]]] = {
            "/robots.txt": self.robots_txt,
            "/": self.home,
            "/sitemap.xml": self.sitemap,
            BROKEN_SITEMAP: self.broken_sitemap,
            news("flaky-500"): self.flaky_500,
            news("retry-after-503"): self.retry_after_503,
            news("retry-after-429"): self.retry_after_429,
            news("slow-drip"): self.slow_drip,
            news("truncated"): self.transformed(news("truncated"), truncate),
            news("malformed"): self.transformed(news("malformed"), malform),
            news("deep-after"): self.transformed(news("deep-after"), deep_after),
            news("gzipped"): self.gzipped,
            news("cp1252-unlabelled"): self.encoded("Café closes after rent dispute", CP1252_TEXT, "cp1252", "text/html"),
            news("latin1-unlabelled"): self.encoded("Kölner Brücke wieder offen", LATIN1_TEXT, "iso-8859-1", "text/html"),
            news("utf8-as-latin1"): self.encoded("Šimková wins in Val d’Isère", UTF8_TEXT, "utf-8", "text/html; charset=ISO-8859-1"),
            news("reset"): self.reset,
            news("stall"): self.stall,
            news("endless-drip"): self.endless_drip,
            news("huge"): self.huge,
            news("huge-chunked"): self.huge_chunked,
            news("gzip-bomb"): self.gzip_bomb,
            news("pdf-as-html"): self.fixed(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n" + bytes(range(256)) * 8),
            news("png-as-html"): self.fixed(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8),
            news("empty"): self.fixed(b""),
            news("unknown-encoding"): self.fixed(
                handmade_article("Klingon", CP1252_TEXT, "x-klingon-8")
                .replace("<title>", '<meta charset="x-klingon-8"><title>').encode("cp1252"), "text/html"),
            news("deep-only"): self.fixed(deep_only()),
            news("loop-a"): self.redirect(news("loop-b")),
            news("loop-b"): self.redirect(news("loop-a")),
            OFFSITE_REDIRECT: self.redirect_offsite,
            OFFSITE_TARGET: self.encoded("Elsewhere", UTF8_TEXT, "utf-8", HTML),
            "/private/2024/05/14/secret-story": self.encoded("Secret", UTF8_TEXT, "utf-8", HTML),
        }
        routes.update({path: self.article(path) for path in GOOD})
        return routes

    # -- pages ----------------------------------------------------------------------------------
    async def not_found(self, reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
        await self.send(writer, 404, b"<!doctype html><title>Not found</title><h1>Not found</h1>")

    async def robots_txt(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str) -> None:
        mode, _, arg = self.robots.partition(":")
        if mode == "status":
            await self.send(writer, int(arg), b"<html><body>Service trouble</body></html>")
            return
        if mode == "stall":
            await self.stall(reader, writer, host)
            return
        lines = ["User-agent: *"]
        if mode == "crawl-delay":
            lines += [f"Crawl-delay: {arg}", "Disallow: /private/", f"Sitemap: {self.base_url}/sitemap.xml"]
        else:
            lines += ["Disallow: /private/", f"Sitemap: {self.base_url}/sitemap.xml",
                      f"Sitemap: {self.base_url}{BROKEN_SITEMAP}"]
        await self.send(writer, 200, ("\n".join(lines) + "\n").encode(), "text/plain; charset=utf-8")

    async def home(self, reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
        links = [news("good-1"), news("good-2"), OFFSITE_REDIRECT, "/private/2024/05/14/secret-story"]
        items = "".join(f'<li><a href="{p}">{p}</a></li>' for p in links)
        await self.send(writer, 200, f"<!doctype html><html><head><title>Fault News</title></head>"
                                     f"<body><h1>Fault News</h1><ul>{items}</ul></body></html>".encode())

    async def sitemap(self, reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
        paths = GOOD if self.robots.startswith("crawl-delay") else SITEMAP_PATHS
        urls = "".join(f"<url><loc>{self.base_url}{p}</loc></url>" for p in paths)
        body = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        await self.send(writer, 200, body.encode(), "application/xml")

    async def broken_sitemap(self, reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
        await self.send(writer, 200, b"This is not a sitemap.\nJust some text, <b>unclosed & wrong.\n", "application/xml")

    def article(self, path: str) -> Callable[..., Awaitable[None]]:
        async def serve(reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
            await self.send(writer, 200, self.articles[path])
        return serve

    def transformed(self, path: str, change: Callable[[bytes], bytes]) -> Callable[..., Awaitable[None]]:
        async def serve(reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
            await self.send(writer, 200, change(self.articles[path]))
        return serve

    def encoded(self, title: str, text: str, encoding: str, content_type: str) -> Callable[..., Awaitable[None]]:
        async def serve(reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
            await self.send(writer, 200, handmade_article(title, text, encoding).encode(encoding), content_type)
        return serve

    def fixed(self, body: bytes, content_type: str = HTML) -> Callable[..., Awaitable[None]]:
        async def serve(reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
            await self.send(writer, 200, body, content_type)
        return serve

    def redirect(self, location: str) -> Callable[..., Awaitable[None]]:
        async def serve(reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
            await self.send(writer, 302, b"", None, Location=location)
        return serve

    async def redirect_offsite(self, reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
        await self.send(writer, 302, b"", None, Location=f"http://localhost:{self.port}{OFFSITE_TARGET}")

    async def flaky_500(self, reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
        if self.hits[news("flaky-500")] == 1:
            await self.send(writer, 500, b"<html><body>Internal error</body></html>")
        else:
            await self.send(writer, 200, self.articles[news("flaky-500")])

    async def retry_after_503(self, reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
        if self.hits[news("retry-after-503")] == 1:
            await self.send(writer, 503, b"<html><body>Busy</body></html>", Retry_After=str(RETRY_AFTER_503))
        else:
            await self.send(writer, 200, self.articles[news("retry-after-503")])

    async def retry_after_429(self, reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
        if self.hits[news("retry-after-429")] == 1:
            when = formatdate(time.time() + RETRY_AFTER_429, usegmt=True)
            await self.send(writer, 429, b"<html><body>Slow down</body></html>", Retry_After=when)
        else:
            await self.send(writer, 200, self.articles[news("retry-after-429")])

    async def gzipped(self, reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
        body = gzip.compress(self.articles[news("gzipped")])
        await self.send(writer, 200, body, Content_Encoding="gzip")

    async def gzip_bomb(self, reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
        if self._bomb is None:
            self._bomb = gzip_bomb()
        await self.send(writer, 200, self._bomb, Content_Encoding="gzip")

    async def slow_drip(self, reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
        body = self.articles[news("slow-drip")]
        writer.write(response_head(200, {"Content-Type": HTML, "Content-Length": str(len(body))}))
        step = max(len(body) // 20, 1)
        for at in range(0, len(body), step):
            writer.write(body[at : at + step])
            await writer.drain()
            await asyncio.sleep(0.05)

    async def reset(self, reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
        body = self.articles[GOOD[0]][:2000]
        writer.write(response_head(200, {"Content-Type": HTML, "Content-Length": "20000"}) + body)
        await writer.drain()
        await asyncio.sleep(0.1)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close → RST
        writer.transport.abort()

    async def stall(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str) -> None:
        writer.write(response_head(200, {"Content-Type": HTML, "Content-Length": "5000"}))
        await writer.drain()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(reader.read(), timeout=MAX_STALL)  # returns when the client hangs up

    async def endless_drip(self, reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
        writer.write(response_head(200, {"Content-Type": HTML}) + b"<html><body><p>")
        deadline = time.monotonic() + MAX_STALL
        while time.monotonic() < deadline:
            writer.write(b"drip drip ")
            await writer.drain()
            await asyncio.sleep(0.1)

    async def huge(self, reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
        writer.write(response_head(200, {"Content-Type": HTML, "Content-Length": str(HUGE_BYTES)}))
        chunk = b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>\n"
        for _ in range(HUGE_BYTES // len(chunk)):
            writer.write(chunk)
            await writer.drain()

    async def huge_chunked(self, reader: Any, writer: asyncio.StreamWriter, host: str) -> None:
        writer.write(response_head(200, {"Content-Type": HTML, "Transfer-Encoding": "chunked"}))
        chunk = b"<p>" + b"y" * (64 * 1024 - 7) + b"</p>\n"
        framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        for _ in range(HUGE_BYTES // len(chunk)):
            writer.write(framed)
            await writer.drain()
        writer.write(b"0\r\n\r\n")


async def serve(server: FaultServer, port: int) -> None:
    """Serve until cancelled; print the base URL once listening."""
    listener = await asyncio.start_server(server.handle, "127.0.0.1", port)
    server.port = listener.sockets[0].getsockname()[1]
    server.base_url = f"http://127.0.0.1:{server.port}"
    print(server.base_url, flush=True)
    async with listener:
        await listener.serve_forever()


class FaultSite:
    """Run ``fault_server.py`` as a subprocess for a ``with`` block; read its request log."""

    def __init__(self, log_dir: Path, robots: str = "normal") -> None:
        self.robots = robots
        self.request_log = Path(log_dir) / f"requests-{robots.replace(':', '-')}.jsonl"
        self.base_url = ""
        self._proc: subprocess.Popen[str] | None = None

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        """The absolute URL of ``path``; ``host="localhost"`` gives the same server under another name."""
        return self.base_url.replace("127.0.0.1", host) + path

    def requests(self) -> list[dict[str, Any]]:
        """The requests received so far, in order of arrival."""
        if not self.request_log.exists():
            return []
        return [json.loads(line) for line in self.request_log.read_text("utf-8").splitlines() if line]

    def times(self, path: str) -> list[float]:
        """When each request for ``path`` arrived (unix time)."""
        return [r["t"] for r in self.requests() if r["path"] == path]

    def __enter__(self) -> Self:
        self._proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--robots", self.robots,
             "--request-log", str(self.request_log)],
            stdout=subprocess.PIPE, text=True,
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline().strip()
        if not line.startswith("http://127.0.0.1:"):
            self.__exit__(None, None, None)
            msg = f"fault server did not start: {line!r}"
            raise RuntimeError(msg)
        self.base_url = line
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            stop_process(proc)


def main(argv: list[str] | None = None) -> int:
    """Serve the fault site on 127.0.0.1 until terminated; print the base URL first."""
    parser = argparse.ArgumentParser(description="Serve a misbehaving news site on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port (default: 0, chosen by the OS)")
    parser.add_argument("--robots", default="normal", help="normal, status:NNN, stall or crawl-delay:SECONDS")
    parser.add_argument("--request-log", type=Path, help="append one JSON line per request to this file")
    args = parser.parse_args(argv)
    server = FaultServer(args.robots, args.request_log)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(server, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())

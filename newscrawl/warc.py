"""WARC archiving of every fetched response, and reading HTML responses back.

With ``-s NEWSCRAWL_WARC_DIR=DIR`` the crawl writes each request and
response (headers and the body exactly as received, before decompression)
to rotating, gzipped WARC files (``newscrawl-<start>-<serial>.warc.gz``)
with warcio, readable by standard WARC tools. The response's WARC file
and record id go into ``response.meta["newscrawl_warc"]``, and the
provenance middleware stamps them on the article, so every record can be
traced to its archived page and re-extracted later
(``newscrawl extract crawl.warc.gz``).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured
from scrapy import signals

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from typing_extensions import Self

# Rotate to a new file once the current one is this large.
DEFAULT_MAX_BYTES = 1024 * 1024 * 1024


def _http_status_line(status: int) -> str:
    from http import HTTPStatus  # noqa: PLC0415

    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    return f"{status} {phrase}"


class WarcArchiveMiddleware:
    """Downloader middleware writing request/response pairs to rotating WARC files.

    Put it nearer the downloader than ``HttpCompressionMiddleware`` (priority
    above 590) so the archive holds the body as the server sent it.
    """

    def __init__(self, directory: Path, max_bytes: int, prefix: str) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.prefix = prefix
        self.serial = 0
        self._fh: IO[bytes] | None = None
        self._writer: Any = None
        self.path: Path | None = None
        self.records = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        directory = crawler.settings.get("NEWSCRAWL_WARC_DIR")
        if not directory:
            raise NotConfigured("NEWSCRAWL_WARC_DIR is not set")
        path = Path(directory)
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            msg = f"NEWSCRAWL_WARC_DIR: cannot create {directory!r} ({exc.strerror})"
            raise ValueError(msg) from exc
        started = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        mw = cls(path, crawler.settings.getint("NEWSCRAWL_WARC_MAX_BYTES", DEFAULT_MAX_BYTES), f"newscrawl-{started}")
        crawler.signals.connect(mw.close, signal=signals.spider_closed)
        return mw

    def _open(self) -> None:
        from warcio.warcwriter import WARCWriter  # noqa: PLC0415

        self.serial += 1
        self.path = self.directory / f"{self.prefix}-{self.serial:05d}.warc.gz"
        self._fh = self.path.open("wb")
        self._writer = WARCWriter(self._fh, gzip=True)
        info = self._writer.create_warcinfo_record(self.path.name, {"software": "newscrawl", "format": "WARC File Format 1.1"})
        self._writer.write_record(info)

    def process_response(self, request: Request, response: Response) -> Response:
        if self._fh is None or self._fh.tell() >= self.max_bytes:
            self.close()
            self._open()
        record_id = self.write(request, response)
        assert self.path is not None
        response.meta["newscrawl_warc"] = {"file": self.path.name, "record_id": record_id}
        return response

    def write(self, request: Request, response: Response) -> str:
        """Write the request and response records; return the response record's WARC-Record-ID."""
        from warcio.statusandheaders import StatusAndHeaders  # noqa: PLC0415

        writer = self._writer
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        resp_headers = StatusAndHeaders(
            _http_status_line(response.status),
            [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.headers.items() for v in vs],
            protocol="HTTP/1.1",
        )
        resp = writer.create_warc_record(
            response.url, "response", payload=io.BytesIO(response.body), length=len(response.body),
            http_headers=resp_headers, warc_headers_dict={"WARC-Date": now},
        )
        path = request.url.split("/", 3)[3] if request.url.count("/") >= 3 else ""
        req_headers = StatusAndHeaders(
            f"{request.method} /{path} HTTP/1.1",
            [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in request.headers.items() for v in vs],
            is_http_request=True,
        )
        req = writer.create_warc_record(
            request.url, "request", payload=io.BytesIO(request.body or b""), length=len(request.body or b""),
            http_headers=req_headers,
            warc_headers_dict={"WARC-Date": now, "WARC-Concurrent-To": resp.rec_headers.get_header("WARC-Record-ID")},
        )
        writer.write_record(resp)
        writer.write_record(req)
        self.records += 1
        return str(resp.rec_headers.get_header("WARC-Record-ID"))

    def close(self, *args: Any) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def is_warc(data: bytes) -> bool:
    """True for a WARC file (plain or gzipped), from its first bytes."""
    import gzip  # noqa: PLC0415

    head = data[:64]
    if head[:2] == b"\x1f\x8b":
        try:
            head = gzip.GzipFile(fileobj=io.BytesIO(data[:4096])).read(16)
        except (OSError, EOFError):
            return False
    return head.startswith(b"WARC/")


def html_responses(path: Path) -> Iterator[tuple[str, str, bytes, list[tuple[str, str]], int]]:
    """``(url, record_id, body, headers, status)`` of each HTML response record in a WARC file.

    Bodies are decoded from their transfer and content encodings (chunked,
    gzip), as a browser would see them.
    """
    from warcio.archiveiterator import ArchiveIterator  # noqa: PLC0415

    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            content_type = record.http_headers.get_header("Content-Type") or ""
            if "html" not in content_type.lower():
                continue
            body = record.content_stream().read()
            headers = [(k, v) for k, v in record.http_headers.headers if k.lower() not in ("content-encoding", "transfer-encoding")]
            status = int((record.http_headers.get_statuscode() or "200") or 200)
            yield (
                record.rec_headers.get_header("WARC-Target-URI"),
                record.rec_headers.get_header("WARC-Record-ID"),
                body,
                headers,
                status,
            )

"""WARC archiving of every fetched response, and reading HTML responses back.

With ``-s NEWSCRAWL_WARC_DIR=DIR`` the crawl writes each request and
response (headers and the body exactly as received, before decompression)
to rotating, gzipped WARC files (``newscrawl-<start>-<serial>.warc.gz``)
with warcio, readable by standard WARC tools. The response's WARC file,
record id and date go into ``response.meta["newscrawl_warc"]`` (see
:class:`WarcLocation`); the article made of the page is stamped with them
(``warc_file``, ``warc_record_id``, and ``fetched_at`` = the record's
``WARC-Date``), so every JSONL record can be traced to its archived page.

What discovery knew about an article page (``listed``: sitemap or feed
date and title, an outlet's selectors) is written next to its response as
a ``metadata`` record (``application/json``, ``WARC-Concurrent-To`` the
response), so that re-extraction (``newscrawl extract crawl.warc.gz``,
:func:`archived_responses`) gives the crawl's articles, listing dates
included.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs
from scrapy import signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

# Rotate to a new file once the current one is this large.
DEFAULT_MAX_BYTES = 1024 * 1024 * 1024
# Request meta key under which the archive's location of the response is kept (a WarcLocation as a dict).
META_WARC = "newscrawl_warc"
# Content type and top-level key of the metadata record that keeps a page's listing entry.
LISTED_CONTENT_TYPE = "application/json"
LISTED_KEY = "newscrawl_listed"


@attrs.frozen
class WarcLocation:
    """Where a fetched response is archived."""

    file: str
    """The WARC file's name, relative to ``NEWSCRAWL_WARC_DIR``."""
    record_id: str
    """The response record's ``WARC-Record-ID`` (``<urn:uuid:...>``)."""
    date: str
    """The record's ``WARC-Date`` as ISO 8601 UTC (``+00:00``), to the second: the page's ``fetched_at``."""

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> Self | None:
        """The location a request's meta holds, or None when the response was not archived."""
        data = meta.get(META_WARC)
        return cls(**data) if data else None

    def to_meta(self) -> dict[str, str]:
        """The location as plain values for request meta (which a JOBDIR queue may pickle)."""
        return attrs.asdict(self)


def warc_date(value: datetime) -> str:
    """A UTC time as a ``WARC-Date`` (``YYYY-MM-DDThh:mm:ssZ``)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_date(value: str) -> str:
    """A ``WARC-Date`` as ``fetched_at`` writes times: ISO 8601 with ``+00:00``, to the second."""
    return datetime.fromisoformat(value).astimezone(UTC).replace(microsecond=0).isoformat()


def _http_status_line(status: int) -> str:
    from http import HTTPStatus  # noqa: PLC0415

    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    return f"{status} {phrase}"


class WarcArchiveMiddleware:
    """Downloader middleware writing request/response pairs to rotating WARC files.

    Put it nearer the downloader than ``HttpCompressionMiddleware`` (590),
    so the archive holds the body as the server sent it, and than
    ``RedirectMiddleware`` (600), so redirects are archived too (the
    project uses 800). A retried or redirected request carries the meta of
    the response before it; the next archived response overwrites it.
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
            raise NotConfigured  # off by default: no "Disabled" warning on every crawl
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
        """Archive the response; note where in ``request.meta[META_WARC]`` (overwriting a retry's copy)."""
        if self._fh is None or self._fh.tell() >= self.max_bytes:
            self.close()
            self._open()
        fetched = datetime.now(UTC).replace(microsecond=0)
        record_id = self.write(request, response, fetched)
        assert self.path is not None
        request.meta[META_WARC] = WarcLocation(self.path.name, record_id, fetched.isoformat()).to_meta()
        return response

    def write(self, request: Request, response: Response, fetched: datetime | None = None) -> str:
        """Write the request and response records, and the page's listing entry if it has one.

        Returns the response record's WARC-Record-ID.
        """
        from warcio.statusandheaders import StatusAndHeaders  # noqa: PLC0415

        writer = self._writer
        now = warc_date(fetched or datetime.now(UTC))
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
        listed = (request.cb_kwargs or {}).get("listed")
        if listed:
            payload = json.dumps({LISTED_KEY: listed}, ensure_ascii=False, sort_keys=True, default=str).encode()
            meta = writer.create_warc_record(
                response.url, "metadata", payload=io.BytesIO(payload), length=len(payload),
                warc_content_type=LISTED_CONTENT_TYPE,
                warc_headers_dict={"WARC-Date": now, "WARC-Concurrent-To": resp.rec_headers.get_header("WARC-Record-ID")},
            )
            writer.write_record(meta)
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


@attrs.frozen
class ArchivedResponse:
    """An HTML response record read back from a WARC file, with what the crawl knew about it."""

    url: str
    """The record's ``WARC-Target-URI``."""
    record_id: str
    """The record's ``WARC-Record-ID``."""
    date: str
    """The record's ``WARC-Date``, ISO 8601 UTC (``+00:00``)."""
    body: bytes = attrs.field(repr=False)
    """The payload, decoded from its transfer and content encodings."""
    headers: list[tuple[str, str]] = attrs.field(repr=False)
    """HTTP headers, without ``Content-Encoding`` and ``Transfer-Encoding``."""
    status: int = 200
    """HTTP status."""
    listed: dict[str, Any] = attrs.field(factory=dict, repr=False)
    """The page's listing entry, from its ``metadata`` record (empty when it had none)."""
    position: int = 0
    """Bytes of the WARC file read when the record was, for a progress bar."""


def archived_responses(path: Path) -> Iterator[ArchivedResponse]:
    """Each HTML response record in a WARC file, with the listing entry from its metadata record.

    Bodies are decoded from their transfer and content encodings (chunked,
    gzip), as a browser would see them. A response is yielded once the
    next response (or the end of the file) is reached, so that the
    metadata record written after it is attached.
    """
    from warcio.archiveiterator import ArchiveIterator  # noqa: PLC0415

    pending: ArchivedResponse | None = None
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "metadata" and pending is not None:
                if record.rec_headers.get_header("WARC-Concurrent-To") == pending.record_id:
                    pending = attrs.evolve(pending, listed=_listed(record.content_stream().read()))
                continue
            if record.rec_type != "response":
                continue
            if pending is not None:
                yield pending
                pending = None
            if record.http_headers is None:
                continue
            content_type = record.http_headers.get_header("Content-Type") or ""
            if "html" not in content_type.lower():
                continue
            body = record.content_stream().read()
            pending = ArchivedResponse(
                url=record.rec_headers.get_header("WARC-Target-URI"),
                record_id=record.rec_headers.get_header("WARC-Record-ID"),
                date=iso_date(record.rec_headers.get_header("WARC-Date")),
                body=body,
                headers=[(k, v) for k, v in record.http_headers.headers if k.lower() not in ("content-encoding", "transfer-encoding")],
                status=int(record.http_headers.get_statuscode() or 200),
                position=fh.tell(),
            )
    if pending is not None:
        yield pending


def _listed(payload: bytes) -> dict[str, Any]:
    """The listing entry of a metadata record's JSON payload (empty when it is not one of ours)."""
    try:
        data = json.loads(payload)
    except ValueError:
        return {}
    listed = data.get(LISTED_KEY) if isinstance(data, dict) else None
    return listed if isinstance(listed, dict) else {}

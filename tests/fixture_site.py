"""A static site server on 127.0.0.1 for crawl tests and the demo.

Run it as ``python tests/fixture_site.py ROOT_DIR [--port 0]``: it binds
127.0.0.1 (an OS-chosen port by default), prints its base URL
(``http://127.0.0.1:PORT``) as the first line of stdout, and serves the
files under ROOT_DIR:

- ``/path/`` serves ``path/index.html``; ``/path`` for a folder redirects to ``/path/``;
- content types come from the extension (``.html`` is ``text/html; charset=utf-8``,
  and so is a file without one: ``/story`` served from a file named ``story``);
- in ``.xml``, ``.txt``, ``.rss`` and ``.atom`` files the literal ``{{BASE}}`` is
  replaced by the base URL, so robots.txt, sitemaps and feeds can hold absolute URLs;
- symlinks are followed (article pages are symlinks into ``fixtures/``), but a
  request path never climbs out of ROOT_DIR with ``..``;
- anything else is a 404.

With ``--access-log FILE`` it appends one ``METHOD PATH STATUS`` line per
request, so a test can check what was (and was not) fetched.

With ``--delay SECONDS`` every response waits that long (a slow server, for
tests that stop a crawl half-way). With ``--validators`` files are served
with ``ETag`` (a hash of the body) and ``Last-Modified`` (the file's mtime)
and a matching ``If-None-Match`` or ``If-Modified-Since`` gets ``304 Not
Modified``, as a static web server does.

In Python, :class:`FixtureSite` runs it as a subprocess for the length of a
``with`` block.
"""

from __future__ import annotations

import argparse
import hashlib
import posixpath
import subprocess
import sys
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from processes import stop_process

if TYPE_CHECKING:
    from types import TracebackType
    from typing import Self

CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/json",
    ".gz": "application/gzip",
    ".css": "text/css",
    ".js": "text/javascript",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".pdf": "application/pdf",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"
# Text files in which {{BASE}} is replaced by the server's base URL.
TEMPLATED_SUFFIXES = frozenset({".xml", ".txt", ".rss", ".atom"})
BASE_PLACEHOLDER = b"{{BASE}}"


def content_type_for(path: Path) -> str:
    """The Content-Type for a file: by extension; extension-less files are HTML pages."""
    if not path.suffix:
        return CONTENT_TYPES[".html"]
    return CONTENT_TYPES.get(path.suffix.lower(), DEFAULT_CONTENT_TYPE)


class FixtureHandler(BaseHTTPRequestHandler):
    """Serves files under the server's ``root``; quiet, GET and HEAD only."""

    server: FixtureServer
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing on stderr: test output should not fill with access logs."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Append ``METHOD PATH STATUS`` to the access log file, if there is one."""
        self.server.record(f"{self.command} {self.path} {int(code) if str(code).isdigit() else code}")

    def do_GET(self) -> None:
        """Serve the file for the request path, with its content type."""
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        """Like GET, without the body."""
        self._serve(send_body=False)

    def _serve(self, *, send_body: bool) -> None:
        if self.server.delay:
            time.sleep(self.server.delay)
        request_path = unquote(urlsplit(self.path).path)
        path = self.server.resolve(request_path)
        if path is None:
            self._send(HTTPStatus.NOT_FOUND, b"<!doctype html><title>Not found</title><h1>Not found</h1>",
                       CONTENT_TYPES[".html"], send_body=send_body)
            return
        if path.is_dir():  # a folder without the trailing slash: redirect as real servers do
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", request_path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = path.read_bytes()
        if path.suffix in TEMPLATED_SUFFIXES:
            body = body.replace(BASE_PLACEHOLDER, self.server.base_url.encode("ascii"))
        validators: dict[str, str] = {}
        if self.server.validators:
            mtime = int(path.stat().st_mtime)
            validators = {"ETag": f'"{hashlib.sha1(body).hexdigest()[:16]}"', "Last-Modified": formatdate(mtime, usegmt=True)}
            if self._not_modified(validators["ETag"], mtime):
                self.send_response(HTTPStatus.NOT_MODIFIED)
                for name, value in validators.items():
                    self.send_header(name, value)
                self.end_headers()
                return
        self._send(HTTPStatus.OK, body, content_type_for(path), send_body=send_body, headers=validators)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        """True when the request's If-None-Match (else If-Modified-Since) says the client has this version."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag in [tag.strip() for tag in if_none_match.split(",")]
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                return mtime <= parsedate_to_datetime(if_modified_since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def _send(
        self, status: HTTPStatus, body: bytes, content_type: str, *, send_body: bool, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class FixtureServer(ThreadingHTTPServer):
    """A threaded HTTP server that maps request paths to files under ``root``."""

    daemon_threads = True

    def __init__(
        self, root: Path, port: int = 0, access_log: Path | None = None, *, delay: float = 0.0, validators: bool = False
    ) -> None:
        self.root = root
        self.access_log = access_log
        self.delay = delay
        self.validators = validators
        self._log_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), FixtureHandler)
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}"

    def record(self, line: str) -> None:
        """Append one line to the access log (thread-safe; no-op without a log file)."""
        if self.access_log is None:
            return
        with self._log_lock, self.access_log.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that hang up early (a crawler closing a connection); report the rest."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def resolve(self, request_path: str) -> Path | None:
        """The file (or folder) a request path names, or None for a 404.

        ``..`` is resolved on the URL path before touching the disk, so it
        cannot leave ``root``; symlinks inside ``root`` are followed.
        """
        normalized = posixpath.normpath("/" + request_path)
        parts = [p for p in normalized.split("/") if p]
        if any(p.startswith(".") for p in parts):  # no dotfiles, no ".."
            return None
        path = self.root.joinpath(*parts)
        if request_path.endswith("/") or not parts:
            path = path / "index.html"
        return path if path.exists() else None


class FixtureSite:
    """Run ``fixture_site.py`` on ``root`` as a subprocess for a ``with`` block.

    >>> with FixtureSite(Path("fixtures/sites/demo")) as site:  # doctest: +SKIP
    ...     site.url("/robots.txt")
    'http://127.0.0.1:PORT/robots.txt'
    """

    def __init__(
        self, root: str | Path, access_log: str | Path | None = None, *, delay: float = 0.0, validators: bool = False
    ) -> None:
        self.root = Path(root)
        self.access_log = Path(access_log) if access_log is not None else None
        self.delay = delay
        self.validators = validators
        self.base_url = ""
        self._proc: subprocess.Popen[str] | None = None

    def url(self, path: str = "/") -> str:
        """The absolute URL of ``path`` on this site."""
        return self.base_url + path

    def requested_paths(self) -> list[str]:
        """The paths requested so far, in order (needs ``access_log``)."""
        if self.access_log is None:
            msg = "FixtureSite was started without access_log"
            raise RuntimeError(msg)
        if not self.access_log.exists():
            return []
        return [line.split(" ")[1] for line in self.access_log.read_text("utf-8").splitlines() if line]

    def __enter__(self) -> Self:
        self._proc = subprocess.Popen(
            [
                sys.executable, str(Path(__file__).resolve()), str(self.root),
                *(["--access-log", str(self.access_log)] if self.access_log is not None else []),
                *(["--delay", str(self.delay)] if self.delay else []),
                *(["--validators"] if self.validators else []),
            ],
            stdout=subprocess.PIPE, text=True,
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline().strip()
        if not line.startswith("http://127.0.0.1:"):
            self._stop()
            msg = f"fixture site on {self.root} did not start: {line!r}"
            raise RuntimeError(msg)
        self.base_url = line
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop()

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            stop_process(proc)


def main(argv: list[str] | None = None) -> int:
    """Serve ROOT_DIR until interrupted; print the base URL first."""
    parser = argparse.ArgumentParser(description="Serve a fixture site on 127.0.0.1.")
    parser.add_argument("root", type=Path, help="folder to serve")
    parser.add_argument("--port", type=int, default=0, help="port (default: 0, chosen by the OS)")
    parser.add_argument("--access-log", type=Path, help="append METHOD PATH STATUS lines to this file")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before each response (default: 0)")
    parser.add_argument("--validators", action="store_true", help="send ETag and Last-Modified, answer 304 to matching conditional requests")
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        parser.error(f"not a folder: {args.root}")
    server = FixtureServer(args.root, args.port, args.access_log, delay=args.delay, validators=args.validators)
    print(server.base_url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

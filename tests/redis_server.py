"""A throw-away ``redis-server`` on 127.0.0.1 for distributed-crawl tests and the benchmark.

:class:`RedisServer` starts ``redis-server`` on a free port, without
persistence (``--save ''``, ``--appendonly no``) and with its working
folder in a temporary directory, waits until it answers PING, and stops
it at the end of a ``with`` block. A missing ``redis-server`` is an error,
not a skip: ``.ci/run`` installs it (Debian package ``redis-server``).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from processes import free_port, stop_process

if TYPE_CHECKING:
    from types import TracebackType
    from typing import Self

START_TIMEOUT = 10.0  # seconds for redis-server to answer PING


class RedisServerMissing(RuntimeError):
    """redis-server is not installed."""


def ping(port: int, timeout: float = 1.0) -> bool:
    """True when a Redis server on 127.0.0.1:port answers PING (inline command, no client library)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """``redis-server --port <free> --bind 127.0.0.1 --save '' --appendonly no --dir <tmp>`` for a ``with`` block."""

    def __init__(self, directory: Path | None = None) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            msg = "redis-server is not installed (Debian: apt-get install redis-server; .ci/run installs it)"
            raise RedisServerMissing(msg)
        self.binary = binary
        self._tmp = None if directory is not None else tempfile.TemporaryDirectory(prefix="newscrawl-redis-")
        self.directory = directory or Path(self._tmp.name)  # type: ignore[union-attr]
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:<port>/0``."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server and wait for its PONG."""
        self.port = free_port()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory), "--daemonize", "no", "--logfile", str(self.directory / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT
        while not ping(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                log = (self.directory / "redis.log").read_text(errors="replace") if (self.directory / "redis.log").exists() else ""
                msg = f"redis-server did not start on port {self.port}: {log[-500:]}"
                raise RuntimeError(msg)
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server (and remove its folder when it made one)."""
        if self.proc is not None:
            stop_process(self.proc)
        self.proc = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

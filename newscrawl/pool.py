"""Extraction off the reactor thread: a pool of worker processes forked from a warm template.

Extraction is CPU work in Python (lxml, trafilatura, regexes). Run in a
Scrapy callback it stalls every download, so the crawler hands each page
to :class:`ExtractionPool` instead and awaits the result.

Design, chosen for a cheap hand-off (measured in ``benchmarks/bench_speed.py``):

- A *template* process (``zygote``) is started once with ``python -c``; it
  imports the extraction code, extracts a sample page so every lazy
  initialisation has happened (regexes, trafilatura's settings, the
  language model), freezes the garbage collector, and then only forks
  workers on request. A worker starts in milliseconds with everything
  imported, and recycling it after ``max_tasks_per_worker`` pages costs
  almost nothing. The Scrapy process itself never forks (it has threads).
- Each worker talks to the crawler over its own Unix socket pair, which
  the crawler's asyncio loop watches directly (``add_reader``): no helper
  threads, no queues, no pickling of requests. A task is a small binary
  header, the URL and headers (``marshal``; plus the outlet's selectors
  dict for pages of a sources-file outlet that has some) and the body
  bytes as they came off the wire (``sendmsg``, no copy); a result is a plain dict of
  strings (``marshal``), turned back into an :class:`~newscrawl.items.Article`
  by :func:`article_from_dict`. Nothing lxml-made crosses the boundary.
- At most :data:`PER_WORKER_DEPTH` tasks are in a worker's socket at once
  (one running, the others waiting), so a worker never idles while the
  crawler's event loop is busy elsewhere (a burst of downloads, a state
  commit); everything else waits in the pool's queue. The
  queue itself is bounded by Scrapy: a response counts against
  ``SCRAPER_SLOT_MAX_ACTIVE_SIZE`` until its item has left the pipelines,
  and over that size the engine stops scheduling downloads.
- A page that runs longer than ``timeout`` seconds gets its worker
  killed (``SIGKILL``) and is reported as ``extract_timeout``; a worker
  that dies (a segfault in a C extension, the OOM killer) loses only the
  page it was working on (``worker_crashed``). Either way the pages that
  were waiting behind it go back to the queue and a new worker is forked.

:func:`run_extraction` is the one function both the workers and the
in-process mode (``workers=0``, used where determinism matters) call.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import importlib
import logging
import marshal
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

import attrs

from newscrawl.items import Article

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable, Iterable

    from newscrawl.extraction import ExtractionResult

    ExtractFunction = Callable[..., ExtractionResult]

logger = logging.getLogger(__name__)

DEFAULT_FUNCTION = "newscrawl.extraction:extract"
SignatureOptions = tuple[int, int, str] | tuple[()]
"""(MinHash permutations, shingle words, shingle hash): what the workers need to sign an article's text as the state does;
``()`` for the body's fingerprint alone (a crawl that de-duplicates bodies but keeps no near-duplicate state)."""
# Tasks in a worker's socket at once: the running one and those waiting behind it. 8 rather than 2: end to end
# 88-89 -> 95 pages/s, CPU use 1.78 -> 1.85 cores (make bench site, one run each); a timeout or a crash
# sends the waiting ones back to the queue, so depth costs nothing there.
PER_WORKER_DEPTH = 8
_TASK = struct.Struct("!IIII")  # task id, HTTP status, meta length, body length
_RESULT = struct.Struct("!II")  # task id, payload length
_SOCKET_BUFFER = 1 << 20  # ask for 1 MiB socket buffers (the kernel caps it at wmem_max)
_READ_SIZE = 1 << 18


@attrs.frozen
class PoolOptions:
    """How the extraction pool runs; built from the ``NEWSCRAWL_EXTRACT_*`` settings."""

    workers: int = 2
    """Worker processes; 0 extracts in the calling process (no time limit, no isolation)."""
    timeout: float = 20.0
    """Seconds one page may take before its worker is killed and the page skipped."""
    max_tasks_per_worker: int = 1000
    """Pages a worker extracts before it is replaced by a fresh fork (0 = never)."""
    function: str = DEFAULT_FUNCTION
    """``module:function`` with :func:`newscrawl.extraction.extract`'s signature."""


# -- what crosses the process boundary ----------------------------------------------------


def function_path(path: str) -> tuple[str, str]:
    """(module, name) of a ``module:function`` (or ``module.function``) path; ValueError for anything else."""
    module_name, sep, name = path.partition(":")
    if not sep:
        module_name, _, name = path.rpartition(".")
    if not module_name or not name:
        msg = f"not a 'module:function' path: {path!r}"
        raise ValueError(msg)
    return module_name, name


def load_function(path: str) -> ExtractFunction:
    """The callable named by ``module:function`` (or ``module.function``)."""
    module_name, name = function_path(path)
    func = getattr(importlib.import_module(module_name), name)
    if not callable(func):
        msg = f"{path} is not callable"
        raise TypeError(msg)
    return func


def _plain(value: Any) -> Any:
    """``value`` as plain builtins (dicts, lists, exact str), ready for ``marshal``.

    lxml's "smart strings" are ``str`` subclasses that keep their element
    (and so the whole tree) alive; they become plain ``str`` here.
    """
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if attrs.has(type(value)):
        return {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, (int, float)):  # bool and int subclasses, numpy scalars aside
        return value
    msg = f"cannot send a {type(value).__name__} across the process boundary"
    raise TypeError(msg)


def article_to_dict(item: Article) -> dict[str, Any]:
    """The article as a dict of plain values (nested attrs items become dicts)."""
    return _plain(item)


def _nested_item_fields(cls: type) -> dict[str, type]:
    """Fields of an attrs class typed ``list[<attrs class>]``, by name."""
    nested = {}
    for f in attrs.fields(attrs.resolve_types(cls)):
        args = getattr(f.type, "__args__", ())
        if getattr(f.type, "__origin__", None) is list and len(args) == 1 and attrs.has(args[0]):
            nested[f.name] = args[0]
    return nested


_NESTED: dict[type, dict[str, type]] = {}


def _from_dict(cls: type, data: dict[str, Any]) -> Any:
    nested = _NESTED.get(cls)
    if nested is None:
        nested = _NESTED[cls] = _nested_item_fields(cls)
    values = dict(data)
    for name, item_cls in nested.items():
        if values.get(name):
            values[name] = [_from_dict(item_cls, v) for v in values[name]]
    return cls(**values)


def article_from_dict(data: dict[str, Any]) -> Article:
    """The :class:`Article` that :func:`article_to_dict` turned into ``data``."""
    return _from_dict(Article, data)


def run_extraction(  # noqa: PLR0913 - the extract function's four arguments, the function, and the outlet's selectors
    func: ExtractFunction,
    body: bytes,
    url: str,
    headers: Iterable[tuple[str, str]],
    status: int,
    *,
    selectors: dict[str, Any] | None = None,
    signature: SignatureOptions | None = None,
) -> dict[str, Any]:
    """Extract one page; the result as a plain dict ``{"item", "skip", "detail"}``.

    ``item`` is :func:`article_to_dict` of the article, or None with
    ``skip`` saying why (the extractor's own reasons, or ``extract_error``
    when it raised: one bad page never stops a crawl). ``selectors`` (an
    outlet's, see :mod:`newscrawl.extraction.selectors`) are passed to
    ``func`` as a keyword only when given, so an extract function without
    that parameter still serves crawls without them; the selectors that
    matched nothing come back as ``"unmatched"``, only when there are some.
    With ``signature`` (MinHash permutations, shingle words, shingle hash: the
    state's near-duplicate options), ``"text"`` is ``(body fingerprint, serialised
    MinHash signature or None)``, computed here so that the incremental
    state's most expensive step runs in the workers, not the crawl process;
    with ``()``, ``(body fingerprint, None)``: the de-duplication's hashing, kept off the reactor too.
    """
    try:
        result = func(body, url, headers, status, selectors=selectors) if selectors else func(body, url, headers, status)
    except Exception as exc:  # noqa: BLE001 - any extractor failure is a counted skip, not a crash
        return {"item": None, "skip": "extract_error", "detail": f"{type(exc).__name__}: {exc}"}
    if result.item is None:
        return {"item": None, "skip": result.skip_reason or "no_item", "detail": result.detail}
    found = {"item": article_to_dict(result.item), "skip": None, "detail": None}
    if unmatched := getattr(result, "unmatched_selectors", None):
        found["unmatched"] = list(unmatched)
    if signature is not None:
        found["text"] = text_digest(result.item.body or "", *signature)
    return found


def text_digest(body: str, *signature: int | str) -> tuple[str, bytes | None]:
    """What the dedupe and state pipelines compute from a body: its fingerprint and serialised MinHash signature.

    ``signature``: (MinHash permutations, shingle words, shingle hash); without it, no signature (None).
    """
    # Only crawls that de-duplicate or keep state need these (not newscrawl.state: the workers need no SQLite store).
    from newscrawl.pipelines.digests import body_fingerprint  # noqa: PLC0415

    fingerprint = body_fingerprint(body)
    if not signature:
        return fingerprint, None
    from newscrawl.signatures import signature_bytes, signature_values  # noqa: PLC0415

    values = signature_values(body, *signature)
    return fingerprint, signature_bytes(values) if values is not None else None


def skip_extraction(body: bytes, url: str, headers: Any = None, status: int = 200) -> ExtractionResult:
    """An extract function that extracts nothing: every page is skipped as ``not_extracted``.

    For measuring the crawl's own cost (``benchmarks/bench_speed.py``,
    crawl only): ``-s NEWSCRAWL_EXTRACT_FUNCTION=newscrawl.pool:skip_extraction``.
    """
    from newscrawl.extraction import ExtractionResult  # noqa: PLC0415

    return ExtractionResult(skip_reason="not_extracted")


# -- the worker and the template process ---------------------------------------------------

_WARM_UP_URL = "https://warm-up.invalid/2024/01/02/newscrawl-worker-warm-up-page/"
_WARM_UP_PAGE = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Worker warm-up | Example</title>"
    "<meta property='og:type' content='article'><meta property='article:published_time' content='2024-01-02T10:00:00Z'>"
    "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"headline\": \"Worker warm-up\","
    " \"author\": {\"@type\": \"Person\", \"name\": \"Jane Doe\"}}</script></head><body><nav><a href='/'>Home</a></nav>"
    "<article><h1>Worker warm-up</h1><p class='byline'>By Jane Doe</p>"
    "<figure><img src='/a.jpg' alt='A harbour'><figcaption>The harbour at dawn. Photo: John Roe/AP</figcaption></figure>"
    + "".join(
        f"<p>GENEVA (AP) \u2014 Paragraph {i} of a page that exercises every extraction step once, so that regular"
        " expressions are compiled, settings read and the language model loaded before the first real page.</p>"
        for i in range(6)
    )
    + "</article><aside><h2>Related Articles</h2><ul><li><a href='/x'>Other story</a></li></ul></aside></body></html>"
).encode()


def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
    """Exactly ``size`` bytes from ``sock``, or None at end of stream."""
    buf = bytearray(size)
    view = memoryview(buf)
    got = 0
    while got < size:
        n = sock.recv_into(view[got:], size - got)
        if n == 0:
            return None
        got += n
    return bytes(buf)


def worker_loop(sock: socket.socket, func: ExtractFunction) -> None:
    """Serve tasks from ``sock`` until it closes: read a page, extract it, send the result."""
    while True:
        header = _recv_exact(sock, _TASK.size)
        if header is None:
            return
        task_id, status, meta_len, body_len = _TASK.unpack(header)
        meta = _recv_exact(sock, meta_len) if meta_len else b""
        body = _recv_exact(sock, body_len) if body_len else b""
        if meta is None or body is None:
            return
        url, headers, *rest = marshal.loads(meta)  # (url, headers[, selectors[, signature]])
        selectors = rest[0] if rest else None
        signature = tuple(rest[1]) if len(rest) > 1 and rest[1] is not None else None
        result = run_extraction(func, body, url, headers, status, selectors=selectors, signature=signature)
        payload = marshal.dumps(result, 4)
        sock.sendall(_RESULT.pack(task_id, len(payload)) + payload)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (best effort, Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes  # noqa: PLC0415

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _run_worker(sock: socket.socket, func: ExtractFunction) -> None:
    """The body of a forked worker process; never returns."""
    code = 0
    try:
        _die_with_parent()
        worker_loop(sock, func)
    except BaseException:  # noqa: BLE001 - report and exit: a worker must never return into the template's loop
        logger.exception("extraction worker %d failed", os.getpid())
        code = 1
    finally:
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        os._exit(code)


def _tell(ctl: socket.socket, message: bytes) -> bool:
    """Send the crawler a control message; False when it is gone (its workers are then stopped too)."""
    try:
        ctl.send(message)
    except OSError:
        return False
    return True


def zygote_main(argv: list[str] | None = None) -> None:
    """The template process: warm up, then fork a worker for every socket the crawler sends.

    Control messages (a ``SOCK_SEQPACKET`` socket, one message each):
    crawler → template ``S`` with a socket fd attached; template → crawler
    ``R`` (ready), ``P <pid>`` (a worker was forked for the oldest ``S``),
    ``E <error>`` (fork failed), ``X <pid> <exit code>`` (a worker ended;
    negative: killed by that signal). When the control socket closes, the
    remaining workers are given a second to finish, then killed.
    """
    args = sys.argv[1:] if argv is None else argv
    ctl_fd, function = int(args[0]), args[1]
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the crawler, which stops us cleanly
    ctl = socket.socket(fileno=ctl_fd)
    func = load_function(function)
    with contextlib.suppress(Exception):
        # With a signature, as crawls that keep state ask: its modules load here, once, not in every fork.
        run_extraction(func, _WARM_UP_PAGE, _WARM_UP_URL, [("Content-Type", "text/html; charset=utf-8")], 200, signature=(128, 5, "poly64"))
    gc.collect()
    gc.freeze()  # forked workers then share these pages instead of copying them at the first collection

    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    signal.set_wakeup_fd(wake_w)
    children: set[int] = set()

    def reap() -> None:
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            children.discard(pid)
            with contextlib.suppress(OSError):
                ctl.send(b"X %d %d" % (pid, os.waitstatus_to_exitcode(status)))

    if not _tell(ctl, b"R"):  # the crawler is gone before using us (started early, it stopped on a bad setting, say)
        return
    while True:
        try:
            ready, _, _ = select.select([ctl, wake_r], [], [])
        except InterruptedError:
            continue
        if wake_r in ready:
            with contextlib.suppress(BlockingIOError):
                while os.read(wake_r, 512):
                    pass
            reap()
        if ctl not in ready:
            continue
        try:
            msg, fds, _flags, _addr = socket.recv_fds(ctl, 16, 1)
        except ConnectionError:  # the crawler closed the control socket with our messages unread
            msg, fds = b"", []
        if not msg:
            break
        if not fds:
            continue
        try:
            pid = os.fork()
        except OSError as exc:
            os.close(fds[0])
            if not _tell(ctl, b"E " + str(exc).encode()[:200]):
                break
            continue
        if pid == 0:  # the worker
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os.close(wake_r)
            os.close(wake_w)
            ctl.close()
            _run_worker(socket.socket(fileno=fds[0]), func)
        os.close(fds[0])
        children.add(pid)
        if not _tell(ctl, b"P %d" % pid):
            break

    deadline = time.monotonic() + 1.0
    while children and time.monotonic() < deadline:
        reap()
        time.sleep(0.01)
    for pid in list(children):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for pid in list(children):
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


# -- the crawler's side -------------------------------------------------------------------------


@attrs.define(eq=False)
class _Task:
    id: int
    url: str
    parts: tuple[bytes, bytes, bytes]  # header, meta, body: what goes on the socket
    future: asyncio.Future[dict[str, Any]]


@attrs.define(eq=False)
class _Worker:
    sock: socket.socket
    pid: int | None = None
    state: str = "starting"  # starting → ready → retiring → closed, or dead (killed, crashed)
    pending: collections.deque[_Task] = attrs.field(factory=collections.deque)
    sent: int = 0
    outbuf: bytearray = attrs.field(factory=bytearray)
    inbuf: bytearray = attrs.field(factory=bytearray)
    timer: asyncio.TimerHandle | None = None
    lost_url: str | None = None  # the page it was extracting when it died
    exit_how: str | None = None  # how it ended, once the template process has reported it

    @property
    def fd(self) -> int:
        return self.sock.fileno()


def _skip(reason: str, detail: str | None = None) -> dict[str, Any]:
    return {"item": None, "skip": reason, "detail": detail}


class PoolBrokenError(RuntimeError):
    """The template process is gone, so no new worker can be started."""


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def pool_options(settings: Any) -> PoolOptions:
    """The pool's options from Scrapy settings; a value that makes no sense is an error."""
    workers = settings.get("NEWSCRAWL_EXTRACT_WORKERS")
    workers = default_workers() if workers in (None, "") else int(workers)
    options = PoolOptions(
        workers=workers,
        timeout=settings.getfloat("NEWSCRAWL_EXTRACT_TIMEOUT", 20.0),
        max_tasks_per_worker=settings.getint("NEWSCRAWL_EXTRACT_MAX_TASKS_PER_WORKER", 1000),
        function=settings.get("NEWSCRAWL_EXTRACT_FUNCTION") or DEFAULT_FUNCTION,
    )
    if options.workers < 0 or options.timeout < 0 or options.max_tasks_per_worker < 0:
        msg = "NEWSCRAWL_EXTRACT_WORKERS, _TIMEOUT and _MAX_TASKS_PER_WORKER cannot be negative"
        raise ValueError(msg)
    return options


def _start_template(function: str) -> tuple[subprocess.Popen[bytes], socket.socket]:
    """Start a template process for ``function``: (the process, our end of its control socket)."""
    ctl, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    env = dict(os.environ)
    # the workers import what this process can import (a custom NEWSCRAWL_EXTRACT_FUNCTION included)
    env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p or os.curdir) for p in sys.path)
    code = "import sys; from newscrawl.pool import zygote_main; zygote_main(sys.argv[1:])"
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code, str(child.fileno()), function],
        pass_fds=(child.fileno(),),
        stdin=subprocess.DEVNULL,
        env=env,
    )
    child.close()
    return process, ctl


# Templates started before their pool exists, by extract function: the pool that starts first adopts one.
_EARLY_TEMPLATES: dict[str, tuple[subprocess.Popen[bytes], socket.socket]] = {}


def start_template_early(function: str) -> None:
    """Start the template process for ``function`` now, for the crawl's pool to adopt when it starts.

    The template's warm-up (imports, a first page: about a second) then
    runs while the crawl process itself starts up, instead of after, so
    the first pages are extracted as soon as they arrive. ``scrapy crawl``
    calls this (:mod:`newscrawl.commands.crawl`). A template nobody adopts
    ends with this process: its control socket closes.
    """
    if function not in _EARLY_TEMPLATES:
        _EARLY_TEMPLATES[function] = _start_template(function)


def close_early_templates() -> None:
    """Let go of the templates started early that no pool adopted: each exits when its control socket closes."""
    while _EARLY_TEMPLATES:
        _function, (process, ctl) = _EARLY_TEMPLATES.popitem()
        ctl.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0)  # reaped now if already gone; otherwise by subprocess once it exits


class ExtractionPool:
    """Extracts pages in worker processes; ``await pool.extract(...)`` from the asyncio loop.

    ``on_event(name)`` is called for what the crawl stats count:
    ``worker_started``, ``worker_recycled``, ``worker_crashed``,
    ``extract_timeout``.
    """

    def __init__(
        self,
        options: PoolOptions,
        loop: asyncio.AbstractEventLoop,
        on_event: Callable[[str], None] | None = None,
    ) -> None:
        if options.workers < 1:
            msg = "an ExtractionPool needs at least one worker; extract in-process with workers=0"
            raise ValueError(msg)
        self.options = options
        self.loop = loop
        self.on_event = on_event or (lambda name: None)
        self.queue: collections.deque[_Task] = collections.deque()
        self.workers: list[_Worker] = []
        self._spawning: collections.deque[_Worker] = collections.deque()
        self._by_pid: dict[int, _Worker] = {}
        self._next_id = 0
        self._read_buffer = bytearray(_READ_SIZE)  # every worker's results are read into this, then copied to its inbuf
        self._read_view = memoryview(self._read_buffer)
        self._zygote: subprocess.Popen[bytes] | None = None
        self._ctl: socket.socket | None = None
        self._closing = False
        self.broken: str | None = None
        self.started_early = False
        """The template was started before the crawl built this pool (:func:`start_template_early`)."""

    # -- life cycle --------------------------------------------------------------------------
    def start(self) -> None:
        """Start the template process (or adopt the one :func:`start_template_early` started) and ask it for
        the workers (returns at once)."""
        early = _EARLY_TEMPLATES.pop(self.options.function, None)
        if early is not None and early[0].poll() is None:
            self.started_early = True
        else:
            if early is not None:
                early[1].close()
            early = _start_template(self.options.function)
        self._zygote, ctl = early
        ctl.setblocking(False)
        self._ctl = ctl
        self.loop.add_reader(ctl.fileno(), self._on_control)
        for _ in range(self.options.workers):
            self._spawn()

    async def close(self) -> None:
        """Stop every worker and the template; pages still waiting are skipped as ``shutdown``."""
        if self._closing:
            return
        self._closing = True
        for task in self.queue:
            if not task.future.done():
                task.future.set_result(_skip("shutdown"))
        self.queue.clear()
        for worker in list(self.workers):
            self._drop_worker(worker, "closed", requeue=False, reason="shutdown")
        for worker in self._by_pid.values():
            if worker.lost_url is not None and worker.exit_how is None:
                worker.exit_how = "how it ended was not reported before shutdown"
                self._log_crash(worker)
        if self._ctl is not None:
            self.loop.remove_reader(self._ctl.fileno())
            self._ctl.close()
            self._ctl = None
        if self._zygote is not None:
            deadline = time.monotonic() + 5.0
            while self._zygote.poll() is None and time.monotonic() < deadline:
                await _sleep(self.loop, 0.02)
            if self._zygote.poll() is None:
                self._zygote.kill()
                self._zygote.wait()

    # -- submitting ----------------------------------------------------------------------------
    def extract(
        self,
        body: bytes,
        url: str,
        headers: Iterable[tuple[str, str]],
        status: int,
        selectors: dict[str, Any] | None = None,
        signature: SignatureOptions | None = None,
    ) -> asyncio.Future[dict[str, Any]]:
        """A future of :func:`run_extraction`'s dict for this page (``selectors``: the outlet's, if any;
        ``signature``: the near-duplicate options when the crawl keeps state, ``()`` for the body's fingerprint alone)."""
        future: asyncio.Future[dict[str, Any]] = self.loop.create_future()
        if self.broken is not None:
            future.set_result(_skip("pool_broken", self.broken))
            return future
        self._next_id = (self._next_id + 1) & 0xFFFFFFFF
        fields: tuple[Any, ...] = (url, [(str(k), str(v)) for k, v in headers])
        if selectors or signature is not None:  # only pages that need them pay for them
            fields += (selectors or None,) + ((signature,) if signature is not None else ())
        meta = marshal.dumps(fields, 4)
        header = _TASK.pack(self._next_id, status, len(meta), len(body))
        self.queue.append(_Task(self._next_id, url, (header, meta, body), future))
        self._dispatch()
        return future

    @property
    def in_flight(self) -> int:
        """Pages queued or in a worker."""
        return len(self.queue) + sum(len(w.pending) for w in self.workers)

    # -- workers ---------------------------------------------------------------------------------
    def _spawn(self) -> None:
        if self._closing or self.broken is not None or self._ctl is None:
            return
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        for s in (mine, theirs):
            with contextlib.suppress(OSError):
                s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, _SOCKET_BUFFER)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _SOCKET_BUFFER)
        try:
            socket.send_fds(self._ctl, [b"S"], [theirs.fileno()])
        except OSError as exc:
            mine.close()
            theirs.close()
            self._break(f"cannot reach the template process: {exc}")
            return
        theirs.close()
        mine.setblocking(False)
        worker = _Worker(mine)
        self.workers.append(worker)
        self._spawning.append(worker)
        self.loop.add_reader(worker.fd, self._on_readable, worker)

    def _on_control(self) -> None:
        assert self._ctl is not None
        while True:
            try:
                msg = self._ctl.recv(256)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                msg, err = b"", exc
            else:
                err = None
            if not msg:
                self._break(f"the template process is gone ({err or 'control socket closed'})")
                return
            kind, _, rest = msg.partition(b" ")
            if kind == b"P" and self._spawning:
                worker = self._spawning.popleft()
                worker.pid = int(rest)
                self._by_pid[worker.pid] = worker
                if worker.state == "starting":
                    worker.state = "ready"
                    self.on_event("worker_started")
                self._dispatch()
            elif kind == b"E" and self._spawning:
                worker = self._spawning.popleft()
                logger.error("could not start an extraction worker: %s", rest.decode(errors="replace"))
                self._drop_worker(worker, "dead", requeue=True, respawn=False)
                if not any(w.state in ("starting", "ready") for w in self.workers):
                    self._break("no extraction worker could be started")
            elif kind == b"X":
                pid_text, _, code_text = rest.partition(b" ")
                self._on_exit(int(pid_text), int(code_text))

    def _on_exit(self, pid: int, code: int) -> None:
        """The template process reaped a worker; this may come before or after its socket closes."""
        worker = self._by_pid.pop(pid, None)
        if worker is None:
            return
        how = f"exit status {code}"
        if code < 0:
            try:
                how = f"killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"killed by signal {-code}"
        worker.exit_how = how
        self._log_crash(worker)

    @staticmethod
    def _log_crash(worker: _Worker) -> None:
        """Log a crash once both halves are known: the page it held, and how it ended."""
        if worker.lost_url is None or worker.exit_how is None:
            return
        logger.warning(
            "extraction worker %d died (%s) while extracting %s; page skipped as worker_crashed",
            worker.pid, worker.exit_how, worker.lost_url,
        )

    def _break(self, why: str) -> None:
        """No more workers can be had: fail what is waiting, refuse new pages."""
        if self.broken is not None or self._closing:
            return
        self.broken = why
        logger.error("extraction pool stopped: %s", why)
        for task in self.queue:
            if not task.future.done():
                task.future.set_result(_skip("pool_broken", why))
        self.queue.clear()

    def _live(self) -> int:
        return sum(w.state in ("starting", "ready") for w in self.workers)

    def _dispatch(self) -> None:
        while self.queue:
            best = None
            for w in self.workers:
                if w.state == "ready" and len(w.pending) < PER_WORKER_DEPTH and (best is None or len(w.pending) < len(best.pending)):
                    best = w
            if best is None:
                return
            task = self.queue.popleft()
            if task.future.cancelled():
                continue
            self._send(best, task)

    def _send(self, worker: _Worker, task: _Task) -> None:
        worker.pending.append(task)
        worker.sent += 1
        if len(worker.pending) == 1:
            self._start_timer(worker)
        if worker.outbuf:
            for part in task.parts:
                worker.outbuf += part
        else:
            try:
                n = worker.sock.sendmsg(task.parts)
            except (BlockingIOError, InterruptedError):
                n = 0
            except OSError:
                n = -1
            if n >= 0:
                total = sum(len(p) for p in task.parts)
                if n < total:
                    rest = b"".join(task.parts)[n:]
                    worker.outbuf += rest
                    self.loop.add_writer(worker.fd, self._on_writable, worker)
        limit = self.options.max_tasks_per_worker
        if limit and worker.sent >= limit and worker.state == "ready":
            # Its replacement starts once it has answered its last page (_on_result), not now: the two would
            # otherwise hold their memory at once, the crawl's peak (its core stays busy with those pages meanwhile).
            worker.state = "retiring"
            self.on_event("worker_recycled")

    def _on_writable(self, worker: _Worker) -> None:
        try:
            n = worker.sock.send(worker.outbuf)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self.loop.remove_writer(worker.fd)
            return
        del worker.outbuf[:n]
        if not worker.outbuf:
            self.loop.remove_writer(worker.fd)

    def _on_readable(self, worker: _Worker) -> None:
        # recv_into one buffer: recv(256 KiB) allocated (and the allocator mmap-ed) 256 KiB each call,
        # 3% of the crawl process's time (py-spy, make bench)
        try:
            n = worker.sock.recv_into(self._read_buffer)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            n = 0
        if not n:
            self._on_lost(worker)
            return
        buf = worker.inbuf
        buf += self._read_view[:n]
        while len(buf) >= _RESULT.size:
            task_id, size = _RESULT.unpack_from(buf)
            if len(buf) < _RESULT.size + size:
                break
            result = marshal.loads(memoryview(buf)[_RESULT.size : _RESULT.size + size])
            del buf[: _RESULT.size + size]
            self._on_result(worker, task_id, result)
        self._dispatch()

    def _on_result(self, worker: _Worker, task_id: int, result: dict[str, Any]) -> None:
        if worker.timer is not None:
            worker.timer.cancel()
            worker.timer = None
        task = worker.pending.popleft()
        if task.id != task_id:  # cannot happen: a worker answers in order
            msg = f"extraction worker answered task {task_id}, expected {task.id}"
            raise RuntimeError(msg)
        if not task.future.done():
            task.future.set_result(result)
        if worker.pending:
            self._start_timer(worker)
        elif worker.state == "retiring":
            self._drop_worker(worker, "closed", requeue=True)
            self._spawn()

    def _start_timer(self, worker: _Worker) -> None:
        if self.options.timeout > 0:
            worker.timer = self.loop.call_later(self.options.timeout, self._on_timeout, worker)

    def _on_timeout(self, worker: _Worker) -> None:
        worker.timer = None
        if not worker.pending or worker.state in ("dead", "closed"):
            return
        task = worker.pending[0]
        logger.warning(
            "extraction of %s took over %.0f s; worker %s killed, page skipped as extract_timeout",
            task.url, self.options.timeout, worker.pid,
        )
        if worker.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGKILL)
        self.on_event("extract_timeout")
        self._drop_worker(worker, "dead", requeue=True, reason="extract_timeout")

    def _on_lost(self, worker: _Worker) -> None:
        """The worker's socket closed: it exited or died."""
        if worker.state in ("dead", "closed"):
            return
        if worker.pending:
            worker.lost_url = worker.pending[0].url
            self.on_event("worker_crashed")
            self._log_crash(worker)
            self._drop_worker(worker, "dead", requeue=True, reason="worker_crashed")
        else:
            self._drop_worker(worker, "dead", requeue=True)

    def _drop_worker(
        self, worker: _Worker, state: str, *, requeue: bool, reason: str | None = None, respawn: bool = True
    ) -> None:
        """Retire ``worker``: its first page gets ``reason``, the rest go back to the queue."""
        was = worker.state
        worker.state = state
        if worker.timer is not None:
            worker.timer.cancel()
            worker.timer = None
        if worker in self.workers:
            self.workers.remove(worker)
        with contextlib.suppress(ValueError):
            self._spawning.remove(worker)
        with contextlib.suppress(ValueError, OSError):
            self.loop.remove_reader(worker.fd)
            self.loop.remove_writer(worker.fd)
        worker.sock.close()
        pending = list(worker.pending)
        worker.pending.clear()
        if pending and reason is not None:
            head = pending.pop(0)
            if not head.future.done():
                head.future.set_result(_skip(reason, f"{head.url} (worker {worker.pid})"))
        if requeue and pending:
            self.queue.extendleft(reversed(pending))
        else:
            for task in pending:
                if not task.future.done():
                    task.future.set_result(_skip(reason or "shutdown"))
        if respawn and state == "dead" and was in ("starting", "ready", "retiring") and not self._closing:
            self.on_event("worker_replaced")  # counted now: the new worker may not have started when the crawl ends
            self._spawn()
        self._dispatch()


async def _sleep(loop: asyncio.AbstractEventLoop, seconds: float) -> None:
    future = loop.create_future()
    loop.call_later(seconds, lambda: future.done() or future.set_result(None))
    await future

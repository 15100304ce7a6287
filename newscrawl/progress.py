"""A one-line progress bar for long offline commands, drawn only on a terminal.

``newscrawl extract`` on a WARC file, ``newscrawl export`` and ``newscrawl
stats`` can run for minutes on a large corpus. On a terminal they show
how far they are (``label [#####-----]  48%  12,345 pages  0:42``) on
stderr; when stderr is a file or a pipe (cron, ``2> log``) they print
nothing, so logs hold only what matters. No dependency: a carriage
return and the ANSI "erase to end of line" sequence are all it takes.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from types import TracebackType
    from typing import Self

BAR_WIDTH = 24  # characters between the brackets
MIN_INTERVAL = 0.1  # seconds between redraws: often enough to look alive, cheap on millions of updates
_ERASE_LINE_END = "\x1b[K"


def _elapsed(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ProgressBar:
    """Progress of one long operation: a share of ``total`` (bytes, rows) and a count of items done.

    Use as a context manager; call :meth:`update` as often as convenient
    (redraws are rate-limited). ``enabled`` defaults to whether ``stream``
    (stderr) is a terminal; when disabled every call returns at once.
    Without a ``total`` only the count and the time are shown.
    """

    def __init__(
        self,
        label: str,
        total: float | None = None,
        *,
        unit: str = "records",
        stream: TextIO | None = None,
        enabled: bool | None = None,
    ) -> None:
        self.label = label
        self.total = total
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _is_terminal(self.stream) if enabled is None else enabled
        self.position = 0.0
        self.count = 0
        self._started = time.monotonic()
        self._drawn_at = 0.0
        self._drawn = False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def update(self, position: float | None = None, *, count: int | None = None, advance: int = 0) -> None:
        """Move to ``position`` (of ``total``) and set ``count`` (or add ``advance`` to it); redraw when due."""
        if position is not None:
            self.position = position
        self.count = count if count is not None else self.count + advance
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._drawn_at >= MIN_INTERVAL:
            self._drawn_at = now
            self._draw(now)

    def close(self) -> None:
        """Draw the final state and end the line (nothing when nothing was ever drawn)."""
        if self.enabled and self._drawn:
            if self.total:
                self.position = self.total
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False

    def render(self, now: float | None = None, width: int | None = None) -> str:
        """The bar's text, without the carriage return; the label is shortened to fit in ``width`` columns."""
        elapsed = _elapsed((now if now is not None else time.monotonic()) - self._started)
        counted = f"{self.count:,} {self.unit}"
        if self.total:
            share = min(max(self.position / self.total, 0.0), 1.0)
            filled = round(share * BAR_WIDTH)
            rest = f" [{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {share:4.0%}  {counted}  {elapsed}"
        else:
            rest = f"  {counted}  {elapsed}"
        label = self.label
        if width is not None and len(label) + len(rest) >= width:
            room = max(width - 1 - len(rest), 1)
            label = label[: room - 1] + "…"
        return (label + rest)[: width - 1] if width is not None else label + rest

    def _draw(self, now: float) -> None:
        self.stream.write(f"\r{self.render(now, _columns(self.stream))}{_ERASE_LINE_END}")
        self.stream.flush()
        self._drawn = True


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _columns(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, OSError, ValueError):
        return 80

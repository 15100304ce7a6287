"""Feed storage for local files that hands each exported line to the OS at once.

Scrapy's :class:`~scrapy.extensions.feedexport.FileFeedStorage` opens the
output file buffered, so an item counts as exported (``item_scraped``)
while its line may still sit in the process's buffer. The incremental
state records an article as stored right after its export; after a
``kill -9`` a buffered line would be lost while the state says it was
written. Unbuffered, each JSON line is one ``write()`` of a whole line: the
file never holds half a line, and what the state records is in the file.

The crawl's local feed files are listed by :func:`feed_positions`, with
where the next line will start, so the state can note where an article's
line will be appended before it is written, and find it after a crash
(see :mod:`newscrawl.pipelines.state`).
"""

from __future__ import annotations

import contextlib
import os
import weakref
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scrapy.extensions.feedexport import FileFeedStorage

if TYPE_CHECKING:
    from scrapy import Spider


class LineFileFeedStorage(FileFeedStorage):
    """:class:`FileFeedStorage` with an unbuffered file (``FEED_STORAGES`` for ``file`` and plain paths)."""

    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None) -> None:
        super().__init__(uri, feed_options=feed_options)
        self.file: IO[bytes] | None = None
        """The file while it is open (Scrapy opens it at the first item)."""
        self.absolute_path = str(Path(self.path).absolute())
        _STORAGES[id(self)] = self

    def open(self, spider: Spider) -> IO[bytes]:
        path = Path(self.absolute_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = path.open(self.write_mode, buffering=0)
        return self.file

    def store(self, file: IO[bytes]) -> None:
        """Close the file (as Scrapy's storage does); its lines are complete."""
        _STORAGES.pop(id(self), None)
        self.file = None
        super().store(file)

    def next_line_at(self) -> int:
        """Where the next line written will start: the file's size, or 0 while a file to be overwritten is not open yet."""
        if self.file is not None:
            return os.fstat(self.file.fileno()).st_size
        if self.write_mode == "wb":
            return 0  # opening truncates it
        try:
            return os.stat(self.absolute_path).st_size
        except FileNotFoundError:
            return 0


# The local feeds of this process's crawl: from the exporter's start (a file opens at the first item), until stored.
_STORAGES: weakref.WeakValueDictionary[int, LineFileFeedStorage] = weakref.WeakValueDictionary()


def feed_positions() -> list[tuple[str, int]]:
    """Each local feed file of the crawl (open or about to be), with where its next line will start.

    A file Scrapy has not opened yet (it opens at the first item) is
    included, so that a note taken before the first line knows where to
    look for it.
    """
    positions = []
    for storage in list(_STORAGES.values()):
        with contextlib.suppress(OSError):
            positions.append((storage.absolute_path, storage.next_line_at()))
    return positions

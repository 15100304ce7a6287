"""Feed storage for local files that hands each exported line to the OS at once.

Scrapy's :class:`~scrapy.extensions.feedexport.FileFeedStorage` opens the
output file buffered, so an item counts as exported (``item_scraped``)
while its line may still sit in the process's buffer. The incremental
state records an article as stored right after its export; after a
``kill -9`` a buffered line would be lost while the state says it was
written. Unbuffered, each JSON line is one ``write()`` of a whole line: the
file never holds half a line, and what the state records is in the file.

The files open in this process are listed by :func:`open_feed_files`, so
the state can note where an article's line will be appended before it is
written, and find it after a crash (see :mod:`newscrawl.pipelines.state`).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING

from scrapy.extensions.feedexport import FileFeedStorage

if TYPE_CHECKING:
    from scrapy import Spider


_OPEN_FILES: dict[int, Path] = {}  # id(file object) -> its absolute path, while a crawl writes it


def open_feed_files() -> list[Path]:
    """The local feed files this process is writing now (absolute paths)."""
    return list(_OPEN_FILES.values())


class LineFileFeedStorage(FileFeedStorage):
    """:class:`FileFeedStorage` with an unbuffered file (``FEED_STORAGES`` for ``file`` and plain paths)."""

    def open(self, spider: Spider) -> IO[bytes]:
        path = Path(self.path).absolute()
        path.parent.mkdir(parents=True, exist_ok=True)
        file = path.open(self.write_mode, buffering=0)
        _OPEN_FILES[id(file)] = path
        return file

    def store(self, file: IO[bytes]) -> None:
        """Close the file (as Scrapy's storage does) and drop it from :func:`open_feed_files`."""
        _OPEN_FILES.pop(id(file), None)
        super().store(file)

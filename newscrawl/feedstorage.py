"""Feed storage for local files that hands each exported line to the OS at once.

Scrapy's :class:`~scrapy.extensions.feedexport.FileFeedStorage` opens the
output file buffered, so an item counts as exported (``item_scraped``)
while its line may still sit in the process's buffer. The incremental
state records an article as stored right after its export; after a
``kill -9`` a buffered line would be lost while the state says it was
written. Unbuffered, each JSON line is one ``write()`` of a whole line: the
file never holds half a line, and what the state records is in the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING

from scrapy.extensions.feedexport import FileFeedStorage

if TYPE_CHECKING:
    from scrapy import Spider


class LineFileFeedStorage(FileFeedStorage):
    """:class:`FileFeedStorage` with an unbuffered file (``FEED_STORAGES`` for ``file`` and plain paths)."""

    def open(self, spider: Spider) -> IO[bytes]:
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open(self.write_mode, buffering=0)

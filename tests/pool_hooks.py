"""Extract functions for the extraction-pool tests (named by ``NEWSCRAWL_EXTRACT_FUNCTION``).

Not a test module: worker processes import it by name. :func:`chaos_extract`
behaves like :func:`newscrawl.extraction.extract` except on URLs carrying
a marker, where it hangs or kills its own process the way a runaway regex
or a segfault in a C extension would.
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from newscrawl.extraction import ExtractionResult, extract

HANG_MARKER = "hang-forever"  # a URL with this in it never finishes extracting
CRASH_MARKER = "segfault"  # a URL with this in it kills the extracting process with SIGSEGV
RAISE_MARKER = "raises-error"  # a URL with this in it makes the extractor raise


def chaos_extract(body: bytes, url: str, headers: Any = None, status: int = 200) -> ExtractionResult:
    """:func:`extract`, except that marked URLs hang, crash the process or raise."""
    if HANG_MARKER in url:
        time.sleep(3600)
    if CRASH_MARKER in url:
        os.kill(os.getpid(), signal.SIGSEGV)
    if RAISE_MARKER in url:
        msg = "the extractor broke on this page"
        raise RuntimeError(msg)
    return extract(body, url, headers, status)

"""Small text helpers shared by the extraction modules."""

from __future__ import annotations

import re

_WS_RE = re.compile(r"\s+")


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) to one space and strip."""
    return _WS_RE.sub(" ", text.replace("\u00a0", " ")).strip()

"""An extract function that replays articles a crawl wrote, extracting nothing (``bench_speed.py --compare``).

With extraction replaced by this stand-in, an end-to-end crawl measures
everything a page costs besides extraction: fetching, the hand-off to
the pool and back, the item pipelines (the state among them) and the
export. ``bench_speed.py`` runs it with and without the state, so the
state's own cost and the hand-off's are measured apart from the cost of
the processes sharing the cores, which a crawl that extracts also pays.

Use: this folder on ``PYTHONPATH``, ``NEWSCRAWL_BENCH_REPLAY`` naming a
JSONL export of a crawl of the same site, and
``-s NEWSCRAWL_EXTRACT_FUNCTION=bench_replay:extract``. A page whose URL
has a line gets that line's article back, without the fields the crawl
sets after extraction (provenance, the state's version and duplicate);
the cost is a dict copy and building the item. Any other page is skipped
as ``not_in_replay``. The export is read once, in the pool's template
process (its warm-up calls this), so the forked workers share it.
"""

from __future__ import annotations

import json
import os
from typing import Any

from newscrawl.extraction import ExtractionResult
from newscrawl.pool import article_from_dict

REPLAY_ENV = "NEWSCRAWL_BENCH_REPLAY"
# Set on the way out of extraction (provenance middleware, WARC archive, state pipeline): a replayed article
# starts without them, as an extracted one does.
SET_AFTER_EXTRACTION = ("fetched_at", "extractor_version", "warc_file", "warc_record_id", "version",
                        "previous_fetched_at", "duplicate_of")

_articles: dict[str, dict[str, Any]] | None = None


def load(path: str) -> dict[str, dict[str, Any]]:
    """The articles of a JSONL export by URL, without the fields set after extraction."""
    articles = {}
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            try:
                data = json.loads(line)
                url = data["url"]
            except (ValueError, KeyError, TypeError) as exc:
                msg = f"{path}, line {number}: not an exported article ({exc})"
                raise ValueError(msg) from exc
            for name in SET_AFTER_EXTRACTION:
                data.pop(name, None)
            articles[url] = data
    return articles


def extract(body: bytes, url: str, headers: Any = None, status: int = 200) -> ExtractionResult:
    """The article the replayed export has for ``url``, or a skip (``not_in_replay``)."""
    global _articles  # noqa: PLW0603 - loaded once per process (before the workers fork)
    if _articles is None:
        path = os.environ.get(REPLAY_ENV)
        if not path:
            msg = f"bench_replay needs {REPLAY_ENV}: the JSONL export to replay"
            raise RuntimeError(msg)
        _articles = load(path)
    data = _articles.get(url)
    if data is None:
        return ExtractionResult(skip_reason="not_in_replay")
    return ExtractionResult(item=article_from_dict(data))

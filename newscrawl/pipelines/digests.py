"""What the extraction workers computed from an article's body, for the pipelines after extraction.

The body's fingerprint (for :class:`~newscrawl.pipelines.dedupe.DedupePipeline`
and the state) and its MinHash signature (for near-duplicates) are
computed in the extraction workers, next to the extraction, so that the
crawl process (one core, the reactor's) does not spend about 1 ms an
article normalising and hashing the text again (``make bench``).

A digest belongs to the very ``str`` object that is the article's body
when extraction handed it on: a pipeline that replaces the body makes the
digest stale, and it is then ignored (computed again from the new body).
Digests are kept by ``id()`` of the article (attrs items are not
hashable) until the article leaves the pipelines, exported, dropped or
failed (:class:`~newscrawl.pipelines.extract.ExtractPipeline` forgets
them on those signals), in a bounded table all the same.
"""

from __future__ import annotations

import collections
import hashlib
from typing import TYPE_CHECKING

import attrs

from newscrawl.extraction.text import normalize_space

if TYPE_CHECKING:
    from newscrawl.items import Article

_MAX_DIGESTS = 1000  # far above the articles in the pipelines at once (Scrapy bounds them); each holds its body


def body_fingerprint(body: str) -> str:
    """A fingerprint of the body text that ignores whitespace and case."""
    return hashlib.sha1(normalize_space(body).lower().encode("utf-8")).hexdigest()


@attrs.frozen
class TextDigest:
    """A body's fingerprint and serialised MinHash signature (None for a text without words)."""

    body: str
    """The body these were computed from (the article's own object, compared by identity)."""
    fingerprint: str
    signature: bytes | None


_DIGESTS: collections.OrderedDict[int, TextDigest] = collections.OrderedDict()


def remember_text_digest(item: Article, fingerprint: str, signature: bytes | None) -> None:
    """Keep what extraction computed from ``item``'s current body (:func:`newscrawl.pool.text_digest`)."""
    if item.body is None:
        return
    _DIGESTS[id(item)] = TextDigest(item.body, fingerprint, signature)
    _DIGESTS.move_to_end(id(item))
    while len(_DIGESTS) > _MAX_DIGESTS:
        _DIGESTS.popitem(last=False)


def _digest(item: Article) -> TextDigest | None:
    """The digest of ``item``'s body as it is now, or None (none kept, or the body was replaced since)."""
    digest = _DIGESTS.get(id(item))
    return digest if digest is not None and digest.body is item.body else None


def item_fingerprint(item: Article) -> str:
    """:func:`body_fingerprint` of the item's body, from its digest when it has one."""
    digest = _digest(item)
    return digest.fingerprint if digest is not None else body_fingerprint(item.body or "")


def item_signature(item: Article) -> tuple[bool, bytes | None]:
    """(found, serialised signature) of the item's body, from its digest when it has one."""
    digest = _digest(item)
    return (True, digest.signature) if digest is not None else (False, None)


def forget_text_digest(item: Article) -> None:
    """``item`` has left the pipelines (its line is written, or it was dropped or failed): drop its digest."""
    _DIGESTS.pop(id(item), None)

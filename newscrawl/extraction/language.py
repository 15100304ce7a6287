"""The article's language: the page's markup, checked against its text.

The markup is read in order of trust: ``<html lang>``, ``og:locale``,
``content-language`` (meta or http-equiv), ``language``/``dc.language``
meta, JSON-LD ``inLanguage``. With 200 characters of text or more,
py3langid checks it: a page without markup gets the detected language, and
markup that a confident detection (400+ characters, probability >= 0.9)
contradicts gives way to the text.

Detection is the costly part (py3langid walks the text byte by byte in
Python, through tables too large for the CPU caches), so markup is
confirmed cheaply first: when the opening of the text is detected as the
declared language with high probability, the markup stands without
classifying more of the text.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING

from newscrawl.extraction import metadata as metadata_mod

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

    from newscrawl.extraction.metadata import PageMetadata

# Text shorter than this is not checked at all.
MIN_DETECT_CHARS = 200
# Markup is overruled only by a detection on at least this much text ...
MIN_OVERRULE_CHARS = 400
# ... with at least this normalized probability.
MIN_OVERRULE_PROBABILITY = 0.9
# Only the start of a long text is classified: 2,000 characters (a dozen sentences) give a sure answer
# on prose, at a third of the cost of 5,000 (about 1 ms a page less).
MAX_DETECT_CHARS = 2000
# The opening that confirms markup: when it is detected as the declared language, as surely as a
# detection must be to overrule markup, the markup stands. When markup is wrong, the opening is
# detected as another language (or unsurely) and the full check decides as before.
CONFIRM_CHARS = MIN_DETECT_CHARS

# A language tag: primary subtag of two (ISO 639-1) or three letters, then anything.
_TAG_RE = re.compile(r"^\s*(?P<primary>[A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$")
# Deprecated ISO 639-1 codes and the detector's codes outside ISO 639-1, mapped to ISO 639-1.
_CODE_ALIASES = {
    "iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro",
    "ary": "ar", "arz": "ar", "yue": "zh", "wuu": "zh", "uzs": "uz", "gug": "gn",
    "eng": "en", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es",
    "ita": "it", "por": "pt", "nld": "nl", "dut": "nl", "rus": "ru", "zho": "zh", "chi": "zh",
}
# Languages the detector cannot tell apart reliably: within a group, markup is never overruled.
_SAME_LANGUAGE_GROUPS = (
    frozenset({"no", "nb", "nn"}),
    frozenset({"sr", "hr", "bs", "me"}),
    frozenset({"ms", "id"}),
)

_IDENTIFIER: LanguageIdentifier | None = None
_IDENTIFIER_LOCK = threading.Lock()


def detect_language(meta: PageMetadata, text: str | None) -> str | None:
    """ISO 639-1 code of the article's language, or None when neither markup nor text tells."""
    declared = declared_language(meta)
    if not text or len(text) < MIN_DETECT_CHARS:
        return declared
    if declared is not None:
        if len(text) < MIN_OVERRULE_CHARS:
            return declared  # a detection on this little text could not overrule the markup
        opening, probability = _classify(text[:CONFIRM_CHARS])
        if (
            opening is not None
            and (opening == declared or _same_language(opening, declared))
            and probability >= MIN_OVERRULE_PROBABILITY
        ):
            return declared  # the text surely opens in the declared language: nothing to overrule
    detected, probability = _classify(text[:MAX_DETECT_CHARS])
    if detected is None:
        return declared
    if declared is None:
        return detected
    if (
        detected != declared
        and not _same_language(detected, declared)
        and len(text) >= MIN_OVERRULE_CHARS
        and probability >= MIN_OVERRULE_PROBABILITY
    ):
        return detected
    return declared


def declared_language(meta: PageMetadata) -> str | None:
    """The language the markup declares, as ISO 639-1, or None."""
    ld_lang = metadata_mod.ld_text((meta.article_ld or {}).get("inLanguage"))
    for value in (
        meta.html_lang,
        meta.first("og:locale"),
        meta.first("content-language"),
        meta.first("language", "dc.language"),
        ld_lang,
    ):
        code = language_code(value)
        if code:
            return code
    return None


def language_code(value: str | None) -> str | None:
    """The ISO 639-1 code of a language tag ("en-US" -> "en", "de_DE" -> "de"), or None."""
    if not value:
        return None
    first = value.split(",")[0]  # content-language may list several
    match = _TAG_RE.match(first)
    if not match:
        return None
    code = match["primary"].lower()
    code = _CODE_ALIASES.get(code, code)
    return code if len(code) == 2 else None


def _same_language(a: str, b: str) -> bool:
    """Whether two codes fall in one group the detector confuses."""
    return any(a in group and b in group for group in _SAME_LANGUAGE_GROUPS)


def _identifier() -> LanguageIdentifier:
    """The py3langid identifier with normalized probabilities, loaded once on first use (mapped: see langmodel)."""
    global _IDENTIFIER  # noqa: PLW0603 -- a lazily loaded module-level model
    if _IDENTIFIER is None:
        with _IDENTIFIER_LOCK:
            if _IDENTIFIER is None:
                from newscrawl.extraction.langmodel import load_identifier  # noqa: PLC0415 - with the model

                _IDENTIFIER = load_identifier(norm_probs=True)
    return _IDENTIFIER


def _classify(text: str) -> tuple[str | None, float]:
    """(ISO 639-1 code, probability) for ``text``; None when the detector's label has no such code."""
    label, probability = _identifier().classify(text)
    code = _CODE_ALIASES.get(label, label)
    return (code if len(code) == 2 else None), float(probability)

"""The text of an HTML body: which encoding to decode it with, and why.

Scrapy and web-poet decode a page with the first charset label they find
and ``errors="replace"``, so a wrong label gives silent mojibake: a UTF-8
page served as ``charset=ISO-8859-1`` comes out with "Ã©" for "é" in every
field. :func:`decode_html` checks the labels against the bytes:

1. A byte order mark decides (as in browsers).
2. The bytes are profiled as UTF-8: how many multi-byte sequences are
   valid (``multibyte``) and how many bytes are not (``invalid``).
3. A label (the Content-Type header first, then ``<meta charset>``):

   - ``utf-8``: UTF-8, with any stray invalid bytes read as windows-1252
     (a Latin-1 footer pasted into a UTF-8 template) instead of U+FFFD;
     but when the bytes are mostly not UTF-8 and ``<meta>`` names another
     encoding, the page's own label wins over the server's;
   - any other encoding: UTF-8 all the same when the bytes hold valid
     multi-byte UTF-8 sequences and (almost) no invalid ones, since legacy
     text is practically never valid UTF-8 by chance; else the label.
     ``ISO-8859-1`` and ``US-ASCII`` mean windows-1252, as in browsers.

4. No label: UTF-8 when the bytes are UTF-8; else, when charset-normalizer
   recognises a non-Latin legacy encoding (Cyrillic, Greek, CJK ...),
   that; else windows-1252, the web's default for unlabelled pages.
5. Only unknown labels (``charset=x-klingon``) and bytes that are not
   UTF-8: :class:`UnknownEncodingError`, since any guess could be mojibake.

A pure function of the bytes and the Content-Type (no Scrapy import).
"""

from __future__ import annotations

import codecs
import re

import attrs
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

# Where a <meta> charset label may be: the first bytes of the document (w3lib reads as far).
_META_SCAN_BYTES = 4096
# A charset label, as an attribute value or inside a Content-Type value.
_CHARSET_LABEL_RE = re.compile(r"""charset\s*=\s*["']?\s*([^\s"';/>]+)""", re.IGNORECASE)
_META_RE = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
# A body whose valid multi-byte UTF-8 sequences outnumber its invalid bytes this many
# times over is UTF-8 text with a few stray bytes, whatever its label says.
UTF8_MAJORITY = 4
# Encodings charset-normalizer may pick for an unlabelled non-UTF-8 page. For Latin
# scripts it often answers cp1250 for windows-1252 text (é is the same, è is not),
# so only guesses of other scripts are trusted; Latin text gets windows-1252.
TRUSTED_GUESSES = frozenset({
    "cp1251", "koi8_r", "koi8_u", "iso8859_5", "mac_cyrillic", "cp866",  # Cyrillic
    "cp1253", "iso8859_7",  # Greek
    "cp1255", "iso8859_8", "cp1256", "iso8859_6",  # Hebrew, Arabic
    "cp874", "tis_620",  # Thai
    "cp932", "shift_jis", "euc_jp", "iso2022_jp",  # Japanese
    "gb2312", "gbk", "gb18030", "big5", "big5hkscs", "hz",  # Chinese
    "euc_kr", "cp949", "johab",  # Korean
})
# windows-1252 as browsers decode it: Latin-1 with C1 bytes 0x80-0x9F mapped to
# windows-1252 punctuation (the five bytes it leaves undefined stay C1 controls).
_C1_TO_CP1252 = {
    b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0) if b not in {0x81, 0x8D, 0x8F, 0x90, 0x9D}
}
# Invalid bytes in a UTF-8 decode with errors="surrogateescape" are lone surrogates U+DC80-U+DCFF.
_ESCAPED_TO_CP1252 = {0xDC00 + b: _C1_TO_CP1252.get(b, chr(b)) for b in range(0x80, 0x100)}
_ESCAPED_RE = re.compile("[\udc80-\udcff]")


class UnknownEncodingError(ValueError):
    """The page names only encodings this Python does not know, and its bytes are not UTF-8."""


@attrs.frozen
class DecodedHtml:
    """The text of a body and how it was decoded."""

    text: str
    encoding: str
    """The codec used (Python's name), e.g. ``utf-8`` or ``cp1252``."""
    reason: str
    """Why: ``bom``, ``header``, ``meta``, ``utf-8 despite <label>``, ``utf-8``, ``detected`` or ``default``."""


@attrs.frozen
class Utf8Profile:
    """How a body fares when read as UTF-8."""

    multibyte: int
    """Valid multi-byte sequences (non-ASCII characters)."""
    invalid: int
    """Bytes that are not part of a valid sequence."""
    text: str
    """The body decoded with ``surrogateescape``: invalid bytes are lone surrogates."""

    @property
    def is_utf8(self) -> bool:
        """True when every byte is valid UTF-8."""
        return self.invalid == 0

    @property
    def looks_utf8(self) -> bool:
        """True when the body is UTF-8 text, perhaps with a few stray bytes."""
        return self.multibyte > 0 and self.multibyte >= UTF8_MAJORITY * self.invalid


def utf8_profile(body: bytes) -> Utf8Profile:
    """Read ``body`` as UTF-8 and count its multi-byte sequences and invalid bytes."""
    try:
        text = body.decode("utf-8")
        invalid = 0
    except UnicodeDecodeError:
        text = body.decode("utf-8", errors="surrogateescape")
        invalid = len(_ESCAPED_RE.findall(text))
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))  # C speed; escapes are non-ASCII too
    return Utf8Profile(non_ascii - invalid, invalid, text)


def windows_1252(body: bytes) -> str:
    """``body`` decoded as browsers decode windows-1252 (and ISO-8859-1): never fails."""
    return body.decode("latin-1").translate(_C1_TO_CP1252)


def utf8_lenient(profile: Utf8Profile) -> str:
    """The UTF-8 text of a profiled body, any invalid byte read as windows-1252."""
    if profile.invalid == 0:
        return profile.text
    return profile.text.translate(_ESCAPED_TO_CP1252)


def charset_labels(body: bytes, content_type: str | None) -> list[tuple[str, str]]:
    """The charset labels a page gives, in order of authority: ``("header", label)``, ``("meta", label)``."""
    labels = []
    if content_type and (match := _CHARSET_LABEL_RE.search(content_type)):
        labels.append(("header", match.group(1)))
    head = body[:_META_SCAN_BYTES].decode("latin-1")
    for meta in _META_RE.findall(head):
        if match := _CHARSET_LABEL_RE.search(meta):
            labels.append(("meta", match.group(1)))
            break
    return labels


def _python_codec(label: str) -> str | None:
    """Python's codec name for a charset label (ISO-8859-1 → cp1252, as browsers), or None if unknown."""
    name = resolve_encoding(label)
    if name is None:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _declared(body: bytes, content_type: str | None) -> tuple[str, str] | None:
    """The (codec, source) of the first known label: the header, else the meta tag."""
    if content_type and (name := http_content_type_encoding(content_type)):
        codec = _python_codec(name)
        if codec:
            return codec, "header"
    if codec := _meta_codec(body):
        return codec, "meta"
    return None


def _meta_codec(body: bytes) -> str | None:
    """The codec the page's own ``<meta>`` declares, if known."""
    name = html_body_declared_encoding(body)
    return _python_codec(name) if name else None


def _decode(body: bytes, codec: str) -> str:
    if codec == "cp1252":
        return windows_1252(body)
    return body.decode(codec, errors="replace")


def _guess_legacy(body: bytes) -> str | None:
    """A non-Latin legacy encoding charset-normalizer is confident about, or None."""
    from charset_normalizer import from_bytes  # noqa: PLC0415 - only for unlabelled non-UTF-8 pages

    best = from_bytes(body).best()
    if best is None:
        return None
    codec = _python_codec(best.encoding)
    return codec if codec in TRUSTED_GUESSES else None


def decode_html(body: bytes, content_type: str | None = None) -> DecodedHtml:
    """The text of an HTML ``body`` served with ``content_type`` (see the module docstring)."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        codec = _python_codec(bom_encoding) or "utf-8"
        return DecodedHtml(body[len(bom):].decode(codec, errors="replace"), codec, "bom")
    profile = utf8_profile(body)
    declared = _declared(body, content_type)
    if declared is not None:
        codec, source = declared
        if codec == "utf-8":
            if not profile.looks_utf8 and profile.invalid and (meta := _meta_codec(body)) not in (None, "utf-8"):
                return DecodedHtml(_decode(body, meta), meta, f"meta despite {source} utf-8")
            return DecodedHtml(utf8_lenient(profile), "utf-8", source)
        if profile.looks_utf8:
            return DecodedHtml(utf8_lenient(profile), "utf-8", f"utf-8 despite {source} {codec}")
        return DecodedHtml(_decode(body, codec), codec, source)
    if profile.is_utf8:
        return DecodedHtml(profile.text, "utf-8", "utf-8")
    if profile.looks_utf8:
        return DecodedHtml(utf8_lenient(profile), "utf-8", "utf-8")
    labels = charset_labels(body, content_type)
    if labels:
        names = ", ".join(f"{label!r} ({source})" for source, label in labels)
        msg = f"unknown encoding {names} and the bytes are not UTF-8"
        raise UnknownEncodingError(msg)
    if (guess := _guess_legacy(body)) is not None:
        return DecodedHtml(_decode(body, guess), guess, "detected")
    return DecodedHtml(windows_1252(body), "cp1252", "default")


_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")


def strip_xml_declaration(text: str) -> str:
    """``text`` without a leading ``<?xml ... encoding=...?>``, which no longer applies to decoded text."""
    return _XML_DECLARATION_RE.sub("", text, count=1) if text.lstrip().startswith("<?xml") else text

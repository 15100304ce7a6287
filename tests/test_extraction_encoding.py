"""Decoding page bytes: labels checked against the bytes, so a wrong label gives no mojibake."""

# ruff: noqa: RUF001  # typographic quotes and non-Latin letters are the test data

from __future__ import annotations

import pytest

from newscrawl.extraction import extract
from newscrawl.extraction.encoding import (
    UnknownEncodingError,
    charset_labels,
    decode_html,
    strip_xml_declaration,
    utf8_profile,
    windows_1252,
)

TEXT = "Le café “Zur Börse” in Zürich charges 5 € for crème brûlée — naïve prices."
LATIN1_TEXT = "Der Bürgermeister von Köln hieß die Gäste willkommen; le garçon était très élégant."
MOJIBAKE = ("Ã©", "Ã¼", "â€", "\ufffd")


def page(text: str, head: str = "") -> str:
    """A small HTML page with ``text`` as its one paragraph."""
    return f"<html><head>{head}<title>t</title></head><body><p>{text}</p></body></html>"


def assert_clean(decoded: str, expected: str) -> None:
    """The expected text is there, and no mojibake is."""
    assert expected in decoded
    for bad in MOJIBAKE:
        assert bad not in decoded


def test_utf8_body_labelled_iso_8859_1_is_read_as_utf8() -> None:
    """A UTF-8 body served as ISO-8859-1 is decoded as UTF-8, and the reason says so."""
    result = decode_html(page(TEXT).encode("utf-8"), "text/html; charset=ISO-8859-1")
    assert_clean(result.text, TEXT)
    assert result.encoding == "utf-8"
    assert result.reason == "utf-8 despite header cp1252"


@pytest.mark.parametrize("label", ["windows-1252", "us-ascii", "latin1", "iso-8859-15"])
def test_utf8_body_with_other_single_byte_labels_is_read_as_utf8(label: str) -> None:
    """Any single-byte label on a valid multi-byte UTF-8 body gives way to UTF-8."""
    result = decode_html(page(TEXT).encode("utf-8"), f"text/html; charset={label}")
    assert_clean(result.text, TEXT)


def test_utf8_body_with_wrong_meta_charset_is_read_as_utf8() -> None:
    """A wrong <meta charset> with no header label is overruled by valid UTF-8 bytes."""
    body = page(TEXT, '<meta charset="iso-8859-1">').encode("utf-8")
    result = decode_html(body, "text/html")
    assert_clean(result.text, TEXT)
    assert result.reason == "utf-8 despite meta cp1252"


def test_utf8_with_a_stray_latin1_byte_keeps_both() -> None:
    """A UTF-8 page with one Latin-1 byte pasted in keeps its UTF-8 text and reads the byte as windows-1252."""
    body = page(TEXT).encode("utf-8").replace(b"</body>", b"<footer>\xa9 2024</footer></body>")
    for content_type in ("text/html; charset=iso-8859-1", "text/html; charset=utf-8", "text/html"):
        result = decode_html(body, content_type)
        assert_clean(result.text, TEXT)
        assert "© 2024" in result.text


def test_unlabelled_windows_1252_is_read_as_windows_1252() -> None:
    """A page with no label anywhere whose bytes are windows-1252 (curly quotes, euro) decodes as such."""
    result = decode_html(page(TEXT).encode("cp1252"), "text/html")
    assert_clean(result.text, TEXT)
    assert result.encoding == "cp1252"


def test_unlabelled_iso_8859_1_is_read_correctly() -> None:
    """A page with no label in ISO-8859-1 decodes to the same letters (windows-1252 is its superset)."""
    result = decode_html(page(LATIN1_TEXT).encode("iso-8859-1"), None)
    assert_clean(result.text, LATIN1_TEXT)


def test_unlabelled_utf8_is_read_as_utf8() -> None:
    """A page with no label whose bytes are UTF-8 decodes as UTF-8."""
    result = decode_html(page(TEXT).encode("utf-8"), "text/html")
    assert (result.text, result.encoding, result.reason) == (page(TEXT), "utf-8", "utf-8")


def test_correct_latin1_label_is_kept() -> None:
    """A genuine ISO-8859-1 page labelled so is decoded with its label (windows-1252, as browsers do)."""
    result = decode_html(page(LATIN1_TEXT).encode("iso-8859-1"), "text/html; charset=iso-8859-1")
    assert_clean(result.text, LATIN1_TEXT)
    assert (result.encoding, result.reason) == ("cp1252", "header")


def test_windows_1252_body_labelled_utf8_is_read_as_windows_1252() -> None:
    """A windows-1252 page served as UTF-8 gets its letters, not U+FFFD replacement characters."""
    result = decode_html(page(TEXT).encode("cp1252"), "text/html; charset=utf-8")
    assert_clean(result.text, TEXT)


def test_meta_label_wins_when_header_utf8_does_not_fit() -> None:
    """A Cyrillic windows-1251 page served as UTF-8 with a correct <meta> is read with the meta label."""
    text = "Правительство объявило о новых мерах поддержки экономики."
    body = page(text, '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">').encode("cp1251")
    result = decode_html(body, "text/html; charset=utf-8")
    assert text in result.text
    assert (result.encoding, result.reason) == ("cp1251", "meta despite header utf-8")


def test_unlabelled_cyrillic_is_detected() -> None:
    """An unlabelled windows-1251 page is recognised by charset detection, not read as windows-1252."""
    text = "Правительство России объявило о новых мерах поддержки экономики. " * 5
    result = decode_html(page(text).encode("cp1251"), "text/html")
    assert text in result.text
    assert result.reason == "detected"


def test_genuine_cyrillic_label_is_kept() -> None:
    """A correctly labelled windows-1251 page keeps its label: its bytes are not valid UTF-8."""
    text = "Правительство объявило о новых мерах поддержки экономики."
    result = decode_html(page(text).encode("cp1251"), "text/html; charset=windows-1251")
    assert text in result.text


def test_bom_decides() -> None:
    """A byte order mark wins over a contradicting header label."""
    body = "\ufeff".encode("utf-16-le") + page(TEXT).encode("utf-16-le")
    result = decode_html(body, "text/html; charset=iso-8859-1")
    assert_clean(result.text, TEXT)
    assert result.reason == "bom"


def test_unknown_label_with_non_utf8_bytes_is_an_error() -> None:
    """Only unknown labels and bytes that are not UTF-8: an error naming the label, not a guess."""
    body = page(TEXT, '<meta charset="x-klingon-8">').encode("cp1252")
    with pytest.raises(UnknownEncodingError, match="x-klingon-8"):
        decode_html(body, "text/html")


def test_unknown_label_with_utf8_bytes_is_utf8() -> None:
    """An unknown label on bytes that are valid UTF-8 is harmless: they are read as UTF-8."""
    body = page(TEXT, '<meta charset="x-klingon-8">').encode("utf-8")
    assert_clean(decode_html(body, "text/html; charset=x-klingon-8").text, TEXT)


def test_charset_labels_reads_header_then_meta() -> None:
    """The labels are listed header first, then the first meta tag that names one."""
    body = b'<meta name="x" content="y"><meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
    assert charset_labels(body, "text/html; charset='UTF-8'") == [("header", "UTF-8"), ("meta", "koi8-r")]


def test_utf8_profile_counts_sequences_and_invalid_bytes() -> None:
    """The profile counts valid multi-byte sequences and invalid bytes separately."""
    profile = utf8_profile("é€ a".encode() + b"\xe9")
    assert (profile.multibyte, profile.invalid, profile.is_utf8) == (2, 1, False)


def test_windows_1252_maps_c1_bytes_like_browsers() -> None:
    """Bytes 0x80-0x9F are windows-1252 punctuation; the five undefined ones do not raise."""
    assert windows_1252(b"\x93quoted\x94 \x80 \x81") == "“quoted” € \x81"


def test_strip_xml_declaration() -> None:
    """A leading XML declaration is dropped (it names the encoding of bytes no longer there)."""
    assert strip_xml_declaration('<?xml version="1.0" encoding="iso-8859-1"?>\n<html/>') == "\n<html/>"
    assert strip_xml_declaration("<html/>") == "<html/>"


ARTICLE = """<html><head><title>Café owners protest new rules</title>
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Café owners protest new rules"}}</script>
{meta}</head><body><article><h1>Café owners protest new rules</h1>
<p>The owners of the city’s cafés met on Tuesday to protest the new opening-hours rules, which they say will cost them 5 € a day in lost sales.</p>
<p>“We were not consulted,” said Zoë Müller, who runs a café near the Börse. The council said the rules would be reviewed in spring.</p>
</article></body></html>"""


@pytest.mark.parametrize(
    ("encoding", "content_type", "meta"),
    [
        ("utf-8", "text/html; charset=ISO-8859-1", ""),
        ("utf-8", "text/html", '<meta charset="windows-1252">'),
        ("cp1252", "text/html", ""),
        ("cp1252", "text/html; charset=utf-8", ""),
    ],
    ids=["utf8-as-latin1-header", "utf8-as-cp1252-meta", "cp1252-unlabelled", "cp1252-as-utf8-header"],
)
def test_extracted_article_has_no_mojibake(encoding: str, content_type: str, meta: str) -> None:
    """The whole extraction (headline, body) reads mislabelled and unlabelled pages correctly."""
    body = ARTICLE.format(meta=meta).encode(encoding)
    result = extract(body, "https://example.com/2024/05/cafe-owners-protest", [("Content-Type", content_type)])
    assert result.item is not None
    assert result.item.headline == "Café owners protest new rules"
    assert_clean(result.item.body or "", "“We were not consulted,” said Zoë Müller")
    assert "5 € a day" in (result.item.body or "")


def test_extract_skips_unknown_encoding_with_a_reason() -> None:
    """A page in an unknown declared encoding is skipped as not_html, and the detail names the label."""
    body = ARTICLE.format(meta='<meta charset="x-klingon-8">').encode("cp1252")
    result = extract(body, "https://example.com/a", [("Content-Type", "text/html")])
    assert result.item is None
    assert result.skip_reason == "not_html"
    assert "unknown encoding" in (result.detail or "")

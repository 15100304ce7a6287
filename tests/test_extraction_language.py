"""Article language: markup first, checked against the text with py3langid."""

from __future__ import annotations

import lxml.html
import pytest

from newscrawl.extraction import language
from newscrawl.extraction.language import detect_language
from newscrawl.extraction.metadata import PageMetadata, parse_metadata

GERMAN = (
    "Der Stadtrat hat am Dienstag beschlossen, die Straßenbahnlinie in die nördlichen Vororte zu "
    "verlängern. Damit endet eine Debatte, die mehr als zehn Jahre gedauert und die Bewohner "
    "gespalten hat. Die Bauarbeiten sollen im kommenden Frühjahr beginnen und etwa drei Jahre dauern. "
)
FRENCH = (
    "Le conseil municipal a voté mardi la prolongation de la ligne de tramway vers les quartiers nord, "
    "mettant fin à un débat qui durait depuis plus de dix ans et qui divisait les habitants. Les travaux "
    "devraient commencer au printemps prochain et durer environ trois ans, selon la mairie. "
)
ENGLISH = (
    "The city council voted on Tuesday to extend the tram line to the northern suburbs, ending a debate "
    "that had run for more than a decade and divided residents. Work is due to start next spring. "
)


def _meta(head: str = "", html_attrs: str = "") -> PageMetadata:
    page = f"<html {html_attrs}><head>{head}</head><body><p>x</p></body></html>"
    return parse_metadata(lxml.html.document_fromstring(page), "https://example.com/a")


@pytest.mark.parametrize(
    ("html_attrs", "head", "expected"),
    [
        ('lang="en-US"', "", "en"),
        ('lang="pt_BR"', "", "pt"),
        ("", '<meta property="og:locale" content="de_DE">', "de"),
        ("", '<meta http-equiv="Content-Language" content="fr-FR, en">', "fr"),
        ("", '<script type="application/ld+json">{"@type": "NewsArticle", "inLanguage": "es-ES"}</script>', "es"),
        ('lang="x-default"', '<meta property="og:locale" content="it_IT">', "it"),
        ('lang="iw"', "", "he"),
        ("", "", None),
    ],
)
def test_markup_is_read_in_order(html_attrs: str, head: str, expected: str | None) -> None:
    """<html lang>, og:locale, content-language and JSON-LD inLanguage give an ISO 639-1 code, in that order."""
    assert detect_language(_meta(head, html_attrs), None) == expected


def test_missing_markup_uses_the_detected_language() -> None:
    """A page without language markup gets the language of its German text."""
    assert detect_language(_meta(), GERMAN) == "de"


def test_confident_detection_overrules_wrong_markup() -> None:
    """lang="en" on a long French article body gives "fr"."""
    assert detect_language(_meta(html_attrs='lang="en"'), FRENCH * 2) == "fr"


def test_short_text_keeps_markup() -> None:
    """Below 200 characters the text is not checked and the markup stands."""
    assert detect_language(_meta(html_attrs='lang="en"'), FRENCH[:150]) == "en"


def test_medium_text_fills_in_but_does_not_overrule() -> None:
    """Between 200 and 400 characters, detection fills in missing markup but does not overrule it."""
    text = FRENCH[:300]
    assert detect_language(_meta(), text) == "fr"
    assert detect_language(_meta(html_attrs='lang="en"'), text) == "en"


def test_agreeing_markup_is_kept() -> None:
    """Markup that agrees with the text is returned as is."""
    assert detect_language(_meta(html_attrs='lang="en-GB"'), ENGLISH * 3) == "en"


def test_confusable_languages_do_not_overrule() -> None:
    """Norwegian Bokmål markup is not overruled by a "no"/"nn" detection (one language group)."""
    assert language._same_language("nb", "no")
    assert not language._same_language("de", "nl")


def test_language_code_parsing() -> None:
    """language_code keeps the primary subtag, maps legacy codes and rejects non-codes."""
    assert language.language_code("EN-us") == "en"
    assert language.language_code("deu") == "de"
    assert language.language_code("English") is None
    assert language.language_code("") is None


def _classified_lengths(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the length of every text the detector classifies."""
    lengths: list[int] = []
    classify = language._classify

    def recording(text: str) -> tuple[str | None, float]:
        lengths.append(len(text))
        return classify(text)

    monkeypatch.setattr(language, "_classify", recording)
    return lengths


def test_markup_confirmed_by_the_opening_is_not_checked_further(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the text surely opens in the declared language, only the opening is classified."""
    lengths = _classified_lengths(monkeypatch)
    assert detect_language(_meta(html_attrs='lang="en"'), ENGLISH * 12) == "en"
    assert lengths == [language.CONFIRM_CHARS]


def test_wrong_markup_is_checked_on_the_full_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """An opening in another language than the markup's leads to the full check, which overrules the markup."""
    lengths = _classified_lengths(monkeypatch)
    assert detect_language(_meta(html_attrs='lang="en"'), FRENCH * 8) == "fr"
    assert lengths == [language.CONFIRM_CHARS, language.MAX_DETECT_CHARS]


def test_medium_text_with_markup_is_not_classified(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under 400 characters nothing could overrule the markup, so the text is not classified at all."""
    lengths = _classified_lengths(monkeypatch)
    assert detect_language(_meta(html_attrs='lang="en"'), FRENCH[:300]) == "en"
    assert lengths == []

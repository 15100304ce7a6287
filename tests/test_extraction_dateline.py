"""Datelines: splitting "GENEVA (AP) —" off a wire story's first paragraph."""

# ruff: noqa: RUF001  # en/em dashes and typographic quotes are what this code matches

from __future__ import annotations

import pytest

from newscrawl.extraction.dateline import split_dateline

POSITIVES = [
    ("GENEVA (AP) — The U.N. human rights office said", "GENEVA (AP)", "The U.N. human rights office said"),
    ("WASHINGTON, Jan 20 (Reuters) - The Senate voted", "WASHINGTON, Jan 20 (Reuters)", "The Senate voted"),
    ("LONDON: The Bank of England raised rates", "LONDON", "The Bank of England raised rates"),
    ("PARIS (AFP) – Le gouvernement a annoncé", "PARIS (AFP)", "Le gouvernement a annoncé"),
    ("Berlin (dpa) - Die Bundesregierung plant", "Berlin (dpa)", "Die Bundesregierung plant"),
    ("NEW YORK (CNN) — Stocks fell on Monday", "NEW YORK (CNN)", "Stocks fell on Monday"),
    ("SAN JUAN, Puerto Rico (AP) — Power returned", "SAN JUAN, Puerto Rico (AP)", "Power returned"),
    ("KYIV, Ukraine — Russian drones struck", "KYIV, Ukraine", "Russian drones struck"),
    ("WASHINGTON — The president signed", "WASHINGTON", "The president signed"),
    ("Frankfurt/Main (dpa/lhe) - Der Flughafen meldet", "Frankfurt/Main (dpa/lhe)", "Der Flughafen meldet"),
    ("MOSCOW, Jan. 20 (Xinhua) -- Russia said", "MOSCOW, Jan. 20 (Xinhua)", "Russia said"),
    ("LONDON, 20 January (Reuters) - Britain said", "LONDON, 20 January (Reuters)", "Britain said"),
]


@pytest.mark.parametrize(("paragraph", "dateline", "rest"), POSITIVES)
def test_wire_datelines_are_split(paragraph: str, dateline: str, rest: str) -> None:
    """Each wire dateline form is split into the dateline and the sentence after the separator."""
    assert split_dateline(paragraph) == (dateline, rest)


@pytest.mark.parametrize(
    "paragraph",
    [
        "GENEVA (AP)—The office said",
        "GENEVA (AP)-The office said",
        "GENEVA (AP) —The office said",
        "GENEVA (AP)— The office said",
        "GENEVA (AP) -- The office said",
    ],
)
def test_separator_spacing_does_not_matter_after_an_agency(paragraph: str) -> None:
    """After an agency, dashes split with or without spaces around them."""
    assert split_dateline(paragraph) == ("GENEVA (AP)", "The office said")


def test_em_dash_without_spaces_after_a_caps_place() -> None:
    """An em dash glued to an ALL-CAPS place still separates the dateline."""
    assert split_dateline("WASHINGTON—The vote failed") == ("WASHINGTON", "The vote failed")


def test_agency_alone_is_a_dateline() -> None:
    """A paragraph opening with just "(CNN) —" has "(CNN)" as its dateline."""
    assert split_dateline("(CNN) — The storm made landfall") == ("(CNN)", "The storm made landfall")


def test_spanish_wire_dot_dash_separator() -> None:
    """EFE's ".-" separator after the agency is understood and the dot left out of the dateline."""
    assert split_dateline("MADRID, 20 ene (EFE).- El Gobierno aprobó") == ("MADRID, 20 ene (EFE)", "El Gobierno aprobó")


def test_hyphenated_caps_place_and_state_abbreviation() -> None:
    """A hyphenated ALL-CAPS city with an abbreviated state ("WINSTON-SALEM, N.C.") is one place."""
    assert split_dateline("WINSTON-SALEM, N.C. (AP) — A judge ruled") == ("WINSTON-SALEM, N.C. (AP)", "A judge ruled")


def test_hyphenated_agency_is_not_taken_for_the_separator() -> None:
    """The hyphen inside "dpa-AFX" is part of the agency, not the separator."""
    assert split_dateline("Frankfurt (dpa-AFX) - Der Dax stieg") == ("Frankfurt (dpa-AFX)", "Der Dax stieg")


def test_the_hague_is_a_place() -> None:
    """A place may start with "THE" ("THE HAGUE")."""
    assert split_dateline("THE HAGUE, Netherlands (AP) — The court") == ("THE HAGUE, Netherlands (AP)", "The court")


def test_rest_may_open_with_a_quote() -> None:
    """The sentence after the dateline may start with a quotation mark."""
    assert split_dateline("GENEVA (AP) — “We cannot cooperate,” he said") == (
        "GENEVA (AP)",
        "“We cannot cooperate,” he said",
    )


def test_leading_whitespace_is_ignored() -> None:
    """Whitespace before the dateline does not prevent the split."""
    assert split_dateline("  LONDON (Reuters) - Shares rose") == ("LONDON (Reuters)", "Shares rose")


def test_dateline_alone_gives_empty_rest() -> None:
    """A paragraph that is only a dateline gives the dateline and an empty rest."""
    assert split_dateline("GENEVA (AP) —") == ("GENEVA (AP)", "")


NEGATIVES = [
    "In Washington, the mood was grim on Monday.",
    "NASA (the space agency) said the launch was delayed.",
    "The U.S. — and its allies — want a ceasefire.",
    "A new report (PDF) – released today – shows the damage.",
    "Apple (AAPL) - shares rose 3% in early trading.",
    "COVID-19 cases rose sharply last week.",
    "I'm writing — again — about the council.",
    "UPDATE: The minister has resigned.",
    "BREAKING: Parliament dissolved.",
    "EXCLUSIVE: Leaked memo shows doubts.",
    "WATCH: The moment the bridge collapsed.",
    "ANALYSIS: What the vote means.",
    "OPINION: We need a new deal.",
    "EDITOR'S NOTE: This story has been updated.",
    "LIVE: Follow the results as they come in.",
    "CORRECTION: An earlier version misstated the date.",
    "NEW: Officials confirm two deaths.",
    "NATO — the alliance founded in 1949 — meets today.",
    "FBI: The suspect fled the scene.",
    "U.S.-China talks resumed on Tuesday.",
    "Tuesday — The day began quietly.",
    "Berlin - Die Stadt feiert.",
    "Berlin: Die Stadt feiert.",
    "WASHINGTON POST reporters — they said — were there.",
    "IN BRIEF: Three things to know.",
    "LONDON-based investors sold shares.",
    "Mr Chen said the report released last week – which said some abuses – made accusations.",
]


@pytest.mark.parametrize("paragraph", NEGATIVES)
def test_ordinary_first_sentences_have_no_dateline(paragraph: str) -> None:
    """An ordinary first sentence, label or acronym is returned unchanged with no dateline."""
    assert split_dateline(paragraph) == (None, paragraph)


def test_lowercase_continuation_is_not_a_dateline() -> None:
    """A caps word followed by a dash and a lowercase word is a sentence, not a dateline."""
    assert split_dateline("GENEVA — and other cities — voted") == (None, "GENEVA — and other cities — voted")


def test_title_case_place_needs_a_known_agency() -> None:
    """A Title-Case place with an unknown name in parentheses is not a dateline."""
    assert split_dateline("Springfield (Simpsons) - Homer said") == (None, "Springfield (Simpsons) - Homer said")


def test_short_caps_word_alone_is_not_a_place() -> None:
    """An ALL-CAPS word under four letters with a colon ("EU:") is an acronym, not a place."""
    assert split_dateline("EU: Ministers agreed") == (None, "EU: Ministers agreed")

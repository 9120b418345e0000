"""Typos corrected before retrieval: to the one Index word a slip away, never a word spelled right."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand
from assistant.suggest.spelling import correction


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("hypertention", "hypertension"),  # a wrong letter
        ("depresion", "depression"),  # a letter left out
        ("anxeity", "anxiety"),  # two letters swapped
        ("pnuemonia", "pneumonia"),
        ("Osteoporsis", "osteoporosis"),
        ("prediabetis", "prediabetes"),  # forms of one word tie: still one word
        ("oesophagitis", "esophagitis"),  # British spelling
        ("haemorrhoids", "hemorrhoids"),
    ],
)
def test_a_slip_becomes_the_index_word(typed: str, meant: str) -> None:
    assert correction(typed) == meant


@pytest.mark.parametrize(
    "word",
    [
        "hypertension",  # an Index word
        "tolerated",  # an English word
        "yesterday",
        "lisinopril",  # a drug no Index word is one slip from
        "atorva",
        "hypoth",  # nothing close
        "osteoporotic",  # another form of an Index word, not a slip
        "HFpEF",  # short: too often an abbreviation
        "covid19",  # a digit
    ],
)
def test_a_word_spelled_right_or_far_from_any_stays(word: str) -> None:
    assert correction(word) is None


def test_the_correction_keeps_the_offsets_of_the_note() -> None:
    note = "A/P: hypertention, controlled."
    out = expand(note)
    assert "hypertension" in out.text
    start = out.text.index("hypertension")
    assert out.original_span(start, start + len("hypertension")) == (5, 17)
    assert note[5:17] == "hypertention"

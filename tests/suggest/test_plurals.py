"""Classical plurals are searched as the singular the code sets use."""

from __future__ import annotations

import pytest

from assistant.suggest.plurals import singular
from assistant.suggest.text import expand_abbreviations


@pytest.mark.parametrize(
    ("plural", "expected"),
    [
        ("keratoses", "keratosis"),
        ("Stenoses", "Stenosis"),
        ("calculi", "calculus"),
        ("varices", "varix"),
        ("diverticula", "diverticulum"),
        ("metastases", "metastasis"),
        ("arthritides", "arthritis"),
    ],
)
def test_classical_plurals_become_singular(plural: str, expected: str) -> None:
    assert singular(plural) == expected


def test_english_words_that_only_look_plural_are_left_alone() -> None:
    assert expand_abbreviations("exposes doses noses diseases") == "exposes doses noses diseases"


def test_a_query_reads_the_singular_and_keeps_its_other_words() -> None:
    assert expand_abbreviations("Seborrheic keratoses on trunk, HTN") == (
        "Seborrheic keratosis on trunk, hypertension"
    )

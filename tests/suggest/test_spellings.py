"""British spellings and one-letter slips of diagnosis words are read as the code sets spell them."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.combination import family_documented
from assistant.suggest.spelling import correction


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("Thrombosed external haemorrhoid", "Thrombosed external hemorrhoid"),
        ("iron deficiency anaemia", "iron deficiency anemia"),
        ("Barrett's oesophagus", "Barrett's esophagus"),
        ("pitting oedema to the knees", "pitting edema to the knees"),
        ("travellers' diarrhoea", "travellers' diarrhea"),
        ("ischaemic heart disease", "ischemic heart disease"),
        ("paediatric asthma", "pediatric asthma"),
        ("hypokalaemia", "hypokalemia"),
    ],
)
def test_british_spellings_read_the_american_way(british: str, american: str) -> None:
    assert expand_text(british) == american


def test_latin_names_and_american_words_keep_their_spelling() -> None:
    text = (
        "Haemophilus influenzae, Streptococcus pneumoniae, Schistosoma haematobium; gastroesophageal reflux"
    )
    assert expand_text(text) == text
    assert expand_text("angioedema of the lips") == "angioedema of the lips"


@pytest.mark.parametrize(
    ("slip", "word"),
    [
        ("hypertention", "hypertension"),
        ("diabetis", "diabetes"),
        ("asthama", "asthma"),
        ("pnuemonia", "pneumonia"),
        ("hypothyroidsm", "hypothyroidism"),
    ],
)
def test_a_diagnosis_word_mistyped_by_one_letter_is_the_word(slip: str, word: str) -> None:
    assert correction(slip) == word


@pytest.mark.parametrize(
    "word",
    [
        "hypertension",
        "hypotension",
        "confusion",
        "arteritis",
        "sciatic",
        "arthritic",
        "migraines",
        "pneumoniae",
    ],
)
def test_real_words_and_other_forms_are_not_slips(word: str) -> None:
    assert correction(word) is None


def test_a_mistyped_condition_still_documents_its_family() -> None:
    assert family_documented("I10", "A/P: hypertention, not at goal - increase lisinopril")
    assert not family_documented("I10", "A/P: hypotension after the dialysis run")
    assert expand_text("type 2 diabetis, hypertention") == "type 2 diabetes, hypertension"

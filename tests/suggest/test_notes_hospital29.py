"""The twenty-ninth hand's hospital and ED notes: an organism named only in a history, the code that says
"without" what another states, a denied acuity, a bracketed list of what a condition is not, an imaging
heading, the organism a combination code names, bleeding integral to its condition, the Index's words for
bleeding and the sigmoid, and "see also" from a main term."""

import re

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.partners import (
    _TAKING_CONTEXT,
    DRUG_CLASSES,
    agent_named_by_its_condition,
)
from assistant.suggest.coding_rules.severe_sepsis import _SAID_SEVERE
from assistant.suggest.coding_rules.symptoms import integral_to
from assistant.suggest.consolidate import absorb_same_category
from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.qualifiers import read_qualifiers
from assistant.suggest.reader import Mention, read_note, said_past_or_absent
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog
from tests.suggest.test_index_walker import Tab, _row


def _span(note: str, words: str) -> tuple[int, int]:
    start = note.index(words)
    return start, start + len(words)


def test_an_organism_named_in_a_history_is_no_current_agent() -> None:
    note = "PMH: DM2, hx MRSA abscess 2023 (treated).\nImpression: L leg cellulitis. Wound cx MRSA."
    first = note.index("MRSA")
    assert said_past_or_absent(note, first, first + 4)
    last = note.rindex("MRSA")
    assert not said_past_or_absent(note, last, last + 4)


ASPIRIN = dict(DRUG_CLASSES)["Z79.82"]


@pytest.mark.parametrize(
    ("line", "aspirin"),
    [
        ("CAD s/p CABG - cont ASA, atorva 80", True),
        ("ASA 81 daily", True),
        ("aspirin 81 mg", True),
        ("Pre-op: ASA class II", False),  # the anesthesia physical-status class
        ("ASA 3, Mallampati 2", False),
    ],
)
def test_asa_in_capitals_is_aspirin_not_the_anesthesia_class(line: str, aspirin: bool) -> None:
    assert bool(re.search(rf"\b(?:{ASPIRIN})\b", line, re.IGNORECASE)) is aspirin


def test_a_home_drug_resumed_after_the_stay_is_taken() -> None:
    assert _TAKING_CONTEXT.search("Paroxysmal atrial fibrillation - apixaban resumed")
    assert not _TAKING_CONTEXT.search("apixaban held for the bleed")


@pytest.mark.parametrize(
    ("text", "said", "unsaid"),
    [
        ("5. Functional MR - medical mgmt", "mitral regurgitation", None),
        ("ERCP: obstructing CBD stone removed", "common bile duct", None),
        ("uses CBD oil for sleep", None, "common bile duct"),  # cannabidiol
    ],
)
def test_mr_and_cbd_are_read_where_their_context_says_so(
    text: str, said: str | None, unsaid: str | None
) -> None:
    expanded = expand_text(text)
    assert said is None or said in expanded
    assert unsaid is None or unsaid not in expanded


def test_a_denied_acuity_is_not_said() -> None:
    assert (
        read_qualifiers("Acute hypoxic respiratory failure (not hypercapnic, not chronic)").acuity == "acute"
    )
    assert read_qualifiers("acute and chronic hypoxic respiratory failure").acuity == "acute on chronic"


def test_a_bracketed_list_of_what_a_condition_is_not_stays_with_it() -> None:
    note = "A/P:\n# Acute hypoxic respiratory failure (not hypercapnic, not chronic) - O2 to 88-92%"
    texts = [m.text for m in read_note(note)]
    assert any(
        t.startswith("Acute hypoxic respiratory failure (not hypercapnic, not chronic)") for t in texts
    )
    assert not any(t.startswith("not chronic") for t in texts)
    note = "A/P:\n# Pneumonia, COPD"  # an ordinary comma still parts two problems
    assert {"Pneumonia", "COPD"} <= {m.text for m in read_note(note)}


# Titles as in the ICD-10-CM tabular (public domain).
AGENTS = hierarchy_catalog(
    {
        "B96.1": "Klebsiella pneumoniae [K. pneumoniae] as the cause of diseases classified elsewhere",
        "J15.0": "Pneumonia due to Klebsiella pneumoniae",
        "J18.9": "Pneumonia, unspecified organism",
    },
    {"B96": "Other bacterial agents", "J15": "Bacterial pneumonia", "J18": "Pneumonia, unspecified organism"},
)


@pytest.mark.parametrize(("pneumonia", "kept"), [("J15.0", False), ("J18.9", True)])
def test_the_agent_a_combination_code_names_is_not_coded_again(pneumonia: str, kept: bool) -> None:
    m = Mention(0, 10, "Klebsiella", "Klebsiella")
    picks = {"B96.1": Pick("B96.1", 0.5, True, [m]), pneumonia: Pick(pneumonia, 0.9, True, [m])}
    agent_named_by_its_condition(picks, AGENTS)
    assert picks["B96.1"].final is kept


STONES = hierarchy_catalog(
    {
        "K80.32": "Calculus of bile duct with acute cholangitis without obstruction",
        "K80.50": "Calculus of bile duct without cholangitis or cholecystitis without obstruction",
    },
    {
        "K80": "Cholelithiasis",
        "K80.3": "Calculus of bile duct with cholangitis",
        "K80.5": "Calculus of bile duct",
    },
)


def _pick(code: str, score: float, text: str) -> Pick:
    return Pick(code, score, True, [Mention(0, len(text), text, text, "assessment")])


def test_the_code_that_says_without_what_the_note_states_is_not_kept() -> None:
    picks = {
        "K80.50": _pick("K80.50", 0.8, "choledocholithiasis"),
        "K80.32": _pick("K80.32", 0.7, "acute cholangitis with common bile duct stone"),
    }
    absorb_same_category(picks, STONES)
    assert set(picks) == {"K80.32"}
    # a stone the note states without a cholangitis keeps the "without" code
    picks = {
        "K80.50": _pick("K80.50", 0.8, "common bile duct stone"),
        "K80.32": _pick("K80.32", 0.7, "common bile duct stone"),
    }
    absorb_same_category(picks, STONES)
    assert "K80.50" in picks


def test_the_bleeding_of_a_condition_coded_with_hemorrhage_is_not_coded_apart() -> None:
    assert integral_to("R58", ["K57.31", "D62"]) == "K57.31"
    assert integral_to("R58", ["K57.30"]) is None  # a diverticulosis coded without bleeding
    assert integral_to("I95.9", ["A41.59", "R65.21"]) == "R65.21"  # the hypotension of a septic shock
    assert integral_to("I95.9", ["A41.59", "R65.20"]) is None


class BowelTab(Tab):
    CODES = {
        "K57.30": (
            "Diverticulosis of large intestine without perforation or abscess without bleeding",
            True,
            [],
        ),
        "K57.31": (
            "Diverticulosis of large intestine without perforation or abscess with bleeding",
            True,
            [],
        ),
        "K57.90": (
            "Diverticulosis of intestine, part unspecified, without perforation or abscess without bleeding",
            True,
            [],
        ),
        "K57.91": (
            "Diverticulosis of intestine, part unspecified, without perforation or abscess with bleeding",
            True,
            [],
        ),
        "K11.5": ("Sialolithiasis", True, []),
        "K80.50": (
            "Calculus of bile duct without cholangitis or cholecystitis without obstruction",
            True,
            [],
        ),
    }


BOWEL = [
    _row(0, "Diverticulosis", "K57.90"),
    _row(1, "Diverticulosis, with bleeding", "K57.91"),
    _row(1, "Diverticulosis, large intestine", "K57.30"),
    _row(2, "Diverticulosis, large intestine, with bleeding", "K57.31"),
    _row(0, "Stone", see_also="Calculus"),
    _row(1, "Stone, salivary gland or duct", "K11.5"),
    _row(0, "Calculus"),
    _row(1, "Calculus, bile duct", "K80.50"),
]


@pytest.mark.parametrize(
    ("mention", "code", "other"),
    [
        ("diverticulosis of sigmoid w/ hemorrhage", "K57.31", "K57.30"),  # the sigmoid is the large intestine
        ("diverticular bleed", "K57.91", "K57.90"),
        ("common bile duct stone", "K80.50", "K11.5"),  # see also Calculus reads more of the mention
        ("salivary duct stone", "K11.5", "K80.50"),
    ],
)
def test_index_words_for_bleeding_the_sigmoid_and_a_stone(mention: str, code: str, other: str) -> None:
    hits = IndexWalker.from_rows(BOWEL).walk(mention, BowelTab())
    assert hits and hits[0].code == code
    assert other not in [h.code for h in hits[:1]]


def test_a_drug_put_on_the_allergy_list_is_the_record_not_a_reaction() -> None:
    assert why_not_coded("added to allergy/intolerance list") == "administrative"
    assert why_not_coded("penicillin allergy") is None


@pytest.mark.parametrize(
    ("mention", "severe"),
    [
        ("Sepsis due to E. coli w/ acute organ dysfunction (AKI)", True),
        ("severe sepsis from pneumonia", True),
        ("Sepsis 2/2 L leg cellulitis, no organ dysfunction", False),
        ("sepsis without organ dysfunction", False),
    ],
)
def test_sepsis_said_with_organ_dysfunction_is_severe_sepsis(mention: str, severe: bool) -> None:
    assert bool(_SAID_SEVERE.search(mention)) is severe

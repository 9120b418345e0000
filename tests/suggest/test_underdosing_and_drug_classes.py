"""Underdosing (I.C.19.e.5.c) and drugs the Table of Drugs lists only by class. The Drug-table search is a
fake over a few of the table's rows (public domain); notes are written for these tests."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules.adverse_effects import drug_adverse_effects
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.underdosing import underdosing
from assistant.suggest.drug_classes import table_term
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# (the Table's term, column) -> its code: the rows these tests use
_ROWS = {
    ("lisinopril", "underdosing"): "T46.4X6",
    ("blockers, calcium channel", "underdosing"): "T46.1X6",
    ("blockers, calcium channel", "adverse effect"): "T46.1X5",
    ("antihypertensive drug nec", "adverse effect"): "T46.5X5",
    ("antiepilepsy agent, specified, nec", "underdosing"): "T42.6X6",
    ("insulin", "underdosing"): "T38.3X6",
}
_TITLES = {
    "T46.4X6A": "Underdosing of angiotensin-converting-enzyme inhibitors, initial encounter",
    "T46.1X6A": "Underdosing of calcium-channel blockers, initial encounter",
    "T46.1X5A": "Adverse effect of calcium-channel blockers, initial encounter",
    "T46.5X5A": "Adverse effect of other antihypertensive drugs, initial encounter",
    "T42.6X6A": "Underdosing of other antiepileptic and sedative-hypnotic drugs, initial encounter",
    "T38.3X6A": "Underdosing of insulin and oral hypoglycemic [antidiabetic] drugs, initial encounter",
    "Z91.120": "Patient's intentional underdosing of medication regimen due to financial hardship",
    "Z91.128": "Patient's intentional underdosing of medication regimen for other reason",
    "Z91.138": "Patient's unintentional underdosing of medication regimen for other reason",
    "Z91.148": "Patient's other noncompliance with medication regimen for other reason",
    "I10": "Essential (primary) hypertension",
    "I95.9": "Hypotension, unspecified",
    "I95.2": "Hypotension due to drugs",
    "T78.3XXA": "Angioneurotic edema, initial encounter",
}
CATALOG = CodeCatalog(
    {
        "codes": {
            **{
                c: ["ICD-10-CM", t, True, c[:3] if c.startswith("I95") else c[:5], "code"]
                for c, t in _TITLES.items()
            },
            "I95": ["ICD-10-CM", "Hypotension", False, None, "category"],
        },
        "refs": {},
    }
)


def _search(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
    column, _, drug = text.partition(" of ")
    code = _ROWS.get((drug.lower(), column))
    return [(code, 0.9)] if code else [("T50.995", 0.4)]  # a word that is no drug scores low


def _condition(note: str, code: str, words: str) -> dict[str, Pick]:
    start = note.index(words)
    return {code: Pick(code, 0.8, True, [Mention(start, start + len(words), words, words, "assessment")])}


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("A/P: HTN, uncontrolled - has not been taking her lisinopril x2 wk.", {"T46.4X6A", "Z91.148"}),
        ("A/P: HTN - ran out of amlodipine last week.", {"T46.1X6A", "Z91.148"}),
        ("A/P: HTN - skipping amlodipine, says she cannot afford it.", {"T46.1X6A", "Z91.120"}),
        ("A/P: HTN - forgot to take lisinopril most days; missed lisinopril doses.", {"T46.4X6A", "Z91.138"}),
        ("A/P: HTN - stopped taking lisinopril on his own.", {"T46.4X6A", "Z91.128"}),
        ("A/P: HTN; seizures - missed 3 doses of Keppra.", {"T42.6X6A", "Z91.148"}),
        # no drug, a drug never prescribed, a denial: nothing
        ("A/P: HTN - missed her appointment in May.", set()),
        ("A/P: HTN - not taking NSAIDs, good.", set()),
        ("A/P: HTN - denies missing any lisinopril doses.", set()),
    ],
)
def test_less_of_a_prescribed_drug_is_underdosing_with_the_reason(note: str, expected: set[str]) -> None:
    picks = _condition(note, "I10", "HTN")
    underdosing(picks, NoteContext(note=note, search=_search), CATALOG)
    assert {c for c, p in picks.items() if p.final} - {"I10"} == expected


def test_a_drug_the_table_lists_by_class_is_read_as_its_class() -> None:
    assert table_term("Amlodipine") == "Blockers, calcium channel"
    assert table_term("losartan") == "Antihypertensive drug NEC"
    assert table_term("lisinopril") is None  # the Table lists it by name


@pytest.mark.parametrize(
    ("note", "code", "words", "expected"),
    [
        ("A/P: Hypotension due to amlodipine - stop.", "I95.9", "Hypotension", {"I95.2", "T46.1X5A"}),
        # an effect of an external cause (T66-T78) is a condition a drug can cause
        ("A/P: Angioedema from losartan - stop.", "T78.3XXA", "Angioedema", {"T78.3XXA", "T46.5X5A"}),
    ],
)
def test_a_condition_from_a_drug_the_table_lists_by_class_takes_the_class_code(
    note: str, code: str, words: str, expected: set[str]
) -> None:
    picks = _condition(note, code, words)
    drug_adverse_effects(picks, NoteContext(note=note, search=_search), CATALOG)
    assert {c for c, p in picks.items() if p.final} == expected


def test_underdosing_from_a_failed_pump_is_no_noncompliance() -> None:
    note = "A/P: HTN; insulin pump occluded overnight - underdosing of insulin ~10 h."
    picks = _condition(note, "I10", "HTN")
    underdosing(picks, NoteContext(note=note, search=_search), CATALOG)
    assert {c for c, p in picks.items() if p.final} == {"I10", "T38.3X6A"}


def _ranked_out(note: str, code: str, words: str, walked: bool) -> dict[str, Pick]:
    start = note.index(words)
    mention = Mention(start, start + len(words), words, words, "body")
    reasons = [f"Alphabetic Index: Hypotension -> {code}"] if walked else ["meaning similarity 0.50"]
    return {code: Pick(code, 0.05, False, [mention], reasons=reasons)}


def test_a_condition_the_note_ties_to_a_drug_is_diagnosed_though_ranking_left_it_out() -> None:
    note = "Telehealth\nReports hypotension from amlodipine, dizzy on standing.\nVit D deficiency."
    picks = _ranked_out(note, "I95.9", "Reports hypotension", walked=True)
    drug_adverse_effects(picks, NoteContext(note=note, search=_search), CATALOG)
    assert {c for c, p in picks.items() if p.final} == {"I95.2", "T46.1X5A"}


def test_a_look_alike_no_index_path_reached_stays_out() -> None:
    note = "Telehealth\nReports hypotension from amlodipine, dizzy on standing.\nVit D deficiency."
    picks = _ranked_out(note, "I95.9", "Reports hypotension", walked=False)
    drug_adverse_effects(picks, NoteContext(note=note, search=_search), CATALOG)
    assert not any(p.final for p in picks.values())

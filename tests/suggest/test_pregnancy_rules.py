"""Hypertension, anemia and pre-existing diabetes in a documented pregnancy are coded in chapter 15
(I.C.15.a.1, I.C.15.d, I.C.15.g): notes the rules must recode and notes they must leave alone. Titles are
the ICD-10-CM tabular's (public domain)."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules import NoteContext, apply_coding_rules
from assistant.suggest.coding_rules.pregnancy import (
    conditions_in_pregnancy,
    hypertension_in_pregnancy,
    trimester,
)
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

TITLES = {
    "I10": "Essential (primary) hypertension",
    "O10.011": "Pre-existing essential hypertension complicating pregnancy, first trimester",
    "O10.012": "Pre-existing essential hypertension complicating pregnancy, second trimester",
    "O10.013": "Pre-existing essential hypertension complicating pregnancy, third trimester",
    "O10.019": "Pre-existing essential hypertension complicating pregnancy, unspecified trimester",
    "O13.3": "Gestational [pregnancy-induced] hypertension without significant proteinuria, third trimester",
    "D50.9": "Iron deficiency anemia, unspecified",
    "O99.012": "Anemia complicating pregnancy, second trimester",
    "E11.9": "Type 2 diabetes mellitus without complications",
    "O24.113": "Pre-existing type 2 diabetes mellitus, in pregnancy, third trimester",
    "O24.410": "Gestational diabetes mellitus in pregnancy, diet controlled",
}


@pytest.fixture(scope="module")
def catalog() -> CodeCatalog:
    return CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in TITLES.items()}})


def _picks(note: str, *codes: str, words: str = "HTN") -> dict[str, Pick]:
    start = note.index(words)
    m = Mention(start, start + len(words), words, words, "assessment", 0, len(note))
    return {c: Pick(c, 0.8, True, [m]) for c in codes}


@pytest.mark.parametrize(
    ("weeks", "digit"), [(8, "1"), (13, "1"), (14, "2"), (27, "2"), (28, "3"), (39, "3")]
)
def test_the_trimester_follows_chapter_15s_weeks(weeks: int, digit: str) -> None:
    assert trimester(weeks) == digit
    assert trimester(None) == "9"


def test_essential_hypertension_in_a_pregnancy_becomes_o10_by_trimester(catalog: CodeCatalog) -> None:
    note = "31 yo G2P1 at 30 weeks. A/P: 1. Chronic HTN - continue labetalol."
    picks = _picks(note, "I10")
    hypertension_in_pregnancy(picks, NoteContext(note=note, pregnant=True, weeks=30), catalog)
    assert list(picks) == ["O10.013"] and picks["O10.013"].final
    assert "I.C.15" in picks["O10.013"].reasons[0]
    assert picks["O10.013"].mentions[0].text == "HTN"  # the evidence stays on the note's own words


def test_weeks_not_documented_give_the_unspecified_trimester(catalog: CodeCatalog) -> None:
    note = "Pregnant, HTN on labetalol."
    picks = _picks(note, "I10")
    apply_coding_rules(picks, NoteContext(note=note, pregnant=True), catalog)
    assert "O10.019" in picks and "I10" not in picks


def test_without_a_pregnancy_essential_hypertension_stays(catalog: CodeCatalog) -> None:
    note = "58 yo man. A/P: HTN - continue lisinopril."
    picks = _picks(note, "I10")
    hypertension_in_pregnancy(picks, NoteContext(note=note, weeks=None), catalog)
    assert list(picks) == ["I10"]


def test_a_chapter_15_hypertension_code_already_final_replaces_i10(catalog: CodeCatalog) -> None:
    note = "G1P0 at 34 weeks with gestational HTN, no proteinuria."
    picks = _picks(note, "I10", "O13.3")
    hypertension_in_pregnancy(picks, NoteContext(note=note, pregnant=True, weeks=34), catalog)
    assert list(picks) == ["O13.3"]


def test_an_option_that_is_not_final_is_left_alone(catalog: CodeCatalog) -> None:
    note = "G2P1 at 20 weeks, BP 118/70, no HTN."
    picks = _picks(note, "I10")
    picks["I10"].final = False
    hypertension_in_pregnancy(picks, NoteContext(note=note, pregnant=True, weeks=20), catalog)
    assert list(picks) == ["I10"]


def test_anemia_in_a_pregnancy_is_listed_with_its_chapter_15_code(catalog: CodeCatalog) -> None:
    note = "G1P0 at 22 weeks. A/P: iron deficiency anemia, start ferrous sulfate."
    picks = _picks(note, "D50.9", words="iron deficiency anemia")
    conditions_in_pregnancy(picks, NoteContext(note=note, pregnant=True, weeks=22), catalog)
    assert set(picks) == {"D50.9", "O99.012"} and picks["O99.012"].final and picks["D50.9"].final


def test_pre_existing_diabetes_gets_o24_but_gestational_diabetes_does_not(catalog: CodeCatalog) -> None:
    note = "G3P2 at 33 weeks with type 2 diabetes on insulin."
    picks = _picks(note, "E11.9", words="type 2 diabetes")
    conditions_in_pregnancy(picks, NoteContext(note=note, pregnant=True, weeks=33), catalog)
    assert set(picks) == {"E11.9", "O24.113"}
    gestational = "G1P0 at 30 weeks, GDM diet controlled, type 2 diabetes in her mother."
    picks = _picks(gestational, "O24.410", "E11.9", words="GDM")
    conditions_in_pregnancy(picks, NoteContext(note=gestational, pregnant=True, weeks=30), catalog)
    assert set(picks) == {"O24.410", "E11.9"}


def test_conditions_without_a_pregnancy_keep_their_own_chapter(catalog: CodeCatalog) -> None:
    note = "54 yo woman with type 2 diabetes and iron deficiency anemia."
    picks = _picks(note, "E11.9", "D50.9", words="type 2 diabetes")
    conditions_in_pregnancy(picks, NoteContext(note=note, weeks=None), catalog)
    assert set(picks) == {"E11.9", "D50.9"}

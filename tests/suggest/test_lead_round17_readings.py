"""The weeks written after "pregnant", and the setting's name as a note's opening label. Notes written for
these tests."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.encounters import _EXAM_REASON, _GENERAL_EXAM, immunization
from assistant.suggest.coding_rules.postprocedural import _AFTER_PROCEDURE
from assistant.suggest.patient import read_demographics
from assistant.suggest.reader import read_note
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick


@pytest.mark.parametrize(
    ("note", "weeks"),
    [
        ("Pregnant 9 wks, nausea.", 9),
        ("pregnant, at 14 weeks", 14),
        ("A: 1. Pregnancy, 12 weeks, normal.", 12),
    ],
)
def test_the_weeks_after_pregnant_are_the_gestation(note: str, weeks: int) -> None:
    assert read_demographics(note).weeks == weeks


def test_weeks_of_something_else_are_no_gestation() -> None:
    assert read_demographics("Pregnant. Cough for 3 weeks.").weeks is None
    assert read_demographics("G2P1, pregnant. Lost a pregnancy 12 weeks ago.").weeks is None


@pytest.mark.parametrize(
    "note", ["ED: forearm laceration from a box cutter. Repaired.", "ER note: L wrist sprain."]
)
def test_the_setting_named_as_the_opening_label_is_no_word_of_the_condition(note: str) -> None:
    first = read_note(note)[0]
    assert not first.query.lower().startswith(("ed", "er"))


def test_ed_inside_an_assessment_is_still_the_condition() -> None:
    queries = [m.query for m in read_note("Seen today.\nA: ED: on sildenafil. HTN.")]
    assert "erectile dysfunction" in queries


def test_the_biting_animal_s_vaccination_is_neither_disease_nor_immunization() -> None:
    read = {
        m.text: m.not_coded for m in read_note("Cat bite L forearm. Rabies: cat vaccinated, observe 10 d.")
    }
    assert read["Rabies: cat vaccinated"] == "another person's"
    catalog = CodeCatalog(
        {"codes": {"Z23": ["ICD-10-CM", "Encounter for immunization", True, "Z23", "code"]}}
    )
    for note, given in (
        ("Cat bite L forearm.\nRabies: cat vaccinated, observe.", False),
        ("Cat bite L forearm.\nRabies vaccine and RIG given today.", True),
    ):
        picks: dict[str, Pick] = {}
        immunization(picks, NoteContext(note=note, age=30), catalog)
        assert ("Z23" in picks) is given


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("anaphylaxis after eating peanuts", "food, peanuts"),
        ("anaphylactic reaction to shellfish", "food, shellfish"),
        ("peanut allergy, carries EpiPen", "peanut allergy"),  # an allergy named alone: its status code
    ],
)
def test_a_food_named_with_anaphylaxis_is_the_index_s_food(text: str, said: str) -> None:
    assert said in expand_text(text)


def test_a_well_visit_named_alone_is_the_routine_exam() -> None:
    assert _GENERAL_EXAM.search("Well visit, 6yo. Healthy.") is not None
    assert _GENERAL_EXAM.search("Well-check for a 2 mo girl.") is not None
    assert _GENERAL_EXAM.search("Wells score 2, low risk for PE.") is None


@pytest.mark.parametrize(
    ("head", "exam"),
    [("GYN annual. Pap done.", True), ("Annual gyn, 41F.", True), ("GYN consult for fibroids.", False)],
)
def test_an_annual_gyn_visit_is_the_gynecological_exam(head: str, exam: bool) -> None:
    match = _GENERAL_EXAM.search(head)
    assert (match is not None and _EXAM_REASON.search(match.group(0)) is not None) is exam


@pytest.mark.parametrize(
    ("sentence", "after"),
    [
        ("Hypothyroidism post-thyroidectomy, on levothyroxine.", True),
        ("Hypothyroidism, postpartum onset.", False),
    ],
)
def test_hypothyroidism_after_a_hyphenated_procedure_is_postprocedural(sentence: str, after: bool) -> None:
    assert (_AFTER_PROCEDURE.search(sentence) is not None) is after


@pytest.mark.parametrize(
    ("text", "flushing"),
    [
        ("Perimenopausal, irregular menses. Hot flashes.", False),  # the menopause named before them
        ("Hot flashes since starting letrozole.", True),
    ],
)
def test_hot_flashes_are_flushing_unless_the_note_names_the_menopause(text: str, flushing: bool) -> None:
    assert ("flushing" in expand_text(text)) is flushing


def test_a_side_letter_before_a_calcaneal_fracture_is_its_side() -> None:
    assert "left calcaneal" in expand_text("L calcaneal fracture, closed")

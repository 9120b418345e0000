"""The weeks written after "pregnant", and the setting's name as a note's opening label. Notes written for
these tests."""

from __future__ import annotations

import pytest

from assistant.suggest.patient import read_demographics
from assistant.suggest.reader import read_note


@pytest.mark.parametrize(("note", "weeks"), [("Pregnant 9 wks, nausea.", 9), ("pregnant, at 14 weeks", 14)])
def test_the_weeks_after_pregnant_are_the_gestation(note: str, weeks: int) -> None:
    assert read_demographics(note).weeks == weeks


def test_weeks_of_something_else_are_no_gestation() -> None:
    assert read_demographics("Pregnant. Cough for 3 weeks.").weeks is None


@pytest.mark.parametrize(
    "note", ["ED: forearm laceration from a box cutter. Repaired.", "ER note: L wrist sprain."]
)
def test_the_setting_named_as_the_opening_label_is_no_word_of_the_condition(note: str) -> None:
    first = read_note(note)[0]
    assert not first.query.lower().startswith(("ed", "er"))


def test_ed_inside_an_assessment_is_still_the_condition() -> None:
    queries = [m.query for m in read_note("Seen today.\nA: ED: on sildenafil. HTN.")]
    assert "erectile dysfunction" in queries

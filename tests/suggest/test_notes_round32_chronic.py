"""Reading rules from the thirty-second hand's notes (usn-1637 … usn-1652: chronic cardiology, nephrology,
primary-care and endocrine management by video, portal message, CCM call, refill note and INR check)."""

from __future__ import annotations

import pytest

from assistant.suggest.reader import read_note, sections


def _sections_of(note: str) -> dict[str, str]:
    return {note[a:b].strip(): name for a, b, name in sections(note)}


def test_a_problem_list_is_the_visits_assessment_when_the_note_has_no_other() -> None:
    note = "Nephrology f/u.\nProblem list:\n# CKD 4 d/t DM2 and HTN.\n# Anemia of CKD."
    assert _sections_of(note)["# CKD 4 d/t DM2 and HTN.\n# Anemia of CKD."] == "assessment"
    # beside an assessment it is the patient's background
    note = "Problem list:\n# HTN\n# Osteopenia\nA/P: URI, supportive care."
    assert _sections_of(note)["# HTN\n# Osteopenia"] == "pmh"
    for heading in ("PMH:", "Patient Active Problem List"):
        note = f"{heading}\n# HTN\n# Osteopenia"
        assert _sections_of(note)["# HTN\n# Osteopenia"] == "pmh"


def test_a_medication_list_on_its_headings_line_ends_with_that_line() -> None:
    note = "HPI: f/u.\nMeds: glargine 40 u qhs, metformin 1000 bid.\nDiabetic CKD 3a w/ HTN.\nA/P: stable."
    found = _sections_of(note)
    assert found["glargine 40 u qhs, metformin 1000 bid."] == "meds"
    assert found["Diabetic CKD 3a w/ HTN."] == "hpi"
    # after the past history and the medication line the note goes on with this visit
    note = "PMH: HTN, CKD 3b.\nMeds: lisinopril 20, ASA 81.\nMDM: Mobitz II AV block; PPM tomorrow."
    assert _sections_of(note)["MDM: Mobitz II AV block; PPM tomorrow."] == "body"
    note = "Meds:\nmetformin 1000 bid\nlisinopril 20\nA/P: stable."
    assert _sections_of(note)["metformin 1000 bid\nlisinopril 20"] == "meds"


@pytest.mark.parametrize(
    ("note", "text", "negated"),
    [
        ("A: CKD stage 5, not yet on dialysis, d/t DM2 + HTN.", "d/t DM2 + HTN", False),
        ("A: CKD stage 5, not yet on dialysis, d/t DM2 and HTN.", "HTN", False),
        ("No edema, orthopnea + PND.", "No edema, orthopnea + PND", True),
        ("No fever, no cough due to GERD.", "No fever, no cough due to GERD", True),
    ],
)
def test_a_cause_after_a_comma_is_out_of_the_negations_reach(note: str, text: str, negated: bool) -> None:
    mention = next(m for m in read_note(note) if m.text == text)
    assert mention.negated is negated

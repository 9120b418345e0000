"""Findings named as findings and screenings done at an exam: the Index's words reach the finding
("thickened endometrium": Thickening, endometrium R93.89; a pulmonary nodule is one: Nodule, lung,
solitary R91.1), a quality-data code never takes a mention's place, a procedure scheduled is the plan, and a
Pap smear done at a general exam is the cervical screening (Z12.4) while a gyn exam holds it (Z01.41-).
Titles as in the ICD-10-CM tabular (public domain); notes written for these tests."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.encounters import pap_at_exam
from assistant.suggest.coding_rules.infection_screening import infection_screening
from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.reader import clean_query
from assistant.suggest.service import _symptom
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick
from tests.suggest.test_index_walker import Tab, _row


class Findings(Tab):
    CODES = {
        "R93.89": ("Abnormal findings on diagnostic imaging of other specified body structures", True, []),
        "R91.1": ("Solitary pulmonary nodule", True, []),
        "R91.8": ("Other nonspecific abnormal finding of lung field", True, []),
        "E04.1": ("Nontoxic single thyroid nodule", True, []),
    }


FINDINGS = IndexWalker.from_rows(
    [
        _row(0, "Thickening"),
        _row(1, "Thickening, endometrium", "R93.89"),
        _row(0, "Nodule"),
        _row(1, "Nodule, lung"),
        _row(2, "Nodule, lung, solitary", "R91.1"),
        _row(3, "Nodule, lung, solitary, multiple", "R91.8"),
        _row(1, "Nodule, thyroid", "E04.1"),
    ]
)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("thickened endometrium", "R93.89"),
        ("endometrial thickening", "R93.89"),
        ("pulmonary nodule", "R91.1"),
        ("lung nodule", "R91.1"),
        ("thyroid nodule", "E04.1"),
    ],
)
def test_a_finding_in_everyday_words_reaches_its_index_entry(text: str, code: str) -> None:
    hits = FINDINGS.walk(text, Findings())
    assert hits and hits[0].code == code


def test_nodules_in_the_plural_are_no_solitary_nodule() -> None:
    assert not [h for h in FINDINGS.walk("pulmonary nodules", Findings()) if h.code == "R91.1"]


@pytest.mark.parametrize(
    ("chunk", "why"),
    [
        ("endometrial biopsy scheduled", "test"),
        ("Colonoscopy planned", "test"),
        ("declined", "plan"),
        ("biopsy positive for melanoma", None),
        ("Basal cell carcinoma on biopsy", None),
    ],
)
def test_a_procedure_scheduled_is_the_plan(chunk: str, why: str | None) -> None:
    assert why_not_coded(chunk) == why


ICD = "ICD-10-CM"
SCREENING = CodeCatalog(
    {
        "codes": {
            "Z12.4": [ICD, "Encounter for screening for malignant neoplasm of cervix", True, None, "code"],
            "Z11.51": [ICD, "Encounter for screening for human papillomavirus (HPV)", True, None, "code"],
        }
    }
)


def _screened(note: str) -> list[str]:
    picks: dict[str, Pick] = {}
    ctx = NoteContext(note)
    pap_at_exam(picks, ctx, SCREENING)
    infection_screening(picks, ctx, SCREENING)
    return sorted(c for c, p in picks.items() if p.final)


def test_a_pap_done_at_a_general_exam_is_the_cervical_screening() -> None:
    assert _screened("Annual physical, 45F.\nExam normal.\nPap smear obtained today.") == ["Z12.4"]
    note = "Routine physical, 41F. Exam unremarkable. Pap/HPV cotest performed. Screening mammogram ordered."
    assert _screened(note) == ["Z11.51", "Z12.4"]


def test_a_pap_ordered_due_or_at_a_gyn_exam_is_no_z12_4() -> None:
    assert _screened("Annual physical, 52F.\nExam normal.\nPap due next year; referred to gyn for Pap.") == []
    assert _screened("Annual gyn exam, 35F.\nPap smear collected today.") == []
    # the HPV cotest of a gyn exam is its own screening (Z01.41- use additional code)
    assert _screened("Annual gyn exam, 35F.\nPap smear with HPV cotesting done today.") == ["Z11.51"]


@pytest.mark.parametrize(
    ("query", "cleaned"),
    [
        ("Transvaginal ultrasound showed a thickened endometrium", "thickened endometrium"),
        ("CT chest revealed a 6 mm nodule", "6 mm nodule"),
        ("Patient reports her gout flared in the left great toe", "gout flared in the left great toe"),
        ("Labs notable for hyponatremia", "hyponatremia"),
        # a condition that shows a course keeps its words
        ("Lupus shows improvement", "Lupus shows improvement"),
        # a stone is where the note places it, not where its lay name says it formed
        ("Kidney stone, left ureter", "stone, left ureter"),
        ("renal calculus in the right ureter", "calculus in the right ureter"),
        ("Kidney stone, right", "Kidney stone, right"),
        ("kidney stones and bladder stone", "kidney stones and bladder stone"),
    ],
)
def test_the_narrative_lead_before_a_finding_is_not_searched(query: str, cleaned: str) -> None:
    assert clean_query(query) == cleaned


def test_the_narrative_read_as_an_assessment_codes_findings_not_symptoms() -> None:
    """A note whose assessment names no condition: a complete Index walk in its narrative is coded, except a
    symptom or sign (R00-R69); an abnormal finding (R70-R99) is what the note found."""
    assert _symptom("R52") and _symptom("R10.9")
    assert not _symptom("R93.89") and not _symptom("R91.1") and not _symptom("N20.1")

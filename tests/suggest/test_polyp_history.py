"""Colon polyps removed before this visit are a personal history, never a malignant one; a dated screening
was done at another visit. Titles as in the ICD-10-CM tabular (public domain); notes written for these
tests."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.encounters import screening
from assistant.suggest.coding_rules.polyp_history import polyp_history
from assistant.suggest.reader import read_note
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

TITLES = {
    "Z85.038": "Personal history of other malignant neoplasm of large intestine",
    "D12.6": "Benign neoplasm of colon, unspecified",
    "Z86.0100": "Personal history of colon polyps, unspecified",
    "Z86.0101": "Personal history of adenomatous and serrated colon polyps",
    "Z86.0102": "Personal history of hyperplastic colon polyps",
    "Z12.11": "Encounter for screening for malignant neoplasm of colon",
}


def _catalog() -> CodeCatalog:
    return CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in TITLES.items()}})


def _final(note: str, code: str) -> list[str]:
    m = next(m for m in read_note(note) if "aden" in m.text or "polyp" in m.text)
    picks = {code: Pick(code, 0.7, True, [m])}
    polyp_history(picks, NoteContext(note=note), _catalog())
    return sorted(c for c, p in picks.items() if p.final)


@pytest.mark.parametrize(
    ("note", "code", "expected"),
    [
        ("Colonoscopy 2021: two tubular adenomas removed. Next one 2026.", "Z85.038", ["Z86.0101"]),
        ("GI hx: colonoscopy in 2018 with 3 hyperplastic polyps.", "D12.6", ["Z86.0102"]),
        ("PMH: h/o colon polyps.", "D12.6", ["Z86.0100"]),
    ],
)
def test_polyps_removed_before_are_their_history(note: str, code: str, expected: list[str]) -> None:
    assert _final(note, code) == expected


@pytest.mark.parametrize(
    "note",
    [
        "Colonoscopy today: 8 mm sessile adenoma in the sigmoid, snared.",  # found at this visit
        "Colonoscopy 2020: adenocarcinoma arising in a tubular adenoma, s/p resection.",  # malignant
    ],
)
def test_a_polyp_of_this_visit_or_a_cancer_is_left_alone(note: str) -> None:
    assert _final(note, "D12.6") == ["D12.6"]


@pytest.mark.parametrize(
    ("note", "coded"),
    [("Here for screening colonoscopy, average risk.", True), ("Screening colonoscopy 2022, normal.", False)],
)
def test_a_dated_screening_was_done_at_another_visit(note: str, coded: bool) -> None:
    m = read_note(note)[0]
    picks = {"Z12.11": Pick("Z12.11", 0.7, True, [m])}
    screening(picks, NoteContext(note=note), _catalog())
    assert picks["Z12.11"].final is coded

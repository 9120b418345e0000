"""Hyperplasia of the prostate with a urinary symptom the note names is N40.1 with the symptom (Index: with
LUTS; N40.1's use-additional note); a side written after a cancer or a mass is its side. Titles as in the
ICD-10-CM tabular (public domain); notes written for these tests."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.prostate_symptoms import prostate_with_symptoms
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

TITLES = {
    "N40.0": "Benign prostatic hyperplasia without lower urinary tract symptoms",
    "N40.1": "Benign prostatic hyperplasia with lower urinary tract symptoms",
    "R35.1": "Nocturia",
    "R39.12": "Poor urinary stream",
}
CATALOG = CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in TITLES.items()}})


def _final(note: str) -> list[str]:
    m = Mention(0, len(note), note, note, "assessment", 0, len(note))
    picks = {"N40.0": Pick("N40.0", 0.7, True, [m])}
    prostate_with_symptoms(picks, NoteContext(note=note), CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Enlarged prostate, up 3x a night to void, weak stream - tamsulosin.", ["N40.1", "R35.1", "R39.12"]),
        ("BPH with LUTS, on finasteride.", ["N40.1"]),
        ("BPH, no nocturia or weak stream.", ["N40.0"]),
        ("BPH w/o LUTS, PSA stable.", ["N40.0"]),
    ],
)
def test_a_urinary_symptom_named_with_the_hyperplasia_is_its_with_sibling(
    note: str, expected: list[str]
) -> None:
    assert _final(note) == expected


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("h/o lung cancer R s/p lobectomy", "right"),
        ("breast mass L, 1.5 cm", "left"),
        ("carotid stenosis R 70%", "right"),  # the side before its measure
        ("thyroid nodule L 1.4 cm", "left"),
    ],
)
def test_a_side_letter_after_a_cancer_or_a_mass_is_its_side(text: str, side: str) -> None:
    assert side in expand_text(text)

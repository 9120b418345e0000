"""A fracture is traumatic unless the note says why the bone broke (I.C.13.c). Titles as in the ICD-10-CM
tabular (public domain); notes written for these tests."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.traumatic_fracture import traumatic_fracture
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

TITLES = {
    "M84.451A": "Pathological fracture, right femur, initial encounter for fracture",
    "S72.001A": "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture",
    "S79.911A": "Unspecified injury of right hip, initial encounter",
}


def _final(note: str, code: str = "M84.451A", phrase: bool = False) -> list[str]:
    catalog = CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in TITLES.items()}})
    start = note.index("A:") + 3
    m = Mention(start, len(note), note[start:], note[start:], "assessment", start, len(note))
    picks = {code: Pick(code, 0.7, True, [m])}

    def search(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
        hits = [("S79.911A", 0.8), ("S72.001A", 0.7), ("M84.451A", 0.9)]
        return [(c, s) for c, s in hits if c.startswith(prefixes)]

    traumatic_fracture(picks, NoteContext(note=note, search=search, phrase=phrase), catalog)
    return sorted(c for c, p in picks.items() if p.final)


def test_a_fracture_the_note_gives_no_cause_for_is_traumatic() -> None:
    assert _final("A: fx of the R hip after tripping on the rug") == ["S72.001A"]


@pytest.mark.parametrize(
    "note",
    [
        "A: pathologic fx R femur",
        "A: R femur fx through a lytic lesion",
        "A: R hip fx d/t metastatic breast ca",
        "PMH: osteoporosis on alendronate.\nA: R hip fx",  # left to the osteoporosis rule
    ],
)
def test_a_fracture_with_its_nontraumatic_cause_stays_pathological(note: str) -> None:
    assert _final(note) == ["M84.451A"]


def test_a_search_phrase_is_left_alone() -> None:
    assert _final("A: R hip fx", phrase=True) == ["M84.451A"]

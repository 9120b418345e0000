"""A fracture from a minor fall in osteoporosis is M80 (I.C.13.d.1), and the reader reads the injury apart
from the fall that caused it. Titles as in the ICD-10-CM tabular (public domain); notes written for these
tests."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.fragility_fracture import fragility_fracture
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_M80 = "Age-related osteoporosis with current pathological fracture"
TITLES = {
    "M81.0": "Age-related osteoporosis without current pathological fracture",
    "S52.502A": "Unspecified fracture of the lower end of left radius, initial encounter for closed fracture",
    "S52.502D": "Unspecified fracture of the lower end of left radius, subsequent encounter for closed "
    "fracture with routine healing",
    "S72.001A": "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture",
    "M80.032A": f"{_M80}, left forearm, initial encounter for fracture",
    "M80.032D": f"{_M80}, left forearm, subsequent encounter for fracture with routine healing",
    "M80.051A": f"{_M80}, right femur, initial encounter for fracture",
    "W01.0XXA": "Fall on same level from slipping, tripping and stumbling without subsequent striking "
    "against object, initial encounter",
    "W11.XXXA": "Fall on and from ladder, initial encounter",
}


def _catalog() -> CodeCatalog:
    codes = {c: ["ICD-10-CM", t, True, c[:6], "code"] for c, t in TITLES.items()}
    for stem, title in (("M80.03", f"{_M80}, forearm"), ("M80.05", f"{_M80}, femur")):
        codes[stem] = ["ICD-10-CM", title, False, "M80.0", "subcategory"]
    for leaf in ("M80.032A", "M80.032D"):
        codes[leaf][3] = "M80.03"
    codes["M80.051A"][3] = "M80.05"
    return CodeCatalog({"codes": codes})


def _final(*codes: str) -> list[str]:
    m = Mention(0, 4, "note", "note", "assessment", 0, 4)
    picks = {c: Pick(c, 0.7, True, [m]) for c in codes}
    fragility_fracture(picks, NoteContext(note="note"), _catalog())
    return sorted(c for c, p in picks.items() if p.final)


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (("M81.0", "S52.502A", "W01.0XXA"), ["M80.032A", "W01.0XXA"]),
        (("M81.0", "S52.502D", "W01.0XXA"), ["M80.032D", "W01.0XXA"]),  # the encounter kept
        (("M81.0", "S72.001A", "W01.0XXA"), ["M80.051A", "W01.0XXA"]),
        (("M81.0", "S52.502A", "W11.XXXA"), ["M81.0", "S52.502A", "W11.XXXA"]),  # a fall from a ladder
        (("S52.502A", "W01.0XXA"), ["S52.502A", "W01.0XXA"]),  # no osteoporosis documented
    ],
)
def test_a_minor_fall_s_fracture_in_osteoporosis_is_pathological(
    codes: tuple[str, ...], expected: list[str]
) -> None:
    assert _final(*codes) == expected


@pytest.mark.parametrize(
    ("note", "injury"),
    [
        (
            "Ortho visit.\nPt fell at home 2 wks ago w/ closed fx of L distal radius.",
            "closed fx of L distal radius",
        ),
        ("UC visit.\nTripped on a curb sustaining a sprain of the R ankle.", "sprain of the R ankle"),
    ],
)
def test_the_injury_is_read_apart_from_the_fall(note: str, injury: str) -> None:
    assert any(m.text == injury for m in read_note(note))


def test_a_condition_with_a_fracture_stays_whole() -> None:
    note = "Clinic visit.\nOsteoporosis with fracture of L wrist."
    assert not any(m.text.startswith("fracture") for m in read_note(note))

"""Hemiplegia and hemiparesis by the dominant side (I.C.6.a): the note's word, the handedness, the default.
Titles are the ICD-10-CM tabular's (public domain)."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules import NoteContext
from assistant.suggest.coding_rules.dominance import dominant_side
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_AFTER = "Hemiplegia and hemiparesis following cerebral infarction affecting"
TITLES = {
    "I69.351": f"{_AFTER} right dominant side",
    "I69.352": f"{_AFTER} left dominant side",
    "I69.353": f"{_AFTER} right non-dominant side",
    "I69.354": f"{_AFTER} left non-dominant side",
    "I69.359": f"{_AFTER} unspecified side",
    "I10": "Essential (primary) hypertension",
}
CATALOG = CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in TITLES.items()}})


@pytest.mark.parametrize(
    ("note", "code", "expected"),
    [
        ("A/P: L hemiparesis following cerebral infarct.", "I69.352", "I69.354"),  # default: left nondominant
        ("A/P: R hemiparesis following cerebral infarct.", "I69.353", "I69.351"),  # default: right dominant
        ("Left-handed. A/P: L hemiparesis following cerebral infarct.", "I69.354", "I69.352"),  # handedness
        ("A/P: L hemiparesis (dominant) following cerebral infarct.", "I69.354", "I69.352"),  # said
        ("A/P: L hemiparesis following cerebral infarct.", "I69.354", "I69.354"),  # already right
        ("A/P: hemiparesis following cerebral infarct.", "I69.359", "I69.359"),  # no side: unspecified stays
        # the side written with the deficit, not the stroke's hemisphere
        ("A/P: left MCA infarct with residual R hemiparesis.", "I69.352", "I69.351"),
        ("A/P: right MCA infarct, hemiparesis of the left side, left-handed.", "I69.351", "I69.352"),
    ],
)
def test_the_dominant_side_follows_the_note_the_hand_or_the_default(
    note: str, code: str, expected: str
) -> None:
    start = note.index("A/P") + 5
    m = Mention(start, len(note), note[start:], note[start:], "assessment", note.index("A/P"), len(note))
    picks = {code: Pick(code, 0.8, True, [m]), "I10": Pick("I10", 0.7, True, [m])}
    dominant_side(picks, NoteContext(note=note), CATALOG)
    assert set(picks) == {expected, "I10"} and picks[expected].final


@pytest.mark.parametrize(
    ("note", "code", "expected"),
    [
        # the unspecified side's code takes the side the note writes, with its dominance
        ("A/P: hemiparesis L nondominant side from remote infarct.", "I69.359", "I69.354"),
        ("A/P: hemiparesis, right, after a stroke.", "I69.359", "I69.351"),
        # the hand written with "dominant" is the patient's handedness, not the affected side's dominance
        ("A/P: R hemiparesis after infarct, left hand dominant.", "I69.351", "I69.353"),
        ("A/P: L hemiparesis after infarct (dominant R).", "I69.352", "I69.354"),
        ("A/P: L hemiparesis after infarct. Dominant hand: left.", "I69.354", "I69.352"),
        # a hand named for an injury is not the patient's handedness
        ("A/P: L hemiparesis after infarct; cut on left hand last week.", "I69.352", "I69.354"),
        ("A/P: hemiparesis after infarct, right hand dominant.", "I69.359", "I69.359"),
    ],
)
def test_an_unsided_code_takes_the_written_side_and_the_hand_is_not_the_side(
    note: str, code: str, expected: str
) -> None:
    start = note.index("A/P") + 5
    m = Mention(start, len(note), note[start:], note[start:], "assessment", note.index("A/P"), len(note))
    picks = {code: Pick(code, 0.8, True, [m])}
    dominant_side(picks, NoteContext(note=note), CATALOG)
    assert set(picks) == {expected} and picks[expected].final

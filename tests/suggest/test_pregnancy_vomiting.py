"""Nausea and vomiting in a documented pregnancy by the Index's "Pregnancy, complicated by, vomiting": O21.9,
late (after 20 completed weeks) O21.2; hyperemesis the note names keeps its own code. Titles as in the
ICD-10-CM tabular (public domain); notes written for these tests."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.pregnancy_vomiting import vomiting_in_pregnancy
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

TITLES = {
    "R11.0": "Nausea",
    "R11.2": "Nausea with vomiting, unspecified",
    "O21.1": "Hyperemesis gravidarum with metabolic disturbance",
    "O21.2": "Late vomiting of pregnancy",
    "O21.9": "Vomiting of pregnancy, unspecified",
}
CATALOG = CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in TITLES.items()}})


def _final(note: str, weeks: int | None, pregnant: bool = True, *more: str) -> list[str]:
    words = "nausea and vomiting"
    start = note.index(words)
    m = Mention(start, start + len(words), words, words, "assessment", 0, len(note))
    picks = {"R11.2": Pick("R11.2", 0.6, True, [m])}
    for code in more:
        picks[code] = Pick(code, 0.7, True, [m])
    vomiting_in_pregnancy(picks, NoteContext(note=note, pregnant=pregnant, weeks=weeks), CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


@pytest.mark.parametrize(
    ("note", "weeks", "expected"),
    [
        ("G1 at 9 weeks. A/P: nausea and vomiting of pregnancy - B6.", 9, ["O21.9"]),
        ("G2P1 at 26 weeks. A/P: nausea and vomiting, keeps fluids down.", 26, ["O21.2"]),
        ("Pregnant, dates unknown; nausea and vomiting of pregnancy.", None, ["O21.9"]),
    ],
)
def test_vomiting_in_a_pregnancy_is_chapter_15s_by_the_weeks(
    note: str, weeks: int | None, expected: list[str]
) -> None:
    assert _final(note, weeks) == expected


def test_named_hyperemesis_codes_it_and_no_pregnancy_keeps_the_symptom() -> None:
    note = "G1 at 12 weeks. Dx: hyperemesis gravidarum, nausea and vomiting with ketonuria."
    assert _final(note, 12, True, "O21.1") == ["O21.1"]
    assert _final("Gastroenteritis: nausea and vomiting since last night.", None, False) == ["R11.2"]


def test_nausea_without_vomiting_has_no_vomiting_of_pregnancy() -> None:
    note = "G1 at 12 weeks. A/P: nausea and vomiting? No: nausea without vomiting, mild."
    at = note.index("nausea without")
    m = Mention(at, at + 24, "nausea without vomiting", "nausea without vomiting", "assessment", 0, len(note))
    picks = {"R11.0": Pick("R11.0", 0.6, True, [m])}
    vomiting_in_pregnancy(picks, NoteContext(note=note, pregnant=True, weeks=12), CATALOG)
    assert sorted(c for c, p in picks.items() if p.final) == ["R11.0"]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("nausea and vomiting of pregnancy, mild", ["O21.9"]),
        ("N/V of pregnancy", ["O21.9"]),
        ("nausea, no vomiting", ["R11.0"]),
    ],
)
def test_nausea_read_from_a_mention_that_says_vomiting_is_the_vomiting_of_pregnancy(
    words: str, expected: list[str]
) -> None:
    """The note's ranker may read "nausea" first from "nausea and vomiting of pregnancy": the mention still
    says vomiting, so chapter 15's O21.9 codes it; nausea the note says came without vomiting stays."""
    note = f"8 wks pregnant. {words}. Prenatal vitamins started."
    at = note.index(words)
    m = Mention(at, at + len(words), words, words, "assessment", 0, len(note))
    picks = {"R11.0": Pick("R11.0", 0.6, True, [m])}
    vomiting_in_pregnancy(picks, NoteContext(note=note, pregnant=True, weeks=8), CATALOG)
    assert sorted(c for c, p in picks.items() if p.final) == expected

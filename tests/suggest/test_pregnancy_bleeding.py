"""Bleeding in a documented pregnancy by the Index's "Pregnancy, complicated by, hemorrhage": early (before 20
weeks), antepartum by trimester, spotting by trimester. Titles as in the ICD-10-CM tabular (public domain);
notes written for these tests."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.pregnancy_bleeding import bleeding_in_pregnancy
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

TITLES = {
    "N93.9": "Abnormal uterine and vaginal bleeding, unspecified",
    "R58": "Hemorrhage, not elsewhere classified",
    "O20.0": "Threatened abortion",
    "O20.9": "Hemorrhage in early pregnancy, unspecified",
    "O46.90": "Antepartum hemorrhage, unspecified, unspecified trimester",
    "O46.92": "Antepartum hemorrhage, unspecified, second trimester",
    "O46.93": "Antepartum hemorrhage, unspecified, third trimester",
    "O26.851": "Spotting complicating pregnancy, first trimester",
}
CATALOG = CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in TITLES.items()}})


def _final(note: str, words: str, weeks: int | None, pregnant: bool = True, *more: str) -> list[str]:
    start = note.index(words)
    m = Mention(start, start + len(words), words, words, "assessment", 0, len(note))
    picks = {"N93.9": Pick("N93.9", 0.6, True, [m])}
    for code in more:
        picks[code] = Pick(code, 0.7, True, [m])
    bleeding_in_pregnancy(picks, NoteContext(note=note, pregnant=pregnant, weeks=weeks), CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


@pytest.mark.parametrize(
    ("note", "words", "weeks", "expected"),
    [
        ("G2P1 at 9 wks. A/P: vaginal bleeding, os closed.", "vaginal bleeding", 9, ["O20.9"]),
        ("G1 at 31 weeks, painless vaginal bleeding.", "vaginal bleeding", 31, ["O46.93"]),
        ("Pregnant, dates unknown; heavy vaginal bleeding.", "vaginal bleeding", None, ["O46.90"]),
        ("G3P2 at 11 weeks, light spotting this morning.", "spotting", 11, ["O26.851"]),
    ],
)
def test_bleeding_in_a_pregnancy_is_chapter_15s_by_the_weeks(
    note: str, words: str, weeks: int | None, expected: list[str]
) -> None:
    assert _final(note, words, weeks) == expected


def test_a_named_obstetric_cause_codes_the_bleeding_and_no_pregnancy_keeps_it() -> None:
    note = "G1 at 10 weeks. Dx: threatened miscarriage with vaginal bleeding."
    assert _final(note, "vaginal bleeding", 10, True, "O20.0") == ["O20.0"]
    assert _final("Perimenopausal, irregular vaginal bleeding.", "vaginal bleeding", None, False) == ["N93.9"]


def test_spotting_that_turned_to_bleeding_is_the_bleeding() -> None:
    note = "G2 at 8 weeks, spotting then red bleeding since yesterday."
    assert _final(note, "spotting then red bleeding", 8) == ["O20.9"]

"""Z01.30/Z01.31 for a blood pressure check visit with no hypertension diagnosed (I.C.21.c.13)."""

from __future__ import annotations

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.encounters import encounter_codes
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

ICD = "ICD-10-CM"
TITLES = {
    "Z01.30": "Encounter for examination of blood pressure without abnormal findings",
    "Z01.31": "Encounter for examination of blood pressure with abnormal findings",
    "Z00.00": "Encounter for general adult medical examination without abnormal findings",
    "Z00.01": "Encounter for general adult medical examination with abnormal findings",
    "I10": "Essential (primary) hypertension",
    "R03.0": "Elevated blood-pressure reading, without diagnosis of hypertension",
}
CATALOG = CodeCatalog({"codes": {c: [ICD, t, True, c[:3], "code"] for c, t in TITLES.items()}})


def _run(note: str, coded: tuple[str, ...] = ()) -> list[str]:
    """The final codes, first-listed first, after the encounter rules; ``coded`` are the diagnoses read."""
    picks = {c: Pick(c, 0.8, True, [Mention(0, 2, "xx", "xx")]) for c in coded}
    encounter_codes(picks, NoteContext(note=note, age=44), CATALOG)
    return [p.code for p in sorted(picks.values(), key=lambda p: -p.score) if p.final]


def test_a_blood_pressure_check_without_hypertension_is_the_exam() -> None:
    normal = "Here for a blood pressure check.\nBP 124/76, on repeat 120/74. Return for her yearly physical."
    assert _run(normal) == ["Z01.30"]
    high = "BP recheck visit.\nBP 152/96 and 148/94 on repeat; elevated BP, not diagnosed with hypertension."
    assert _run(high, ("R03.0",)) == ["Z01.31", "R03.0"]


def test_diagnosed_hypertension_is_the_reason_not_an_exam() -> None:
    note = "BP check.\nHypertension on amlodipine 5 mg, BP 128/78 today. Continue amlodipine."
    assert _run(note, ("I10",)) == ["I10"]


def test_a_high_reading_without_hypertension_is_the_elevated_reading() -> None:
    dictated = (
        "Back pain follow up.\nHer blood pressure was 148 over 92 today, she has never been diagnosed with "
        "high blood pressure. Recheck next visit."
    )
    assert "R03.0" in _run(dictated)
    assert "R03.0" in _run("Knee pain.\nVitals: BP 152/88. No prior HTN dx. Ice and rest.")


def test_no_elevated_reading_beside_hypertension_or_a_normal_one() -> None:
    assert "R03.0" not in _run("Knee pain.\nBP 128/80, no history of hypertension. Ice and rest.")
    assert "R03.0" not in _run("Knee pain.\nBP 152/96. Hypertension on amlodipine.", ("I10",))
    assert "R03.0" not in _run("Knee pain.\nBP 152/96 today. Ice and rest.")

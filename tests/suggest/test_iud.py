"""I.C.21.c.11: the IUD placed, removed, replaced or checked at the visit is its Z30.43- encounter, in place
of the general contraceptive codes and the device's presence. Notes written for these tests."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.iud import iud_encounter
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

TITLES = {
    "Z30.430": "Encounter for insertion of intrauterine contraceptive device",
    "Z30.431": "Encounter for routine checking of intrauterine contraceptive device",
    "Z30.432": "Encounter for removal of intrauterine contraceptive device",
    "Z30.433": "Encounter for removal and reinsertion of intrauterine contraceptive device",
    "Z30.09": "Encounter for other general counseling and advice on contraception",
    "Z97.5": "Presence of (intrauterine) contraceptive device",
}
CATALOG = CodeCatalog(
    {"codes": {c: ["ICD-10-CM", t, True, c[:5], "code"] for c, t in TITLES.items()}, "refs": {}}
)


def _finals(note: str, found: str = "Z97.5") -> list[str]:
    m = Mention(0, 5, "x", "x", "body")
    picks = {found: Pick(found, 0.7, True, [m])}
    iud_encounter(picks, NoteContext(note=note), CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("Postpartum visit. Desires IUD - Mirena placed today without complication.", "Z30.430"),
        ("Paragard removed intact at patient request.", "Z30.432"),
        ("Kyleena due for exchange: old device removed, new Kyleena inserted.", "Z30.433"),
        ("IUD check: strings visible, 3 cm.", "Z30.431"),
    ],
)
def test_the_iud_encounter_of_the_visit(note: str, code: str) -> None:
    assert _finals(note) == [code]


@pytest.mark.parametrize(
    "note",
    [
        "Contraception: Mirena placed 2024, no problems.",  # placed in an earlier year: its presence
        "Desires IUD, counseled on options; will schedule insertion.",
    ],
)
def test_a_device_of_another_time_is_no_encounter_for_it(note: str) -> None:
    assert _finals(note) == ["Z97.5"]


@pytest.mark.parametrize(
    ("note", "code"),
    [
        # one word for the removal and the reinsertion, and the two told in separate sentences
        ("Family planning - IUD exchange. No complications.", "Z30.433"),
        ("Procedure: Paragard removed intact. New Paragard T380A placed, strings trimmed.", "Z30.433"),
        # a removal alone stays a removal
        ("Procedure: Mirena removed intact w/ ring forceps. Pt will use condoms.", "Z30.432"),
    ],
)
def test_an_exchange_told_by_one_word_or_over_two_sentences(note: str, code: str) -> None:
    assert _finals(note) == [code]


def test_the_exchange_replaces_a_removal_read_from_the_note() -> None:
    m = Mention(0, 5, "x", "x", "body")
    picks = {"Z30.432": Pick("Z30.432", 0.7, True, [m])}
    iud_encounter(picks, NoteContext(note="IUD exchange. Paragard removed, new Paragard placed."), CATALOG)
    assert sorted(c for c, p in picks.items() if p.final) == ["Z30.433"]

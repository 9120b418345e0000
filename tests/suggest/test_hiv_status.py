"""HIV disease (B20) versus asymptomatic HIV infection status (Z21), guideline I.C.1.a.2.d; and "FHx" read
as family history."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules import NoteContext
from assistant.suggest.coding_rules.hiv import hiv_status
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

TITLES = {
    "B20": "Human immunodeficiency virus [HIV] disease",
    "Z21": "Asymptomatic human immunodeficiency virus [HIV] infection status",
}


@pytest.fixture(scope="module")
def catalog() -> CodeCatalog:
    return CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in TITLES.items()}})


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("HIV dx 2019 on ART, VL undetectable, never had an opportunistic infection.", "Z21"),
        ("A: Asymptomatic HIV infection, on ART.", "Z21"),
        ("HIV with history of PCP pneumonia 2020, on ART.", "B20"),
        ("AIDS, CD4 90, on ART and prophylaxis.", "B20"),
    ],
)
def test_hiv_without_a_related_condition_is_z21(catalog: CodeCatalog, note: str, expected: str) -> None:
    m = Mention(0, 3, note[:3], note[:3], "assessment", 0, len(note))
    picks = {"B20": Pick("B20", 0.7, True, [m])}
    hiv_status(picks, NoteContext(note), catalog)
    assert [c for c, p in picks.items() if p.final] == [expected]


def test_fhx_before_a_condition_is_family_history() -> None:
    mentions = read_note("FHx colon CA in father.\nA: Essential hypertension.")
    colon = next(m for m in mentions if "colon" in m.text)
    assert colon.family
    fundal = next(m for m in read_note("G2P1 at 26 weeks. FH 26 cm, FHT 148.") if "26 cm" in m.text)
    assert not fundal.family

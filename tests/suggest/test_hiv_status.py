"""HIV disease (B20) versus asymptomatic HIV infection status (Z21), guideline I.C.1.a.2.d; and "FHx" read
as family history."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules import NoteContext
from assistant.suggest.coding_rules.encounters import hiv_prophylaxis
from assistant.suggest.coding_rules.hiv import hiv_status
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

TITLES = {
    "B20": "Human immunodeficiency virus [HIV] disease",
    "Z21": "Asymptomatic human immunodeficiency virus [HIV] infection status",
    "Z29.81": "Encounter for HIV pre-exposure prophylaxis",
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
        # the disease named as the title names it, its abbreviation in brackets
        ("A: Human immunodeficiency virus [HIV] disease, on ART.", "B20"),
        ("A: Human immunodeficiency virus infection, on ART.", "Z21"),
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


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Video visit. 28M requesting HIV PrEP, 2 partners, condoms sometimes.\nStart F/TAF daily.", True),
        ("PrEP follow-up, 3-month labs.\nHIV neg, Cr 1.0. Continue F/TDF.", True),
        # PrEP continued at a visit for something else is a drug, not the encounter
        ("Rash on palms x 10 d.\nOn HIV PrEP x 2 yr, adherent.\nA: Secondary syphilis.", False),
        ("Annual physical. Declines PrEP.", False),
        ("Colonoscopy prep reviewed, screening due.", False),
    ],
)
def test_hiv_prep_as_the_reason_for_the_visit_is_z29_81(
    catalog: CodeCatalog, note: str, expected: bool
) -> None:
    picks: dict[str, Pick] = {}
    hiv_prophylaxis(picks, NoteContext(note), catalog)
    assert ("Z29.81" in picks) is expected


def test_prep_is_prevention_not_the_infection() -> None:
    (prep,) = [
        m for m in read_note("28M requesting HIV PrEP.\nA: HIV infection, on ART.") if "PrEP" in m.text
    ]
    assert prep.not_coded
    assert any(
        not m.not_coded
        for m in read_note("28M requesting HIV PrEP.\nA: HIV infection, on ART.")
        if "HIV infection" in m.text
    )

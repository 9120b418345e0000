""" "Status post" scopes over procedures and events, not over the conditions listed after them; a vaccine
given and named by its disease is no mention of the disease. Notes written for these tests."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.encounters import immunization
from assistant.suggest.not_coded import screening_sentence
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick


def _history(note: str) -> dict[str, bool]:
    return {m.text: m.history for m in read_note(note)}


def test_conditions_listed_after_a_status_post_item_are_current() -> None:
    read = _history("PMH: CAD s/p PCI 2019, HTN, OSA on CPAP, GERD.")
    assert read["s/p PCI 2019"]
    assert not read["HTN"] and not read["GERD"]
    assert not next(h for t, h in read.items() if t.startswith("OSA"))


@pytest.mark.parametrize(
    ("note", "item"),
    [
        ("PSH: s/p appendectomy, cholecystectomy.", "cholecystectomy"),
        ("PMH: s/p CABG 2015, PCI 2019.", "PCI 2019"),
        ("PMH: status post MI, CVA, HTN.", "CVA"),
    ],
)
def test_status_post_goes_on_over_more_procedures_and_events(note: str, item: str) -> None:
    read = _history(note)
    assert read[item] and not read.get("HTN", False)


_TITLES = {
    "Z23": "Encounter for immunization",
    "B97.7": "Papillomavirus as the cause of diseases classified elsewhere",
}


def _after(note: str, word: str) -> bool:
    catalog = CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in _TITLES.items()}})
    start = note.index(word)
    m = Mention(start, start + len(word), word, word, "body", 0, len(note))
    picks = {"B97.7": Pick("B97.7", 0.8, True, [m])}
    immunization(picks, NoteContext(note=note, age=16), catalog)
    return picks["B97.7"].final


def test_a_vaccine_given_and_named_by_its_virus_codes_no_virus() -> None:
    assert not _after("Camp physical, no concerns. HPV #2 given, L deltoid.", "HPV")


def test_the_virus_found_on_a_test_stays() -> None:
    assert _after("Pap: ASC-US, HPV positive. Colposcopy referral.", "HPV")


@pytest.mark.parametrize(
    ("note", "condition"),
    [("NH visit. Pt w/ COPD, stable.", "COPD"), ("NH visit. Resident with CHF, euvolemic today.", "CHF")],
)
def test_the_patient_named_before_a_condition_is_no_word_of_it(note: str, condition: str) -> None:
    assert condition in [m.text for m in read_note(note)]


def test_an_alzheimer_dementia_is_the_index_s_dementia_in_alzheimer_disease() -> None:
    assert "dementia in alzheimer's disease" in read_note("NF visit. Alzheimer dementia, mild.")[1].query


def test_a_line_labelled_with_the_vaccines_lists_vaccines_given_not_diseases() -> None:
    read = {
        m.text: m.not_coded for m in read_note("9 mo WCC. Vaccines: IPV, influenza, Hep B. Growing well.")
    }
    assert read["influenza"] == "immunization given" and read["Hep B"] == "immunization given"
    catalog = CodeCatalog(
        {"codes": {"Z23": ["ICD-10-CM", "Encounter for immunization", True, "Z23", "code"]}}
    )
    for note, given in (
        ("9 mo WCC.\nVaccines: IPV, influenza, Hep B.", True),
        ("Adult physical.\nImmunizations: up to date.", False),
        ("Sick visit.\nImmunizations: DTaP series complete; HPV missed.", False),
    ):
        picks: dict[str, Pick] = {}
        immunization(picks, NoteContext(note=note, age=1), catalog)
        assert ("Z23" in picks) is given


@pytest.mark.parametrize(
    ("text", "screening"), [("Lead screen 3", True), ("lead poisoning, level 12", False)]
)
def test_a_screen_reported_as_its_value_is_the_screening(text: str, screening: bool) -> None:
    assert screening_sentence(text) is screening

"""Coder's rules found on fresh office, nursing-facility and ED notes, each with a note it must code and
one it must not: the dementia a named disease causes (G30 "use additional code", I.A.13), an infarction
within four weeks (I.C.9.e.1), a Drug table walk that reads every word, a vaccine series given in the past,
and the external cause told after the injury. Notes are written for these tests; titles are the ICD-10-CM
tabular's (public domain)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.dementia import dementia_behaviour, dementia_of_the_disease
from assistant.suggest.coding_rules.encounters import immunization
from assistant.suggest.coding_rules.injuries import _place_query, mechanism_clause
from assistant.suggest.coding_rules.partners import add_associated_fever
from assistant.suggest.coding_rules.recent_infarction import old_infarction, recent_infarction
from assistant.suggest.index_first import assessed_final
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Candidate, Pick

ICD = "ICD-10-CM"
TITLES = {
    "G30.9": "Alzheimer's disease, unspecified",
    "G30.0": "Alzheimer's disease with early onset",
    "G30.1": "Alzheimer's disease with late onset",
    "G31.83": "Neurocognitive disorder with Lewy bodies",
    "F02.80": "Dementia in other diseases classified elsewhere, unspecified severity, without behavioral "
    "disturbance, psychotic disturbance, mood disturbance, and anxiety",
    "F02.811": "Dementia in other diseases classified elsewhere, unspecified severity, with agitation",
    "F02.A0": "Dementia in other diseases classified elsewhere, mild, without behavioral disturbance, "
    "psychotic disturbance, mood disturbance, and anxiety",
    "F02.B11": "Dementia in other diseases classified elsewhere, moderate, with agitation",
    "F02.B0": "Dementia in other diseases classified elsewhere, moderate, without behavioral disturbance, "
    "psychotic disturbance, mood disturbance, and anxiety",
    "F02.A18": "Dementia in other diseases classified elsewhere, mild, with other behavioral disturbance",
    "F02.C2": "Dementia in other diseases classified elsewhere, severe, with psychotic disturbance",
    "I25.2": "Old myocardial infarction",
    "I21.4": "Non-ST elevation (NSTEMI) myocardial infarction",
    "I21.9": "Acute myocardial infarction, unspecified",
    "I21.A1": "Myocardial infarction type 2",
    "Z23": "Encounter for immunization",
}
CATALOG = CodeCatalog({"codes": {c: [ICD, t, True, c[:3], "code"] for c, t in TITLES.items()}})


def _said(note: str, words: str) -> Mention:
    start = note.index(words)
    end = note.find(".", start)
    return Mention(start, start + len(words), words, words, "assessment", 0, end if end > 0 else len(note))


def _finals(picks: dict[str, Pick]) -> list[str]:
    return sorted(c for c, p in picks.items() if p.final)


def test_an_unspecified_dementia_the_ranking_doubted_does_not_block_the_diseases_dementia() -> None:
    note = "Nursing home visit. Alzheimer's dementia, late onset, with agitation. DNR."
    picks = {
        "G30.9": Pick("G30.9", 0.7, True, [_said(note, "Alzheimer's")]),
        "F03.911": Pick("F03.911", 0.05, False, [_said(note, "Alzheimer's")]),
    }
    dementia_of_the_disease(picks, NoteContext(note=note), CATALOG)
    assert _finals(picks) == ["F02.811", "G30.1"]


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("A/P: 1. Alzheimer's dementia - continue donepezil.", ["F02.80", "G30.9"]),
        ("Alzheimer's dementia, late onset, moderate, with agitation.", ["F02.B11", "G30.1"]),
        ("Alzheimer dementia, mild, no behavioral issues.", ["F02.A0", "G30.9"]),
        # a behaviour the note denies is not the dementia's ("no behavioral disturbance", "without agitation")
        ("Alzheimer's dementia, mild, no behavioral disturbance.", ["F02.A0", "G30.9"]),
        ("Alzheimer's dementia, moderate, calm, without agitation or wandering.", ["F02.B0", "G30.9"]),
        ("Alzheimer's disease with severe dementia and hallucinations.", ["F02.C2", "G30.9"]),
        ("Alzheimer's disease with dementia, agitated at night.", ["F02.811", "G30.9"]),
        # a disease the note names without dementia adds none
        ("Alzheimer's disease, early onset, without dementia at this time.", ["G30.9"]),
        ("Alzheimer's disease, mild cognitive impairment only.", ["G30.9"]),
    ],
)
def test_the_dementia_of_a_named_disease_is_coded_after_it(note: str, expected: list[str]) -> None:
    words = "Alzheimer's" if "Alzheimer's" in note else "Alzheimer"
    picks = {"G30.9": Pick("G30.9", 0.7, True, [_said(note, words)])}
    dementia_of_the_disease(picks, NoteContext(note=note), CATALOG)
    assert _finals(picks) == expected


def test_a_dementia_code_already_chosen_is_not_doubled() -> None:
    note = "Alzheimer's dementia, moderate, with agitation."
    picks = {
        "G30.9": Pick("G30.9", 0.7, True, [_said(note, "Alzheimer's")]),
        "F02.B11": Pick("F02.B11", 0.69, True, [_said(note, "Alzheimer's")]),
    }
    dementia_of_the_disease(picks, NoteContext(note=note), CATALOG)
    assert _finals(picks) == ["F02.B11", "G30.9"]


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Hospital follow-up after NSTEMI 3 weeks ago, s/p DES to LAD.", ["I21.4"]),
        ("Seen after an MI 10 days ago.", ["I21.9"]),
        ("Type 2 MI last week from demand ischemia during sepsis.", ["I21.A1"]),
        # past four weeks, or years ago: old
        ("NSTEMI 2 months ago, s/p DES to LAD.", ["I25.2"]),
        ("History of MI in 2015. Fell 3 days ago.", ["I25.2"]),
    ],
)
def test_an_infarction_within_four_weeks_is_current(note: str, expected: list[str]) -> None:
    words = next(w for w in ("NSTEMI", "MI") if w in note)
    picks = {"I25.2": Pick("I25.2", 0.6, True, [_said(note, words)])}
    recent_infarction(picks, NoteContext(note=note), CATALOG)
    assert _finals(picks) == expected


@pytest.mark.parametrize(
    ("note", "final", "expected"),
    [
        ("Recent admission for NSTEMI 11/10/2026, s/p DES to LAD.", True, ["I21.4"]),
        # the old-MI reading below the final list is read too: the date says it is current
        ("Recent admission for NSTEMI 11/10/2026, s/p DES to LAD.", False, ["I21.4"]),
        ("NSTEMI 2026-11-20, medically managed.", True, ["I21.4"]),
        ("Admission for NSTEMI 06/10/2026, s/p DES to LAD.", True, ["I25.2"]),
        ("NSTEMI 12/20/2026 (scheduled stress test).", True, ["I25.2"]),  # after the visit: no date of it
    ],
)
def test_an_infarction_dated_within_four_weeks_of_the_visit_is_current(
    note: str, final: bool, expected: list[str]
) -> None:
    picks = {"I25.2": Pick("I25.2", 0.6, final, [_said(note, "NSTEMI")])}
    recent_infarction(picks, NoteContext(note=note, visit_date=date(2026, 12, 3)), CATALOG)
    assert _finals(picks) == expected


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("PMH: CAD, inferior MI 2019 (PCI), HTN.", ["I25.2"]),
        ("s/p NSTEMI 3/2022 w/ DES to prox LAD.", ["I25.2"]),
        ("MI 6 years ago, no angina since.", ["I25.2"]),
        ("NSTEMI 11/20/2026, medically managed.", ["I21.9"]),  # within four weeks of the visit
        ("Inferior MI this admission; troponin peaked 2026.", ["I21.9"]),  # the year of the visit
        ("Acute MI, troponin 4.2.", ["I21.9"]),
        ("CAD w/o angina; old MI - cont ASA.", ["I25.2"]),
        ("Prior MI 2 weeks ago, cardiac rehab referral.", ["I21.9"]),  # old in words, within four weeks
    ],
)
def test_an_infarction_dated_before_four_weeks_is_old(note: str, expected: list[str]) -> None:
    words = next(w for w in ("NSTEMI", "MI") if w in note)
    picks = {"I21.9": Pick("I21.9", 0.7, True, [_said(note, words)])}
    old_infarction(picks, NoteContext(note=note, visit_date=date(2026, 12, 3)), CATALOG)
    assert _finals(picks) == expected


def test_a_recent_infarction_already_coded_current_only_drops_the_old_code() -> None:
    note = "Follow-up after NSTEMI 2 weeks ago."
    picks = {
        "I25.2": Pick("I25.2", 0.6, True, [_said(note, "NSTEMI")]),
        "I21.4": Pick("I21.4", 0.7, True, [_said(note, "NSTEMI")]),
    }
    recent_infarction(picks, NoteContext(note=note), CATALOG)
    assert _finals(picks) == ["I21.4"]
    assert picks["I25.2"].warnings


@pytest.mark.parametrize(
    ("code", "walk", "problem", "final"),
    [
        ("T39.1X1A", 1.0, False, True),  # "Accidental overdose of acetaminophen" in a narrative sentence
        ("T39.1X1A", 0.6, False, False),  # a walk that left words unread
        ("K02.9", 1.0, False, False),  # outside the Drug table: only a problem line
        ("K02.9", 1.0, True, True),
    ],
)
def test_a_complete_drug_table_walk_is_coded_wherever_it_is_written(
    code: str, walk: float, problem: bool, final: bool
) -> None:
    assert assessed_final(Candidate(code, 0, 0.1, walk=walk), problem) is final


@pytest.mark.parametrize(
    ("note", "given"),
    [
        ("# Hep B immune (vaccinated).", False),
        ("Previously vaccinated for hepatitis A and B.", False),
        ("Hep B vaccine dose #2 given.", True),
        ("Immune to varicella; Tdap given today.", True),
        # dated before this visit, given elsewhere, to come or never given
        ("P: re-cert O2; flu shot done 10/26.", False),
        ("Tdap 2023; MMR x2 documented.", False),
        ("(c) Household -> HAV vaccine via PCP within 14 d.", False),
        ("(d) Never vaccinated for HAV/HBV -> HBV series once recovered.", False),
        ("Flu vaccine done at pharmacy.", False),
        ("Shingrix #1 given today; flu vaccine done at pharmacy.", True),
        ("Vaccines: DTaP, IPV, MMR, varicella given; VIS reviewed.", True),
        ("Impression: cellulitis of R lower leg. Keflex x 7 d. Tdap updated today.", True),
        ("Tdap updated 2019.", False),
    ],
)
def test_a_vaccine_series_given_in_the_past_is_no_immunization_today(note: str, given: bool) -> None:
    picks: dict[str, Pick] = {}
    immunization(picks, NoteContext(note=note), CATALOG)
    assert ("Z23" in picks) is given


def test_the_mechanism_clause_is_the_first_of_two_words_or_more() -> None:
    sentence = "2 cm laceration to left index finger without nail damage, cut while slicing vegetables."
    assert mechanism_clause(sentence) == "slicing vegetables"
    assert mechanism_clause("Fell off a ladder at home.") == "Fell off a ladder"


def test_a_room_that_names_a_tool_is_no_place() -> None:
    sentence = "cut while slicing vegetables with a kitchen knife at home"
    assert _place_query("at home", sentence).startswith("unspecified place in")
    assert _place_query("at home", "slipped on the kitchen floor at home").startswith("kitchen in")


def test_the_fever_a_neutropenia_presents_with_is_coded_beside_it() -> None:
    """D70's own note: use additional code for any associated fever (R50.81)."""
    catalog = CodeCatalog(
        {
            "codes": {
                "D70.9": [ICD, "Neutropenia, unspecified", True, "D70", "code"],
                "R50.81": [ICD, "Fever presenting with conditions classified elsewhere", True, None, "code"],
            },
            "refs": {"D70.9": {"use_additional": ["R50.81"]}},
        }
    )
    for note, expected in (
        ("Now with neutropenic fever, ANC 300.", ["D70.9", "R50.81"]),
        ("Neutropenia, afebrile, ANC 900.", ["D70.9"]),
        ("Neutropenia without fever.", ["D70.9"]),
    ):
        words = "neutropenic fever" if "neutropenic" in note else note.rstrip(".").split(",")[0]
        picks = {"D70.9": Pick("D70.9", 0.7, True, [_said(note, words)])}
        add_associated_fever(picks, NoteContext(note=note), catalog)
        assert _finals(picks) == expected, note


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        (
            "Dementia due to Parkinson's, severe, with psychotic disturbance (visual hallucinations).",
            "F02.C2",
        ),
        ("Dementia due to Parkinson's, severe, no hallucinations, calm.", "F02.C0"),
    ],
)
def test_a_dementia_coded_without_behaviour_takes_the_behaviour_its_sentence_names(
    note: str, expected: str
) -> None:
    catalog = CodeCatalog(
        {
            "codes": {
                "F02.C0": [
                    ICD,
                    "Dementia in other diseases classified elsewhere, severe, without behavioral "
                    "disturbance, psychotic disturbance, mood disturbance, and anxiety",
                    True,
                    "F02.C",
                    "code",
                ],
                "F02.C2": [
                    ICD,
                    "Dementia in other diseases classified elsewhere, severe, with psychotic disturbance",
                    True,
                    "F02.C",
                    "code",
                ],
                "R44.1": [ICD, "Visual hallucinations", True, "R44", "code"],
            }
        }
    )
    picks = {"F02.C0": Pick("F02.C0", 0.5, True, [_said(note, "Dementia")])}
    if "visual" in note:
        picks["R44.1"] = Pick("R44.1", 0.6, True, [_said(note, "visual hallucinations")])
    dementia_behaviour(picks, NoteContext(note=note), catalog)
    assert _finals(picks) == [expected]

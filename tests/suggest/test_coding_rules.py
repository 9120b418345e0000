"""The coder's rules (issue 13 §4), each with a note that should trigger it and one that must not.

Engine-level on a temporary index of the fixture slice plus the codes the rules need (tests/suggest/
rules_corpus.py), with the HashingEmbedder fake; unit-level where the rule is a pure function.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.suggest import consolidate
from assistant.suggest.coding_rules import NoteContext, context_for
from assistant.suggest.coding_rules.bilateral import both_sides_without_a_bilateral_code
from assistant.suggest.coding_rules.combination import FAMILIES, check_family, combine, family_documented
from assistant.suggest.coding_rules.copd import copd_with_lower_respiratory_infection
from assistant.suggest.coding_rules.encounters import general_exam
from assistant.suggest.coding_rules.hcpcs_gate import QUALITY_DATA, documents_service, gate
from assistant.suggest.coding_rules.injuries import (
    encounter_character,
    fall_code,
    injury_rules,
    open_bites,
    states_mechanism,
    unspecified_region,
)
from assistant.suggest.coding_rules.obstruction import stone_with_hydronephrosis
from assistant.suggest.coding_rules.partners import (
    DRUG_CLASSES,
    add_bmi,
    add_organism,
    add_partners,
    bmi_code,
    weeks_code,
)
from assistant.suggest.coding_rules.postprocedural import postprocedural_hypothyroidism
from assistant.suggest.coding_rules.stated_condition import named_in_note
from assistant.suggest.coding_rules.symptoms import integral_to
from assistant.suggest.coding_rules.tobacco import not_tobacco, status_clause, tobacco_code
from assistant.suggest.reader import Mention
from assistant.suggest.schemas import Patient, SuggestRequest, SuggestResponse
from assistant.suggest.service import SuggestionService, check_evidence
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick
from tests.suggest.rules_corpus import rules_service


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> SuggestionService:
    return rules_service(tmp_path_factory.mktemp("rules"))


def run(svc: SuggestionService, text: str, **kw: object) -> SuggestResponse:
    response = svc.suggest(SuggestRequest(text=text, **kw))  # type: ignore[arg-type]
    check_evidence(text, response)
    return response


def finals(response: SuggestResponse) -> list[str]:
    return [s.code for s in response.suggestions if s.confidence in ("high", "medium")]


def listed(response: SuggestResponse) -> list[str]:
    return [s.code for s in response.suggestions]


# ----------------------------------------------------------------- combination codes
def test_diabetes_with_polyneuropathy_is_one_combination_code(svc: SuggestionService) -> None:
    f = finals(run(svc, "A/P:\n1. Type 2 diabetes mellitus without complications.\n2. Polyneuropathy."))
    assert "E11.42" in f and "E11.9" not in f and "G62.9" not in f


def test_diabetes_with_hyperglycemia(svc: SuggestionService) -> None:
    r = run(svc, "A/P:\n1. Type 2 diabetes mellitus without complications.\n2. Hyperglycemia.")
    assert "E11.65" in finals(r) and "R73.9" not in finals(r) and "E11.9" not in finals(r)
    e1165 = next(s for s in r.suggestions if s.code == "E11.65")
    assert any("I.A.15" in reason for reason in e1165.reasons)


def test_diabetes_with_unrelated_condition_stays_apart(svc: SuggestionService) -> None:
    f = finals(run(svc, "A/P:\n1. Type 2 diabetes mellitus without complications.\n2. Hyperlipidemia."))
    assert "E11.9" in f and "E78.5" in f
    assert not any(c.startswith("E11") and c != "E11.9" for c in f)


def test_hypertension_heart_failure_and_ckd_is_i13_with_both_partners(svc: SuggestionService) -> None:
    note = (
        "A/P:\n1. Essential hypertension.\n2. Chronic systolic heart failure.\n"
        "3. Chronic kidney disease, stage 4."
    )
    f = finals(run(svc, note))
    assert "I13.0" in f and "I50.22" in f and "N18.4" in f
    assert not {"I10", "I11.0", "I12.9"} & set(f)


def test_hypertension_with_heart_failure_only_is_i11(svc: SuggestionService) -> None:
    f = finals(run(svc, "A/P:\n1. Essential hypertension.\n2. Chronic systolic heart failure."))
    assert "I11.0" in f and "I50.22" in f and "I13.0" not in f and "I10" not in f


def test_hypertension_with_esrd_takes_the_stage_5_code(svc: SuggestionService) -> None:
    f = finals(run(svc, "A/P:\n1. Essential hypertension.\n2. End stage renal disease."))
    assert "I12.0" in f and "N18.6" in f and "I12.9" not in f


def test_hypertension_alone_stays_i10(svc: SuggestionService) -> None:
    f = finals(run(svc, "A/P:\n1. Essential hypertension.\n2. Cough."))
    assert "I10" in f and not any(c[:3] in ("I11", "I12", "I13") for c in f)


def test_anemia_in_ckd_takes_d63_1_with_the_stage(svc: SuggestionService) -> None:
    f = finals(run(svc, "A/P:\n1. Anemia in chronic kidney disease stage 4."))
    assert "D63.1" in f and "N18.4" in f
    f = finals(run(svc, "A/P:\n1. Chronic kidney disease stage 4.\n2. Cough."))
    assert "D63.1" not in f


def _pick(code: str, text: str, final: bool = True, start: int = 0) -> Pick:
    return Pick(code, 0.8, final, [Mention(start, start + len(text), text, text, "assessment", 0, 200)])


def test_family_codes_need_their_condition_documented(svc: SuggestionService) -> None:
    picks = {"I12.9": _pick("I12.9", "CKD stage 4"), "N18.4": _pick("N18.4", "CKD stage 4")}
    combine(picks, NoteContext("A/P: CKD stage 4."), svc.catalog)
    assert not picks["I12.9"].final and picks["N18.4"].final
    picks = {"I12.9": _pick("I12.9", "CKD stage 4"), "N18.4": _pick("N18.4", "CKD stage 4")}
    combine(picks, NoteContext("PMH: HTN.\nA/P: CKD stage 4."), svc.catalog)
    assert picks["I12.9"].final


def test_hypertension_with_a_ckd_the_diabetes_code_asks_for_is_i12_9(svc: SuggestionService) -> None:
    # E11.22 came from "CKD stage 4 due to DM2"; its stage N18.4 is still waiting for the pairing step
    note = "A/P: 1. CKD stage 4 due to DM2. 2. HTN."
    ckd, htn = "CKD stage 4 due to DM2", note.index("HTN")
    picks = {
        "E11.22": _pick("E11.22", ckd, start=note.index(ckd)),
        "N18.4": _pick("N18.4", ckd, final=False, start=note.index(ckd)),
        "I10": _pick("I10", "HTN", start=htn),
    }
    combine(picks, NoteContext(note), svc.catalog)
    assert {c for c, p in picks.items() if p.final} == {"E11.22", "N18.4", "I12.9"}
    # without hypertension there is no hypertensive CKD
    picks = {
        "E11.22": _pick("E11.22", ckd, start=note.index(ckd)),
        "N18.4": _pick("N18.4", ckd, final=False, start=note.index(ckd)),
    }
    combine(picks, NoteContext("A/P: 1. CKD stage 4 due to DM2."), svc.catalog)
    assert {c for c, p in picks.items() if p.final} == {"E11.22", "N18.4"}


def test_ckd_of_unspecified_stage_answers_the_stage_partner_of_diabetes_and_hypertension(
    svc: SuggestionService,
) -> None:
    # three problems apart: diabetes and hypertension with CKD are presumed (I.A.15, I.C.9.a.2); with no
    # stage the CKD is N18.9, and no stage the note does not give is brought in
    note = "A/P: 1. Type 2 diabetes. 2. CKD. 3. Hypertension."
    picks = {
        "E11.9": _pick("E11.9", "Type 2 diabetes", start=note.index("Type")),
        "N18.9": _pick("N18.9", "CKD", start=note.index("CKD")),
        "N18.6": _pick("N18.6", "CKD", final=False, start=note.index("CKD")),
        "I10": _pick("I10", "Hypertension", start=note.index("Hyper")),
    }
    combine(picks, NoteContext(note), svc.catalog)
    assert {c for c, p in picks.items() if p.final} == {"E11.22", "N18.9", "I12.9"}


def test_a_partner_the_mention_names_without_specifics_is_its_unspecified_code(
    svc: SuggestionService,
) -> None:
    note = "A/P: DM2 with CKD. HTN."
    picks = {
        "E11.22": _pick("E11.22", "DM2 with CKD", start=5),
        "I10": _pick("I10", "HTN", start=note.index("HTN")),
    }
    combine(picks, NoteContext(note), svc.catalog)
    assert {c for c, p in picks.items() if p.final} == {"E11.22", "N18.9", "I12.9"}
    picks = {"E11.22": _pick("E11.22", "DM2 with nephropathy", start=5)}
    combine(picks, NoteContext("A/P: DM2 with nephropathy."), svc.catalog)
    assert set(picks) == {"E11.22"}  # no CKD said: no CKD code


def test_hypertension_without_a_qualifier_is_i10(svc: SuggestionService) -> None:
    picks = {"I1A.0": _pick("I1A.0", "Hypertension")}
    combine(picks, NoteContext("A/P: Hypertension - continue lisinopril."), svc.catalog)
    assert set(picks) == {"I10"} and picks["I10"].final
    picks = {"I1A.0": _pick("I1A.0", "Resistant hypertension")}
    combine(picks, NoteContext("A/P: Resistant hypertension on four drugs."), svc.catalog)
    assert set(picks) == {"I1A.0"}


def test_resistant_hypertensions_code_first_is_met_by_the_type_already_coded(svc: SuggestionService) -> None:
    """I1A.0: "code first the specific type of hypertension (I10, I15.-)". Hypertensive CKD (I12.9) is that
    type: I10 is not brought back beside it; with no type coded, I10 is the partner."""
    note = "A/P: CKD stage 3 from hypertension. Resistant hypertension on four drugs."
    picks = {
        "I1A.0": _pick("I1A.0", "Resistant hypertension"),
        "I12.9": _pick("I12.9", "CKD stage 3 from hypertension"),
        "I10": _pick("I10", "hypertension", final=False),
    }
    svc._pair_rules(picks, note)
    assert picks["I12.9"].final and not picks["I10"].final
    picks = {
        "I1A.0": _pick("I1A.0", "Resistant hypertension"),
        "I10": _pick("I10", "hypertension", final=False),
    }
    svc._pair_rules(picks, "A/P: Resistant hypertension on four drugs.")
    assert picks["I10"].final


def test_copd_beside_a_lower_respiratory_infection_is_j44_0(svc: SuggestionService) -> None:
    """I.C.10.a / J44.0 "code also the infection": COPD with pneumonia is J44.0 and J18.9 (J44.9 folded in);
    an exacerbation stays J44.1 beside J44.0; a pneumonia ruled out (not final) or a finding adds nothing."""
    ctx = NoteContext("A/P: COPD. Pneumonia.")
    picks = {"J44.9": _pick("J44.9", "COPD"), "J18.9": _pick("J18.9", "Pneumonia", start=10)}
    copd_with_lower_respiratory_infection(picks, ctx, svc.catalog)
    assert set(picks) == {"J44.0", "J18.9"} and picks["J44.0"].final
    picks = {"J44.1": _pick("J44.1", "COPD exacerbation"), "J18.9": _pick("J18.9", "Pneumonia", start=10)}
    copd_with_lower_respiratory_infection(picks, ctx, svc.catalog)
    assert {"J44.0", "J44.1", "J18.9"} == set(picks)
    for other in (_pick("J18.9", "no pneumonia", final=False), _pick("R06.02", "Shortness of breath")):
        picks = {"J44.9": _pick("J44.9", "COPD"), other.code: other}
        copd_with_lower_respiratory_infection(picks, ctx, svc.catalog)
        assert "J44.0" not in picks and picks["J44.9"].final


def test_a_bilateral_condition_without_a_bilateral_code_is_coded_on_both_sides(
    svc: SuggestionService,
) -> None:
    """I.B.13: "primary OA of hands, bilateral" is M19.041 and M19.042 (M19.04- has no bilateral code); where
    the category has one (H10.33), or the mention itself names no side, nothing changes."""
    ctx = NoteContext("A/P: Primary OA of hands, bilateral.")
    picks = {"M19.049": _pick("M19.049", "Primary OA of hands, bilateral")}
    both_sides_without_a_bilateral_code(picks, ctx, svc.catalog)
    assert set(picks) == {"M19.041", "M19.042"} and all(p.final for p in picks.values())
    long_sentence = NoteContext(
        "Exam showed OA of hand with nodes, and bilateral knee effusions were drained under ultrasound today."
    )
    for code, text, context in (
        ("H10.33", "acute conjunctivitis, both eyes", ctx),  # the category has a bilateral code
        ("M19.049", "OA of hand", long_sentence),  # "bilateral" is another finding's
    ):
        picks = {code: _pick(code, text, start=context.note.find(text))}
        picks[code].mentions[0].sentence_end = len(context.note)
        both_sides_without_a_bilateral_code(picks, context, svc.catalog)
        assert set(picks) == {code}


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("# Hypothyroidism s/p RAI for Graves 2010 - levothyroxine", "E89.0"),
        ("# Hypothyroidism 2/2 neck radiation - levothyroxine 75", "E89.0"),
        ("# Postsurgical hypothyroidism - levothyroxine", "E89.0"),
        ("# Hypothyroidism - levothyroxine; s/p appendectomy 2010", "E03.9"),
        ("# Hypothyroidism, Hashimoto's - levothyroxine; radiation to the knee", "E03.9"),
        ("# Graves disease s/p RAI 2024, now hypothyroid on levothyroxine", "E89.0"),
        ("# Hypothyroidism - levothyroxine; s/p RF ablation of AF, now in sinus", "E03.9"),
    ],
)
def test_hypothyroidism_after_ablation_surgery_or_radiation_is_postprocedural(
    svc: SuggestionService, line: str, code: str
) -> None:
    m = Mention(2, 16, line[2:16], line[2:16], "assessment", 0, len(line))
    picks = {"E03.9": Pick("E03.9", 0.8, True, [m])}
    postprocedural_hypothyroidism(picks, NoteContext(line), svc.catalog)
    assert set(picks) == {code} and picks[code].final


def test_a_stone_with_hydronephrosis_is_n13_2(svc: SuggestionService) -> None:
    """Index: Calculus, ureter, with hydronephrosis -> N13.2 (N20 Excludes1 "that with hydronephrosis"): the
    stone's N20 code on that line goes too; a stone on another line stays; no stone named, no infection."""
    ctx = NoteContext("Dx: L ureteral stone w/ hydronephrosis; R renal stones, nonobstructing.")
    line = "L ureteral stone w/ hydronephrosis"
    picks = {
        "N13.30": _pick("N13.30", line, start=4),
        "N20.1": _pick("N20.1", line, start=4),
        "N20.0": _pick("N20.0", "R renal stones", start=41),
    }
    stone_with_hydronephrosis(picks, ctx, svc.catalog)
    assert set(picks) == {"N13.2", "N20.0"} and picks["N13.2"].final
    for text in ("Hydronephrosis, moderate, L", "L ureteral stone w/ hydronephrosis and infection"):
        picks = {"N13.30": _pick("N13.30", text)}
        stone_with_hydronephrosis(picks, NoteContext(text), svc.catalog)
        assert set(picks) == {"N13.30"}


def test_diabetic_complication_takes_the_documented_type(svc: SuggestionService) -> None:
    note = "A/P: 1. Type 2 diabetes mellitus. 2. Diabetic polyneuropathy."
    picks = {
        "E11.9": _pick("E11.9", "Type 2 diabetes mellitus"),
        "E11.42": _pick("E11.42", "Diabetic polyneuropathy", final=False, start=30),
    }
    combine(picks, NoteContext(note), svc.catalog)
    assert set(picks) == {"E11.42"} and picks["E11.42"].final
    picks = {
        "E11.9": _pick("E11.9", "Type 2 diabetes mellitus"),
        "E11.42": _pick("E11.42", "Neuropathy", final=False, start=30),
    }
    combine(picks, NoteContext("A/P: 1. Type 2 diabetes mellitus. 2. Neuropathy."), svc.catalog)
    assert picks["E11.9"].final and not picks["E11.42"].final  # "neuropathy" is not "polyneuropathy"


# ----------------------------------------------------------------- use-additional partners
def test_bmi_with_obesity_in_an_adult(svc: SuggestionService) -> None:
    r = run(svc, "45 year old woman.\nA/P:\n1. Obesity, unspecified.\n2. BMI 32.4.")
    assert "E66.9" in finals(r) and "Z68.32" in finals(r)
    z68 = next(s for s in r.suggestions if s.code == "Z68.32")
    assert z68.evidence and z68.evidence[0].text.startswith("BMI")


def test_a_bmi_range_names_the_class_not_the_patients_bmi(svc: SuggestionService) -> None:
    r = run(svc, "45 year old woman.\nProblem list: Obesity (BMI 30-39.9); Essential hypertension (I10)")
    assert "E66.9" in finals(r) and "I10" in finals(r)
    assert "Z68.30" not in finals(r) and "Z68.39" not in finals(r)
    assert "Z68.32" in finals(run(svc, "45 year old woman.\nProblem list: Obesity (BMI 32.4)"))


def test_the_notes_bmi_value_keeps_only_its_own_range(svc: SuggestionService) -> None:
    note = "A/P: Obesity, BMI 41.2 - diet counseling."
    picks = {
        "E66.9": _pick("E66.9", "Obesity", start=5),
        "Z68.45": _pick("Z68.45", "BMI 41.2", start=note.index("BMI")),  # a neighbour the search found
    }
    add_bmi(picks, NoteContext(note), svc.catalog)
    assert picks["Z68.41"].final and not picks["Z68.45"].final


def test_bmi_not_coded_without_obesity_or_in_a_child(svc: SuggestionService) -> None:
    assert "Z68.32" not in finals(run(svc, "A/P:\n1. Essential hypertension.\n2. BMI 32.4."))
    assert "Z68.32" not in finals(run(svc, "12 year old boy.\nA/P:\n1. Obesity, unspecified.\n2. BMI 32.4."))


def test_bmi_code_from_the_z68_titles(svc: SuggestionService) -> None:
    cat = svc.catalog
    assert bmi_code(cat, 32.4) == "Z68.32"
    assert bmi_code(cat, 30.0) == "Z68.30"
    assert bmi_code(cat, 39.95) == "Z68.39"
    assert bmi_code(cat, 41.2) == "Z68.41"
    assert bmi_code(cat, 18.0) is None  # Z68.1 is not in this slice


def test_organism_with_the_infection(svc: SuggestionService) -> None:
    f = finals(run(svc, "A/P: Urinary tract infection, culture grew E. coli."))
    assert "N39.0" in f and "B96.20" in f
    assert "B96.20" not in finals(run(svc, "A/P: Urinary tract infection, culture pending."))
    note = "A/P: Urinary tract infection, culture grew E. coli."
    start = note.index("E. coli")
    picks = {
        "N39.0": _pick("N39.0", "Urinary tract infection", start=5),
        "A04.4": _pick("A04.4", "E. coli", start=start),
    }
    add_organism(picks, NoteContext(note), svc.catalog)
    assert picks["B96.20"].final and not picks["A04.4"].final  # the agent, not an intestinal infection


def test_a_sepsis_due_to_the_organism_is_a_condition_of_its_own(svc: SuggestionService) -> None:
    note = "A/P: Sepsis due to E. coli, source urinary tract infection."
    picks = {
        "N39.0": _pick("N39.0", "urinary tract infection", start=note.index("urinary")),
        "A41.51": _pick("A41.51", "Sepsis due to E. coli", start=5),
    }
    add_organism(picks, NoteContext(note), svc.catalog)
    assert picks["A41.51"].final  # sepsis and the localized infection are both coded (I.C.1.d.4)


def test_an_organism_a_test_did_not_find_is_not_the_agent(svc: SuggestionService) -> None:
    def organism(note: str) -> set[str]:
        picks = {"N39.0": _pick("N39.0", "Urinary tract infection", start=5)}
        add_organism(picks, NoteContext(note), svc.catalog)
        return {c for c, p in picks.items() if p.final} - {"N39.0"}

    assert organism("A/P: Urinary tract infection. Stool E. coli PCR negative.") == set()
    assert organism("A/P: Urinary tract infection. Negative for E. coli on the last culture.") == set()
    assert organism("A/P: Urinary tract infection. Flu neg; urine culture grew E. coli.") == {"B96.20"}


def test_long_term_drugs_documented_as_taken(svc: SuggestionService) -> None:
    note = (
        "A/P:\n1. Type 2 diabetes mellitus without complications.\n"
        "Medications: metformin 500 mg bid, insulin glargine 20 units qhs."
    )
    f = finals(run(svc, note))
    assert "Z79.84" in f and "Z79.4" in f
    stopped = "A/P:\n1. Type 2 diabetes mellitus without complications.\nMetformin was stopped last year."
    assert "Z79.84" not in finals(run(svc, stopped))
    type1 = "A/P:\n1. Type 1 diabetes mellitus without complications.\nMeds: insulin glargine 20 units."
    assert "Z79.4" not in finals(run(svc, type1))  # the type 1 code does not ask for it
    warfarin = "A/P:\n1. Unspecified atrial fibrillation.\nMedications: warfarin 5 mg daily."
    assert "Z79.01" in finals(run(svc, warfarin))
    bone = "A/P:\n1. Unspecified atrial fibrillation.\nPostmenopausal osteoporosis - cont alendronate."
    assert "Z79.83" in finals(run(svc, bone))
    completed = "A/P:\n1. Unspecified atrial fibrillation.\nCompleted 6 mo of apixaban in 2024, none since."
    assert "Z79.01" not in finals(run(svc, completed))
    denied = "A/P:\n1. Type 2 diabetes mellitus without complications, without long-term use of insulin."
    assert "Z79.4" not in finals(run(svc, denied))
    taken = "A/P:\n1. Type 2 diabetes mellitus without complications, on insulin glargine 20 units."
    assert "Z79.4" in finals(run(svc, taken))  # the comma ends the "without" before it
    taken = "A/P:\n1. Type 2 diabetes mellitus without complications on insulin glargine 20 units."
    assert "Z79.4" in finals(run(svc, taken))  # "without" denies the complications, not the drug


def test_a_drugs_own_clause_decides_and_systemic_steroids_are_long_term(svc: SuggestionService) -> None:
    af = "A/P:\n1. Unspecified atrial fibrillation.\n"
    other = af + "Continue clopidogrel 75 daily (aspirin intolerant - GI upset)."
    assert "Z79.02" in finals(run(svc, other))  # the intolerance is aspirin's
    assert "Z79.52" in finals(run(svc, af + "On hydrocortisone 15 mg AM and 5 mg PM."))
    assert "Z79.52" not in finals(run(svc, af + "Hydrocortisone 1% cream bid to the rash."))
    assert "Z79.52" not in finals(run(svc, af + "Took prednisone 60 mg x 7 days from urgent care."))
    assert "Z79.52" not in finals(run(svc, af + "Dexamethasone 10 mg PO given."))  # one dose at the visit
    assert "Z79.52" not in finals(run(svc, af + "Methylprednisolone 125 mg IV x1."))
    assert "Z79.52" in finals(run(svc, af + "On prednisone 5 mg once daily for the polymyalgia."))


def test_a_drug_the_words_before_it_deny_or_a_test_uses_is_no_long_term_therapy(
    svc: SuggestionService,
) -> None:
    dm = "A/P:\n1. Type 2 diabetes mellitus without complications.\n"
    title = (
        dm + "PMH: Type 2 diabetes mellitus without complication, without long-term current use of insulin."
    )
    assert "Z79.4" not in finals(run(svc, title))  # the EHR's title denies insulin
    assert "Z79.4" in finals(run(svc, dm + "Without complications, on insulin glargine 20 units qhs."))
    assert "Z79.84" in finals(run(svc, dm + "Type 2 diabetes without complications on metformin."))
    bone = "A/P:\n1. Unspecified atrial fibrillation.\nOsteoporosis, no fractures - cont alendronate."
    assert "Z79.83" in finals(run(svc, bone))
    af = "A/P:\n1. Unspecified atrial fibrillation.\n"
    assert "Z79.52" not in finals(run(svc, af + "1 mg dexamethasone suppression test normal."))
    assert "Z79.52" in finals(run(svc, af + "Dexamethasone 4 mg daily for the brain edema."))


def test_a_drug_decided_against_or_kept_for_if_no_relief_is_no_long_term_therapy(
    svc: SuggestionService,
) -> None:
    af = "A/P:\n1. Unspecified atrial fibrillation.\n"
    declined = af + "Metoprolol 25 mg daily, and after the bleeding risk we decided against anticoagulation."
    assert "Z79.01" not in finals(run(svc, declined))
    assert "Z79.01" in finals(run(svc, af + "Anticoagulation with apixaban 5 mg bid, continue."))
    conditional = af + "Naproxen 500 mg bid; prednisone 40 mg daily if no relief in 1 week."
    assert "Z79.52" not in finals(run(svc, conditional))
    assert "Z79.52" in finals(run(svc, af + "Naproxen gave no relief; prednisone 40 mg daily since May."))


def test_a_steroid_injected_into_a_joint_or_a_soft_tissue_is_no_long_term_steroid(
    svc: SuggestionService,
) -> None:
    oa = "A/P:\n1. Primary osteoarthritis, right knee.\n"
    injected = (
        oa + "Procedure: R knee joint injection - methylprednisolone acetate 40 mg + 1% lidocaine, no issues."
    )
    assert "Z79.52" not in finals(run(svc, injected))
    assert "Z79.52" not in finals(run(svc, oa + "Intra-articular dexamethasone 4 mg, sterile prep."))
    taken = oa + "Polymyalgia: continue methylprednisolone 4 mg daily since March."
    assert "Z79.52" in finals(run(svc, taken))


def test_mmf_is_mycophenolate() -> None:
    words = dict(DRUG_CLASSES)["Z79.624"]
    assert re.search(rf"\b(?:{words})\b", "Lupus nephritis - continue MMF 1.5 g bid.", re.IGNORECASE)
    assert not re.search(rf"\b(?:{words})\b", "mmf is a typo here", re.IGNORECASE)


def test_tobacco_history_versus_current(svc: SuggestionService) -> None:
    r = run(svc, "HPI: 45 yo M with cough.\nSH: He quit smoking 10 years ago.\nA/P: cough.")
    assert "Z87.891" in finals(r) and not any(c.startswith("F17") for c in listed(r))
    r = run(svc, "HPI: 45 yo M with cough.\nSH: Smokes 1 pack of cigarettes per day.\nA/P: cough.")
    assert "F17.210" in finals(r) and "Z87.891" not in finals(r)
    r = run(svc, "HPI: cough.\nSH: Smokes 1 ppd.\nA/P: cough.")  # no tobacco candidate: read from the note
    assert "F17.210" in finals(r)
    r = run(svc, "HPI: cough.\nSH: He does not smoke and drinks 2 beers on weekends.\nA/P: cough.")
    assert not any(c.startswith("F17") for c in listed(r))  # a denial in the patient's own words
    r = run(svc, "HPI: cough.\nSH: He smokes and drinks 2 beers on weekends.\nA/P: cough.")
    assert "F17.210" in finals(r)
    r = run(svc, "HPI: cough.\nSH: Mother smokes at home.\nA/P: cough.")
    assert not any(c.startswith("F17") for c in finals(r))


def test_tobacco_status_is_read_in_its_own_clause(svc: SuggestionService) -> None:
    """An arrow starts the plan, a run-on's next subject another clause: their words are not the smoker's."""
    r = run(
        svc,
        "SH: Ex-smoker 30 pk-yr, quit 2012 -> AAA US ordered (never had one).\nA/P: Essential hypertension.",
    )
    assert "Z87.891" in finals(r)
    note = (
        "HPI: 29 yo M seen for a med check he denies SI his cannabis use disorder is in sustained "
        "remission he smokes a pack of cigarettes a day and is not ready to quit his mother has bipolar "
        "disorder\n"
        "A/P: Essential hypertension."
    )
    r = run(svc, note)
    assert "F17.210" in finals(r) and "F17.211" not in listed(r)
    r = run(svc, "SH: Tobacco: never, his wife smokes outside.\nA/P: Essential hypertension.")
    assert not any(c.startswith("F17") or c == "Z87.891" for c in finals(r))
    assert status_clause("quit 2012 -> never had one", 0, 4) == "quit 2012 "


def test_tobacco_code_by_status_and_product() -> None:
    assert tobacco_code("He quit smoking 10 years ago") == "Z87.891"
    assert tobacco_code("former smoker") == "Z87.891"
    assert tobacco_code("smokes 1 ppd, wants to quit") == "F17.210"
    assert tobacco_code("nicotine dependence, cigarettes, in remission") == "F17.211"
    assert tobacco_code("chews tobacco daily") == "F17.220"


def test_smoking_another_substance_is_not_tobacco(svc: SuggestionService) -> None:
    r = run(svc, "HPI: 19 yo M, smokes marijuana every evening.\nA/P: cannabis use.")
    assert not any(c.startswith("F17") or c == "Z87.891" for c in finals(r))
    r = run(svc, "HPI: 19 yo M, smokes cigarettes and marijuana daily.\nA/P: cannabis use.")
    assert "F17.210" in finals(r)  # a tobacco product named beside it: tobacco too
    assert not_tobacco("smoking crack on weekends") and not not_tobacco("smokes 1 ppd, some weed")


def test_never_smoker_has_no_tobacco_code(svc: SuggestionService) -> None:
    r = run(svc, "HPI: 45 yo M with cough.\nSH: Never smoker.\nA/P: cough.")
    assert not any(c.startswith("F17") or c == "Z87.891" for c in finals(r))


def test_weeks_of_gestation_with_a_pregnancy_code(svc: SuggestionService) -> None:
    note = "G2P1 at 28 weeks gestation.\nA/P: Gestational diabetes mellitus in pregnancy, diet controlled."
    f = finals(run(svc, note))
    assert "O24.410" in f and "Z3A.28" in f
    assert "Z3A.28" not in finals(run(svc, "Walked 28 weeks ago.\nA/P: Essential hypertension."))
    assert (weeks_code(5), weeks_code(28), weeks_code(44)) == ("Z3A.01", "Z3A.28", "Z3A.49")


def test_device_status_from_before(svc: SuggestionService) -> None:
    f = finals(run(svc, "PMH: s/p CABG in 2015. History of left TKA.\nA/P: Essential hypertension."))
    assert "Z95.1" in f and "Z96.652" in f and "Z96.651" not in f
    f = finals(run(svc, "Scheduled for left TKA next month.\nA/P: Essential hypertension."))
    assert not any(c.startswith("Z96") for c in f)


def test_ckd_stage_documented_in_the_note(svc: SuggestionService) -> None:
    note = "A/P: Type 2 diabetes with diabetic chronic kidney disease, stage 3b."
    picks = {"E11.22": _pick("E11.22", "Type 2 diabetes"), "N18.9": _pick("N18.9", "chronic kidney disease")}
    add_partners(picks, NoteContext(note), svc.catalog)
    assert "N18.32" in picks and "N18.9" not in picks
    picks = {"N18.9": _pick("N18.9", "chronic kidney disease")}
    add_partners(picks, NoteContext("A/P: chronic kidney disease, followed by nephrology."), svc.catalog)
    assert set(picks) == {"N18.9"}
    # A stage the note states stays coded when another (an earlier ESRD) is stated first.
    note = "Kidney transplant 2022 for ESRD.\nA/P: chronic kidney disease stage 3a of the graft."
    picks = {"N18.31": _pick("N18.31", "chronic kidney disease stage 3a")}
    add_partners(picks, NoteContext(note), svc.catalog)
    assert set(picks) == {"N18.31"}


def test_weeks_written_the_clinic_way(svc: SuggestionService) -> None:
    note = "G1P0 at 28w3d.\nA/P: Gestational diabetes mellitus in pregnancy, diet controlled."
    assert "Z3A.28" in finals(run(svc, note))
    # weeks beside a fetal finding are the gestational age; a span of time is not
    note = (
        "A/P: Gestational diabetes mellitus in pregnancy, diet controlled, glucose log reviewed today. "
        "28 weeks. Fetal growth normal."
    )
    assert "Z3A.28" in finals(run(svc, note))
    note = "A/P: Gestational diabetes mellitus in pregnancy, diet controlled. Fetal movement less x 28 weeks."
    assert not any(c.startswith("Z3A") for c in finals(run(svc, note)))


def test_short_steroid_course_is_not_long_term(svc: SuggestionService) -> None:
    note = "A/P:\n1. Unspecified asthma, uncomplicated.\nPrednisone 40 mg x 5 d."
    assert not any(c.startswith("Z79") for c in finals(run(svc, note)))


# ----------------------------------------------------------------- encounters
def test_adult_exam_with_and_without_findings(svc: SuggestionService) -> None:
    r = run(svc, "Annual physical exam. 45 year old man.\nA/P: Healthy adult, no concerns.")
    assert finals(r)[0] == "Z00.00"
    r = run(svc, "Annual physical exam. 45 year old man.\nA/P: Essential hypertension.")
    assert finals(r)[0] == "Z00.01" and "I10" in finals(r)


def test_a_known_condition_carried_into_the_exam_is_no_abnormal_finding(svc: SuggestionService) -> None:
    """I.C.21.c.13: a chronic condition stable on its treatment is an added code of an exam without abnormal
    findings; a new or uncontrolled one is the exam's abnormal finding."""
    exam = "Annual physical exam. 45 year old man.\nA/P: "
    f = finals(run(svc, exam + "Essential hypertension - well controlled, continue lisinopril."))
    assert f[0] == "Z00.00" and "I10" in f
    assert finals(run(svc, exam + "Essential hypertension, new - start lisinopril."))[0] == "Z00.01"
    uncontrolled = "Essential hypertension, not well controlled on lisinopril."
    assert finals(run(svc, exam + uncontrolled))[0] == "Z00.01"


def test_the_exam_of_one_organ_is_no_general_examination(svc: SuggestionService) -> None:
    note = "Endocrine f/u.\nRetinal exam last month: no retinopathy.\nA/P: Type 1 diabetes, well controlled."
    picks = {"Z00.00": _pick("Z00.00", "Retinal exam last month: no retinopathy", start=15)}
    general_exam(picks, NoteContext(note), svc.catalog)
    assert not any(p.final for c, p in picks.items() if c.startswith("Z00"))
    note = "Annual physical exam. 45 year old man.\nA/P: Healthy adult."
    picks = {"Z00.00": _pick("Z00.00", "Annual physical exam")}
    general_exam(picks, NoteContext(note), svc.catalog)
    assert picks["Z00.00"].final


@pytest.mark.parametrize(
    ("line", "coded"),
    [
        ("Assessment: 2-year well child visit. Normal growth and development.", True),
        ("Assessment: 4-month-old well baby check, thriving.", True),
        ("Assessment: 2-year follow-up of asthma, well controlled.", False),  # "well" is the asthma's course
    ],
)
def test_a_well_child_visit_named_by_the_age_is_the_general_exam(
    svc: SuggestionService, line: str, coded: bool
) -> None:
    picks: dict[str, Pick] = {}
    general_exam(picks, NoteContext(line, age=2), svc.catalog)
    assert ("Z00.129" in picks) is coded


def test_a_phrase_naming_its_own_kind_of_examination_is_no_general_examination(
    svc: SuggestionService,
) -> None:
    text = "Examination required for a sports license"
    picks = {"Z00.00": _pick("Z00.00", text, final=False)}
    general_exam(picks, NoteContext(text, phrase=True), svc.catalog)
    assert not picks["Z00.00"].final  # the phrase's order stands
    picks = {"Z00.00": _pick("Z00.00", text, final=False)}
    general_exam(picks, NoteContext(text), svc.catalog)
    assert picks["Z00.00"].final  # a note's exam mention: the general examination is listed first
    text = "Annual physical examination"
    picks = {"Z00.00": _pick("Z00.00", text, final=False)}
    general_exam(picks, NoteContext(text, phrase=True), svc.catalog)
    assert picks["Z00.00"].final


def test_exam_findings_as_the_note_states_them(svc: SuggestionService) -> None:
    note = "4 year old well child check.\nA/P: Routine child health exam without abnormal findings. Cough."
    f = finals(run(svc, note))
    assert "Z00.129" in f and "Z00.121" not in f
    assert "Z00.00" not in finals(run(svc, "71M, annual med check.\nA/P: Essential hypertension."))


def test_child_exam_by_age(svc: SuggestionService) -> None:
    r = run(svc, "4 year old girl here for well child check.\nA/P: growing well.")
    assert "Z00.129" in finals(r) and not {"Z00.00", "Z00.01"} & set(finals(r))


def test_no_exam_code_for_an_ordinary_visit(svc: SuggestionService) -> None:
    r = run(svc, "Established patient.\nA/P: Essential hypertension.")
    assert not any(c.startswith("Z00") for c in finals(r))


def test_immunization_only_when_given(svc: SuggestionService) -> None:
    assert "Z23" in finals(run(svc, "A/P: Cough.\nInfluenza vaccine administered today."))
    assert "Z23" not in finals(run(svc, "A/P: Cough.\nPatient declined the influenza vaccine."))
    assert "Z23" in finals(run(svc, "A/P: Cough.\n2) Tdap today."))
    assert "Z23" in finals(run(svc, "A/P: Cough.\nHep B nonimmune -> Engerix-B #1 given."))
    assert "Z23" not in finals(run(svc, "A/P: Cough.\nTdap next visit."))


def test_cancer_surveillance_adds_z08(svc: SuggestionService) -> None:
    note = (
        "A/P: Personal history of malignant neoplasm of breast. Surveillance visit, no evidence of recurrence"
    )
    f = finals(run(svc, note))
    assert "Z08" in f and "Z85.3" in f and f.index("Z08") < f.index("Z85.3")
    assert "Z08" not in finals(run(svc, "A/P: Personal history of malignant neoplasm of breast.\nCough."))


def test_screening_and_counseling_visits(svc: SuggestionService) -> None:
    assert "Z12.11" in finals(run(svc, "Here for screening colonoscopy, average risk.\nA/P: no symptoms."))
    assert "Z12.31" not in finals(run(svc, "Annual physical exam.\nA/P: Screening mammogram ordered."))
    assert "Z12.11" not in finals(run(svc, "A/P: Cough.\nColonoscopy last year was normal."))
    assert "Z71.3" in finals(run(svc, "Visit for dietary counseling.\nA/P: Obesity, unspecified."))
    assert "Z71.3" not in finals(run(svc, "A/P: Obesity, unspecified.\nDiet discussed."))
    travel = "Pre-travel consult, Kenya.\nCounseled on insect precautions.\nA/P: Obesity, unspecified."
    assert "Z71.84" in finals(run(svc, travel))
    back = "Back from travel to Mexico, diarrhea x 3 d.\nCounseled on hydration.\nA/P: Obesity, unspecified."
    assert "Z71.84" not in finals(run(svc, back))


# ----------------------------------------------------------------- HCPCS gate
@pytest.mark.parametrize(
    "text",
    [
        "Blood pressure",
        "Established patient",
        "A/P: Essential hypertension, well controlled on lisinopril. Blood pressure at goal.",
        "A/P: Vitamin B12 deficiency; will consider cyanocobalamin injection next visit.",
    ],
)
def test_no_hcpcs_from_a_diagnosis_or_administrative_phrase(svc: SuggestionService, text: str) -> None:
    r = run(svc, text)
    assert not [s.code for s in r.suggestions if s.system == "HCPCS"]


def test_hcpcs_for_a_service_documented_as_given(svc: SuggestionService) -> None:
    r = run(svc, "A/P: Cough.\nInfluenza vaccine administered today.")
    assert "G0008" in listed(r)
    r = run(svc, "Vitamin b-12 cyanocobalamin injection given today, 1000 mcg.")
    assert "J3420" in listed(r)


def test_a_drug_given_in_the_office_is_its_j_code_with_the_units(svc: SuggestionService) -> None:
    r = run(svc, "A/P: B12 deficiency, pernicious anemia.\nP: B12 1000 mcg IM given today, then monthly.")
    j3420 = next(s for s in r.suggestions if s.code == "J3420")
    assert j3420.confidence in ("high", "medium") and "1 unit" in j3420.reasons[0]
    assert [e.text for e in j3420.evidence] == ["B12"]
    ed = run(svc, "ED visit. Pernicious anemia.\nP: B12 1000 mcg IM given today.")
    assert "J3420" not in finals(ed)  # the hospital reports the drugs of its ED


def test_the_visit_a_note_is_written_for_is_its_service_with_the_ordinal_it_says() -> None:
    catalog = CodeCatalog(
        {
            "codes": {
                "G0438": [
                    "HCPCS",
                    "Annual wellness visit, includes a personalized prevention plan, initial visit",
                ],
                "G0439": [
                    "HCPCS",
                    "Annual wellness visit, includes a personalized prevention plan, subsequent visit",
                ],
            },
            "refs": {},
        }
    )

    def final(note: str, at: int) -> list[str]:
        m = Mention(start=at, end=at + 3, text="AWV", query="annual wellness visit", sentence_end=len(note))
        picks = {c: Pick(c, 0.7, True, [m], heads=[m]) for c in ("G0438", "G0439")}
        gate(picks, NoteContext(note=note), catalog)
        return sorted(picks)

    assert final("Medicare AWV, subsequent (last AWV 11/2025).\nA/P: HTN.", 9) == ["G0439"]
    assert final("AWV, initial (first since Medicare enrollment).\nA/P: HTN.", 0) == ["G0438"]
    assert final("Cough x 3 d.\nAWV due next month.", 13) == []  # a visit named later is no service
    # "initial visit" for another problem names no wellness visit
    note = "Lumbar strain, initial visit - NSAIDs.\nRTC 2 wk."
    m = Mention(start=15, end=28, text="initial visit", query="initial visit", sentence_end=36)
    picks = {c: Pick(c, 0.7, True, [m], heads=[m]) for c in ("G0438", "G0439")}
    gate(picks, NoteContext(note=note), catalog)
    assert picks == {}

    # ranked low, the visit of the ordinal the first line says is still the service this note bills
    note = "Medicare annual wellness visit, subsequent.\nA/P: HTN."
    m = Mention(start=0, end=40, text=note[:40], query=note[:40], sentence_end=44)
    picks = {c: Pick(c, 0.09, False, [m], heads=[m]) for c in ("G0438", "G0439")}
    gate(picks, NoteContext(note=note), catalog)
    assert [c for c, p in picks.items() if p.final] == ["G0439"]


def test_quality_data_codes_never_from_a_note() -> None:
    assert QUALITY_DATA.match("G8929") and QUALITY_DATA.match("G9434") and not QUALITY_DATA.match("G0008")


def test_documents_service() -> None:
    assert documents_service("Influenza vaccine administered today")
    assert documents_service("B12 injection given")
    assert not documents_service("Blood pressure at goal")
    assert not documents_service("given his history of CKD, continue lisinopril")


def test_the_rules_read_the_age_the_engine_resolved() -> None:
    def age(text: str, **kw: object) -> int | None:
        return context_for(SuggestRequest(text=text, **kw)).age  # type: ignore[arg-type]

    assert age("58 y/o male with cough") == 58
    assert age("A 4-year-old girl") == 4
    assert age("9 month old boy, 3 years of symptoms") == 0
    assert age("Cough for 3 days") is None
    assert age("58 y/o male with cough", patient=Patient(age_years=61)) == 61  # the request's patient wins


# ----------------------------------------------------------------- module structure
def test_rule_modules_import_at_module_top() -> None:
    """No function-level imports of project modules inside the engine's rule modules (no hidden cycles)."""
    root = Path(__file__).resolve().parents[2] / "assistant" / "suggest"
    files = [
        root / "consolidate.py",
        root / "rules.py",
        root / "types.py",
        *sorted((root / "coding_rules").glob("*.py")),
    ]
    for path in files:
        tree = ast.parse(path.read_text())
        for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)):
            for node in ast.walk(fn):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("assistant"):
                    pytest.fail(f"{path.name}: {fn.name} imports {node.module} inside the function")


# ----------------------------------------------------------------- integral symptoms
def test_symptom_integral_to_the_diagnosis_is_not_coded(svc: SuggestionService) -> None:
    r = run(svc, "A/P:\n1. Urinary tract infection.\n2. Dysuria.\n3. Cough.")
    assert "N39.0" in finals(r) and "R30.0" not in finals(r) and "R05.9" in finals(r)
    r30 = next(s for s in r.suggestions if s.code == "R30.0")
    assert any("I.B.5" in w for w in r30.warnings)
    r = run(svc, "A/P:\n1. Essential hypertension.\n2. Chest pain.")
    assert "I10" in finals(r) and "R07.9" in finals(r)  # not routinely part of hypertension (I.B.6)


# ----------------------------------------------------------------- injuries
def test_seventh_character_from_the_encounter(svc: SuggestionService) -> None:
    initial = "HPI: fell today.\nA/P: Fracture of lower end of right radius. Follow up in 2 weeks with ortho."
    assert "S52.501A" in finals(run(svc, initial))  # "follow up in 2 weeks" is a plan, not the encounter
    later = (
        "HPI: Here for follow-up of the fracture, healing well, cast removed.\n"
        "A/P: Fracture of lower end of right radius."
    )
    f = finals(run(svc, later))
    assert "S52.501D" in f and "S52.501A" not in f
    assert encounter_character("Sequela of an old fracture of the radius") == "S"


def _injury_picks(svc: SuggestionService, note: str) -> dict[str, Pick]:
    m = Mention(0, 8, note[:8], note[:8], "assessment", 0, len(note))
    return {"S52.501A": Pick("S52.501A", 0.8, True, [m])}


def test_external_causes_take_the_encounter_character(svc: SuggestionService) -> None:
    asked: list[tuple[str, tuple[str, ...]]] = []

    def search(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
        asked.append((text, prefixes))
        best = {"W": "W11.XXXS", "Y92": "Y92.009", "Y93": "Y93.67"}
        return [(best[p], 0.7) for p in prefixes if p in best][:1]

    note = "Fell from a ladder at home while playing basketball today.\nA/P: fracture of right radius."
    picks = _injury_picks(svc, note)
    injury_rules(picks, NoteContext(note, 40, search=search), svc.catalog)
    assert {"S52.501A", "W11.XXXA", "Y92.009", "Y93.67", "Y99.8"} <= {c for c, p in picks.items() if p.final}
    assert asked[0][1][0] == "W" and "ladder" in asked[0][0]  # no vehicle: falls and other accidents

    later = (
        "Here for follow-up, healing well. Fell from a ladder at home last month.\nA/P: fracture of radius."
    )
    picks = {"S52.501A": Pick("S52.501A", 0.8, True, [Mention(0, 8, later[:8], later[:8])])}
    injury_rules(picks, NoteContext(later, 40, search=search), svc.catalog)
    assert "S52.501D" in picks and "W11.XXXD" in picks
    assert not any(c.startswith(("Y92", "Y93", "Y99")) for c in picks)  # place/activity: initial only


def test_cutting_food_is_food_preparation_with_the_kitchen_knife(svc: SuggestionService) -> None:
    asked: list[tuple[str, tuple[str, ...]]] = []

    def search(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
        asked.append((text, prefixes))
        if prefixes[0] == "W" and "knife" in text:
            return [("W26.0XXA", 0.7)]
        if prefixes == ("Y93",) and text == "Activity, food preparation and clean up":
            return [("Y93.G1", 0.7)]
        return []

    note = "Cut his finger while chopping onions at home.\nA/P: fracture of right radius."
    picks = _injury_picks(svc, note)
    injury_rules(picks, NoteContext(note, 40, search=search), svc.catalog)
    assert {"W26.0XXA", "Y93.G1"} <= {c for c, p in picks.items() if p.final}
    asked.clear()
    note = "Cut his finger on a broken glass while washing dishes.\nA/P: fracture of right radius."
    injury_rules(_injury_picks(svc, note), NoteContext(note, 40, search=search), svc.catalog)
    assert not any("knife" in text for text, _ in asked)  # the tool the note names, not a knife


def test_a_cut_on_a_named_knife_asks_for_the_knife_not_the_story(svc: SuggestionService) -> None:
    asked: list[str] = []

    def search(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
        asked.append(text)
        if text == "contact with knife":
            return [("W26.0XXA", 0.7)]
        return [("W27.5XXA", 0.8)]  # the story's "cutter" reads as a paper-cutter

    note = "Cut his left hand on a box cutter at work.\nA/P: fracture of right radius."
    picks = _injury_picks(svc, note)
    injury_rules(picks, NoteContext(note, 40, search=search), svc.catalog)
    assert "W26.0XXA" in picks and "W27.5XXA" not in picks
    asked.clear()
    note = "Cut his left hand on sheet metal at work.\nA/P: fracture of right radius."
    injury_rules(_injury_picks(svc, note), NoteContext(note, 40, search=search), svc.catalog)
    assert "contact with knife" not in asked  # no knife named: the story is asked


def test_a_fight_is_an_assault(svc: SuggestionService) -> None:
    asked: list[tuple[str, ...]] = []

    def search(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
        asked.append(prefixes)
        return []

    note = "Hit with a bottle in a bar fight last night.\nA/P: fracture of right radius."
    injury_rules(_injury_picks(svc, note), NoteContext(note, 30, search=search), svc.catalog)
    assert asked and asked[0][0].startswith("X9")  # the assault codes (X92-Y09), not the accidents


def test_a_denied_mechanism_is_no_external_cause(svc: SuggestionService) -> None:
    def search(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
        return [("W11.XXXA", 0.7)] if prefixes[0] == "W" else []

    note = "Not using R arm since dad swung him up by the hands. No fall.\nA/P: fracture of right radius."
    picks = _injury_picks(svc, note)
    injury_rules(picks, NoteContext(note, 2, search=search), svc.catalog)
    assert not any(c.startswith("W") for c in picks)
    note = "Tripped, no LOC. Fell onto the outstretched hand.\nA/P: fracture of right radius."
    picks = _injury_picks(svc, note)
    injury_rules(picks, NoteContext(note, 40, search=search), svc.catalog)
    assert any(c.startswith("W") for c in picks)
    assert states_mechanism("Slipped on ice, no head strike") and not states_mechanism("No fall, no trauma")
    assert states_mechanism("Seen after slipping on ice in the driveway, landed on her wrist")
    assert states_mechanism("Laceration of the hand from broken glass while washing dishes")
    assert not states_mechanism("Denies slipping, no trauma")
    assert fall_code("after slipping on ice in his driveway") == "W00.0XXA"


def test_external_cause_codes_need_an_injury_and_the_initial_encounter(svc: SuggestionService) -> None:
    picks = {"I10": _pick("I10", "hypertension"), "Y93.67": _pick("Y93.67", "playing basketball")}
    injury_rules(picks, NoteContext("Plays basketball.\nA/P: hypertension.", 40), svc.catalog)
    assert not picks["Y93.67"].final and picks["I10"].final
    note = "Here for follow-up, healing well.\nA/P: fracture of right radius."
    picks = {"S52.501D": _pick("S52.501D", "fracture"), "Y93.67": _pick("Y93.67", "basketball")}
    injury_rules(picks, NoteContext(note, 40), svc.catalog)
    assert picks["S52.501D"].final and not picks["Y93.67"].final


def test_an_injury_code_needs_an_injury_in_the_note(svc: SuggestionService) -> None:
    note = "A/P:\n1. Right rotator cuff tendinitis - PT referral."
    picks = {"S43.421A": _pick("S43.421A", "rotator cuff tendinitis")}
    injury_rules(picks, NoteContext(note, 40), svc.catalog)
    assert not picks["S43.421A"].final and "no injury" in picks["S43.421A"].warnings[0]
    note = "Lifting boxes at work yesterday.\nA/P:\n1. Right rotator cuff sprain."
    picks = {"S43.421A": _pick("S43.421A", "rotator cuff sprain")}
    injury_rules(picks, NoteContext(note, 40), svc.catalog)
    assert picks["S43.421A"].final


def test_no_external_cause_without_an_injury_or_a_weak_match(svc: SuggestionService) -> None:
    def weak(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
        return [("W11.XXXA", 0.2)]

    note = "Fell from a ladder.\nA/P: fracture of right radius."
    picks = _injury_picks(svc, note)
    injury_rules(picks, NoteContext(note, 40, search=weak), svc.catalog)
    assert set(picks) == {"S52.501A"}
    picks = {"I10": Pick("I10", 0.8, True, [Mention(0, 4, "Fell", "Fell")])}
    injury_rules(picks, NoteContext(note, 40, search=lambda t, p: [("W11.XXXA", 0.9)]), svc.catalog)
    assert set(picks) == {"I10"}


# ----------------------------------------------------------------- through the CLI
def test_cli_shows_the_combination_and_no_hcpcs_noise(
    svc: SuggestionService, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.suggest.cli as cli

    monkeypatch.setattr(cli, "_service", lambda: svc)
    note = "A/P:\n1. Essential hypertension.\n2. Chronic systolic heart failure.\n3. CKD stage 4.\n"
    note += "Blood pressure at goal."
    result = CliRunner().invoke(app, ["suggest", "-", "--json"], input=note)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    final = {s["code"]: s for s in doc["suggestions"] if s["confidence"] in ("high", "medium")}
    assert {"I13.0", "I50.22", "N18.4"} <= set(final) and "I10" not in final
    assert any("I.C.9.a" in reason for reason in final["I13.0"]["reasons"])
    assert not [s for s in doc["suggestions"] if s["system"] == "HCPCS"]


def test_integral_symptom_table_reaches_past_a_first_unmatched_row() -> None:
    assert integral_to("M25.511", ["M75.111"]) == "M75.111"  # the "S" row matches the prefix first
    assert integral_to("M25.561", ["M1A.0720"]) is None  # knee pain beside gout of the ankle stays
    assert integral_to("R00.0", ["E05.00"]) == "E05.00"
    assert integral_to("M79.10", ["J10.1"]) == "J10.1"


def test_osteophytes_belong_to_the_osteoarthritis_of_their_joint() -> None:
    assert integral_to("M25.752", ["M16.12"]) == "M16.12"
    assert integral_to("M25.761", ["M17.11"]) == "M17.11"
    assert integral_to("M25.752", ["M17.11"]) is None  # a hip spur beside knee osteoarthritis stays
    assert integral_to("R11.0", ["O21.1"]) == "O21.1"
    assert integral_to("R45.84", ["F53.0"]) == "F53.0"
    assert integral_to("M54.50", ["S39.012A"]) == "S39.012A"
    assert integral_to("M54.50", ["S52.531D"]) is None
    assert integral_to("H92.03", ["H66.006"]) == "H66.006"  # ear pain of acute otitis media
    assert integral_to("H92.01", ["H60.331"]) == "H60.331"
    assert integral_to("H92.09", ["H61.21"]) is None  # beside impacted cerumen the pain stays
    assert integral_to("H92.01", ["A38.0"]) == "A38.0"  # scarlet fever with otitis media
    assert integral_to("R19.7", ["K58.0"]) == "K58.0"  # IBS with diarrhea
    assert integral_to("R19.7", ["K58.1"]) is None  # ... not IBS with constipation


def test_sepsis_and_pneumonia_need_the_providers_word() -> None:
    culture = "Wound cx: Streptococcus pyogenes (group A). Urine cx grew Klebsiella pneumoniae."
    assert named_in_note("A40.0", culture) == "sepsis"
    assert named_in_note("J15.0", culture) == "pneumonia"
    assert named_in_note("A41.59", "Sepsis due to Klebsiella pyelonephritis.") is None
    assert named_in_note("J18.9", "RLL CAP, start ceftriaxone.") is None
    assert named_in_note("N39.0", culture) is None


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("slipped on ice on the sidewalk walking to the bus", "W00.0XXA"),
        ("fell on the icy driveway", "W00.0XXA"),
        ("slipped on the wet floor of her bathroom", "W01.0XXA"),
        ("slipped on the wet floor, no head strike", "W01.0XXA"),
        ("tripped over the rug", "W01.0XXA"),
        ("fell at home tripping over a rug", "W01.0XXA"),
        ("slipping on a wet floor", "W01.0XXA"),
        ("tripping down the stairs", None),
        ("slipped and hit her head on the counter", None),
        ("tripped and fell down the stairs", None),
        ("fell off a ladder", None),
        # a fall told no further is the Index's plain "Fall, falling (accidental)"
        ("right ankle sprain from a fall at work", "W19.XXXA"),
        ("fell at work yesterday", "W19.XXXA"),
        ("fell onto her outstretched hand", None),
        ("collided with another player and twisted L knee, felt a pop, no fall", None),
    ],
)
def test_same_level_fall_mechanisms(sentence: str, code: str | None) -> None:
    assert fall_code(sentence) == code


def test_a_follow_up_of_the_injury_is_the_subsequent_encounter() -> None:
    assert encounter_character("Here for f/u of laceration of left hand, sutures in place.") == "D"
    assert encounter_character("A: recheck of right ankle sprain, improving.") == "D"
    assert encounter_character("A: right ankle sprain. F/u in 2 weeks, ice and elevation.") == "A"
    assert encounter_character("A: tear of the lateral meniscus. Plan: brace, recheck 1 wk.") == "A"
    assert encounter_character("Wound recheck: the laceration is healing.") == "D"


def test_aftercare_for_a_healing_fracture_is_the_subsequent_encounter() -> None:
    # the Tabular's note at Z47: aftercare of a healing fracture is the fracture code, 7th character D
    assert encounter_character("Visit: aftercare for a healing fracture of the left ulna") == "D"
    assert encounter_character("Aftercare for healing stress fracture of the foot") == "D"
    assert encounter_character("Aftercare after gallbladder surgery, incision clean") == "A"
    assert encounter_character("Fracture of the left ulna, in cast") == "A"


def test_an_injury_of_an_unspecified_region_is_not_coded_beside_the_sited_one() -> None:
    picks = {"T14.90XD": _pick("T14.90XD", "Work injury"), "S61.412D": _pick("S61.412D", "laceration")}
    unspecified_region(picks)
    assert picks["S61.412D"].final and not picks["T14.90XD"].final
    # alone it stays; a suicide attempt (T14.91) is no region
    picks = {"T14.90XA": _pick("T14.90XA", "injury")}
    unspecified_region(picks)
    assert picks["T14.90XA"].final
    picks = {"T14.91XA": _pick("T14.91XA", "suicide attempt"), "S61.412A": _pick("S61.412A", "laceration")}
    unspecified_region(picks)
    assert picks["T14.91XA"].final
    # the region's "unspecified injury" beside that region's named injury; another region's stays
    picks = {"S09.90XA": _pick("S09.90XA", "minor head injury"), "S01.81XA": _pick("S01.81XA", "laceration")}
    unspecified_region(picks)
    assert picks["S01.81XA"].final and not picks["S09.90XA"].final
    picks = {"S69.91XA": _pick("S69.91XA", "R hand injury"), "S01.81XA": _pick("S01.81XA", "laceration")}
    unspecified_region(picks)
    assert picks["S69.91XA"].final and picks["S01.81XA"].final


def test_a_code_first_note_never_brings_a_condition_the_note_does_not_name(svc: SuggestionService) -> None:
    def pair(note: str) -> bool:
        picks = {
            "N18.4": _pick("N18.4", "CKD stage 4"),
            "E11.22": _pick("E11.22", "CKD stage 4", final=False),
        }
        svc._pair_rules(picks, note)  # N18: "code first ... diabetic chronic kidney disease (E11.22)"
        return picks["E11.22"].final

    assert not pair("A/P: Hypertension with CKD stage 4, albuminuria.")
    assert pair("A/P: Type 2 diabetes with CKD stage 4.")


def test_family_documented_reads_the_family_words() -> None:
    assert not family_documented("E11.22", "A/P: HTN with CKD stage 2, albuminuria.")
    assert family_documented("E11.22", "A/P: DM2 with CKD stage 2.")
    assert not family_documented("I12.9", "A/P: CKD stage 4.")
    assert family_documented("N18.4", "A/P: CKD stage 4.")  # no family: nothing to document


def test_a_postprocedural_infection_needs_a_procedure_in_the_note() -> None:
    assert named_in_note("T81.44XA", "Admitting dx: sepsis. Blood cultures grew S. pneumoniae.") is not None
    assert named_in_note("T81.44XA", "Sepsis from a surgical site infection after the colectomy.") is None


def test_one_diabetic_complication_per_subcategory_beside_its_combination() -> None:
    from assistant.suggest.coding_rules.combination import FAMILIES, one_per_subcategory

    picks = {
        "E11.22": _pick("E11.22", "Diabetic nephropathy"),
        "E11.21": _pick("E11.21", "Diabetic nephropathy"),
        "E11.42": _pick("E11.42", "diabetic polyneuropathy"),
    }
    picks["E11.22"].notes["combination"] = ["E11.9 + N18.4 -> E11.22"]
    one_per_subcategory(picks, FAMILIES[0])
    assert set(picks) == {"E11.22", "E11.42"}


def test_hyperglycemia_beside_a_diabetic_arthropathy_is_a_second_complication() -> None:
    """E11.6 holds several complications (I.C.4.a: as many codes as needed): E11.65 taken with
    "hyperglycemia" does not say the Charcot joint (E11.610) again; E11.618 beside E11.610 (both E11.61)
    would."""
    from assistant.suggest.coding_rules.combination import FAMILIES, one_per_subcategory

    picks = {
        "E11.65": _pick("E11.65", "type 2 diabetes, hyperglycemia above goal"),
        "E11.610": _pick("E11.610", "diabetic Charcot arthropathy left foot"),
    }
    picks["E11.65"].notes["combination"] = ["E11.610 + R73.9 -> E11.65"]
    one_per_subcategory(picks, FAMILIES[0])
    assert set(picks) == {"E11.65", "E11.610"}
    picks = {
        "E11.610": _pick("E11.610", "Charcot joint"),
        "E11.618": _pick("E11.618", "diabetic arthropathy"),
    }
    picks["E11.610"].notes["combination"] = ["E11.9 + M14.672 -> E11.610"]
    one_per_subcategory(picks, FAMILIES[0])
    assert set(picks) == {"E11.610"}


def test_a_slash_between_two_conditions_makes_two_mentions() -> None:
    from assistant.suggest.reader import read_note

    texts = [m.text for m in read_note("A/P: Chronic HFrEF / ischemic cardiomyopathy.")]
    assert texts == ["Chronic HFrEF", "ischemic cardiomyopathy"]


def test_stridor_and_hoarseness_are_part_of_croup() -> None:
    assert integral_to("R06.1", ["J05.0", "B37.2"]) == "J05.0"
    assert integral_to("R49.0", ["J04.0"]) == "J04.0"
    assert integral_to("R06.1", ["J45.40"]) is None


def test_erythema_is_part_of_the_inflamed_parts_diagnosis() -> None:
    assert integral_to("L53.9", ["H66.001"]) == "H66.001"  # an erythematous ear drum in otitis media
    assert integral_to("L53.9", ["L03.116", "E11.9"]) == "L03.116"
    assert integral_to("L53.9", ["E11.9", "I10"]) is None  # erythema with no inflamed part coded stays


def test_hypertension_named_with_its_partner_in_one_mention_takes_the_combination(
    svc: SuggestionService,
) -> None:
    """ "HTN with CKD stage 4": retrieval put N18.4 first; the mention names hypertension too (I.C.9.a.2)."""
    picks = {"N18.4": _pick("N18.4", "hypertension with CKD stage 4")}
    combine(picks, NoteContext("A/P: HTN with CKD stage 4."), svc.catalog)
    assert picks["I12.9"].final and picks["N18.4"].final and "I10" not in picks
    picks = {"N18.4": _pick("N18.4", "CKD stage 4 from pulmonary hypertension")}
    combine(picks, NoteContext("A/P: CKD stage 4 from pulmonary hypertension."), svc.catalog)
    assert set(picks) == {"N18.4"}  # pulmonary hypertension is another disease
    picks = {"N18.4": _pick("N18.4", "CKD stage 4")}
    combine(picks, NoteContext("A/P: CKD stage 4."), svc.catalog)
    assert set(picks) == {"N18.4"}


def test_a_use_additional_note_is_met_by_the_partner_already_coded(svc: SuggestionService) -> None:
    note = "ESRD on hemodialysis; anemia of CKD on darbepoetin."
    picks = {
        "D63.1": _pick("D63.1", "anemia of CKD", start=note.index("anemia")),
        "N18.6": _pick("N18.6", "ESRD"),
        "N18.9": _pick("N18.9", "anemia of CKD", final=False, start=note.index("anemia")),
    }
    picks["N18.6"].score, picks["N18.9"].score = 0.2, 0.6
    svc._pair_rules(picks, note)
    assert picks["N18.6"].final and not picks["N18.9"].final


def _wound_catalog() -> CodeCatalog:
    rows = {
        "S51.832A": "Puncture wound without foreign body of left forearm, initial encounter",
        "S51.812A": "Laceration without foreign body of left forearm, initial encounter",
        "S51.842A": "Puncture wound with foreign body of left forearm, initial encounter",
        "S51.852A": "Open bite of left forearm, initial encounter",
    }
    return CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, c[:-1]] for c, t in rows.items()}})


@pytest.mark.parametrize("wound", ["S51.832A", "S51.812A"])
def test_a_wound_told_as_a_bite_is_the_open_bite_of_its_site(wound: str) -> None:
    note = "Neighbor's dog bit him on the L forearm this morning, two deep punctures."
    picks = {wound: _pick(wound, note[:-1])}
    open_bites(picks, NoteContext(note, 40), _wound_catalog())
    assert set(picks) == {"S51.852A"} and picks["S51.852A"].final


def test_the_puncture_wounds_of_a_note_that_tells_a_bite_are_the_bite() -> None:
    note = "Bitten by a stray cat this morning.\nExam: two puncture wounds L forearm, no FB."
    picks = {"S51.832A": _pick("S51.832A", "two puncture wounds L forearm", start=note.index("two"))}
    picks["S51.832A"].mentions[0].sentence_start = note.index("Exam")
    picks["S51.832A"].mentions[0].sentence_end = len(note)
    open_bites(picks, NoteContext(note, 40), _wound_catalog())
    assert set(picks) == {"S51.852A"}
    note = "Mosquito bites on both legs.\nStepped on a nail: puncture wound L forearm."
    picks = {"S51.832A": _pick("S51.832A", "puncture wound L forearm")}
    open_bites(picks, NoteContext(note, 40), _wound_catalog())
    assert set(picks) == {"S51.832A"}


def test_a_wound_without_a_bite_or_with_a_foreign_body_keeps_its_kind() -> None:
    note = "Stepped on a rusty nail, puncture wound L forearm."
    picks = {"S51.832A": _pick("S51.832A", note[:-1])}
    open_bites(picks, NoteContext(note, 40), _wound_catalog())
    assert set(picks) == {"S51.832A"}
    note = "Cat bite L forearm, tooth fragment retained in the puncture."
    picks = {"S51.842A": _pick("S51.842A", note[:-1])}
    open_bites(picks, NoteContext(note, 40), _wound_catalog())
    assert set(picks) == {"S51.842A"}


def test_a_typo_of_the_condition_is_read_as_the_condition(svc: SuggestionService) -> None:
    assert "I10" in finals(run(svc, "A/P:\n1. Essential hypertention, at goal."))
    assert "I10" not in finals(run(svc, "A/P:\n1. Essential tremor, at goal."))


def test_the_agent_said_with_a_condition_the_index_codes_apart_is_coded_beside_it() -> None:
    titles = {
        "K29.70": "Gastritis, unspecified, without bleeding",
        "B96.81": "Helicobacter pylori [H. pylori] as the cause of diseases classified elsewhere",
        "J15.212": "Pneumonia due to Methicillin resistant Staphylococcus aureus",
        "B95.62": "Methicillin resistant Staphylococcus aureus infection as the cause of diseases classified "
        "elsewhere",
    }
    catalog = CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in titles.items()}})

    def coded(note: str, code: str, said: str, query: str) -> list[str]:
        at = note.index(said)
        mention = Mention(at, at + len(said), said, query, "assessment", 0, len(note))
        picks = {code: Pick(code, 0.8, True, [mention])}
        add_organism(picks, NoteContext(note), catalog)
        return sorted(c for c, p in picks.items() if p.final)

    # searched without its agent (no Index path names both): the agent's code beside the condition's
    note = "A/P: H. pylori gastritis - triple therapy."
    assert coded(note, "K29.70", "H. pylori gastritis", "gastritis") == ["B96.81", "K29.70"]
    # the Index names the agent with the condition: its code says it, no second code
    note = "A/P: MRSA pneumonia - vancomycin."
    assert coded(note, "J15.212", "MRSA pneumonia", "MRSA pneumonia") == ["J15.212"]


def test_a_phrase_lists_alternatives_a_note_codes_problems(
    svc: SuggestionService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A note's final codes are problems: an unspecified one beside a specific one of its category is the
    same problem coded twice, two excluded together are one combination. A phrase's codes are alternatives
    for one condition: neither rule runs on them."""
    calls: list[str] = []
    monkeypatch.setattr(consolidate, "drop_unspecified_twins", lambda *a: calls.append("twins"))
    monkeypatch.setattr(consolidate, "excluded_to_combination", lambda *a: calls.append("combination"))
    run(svc, "Chronic gallbladder inflammation, unspecified")
    assert calls == []
    run(svc, "A/P: Chronic cholecystitis. Essential hypertension.")
    assert calls == ["twins", "combination"]


def test_a_phrase_keeps_its_own_combination_code_without_partner_codes(svc: SuggestionService) -> None:
    text = (
        "Hypertensive disease of heart and kidneys with cardiac failure and kidney disease, stage not given"
    )

    def picks() -> dict[str, Pick]:
        return {
            "I13.0": _pick("I13.0", text),
            "I12.9": _pick("I12.9", text, final=False),
            "N18.9": _pick("N18.9", text, final=False),
        }

    phrase = picks()
    combine(phrase, NoteContext(text, phrase=True), svc.catalog)
    assert phrase["I13.0"].final  # the phrase names its whole condition; the heart failure code is additional
    note = picks()
    combine(note, NoteContext(text), svc.catalog)
    assert "I13.0" not in note or not note["I13.0"].final  # a note codes the heart failure it documents


class _DiabetesTitles:
    titles = {
        "E11": "Type 2 diabetes mellitus",
        "E11.9": "Type 2 diabetes mellitus without complications",
        "E13.9": "Other specified diabetes mellitus without complications",
    }

    def __contains__(self, code: object) -> bool:
        return code in self.titles

    def title(self, code: str) -> str:
        return self.titles[code]

    def billable(self, code: str) -> bool:
        return "." in code


def test_secondary_diabetes_is_the_indexs_specified_type() -> None:
    # Index: "Diabetes, secondary diabetes mellitus NEC, see Diabetes, specified type NEC" (E13)
    diabetes = next(f for f in FAMILIES if f.name == "diabetes")
    catalog = _DiabetesTitles()

    def checked(text: str) -> set[str]:
        picks = {"E13.9": _pick("E13.9", text)}
        check_family(picks, NoteContext(text), catalog, diabetes)  # type: ignore[arg-type]
        return {c for c, p in picks.items() if p.final}

    assert checked("Diabetes mellitus, secondary form, no complications") == {"E13.9"}
    assert checked("Diabetes mellitus, no complications") == {"E11.9"}  # no qualifier: the default type

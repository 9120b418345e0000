"""Rules common office notes need: a strep test that confirms a streptococcal throat, iron deficiency
anemia from named bleeding, and retinopathy qualifiers after commas kept with the retinopathy. Notes are
written for these tests; titles are the ICD-10-CM tabular's (public domain)."""

from __future__ import annotations

import pytest

from assistant.suggest.cancer_history import by_site
from assistant.suggest.coding_rules.anemia_cause import iron_deficiency_from_blood_loss
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.encounters import cancer_follow_up, screening
from assistant.suggest.coding_rules.partners import helicobacter_with_gastric_disease
from assistant.suggest.coding_rules.postprocedural import postmastectomy_lymphedema
from assistant.suggest.coding_rules.pregnancy import trimester_of_the_weeks
from assistant.suggest.coding_rules.rheumatoid import rheumatoid_kind
from assistant.suggest.coding_rules.strep_throat import streptococcal_throat
from assistant.suggest.coding_rules.stroke_sequela import stated_sequelae
from assistant.suggest.index_walker import WalkHit
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.reader import clean_query, read_note, walk_query
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_TITLES = {
    "J02.0": "Streptococcal pharyngitis",
    "J02.9": "Acute pharyngitis, unspecified",
    "J03.00": "Acute streptococcal tonsillitis, unspecified",
    "J03.90": "Acute tonsillitis, unspecified",
    "D50.0": "Iron deficiency anemia secondary to blood loss (chronic)",
    "D50.9": "Iron deficiency anemia, unspecified",
}
CATALOG = CodeCatalog(
    {"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in _TITLES.items()}, "refs": {}}
)


def _picked(note: str, code: str, words: str) -> dict[str, Pick]:
    ctx = NoteContext(note=note)
    at = note.index(words)
    return {code: Pick(code, 0.8, True, [ctx.mention(at, at + len(words))])}


@pytest.mark.parametrize(
    ("note", "code", "words", "expected"),
    [
        ("A: Pharyngitis - rapid strep positive. Amoxicillin.", "J02.9", "Pharyngitis", "J02.0"),
        ("A/P: Acute tonsillitis, RST +, amoxicillin.", "J03.90", "Acute tonsillitis", "J03.00"),
        ("Strep test came back positive. Dx: acute pharyngitis.", "J02.9", "acute pharyngitis", "J02.0"),
        # a negative test, or none: the unspecified code stays
        ("Rapid strep negative. A: Acute pharyngitis, viral.", "J02.9", "Acute pharyngitis", "J02.9"),
        ("A: Acute pharyngitis - supportive care.", "J02.9", "Acute pharyngitis", "J02.9"),
    ],
)
def test_a_positive_strep_test_makes_the_throat_infection_streptococcal(
    note: str, code: str, words: str, expected: str
) -> None:
    picks = _picked(note, code, words)
    streptococcal_throat(picks, NoteContext(note=note), CATALOG)
    assert [c for c, p in picks.items() if p.final] == [expected]


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("A/P: Iron deficiency anemia due to menorrhagia - ferrous sulfate.", "D50.0"),
        ("A/P: Iron deficiency anemia 2/2 chronic GI blood loss.", "D50.0"),
        ("A/P: Iron deficiency anemia, poor diet - ferrous sulfate.", "D50.9"),
        ("A/P: Iron deficiency anemia. Nosebleed last year.", "D50.9"),
    ],
)
def test_iron_deficiency_anemia_from_named_bleeding_is_blood_loss_anemia(note: str, expected: str) -> None:
    picks = _picked(note, "D50.9", "Iron deficiency anemia")
    iron_deficiency_from_blood_loss(picks, NoteContext(note=note), CATALOG)
    assert [c for c, p in picks.items() if p.final] == [expected]


def test_retinopathy_stage_words_after_a_comma_stay_with_the_retinopathy() -> None:
    note = "Seen today. Diabetic retinopathy, moderate nonproliferative, both eyes. Also knee pain."
    texts = [m.text for m in read_note(note)]
    assert "Diabetic retinopathy, moderate nonproliferative, both eyes" in texts


_SEQUELA_TITLES = {
    "I69.351": "Hemiplegia and hemiparesis following cerebral infarction affecting right dominant side",
    "I69.320": "Aphasia following cerebral infarction",
    "R47.01": "Aphasia",
}
SEQUELA_CATALOG = CodeCatalog(
    {"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in _SEQUELA_TITLES.items()}, "refs": {}}
)


def _sequela_search(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
    return [("I69.320", 0.8)] if text.startswith("aphasia") and prefixes == ("I69",) else []


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Old CVA with residual R hemiparesis and aphasia. On ASA.", {"I69.351", "I69.320"}),
        # aphasia not listed with what the stroke left: its own symptom code
        ("Old CVA with residual R hemiparesis. New aphasia since this morning.", {"I69.351", "R47.01"}),
    ],
)
def test_a_stroke_stated_with_its_deficits_codes_each_as_a_sequela(note: str, expected: set[str]) -> None:
    ctx = NoteContext(note=note, search=_sequela_search)
    stroke_end = note.index("hemiparesis") + len("hemiparesis")
    aphasia = note.index("aphasia")
    picks = {
        "I69.351": Pick("I69.351", 0.3, False, [ctx.mention(0, stroke_end)]),
        "R47.01": Pick("R47.01", 0.8, True, [ctx.mention(aphasia, aphasia + 7)]),
    }
    stated_sequelae(picks, ctx, SEQUELA_CATALOG)
    assert {c for c, p in picks.items() if p.final} == expected


def test_a_lists_joining_word_is_no_part_of_the_condition_searched() -> None:
    assert clean_query("Also Raynaud's disease") == "Raynaud's disease"
    assert clean_query("Additionally has GERD") == "GERD"


@pytest.mark.parametrize(
    ("note", "condition"),
    [
        ("Labs reviewed. Start iron for anemia of pregnancy.", "anemia of pregnancy"),
        ("A/P: Increase lisinopril for uncontrolled hypertension.", "uncontrolled hypertension"),
    ],
)
def test_the_condition_a_plan_treats_is_read_as_a_mention(note: str, condition: str) -> None:
    found = {m.text: m.not_coded for m in read_note(note)}
    assert condition in found and found[condition] is None


def test_a_plan_for_prevention_or_for_pain_names_no_condition_to_code() -> None:
    note = "A/P: Start aspirin for prevention of MI. Start Tylenol for pain. Increase for better control."
    texts = [m.text for m in read_note(note)]
    assert not any(t.startswith(("prevention", "pain", "better")) for t in texts)


@pytest.mark.parametrize(
    ("chunk", "status"),
    [("s/p treatment", "status"), ("SVR", "status"), ("status post surgery.", "status"), ("Hep C", None)],
)
def test_a_treatment_named_by_its_kind_only_is_no_condition(chunk: str, status: str | None) -> None:
    assert why_not_coded(chunk) == status


_PREGNANCY_TITLES = {
    "O99.011": "Anemia complicating pregnancy, first trimester",
    "O99.012": "Anemia complicating pregnancy, second trimester",
    "O99.013": "Anemia complicating pregnancy, third trimester",
    "O99.019": "Anemia complicating pregnancy, unspecified trimester",
}
PREGNANCY_CATALOG = CodeCatalog(
    {"codes": {c: ["ICD-10-CM", t, True, "O99.01", "code"] for c, t in _PREGNANCY_TITLES.items()}, "refs": {}}
)


@pytest.mark.parametrize(("weeks", "expected"), [(28, "O99.013"), (20, "O99.012"), (None, "O99.019")])
def test_documented_weeks_give_an_unspecified_trimester_code_its_trimester(
    weeks: int | None, expected: str
) -> None:
    ctx = NoteContext(note="Prenatal visit. Anemia of pregnancy.", pregnant=True, weeks=weeks)
    picks = {"O99.019": Pick("O99.019", 0.6, True, [ctx.mention(16, 35)])}
    trimester_of_the_weeks(picks, ctx, PREGNANCY_CATALOG)
    assert [c for c, p in picks.items() if p.final] == [expected]


def test_an_injurys_encounter_after_its_comma_stays_with_the_injury() -> None:
    texts = [m.text for m in read_note("A/P: Cervical strain, initial encounter. Ibuprofen.")]
    assert "Cervical strain, initial encounter" in texts
    assert walk_query("Cervical strain, initial encounter") == "Cervical strain"


def test_the_first_words_after_an_inline_diagnosis_heading_are_its_problem() -> None:
    mentions = read_note("Restrained driver in a crash. Neck pain. Dx: cervical strain.")
    heads = [m.text for m in mentions if m.problem]
    assert heads == ["cervical strain"]


_LYMPHEDEMA = {"I89.0": "Lymphedema, not elsewhere classified", "I97.2": "Postmastectomy lymphedema syndrome"}
LYMPH_CATALOG = CodeCatalog(
    {"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in _LYMPHEDEMA.items()}, "refs": {}}
)


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("s/p right mastectomy 2020. Lymphedema of right arm - compression sleeve.", "I97.2"),
        ("No surgery. Lymphedema of right arm - compression sleeve.", "I89.0"),
        ("s/p right mastectomy 2020. Lymphedema of both legs after cellulitis.", "I89.0"),
    ],
)
def test_lymphedema_of_the_arm_after_a_mastectomy_is_postmastectomy(note: str, expected: str) -> None:
    picks = _picked(note, "I89.0", "Lymphedema")
    postmastectomy_lymphedema(picks, NoteContext(note=note), LYMPH_CATALOG)
    assert [c for c, p in picks.items() if p.final] == [expected]


@pytest.mark.parametrize(
    ("hits", "expected"),
    [
        ([WalkHit("I21.9", ["Infarction", "myocardial"], 0.9)], "Z82.49"),
        ([WalkHit("I63.9", ["Infarction", "cerebral"], 0.9)], "Z82.3"),
        ([WalkHit("J44.9", ["Disease", "lung", "obstructive"], 0.9)], "Z82.5"),
        ([WalkHit("E11.9", ["Diabetes", "type 2"], 0.9)], "Z83.3"),
        # the Index's own family-history code wins over the block's
        (
            [
                WalkHit("Z83.719", ["History", "family", "polyps, colon"], 0.9),
                WalkHit("K63.5", ["Polyp"], 0.5),
            ],
            None,
        ),
        # a symptom names no family history
        ([WalkHit("R51.9", ["Headache"], 0.9)], None),
    ],
)
def test_a_family_members_condition_is_the_family_history_code_of_its_block(
    hits: list[WalkHit], expected: str | None
) -> None:
    placed = by_site("family", hits)
    assert (placed[0] if placed else None) == expected


def test_a_relative_who_found_or_reports_about_the_patient_is_no_family_history() -> None:
    note = "Seen after a fall. Found down at home by daughter, on the floor for hours. Per son, no LOC."
    assert not any(m.family for m in read_note(note))
    assert all(m.family for m in read_note("FH: daughter with asthma. Her mother has diabetes."))


def test_a_social_heading_ends_the_family_history() -> None:
    mentions = read_note("FHx: mother with type 2 diabetes.\nSocial: never smoker, rare alcohol.")
    assert [m.family for m in mentions if "smoker" in m.text] == [False]


def test_a_heading_of_the_problems_the_visit_dealt_with_is_the_assessment() -> None:
    mentions = read_note("Chronic conditions reviewed: COPD, chronic diastolic heart failure, depression.")
    assert {m.section for m in mentions} == {"assessment"}


def test_what_a_procedure_found_after_its_colon_is_a_mention_of_its_own() -> None:
    note = "Seen today. Colonoscopy for screening: found 2 tubular adenomas in the sigmoid colon."
    texts = [m.text for m in read_note(note)]
    assert "Colonoscopy for screening" in texts
    assert any(t.startswith("found 2 tubular adenomas") for t in texts)


_ENCOUNTER_TITLES = {
    "Z08": "Encounter for follow-up examination after completed treatment for malignant neoplasm",
    "Z85.3": "Personal history of malignant neoplasm of breast",
    "Z12.31": "Encounter for screening mammogram for malignant neoplasm of breast",
}
ENCOUNTER_CATALOG = CodeCatalog(
    {"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in _ENCOUNTER_TITLES.items()}, "refs": {}}
)


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        (
            "Oncology surveillance visit. Hx of breast cancer 2015, completed treatment, NED.",
            {"Z08", "Z85.3"},
        ),
        # a wellness visit is its own reason; a screening word of another clause screens nothing
        (
            "Here for AWV. Hx of breast cancer 2010, completed treatment. Depression screen negative.",
            {"Z85.3"},
        ),
    ],
)
def test_a_cancer_follow_up_is_the_visit_only_when_no_preventive_visit_is(
    note: str, expected: set[str]
) -> None:
    picks = _picked(note, "Z85.3", "Hx of breast cancer")
    ctx = NoteContext(note=note)
    cancer_follow_up(picks, ctx, ENCOUNTER_CATALOG)
    screening(picks, ctx, ENCOUNTER_CATALOG)
    assert {c for c, p in picks.items() if p.final} == expected


_PYLORI_TITLES = {
    "K25.9": "Gastric ulcer, unspecified as acute or chronic, without hemorrhage or perforation",
    "B96.81": "Helicobacter pylori [H. pylori] as the cause of diseases classified elsewhere",
}
PYLORI_CATALOG = CodeCatalog(
    {"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in _PYLORI_TITLES.items()}, "refs": {}}
)


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("EGD: gastric ulcer. H. pylori positive on biopsy. Triple therapy.", {"K25.9", "B96.81"}),
        ("EGD: gastric ulcer. H. pylori negative on biopsy. PPI.", {"K25.9"}),
        # an infection treated and gone is no agent of the ulcer now
        ("Recurrent gastric ulcer - on PPI, H. pylori treated, eradication confirmed.", {"K25.9"}),
        ("Bleeding gastric ulcer - on PPI, H. pylori treated with quadruple therapy.", {"K25.9", "B96.81"}),
    ],
)
def test_helicobacter_found_with_an_ulcer_is_coded_beside_it(note: str, expected: set[str]) -> None:
    picks = _picked(note, "K25.9", "gastric ulcer")
    helicobacter_with_gastric_disease(picks, NoteContext(note=note), PYLORI_CATALOG)
    assert {c for c, p in picks.items() if p.final} == expected


_RA_TITLES = {
    "M06.9": "Rheumatoid arthritis, unspecified",
    "M05.261": "Rheumatoid vasculitis with rheumatoid arthritis of right knee",
    "M05.79": (
        "Rheumatoid arthritis with rheumatoid factor of multiple sites without organ or systems involvement"
    ),
}
RA_CATALOG = CodeCatalog(
    {"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in _RA_TITLES.items()}, "refs": {}}
)


@pytest.mark.parametrize(
    ("note", "code", "expected"),
    [
        ("Dx: RA flare R knee. Kenalog injected.", "M05.261", "M06.9"),
        ("Dx: RA of R knee with rheumatoid vasculitis of the skin.", "M05.261", "M05.261"),
        ("Dx: RA of hands and feet, RF+ and anti-CCP+.", "M05.79", "M05.79"),
        ("Dx: RA of hands and feet.", "M05.79", "M06.9"),
    ],
)
def test_rheumatoid_arthritis_with_what_the_note_never_says_is_the_plain_code(
    note: str, code: str, expected: str
) -> None:
    picks = _picked(note, code, "RA")
    rheumatoid_kind(picks, NoteContext(note=note), RA_CATALOG)
    assert [c for c, p in picks.items() if p.final] == [expected]


def test_an_acute_kidney_injury_on_ckd_written_without_a_space_is_two_conditions() -> None:
    texts = [m.text for m in read_note("A/P: #AKI on CKD3a - trend Cr. #HTN - hold.")]
    assert "AKI" in texts and "CKD3a" in texts


def test_a_screening_done_today_after_a_history_is_no_history_of_the_cancer_screened() -> None:
    note = "Former smoker, 30 pack-years, quit 2012 - LDCT lung cancer screening today. HLD on statin."
    found = {m.text: m.not_coded for m in read_note(note)}
    assert found.get("LDCT lung cancer screening today") == "test"


def test_a_diagnosis_the_tests_do_not_support_is_negated() -> None:
    mentions = read_note("A/P: Trigeminal neuralgia - improved. MS - not supported by MRI.")
    assert [m.negated for m in mentions if m.text.startswith("MS")] == [True]


def test_a_cancer_follow_up_listed_after_the_visits_first_problem_is_history_only() -> None:
    note = "A/P: # Osteoporosis - start alendronate. # Hx of breast cancer s/p lumpectomy, NED.\n"
    ctx = NoteContext(note=note)
    at = note.index("Osteoporosis")
    first = ctx.mention(at, at + len("Osteoporosis"))
    first.problem = True
    picks = _picked(note, "Z85.3", "Hx of breast cancer")
    cancer_follow_up(picks, ctx, ENCOUNTER_CATALOG)
    assert "Z08" in picks  # the follow-up alone: the visit is for it
    picks = _picked(note, "Z85.3", "Hx of breast cancer")
    picks["M81.0"] = Pick("M81.0", 0.5, True, [first])
    cancer_follow_up(picks, ctx, ENCOUNTER_CATALOG)
    assert "Z08" not in picks

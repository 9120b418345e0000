"""Rules from the twenty-first hand's notes (usn-1461 … usn-1476: a geriatrics group's SNF, home and clinic
notes)."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules.combination import combine
from assistant.suggest.coding_rules.completed_treatment import completed_treatment_follow_up
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.hcpcs_gate import documents_service
from assistant.suggest.coding_rules.injuries import _place_query, fall_code
from assistant.suggest.coding_rules.partners import add_bmi, add_weeks
from assistant.suggest.coding_rules.prostate_symptoms import prostate_with_symptoms
from assistant.suggest.coding_rules.removed_organ import removed_organ
from assistant.suggest.coding_rules.stated_cause import condition_due_to_another
from assistant.suggest.reader import Mention
from assistant.suggest.rules import character_fits
from assistant.suggest.text import expand_abbreviations
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog
from tests.suggest.test_notes_round19 import _mention

KIDNEY = hierarchy_catalog(
    {
        "E11.22": "Type 2 diabetes mellitus with diabetic chronic kidney disease",
        "E11.9": "Type 2 diabetes mellitus without complications",
        "I10": "Essential (primary) hypertension",
        "I12.9": "Hypertensive chronic kidney disease with stage 1 through stage 4 chronic kidney disease",
        "N18.32": "Chronic kidney disease, stage 3b",
    },
    {
        "E11": "Type 2 diabetes mellitus",
        "E11.2": "Type 2 diabetes mellitus with kidney complications",
        "I12": "Hypertensive chronic kidney disease",
        "N18": "Chronic kidney disease (CKD)",
        "N18.3": "Chronic kidney disease, stage 3 (moderate)",
    },
    {"E11.22": {"use_additional": ["N18.1-N18.6"]}, "I12.9": {"use_additional": ["N18.1-N18.4", "N18.9"]}},
)


@pytest.mark.parametrize(
    ("ckd", "diabetic"),
    [
        ("CKD stage 3b (hypertensive nephrosclerosis, unrelated to DM per nephrology).", False),
        ("CKD stage 3b, not diabetic kidney disease per renal.", False),
        ("CKD stage 3b, stable.", True),
        ("CKD stage 3b, stable. Attributed to nephrosclerosis - NOT diabetic kidney disease.", False),
        ("CKD stage 3b, stable. Cataract OS - not diabetic eye disease.", True),
    ],
)
def test_a_ckd_the_note_says_is_not_diabetic_is_no_e11_22(ckd: str, diabetic: bool) -> None:
    note = f"Type 2 diabetes on insulin. {ckd}"
    picks = {
        "E11.22": Pick("E11.22", 0.7, True, [_mention(note, "CKD stage 3b")]),
        "N18.32": Pick("N18.32", 0.9, True, [_mention(note, "CKD stage 3b")]),
    }
    combine(picks, NoteContext(note=note), KIDNEY)
    finals = {c for c, p in picks.items() if p.final}
    assert ("E11.22" in finals) is diabetic
    assert ("E11.9" in finals) is not diabetic
    assert "N18.32" in finals


def test_a_denial_naming_diabetes_leaves_the_hypertension_link() -> None:
    note = "Hypertension. CKD stage 3b (hypertensive nephrosclerosis, unrelated to DM per nephrology). DM2."
    picks = {
        "I12.9": Pick("I12.9", 0.7, True, [_mention(note, "Hypertension")]),
        "N18.32": Pick("N18.32", 0.9, True, [_mention(note, "CKD stage 3b")]),
        "E11.9": Pick("E11.9", 0.8, True, [_mention(note, "DM2")]),
    }
    combine(picks, NoteContext(note=note), KIDNEY)
    assert picks["I12.9"].final and "E11.22" not in picks
    note = "Hypertension. CKD stage 3b, not due to HTN per nephrology."
    picks = {
        "I12.9": Pick("I12.9", 0.7, True, [_mention(note, "Hypertension")]),
        "N18.32": Pick("N18.32", 0.9, True, [_mention(note, "CKD stage 3b")]),
    }
    combine(picks, NoteContext(note=note), KIDNEY)
    assert not picks["I12.9"].final and picks["I10"].final


CAUSED = hierarchy_catalog(
    {
        "R41.0": "Disorientation, unspecified",
        "F05": "Delirium due to known physiological condition",
        "F03.C0": "Unspecified dementia, severe, without behavioral disturbance",
        "R64": "Cachexia",
        "E88.A": "Wasting disease (syndrome) due to underlying condition",
        "J44.9": "Chronic obstructive pulmonary disease, unspecified",
    },
    {
        "R41": "Other symptoms and signs involving cognitive functions",
        "F03": "Unspecified dementia",
        "F03.C": "Unspecified dementia, severe",
        "E88": "Other metabolic disorders",
        "J44": "Other COPD",
    },
)
CAUSED.notes.update(
    {
        "R41.0": {"excludes1": ["delirium due to known physiological condition (F05)"]},
        "R64": {
            "excludes1": ["abnormal weight loss (R63.4)", "cachexia due to underlying condition (E88.A)"]
        },
    }
)


@pytest.mark.parametrize(
    ("line", "said", "other", "code"),
    [
        ("Delirium superimposed on severe dementia, 2/2 UTI.", "Delirium", "severe dementia", "F05"),
        ("Delirium, resolving; severe dementia at baseline.", "Delirium", "severe dementia", "R41.0"),
        ("Pulmonary cachexia d/t COPD - worsening.", "Pulmonary cachexia", "COPD", "E88.A"),
        ("Pulmonary cachexia, unclear cause; COPD stable.", "Pulmonary cachexia", "COPD", "R64"),
    ],
)
def test_a_condition_stated_due_to_another_takes_the_excluded_code(
    line: str, said: str, other: str, code: str
) -> None:
    symptom = "R41.0" if said == "Delirium" else "R64"
    other_code = "F03.C0" if "dementia" in other else "J44.9"
    picks = {
        symptom: Pick(symptom, 0.5, True, [_mention(line, said)]),
        other_code: Pick(other_code, 0.8, True, [_mention(line, other)]),
    }
    condition_due_to_another(picks, NoteContext(note=line), CAUSED)
    assert [c for c, p in picks.items() if p.final and c in (symptom, code)] == [code]


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("Says she slid out of her parked w/c (brakes locked) reaching for her glasses.", "W05.0XXA"),
        ("Fell out of his wheelchair while transferring to the toilet.", "W05.0XXA"),
        ("Fell out of her power wheelchair when it tipped on the curb.", None),
        ("Fell at home.", "W19.XXXA"),
    ],
)
def test_a_fall_out_of_a_wheelchair_that_was_not_moving_is_w05_0(sentence: str, code: str | None) -> None:
    assert fall_code(sentence) == code


def test_a_room_in_a_nursing_home_residents_note_is_the_nursing_homes() -> None:
    assert _place_query("in her bedroom", "", nursing_home=True).startswith("bedroom in nursing home")
    assert _place_query("in her bedroom", "", nursing_home=False).startswith(
        "bedroom in unspecified non-inst"
    )
    assert "private" in _place_query("at home", "fell in the kitchen at home", nursing_home=True)


@pytest.mark.parametrize(
    ("sentence", "given"),
    [
        ("On XR-naltrexone monthly: 6th injection today, 380 mg IM R gluteal by RN, tolerated", True),
        ("Haloperidol decanoate 100 mg IM L deltoid by RN", True),
        ("XR-naltrexone 380 mg IM monthly; next injection in 4 wk", False),
        ("Injection today deferred, will schedule", False),
    ],
)
def test_the_injection_of_the_day_or_one_by_the_nurse_is_a_service(sentence: str, given: bool) -> None:
    assert documents_service(sentence) is given


@pytest.mark.parametrize(
    ("text", "dnr"), [("Goals: DNR; no hospital transfer", True), ("DNR/DNI, POLST signed", True)]
)
def test_dnr_reads_as_do_not_resuscitate(text: str, dnr: bool) -> None:
    assert ("do not resuscitate" in expand_abbreviations(text)) is dnr
    assert "do not resuscitate" not in expand_abbreviations("dnr discussed")


WEEKS = hierarchy_catalog(
    {
        "Z3A.36": "36 weeks gestation of pregnancy",
        "Z3A.37": "37 weeks gestation of pregnancy",
        "O22.03": "Varicose veins of lower extremity in pregnancy, third trimester",
    },
    {"Z3A": "Weeks of gestation", "Z3A.3": "30-39", "O22": "Venous complications in pregnancy",
     "O22.0": "Varicose veins of lower extremity in pregnancy"},
)  # fmt: skip


@pytest.mark.parametrize(("known", "found"), [(True, ["Z3A.36"]), (False, ["Z3A.37"])])
def test_one_gestational_age_per_encounter(known: bool, found: list[str]) -> None:
    note = "OB visit, pregnant. Varicose veins L leg. Breech; pt opts for ECV at 37 wk of pregnancy."
    picks = {"O22.03": Pick("O22.03", 0.9, True, [_mention(note, "Varicose veins L leg")])}
    if known:
        picks["Z3A.36"] = Pick("Z3A.36", 0.8, True, [_mention(note, "OB visit")])
    add_weeks(picks, NoteContext(note=note, pregnant=True), WEEKS)
    assert sorted(c for c, p in picks.items() if c.startswith("Z3A") and p.final) == found


DRUG_PARTNERS = hierarchy_catalog(
    {
        "K59.03": "Drug induced constipation",
        "T40.2X5A": "Adverse effect of other opioids, initial encounter",
        "T48.0X3A": "Poisoning by oxytocic drugs, assault, initial encounter",
        "T40.2X6A": "Underdosing of other opioids, initial encounter",
    },
    {"K59": "Other functional intestinal disorders", "K59.0": "Constipation", "T40": "Poisoning by narcotics",
     "T40.2": "Other opioids", "T40.2X": "Other opioids", "T48": "Poisoning by agents acting on muscles",
     "T48.0": "Oxytocic drugs", "T48.0X": "Oxytocic drugs"},
)  # fmt: skip
DRUG_PARTNERS.notes["K59.03"] = {
    "use_additional": [
        "code for adverse effect, if applicable, to identify drug (T36-T50 with fifth or sixth character 5)"
    ]
}


@pytest.mark.parametrize(
    ("partner", "fits"),
    [("T40.2X5A", True), ("T48.0X3A", False), ("T40.2X6A", False), ("Z79.891", True), ("T86.11", True)],
)
def test_a_drug_partner_has_the_character_the_note_names(partner: str, fits: bool) -> None:
    assert character_fits(DRUG_PARTNERS, "K59.03", "use_additional", partner) is fits
    assert character_fits(DRUG_PARTNERS, "T40.2X5A", "use_additional", partner)  # no note, no restriction


EYES = hierarchy_catalog(
    {"H26.9": "Unspecified cataract", "Z48.810": "Aftercare following surgery on the sense organs"},
    {"H26": "Other cataract", "Z48": "Other postprocedural aftercare", "Z48.8": "Other", "Z48.81": "Other"},
)  # fmt: skip


@pytest.mark.parametrize(
    ("line", "current"),
    [
        ("Vision: cataract surgery both eyes 2024, sees well.", False),
        ("Pre-op exam for R eye cataract surgery, scheduled 1/2027.", True),
        ("Pre-op H&P: R phacoemulsification with IOL, 12/16/2026.", True),
        ("Cataract, visually significant; refer for cataract surgery.", True),
    ],
)
def test_a_cataract_removed_in_a_past_year_is_not_current(line: str, current: bool) -> None:
    words = "cataract" if "cataract" in line else "phacoemulsification"
    picks = {"H26.9": Pick("H26.9", 0.5, True, [_mention(line, words)])}
    removed_organ(picks, NoteContext(note=line), EYES)
    assert picks["H26.9"].final is current


BMI_WASTING = hierarchy_catalog(
    {
        "Z68.18": "Body mass index [BMI] 18.4 or less, adult",
        "E88.A": "Wasting disease (syndrome) due to underlying condition",
        "R62.7": "Adult failure to thrive",
    },
    {
        "Z68": "Body mass index [BMI]",
        "Z68.1": "BMI 19.9 or less, adult",
        "E88": "Other",
        "R62": "Lack of development",
    },
)


@pytest.mark.parametrize(
    ("dx", "code", "bmi"), [("cachexia", "E88.A", True), ("failure to thrive", "R62.7", False)]
)
def test_a_low_bmi_is_coded_beside_wasting(dx: str, code: str, bmi: bool) -> None:
    note = f"Wt 118 lb, BMI 17.6.\nA/P: {dx} - dietitian"
    picks = {code: Pick(code, 0.8, True, [_mention(note, dx)])}
    add_bmi(picks, NoteContext(note=note, age=78), BMI_WASTING)
    assert ("Z68.18" in picks and picks["Z68.18"].final) is bmi


PROSTATE = hierarchy_catalog(
    {
        "N40.1": "Benign prostatic hyperplasia with lower urinary tract symptoms",
        "R33.8": "Other retention of urine",
        "R33.9": "Retention of urine, unspecified",
    },
    {"N40": "Benign prostatic hyperplasia", "R33": "Retention of urine"},
)


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("BPH w/ chronic urinary retention - continue finasteride.", "R33.8"),
        (
            "BPH w/ nocturia - continue finasteride. Urinary retention after the anesthetic, resolved.",
            "R33.9",
        ),
    ],
)
def test_retention_beside_bph_with_luts_is_r33_8(note: str, code: str) -> None:
    bph = Mention(0, 3, "BPH", "BPH", "assessment", 0, note.index(".") + 1)  # its own sentence
    picks = {
        "N40.1": Pick("N40.1", 0.8, True, [bph]),
        "R33.9": Pick("R33.9", 0.4, True, [_mention(note, "retention")]),
    }
    prostate_with_symptoms(picks, NoteContext(note=note), PROSTATE)
    assert [c for c, p in picks.items() if p.final and c.startswith("R33")] == [code]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("CAUTI d/t Proteus - Foley exchanged", "due to indwelling urethral catheter"),
        ("CAUTI after the cystoscopy", "catheter associated urinary tract infection"),
        ("PUPPP - triamcinolone cream", "pruritic urticarial papules and plaques of pregnancy"),
    ],
)
def test_cauti_and_puppp_read_in_the_index_words(text: str, words: str) -> None:
    assert words in expand_abbreviations(text)


HEART = hierarchy_catalog(
    {
        "I11.0": "Hypertensive heart disease with heart failure",
        "I50.23": "Acute on chronic systolic (congestive) heart failure",
    },
    {
        "I11": "Hypertensive heart disease",
        "I50": "Heart failure",
        "I50.2": "Systolic (congestive) heart failure",
    },
)


def test_an_exacerbation_over_leaves_the_chronic_disease_current() -> None:
    note = (
        "SNF visit (cardiology f/u).\nAdmitted for heart failure exacerbation (resolved, diuresed 6 kg).\n"
        "A/P: chronic systolic heart failure w/ HTN - compensated."
    )
    picks = {
        "I11.0": Pick("I11.0", 0.5, True, [_mention(note, "chronic systolic heart failure w/ HTN")]),
        "I50.23": Pick("I50.23", 0.5, True, [_mention(note, "heart failure exacerbation")]),
    }
    completed_treatment_follow_up(picks, NoteContext(note=note), HEART)
    assert picks["I11.0"].final and not picks["I50.23"].final

"""Round 18 of the us-notes batches: general classes the blind batch usn-1349 ... usn-1372 showed. Each test
has a wording of our own the rule must change and one it must leave alone. Titles as in the ICD-10-CM
tabular (public domain)."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.completed_treatment import completed_treatment_follow_up
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.drugs_given import drugs_given
from assistant.suggest.coding_rules.hypertensive_ckd_stage import hypertensive_ckd_stage
from assistant.suggest.coding_rules.injuries import _EQUIPMENT_ACTIVITY, fall_code
from assistant.suggest.coding_rules.menopause import flushing_after_both_ovaries_removed, menopause_unsaid
from assistant.suggest.coding_rules.partners import add_bmi, add_drugs
from assistant.suggest.coding_rules.rheumatoid import rheumatoid_kind
from assistant.suggest.coding_rules.rho_immune_globulin import rho_d_prophylaxis
from assistant.suggest.coding_rules.stroke_artery import artery_code
from assistant.suggest.coding_rules.symptoms import integral_to
from assistant.suggest.coding_rules.tobacco import tobacco_code
from assistant.suggest.history import history_cue
from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog


def _mention(note: str, words: str, section: str = "assessment") -> Mention:
    start = note.index(words)
    return Mention(start, start + len(words), words, words, section, 0, len(note))


def _negated(note: str, words: str) -> bool:
    return any(m.negated for m in read_note(note) if words.lower() in m.text.lower())


@pytest.mark.parametrize(
    ("note", "words", "negated"),
    [
        ("Plan:\n1. Low sugars - denies.\n2. Gout, on allopurinol", "Low sugars", True),
        ("A/P:\n1. Palpitations: denied.\n2. reflux", "Palpitations", True),
        (
            "A/P: gout - denies joint pain now, uric acid 5.1",
            "gout",
            False,
        ),  # the denial is another symptom's
    ],
)
def test_a_label_answered_by_a_denial(note: str, words: str, negated: bool) -> None:
    assert _negated(note, words) is negated


@pytest.mark.parametrize(
    ("note", "words", "negated"),
    [
        ("PMH: Neonatal jaundice, resolved without phototherapy. A: well baby", "Neonatal jaundice", True),
        ("PMH: Bronchiolitis at 6 mo, resolved with supportive care. A: well", "Bronchiolitis", True),
        ("A/P: Cellulitis of the shin, improving on cephalexin", "Cellulitis", False),
    ],
)
def test_a_problem_resolved_by_some_means_is_no_current_condition(
    note: str, words: str, negated: bool
) -> None:
    assert _negated(note, words) is negated


@pytest.mark.parametrize(
    ("text", "expanded", "absent"),
    [
        ("Dx: external hemorrhoids (grade II)", "second degree", ""),
        ("Dx: RA with positive RF, wrists", "rheumatoid arthritis with rheumatoid factor", ""),
        ("Dx: RA, RF positive, knees", "rheumatoid arthritis with rheumatoid factor", ""),
        ("Dx: RA, RF negative, knees", "RF negative", "with rheumatoid factor"),
        ("Imp: glaucoma suspect, raised ocular pressure OU", "bilateral", ""),
        ("Imp: elevated IOP OS", "left eye", ""),
        ("Eye exam. SLE: TBUT 4 s OD, fluorescein stain trace", "slit lamp", ""),
        ("Lupus f/u. SLE: kidneys ok, C3 normal", "systemic lupus erythematosus", "slit lamp"),
        ("Pre-op: difficult airway, notify anesthesia", "anesthesiologist", ""),
        ("Exam: anesthesia over the lateral thigh", "anesthesia over", "anesthesiologist"),
        ("Itchy eyes every spring and fall", "spring and autumn", ""),
        ("Sneezing worse each fall", "each autumn", ""),
        ("Mechanical fall at home last night", "Mechanical fall", "autumn"),
    ],
)
def test_wordings_a_coder_reads_in_context(text: str, expanded: str, absent: str) -> None:
    out = expand_text(text)
    assert expanded in out
    assert not absent or absent not in out


@pytest.mark.parametrize(
    ("chunk", "kind"),
    [
        ("hep C serologies ordered now", "test"),
        ("well-healed midline laparotomy scar", "normal finding"),
        ("incision well healed", "normal finding"),
        ("hypertrophic scar, tender", None),
        ("chronic hepatitis B", None),
    ],
)
def test_tests_ordered_and_healed_scars_are_not_diagnoses(chunk: str, kind: str | None) -> None:
    assert why_not_coded(chunk) == kind


STEROID = hierarchy_catalog(
    {"Z79.52": "Long term (current) use of systemic steroids", "J44.1": "COPD with (acute) exacerbation"},
    {"Z79": "Long term (current) drug therapy", "Z79.5": "Long term use of steroids", "J44": "Other COPD"},
)


@pytest.mark.parametrize(
    ("note", "taking"),
    [
        ("A/P: COPD exacerbation - prednisone 40 mg, last dose Friday", False),
        ("A/P: COPD exacerbation - on prednisone 10 mg daily for years", True),
    ],
)
def test_a_course_with_its_last_dose_named_is_no_long_term_use(note: str, taking: bool) -> None:
    picks = {"J44.1": Pick("J44.1", 0.8, True, [_mention(note, "COPD exacerbation")])}
    add_drugs(picks, NoteContext(note=note), STEROID)
    assert ("Z79.52" in picks and picks["Z79.52"].final) is taking


HISTORY = hierarchy_catalog(
    {
        "Z09": "Encounter for follow-up examination after completed treatment for conditions other than "
        "malignant neoplasm",
        "Z86.73": "Personal history of transient ischemic attack (TIA), and cerebral infarction without "
        "residual deficits",
    },
    {"Z86": "Personal history of certain other diseases", "Z86.7": "Personal history of circulatory"},
)


@pytest.mark.parametrize(
    ("note", "section", "z09"),
    [
        (
            "Follow-up visit\nPMH:\n- cerebral infarction 2019, resolved after rehab\nA/P:\n1. Gout",
            "pmh",
            False,
        ),  # a past problem the history lists: the visit is for today's problems
        ("Follow-up visit\nA/P:\n1. cerebral infarction in May, resolved after rehab", "assessment", True),
    ],
)
def test_a_resolved_problem_of_the_history_is_no_follow_up_visit(note: str, section: str, z09: bool) -> None:
    pick = Pick("Z86.73", 0.8, True, [_mention(note, "cerebral infarction", section)])
    picks = {"Z86.73": pick}
    completed_treatment_follow_up(picks, NoteContext(note=note), HISTORY)
    assert ("Z09" in picks) is z09


def _row(level: int, path: str, code: str | None = None, **kw: Any) -> dict[str, Any]:
    return {"source": kw.pop("source", "main"), "level": level, "path": path, "code": code, **kw}


def test_a_site_reaches_its_code_through_the_unsaid_skin_level() -> None:
    rows = [_row(0, "Mole", "X00"), _row(1, "Mole, skin", "X00"), _row(2, "Mole, skin, back", "X05")]
    rows += [_row(1, f"Mole, kind{i}", f"Y{i:02d}") for i in range(30)]  # a large entry: its word index
    walker = IndexWalker.from_rows(rows)
    assert walker.walk("mole of the back")[0].code == "X05"
    assert walker.walk("mole")[0].code == "X00"  # no site said: the main term's own code


@pytest.mark.parametrize(
    ("sentence", "note", "code"),
    [
        ("Tobacco use - advised to quit", "A/P: Tobacco use - advised to quit", "Z72.0"),
        (
            "Tobacco use - advised to quit",
            "SH: smokes 10 cigarettes a day\nA/P: Tobacco use - advised to quit",
            "F17.210",
        ),  # the note names the product elsewhere: a smoker
        ("Tobacco use disorder", "A/P: Tobacco use disorder", "F17.200"),
        (
            "Tobacco use - advised to quit",
            "SH: vapes THC most nights\nA/P: Tobacco use - advised to quit",
            "Z72.0",
        ),  # a cannabis vape is no tobacco product
    ],
)
def test_tobacco_use_with_no_product_named_is_the_index_use(sentence: str, note: str, code: str) -> None:
    assert tobacco_code(sentence, note) == code


RA = hierarchy_catalog(
    {
        "M05.741": "Rheumatoid arthritis with rheumatoid factor of right hand without organ or systems "
        "involvement",
        "M05.841": "Other rheumatoid arthritis with rheumatoid factor of right hand",
        "M06.9": "Rheumatoid arthritis, unspecified",
    },
    {
        "M05": "Rheumatoid arthritis with rheumatoid factor",
        "M05.7": "RA with rheumatoid factor without organ or systems involvement",
        "M05.74": "RA with rheumatoid factor of hand without organ or systems involvement",
        "M05.8": "Other rheumatoid arthritis with rheumatoid factor",
        "M05.84": "Other rheumatoid arthritis with rheumatoid factor of hand",
        "M06": "Other rheumatoid arthritis",
    },
)


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("Dx: seropositive RA, right hand - on MTX", "M05.741"),
        ("Dx: seropositive RA, right hand, with rheumatoid lung nodules", "M05.841"),  # organs: not M05.7
    ],
)
def test_rheumatoid_factor_and_a_site_without_organ_involvement(note: str, code: str) -> None:
    picks = {"M05.841": Pick("M05.841", 0.8, True, [_mention(note, "seropositive RA")])}
    rheumatoid_kind(picks, NoteContext(note=note), RA)
    assert [c for c, p in picks.items() if p.final] == [code]


def test_an_unsaid_without_level_is_passed_to_the_site_the_note_names() -> None:
    rows = [
        _row(0, "Gout", "X90"),
        _row(1, "Gout, without tophus"),
        _row(2, "Gout, without tophus, knee", "X96"),
        _row(1, "Gout, with tophus", "X80"),
    ]
    walker = IndexWalker.from_rows(rows)
    assert walker.walk("gout of the knee")[0].code == "X96"
    assert walker.walk("gout")[0].code == "X90"  # no site: the level itself is not taken
    assert "X96" not in [h.code for h in walker.walk("gout with tophus of the knee")]


@pytest.mark.parametrize(
    ("text", "expanded"),
    [("NIHSS 9 on arrival", "NIHSS score 9"), ("NIHSS of 04 at discharge", "NIHSS score 4")],
)
def test_a_stroke_scale_total_in_the_titles_words(text: str, expanded: str) -> None:
    assert expanded in expand_text(text)


RHO = hierarchy_catalog(
    {"Z29.13": "Encounter for prophylactic Rho(D) immune globulin", "O24.410": "Gestational diabetes, diet"},
    {"Z29": "Encounter for other prophylactic measures", "Z29.1": "Prophylactic immunotherapy", "O24": "DM"},
)


@pytest.mark.parametrize(
    ("note", "z29"),
    [
        ("28 wk visit. Rh neg, antibody screen negative. RhoGAM 300 mcg IM given today.", True),
        ("28 wk visit. Rh neg, isoimmunized (anti-D 1:16). RhoGAM given today per MFM.", False),
        ("28 wk visit. Rh neg. RhoGAM at 28 weeks next visit.", False),  # planned, not given
    ],
)
def test_rho_d_immune_globulin_given_as_prophylaxis(note: str, z29: bool) -> None:
    picks = {"O24.410": Pick("O24.410", 0.8, True, [_mention(note, "28 wk")])}
    rho_d_prophylaxis(picks, NoteContext(note=note), RHO)
    assert ("Z29.13" in picks) is z29


@pytest.mark.parametrize(
    ("sentence", "activity"),
    [("fell off his skateboard in the street", "skateboard"), ("fell off the porch", None)],
)
def test_a_skateboard_fallen_from_is_the_activity(sentence: str, activity: str | None) -> None:
    found = _EQUIPMENT_ACTIVITY.search(sentence)
    assert (found.group(1) if found else None) == activity


HTN_CKD = hierarchy_catalog(
    {
        "I12.0": "Hypertensive chronic kidney disease with stage 5 chronic kidney disease or end stage renal "
        "disease",
        "I12.9": "Hypertensive chronic kidney disease with stage 1 through stage 4 chronic kidney disease, "
        "or unspecified chronic kidney disease",
        "N18.4": "Chronic kidney disease, stage 4 (severe)",
        "N18.6": "End stage renal disease",
    },
    {"I12": "Hypertensive chronic kidney disease", "N18": "Chronic kidney disease (CKD)"},
)


@pytest.mark.parametrize(
    ("coded", "stage", "wanted"),
    [("I12.9", "N18.6", "I12.0"), ("I12.0", "N18.4", "I12.9"), ("I12.9", "N18.4", "I12.9")],
)
def test_hypertensive_ckd_takes_the_stage_coded_beside_it(coded: str, stage: str, wanted: str) -> None:
    note = "A: ESRD on dialysis, hypertension"
    mention = _mention(note, "hypertension")
    picks = {coded: Pick(coded, 0.8, True, [mention]), stage: Pick(stage, 0.8, True, [mention])}
    hypertensive_ckd_stage(picks, NoteContext(note=note), HTN_CKD)
    assert sorted(c for c, p in picks.items() if p.final and c.startswith("I12")) == [wanted]


@pytest.mark.parametrize(
    ("sentence", "mention", "cue"),
    [
        ("PMH: SCC of the L ear 2021 - Mohs, no recurrence.", "SCC of the L ear 2021", "mohs"),
        ("PMH: BCC R temple 2018, clear margins.", "BCC R temple 2018", "clear margins"),
        ("A/P: SCC of the L ear, biopsy 2026 - Mohs referral.", "SCC of the L ear", None),
        ("Worked nights as a lifeguard in his 20s, sunburns", "sunburns in his 20s", "in his 20s"),
        ("Sunburns most weekends this summer", "Sunburns most weekends this summer", None),
    ],
)
def test_a_lesion_removed_by_mohs_and_a_decade_long_past_are_history(
    sentence: str, mention: str, cue: str | None
) -> None:
    assert history_cue(sentence, mention) == cue


CALCINEURIN = hierarchy_catalog(
    {"Z79.621": "Long term (current) use of calcineurin inhibitor", "M35.01": "Sjogren syndrome with kerato"},
    {"Z79": "Long term (current) drug therapy", "Z79.6": "Immunomodulators", "Z79.62": "Immunosuppressants"},
)


@pytest.mark.parametrize(
    ("note", "taking"),
    [
        ("A/P: Sjogren dry eyes - cyclosporine 0.05% drops BID, continue", False),
        ("A/P: Sjogren dry eyes - tacrolimus ointment at night", False),
        ("A/P: Sjogren dry eyes; kidney transplant on tacrolimus 2 mg BID", True),
    ],
)
def test_a_calcineurin_inhibitor_in_drops_or_ointment_is_no_long_term_systemic_use(
    note: str, taking: bool
) -> None:
    picks = {"M35.01": Pick("M35.01", 0.8, True, [_mention(note, "Sjogren dry eyes")])}
    add_drugs(picks, NoteContext(note=note), CALCINEURIN)
    assert ("Z79.621" in picks and picks["Z79.621"].final) is taking


@pytest.mark.parametrize(
    ("note", "words", "negated"),
    [
        ("Impression: microscopic hematuria with negative workup, observe", "microscopic hematuria", False),
        ("Impression: chronic cough, negative evaluation so far", "chronic cough", False),
        ("A/P: strep pharyngitis - rapid strep negative", "rapid strep", True),
    ],
)
def test_a_negative_work_up_leaves_the_finding_it_looked_into(note: str, words: str, negated: bool) -> None:
    assert _negated(note, words) is negated


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("Dx: acute ischemic stroke, R MCA territory, cardioembolic", "I63.411"),
        ("Dx: acute infarct, left PCA, thrombotic", "I63.332"),
        ("Dx: stroke from basilar artery occlusion", "I63.22"),
        ("Dx: acute ischemic stroke, cryptogenic", None),  # no artery named: I63.9 stays
    ],
)
def test_a_stroke_line_naming_artery_side_and_mechanism(line: str, code: str | None) -> None:
    assert artery_code(line) == code


BMI_ADULT = hierarchy_catalog(
    {
        "Z68.18": "Body mass index [BMI] 18.4 or less, adult",
        "Z68.19": "Body mass index [BMI] 18.5-19.9, adult",
        "E44.0": "Moderate protein-calorie malnutrition",
        "I10": "Essential (primary) hypertension",
    },
    {
        "Z68": "Body mass index [BMI]",
        "Z68.1": "Body mass index [BMI] 19.9 or less, adult",
        "E44": "PCM",
        "I1": "",
    },
)


@pytest.mark.parametrize(
    ("dx", "code", "bmi"), [("malnutrition", "E44.0", True), ("hypertension", "I10", False)]
)
def test_a_low_bmi_is_coded_beside_malnutrition(dx: str, code: str, bmi: bool) -> None:
    note = f"Weight 41 kg, BMI 16.9.\nA/P: {dx} - dietitian"
    picks = {code: Pick(code, 0.8, True, [_mention(note, dx)])}
    add_bmi(picks, NoteContext(note=note, age=80), BMI_ADULT)
    assert ("Z68.18" in picks and picks["Z68.18"].final) is bmi


LOCAL_DRUG = CodeCatalog(
    {
        "codes": {
            "J1885": ["HCPCS", "Injection, ketorolac tromethamine, per 15 mg", True, None, "code"],
            "N20.1": ["ICD-10-CM", "Calculus of ureter", True, "N20", "code"],
        }
    }
)


@pytest.mark.parametrize(
    ("note", "coded"),
    [
        ("Ketorolac 0.5% one drop to the left eye given today for the abrasion pain.", []),
        ("Ketorolac 30 mg IM given today for the colic.", ["J1885"]),
    ],
)
def test_a_drug_given_in_a_per_cent_strength_is_no_injection(note: str, coded: list[str]) -> None:
    picks = {"N20.1": Pick("N20.1", 0.7, True, [_mention(note, "given")])}
    drugs_given(picks, NoteContext(note=note), LOCAL_DRUG)
    assert sorted(c for c, p in picks.items() if p.final and c.startswith("J")) == coded


@pytest.mark.parametrize(
    ("text", "expanded", "absent"),
    [
        ("A/P: hot flashes since starting letrozole", "flushing", "hot flash"),
        ("A/P: menopausal hot flashes, discussed HRT", "hot flashes", "flushing"),
        ("A/P: hot flashes of the menopause", "hot flashes", "flushing"),
    ],
)
def test_hot_flashes_not_said_menopausal_are_flushing(text: str, expanded: str, absent: str) -> None:
    out = expand_text(text)
    assert expanded in out and absent not in out


MENOPAUSE = hierarchy_catalog(
    {"N95.1": "Menopausal and female climacteric states", "R23.2": "Flushing"},
    {"N95": "Menopausal and other perimenopausal disorders", "R23": "Other skin changes"},
)


@pytest.mark.parametrize(
    ("note", "kept"),
    [
        ("A/P: flushing from tamoxifen", False),
        ("48F, premenopausal. A/P: flushing from tamoxifen", False),
        ("A/P: perimenopausal flushing, declines HRT", True),
    ],
)
def test_a_menopausal_state_only_where_the_note_speaks_of_the_menopause(note: str, kept: bool) -> None:
    picks = {code: Pick(code, 0.8, True, [_mention(note, "flushing")]) for code in ("N95.1", "R23.2")}
    menopause_unsaid(picks, NoteContext(note=note), MENOPAUSE)
    assert picks["N95.1"].final is kept and picks["R23.2"].final


@pytest.mark.parametrize(
    ("diagnoses", "owner"),
    [(["E89.41", "Z85.42"], "E89.41"), (["C50.912", "T38.6X5A"], None)],
)
def test_flushing_belongs_to_symptomatic_ovarian_failure(diagnoses: list[str], owner: str | None) -> None:
    assert integral_to("R23.2", diagnoses) == owner


OVARIES = hierarchy_catalog(
    {"E89.41": "Symptomatic postprocedural ovarian failure", "R23.2": "Flushing"},
    {
        "E89": "Postprocedural endocrine and metabolic complications",
        "E89.4": "Ovarian failure",
        "R23": "Skin",
    },
)


@pytest.mark.parametrize(
    ("note", "failure"),
    [
        ("S/p TAH/BSO 2023 for endometrial cancer. A/P: flushing most nights", True),
        ("S/p hysterectomy, ovaries left in place. A/P: flushing most nights", False),
    ],
)
def test_flushing_after_both_ovaries_removed_is_surgical_ovarian_failure(note: str, failure: bool) -> None:
    picks = {"R23.2": Pick("R23.2", 0.8, True, [_mention(note, "flushing")])}
    flushing_after_both_ovaries_removed(picks, NoteContext(note=note, age=51), OVARIES)
    assert ("E89.41" in picks) is failure and picks["R23.2"].final is not failure


@pytest.mark.parametrize(
    ("sentence", "code"),
    [("Sneezing every spring and fall, itchy eyes", None), ("Mechanical fall in the kitchen", "W19.XXXA")],
)
def test_the_season_is_no_fall(sentence: str, code: str | None) -> None:
    assert fall_code(sentence) == code

"""Round 17 of the us-notes batches: general classes the blind batch usn-1325 ... usn-1348 showed. Each test
has a wording of our own the rule must change and one it must leave alone. Titles as in the ICD-10-CM
tabular (public domain)."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.adverse_effects import drug_adverse_effects
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.device_status import device_status
from assistant.suggest.coding_rules.hcpcs_gate import documents_service
from assistant.suggest.coding_rules.injuries import fall_code, injury_aftercare
from assistant.suggest.coding_rules.lymphoma_sites import lymphoma_of_multiple_sites
from assistant.suggest.coding_rules.partners import add_bmi, add_drugs
from assistant.suggest.coding_rules.poisoning_class import class_word_poisoning
from assistant.suggest.coding_rules.respiratory_failure import both_kinds_of_respiratory_failure
from assistant.suggest.coding_rules.symptoms import integral_to
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.qualifiers import plain_words_negated
from assistant.suggest.reader import Mention, clean_query, read_note, sections
from assistant.suggest.rules import head_unsaid, treatment_unsaid
from assistant.suggest.sibling_guard import _clause_of
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog


def _mention(note: str, words: str) -> Mention:
    start = note.index(words)
    return Mention(start, start + len(words), words, words, "assessment", 0, len(note))


def _section_at(note: str, words: str) -> str:
    at = note.index(words)
    return next(name for a, b, name in sections(note) if a <= at < b)


@pytest.mark.parametrize(
    ("note", "words", "section"),
    [
        ("FHx: sister with lupus\nImpression / Recommendations:\n1. Gout flare", "Gout flare", "assessment"),
        ("FH: dad MI\nAssessment and recommendations: iron deficiency", "iron deficiency", "assessment"),
        ("FH: dad MI at 60\nRecommendations: statin", "statin", "assessment"),
        (
            "Family history:\nsister with lupus\nPt also has gout flare",
            "gout flare",
            "fh",
        ),  # no heading ends it
    ],
)
def test_a_consult_letters_impression_and_recommendations_heading(
    note: str, words: str, section: str
) -> None:
    assert _section_at(note, words) == section


@pytest.mark.parametrize(
    ("note", "words", "section"),
    [
        ("Admit dx: chest pain\nD/C dx: NSTEMI", "NSTEMI", "diagnosis"),
        ("Admit dx: chest pain\nD/C dx: NSTEMI", "chest pain", "diagnosis"),
        ("Seen for D/C planning: home with PT", "home with PT", "body"),
    ],
)
def test_admission_and_discharge_diagnosis_lines(note: str, words: str, section: str) -> None:
    assert _section_at(note, words) == section


@pytest.mark.parametrize(
    ("note", "family"),
    [
        ("FHx - paternal uncle died of colon cancer at 58", True),
        ("maternal grandmother with breast ca", True),
        ("older sister has type 1 diabetes", True),
        ("Maternal fever in labor, GBS negative", False),  # the newborn's mother at birth, not a history
    ],
)
def test_a_relative_named_with_the_side_of_the_family(note: str, family: bool) -> None:
    mentions = [m for m in read_note(note) if not m.negated]
    assert any(m.family for m in mentions) is family


DEVICES = hierarchy_catalog(
    {
        "Z95.810": "Presence of automatic (implantable) cardiac defibrillator",
        "I10": "Essential (primary) hypertension",
    },
    {"Z95": "Presence of cardiac and vascular implants and grafts", "Z95.8": "Other cardiac implants"},
)


@pytest.mark.parametrize(
    ("note", "status"),
    [
        ("1. HTN\n2. NICM, s/p ICD 2024, no shocks", True),
        ("1. HTN\nFamily: his brother has an ICD after cardiac arrest", False),
        ("1. HTN\nFH: father with an ICD", False),
    ],
)
def test_a_relatives_defibrillator_is_no_status_of_the_patient(note: str, status: bool) -> None:
    picks = {"I10": Pick("I10", 0.7, True, [_mention(note, "HTN")])}
    device_status(picks, NoteContext(note=note), DEVICES)
    assert ("Z95.810" in picks and picks["Z95.810"].final) is status


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("SHPT of CKD 4, PTH 310", "secondary hyperparathyroidism of renal origin"),
        ("SHPT after gastric bypass, vit D low", "secondary hyperparathyroidism"),
        ("sutured in our UC last week", "urgent care"),
        ("UC on mesalamine, no bleeding", "ulcerative colitis"),
    ],
)
def test_abbreviations_for_hyperparathyroidism_and_urgent_care(text: str, expanded: str) -> None:
    assert expanded in expand_text(text)
    if "gastric" in text:
        assert "renal origin" not in expand_text(text)


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("Slipped on an icy driveway getting the mail", "W00.0XXA"),
        ("She slipped on a patch of black ice outside church", "W00.0XXA"),
        ("Slipped on a wet bathroom floor", "W01.0XXA"),
    ],
)
def test_a_slip_on_ice_said_with_an_article(sentence: str, code: str) -> None:
    assert fall_code(sentence) == code


def _injury_catalog() -> CodeCatalog:
    codes: dict[str, list[object]] = {
        "S61": ["ICD-10-CM", "Open wound of wrist, hand and fingers", False, None, "category"],
        "S61.211D": [
            "ICD-10-CM",
            "Laceration without foreign body of left index finger, subsequent encounter",
            True,
            "S61",
            "code",
        ],
        "Z48.02": ["ICD-10-CM", "Encounter for removal of sutures", True, None, "code"],
    }
    return CodeCatalog({"codes": codes, "seven_chr": {"S61": {"A": "initial", "D": "subsequent"}}})


@pytest.mark.parametrize(("char", "kept"), [("D", False), ("A", True)])
def test_suture_removal_after_an_injury_is_the_injurys_subsequent_encounter(char: str, kept: bool) -> None:
    note = "Sutures out today; finger laceration healed"
    picks = {
        "S61.211D": Pick("S61.211D", 0.7, True, [_mention(note, "finger laceration")]),
        "Z48.02": Pick("Z48.02", 0.6, True, [_mention(note, "Sutures out")]),
    }
    if char == "A":
        picks.pop("S61.211D")
    injury_aftercare(picks, _injury_catalog(), char)
    assert picks["Z48.02"].final is kept


@pytest.mark.parametrize(
    ("symptom", "diagnoses", "owner"),
    [
        ("R13.10", ["K20.0"], "K20.0"),
        ("R13.10", ["K21.9"], None),  # reflux alone does not explain trouble swallowing
        ("L02.214", ["L73.2"], "L73.2"),
        ("L02.214", ["E11.9"], None),
        ("K11.7", ["M35.01"], "M35.01"),
        ("S82.51XA", ["S82.841A"], "S82.841A"),
        ("S82.51XA", ["S82.101A"], None),
        ("R50.9", ["O23.02"], "O23.02"),
        ("R50.9", ["J36"], "J36"),
    ],
)
def test_parts_of_a_diagnosis_are_not_coded_beside_it(
    symptom: str, diagnoses: list[str], owner: str | None
) -> None:
    assert integral_to(symptom, diagnoses) == owner


STEROIDS = hierarchy_catalog(
    {
        "Z79.52": "Long term (current) use of systemic steroids",
        "J36": "Peritonsillar abscess",
        "M06.9": "Rheumatoid arthritis, unspecified",
    },
    {"Z79": "Long term (current) drug therapy", "Z79.5": "Long term use of steroids", "M06": "Other RA"},
)


@pytest.mark.parametrize(
    ("note", "dx", "taking"),
    [
        ("A/P: peritonsillar abscess - clindamycin, dexamethasone 10 mg IV", "peritonsillar abscess", False),
        ("A/P: RA - prednisone 5 mg daily, methotrexate weekly", "RA", True),
    ],
)
def test_a_steroid_pushed_once_at_the_visit_is_no_long_term_use(note: str, dx: str, taking: bool) -> None:
    code = "J36" if "abscess" in dx else "M06.9"
    picks = {code: Pick(code, 0.8, True, [_mention(note, dx)])}
    add_drugs(picks, NoteContext(note=note), STEROIDS)
    assert ("Z79.52" in picks and picks["Z79.52"].final) is taking


BMI_CHILD = hierarchy_catalog(
    {
        "Z68.54": "Body mass index [BMI] pediatric, 95th percentile for age to less than 120% of the 95th "
        "percentile for age",
        "Z68.55": "Body mass index [BMI] pediatric, 120% of the 95th percentile for age to less than 140% of "
        "the 95th percentile for age",
        "Z68.56": "Body mass index [BMI] pediatric, greater than or equal to 140% of the 95th percentile "
        "for age",
        "E66.9": "Obesity, unspecified",
    },
    {
        "Z68": "Body mass index [BMI]",
        "Z68.5": "Body mass index [BMI] pediatric",
        "E66": "Overweight and obesity",
    },
    refs={"E66": {"use_additional": ["Z68.-"]}},
)


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("BMI 27.5 (131% of the 95th percentile)", "Z68.55"),
        ("BMI 35 = 152% of 95th %ile", "Z68.56"),
        ("BMI 24, 97th percentile", "Z68.54"),  # a percentile alone: the first range at or above the 95th
    ],
)
def test_a_childs_bmi_said_as_a_share_of_the_95th_percentile(words: str, code: str) -> None:
    note = f"8 yo well visit. {words}.\nA/P: obesity - nutrition referral"
    picks = {"E66.9": Pick("E66.9", 0.8, True, [_mention(note, "obesity")])}
    add_bmi(picks, NoteContext(note=note, age=8), BMI_CHILD)
    assert [c for c, p in picks.items() if c.startswith("Z68") and p.final] == [code]


@pytest.mark.parametrize(
    ("words", "kept"),
    [
        ("BMI 12.8 = 3rd %ile (underweight)", False),
        ("BMI 17.6 (60th %ile)", False),
        ("BMI 24, 97th percentile", True),
    ],
)
def test_a_childs_bmi_percentile_below_the_85th_is_no_obesity(words: str, kept: bool) -> None:
    note = f"7 yo f/u. {words}.\nA/P: weight - nutrition referral"
    picks = {"E66.9": Pick("E66.9", 0.8, True, [_mention(note, words)])}
    add_bmi(picks, NoteContext(note=note, age=7), BMI_CHILD)
    assert picks["E66.9"].final is kept


@pytest.mark.parametrize(
    ("text", "expanded"),
    [("Dx: L AOM, amoxicillin", "left acute otitis media"), ("R OME, tubes discussed", "right otitis media")],
)
def test_a_side_letter_before_an_otitis_abbreviation(text: str, expanded: str) -> None:
    assert expanded in expand_text(text)


def test_vaginal_bleeding_after_menopause_is_the_postmenopausal_bleeding() -> None:
    assert integral_to("N93.9", ["N95.0"]) == "N95.0"
    assert integral_to("N93.9", ["N92.0"]) is None


@pytest.mark.parametrize(
    ("chunk", "test"),
    [
        ("endometrial bx in office today", True),
        ("skin biopsy at the clinic", True),
        ("endometrial hyperplasia", False),
    ],
)
def test_a_biopsy_done_in_the_office_is_a_test_not_a_diagnosis(chunk: str, test: bool) -> None:
    assert (why_not_coded(chunk) is not None) is test


RESP_FAILURE = hierarchy_catalog(
    {
        "J96.00": "Acute respiratory failure, unspecified whether with hypoxia or hypercapnia",
        "J96.01": "Acute respiratory failure with hypoxia",
        "J96.02": "Acute respiratory failure with hypercapnia",
    },
    {"J96": "Respiratory failure, not elsewhere classified", "J96.0": "Acute respiratory failure"},
)


@pytest.mark.parametrize(
    ("line", "codes"),
    [
        ("Acute hypercapnic and hypoxic respiratory failure after sedation", ["J96.01", "J96.02"]),
        ("Acute resp failure, hypoxic/hypercarbic, on BiPAP", ["J96.01", "J96.02"]),
        ("Acute hypercapnic respiratory failure, SpO2 normal", ["J96.02"]),
    ],
)
def test_respiratory_failure_of_both_kinds_takes_both_codes(line: str, codes: list[str]) -> None:
    note = f"A/P: {line}"
    picks = {"J96.02": Pick("J96.02", 0.8, True, [_mention(note, line)])}
    both_kinds_of_respiratory_failure(picks, NoteContext(note=note), RESP_FAILURE)
    assert sorted(c for c, p in picks.items() if p.final) == codes


@pytest.mark.parametrize(
    ("note", "unsaid"),
    [
        ("Low-risk prostate cancer on active surveillance. S/p vasectomy.", True),
        ("Active surveillance. FHx: brother s/p prostatectomy at 60.", True),
        ("Prostate cancer s/p radical prostatectomy 2022, PSA now 0.4 and rising", False),
    ],
)
def test_a_rise_after_treatment_needs_the_patients_own_treatment(note: str, unsaid: bool) -> None:
    title = "Rising PSA following treatment for malignant neoplasm of prostate"
    assert treatment_unsaid(title, note) is unsaid


OPIOID_EFFECT = hierarchy_catalog(
    {
        "T40.2X5A": "Adverse effect of other opioids, initial encounter",
        "K59.03": "Drug induced constipation",
        "J96.01": "Acute respiratory failure with hypoxia",
    },
    {
        "T40": "Poisoning by narcotics",
        "T40.2": "Other opioids",
        "T40.2X": "Other opioids",
        "T40.2X5": "Adverse effect of other opioids",
        "K59": "Other functional intestinal disorders",
        "K59.0": "Constipation",
        "J96": "Respiratory failure",
        "J96.0": "Acute respiratory failure",
    },
)


@pytest.mark.parametrize(
    ("line", "code", "effect"),
    [
        ("constipation due to opioids", "K59.03", True),
        ("acute respiratory failure due to opioid overdose", "J96.01", False),
        ("acute respiratory failure 2/2 opioid OD", "J96.01", False),
    ],
)
def test_a_drug_taken_in_excess_is_no_adverse_effect(line: str, code: str, effect: bool) -> None:
    note = f"A/P: {line}"
    picks = {code: Pick(code, 0.8, True, [_mention(note, line.split(" due")[0].split(" 2/2")[0])])}

    def search(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
        return [("T40.2X5", 0.9)] if "opioid" in text else []

    drug_adverse_effects(picks, NoteContext(note=note, search=search), OPIOID_EFFECT)
    assert ("T40.2X5A" in picks) is effect


OPIOID_USE = hierarchy_catalog(
    {
        "Z79.891": "Long term (current) use of opiate analgesic",
        "F11.90": "Opioid use, unspecified, uncomplicated",
        "G89.4": "Chronic pain syndrome",
    },
    {"Z79": "Long term drug therapy", "Z79.8": "Other", "Z79.89": "Other", "F11": "Opioid related disorders",
     "F11.9": "Opioid use, unspecified", "G89": "Pain"},
)  # fmt: skip


@pytest.mark.parametrize(
    ("line", "z79", "f11"),
    [
        ("Long-term opioid use, MME 60 - naloxone kit", True, False),
        ("Chronic opioid therapy per pain agreement", True, False),
        ("Opioid use, intermittent, not prescribed", False, True),
    ],
)
def test_long_term_prescribed_opioids_are_z79_not_a_use_code(line: str, z79: bool, f11: bool) -> None:
    note = f"A/P:\n1) Chronic pain syndrome\n2) {line}"
    picks = {
        "G89.4": Pick("G89.4", 0.9, True, [_mention(note, "Chronic pain syndrome")]),
        "F11.90": Pick("F11.90", 0.6, True, [_mention(note, line)]),
    }
    add_drugs(picks, NoteContext(note=note), OPIOID_USE)
    assert ("Z79.891" in picks and picks["Z79.891"].final) is z79
    assert picks["F11.90"].final is f11


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("Failed back surgery syndrome after L5-S1 fusion", "postlaminectomy syndrome"),
        ("Dry ARMD OU, intermediate", "intermediate dry stage"),
        ("Dry AMD OS, intermediate stage", "intermediate stage"),
        ("Pulmonary nodule, intermediate risk", "intermediate risk"),
    ],
)
def test_wordings_of_failed_back_surgery_and_a_macular_degeneration_stage(text: str, expanded: str) -> None:
    assert expanded in expand_text(text)
    assert "stage stage" not in expand_text(text) and "dry stage risk" not in expand_text(text)


PSEUDOPHAKIA = hierarchy_catalog(
    {"Z96.1": "Presence of intraocular lens", "I10": "Essential (primary) hypertension"},
    {"Z96": "Presence of other functional implants"},
)


@pytest.mark.parametrize(
    ("line", "status"),
    [("Pseudophakia OU, posterior capsule clear", True), ("IOL master measurements for surgery", False)],
)
def test_pseudophakia_is_the_lens_status_by_itself(line: str, status: bool) -> None:
    note = f"1. HTN\n2. {line}"
    picks = {"I10": Pick("I10", 0.7, True, [_mention(note, "HTN")])}
    device_status(picks, NoteContext(note=note), PSEUDOPHAKIA)
    assert ("Z96.1" in picks and picks["Z96.1"].final) is status


def test_a_list_running_on_one_line_bounds_each_items_clause() -> None:
    note = "Imp: 1) wet AMD OD with active CNV 2) dry AMD OS, intermediate 3) pseudophakia"
    words = "dry AMD OS, intermediate"
    start = note.index(words)
    mention = Mention(start, start + len(words), words, words, "assessment", 0, len(note))
    assert _clause_of(note, mention, []).strip() == words


LYMPHOMA = hierarchy_catalog(
    {
        "C83.30": "Diffuse large B-cell lymphoma, unspecified site",
        "C83.31": "Diffuse large B-cell lymphoma, lymph nodes of head, face, and neck",
        "C83.38": "Diffuse large B-cell lymphoma, lymph nodes of multiple sites",
    },
    {"C83": "Non-follicular lymphoma", "C83.3": "Diffuse large B-cell lymphoma"},
)


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("DLBCL, bulky neck and axillary nodes on PET\nA/P: DLBCL - R-CHOP", "C83.38"),
        ("DLBCL with nodal disease above and below the diaphragm\nA/P: DLBCL", "C83.38"),
        ("DLBCL, single neck node, cervical spine MRI normal\nA/P: DLBCL", "C83.30"),  # one region only
    ],
)
def test_a_lymphoma_in_nodes_of_several_regions_is_multiple_sites(note: str, code: str) -> None:
    picks = {"C83.30": Pick("C83.30", 0.8, True, [_mention(note, "A/P: DLBCL")])}
    lymphoma_of_multiple_sites(picks, NoteContext(note=note), LYMPHOMA)
    assert [c for c, p in picks.items() if p.final] == [code]


@pytest.mark.parametrize(
    ("chunk", "kind"),
    [
        ("s/p 6 intravitreal injections OS", "status"),
        ("s/p 3 steroid injections R shoulder", "status"),
        ("s/p 4 cycles of carboplatin", None),  # a chemotherapy history keeps its own code
        ("s/p 2 miscarriages", None),
    ],
)
def test_a_count_of_injections_given_is_no_status(chunk: str, kind: str | None) -> None:
    assert why_not_coded(chunk) == kind


def test_a_mite_an_allergy_is_due_to_is_no_infestation() -> None:
    assert integral_to("B88.9", ["J30.89"]) == "J30.89"
    assert integral_to("B88.0", ["L25.9"]) is None  # a mite rash without an allergic diagnosis


@pytest.mark.parametrize(
    ("code", "title", "texts", "unsaid"),
    [
        ("H72.92", "Unspecified perforation of tympanic membrane, left ear", ["L TM bulging"], True),
        ("H72.92", "Unspecified perforation of tympanic membrane, left ear", ["L TM perforated"], False),
        ("Z99.2", "Dependence on renal dialysis", ["on HD MWF"], False),  # a status: its own rule
    ],
)
def test_a_partner_whose_condition_word_is_unsaid(
    code: str, title: str, texts: list[str], unsaid: bool
) -> None:
    assert head_unsaid(code, title, texts) is unsaid


@pytest.mark.parametrize(
    ("sentence", "given"),
    [
        ("Intravitreal bevacizumab 1.25 mg OS today after betadine prep", True),
        ("Today: intra-articular triamcinolone 40 mg R knee", True),
        ("Intravitreal injection OS at the next visit", False),
        ("Start insulin glargine 10 units SQ today", False),  # a prescription begun, not a drug given here
    ],
)
def test_a_clinician_only_route_said_for_today_is_a_drug_given(sentence: str, given: bool) -> None:
    assert documents_service(sentence) is given


HCQ = hierarchy_catalog(
    {
        "Z79.899": "Other long term (current) drug therapy",
        "M32.9": "Systemic lupus erythematosus, unspecified",
    },
    {"Z79": "Long term drug therapy", "Z79.8": "Other", "Z79.89": "Other", "M32": "SLE"},
)


@pytest.mark.parametrize(
    ("line", "taking"),
    [
        ("SLE - hydroxychloroquine 200 mg bid, eye exam due", True),
        ("SLE - hydroxychloroquine stopped 2023", False),
    ],
)
def test_hydroxychloroquine_taken_is_other_long_term_drug_therapy(line: str, taking: bool) -> None:
    note = f"A/P: {line}"
    picks = {"M32.9": Pick("M32.9", 0.8, True, [_mention(note, "SLE")])}
    add_drugs(picks, NoteContext(note=note), HCQ)
    assert ("Z79.899" in picks and picks["Z79.899"].final) is taking


@pytest.mark.parametrize(
    ("note", "title", "negated"),
    [
        (
            "nonischemic cardiomyopathy",
            "Family history of ischemic heart disease and other diseases of the circulatory system",
            [],
        ),
        ("nonischemic cardiomyopathy", "Ischemic cardiomyopathy", ["ischemic"]),
    ],
)
def test_an_example_in_an_and_other_title_is_not_contradicted(
    note: str, title: str, negated: list[str]
) -> None:
    assert plain_words_negated(note, title) == negated


@pytest.mark.parametrize(
    ("line", "query"),
    [
        ("FHx: father died at 62 of colon cancer", "family history of colon cancer"),
        ("FHx: sister (39) has lupus", "family history of lupus"),
        ("FHx: mother alive w/ breast cancer", "family history of breast cancer"),
    ],
)
def test_what_a_relative_had_is_read_without_the_age_or_the_verb(line: str, query: str) -> None:
    mentions = [m for m in read_note(f"{line}\nA: HTN") if m.family]
    assert [f"family history of {clean_query(m.query)}" for m in mentions] == [query]


@pytest.mark.parametrize(
    ("note", "words", "section"),
    [
        ("FHx: father MI at 55\nECG: sinus, LBBB\nA: LBBB", "ECG", "hpi"),
        ("SH: retired teacher, no tobacco\nExam: lungs clear", "lungs clear", "exam"),
        (
            "Family history:\n- mother breast cancer\n- father MI",
            "father MI",
            "fh",
        ),  # a list under the heading
    ],
)
def test_a_family_or_social_history_on_its_headings_line_ends_there(
    note: str, words: str, section: str
) -> None:
    note = "HPI: here for follow-up\n" + note
    assert _section_at(note, words) == section


@pytest.mark.parametrize(
    ("chunk", "kind"),
    [("trace AI", "normal finding"), ("trivial MR/TR", "normal finding"), ("moderate AI", None)],
)
def test_a_trace_valve_leak_is_physiologic(chunk: str, kind: str | None) -> None:
    assert why_not_coded(chunk) == kind


POISONINGS = hierarchy_catalog(
    {
        "T40.411A": "Poisoning by fentanyl or fentanyl analogs, accidental, initial encounter",
        "T40.2X1A": "Poisoning by other opioids, accidental (unintentional), initial encounter",
        "T42.4X1A": "Poisoning by benzodiazepines, accidental (unintentional), initial encounter",
    },
    {"T40": "Poisoning by narcotics", "T42": "Poisoning by antiepileptic and sedative-hypnotic drugs"},
)


@pytest.mark.parametrize(
    ("words", "second", "kept"),
    [
        ("opioid OD", "T40.2X1A", False),  # the fentanyl overdose said again by its class
        ("oxycodone 80 mg ingested", "T40.2X1A", True),  # a second drug named
        ("benzodiazepine OD", "T42.4X1A", True),  # another block: another drug
    ],
)
def test_an_overdose_said_again_by_its_class_is_no_second_poisoning(
    words: str, second: str, kept: bool
) -> None:
    note = f"Imp: accidental fentanyl overdose; hypoxic respiratory failure 2/2 {words}"
    picks = {
        "T40.411A": Pick("T40.411A", 0.8, True, [_mention(note, "accidental fentanyl overdose")]),
        second: Pick(second, 0.5, True, [_mention(note, words)]),
    }
    class_word_poisoning(picks, NoteContext(note=note), POISONINGS)
    assert picks[second].final is kept


@pytest.mark.parametrize(
    ("chunk", "kind"),
    [
        ("TVUS today: endometrial stripe 11 mm", "vitals or labs"),
        ("cervical length 3.4 cm", "vitals or labs"),
        ("endometrial hyperplasia without atypia", None),
    ],
)
def test_a_structure_measured_on_imaging_is_a_value(chunk: str, kind: str | None) -> None:
    assert why_not_coded(chunk) == kind

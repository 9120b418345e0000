"""Third round of reader and final-list rules found on new office notes: each with a note it must code
and one it must not. Notes here are written for these tests; titles are the ICD-10-CM tabular's (public
domain)."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.adverse_effects import adverse_effect_sequela, drug_adverse_effects
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.device_status import device_status
from assistant.suggest.coding_rules.encounters import administrative_exam, cancer_follow_up, immunization
from assistant.suggest.coding_rules.index_pairs import index_pairs
from assistant.suggest.coding_rules.injuries import _ACTIVITY_WHEN
from assistant.suggest.coding_rules.neoplasm_pain import neoplasm_related_pain
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick


def _mention(note: str, text: str) -> Mention:
    start = note.index(text)
    return Mention(start, start + len(text), text, text, "assessment", 0, len(note))


def _reading(note: str) -> dict[str, str | None]:
    """Each mention's text -> why it is not coded (None: it may be coded)."""
    return {m.text: m.not_coded for m in read_note(note)}


# ------------------------------------------------------------ abbreviations
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pAF on apixaban", "paroxysmal atrial fibrillation"),
        ("PAF, rate controlled", "paroxysmal atrial fibrillation"),
        ("newly dx DLBCL, stage III", "diffuse large b-cell lymphoma"),
        ("6 AKs on the scalp", "actinic keratosis"),
        ("colon cancer 2019, NED", "no evidence of disease"),
    ],
)
def test_new_abbreviations_expand(text: str, expected: str) -> None:
    assert expected in expand_text(text)


def test_ned_in_lower_case_is_left_as_written() -> None:
    assert expand_text("the ned wound") == "the ned wound"  # NED is an abbreviation only in capitals


def test_fh_is_familial_hypercholesterolemia_only_where_the_note_names_it() -> None:
    said = expand_text("FH (heterozygous familial hypercholesterolemia) - LDL 88 on rosuvastatin")
    assert said.startswith("familial hypercholesterolemia (")
    assert expand_text("FH: father with premature CAD; LDL 130").startswith("family history:")


# ------------------------------------------------------------ findings that are no diagnosis
def test_a_sinus_rhythm_written_nsr_is_a_finding_not_sinusitis() -> None:
    reading = _reading("Cards f/u. CAD, no angina. pAF on apixaban, in NSR today.\nECG: NSR, no ST changes.")
    assert reading["in NSR today"] == "vitals or labs" and reading["NSR"] == "vitals or labs"
    assert (
        _reading("A: Chronic maxillary sinusitis, on saline rinses.")["Chronic maxillary sinusitis"] is None
    )


def test_no_evidence_of_disease_is_a_status_not_a_condition() -> None:
    assert why_not_coded("NED") == "status"
    assert why_not_coded("no evidence of recurrence") == "status"
    assert why_not_coded("Neutropenia due to chemo") is None


def test_a_disease_listed_among_vaccines_given_is_the_vaccine() -> None:
    given = _reading("P: MMR, varicella, Hep A #1 given today after VIS reviewed.")
    assert given["varicella"] == "immunization given" and given["Hep A"] == "immunization given"
    sick = _reading("A: Varicella, day 3 of rash, afebrile.\nP: calamine, acyclovir.")
    assert sick["Varicella"] is None


# ------------------------------------------------------------ an acute condition on a chronic one
def test_an_acute_kidney_injury_on_ckd_is_read_as_two_conditions() -> None:
    texts = [m.text for m in read_note("Dx:\n1. Acute kidney injury on CKD 3a, prerenal\n2. AKI on ESRD")]
    assert {"Acute kidney injury", "CKD 3a", "AKI", "ESRD"} <= set(texts)
    assert [m.text for m in read_note("Seen today.\nDx: Pneumonia superimposed on COPD.")][1:] == [
        "Pneumonia",
        "COPD",
    ]
    # "acute on chronic" qualifies one condition; a drug after "on" is no condition
    texts = [m.text for m in read_note("Seen today.\nDx: acute on chronic kidney disease. pAF on apixaban.")]
    assert "acute on chronic kidney disease" in texts and "pAF on apixaban" in texts


# ------------------------------------------------------------ Z08 only when no cancer is treated now
ENC_TITLES = {
    "Z08": "Encounter for follow-up examination after completed treatment for malignant neoplasm",
    "Z85.3": "Personal history of malignant neoplasm of breast",
    "C83.38": "Diffuse large B-cell lymphoma, lymph nodes of multiple sites",
    "Z51.11": "Encounter for antineoplastic chemotherapy",
}


@pytest.fixture(scope="module")
def enc_catalog() -> CodeCatalog:
    codes = {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in ENC_TITLES.items()}
    return CodeCatalog({"codes": codes, "refs": {}})


def test_follow_up_after_a_completed_cancer_is_not_coded_beside_a_cancer_treated_now(
    enc_catalog: CodeCatalog,
) -> None:
    note = "Hx breast CA 2018, completed treatment, NED. Surveillance mammogram normal."
    history = _mention(note, "Hx breast CA")
    picks = {"Z85.3": Pick("Z85.3", 0.8, True, [history])}
    cancer_follow_up(picks, NoteContext(note=note), enc_catalog)
    assert picks["Z08"].final  # the surveillance visit of a completed cancer
    lymphoma = note + "\nDLBCL - proceed with cycle 2 R-CHOP today."
    for current in ("C83.38", "Z51.11"):
        picks = {"Z85.3": Pick("Z85.3", 0.8, True, [history]), current: Pick(current, 0.8, True, [history])}
        cancer_follow_up(picks, NoteContext(note=lymphoma), enc_catalog)
        assert "Z08" not in picks


def test_a_follow_up_the_ranker_coded_goes_when_a_cancer_is_found_current(enc_catalog: CodeCatalog) -> None:
    note = "Lymphoma f/u. DLBCL relapsed on PET - start R-ICE."
    follow_up = _mention(note, "Lymphoma f/u")
    picks = {"Z08": Pick("Z08", 0.6, True, [follow_up]), "C83.38": Pick("C83.38", 0.8, True, [follow_up])}
    cancer_follow_up(picks, NoteContext(note=note), enc_catalog)
    assert not picks["Z08"].final and picks["C83.38"].final  # the cancer found is coded in its place
    picks = {"Z08": Pick("Z08", 0.6, True, [follow_up])}
    cancer_follow_up(picks, NoteContext(note=note), enc_catalog)
    assert picks["Z08"].final  # no current cancer: the follow-up stays


def test_a_completed_cancer_in_the_past_history_does_not_make_the_visit_a_follow_up(
    enc_catalog: CodeCatalog,
) -> None:
    note = "PMH: breast cancer 2015, completed treatment, NED.\nA/P: Essential hypertension, at goal."
    history = _mention(note, "breast cancer")
    picks = {"Z85.3": Pick("Z85.3", 0.8, True, [history])}
    cancer_follow_up(picks, NoteContext(note=note), enc_catalog)
    assert "Z08" not in picks
    note = "Here for surveillance of breast cancer, completed treatment 2015.\nPMH: HTN."
    picks = {"Z85.3": Pick("Z85.3", 0.8, True, [_mention(note, "breast cancer")])}
    cancer_follow_up(picks, NoteContext(note=note), enc_catalog)
    assert picks["Z08"].final


# ------------------------------------------------------------ a device status beside "today" elsewhere
def test_a_bypass_graft_status_is_read_though_another_sentence_of_its_line_says_today() -> None:
    catalog = CodeCatalog(
        {
            "codes": {"Z95.1": ["ICD-10-CM", "Presence of aortocoronary bypass graft", True, "Z95", "code"]},
            "refs": {},
        }
    )
    picks: dict[str, Pick] = {}
    device_status(picks, NoteContext(note="CAD s/p CABG x3 2019, no angina. In NSR today."), catalog)
    assert picks["Z95.1"].final
    picks = {}
    device_status(picks, NoteContext(note="Post-op day 1: s/p CABG today, chest tubes in place."), catalog)
    assert "Z95.1" not in picks  # the operation of this stay is no status


# ------------------------------------------------------------ drug-induced conditions (I.C.19.e.5.a)
AE_TITLES = {
    "T38.895A": (
        "Adverse effect of other hormones and synthetic substitutes, initial encounter",
        True,
        "T38.895",
    ),
    "E03": ("Other hypothyroidism", False, None),
    "E03.2": ("Hypothyroidism due to medicaments and other exogenous substances", True, "E03"),
    "E03.9": ("Hypothyroidism, unspecified", True, "E03"),
    "D70": ("Neutropenia", False, None),
    "D70.1": ("Agranulocytosis secondary to cancer chemotherapy", True, "D70"),
    "D70.2": ("Other drug-induced agranulocytosis", True, "D70"),
    "D70.9": ("Neutropenia, unspecified", True, "D70"),
    "T46.2X5A": ("Adverse effect of other antidysrhythmic drugs, initial encounter", True, "T46.2X5"),
    "G62": ("Other and unspecified polyneuropathies", False, None),
    "G62.0": ("Drug-induced polyneuropathy", True, "G62"),
    "G62.9": ("Polyneuropathy, unspecified", True, "G62"),
    "T48.5X5A": ("Adverse effect of other anti-common-cold drugs, initial encounter", True, "T48.5X5"),
    "T47.6X5A": ("Adverse effect of antidiarrheal drugs, initial encounter", True, "T47.6X5"),
    "T45.1X5A": (
        "Adverse effect of antineoplastic and immunosuppressive drugs, initial encounter",
        True,
        "T45.1X5",
    ),
    "T43.595A": (
        "Adverse effect of other antipsychotics and neuroleptics, initial encounter",
        True,
        "T43.595",
    ),
    "T43.225A": (
        "Adverse effect of selective serotonin reuptake inhibitors, initial encounter",
        True,
        "T43.225",
    ),
    "E22.2": ("Syndrome of inappropriate secretion of antidiuretic hormone", True, "E22"),
    "D50": ("Iron deficiency anemia", False, None),
    "D50.0": ("Iron deficiency anemia secondary to blood loss (chronic)", True, "D50"),
    "D51.9": ("Vitamin B12 deficiency anemia, unspecified", True, "D51"),
    "T45.2X5A": ("Adverse effect of vitamins, initial encounter", True, "T45.2X5"),
    "T45.8X5A": (
        "Adverse effect of other primarily systemic and hematological agents, initial encounter",
        True,
        "T45.8X5",
    ),
    "E87.1": ("Hypo-osmolality and hyponatremia", True, "E87"),
    "T50.2X5A": (
        "Adverse effect of carbonic-anhydrase inhibitors, benzothiadiazides and other diuretics, initial "
        "encounter",
        True,
        "T50.2X5",
    ),
    "K26.4": ("Chronic or unspecified duodenal ulcer with hemorrhage", True, "K26"),
    "T39.315A": ("Adverse effect of propionic acid derivatives, initial encounter", True, "T39.315"),
    "T39.395A": (
        "Adverse effect of other nonsteroidal anti-inflammatory drugs [NSAID], initial encounter",
        True,
        "T39.395",
    ),
}
# The engine's retrieval of "adverse effect of <drug>" within the Drug table's codes, as a stand-in.
DRUG_TABLE = {
    "siadh": [("T38.895A", 0.9)],  # what a search of the Drug table gives for "antidiuretic hormone"
    "amiodarone": [("T46.2X5S", 0.74), ("T46.2X5A", 0.73)],
    "naproxen": [("T39.315A", 0.87)],
    "nonsteroidal anti-inflammatory drug": [("T39.395A", 0.81)],
    "antineoplastic drug": [("T45.1X5S", 0.85), ("T45.1X5A", 0.83)],
    "cold": [("T48.5X5A", 0.9)],  # "cold preparations" are in the Drug table; "cold-induced" is no drug
    "drugs": [("T47.6X5A", 0.79)],  # the generic word finds some drug's code: no drug is named
    # a class term of the rule's own table scores as a plain search, below a Drug-table walk
    "lithium salts (carbonate)": [("T43.595A", 0.56)],
    "selective serotonin reuptake inhibitor": [("T43.225A", 0.66)],
    "hydrochlorothiazide": [("T50.2X5A", 0.95)],
    "menorrhagia": [("T45.8X5A", 0.77)],  # a condition word the dense search places near some drug
    "b12": [("T45.2X5A", 0.8)],  # a vitamin is in the Drug table
}


def _search(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
    assert all(p.startswith("T") for p in prefixes)
    drug = text.removeprefix("adverse effect of ").lower()
    return DRUG_TABLE.get(drug, [("T47.5X5S", 0.47)])  # a word that is no drug scores low


@pytest.fixture(scope="module")
def ae_catalog() -> CodeCatalog:
    codes = {c: ["ICD-10-CM", t, b, p, "code"] for c, (t, b, p) in AE_TITLES.items()}
    return CodeCatalog({"codes": codes, "refs": {}})


@pytest.mark.parametrize(
    ("note", "condition", "code", "expected"),
    [
        ("A/P: Amiodarone-induced hypothyroidism - start levothyroxine.", "hypothyroidism", "E03.9",
         {"E03.2", "T46.2X5A"}),
        ("2. Neutropenia due to chemo (ANC 1.3) - G-CSF.", "Neutropenia", "D70.9", {"D70.1", "T45.1X5A"}),
        # not attributed to a drug, or to something that is no drug: nothing changes
        ("A/P: Hypothyroidism due to Hashimoto thyroiditis - levothyroxine.", "Hypothyroidism", "E03.9",
         {"E03.9"}),
        ("A/P: Hypothyroidism, TSH 9 - start levothyroxine. On amiodarone.", "Hypothyroidism", "E03.9",
         {"E03.9"}),
        ("No amiodarone-induced hypothyroidism; TSH normal. Hypothyroidism ruled out.", "hypothyroidism",
         "E03.9", {"E03.9"}),
        # the drug before the condition; a drug the Drug table lacks, known as an antineoplastic
        ("A/P: Oxaliplatin neuropathy gr 1 - monitor.", "Oxaliplatin neuropathy", "G62.9",
         {"G62.0", "T45.1X5A"}),
        ("Cold-induced tingling of the fingertips, peripheral neuropathy.", "peripheral neuropathy", "G62.9",
         {"G62.9"}),
        ("Neutropenia due to drugs, agent not known.", "Neutropenia", "D70.9", {"D70.9"}),
        # already the drug-induced form: it stays, the adverse effect is added
        ("Agranulocytosis secondary to chemo, day 10.", "Agranulocytosis", "D70.1", {"D70.1", "T45.1X5A"}),
        # a class term the rule knows; "d/t" and "2/2" attribute as "due to" does
        ("TSH 9.8: lithium-induced hypothyroidism.", "hypothyroidism", "E03.9", {"E03.2", "T43.595A"}),
        ("A/P: SIADH 2/2 SSRI - fluid restriction.", "SIADH", "E22.2", {"E22.2", "T43.225A"}),
        # how long the drug was taken is not its name; a cause that is no drug still changes nothing
        ("A: Hypothyroidism due to long-term amiodarone - levothyroxine.", "Hypothyroidism", "E03.9",
         {"E03.2", "T46.2X5A"}),
        ("A: Hypothyroidism due to long-standing Hashimoto thyroiditis.", "Hypothyroidism", "E03.9",
         {"E03.9"}),
        # the attribution after the condition; the drug's own name in brackets after its class
        ("1. Bleeding duodenal ulcer, NSAID-associated (naproxen), H. pylori +", "Bleeding duodenal ulcer",
         "K26.4", {"K26.4", "T39.315A"}),
        ("1. Bleeding duodenal ulcer, NSAID-associated", "Bleeding duodenal ulcer", "K26.4",
         {"K26.4", "T39.395A"}),
        ("1. Bleeding duodenal ulcer, stress-related", "Bleeding duodenal ulcer", "K26.4", {"K26.4"}),
        # "from" attributes as "due to" does; from something that is no drug it changes nothing
        ("A/P: Hypothyroidism from amiodarone - levothyroxine.", "Hypothyroidism", "E03.9",
         {"E03.2", "T46.2X5A"}),
        ("A/P: Hypothyroidism from Hashimoto thyroiditis.", "Hypothyroidism", "E03.9", {"E03.9"}),
        ("A/P: Neuropathy from cold exposure.", "Neuropathy", "G62.9", {"G62.9"}),
        # a drug name notes shorten ("HCTZ"), a drug the table lists by its class only ("sertraline"), a
        # second drug of the same cause; a second cause that is no drug adds nothing
        ("A/P: Hyponatremia d/t HCTZ and sertraline - hold both.", "Hyponatremia", "E87.1",
         {"E87.1", "T50.2X5A", "T43.225A"}),
        ("A/P: Hyponatremia due to HCTZ and low solute intake.", "Hyponatremia", "E87.1",
         {"E87.1", "T50.2X5A"}),
        ("A/P: Hyponatremia due to vomiting and diarrhea.", "Hyponatremia", "E87.1", {"E87.1"}),
        # an abbreviation of a condition ("SIADH": a syndrome of antidiuretic hormone) is no drug
        ("A/P: Hyponatremia 2/2 SIADH - fluid restriction.", "Hyponatremia", "E87.1", {"E87.1"}),
        # a word with a condition's ending is no drug, however near a drug the search places it
        ("A/P: Iron deficiency anemia secondary to menorrhagia.", "Iron deficiency anemia", "D50.0",
         {"D50.0"}),
        # "after" names the cause for an antineoplastic or a known drug class; otherwise it is a time
        ("Low counts: neutropenia after chemo, ANC 0.6.", "neutropenia", "D70.9", {"D70.1", "T45.1X5A"}),
        ("A/P: Hypothyroidism after amiodarone - levothyroxine.", "Hypothyroidism", "E03.9", {"E03.9"}),
        # a substance named for its lack is no drug taken
        ("- Macrocytic anemia 2/2 B12 deficiency -> B12 IM.", "Macrocytic anemia", "D51.9", {"D51.9"}),
    ],
)  # fmt: skip
def test_a_condition_attributed_to_a_drug_takes_its_drug_induced_form_and_the_adverse_effect(
    note: str, condition: str, code: str, expected: set[str], ae_catalog: CodeCatalog
) -> None:
    picks = {code: Pick(code, 0.8, True, [_mention(note, condition)])}
    drug_adverse_effects(picks, NoteContext(note=note, search=_search), ae_catalog)
    assert {c for c, p in picks.items() if p.final} == expected


def test_an_adverse_effect_the_note_calls_a_late_effect_is_a_sequela(ae_catalog: CodeCatalog) -> None:
    catalog = CodeCatalog(
        {
            "codes": {
                **{c: ["ICD-10-CM", t, b, p, "code"] for c, (t, b, p) in AE_TITLES.items()},
                "T45.1X5S": [
                    "ICD-10-CM",
                    "Adverse effect of antineoplastic drugs, sequela",
                    True,
                    "T45.1X5",
                    "code",
                ],
            },
            "refs": {},
        }
    )
    for note, expected in (
        ("A: Chemotherapy-induced peripheral neuropathy (oxaliplatin), a late effect.", "T45.1X5S"),
        ("A: Chemotherapy-induced peripheral neuropathy, on FOLFOX C4.", "T45.1X5A"),
    ):
        at = note.index("Chemotherapy")
        picks = {"T45.1X5A": Pick("T45.1X5A", 0.7, True, [NoteContext(note=note).mention(at, at + 12)])}
        adverse_effect_sequela(picks, NoteContext(note=note), catalog)
        assert [c for c, p in picks.items() if p.final] == [expected]


# ------------------------------------------------------------ the activity told by its verb or its sport
@pytest.mark.parametrize(
    ("sentence", "activity"),
    [
        ("42F walking in the public park this afternoon when a dog bit her R forearm.", "walking"),
        ("16M HS football player, tackled at practice, fell onto his R shoulder.", "football"),
        # a verb far from the injury, or no "when": no activity is read from it
        ("Walking better after PT. Yesterday she fell from a ladder.", None),
        ("Enjoys jogging. Tripped over a curb and fell.", None),
    ],
)
def test_an_activity_is_read_from_the_verb_before_when_or_from_the_sport_played(
    sentence: str, activity: str | None
) -> None:
    m = _ACTIVITY_WHEN.search(sentence)
    assert (next(g for g in m.groups() if g).lower() if m else None) == activity


# ------------------------------------------------ "Dictated:" is a heading, not the whole sentence
def test_a_dictated_heading_leaves_the_dictated_sentence_to_be_read() -> None:
    reading = _reading(
        "Nephrology, dictated: this is a 70 year old man with end-stage renal disease on hemodialysis.\n"
        "Dictated by Dr. Lane."
    )
    assert reading["dictated"] == "administrative"
    assert reading["this is a 70 year old man with end-stage renal disease on hemodialysis"] is None
    assert reading["Dictated by Dr"] == "administrative"  # a signature line stays administrative


# ------------------------------------------------------------ administrative exams and vaccines given
def _encounter_catalog() -> CodeCatalog:
    titles = {
        "Z02.5": "Encounter for examination for participation in sport",
        "Z02.1": "Encounter for pre-employment examination",
        "Z00.129": "Encounter for routine child health examination without abnormal findings",
        "Z23": "Encounter for immunization",
    }
    return CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, None, "code"] for c, t in titles.items()}})


def test_an_administrative_exam_is_listed_first_instead_of_a_general_exam() -> None:

    note = "Sports preparticipation exam - 16M, cross-country.\nA/P:\n1. Sports physical - cleared."
    picks = {"Z00.129": Pick("Z00.129", 0.5, True, [])}
    assert administrative_exam(picks, NoteContext(note=note, age=16), _encounter_catalog())
    assert [c for c, p in picks.items() if p.final] == ["Z02.5"]
    later = "Asthma f/u, 16M.\nA/P: asthma - controlled; needs sports physical next month."
    assert not administrative_exam({}, NoteContext(note=later, age=16), _encounter_catalog())


def test_a_vaccine_given_in_one_sentence_of_a_line_is_given_whatever_the_next_sentence_plans() -> None:

    note = "A/P: Molluscum - may attend school. DTaP, IPV and MMR vaccines given today. Next visit at 6."
    picks: dict[str, Pick] = {}
    immunization(picks, NoteContext(note=note), _encounter_catalog())
    assert "Z23" in picks
    due = "A/P: Well child. MMR #2 due at 4 years; none given today."
    picks = {}
    immunization(picks, NoteContext(note=due), _encounter_catalog())
    assert "Z23" not in picks


def test_the_given_vaccine_may_be_a_lines_second_vaccine_word_or_follow_a_semicolon() -> None:
    """A line's first vaccine word may only name the visit; a ";" ends the clause that plans something."""
    note = "Vaccine visit. A/P: hepatitis B vaccine dose #2 of series given IM today by RN."
    picks: dict[str, Pick] = {}
    immunization(picks, NoteContext(note=note), _encounter_catalog())
    assert "Z23" in picks
    note = "Plan: twins - NST from 32 wk; anesthesia consult if plts < 70k; Tdap given today L deltoid."
    picks = {}
    immunization(picks, NoteContext(note=note), _encounter_catalog())
    assert "Z23" in picks
    planned = "Vaccine visit. A/P: hepatitis B vaccine dose #2 due next month; nothing given today."
    picks = {}
    immunization(picks, NoteContext(note=planned), _encounter_catalog())
    assert "Z23" not in picks


def test_pain_the_note_relates_to_the_cancer_is_neoplasm_related_pain() -> None:

    catalog = CodeCatalog(
        {
            "codes": {
                "G89.3": ["ICD-10-CM", "Neoplasm related pain (acute) (chronic)", True, None, "code"],
                "C25.0": ["ICD-10-CM", "Malignant neoplasm of head of pancreas", True, None, "code"],
            }
        }
    )
    for note, coded in (
        ("# Pancreatic cancer, C3.\n# Cancer-related abdominal and back pain - oxycodone.", True),
        ("# Pancreatic cancer.\n# Back pain due to metastatic disease to the spine.", True),
        ("# Pancreatic cancer.\n# Back pain from lifting - no relation to the cancer.", False),
    ):
        picks = {"C25.0": Pick("C25.0", 0.8, True, [])}
        neoplasm_related_pain(picks, NoteContext(note=note), catalog)
        assert ("G89.3" in picks) is coded, note


def test_the_site_of_a_neoplasm_related_pain_takes_no_code_of_its_own() -> None:
    catalog = CodeCatalog(
        {
            "codes": {
                "G89.3": ["ICD-10-CM", "Neoplasm related pain (acute) (chronic)", True, None, "code"],
                "C61": ["ICD-10-CM", "Malignant neoplasm of prostate", True, None, "code"],
                "M54.50": ["ICD-10-CM", "Low back pain, unspecified", True, None, "code"],
                "R53.83": ["ICD-10-CM", "Other fatigue", True, None, "code"],
            }
        }
    )
    note = "Dx: Low back pain from bone metastases; prostate cancer; fatigue.\nP: XRT."
    ctx = NoteContext(note=note)
    picks = {
        "C61": Pick("C61", 0.8, True, [ctx.mention(note.index("prostate"), note.index("; fatigue"))]),
        "M54.50": Pick("M54.50", 0.7, True, [ctx.mention(note.index("Low"), note.index("; prostate"))]),
        "R53.83": Pick("R53.83", 0.7, True, [ctx.mention(note.index("fatigue"), note.index(".\nP"))]),
    }
    neoplasm_related_pain(picks, ctx, catalog)
    assert {c for c, p in picks.items() if p.final} == {"C61", "G89.3", "R53.83"}
    assert picks["M54.50"].warnings  # kept as an option, with the reason


@pytest.mark.parametrize(
    ("chunk", "why"),
    [
        ("Vitamin D 32", "vitals or labs"),
        ("PTH 98", "vitals or labs"),
        ("MG", None),  # myasthenia gravis on a problem line, not a magnesium value
        ("B12 normal", "vitals or labs"),
        ("Vitamin D deficiency", None),  # the diagnosis is coded
        ("Vitamin D low", None),
    ],
)
def test_a_labs_value_is_no_diagnosis(chunk: str, why: str | None) -> None:
    assert why_not_coded(chunk) == why


def test_low_back_pain_with_sciatica_in_one_sentence_is_the_index_combination() -> None:
    catalog = CodeCatalog(
        {
            "codes": {
                "M54.50": ["ICD-10-CM", "Low back pain, unspecified", True, None, "code"],
                "M54.31": ["ICD-10-CM", "Sciatica, right side", True, None, "code"],
                "M54.41": ["ICD-10-CM", "Lumbago with sciatica, right side", True, None, "code"],
            }
        }
    )

    def coded(note: str, pain: str, sciatica: str) -> set[str]:
        ctx = NoteContext(note=note)
        mentions = [read_note(note)[i] for i in (0, -1)]
        assert mentions[0].text.startswith(pain) and mentions[-1].text.endswith(sciatica)
        picks = {
            "M54.50": Pick("M54.50", 0.8, True, [mentions[0]]),
            "M54.31": Pick("M54.31", 0.7, True, [mentions[-1]]),
        }
        index_pairs(picks, ctx, catalog)
        return {c for c, p in picks.items() if p.final}

    assert coded("Dx: low back pain; R-sided sciatica.\n", "low back pain", "sciatica") == {"M54.41"}
    # stated in two sentences: two conditions, as written
    assert coded("A: Low back pain.\nSciatica, right.\n", "Low back pain", "right") == {"M54.50", "M54.31"}

"""Second round of reader and final-list rules found on new office notes: each with a note it must code
and one it must not. Notes here are written for these tests; titles are the ICD-10-CM tabular's (public
domain)."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules import after_first_listed
from assistant.suggest.coding_rules.antineoplastic import (
    antineoplastic_adverse_effect,
    antineoplastic_encounter,
)
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.dementia import dementia_in_other_diseases
from assistant.suggest.coding_rules.device_status import device_status
from assistant.suggest.coding_rules.encounters import encounter_codes
from assistant.suggest.coding_rules.influenza import identified_influenza
from assistant.suggest.coding_rules.injuries import _place_query, mechanism_clause
from assistant.suggest.coding_rules.tobacco import tobacco_code
from assistant.suggest.first_listed import ensure_first_listed
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.service import SuggestionService
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick
from tests.suggest.rules_corpus import rules_service


def _evidence(service: SuggestionService, text: str, systems: list[str]) -> set[str]:
    """The note spans the suggestions were read from."""
    response = service.suggest(SuggestRequest(text=text, systems=systems))  # type: ignore[arg-type]
    return {e.text for s in response.suggestions for e in s.evidence}


TRAVEL, ICD = "Travel clinic visit.\n", ["ICD-10-CM"]


# ------------------------------------------------------------ a service given, only diagnoses requested
def test_a_vaccine_given_codes_no_disease_with_only_diagnoses_requested(service: SuggestionService) -> None:
    """The reader marks "cholera vaccine given" as a service; with only ICD-10-CM requested there is no
    service system to search, so it must not fall back to every system (it found the disease, A00.-)."""
    assert "Cholera vaccine given today" not in _evidence(
        service, TRAVEL + "Cholera vaccine given today.", ICD
    )
    assert "Cholera, unspecified" in _evidence(service, TRAVEL + "Cholera, unspecified.", ICD)


# ------------------------------------------------------------ abbreviations read by their context
@pytest.mark.parametrize(
    ("text", "expected", "not_expected"),
    [
        ("febrile, R CVA tenderness on exam", "costovertebral angle", "stroke"),
        ("no CVA tenderness", "costovertebral angle", "stroke"),
        ("h/o CVA 2019 with L arm weakness", "stroke", "costovertebral"),
        ("functional capacity >4 METs, climbs 2 flights", "metabolic equivalents", "metastases"),
        ("reached 7 METs on the treadmill", "metabolic equivalents", "metastases"),
        ("bone mets to the T-spine", "metastases", "metabolic"),
    ],
)
def test_cva_and_mets_mean_what_their_context_says(text: str, expected: str, not_expected: str) -> None:
    expanded = expand_text(text)
    assert expected in expanded and not_expected not in expanded


# ------------------------------------------------------------ influenza with an identified virus (I.C.10.c)
FLU_TITLES = {
    "J10.1": "Influenza due to other identified influenza virus with other respiratory manifestations",
    "J11.1": "Influenza due to unidentified influenza virus with other respiratory manifestations",
    "J10.00": "Influenza due to other identified influenza virus with unspecified type of pneumonia",
    "J11.00": "Influenza due to unidentified influenza virus with unspecified type of pneumonia",
    "J10.01": "Influenza due to other identified influenza virus with the same other identified influenza "
    "virus pneumonia",
    "J10.08": "Influenza due to other identified influenza virus with other specified pneumonia",
    "J11.08": "Influenza due to unidentified influenza virus with specified pneumonia",
}


@pytest.fixture(scope="module")
def flu_catalog() -> CodeCatalog:
    codes: dict[str, list[object]] = {
        c: ["ICD-10-CM", t, True, "J10" if c < "J11" else "J11", "code"] for c, t in FLU_TITLES.items()
    }
    codes["J10"] = ["ICD-10-CM", "Influenza due to other identified influenza virus", False, None, "category"]
    codes["J11"] = ["ICD-10-CM", "Influenza due to unidentified influenza virus", False, None, "category"]
    return CodeCatalog({"codes": codes, "refs": {}})


def _flu_final(note: str, code: str, catalog: CodeCatalog) -> set[str]:
    start = note.index("Influenza")
    m = Mention(start, start + 9, "Influenza", "Influenza", "assessment", 0, len(note))
    picks = {code: Pick(code, 0.8, True, [m])}
    identified_influenza(picks, NoteContext(note=note), catalog)
    return {c for c, p in picks.items() if p.final}


@pytest.mark.parametrize(
    ("note", "code", "expected"),
    [
        ("Rapid flu: influenza A POSITIVE, B neg.\nImp: Influenza, no pneumonia.", "J11.1", {"J10.1"}),
        ("Flu B + on PCR. Influenza with pneumonia, RLL.", "J11.00", {"J10.00"}),
        ("Dx: Influenza, H1N1, cough and fever.", "J11.1", {"J10.1"}),
        # J10's "other specified pneumonia" is J11's "specified pneumonia"
        ("Influenza A with bacterial pneumonia.", "J11.08", {"J10.08"}),
        # no virus type found: the unidentified code stays
        ("Rapid flu A/B negative but classic illness. Influenza, clinical dx.", "J11.1", {"J11.1"}),
        ("Influenza-like illness, negative for flu A and B.", "J11.1", {"J11.1"}),
        ("Influenza, cough x3 d. No testing done.", "J11.1", {"J11.1"}),
    ],
)
def test_an_identified_influenza_virus_takes_the_j10_code(
    note: str, code: str, expected: set[str], flu_catalog: CodeCatalog
) -> None:
    assert _flu_final(note, code, flu_catalog) == expected


# ------------------------------------------------------------ antineoplastic treatment at the visit
ONC_TITLES = {
    "Z51.11": "Encounter for antineoplastic chemotherapy",
    "Z51.12": "Encounter for antineoplastic immunotherapy",
    "T45.1X5A": "Adverse effect of antineoplastic and immunosuppressive drugs, initial encounter",
    "T45.AX5A": "Adverse effect of immune checkpoint inhibitors and immunostimulant drugs, initial encounter",
    "C18.7": "Malignant neoplasm of sigmoid colon",
    "G62.0": "Drug-induced polyneuropathy",
}


@pytest.fixture(scope="module")
def onc_catalog() -> CodeCatalog:
    codes = {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in ONC_TITLES.items()}
    return CodeCatalog({"codes": codes, "refs": {}})


def _onc_final(note: str, catalog: CodeCatalog) -> list[str]:
    """Final codes, first-listed first, after the two rules, from a note whose cancer is already coded."""
    start = note.find("cancer")
    m = Mention(max(start, 0), max(start, 0) + 6, "cancer", "cancer", "assessment", 0, len(note))
    picks = {"C18.7": Pick("C18.7", 0.7, True, [m])}
    ctx = NoteContext(note=note)
    antineoplastic_adverse_effect(picks, ctx, catalog)
    antineoplastic_encounter(picks, ctx, catalog)
    return [p.code for p in sorted(picks.values(), key=lambda p: -p.score) if p.final]


def test_a_chemotherapy_encounter_is_listed_with_its_malignancy(onc_catalog: CodeCatalog) -> None:
    m = Mention(0, 6, "cancer", "cancer", "assessment", 0, 6)
    picks = {"Z51.11": Pick("Z51.11", 0.8, True, [m]), "C18.7": Pick("C18.7", 0.3, False, [m])}
    assert ensure_first_listed(picks, onc_catalog) == "C18.7"


def test_a_cancer_named_by_its_abbreviation_opens_the_chemotherapy_rule(onc_catalog: CodeCatalog) -> None:
    picks: dict[str, Pick] = {}
    antineoplastic_encounter(picks, NoteContext(note="Here for C4D1 carbo/taxol. NSCLC RUL."), onc_catalog)
    assert picks["Z51.11"].final
    picks = {}
    antineoplastic_encounter(picks, NoteContext(note="Here for C4D1 carbo/taxol. Asthma."), onc_catalog)
    assert picks == {}


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Infusion visit, C3D1 FOLFOX. Sigmoid colon cancer, adjuvant.", ["Z51.11", "C18.7"]),
        ("Sigmoid colon cancer on FOLFOX - proceed with cycle 3 today.", ["Z51.11", "C18.7"]),
        ("Lung cancer, here for pembrolizumab cycle 8.", ["Z51.12", "C18.7"]),
        (
            "Colon cancer, C2D1 FOLFOX today. Tingling fingertips from oxaliplatin, grade 1.",
            ["Z51.11", "C18.7", "T45.1X5A"],
        ),
        ("Colon cancer. Hypothyroidism from pembrolizumab, on levothyroxine.", ["C18.7", "T45.AX5A"]),
        # the class named instead of the drug: T45.A- too (not T45.1-)
        ("Colon cancer. Hypothyroidism due to checkpoint inhibitor.", ["C18.7", "T45.AX5A"]),
        # a regimen by its letters, or an antibody given with it
        ("Breast cancer, ER+/PR-/HER2+, cycle 3 of TCHP today.", ["Z51.11", "C18.7"]),
        ("Breast cancer, here for C4D1 carbo/taxol.", ["Z51.11", "C18.7"]),
        # an office visit while on chemotherapy, held or finished chemotherapy: no encounter code
        ("Sigmoid colon cancer on adjuvant FOLFOX, labs today, next cycle in 2 wk.", ["C18.7"]),
        ("Colon cancer: C4 held today for ANC 0.8.", ["C18.7"]),
        # the visit's dose held in another sentence than the cycle label
        ("C3D15 FOLFOX for colon cancer. Neutropenia, ANC 900 - hold today.", ["C18.7"]),
        ("Colon cancer, completed 12 cycles of FOLFOX in 2024. No neuropathy from oxaliplatin.", ["C18.7"]),
        # a cycle dated before this encounter (an admission for something else) or one to resume later
        ("Colon cancer on FOLFOX (cycle 3 given 11/10), admitted for a fall.", ["C18.7"]),
        ("Colon cancer. Clinic next week to resume FOLFOX, cycle 4 today was held.", ["C18.7"]),
        ("Colon cancer on FOLFOX, cycle 3 given today.", ["Z51.11", "C18.7"]),
        # the drug given now, not a treatment the clause says is past; "immunotherapy" is the checkpoint drug
        (
            "Lung cancer s/p concurrent chemoradiation, now on durvalumab (cycle 9 today). "
            "Hypothyroidism from immunotherapy.",
            ["Z51.12", "C18.7", "T45.AX5A"],
        ),
        ("Colon cancer. Hypothyroidism from immunotherapy (interleukin-2 trial).", ["C18.7", "T45.1X5A"]),
    ],
)
def test_chemotherapy_given_at_the_visit_is_listed_first_and_its_adverse_effect_coded(
    note: str, expected: list[str], onc_catalog: CodeCatalog
) -> None:
    assert _onc_final(note, onc_catalog) == expected


# ------------------------------------------------------------ a dated, closed problem-list item is history
@pytest.mark.parametrize(
    ("note", "item", "history"),
    [
        ("# Kidney stone 2021, passed\n# HTN - on lisinopril", "Kidney stone 2021", True),
        ("PMH: HTN. BCC of nose 2020, excised.\nToday: PSA <0.01.", "BCC of nose 2020", True),
        ("# DVT 3/2019 - treated, resolved\n# Afib on apixaban", "DVT 3/2019", True),
        # the event's occasion may follow its date
        (
            "# DVT L femoral 2020 after knee surgery - completed 6 mo apixaban\n# HTN",
            "DVT L femoral 2020 after knee",
            True,
        ),
        ("# PE 2019 after delivery - still on apixaban\n# HTN", "PE 2019 after delivery", False),
        # dated but not closed, or closed but still treated: current
        ("# DM2 dx 2019, A1c 7.1 - continue metformin", "DM2 dx 2019", False),
        ("# Colon cancer dx 3/2026, resected, on adjuvant FOLFOX", "Colon cancer dx 3/2026", False),
        ("# Kidney stone, passed in the ED? still colicky", "Kidney stone", False),
        # a date inside a narrative sentence or a measurement is no dated problem-list item
        ("Hepatitis A 2004 per her mother, treated supportively.", "Hepatitis A 2004", False),
        ("Vision 20/25 both eyes, passed hearing screen.", "Vision 20/25 both eyes", False),
    ],
)
def test_a_dated_item_the_sentence_closes_is_history(note: str, item: str, history: bool) -> None:
    mention = next(m for m in read_note(note) if m.text.startswith(item))
    assert mention.history is history


# ------------------------------------------------------------ the tobacco product from the rest of the note
def test_nicotine_dependence_takes_the_product_the_note_names_elsewhere() -> None:
    note = "Smokes 1/2 ppd cigarettes, not ready to quit.\nA/P: Nicotine dependence - counseled, declines."
    assert tobacco_code("A/P: Nicotine dependence - counseled, declines", note) == "F17.210"
    # no product anywhere, or only someone else's: unspecified product
    assert tobacco_code("A/P: Nicotine dependence - counseled, declines", "Nicotine dependence.") == "F17.200"
    other = "Husband smokes cigarettes indoors.\nA/P: Nicotine dependence - counseled."
    assert tobacco_code("A/P: Nicotine dependence - counseled", other) == "F17.200"


# ------------------------------------------------------------ preoperative exam; findings stated as "normal"
EXAM_TITLES = {
    "Z00.00": "Encounter for general adult medical examination without abnormal findings",
    "Z00.01": "Encounter for general adult medical examination with abnormal findings",
    "Z00.121": "Encounter for routine child health examination with abnormal findings",
    "Z00.129": "Encounter for routine child health examination without abnormal findings",
    "Z01.810": "Encounter for preprocedural cardiovascular examination",
    "Z01.818": "Encounter for other preprocedural examination",
    "M17.11": "Unilateral primary osteoarthritis, right knee",
    "B01.9": "Varicella without complication",
}


@pytest.fixture(scope="module")
def exam_catalog() -> CodeCatalog:
    codes = {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in EXAM_TITLES.items()}
    return CodeCatalog({"codes": codes, "refs": {}})


def _exam_final(note: str, picked: dict[str, str], age: int, catalog: CodeCatalog) -> list[str]:
    picks = {}
    for code, phrase in picked.items():
        start = note.index(phrase)
        picks[code] = Pick(
            code, 0.6, True, [Mention(start, start + len(phrase), phrase, phrase, "body", 0, 0)]
        )
    encounter_codes(picks, NoteContext(note=note, age=age), catalog)
    return [p.code for p in sorted(picks.values(), key=lambda p: -p.score) if p.final]


def test_a_preoperative_evaluation_is_z01_81_first_not_a_general_exam(exam_catalog: CodeCatalog) -> None:
    note = (
        "Pre-op medical evaluation. 67F for R TKA for primary OA R knee.\n"
        "Impression: Preoperative exam, acceptable risk. Primary OA R knee."
    )
    picked = {"Z00.00": "Preoperative exam", "M17.11": "Primary OA R knee"}
    assert _exam_final(note, picked, 67, exam_catalog) == ["Z01.818", "M17.11"]
    cardiac = "Preoperative cardiac evaluation before hip surgery.\nA: OA R knee."
    assert _exam_final(cardiac, {"M17.11": "OA R knee"}, 70, exam_catalog) == ["Z01.810", "M17.11"]
    # the impression names the kind the head left general
    named = "Pre-operative evaluation for R TKA.\nAssessment: Preoperative cardiovascular exam. OA R knee."
    assert _exam_final(named, {"M17.11": "OA R knee"}, 70, exam_catalog)[0] == "Z01.810"
    # clearance that another visit will give is no preoperative exam of this one
    plan = "Annual physical. Knee OA, TKA planned.\nA/P: OA R knee - needs cardiac clearance before surgery."
    assert "Z01.810" not in _exam_final(plan, {"M17.11": "OA R knee"}, 70, exam_catalog)
    # an annual physical that mentions a past operation is still the general exam
    annual = "Annual physical. Had R TKA 2019, doing well.\nA: Routine adult exam, normal."
    assert _exam_final(annual, {"Z00.00": "Annual physical"}, 60, exam_catalog) == ["Z00.00"]


@pytest.mark.parametrize(
    ("note", "age", "expected"),
    [
        ("Annual physical 50M.\nDx: Routine adult physical w/o abnormal findings.", 50, "Z00.00"),
        ("WCC 4 yo boy.\nA: Well child exam w/o abnormal findings. Immunizations given.", 4, "Z00.129"),
        # an exam section that reads "normal" does not say the encounter had no abnormal findings
        ("WCC 6 yo girl. Exam: normal.\nA: Well child, obesity, BMI 97th %ile.", 6, "Z00.121"),
        ("Annual physical 50M.\nDx: Routine adult physical w/ abnormal findings: new murmur.", 50, "Z00.01"),
    ],
)
def test_findings_stated_in_shorthand_choose_the_exam_code(
    note: str, age: int, expected: str, exam_catalog: CodeCatalog
) -> None:
    """A stated "without abnormal findings" wins over a stray final code (here a vaccine read as varicella);
    without such a statement the final codes decide."""
    head = note.split(".")[0]
    picked = {"Z00.01" if age >= 18 else "Z00.121": head, "B01.9": head}
    assert expected in _exam_final(note, picked, age, exam_catalog)


def test_medicares_initial_preventive_exam_is_a_general_exam(exam_catalog: CodeCatalog) -> None:
    ippe = "Welcome to Medicare visit (IPPE). 65M. Hyperlipidemia on a statin. No abnormal findings today."
    assert _exam_final(ippe, {}, 65, exam_catalog) == ["Z00.00"]
    assert _exam_final("IPPE, Part B since 10/2026.\nA: no abnormal findings.", {}, 65, exam_catalog) == [
        "Z00.00"
    ]
    # Medicare named without the visit is no exam
    assert _exam_final("65M, Medicare since 10/2026, here for knee pain.", {}, 65, exam_catalog) == []


# ------------------------------------------------------------ dementia due to a named disease (I.A.13)
DEMENTIA_TITLES = {
    "F03.A0": "Unspecified dementia, mild, without behavioral disturbance, psychotic disturbance, mood "
    "disturbance, and anxiety",
    "F02.A0": "Dementia in other diseases classified elsewhere, mild, without behavioral disturbance, "
    "psychotic "
    "disturbance, mood disturbance, and anxiety",
    "F03.B11": "Unspecified dementia, moderate, with agitation",
    "F02.B11": "Dementia in other diseases classified elsewhere, moderate, with agitation",
    "G30.9": "Alzheimer's disease, unspecified",
    "G30.1": "Alzheimer's disease with late onset",
}


@pytest.fixture(scope="module")
def dementia_catalog() -> CodeCatalog:
    codes: dict[str, list[object]] = {
        c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in DEMENTIA_TITLES.items()
    }
    codes["F02"] = ["ICD-10-CM", "Dementia in other diseases classified elsewhere", False, None, "category"]
    return CodeCatalog({"codes": codes, "refs": {}})


@pytest.mark.parametrize(
    ("note", "code", "expected"),
    [
        ("Hx Alzheimer's dementia, mild, lives with daughter.", "F03.A0", ["G30.9", "F02.A0"]),
        (
            "Late-onset Alzheimer disease with dementia, moderate, agitated at night.",
            "F03.B11",
            ["G30.1", "F02.B11"],
        ),
        # no named disease, or only a relative's: unspecified dementia stays
        ("Dementia, mild, lives with daughter.", "F03.A0", ["F03.A0"]),
        ("Mother had Alzheimer's. Dementia, mild, no behavior issues.", "F03.A0", ["F03.A0"]),
    ],
)
def test_alzheimers_dementia_is_coded_with_its_cause_first(
    note: str, code: str, expected: list[str], dementia_catalog: CodeCatalog
) -> None:
    m = Mention(0, 8, "Dementia", "Dementia", "assessment", 0, len(note))
    picks = {code: Pick(code, 0.7, True, [m])}
    dementia_in_other_diseases(picks, NoteContext(note=note), dementia_catalog)
    assert [p.code for p in sorted(picks.values(), key=lambda p: -p.score) if p.final] == expected


# ------------------------------------------------------------ device and dialysis status (I.C.21.c.3)
STATUS_TITLES = {
    "Z96.41": "Presence of insulin pump (external) (internal)",
    "Z95.0": "Presence of cardiac pacemaker",
    "Z99.2": "Dependence on renal dialysis",
    "E10.649": "Type 1 diabetes mellitus with hypoglycemia without coma",
}


@pytest.fixture(scope="module")
def status_catalog() -> CodeCatalog:
    codes = {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in STATUS_TITLES.items()}
    return CodeCatalog({"codes": codes, "refs": {}})


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("24M T1DM on Tandem pump + Dexcom CGM, lows at night.", {"Z96.41"}),
        ("T1DM, uses Omnipod 5, A1c 7.1.", {"Z96.41"}),
        ("ESRD on HD MWF via L arm AVF, no missed sessions.", {"Z99.2"}),
        ("End-stage renal disease, on peritoneal dialysis at home.", {"Z99.2"}),
        # a pacemaker by the same maker is no pump; dialysis for an AKI or declined is no dependence
        ("Sick sinus syndrome s/p Medtronic pacemaker 2021, interrogation normal.", set()),
        ("AKI on CKD 3b, started on HD this admission, renal recovery expected.", set()),
        ("ESRD, declines dialysis, hospice discussed.", set()),
    ],
)
def test_pump_and_dialysis_status_are_coded_from_their_use(
    note: str, expected: set[str], status_catalog: CodeCatalog
) -> None:
    picks: dict[str, Pick] = {}
    device_status(picks, NoteContext(note=note), status_catalog)
    assert {c for c, p in picks.items() if p.final and c in ("Z96.41", "Z99.2")} == expected


# ------------------------------------------------------------ "Dx:" / "Impression:" lines head problems
@pytest.mark.parametrize(
    ("note", "item", "problem"),
    [
        ("Seen for f/u.\nDx: MDD recurrent moderate; GAD.", "MDD recurrent moderate", True),
        ("Cough x2d.\nImpression: Influenza A. Oseltamivir.", "Influenza A", True),
        ("Seen today.\nA: 1. HTN\n2. DM2", "HTN", True),
        # a condition in the narrative or later in the line is no problem line's head
        ("S: cough x2d. no fever", "cough x2d", False),
        ("Seen for f/u.\nDx: MDD recurrent moderate; GAD.", "GAD", False),
    ],
)
def test_a_diagnosis_line_after_its_heading_heads_a_problem(note: str, item: str, problem: bool) -> None:
    mention = next(m for m in read_note(note) if m.text == item)
    assert mention.problem is problem


# ------------------------------------------------------------ external causes: mechanism clause, place
@pytest.mark.parametrize(
    ("sentence", "clause"),
    [
        (
            "ED: 45M fell ~6 ft off a ladder while cleaning gutters, landed on L hand.",
            "fell ~6 ft off a ladder",
        ),
        ("Twisted L knee when she collided with another player.", "Twisted L knee"),
        ("slipped on ice on her driveway 10/15", "slipped on ice on her driveway 10/15"),
        ("No trauma, pain for 3 weeks.", None),
    ],
)
def test_the_mechanism_is_searched_as_its_own_clause(sentence: str, clause: str | None) -> None:
    assert mechanism_clause(sentence) == clause


@pytest.mark.parametrize(
    ("place", "sentence", "query"),
    [
        (
            "in the backyard",
            "fell in the backyard of his single-family home",
            "garden or yard in single-family (private) house as the place of occurrence",
        ),
        (
            "in her kitchen",
            "slipped in her kitchen at her apartment",
            "kitchen in apartment as the place of occurrence",
        ),
        ("on the city soccer field", "", "on the city soccer field as the place of occurrence"),
        (
            "at his house",
            "fell from a ladder cleaning the gutters at his house (backyard side)",
            "garden or yard in single-family (private) house as the place of occurrence",
        ),
        (
            "at home",
            "",
            "unspecified place in unspecified non-institutional (private) residence as the place of "
            "occurrence",
        ),
    ],
)
def test_the_place_is_searched_in_the_words_of_the_place_titles(
    place: str, sentence: str, query: str
) -> None:
    assert _place_query(place, sentence) == query


@pytest.fixture(scope="module")
def rules_svc(tmp_path_factory: pytest.TempPathFactory) -> SuggestionService:
    return rules_service(tmp_path_factory.mktemp("rules2"))


def _search_short_clauses(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
    """A search that, like the real one, finds the cause only from a short clause (a sentence is diluted)."""
    if prefixes[0] == "W":
        return [("W11.XXXS", 0.6 if len(text.split()) <= 8 else 0.3)]
    return []


def test_an_injury_listed_first_only_at_the_end_takes_its_external_cause(
    rules_svc: SuggestionService,
) -> None:
    note = "ED: 45M fell off a ladder while cleaning gutters, landed on R hand.\nA: fracture of right radius."
    start = note.index("fracture")
    mention = Mention(start, start + 8, "fracture", "fracture", "assessment", 0, len(note))
    ctx = NoteContext(note, 45, search=_search_short_clauses)
    picks = {"S52.501A": Pick("S52.501A", 0.3, False, [mention])}  # below the threshold: not final yet
    after_first_listed(picks, ctx, rules_svc.catalog)
    assert not any(c.startswith("W") for c in picks)  # nothing final to attach a cause to
    assert ensure_first_listed(picks, rules_svc.catalog) == "S52.501A"
    after_first_listed(picks, ctx, rules_svc.catalog)
    assert {c for c, p in picks.items() if p.final} >= {"S52.501A", "W11.XXXA"}


def test_a_status_code_retrieved_from_a_device_s_words_gives_way_to_the_device() -> None:
    catalog = CodeCatalog(
        {
            "codes": {
                "Z95.5": [
                    "ICD-10-CM",
                    "Presence of coronary angioplasty implant and graft",
                    True,
                    "Z95",
                    "code",
                ],
                "Z94.0": ["ICD-10-CM", "Kidney transplant status", True, "Z94", "code"],
            },
            "refs": {},
        }
    )
    note = "68M CAD s/p DES to LAD 2022, HFrEF."
    start = note.index("s/p DES")
    stray = Mention(start, start + 19, note[start : start + 19], note[start : start + 19], "body", 0, 0)
    picks = {"Z94.0": Pick("Z94.0", 0.06, True, [stray])}
    device_status(picks, NoteContext(note=note), catalog)
    assert picks["Z95.5"].final and not picks["Z94.0"].final
    below = {"Z94.0": Pick("Z94.0", 0.06, False, [stray])}  # not final yet: no partner rule may revive it
    device_status(below, NoteContext(note=note), catalog)
    assert below["Z94.0"].vetoed
    # a transplant the note documents on its own line stays coded
    note += "\nKidney transplant 2015, on tacrolimus."
    picks = {"Z94.0": Pick("Z94.0", 0.06, True, [stray])}
    device_status(picks, NoteContext(note=note), catalog)
    assert picks["Z95.5"].final and picks["Z94.0"].final


def test_a_joint_replaced_weeks_ago_is_its_status_at_the_aftercare_visit() -> None:
    catalog = CodeCatalog(
        {
            "codes": {
                "Z96.651": ["ICD-10-CM", "Presence of right artificial knee joint", True, "Z96.65", "code"],
                "Z96.659": [
                    "ICD-10-CM",
                    "Presence of unspecified artificial knee joint",
                    True,
                    "Z96.65",
                    "code",
                ],
            },
            "refs": {},
        }
    )
    picks: dict[str, Pick] = {}
    note = (
        "Post-op visit 6 weeks after R total knee arthroplasty. Incision healed.\nA/P: aftercare, doing well."
    )
    device_status(picks, NoteContext(note=note), catalog)
    assert [c for c, p in picks.items() if p.final] == ["Z96.651"]
    planned: dict[str, Pick] = {}
    device_status(planned, NoteContext(note="A/P: R knee OA, candidate for TKA, referred to ortho."), catalog)
    assert planned == {}

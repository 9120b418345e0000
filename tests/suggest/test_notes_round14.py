"""Round 14 of the us-notes batches: general classes the blind batch usn-1265 ... usn-1288 showed. Each test
has a note of our own wording the rule must change and one it must leave alone. Titles as in the ICD-10-CM
tabular (public domain)."""

from __future__ import annotations

import re

import pytest

from assistant.suggest import consolidate, qualifiers, rules, sibling_guard
from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.alcohol_induced import alcohol_induced
from assistant.suggest.coding_rules.combination import combine
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.encounters import (
    _PREOP,
    _STATED_FINDINGS,
    PREOP_KIND,
    _with_its_service,
    screening,
    visits_named,
)
from assistant.suggest.coding_rules.injuries import _ACTIVITY, _ACTIVITY_NAMES
from assistant.suggest.coding_rules.partners import add_organism
from assistant.suggest.coding_rules.recent_infarction import recent_infarction
from assistant.suggest.coding_rules.symptoms import integral_to
from assistant.suggest.history import history_cue
from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog

ICD = "ICD-10-CM"


_catalog = hierarchy_catalog


def _mention(note: str, words: str, section: str = "assessment", problem: bool = False) -> Mention:
    start = note.index(words)
    line_start = note.rfind("\n", 0, start) + 1
    line_end = note.find("\n", start)
    end = line_end if line_end >= 0 else len(note)
    return Mention(start, start + len(words), words, words, section, line_start, end, problem=problem)


MI = _catalog(
    {
        "I21.4": "Non-ST elevation (NSTEMI) myocardial infarction",
        "I21.9": "Acute myocardial infarction, unspecified",
        "I25.2": "Old myocardial infarction",
    },
    {"I21": "Acute myocardial infarction", "I25": "Chronic ischemic heart disease"},
)


@pytest.mark.parametrize(
    ("sentence", "current"),
    [
        ("Seen 3 weeks after her NSTEMI, walking daily.", True),
        ("Ten days post NSTEMI, no angina since the stent.", True),
        ("Seen 3 years after her NSTEMI, walking daily.", False),
        ("NSTEMI in 2019, stented; no angina since.", False),
    ],
)
def test_an_infarction_dated_weeks_before_the_visit_is_current(sentence: str, current: bool) -> None:
    m = _mention(sentence, "NSTEMI", section="hpi")
    picks = {"I25.2": Pick("I25.2", 0.5, True, [m])}
    recent_infarction(picks, NoteContext(note=sentence), MI)
    assert picks["I25.2"].final is not current
    assert ("I21.4" in picks and picks["I21.4"].final) is current


@pytest.mark.parametrize(
    ("sentence", "mention", "history"),
    [
        # a use disorder whose remission the line states without "in" is coded in remission, not history
        ("Opioid use d/o, severe - clean since 1/2025 = early remission.", "Opioid use d/o, severe", False),
        ("Cannabis use disorder - sober for 2 yrs, sustained remission.", "Cannabis use disorder", False),
        # abstinence alone, with no remission stated, stays what it was (history)
        ("Cannabis use disorder - sober for 2 yrs.", "Cannabis use disorder", True),
    ],
)
def test_a_use_disorder_in_remission_without_in(sentence: str, mention: str, history: bool) -> None:
    assert (history_cue(sentence, mention) is not None) is history


@pytest.mark.parametrize(
    ("sentence", "history"),
    [
        ("Low-grade prostate cancer on active surveillance, PSA q6mo.", False),
        ("Prostate cancer s/p prostatectomy 2019, on surveillance, PSA undetectable.", True),
    ],
)
def test_a_cancer_under_active_surveillance_is_current(sentence: str, history: bool) -> None:
    assert (history_cue(sentence, "prostate cancer") is not None) is history


@pytest.mark.parametrize(
    ("text", "remission"),
    [
        ("alcohol use disorder, sustained remission", "sustained"),
        ("opioid use disorder = early remission", "early"),
        ("opioid use disorder in remission", "any"),
        ("major depression, not in remission", "no"),
        ("alcohol use disorder, drinking daily", None),
    ],
)
def test_a_remission_read_with_or_without_in(text: str, remission: str | None) -> None:
    assert qualifiers.read_qualifiers(text).remission == remission


ALCOHOL = _catalog(
    {
        "F10.10": "Alcohol abuse, uncomplicated",
        "F10.11": "Alcohol abuse, in remission",
        "F10.20": "Alcohol dependence, uncomplicated",
        "F10.21": "Alcohol dependence, in remission",
    },
    {"F10": "Alcohol related disorders", "F10.1": "Alcohol abuse", "F10.2": "Alcohol dependence"},
)


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("# Alcohol use disorder, severe - no drink since 2024, sustained remission", "F10.21"),
        ("# Alcohol use disorder, severe - drinks a pint of vodka a day", "F10.20"),
    ],
)
def test_a_problem_line_stating_remission_completes_the_code(line: str, code: str) -> None:
    head = Mention(2, 30, line[2:30], line[2:30], "body", 0, len(line), problem=True)
    picks = {"F10.20": Pick("F10.20", 0.6, True, [head], heads=[head])}
    sibling_guard.settle(picks, line, ALCOHOL)
    assert [c for c, p in picks.items() if p.final] == [code]


DEMENTIA = _catalog(
    {
        "F03.90": "Unspecified dementia, unspecified severity, without behavioral disturbance",
        "F03.A0": "Unspecified dementia, mild, without behavioral disturbance",
        "F03.B0": "Unspecified dementia, moderate, without behavioral disturbance",
        "F03.C0": "Unspecified dementia, severe, without behavioral disturbance",
    },
    {
        "F03": "Unspecified dementia",
        "F03.9": "Unspecified dementia, unspecified severity",
        "F03.A": "mild",
        "F03.B": "moderate",
        "F03.C": "severe",
    },
)


@pytest.mark.parametrize(
    ("history_line", "code"),
    [
        ("PMH: dementia (moderate), DM2.", "F03.B0"),
        ("PMH: dementia, DM2.", "F03.90"),
    ],
)
def test_another_mention_of_the_code_completes_what_the_assessment_leaves_unspecified(
    history_line: str, code: str
) -> None:
    note = f"{history_line}\nA/P:\n1. Dementia - stable, cont donepezil."
    said = _mention(note, "Dementia", problem=True)
    told = _mention(note, "dementia", section="body")
    picks = {"F03.90": Pick("F03.90", 0.6, True, [said, told], heads=[said, told])}
    sibling_guard.settle(picks, note, DEMENTIA)
    assert [c for c, p in picks.items() if p.final] == [code]


PANCREAS = _catalog(
    {
        "K86.0": "Alcohol-induced chronic pancreatitis",
        "K86.1": "Other chronic pancreatitis",
        "K86.2": "Cyst of pancreas",
    },
    {"K86": "Other diseases of pancreas"},
)


@pytest.mark.parametrize(
    ("note", "words", "code"),
    [
        ("# Chronic pancreatitis, EtOH-related - on enzymes.", "Chronic pancreatitis", "K86.0"),
        ("A/P: chronic pancreatitis due to alcohol, on enzymes.", "chronic pancreatitis", "K86.0"),
        ("A/P: alcoholic chronic pancreatitis.", "chronic pancreatitis", "K86.0"),
        # drinking told apart from the condition links nothing
        ("A/P: chronic pancreatitis, on enzymes. Drinks 2 beers weekly.", "chronic pancreatitis", "K86.1"),
    ],
)
def test_a_condition_tied_to_alcohol_takes_its_alcohol_induced_sibling(
    note: str, words: str, code: str
) -> None:
    picks = {"K86.1": Pick("K86.1", 0.8, True, [_mention(note, words)])}
    alcohol_induced(picks, NoteContext(note=note), PANCREAS)
    assert [c for c, p in picks.items() if p.final] == [code]


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("PRE-OP CLEARANCE - cardiology\n70M for hip replacement.", "Z01.810"),
        ("Preop CV eval for knee replacement.\nHTN controlled.", "Z01.810"),
        ("PRE-OP CLEARANCE - hip replacement\n70M, HTN.", "Z01.818"),
    ],
)
def test_a_preoperative_visit_takes_the_kind_its_heading_names(note: str, code: str) -> None:
    said = " ".join(_with_its_service(note, m) for m in visits_named(_PREOP, NoteContext(note=note)))
    assert next((c for c, words in PREOP_KIND if re.search(words, said, re.IGNORECASE)), "Z01.818") == code


@pytest.mark.parametrize(
    ("note", "words", "uncertain"),
    [
        ("Plan: renal US to look for stones.", "stones", True),
        ("Plan: MRI brain to evaluate for demyelination.", "demyelination", True),
        ("A/P: kidney stones on CT, passing; strain urine.", "kidney stones", False),
        ("A/P: DM2 - check for neuropathy yearly.", "DM2", False),
    ],
)
def test_what_a_test_looks_for_is_not_yet_found(note: str, words: str, uncertain: bool) -> None:
    found = [m for m in read_note(note) if words.lower() in m.text.lower()]
    assert found and found[0].uncertain is uncertain


@pytest.mark.parametrize(
    ("chunk", "why"),
    [
        ("POAG OU severe stage (latanoprost qhs)", None),
        ("Latanoprost (1 drop qhs)", "medication"),
        ("latanoprost 1 drop qhs", "medication"),
    ],
)
def test_a_dose_in_brackets_after_a_condition_is_its_treatment(chunk: str, why: str | None) -> None:
    assert why_not_coded(chunk) == why


EYE = CodeCatalog(
    {
        "codes": {
            "E11": [ICD, "Type 2 diabetes mellitus", False, None, "category"],
            "E11.3": [ICD, "Type 2 diabetes mellitus with ophthalmic complications", False, "E11", "code"],
            "E11.39": [
                ICD,
                "Type 2 diabetes mellitus with other diabetic ophthalmic complication",
                True,
                "E11.3",
                "code",
            ],
            "E11.9": [ICD, "Type 2 diabetes mellitus without complications", True, "E11", "code"],
            "H40.1133": [ICD, "Primary open-angle glaucoma, bilateral, severe stage", True, "H40", "code"],
            "H40.89": [ICD, "Other specified glaucoma", True, "H40", "code"],
            "H40": [ICD, "Glaucoma", False, None, "category"],
        },
        "refs": {"E11.39": {"use_additional": ["H40-H42"]}},
    }
)


@pytest.mark.parametrize(("glaucoma", "linked"), [("H40.1133", False), ("H40.89", True)])
def test_a_primary_condition_is_no_presumed_manifestation_of_diabetes(glaucoma: str, linked: bool) -> None:
    note = "A/P: 1. Type 2 diabetes. 2. Glaucoma both eyes, drops."
    dm, eye = _mention(note, "Type 2 diabetes"), _mention(note, "Glaucoma both eyes")
    picks = {"E11.9": Pick("E11.9", 0.9, True, [dm]), glaucoma: Pick(glaucoma, 0.9, True, [eye])}
    combine(picks, NoteContext(note=note), EYE)
    assert ("E11.39" in picks and picks["E11.39"].final) is linked


@pytest.mark.parametrize(
    ("note", "activity"),
    [
        ("slipped on the ice while walking her dog", "walking an animal"),
        ("tripped on a curb while walking to the bus", "walking"),
    ],
)
def test_walking_a_pet_is_its_own_activity(note: str, activity: str) -> None:
    found = _ACTIVITY.search(note)
    assert found is not None
    name = next(g for g in found.groups() if g)
    assert next((term for rx, term in _ACTIVITY_NAMES if rx.fullmatch(name)), name) == activity


def test_two_codes_of_one_category_naming_different_causes_are_no_opposites() -> None:
    catalog = _catalog(
        {
            "K86.0": "Alcohol-induced chronic pancreatitis",
            "K86.81": "Exocrine pancreatic insufficiency",
            "K86.1": "Other chronic pancreatitis",
        },
        {"K86": "Other diseases of pancreas", "K86.8": "Other specified diseases of pancreas"},
    )
    m = Mention(0, 5, "x", "x", "assessment", 0, 5)
    picks = {c: Pick(c, 0.9 - i / 10, True, [m]) for i, c in enumerate(("K86.0", "K86.81"))}
    consolidate.drop_contradicting_siblings(picks, catalog)
    assert all(p.final for p in picks.values())
    hyper = _catalog(
        {
            "I11.0": "Hypertensive heart disease with heart failure",
            "I11.9": "Hypertensive heart disease without heart failure",
        },
        {"I11": "Hypertensive heart disease"},
    )
    picks = {c: Pick(c, 0.9 - i / 10, True, [m]) for i, c in enumerate(("I11.0", "I11.9"))}
    consolidate.drop_contradicting_siblings(picks, hyper)
    assert [c for c, p in picks.items() if p.final] == ["I11.0"]


SCREEN = _catalog(
    {
        "Z12.5": "Encounter for screening for malignant neoplasm of prostate",
        "C61": "Malignant neoplasm of prostate",
        "N40.1": "Benign prostatic hyperplasia with lower urinary tract symptoms",
    },
    {"Z12": "Encounter for screening for malignant neoplasms"},
)


@pytest.mark.parametrize(("beside", "screened"), [("C61", False), ("N40.1", True)])
def test_no_screening_for_a_cancer_the_note_codes_as_present(beside: str, screened: bool) -> None:
    note = "A/P: prostate, PSA today."
    m = Mention(5, 13, "prostate", "prostate", "assessment", 0, len(note))
    picks = {"Z12.5": Pick("Z12.5", 0.7, True, [m]), beside: Pick(beside, 0.8, True, [m])}
    screening(picks, NoteContext(note=note), SCREEN)
    assert picks["Z12.5"].final is screened


@pytest.mark.parametrize(
    ("note", "unsaid"),
    [
        ("Prostate cancer, Gleason 6, on active surveillance; PSA 5.6.", True),
        ("Prostate cancer s/p prostatectomy 2021; PSA now 0.4 and rising.", False),
        ("Prostate cancer after radiation 2020, PSA up to 3.1.", False),
    ],
)
def test_a_partner_set_after_a_treatment_needs_the_treatment(note: str, unsaid: bool) -> None:
    title = "Rising PSA following treatment for malignant neoplasm of prostate"
    assert rules.treatment_unsaid(title, note) is unsaid
    assert not rules.treatment_unsaid("Elevated prostate specific antigen [PSA]", note)


@pytest.mark.parametrize(
    ("sentence", "mention", "history"),
    [
        (
            "Colonoscopy 2024: three tubular adenomas removed, next due 2027.",
            "three tubular adenomas removed",
            True,
        ),
        (
            "Colonoscopy today: 2 cm sessile adenoma, not removable, surgery referral.",
            "2 cm sessile adenoma",
            False,
        ),
        ("She was treated for bulimia at 19 and has been well since.", "bulimia at 19", True),
        ("Pain rated at 7 in the left knee.", "Pain rated at 7", False),
        ("Had amoxicillin 2 wks ago for an ear infection.", "an ear infection", False),
        (
            "Had amoxicillin 2 wks ago for an ear infection.",
            "Had amoxicillin 2 wks ago for an ear infection",
            True,
        ),
        ("# Gallstone pancreatitis - resolved 2022.", "Gallstone pancreatitis", True),
        ("# Liver cyst - drained 2021, none on MRI.", "Liver cyst", True),
        ("# Liver abscess - drained 11/28, drain in place.", "Liver abscess", False),
    ],
)
def test_what_was_removed_or_closed_before_is_history(sentence: str, mention: str, history: bool) -> None:
    assert (history_cue(sentence, mention) is not None) is history


OCD = _catalog(
    {
        "F42.2": "Mixed obsessional thoughts and acts",
        "F42.4": "Excoriation (skin-picking) disorder",
        "F42.9": "Obsessive-compulsive disorder, unspecified",
    },
    {"F42": "Obsessive-compulsive disorder"},
)


def test_an_unspecified_code_stays_beside_another_disorder_of_its_category() -> None:
    m = Mention(0, 5, "x", "x", "assessment", 0, 5)
    picks = {c: Pick(c, 0.8, True, [m]) for c in ("F42.9", "F42.4")}
    consolidate.drop_unspecified_twins(picks, OCD)
    assert all(p.final for p in picks.values())
    knee = _catalog(
        {
            "M17.9": "Osteoarthritis of knee, unspecified",
            "M17.11": "Unilateral primary osteoarthritis, right knee",
        },
        {"M17": "Osteoarthritis of knee", "M17.1": "Unilateral primary osteoarthritis of knee"},
    )
    picks = {c: Pick(c, 0.8, True, [m]) for c in ("M17.9", "M17.11")}
    consolidate.drop_unspecified_twins(picks, knee)
    assert [c for c, p in picks.items() if p.final] == ["M17.11"]


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("AUD, mild - naltrexone", "alcohol use disorder, mild - naltrexone"),
        ("AUD - naltrexone", "alcohol use disorder alcohol dependence - naltrexone"),
        ("chronic HTN in pregnancy, 30 wks", "pre-existing essential hypertension in pregnancy, 30 weeks"),
        ("chronic HTN, on amlodipine", "chronic hypertension, on amlodipine"),
        ("excoriation disorder", "excoriation skin picking disorder"),
        ("Solitary pulm nodule, stable", "Solitary pulmonary nodule, stable"),
        ("pulm rehab twice weekly", "pulm rehab twice weekly"),
        ("Vasectomy consult, 41M", "contraceptive counseling before vasectomy, 41M"),
        ("s/p vasectomy 2019", "status post vasectomy 2019"),
    ],
)
def test_wordings_read_as_the_index_names_them(text: str, expanded: str) -> None:
    assert expand_text(text) == expanded


@pytest.mark.parametrize(
    ("chunk", "why"),
    [
        ("partner's IUD in place", "another person's"),
        ("IUD in place", None),
        ("wife's diabetes", "another person's"),
    ],
)
def test_what_belongs_to_someone_else_is_not_the_patients(chunk: str, why: str | None) -> None:
    assert why_not_coded(chunk) == why


@pytest.mark.parametrize(
    ("chunk", "why"),
    [
        ("aspirin for preeclampsia prevention", "prevention"),
        ("preeclampsia", None),
        ("primary prevention ICD 2022", None),
    ],
)
def test_a_condition_named_for_its_prevention_is_not_present(chunk: str, why: str | None) -> None:
    assert why_not_coded(chunk) == why


@pytest.mark.parametrize(
    ("note", "organism"),
    [
        ("A/P: acute sinusitis; amox-clav. Pneumococcal vaccine up to date.", None),
        ("A/P: acute sinusitis, culture grew pneumococcus; amox-clav.", "B95.3"),
    ],
)
def test_an_organism_named_as_its_vaccine_is_no_agent(note: str, organism: str | None) -> None:
    catalog = _catalog(
        {
            "J01.90": "Acute sinusitis, unspecified",
            "B95.3": "Streptococcus pneumoniae as the cause of diseases",
        },
        {"J01": "Acute sinusitis", "J01.9": "Acute sinusitis, unspecified", "B95": "Streptococcus"},
        refs={"J01": {"use_additional": ["B95-B97"]}},
    )
    picks = {"J01.90": Pick("J01.90", 0.9, True, [_mention(note, "acute sinusitis")])}
    add_organism(picks, NoteContext(note=note), catalog)
    assert [c for c, p in picks.items() if p.final and c.startswith("B")] == ([organism] if organism else [])


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("WCC 18 mo - abnl finding: speech delay, refer.", "with"),
        ("WCC 18 mo - abnormal findings: none.", None),
    ],
)
def test_a_finding_labelled_abnormal_makes_the_exam_abnormal(line: str, code: str | None) -> None:
    stated = _STATED_FINDINGS.search(line)
    said = stated is not None and (
        (stated.group(1) or "").lower() in ("with", "w/") or stated.group(2) is not None
    )
    assert said is (code == "with")


def test_a_see_reference_running_two_levels_together_is_walked_down_both() -> None:
    def row(level: int, path: str, code: str | None = None, see: str | None = None) -> dict[str, object]:
        return {"source": "main", "level": level, "path": path, "code": code, "see": see}

    walker = IndexWalker.from_rows(
        [
            row(0, "Hypertension", "I10"),
            row(1, "Hypertension, complicating"),
            row(2, "Hypertension, complicating, pregnancy", "O16.-"),
            row(3, "Hypertension, complicating, pregnancy, pre-existing", "O10.91-"),
            row(0, "Pregnancy"),
            row(1, "Pregnancy, complicated by"),
            row(2, "Pregnancy, complicated by, hypertension", see="Hypertension, complicating pregnancy"),
        ]
    )
    found = walker.find("Hypertension, complicating pregnancy")
    assert found is not None and found.term.lower() == "pregnancy" and found.code == "O16.-"
    assert walker.find("Hypertension, renal") is not None  # what is not there stays at the main term


@pytest.mark.parametrize(
    ("symptom", "diagnoses", "owner"),
    [
        ("R21", ["D69.0"], "D69.0"),  # the purpura of an IgA vasculitis
        ("R10.9", ["D69.0"], "D69.0"),
        ("H02.409", ["G70.00"], "G70.00"),  # the ptosis of a myasthenia gravis
        ("K08.89", ["J01.01"], "J01.01"),  # the tooth pain of a maxillary sinusitis
        ("R23.4", ["F42.4"], "F42.4"),
        # beside a diagnosis it is not part of, the symptom stays
        ("R21", ["J45.909"], None),
        ("H02.409", ["G43.909"], None),
        ("K08.89", ["J02.9"], None),
    ],
)
def test_symptoms_part_of_this_rounds_diagnoses(
    symptom: str, diagnoses: list[str], owner: str | None
) -> None:
    assert integral_to(symptom, diagnoses) == owner


def test_an_unspecified_site_beside_the_same_condition_at_its_site_is_the_same_problem() -> None:
    codes: dict[str, list[object]] = {
        "13": [ICD, "Chapter 13", False, None, "chapter"],
        "M15-M19": [ICD, "Osteoarthritis", False, "13", "block"],
        "M20-M25": [ICD, "Other joint disorders", False, "13", "block"],
        "M16": [ICD, "Osteoarthritis of hip", False, "M15-M19", "category"],
        "M16.1": [ICD, "Unilateral primary osteoarthritis of hip", False, "M16", "subcategory"],
        "M16.12": [ICD, "Unilateral primary osteoarthritis, left hip", True, "M16.1", "code"],
        "M19": [ICD, "Other and unspecified osteoarthritis", False, "M15-M19", "category"],
        "M19.9": [ICD, "Osteoarthritis, unspecified site", False, "M19", "subcategory"],
        "M19.91": [ICD, "Primary osteoarthritis, unspecified site", True, "M19.9", "code"],
        "M25": [ICD, "Other joint disorder, not elsewhere classified", False, "M20-M25", "category"],
        "M25.5": [ICD, "Pain in joint", False, "M25", "subcategory"],
        "M25.552": [ICD, "Pain in left hip", True, "M25.5", "code"],
    }
    catalog = CodeCatalog({"codes": codes})
    m = Mention(0, 5, "x", "x", "assessment", 0, 5)
    picks = {c: Pick(c, 0.8, True, [m]) for c in ("M19.91", "M16.12")}
    consolidate.drop_unspecified_twins(picks, catalog)
    assert [c for c, p in picks.items() if p.final] == ["M16.12"]
    picks = {c: Pick(c, 0.8, True, [m]) for c in ("M19.91", "M25.552")}
    consolidate.drop_unspecified_twins(picks, catalog)
    assert all(p.final for p in picks.values())


def test_an_arrow_separates_a_problem_from_its_plan() -> None:
    texts = [m.text for m in read_note("A/P: expressive language delay -> refer to early intervention.")]
    assert "expressive language delay" in texts
    texts = [m.text for m in read_note("A/P: expressive language delay, refer to early intervention.")]
    assert "expressive language delay" in texts
    # a trend of values stays one chunk
    assert not any(m.text.startswith("410") for m in read_note("Labs: AFP 1,200 -> 520 -> 410 | ALT 30"))

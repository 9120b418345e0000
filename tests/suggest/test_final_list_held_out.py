"""Reader and final-list rules found on new office notes: each with a note it must code and one it must not.

Notes here are written for these tests; titles are the ICD-10-CM tabular's (public domain)."""

from __future__ import annotations

import re

import pytest

from assistant.suggest import rules
from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.device_status import device_status
from assistant.suggest.coding_rules.encounters import counseling, general_exam, immunization
from assistant.suggest.coding_rules.tobacco import tobacco_status
from assistant.suggest.first_listed import WEEKS_WAITING, ensure_pregnancy_code
from assistant.suggest.not_coded import screening_sentence, why_not_coded
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

ICD = "ICD-10-CM"
TITLES = {
    "Z00.00": "Encounter for general adult medical examination without abnormal findings",
    "Z00.01": "Encounter for general adult medical examination with abnormal findings",
    "Z01.411": "Encounter for gynecological examination (general) (routine) with abnormal findings",
    "Z01.419": "Encounter for gynecological examination (general) (routine) without abnormal findings",
    "Z23": "Encounter for immunization",
    "Z39.2": "Encounter for routine postpartum follow-up",
    "Z71.51": "Drug abuse counseling and surveillance of drug abuser",
    "Z71.6": "Tobacco abuse counseling",
    "F17.210": "Nicotine dependence, cigarettes, uncomplicated",
    "F17.290": "Nicotine dependence, other tobacco product, uncomplicated",
    "Z87.891": "Personal history of nicotine dependence",
    "Z77.22": "Contact with and (suspected) exposure to environmental tobacco smoke (acute) (chronic)",
    "X08.8XXA": "Exposure to other specified smoke, fire and flames, initial encounter",
    "O70.1": "Second degree perineal laceration during delivery",
    "Z3A.39": "39 weeks gestation of pregnancy",
    "B06.9": "Rubella without complication",
    "I12.9": "Hypertensive chronic kidney disease with stage 1 through stage 4 chronic kidney disease, or "
    "unspecified chronic kidney disease",
    "N18.4": "Chronic kidney disease, stage 4 (severe)",
    "Z96.41": "Presence of insulin pump (external) (internal)",
    "Z99.81": "Dependence on supplemental oxygen",
}


@pytest.fixture(scope="module")
def catalog() -> CodeCatalog:
    codes = {code: [ICD, title, True, code[:3], "code"] for code, title in TITLES.items()}
    codes["I10-I1A"] = [ICD, "Hypertensive diseases", False, None, "block"]
    codes["I12"] = [ICD, "Hypertensive chronic kidney disease", False, "I10-I1A", "category"]
    refs = {
        "I10-I1A": {"use_additional": ["Z87.891", "F17.-"]},  # the block's "if applicable" list
        "I12.9": {"use_additional": ["N18.1-N18.4", "N18.9"]},  # the code's own partner
    }
    return CodeCatalog({"codes": codes, "refs": refs})


def _pick(note: str, code: str, phrase: str, score: float, final: bool = True) -> Pick:
    start = note.index(phrase)
    m = Mention(start, start + len(phrase), phrase, phrase, "body", 0, len(note))
    return Pick(code, score, final, [m])


# ------------------------------------------------------------ abbreviations read by their context
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SpO2 96% RA at discharge", "room air"),
        ("weaned to RA by day 3", "room air"),
        ("RA on methotrexate, hands stiff", "rheumatoid arthritis"),
        ("UC: 16 yo M rolled his ankle", "urgent care"),
        ("UC visit. Fever and cough", "urgent care"),
        ("UC flare on mesalamine", "ulcerative colitis"),
        ("UC 19F, sore throat x 5 d", "urgent care"),  # the note's header: place, then the patient
        ("UC 45 yo M with cough", "urgent care"),
        ("UC 12 yrs, stable on no meds", "ulcerative colitis"),  # a duration: the disease
        ("Peds UC - asthma flare. 9 yo F", "urgent care"),  # the place's name, whatever follows
        ("Pediatric UC - vomiting/diarrhea", "urgent care"),
        ("Peds GI: UC flare on mesalamine", "ulcerative colitis"),
        ("hMPV bronchiolitis, RSV neg", "human metapneumovirus bronchiolitis"),
        ("Bicillin L-A 600,000 units IM given", "penicillin g benzathine"),  # J0561, a brand
        ("Bicillin C-R 1.2 million units IM", "penicillin g benzathine and penicillin g procaine"),  # J0558
        ("FHx SCD - echo for screening", "sudden cardiac death"),  # Z82.41
        ("SCD with pain crisis, on hydroxyurea", "sickle cell disease"),
        ("SCD, f/u in 3 mo", "SCD, follow up"),  # no context either way: left as written
        ("Recurrent acute suppurative OM, R - amox-clav", "otitis media, right - amox"),  # side at line end
        ("Ganglion cyst, L.", "cyst, left."),
        ("acute otitis externa, L (swimmer's ear)", "externa, left (swimmer"),  # side before a remark
        ("31 wk w/ DCDA twins", "dichorionic/diamniotic twins"),  # Index: Pregnancy, twin, dichorionic/...
        ("Hx prostate ca s/p XRT 2017", "prostate cancer"),  # lower-case "ca" after an organ
        ("L hemiparesis (nondominant) after CVA", "left hemiparesis"),
        ("vit d insufficiency on last labs (22)", "vitamin d deficiency"),  # coded as the deficiency (E55.9)
        ("Poor appetite d/t methylphenidate", "loss of appetite"),  # Index: Appetite, loss R63.0
        ("decreased appetite x 2 wk", "loss of appetite"),
        ("appetite good", "appetite good"),
        ("Acute L cervical lymphadenitis, reactive", "left lymphadenitis of neck"),  # Index: ..., neck L04.0
        ("cervical dysplasia, CIN 2", "cervical dysplasia"),  # the cervix: left as written
        ("medication overuse ha 2/2 otc analgesics", "medication overuse headache"),  # Index: Headache, ...
        ("ha ha, very funny", "ha ha, very funny"),  # no headache words around: left as written
        ("ca 9.2, mg 1.8", "ca 9.2"),  # a lab value: left as written
        ("Di/di twins at 20 wk", "dichorionic/diamniotic twins"),
        ("knee pain, mo/di", "knee pain, mo/di"),  # no twins around it: left as written
        ("Closed fx neck of R 5th metacarpal", "right fifth metacarpal"),  # an ordinal names the digit
        ("weight at the 5th percentile", "the 5th percentile"),  # no digit after it: left as written
        ("Fever, R 18", "Fever, R 18"),  # a letter and a number: not a side
        ("Elevated BP reading, no dx of HTN", "Elevated blood pressure reading"),  # R03.0's Index path
        ("bp cuff size", "bp cuff size"),  # lower case: left as written
        ("IUP at 9 weeks by US", "pregnancy at 9 weeks"),
        ("FOOSH onto the R wrist", "fall on outstretched hand"),
        ("+FM, no ctx, LOF or VB", "fetal movement, no contractions, leakage of fluid or vaginal bleeding"),
        ("no ctx in this note", "no ctx in this note"),  # no pregnancy around "ctx": left as written
        ("stage IIIA adenocarcinoma RUL", "right upper lobe of lung"),
        ("NSCLC LLL with bone mets", "non-small cell lung cancer"),
        ("RLL pneumonia on CXR", "RLL pneumonia"),  # no neoplasm around the lobe: no lung cancer code pulled
        ("Dual-chamber ICD 2021, interrogation normal", "implantable cardiac defibrillator"),
        ("L displaced bimalleolar ankle fx", "left displaced bimalleolar"),
        ("Chronic hypoxic resp failure on home O2", "hypoxic respiratory failure"),
        ("Resp 18, HR 80", "Resp 18"),  # the vital sign, not a respiratory condition
        ("Seropositive RA (RF+, anti-CCP+)", "rheumatoid arthritis with rheumatoid factor"),
        ("seronegative rheumatoid arthritis, hands", "rheumatoid arthritis without rheumatoid factor"),
    ],
)
def test_an_abbreviation_means_what_its_context_says(text: str, expected: str) -> None:
    assert expected in expand_text(text)
    if expected in ("room air", "urgent care"):
        assert "rheumatoid" not in expand_text(text) and "colitis" not in expand_text(text)


def test_an_intrauterine_pregnancy_is_not_read_as_an_ectopic_one() -> None:
    assert "intrauterine" not in expand_text("IUP 24w3d, doing well")


# ------------------------------------------------------------ not coded: immunity, rhythm, screening
@pytest.mark.parametrize(
    ("chunk", "why"),
    [
        ("rubella immune", "immunity status"),
        ("transplant evaluation", "plan"),  # a transplant to come is no Z94 status
        ("kidney transplant referral", "plan"),
        ("Varicella immunity confirmed", "immunity status"),
        # the titer read for immunity, or its absence, is no infection; an IgM, another agent's IgG is read
        ("varicella IgG +", "immunity status"),
        ("HBsAb <10 (nonimmune)", "immunity status"),
        ("HBV nonimmune", "immunity status"),
        ("HAV IgM (+)", None),
        ("H. pylori IgG positive", None),
        ("hepatitis B antibody positive", None),
        ("in sinus today", "vitals or labs"),
        ("oral typhoid prescribed", "medication"),
        ("nitrofurantoin sent to pharmacy", "medication"),
        ("typhoid fever", None),
        ("chronic pain prescribed", None),  # a diagnosis word: read on, not a drug line
        ("Addiction psychiatry f/u", "administrative"),
        ("Heme/Onc visit", "administrative"),
        ("opioid addiction", None),
        ("GI bleed", None),
        ("immune thrombocytopenia", None),
        ("rubella", None),
        ("sinus tachycardia", None),
        ("Kidney transplant status", None),
        ("chronic sinusitis", None),
        # a low pre-test probability is no diagnosis; a low-grade or low-output condition is one
        ("Wells low for PE", "low probability"),
        ("low suspicion for appendicitis", "low probability"),
        ("low grade fever", None),
        ("low back pain", None),
        ("low output heart failure", None),
        # a vaccination status is the vaccine's, not the disease's; an exposure is read on
        ("Dog UTD on rabies vax per owner", "immunization given"),
        ("up to date with HPV vaccines", "immunization given"),
        ("Rabies exposure, bat in bedroom", None),
        # "<disease> vaccine" is the vaccine; a reaction after one is read on
        ("A/P: hepatitis B vaccine (dialysis formulation", "immunization given"),
        ("fever after HPV vaccine", None),
        # tests ordered are no diagnosis; "HIV +" before another test is "and", not a result
        ("HIV + RPR drawn", "test"),
        ("HIV + since 2015, on Biktarvy", None),
        ("GC/CT NAAT sent", "test"),
        ("chest pain radiating to jaw", None),
        # a care team named after a condition is where care happens
        ("CBT-E with the eating disorder team", "administrative"),
        ("referral to the heart failure clinic", "plan"),  # the plan rule reads it first
        ("eating disorder with purging", None),
        # an ECG's ST segment is a tracing finding, not a depressive disorder
        ("diffuse ST depression", "vitals or labs"),
        ("ST elevation in II, III, aVF", "vitals or labs"),
        ("depression, first episode", None),
        ("current on inhalers, asthma stable", None),
        # how much a patient drinks is intake, not alcohol
        ("drinking only a few sips", "intake"),
        ("eating and drinking well", "intake"),
        ("drinks 2-3 beers on weekends", None),
        ("drinking heavily since the divorce", None),
        ("dehydration, drinking only sips", None),
        # a supplement's form and frequency, the dose unsaid, is a medication, not the deficiency
        ("Vit D drops daily", "medication"),
        ("Vitamin D deficiency - D3 drops daily", None),
    ],
)
def test_immunity_rhythm_prescriptions_and_specialty_headings_are_not_diagnoses(
    chunk: str, why: str | None
) -> None:
    assert why_not_coded(chunk) == why


@pytest.mark.parametrize(
    ("sentence", "screened"),
    [
        ("HIV and syphilis screening drawn.", True),
        ("Hepatitis C screening ordered today.", True),
        ("GC/chlamydia testing sent", True),
        ("HIV positive, on antiretrovirals.", False),
        ("Chlamydia test positive", False),
        ("Depression screening done, PHQ-9 of 14.", False),
    ],
)
def test_a_screening_order_names_no_diagnosis(sentence: str, screened: bool) -> None:
    assert screening_sentence(sentence) is screened
    note = f"A/P: Chlamydial cervicitis, doxycycline.\n{sentence}\n"
    first_word = sentence.split()[0].lower()
    named = [m for m in read_note(note) if m.text.lower().startswith(first_word)]
    assert named and all((m.not_coded == "test") is screened for m in named)


# ------------------------------------------------------------ partners: own note vs an "if applicable" list
def test_a_block_level_partner_needs_its_own_support(catalog: CodeCatalog) -> None:
    own = catalog.refs.get("I12.9", {}).get("use_additional", [])
    assert "Z87.891" in rules.paired_refs(catalog, "I12.9", "use_additional")  # the block names it
    assert not rules.partner_documented("Z87.891", 0.014, own)  # "still drinking poorly": no tobacco
    assert rules.partner_documented("Z87.891", 0.4, own)  # "quit smoking in 2010"
    assert rules.partner_documented("N18.4", 0.01, own)  # the code's own note: the stage is always coded


# ------------------------------------------------------------ a documented pregnancy gets its chapter 15 code
def _waiting_weeks(note: str) -> Pick:
    p = _pick(note, "Z3A.39", "39w2d", 0.8, final=False)
    p.vetoed = True
    p.warnings.append(f"weeks of gestation are {WEEKS_WAITING} (chapter 15) code")
    return p


def test_the_pregnancy_code_comes_with_the_waiting_weeks(catalog: CodeCatalog) -> None:
    note = "G1P0 at 39w2d, vaginal delivery with a second-degree perineal laceration. Rubella immune."
    picks = {
        "Z3A.39": _waiting_weeks(note),
        "O70.1": _pick(note, "O70.1", "second-degree perineal laceration", 0.28, final=False),
        "B06.9": _pick(note, "B06.9", "Rubella", 0.8),  # another final code does not stand in for it
    }
    assert ensure_pregnancy_code(picks, catalog) == "O70.1"
    assert picks["O70.1"].final and picks["Z3A.39"].final and not picks["Z3A.39"].warnings


def test_the_waiting_weeks_come_with_a_pregnancy_code_that_became_final_after_them(
    catalog: CodeCatalog,
) -> None:
    note = "G1P0 at 39w2d, vaginal delivery with a second-degree perineal laceration."
    picks = {
        "Z3A.39": _waiting_weeks(note),
        "O70.1": _pick(note, "O70.1", "second-degree perineal laceration", 0.28),
    }
    assert ensure_pregnancy_code(picks, catalog) is None  # nothing to add: the pregnancy code is there
    assert picks["Z3A.39"].final and not picks["Z3A.39"].warnings


@pytest.mark.parametrize("score", [0.01, None])
def test_no_pregnancy_code_is_forced_without_a_plausible_one_or_waiting_weeks(
    catalog: CodeCatalog, score: float | None
) -> None:
    note = "G1P0 at 39w2d, vaginal delivery with a second-degree perineal laceration."
    picks = {"O70.1": _pick(note, "O70.1", "second-degree perineal laceration", score or 0.3, final=False)}
    if score is not None:  # weeks wait, but the only chapter 15 code is implausible
        picks["Z3A.39"] = _waiting_weeks(note)
    assert ensure_pregnancy_code(picks, catalog) is None
    assert not picks["O70.1"].final


# ------------------------------------------------------------ encounter codes
@pytest.mark.parametrize(
    ("note", "code", "not_code"),
    [
        ("Annual GYN exam, 42F\n# Breast and pelvic exam normal.", "Z01.419", "Z00.00"),
        ("Annual physical, 42F\nExam normal.", "Z00.00", "Z01.419"),
        # a routine postpartum exam is Z39.2 (I.C.21.c.11), not a general exam
        ("Routine postpartum exam, 6 wk after SVD.\nExam normal.", "Z39.2", "Z00.00"),
        ("Routine PP exam, 6 wk after SVD.\nExam normal.", "Z39.2", "Z00.00"),
        ("Routine physical exam, 42F, G2P2.\nExam normal.", "Z00.00", "Z39.2"),
    ],
)
def test_a_gynecological_exam_has_its_own_encounter_code(
    catalog: CodeCatalog, note: str, code: str, not_code: str
) -> None:
    picks: dict[str, Pick] = {}
    general_exam(picks, NoteContext(note=note, age=42), catalog)
    assert code in picks and picks[code].final and not_code not in picks


@pytest.mark.parametrize(
    ("assessment", "code"),
    [
        ("Routine gynecologic exam, normal findings.", "Z01.419"),
        # no word on the findings: the other final diagnosis is one; an exception keeps it abnormal, and a
        # normal physical exam says nothing of the other findings
        ("Routine gynecologic exam.", "Z01.411"),
        ("Routine gynecologic exam, normal findings except a cervical polyp.", "Z01.411"),
        ("Exam normal. Routine gynecologic exam with abnormal finding: tobacco use.", "Z01.411"),
        # "otherwise" names an abnormal finding beside the normal exam; alone, "normal exam" still decides
        ("Routine gynecologic exam. Normal exam otherwise.", "Z01.411"),
        ("Routine gynecologic exam, otherwise normal exam.", "Z01.411"),
        ("Routine gynecologic exam. Normal exam.", "Z01.419"),
    ],
)
def test_the_physicians_word_on_the_findings_decides_the_exam_code(
    catalog: CodeCatalog, assessment: str, code: str
) -> None:
    note = f"Annual well-woman exam, 45F.\nSmokes 1/2 ppd.\nAssessment: {assessment}"
    m = Mention(0, 6, "Smokes", "Smokes", "body", 0, 6)
    picks: dict[str, Pick] = {"F17.210": Pick("F17.210", 0.8, True, [m])}
    general_exam(picks, NoteContext(note=note, age=45), catalog)
    assert code in picks and picks[code].final


@pytest.mark.parametrize(
    ("note", "vaccine"),
    [
        ("Routine gyn exam. Pap with HPV cotesting collected today.", False),
        ("HPV vaccine #2 given today, left deltoid.", True),
    ],
)
def test_hpv_named_as_a_test_is_no_immunization(catalog: CodeCatalog, note: str, vaccine: bool) -> None:
    picks: dict[str, Pick] = {}
    immunization(picks, NoteContext(note=note, age=30), catalog)
    assert ("Z23" in picks) is vaccine


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("Telehealth, 19F. Vapes nicotine daily, wants to quit - counseled 4 min, NRT reviewed.", "Z71.6"),
        ("NSTEMI, drug-eluting stent placed. Smokes; cessation counseling done.", "Z71.6"),
        ("NSTEMI, drug-eluting stent placed; counseled on the procedure.", None),
    ],
)
def test_counseling_names_its_topic_and_a_drug_eluting_stent_is_no_drug(
    catalog: CodeCatalog, note: str, code: str | None
) -> None:
    picks: dict[str, Pick] = {}
    counseling(picks, NoteContext(note=note), catalog)
    assert [c for c in picks if c.startswith("Z71")] == ([code] if code else [])


# ------------------------------------------------------------ tobacco: "PPD" is packs/day after an amount
@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("Uncomplicated postpartum course. Discharged PPD#2.", None),
        ("COPD. Smokes 1 ppd x 30 years.", "F17.210"),
    ],
)
def test_postpartum_day_is_not_packs_per_day(catalog: CodeCatalog, note: str, code: str | None) -> None:
    picks: dict[str, Pick] = {}
    tobacco_status(picks, NoteContext(note=note), catalog)
    assert [c for c in picks if c.startswith(("F17", "Z87.891"))] == ([code] if code else [])


@pytest.mark.parametrize(
    ("note", "phrase", "kept"),
    [
        ("63M w/ DM2 and h/o IV heroin use, in remission since 2019.", "h/o IV heroin use", False),
        ("63M w/ DM2 and h/o tobacco and heroin use, quit both 2019.", "h/o tobacco and heroin use", True),
    ],
)
def test_another_substances_history_is_no_tobacco_history(
    catalog: CodeCatalog, note: str, phrase: str, kept: bool
) -> None:
    """Retrieval may offer Z87.891 for "h/o IV heroin use"; no tobacco word is said, another substance is."""
    picks = {"Z87.891": _pick(note, "Z87.891", phrase, 0.5)}
    tobacco_status(picks, NoteContext(note=note), catalog)
    assert ("Z87.891" in picks) is kept


# ------------------------------------------------------------ other people's smoke is an exposure
@pytest.mark.parametrize(
    ("note", "phrase", "code", "expected"),
    [
        ("15M asthma flare. Lives with 2 smokers.", "Lives with 2 smokers", "F17.210", ["Z77.22"]),
        ("Dx: asthma flare. Secondhand smoke exposure at home.", "Secondhand smoke exposure", "X08.8XXA",
         ["Z77.22"]),
        ("15M asthma flare. No secondhand smoke exposure.", None, None, []),
        ("40M asthma. Smokes 1 ppd cigarettes.", "Smokes 1 ppd cigarettes", "F17.210", ["F17.210"]),
        # a child's parent who smokes: the child's exposure, not the child's use
        ("9 yo F, asthma flare. Dad smokes in the car with kids.", None, None, ["Z77.22"]),
        ("26 mo M, AOM. Dad smokes, only on the porch.", None, None, ["Z77.22"]),
        ("16 yo M, asthma. Per mom smokes 1 ppd cigarettes.", None, None, ["F17.210"]),
        ("9 yo F, asthma. Mom denies that dad smokes.", None, None, []),
        ("50 yo M, asthma. Dad smokes, mom has COPD.", None, None, []),  # an adult's parent: not his home
        ("9 yo F, asthma flare. Smoke-free car counseling.", None, None, []),  # the advice, no one's smoking
    ],
)  # fmt: skip
def test_other_peoples_smoke_is_an_exposure_not_tobacco_use(
    catalog: CodeCatalog, note: str, phrase: str | None, code: str | None, expected: list[str]
) -> None:
    picks = {code: _pick(note, code, phrase, 0.5)} if code and phrase else {}
    age = re.search(r"(\d+) (?:yo|mo)\b", note)
    years = (int(age.group(1)) // 12 if "mo" in age.group(0) else int(age.group(1))) if age else None
    tobacco_status(picks, NoteContext(note=note, age=years), catalog)
    assert sorted(c for c in picks if c[0] in "FXZ") == expected


# ------------------------------------------------------------ devices the patient lives on
@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("T1DM x 20 yr, on Omnipod insulin pump + CGM. A1c 8.6.", "Z96.41"),
        ("24M T1DM on pump (Omnipod) + CGM. A1c 7.2.", "Z96.41"),
        ("T1DM on MDI, pump (Omnipod) discussed for next year.", None),
        ("T1DM, on MDI; discussed starting an insulin pump next year, referral placed.", None),
        ("70M with COPD on home oxygen 2 L, here for follow-up.", "Z99.81"),
        ("COPD exacerbation, needed 4 L nasal cannula oxygen in the ED, weaned to room air.", None),
        ("No home O2 needed at discharge.", None),
    ],
)
def test_a_device_in_use_at_home_is_a_status(catalog: CodeCatalog, note: str, code: str | None) -> None:
    picks: dict[str, Pick] = {}
    device_status(picks, NoteContext(note=note), catalog)
    assert [c for c in picks if c in ("Z96.41", "Z99.81")] == ([code] if code else [])

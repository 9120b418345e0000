"""Reading notes as written: structure, abbreviations, not-coded sentences, time/status, qualifiers."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand, table
from assistant.suggest.corpus import CodeRecord, MemoryCorpus
from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.index_build import build_index
from assistant.suggest.not_coded import vaccine_in_list_given, why_not_coded
from assistant.suggest.qualifiers import compare, read_qualifiers
from assistant.suggest.reader import Mention, read_dictation, read_note, scoped_site
from assistant.suggest.schemas import SuggestRequest, SuggestResponse
from assistant.suggest.service import SuggestionService, check_evidence


def by_text(note: str) -> dict[str, Mention]:
    return {m.text: m for m in read_note(note)}


def coded(note: str) -> list[str]:
    """The mention texts the engine would search (not negated, not a plan or an administrative line)."""
    return [m.text for m in read_note(note) if not (m.negated or m.not_coded or m.normal)]


# ------------------------------------------------------------ structure
@pytest.mark.parametrize(
    "note",
    [
        "Assessment and plan: 1. Type 2 diabetes mellitus with hyperglycemia, A1c 9.2, increase metformin. "
        "2. Essential hypertension, well controlled on lisinopril.",
        "A/P:\n1. Type 2 diabetes mellitus with hyperglycemia - increase metformin\n"
        "2. Essential hypertension",
        "Assessment:\n# Type 2 diabetes mellitus with hyperglycemia: A1c 9.2, increase metformin\n"
        "# Essential hypertension: continue lisinopril",
        "Impression:\na) Type 2 diabetes mellitus with hyperglycemia b) Essential hypertension",
        "Problem list:\n- Type 2 diabetes mellitus with hyperglycemia -- increase metformin\n"
        "- Essential hypertension",
        "Assessment/Plan: 1) Type 2 diabetes mellitus with hyperglycemia 2) Essential hypertension",
    ],
)
def test_problem_list_formats_read_every_problem_and_no_plan(note: str) -> None:
    found = coded(note)
    assert "Type 2 diabetes mellitus with hyperglycemia" in found
    assert "Essential hypertension" in found
    assert not any(w in " ".join(found).lower() for w in ("metformin", "lisinopril", "a1c", "increase"))
    for m in read_note(note):
        assert note[m.start : m.end] == m.text


def test_decimals_do_not_split_sentences() -> None:
    ms = by_text("A/P: 1. Obesity, BMI 32.4, diet counseling. 2. Hypokalemia, K 3.1.")
    assert "Obesity" in ms and "BMI 32.4" in ms and "Hypokalemia" in ms
    assert "Hypokalemia" in coded("A/P: 1. Obesity, BMI 32.4, diet counseling. 2. Hypokalemia, K 3.1.")
    assert not any(
        "3.1" in t for t in coded("A/P: 1. Obesity, BMI 32.4, diet counseling. 2. Hypokalemia, K 3.1.")
    )


# ------------------------------------------------------------ not coded
@pytest.mark.parametrize(
    ("chunk", "kind"),
    [
        ("increase metformin", "plan"),
        ("continue medications", "plan"),
        ("Follow up in 3 months", "plan"),
        ("Counseled on smoking cessation", "plan"),
        ("will check lipid panel", "plan"),
        ("recheck BMP in 2 weeks", "plan"),
        ("Medication list reconciled", "plan"),
        ("established patient", "administrative"),
        ("Patient verbalized understanding", "administrative"),
        ("blood pressure", "vitals or labs"),
        ("BP 128/76", "vitals or labs"),
        ("A1c 9.2", "vitals or labs"),
        ("PHQ-9 14, no SI", "vitals or labs"),  # a screening score: the clinician's diagnosis is coded
        ("EPDS 3", "vitals or labs"),
        ("GAD-7 12", "vitals or labs"),
        ("metformin 500 mg bid", "medication"),
        ("on lisinopril", "medication"),
        ("well controlled on lisinopril", "status"),
    ],
)
def test_not_coded_chunks(chunk: str, kind: str) -> None:
    assert why_not_coded(chunk) == kind


@pytest.mark.parametrize(
    "chunk",
    [
        "Essential hypertension",
        "Elevated blood pressure",
        "Stable angina",
        "Uncontrolled type 2 diabetes",
        "Diet-controlled diabetes",
        "Exercise-induced asthma",
        "on insulin",
        "f/u HTN",
        "Follow-up of fracture",
        "recheck of right ankle sprain",  # the visit's reason: the injury, at its subsequent encounter
        "BMI 32.4",
        "daily headaches",
        "Generalized anxiety disorder",
    ],
)
def test_diagnoses_are_never_taken_for_plans(chunk: str) -> None:
    assert why_not_coded(chunk) is None


def test_administrative_sentences_give_no_diagnosis_mention() -> None:
    note = (
        "HPI: Established patient here for follow up. Medication list reconciled.\n"
        "Vitals: blood pressure 132/84, pulse 72.\nA/P: Essential hypertension - continue medications. "
        "Follow up in 3 months."
    )
    assert coded(note) == ["Essential hypertension"]


# ------------------------------------------------------------ time and status
@pytest.mark.parametrize(
    ("note", "text"),
    [
        ("SH: He quit smoking 10 years ago.", "He quit smoking 10 years ago"),
        ("SH: Smoked 1 ppd for 20 years, quit in 2015.", "Smoked 1 ppd for 20 years"),
        ("SH: Former smoker.", "Former smoker"),
        ("SH: Ex-smoker.", "Ex-smoker"),
        ("SH: No longer drinks alcohol.", "No longer drinks alcohol"),
        (
            "PMH: Breast cancer s/p lumpectomy, completed chemotherapy in 2019, no evidence of recurrence.",
            "Breast cancer s/p lumpectomy",
        ),
        ("PMH: Colon cancer treated in 2015, NED.", "Colon cancer treated in 2015"),
        ("PMH: Had pneumonia 2 years ago.", "Had pneumonia 2 years ago"),
        # the age the patient had then is a date
        ("HPI: Infertility. History: after mumps orchitis at 14, low count.", "after mumps orchitis at 14"),
        ("PMH: Appendicitis at age 10.", "Appendicitis at age 10"),
    ],
)
def test_over_is_history(note: str, text: str) -> None:
    m = by_text(note)[text]
    assert m.history and not m.negated


@pytest.mark.parametrize(
    ("note", "text"),
    [
        ("SH: Smokes 1 ppd.", "Smokes 1 ppd"),
        ("A/P: Breast cancer, on chemotherapy.", "Breast cancer"),
        ("A/P: Alcohol dependence in early remission.", "Alcohol dependence in early remission"),
        ("HPI: Chest pain for 2 months.", "Chest pain for 2 months"),
        # the age it began at keeps it current; a score or a gestation is no age
        ("PMH: Type 1 diabetes diagnosed at age 9.", "Type 1 diabetes diagnosed at age 9"),
        ("PMH: Asthma since age 12.", "Asthma since age 12"),
        ("HPI: Knee pain rated at 7.", "Knee pain rated at 7"),
        ("HPI: Nausea at 14 weeks.", "Nausea at 14 weeks"),
    ],
)
def test_current_stays_current(note: str, text: str) -> None:
    m = by_text(note)[text]
    assert not m.history


def test_ruled_out_and_probable() -> None:
    ms = by_text("A/P: Pulmonary embolism ruled out. Probable pneumonia.")
    assert ms["Pulmonary embolism ruled out"].negated
    assert ms["Probable pneumonia"].uncertain and not ms["Probable pneumonia"].negated


def test_a_condition_with_a_question_mark_is_a_query() -> None:
    ms = {m.text.rstrip("?"): m for m in read_note("A/P: Hepatitis C, chronic. Cirrhosis? - fibroscan.")}
    assert ms["Cirrhosis"].uncertain
    assert not ms["Hepatitis C, chronic"].uncertain


# ------------------------------------------------------------ abbreviations
def test_the_table_is_large_and_well_formed() -> None:
    assert sum(len(v) for v in table().values()) >= 200
    for key in ("htn", "hld", "dm2", "t2dm", "t1dm", "hfref", "hfpef", "cad", "afib", "copd", "gerd", "bph"):
        assert key in table()
    for key in ("osa", "uti", "uri", "mdd", "gad", "s/p", "h/o", "r/o", "c/o", "f/u", "y/o"):
        assert key in table()


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("HTN, HLD", "hypertension, hyperlipidemia"),
        ("length-dependent diabetic neuropathy", "peripheral diabetic polyneuropathy"),  # Index: see also
        ("stocking-glove pattern", "stocking-glove pattern"),  # only of a neuropathy
        ("diabetic peripheral neuropathy", "diabetic peripheral polyneuropathy"),  # E11.42
        ("peripheral autonomic neuropathy", "peripheral autonomic neuropathy"),  # not a polyneuropathy
        ("T2DM w/ neuropathy", "type 2 diabetes mellitus with neuropathy"),
        ("CKD 3b", "chronic kidney disease stage 3b"),
        ("58yo M", "58 year old male"),
        ("G2P1 at 28 wks", "gravida 2 para 1 at 28 weeks"),
        ("G2P1001 at 28 wks", "gravida 2 para 1 at 28 weeks"),  # TPAL: para = term + preterm
        ("G5P3113", "gravida 5 para 4"),
        ("MDD, GAD", "major depressive disorder, generalized anxiety disorder"),
        ("acute PE on heparin", "acute pulmonary embolism on heparin"),
        ("MS, murmur on exam", "mitral stenosis, murmur on exam"),
        ("relapsing MS on ocrelizumab", "relapsing multiple sclerosis on ocrelizumab"),
        ("breast CA s/p lumpectomy", "breast cancer malignant neoplasm status post lumpectomy"),
        # raised liver enzymes are the transaminases (Elevated, transaminase: R74.01); the tests stay tests
        ("Elevated liver enzymes", "Elevated transaminase levels"),
        ("LFTs were elevated", "transaminase levels were elevated"),
        ("elevated BP, LFTs normal", "elevated blood pressure, liver function tests normal"),
    ],
)
def test_abbreviations_expand(text: str, expanded: str) -> None:
    assert expand(text).text == expanded


@pytest.mark.parametrize(
    "text",
    ["PE: lungs clear", "Ca 9.8, K 4.1", "MS", "pe", "all symptoms resolved", "ED visit yesterday"],
)
def test_ambiguous_abbreviations_without_context_stay(text: str) -> None:
    assert expand(text).text == text


def test_offsets_map_back_to_the_note() -> None:
    note = "Pt w/ HTN and DM2, CKD 3a."
    e = expand(note)
    for word, original in (("hypertension", "HTN"), ("type 2 diabetes mellitus", "DM2"), ("with", "w/")):
        i = e.text.index(word)
        a, b = e.original_span(i, i + len(word))
        assert note[a:b] == original
    i = e.text.index("and")
    assert note[slice(*e.original_span(i, i + 3))] == "and"


# ------------------------------------------------------------ qualifiers
@pytest.mark.parametrize(
    ("note", "title", "conflict"),
    [
        ("acute cystitis without hematuria", "Acute cystitis with hematuria", True),
        ("acute cystitis without hematuria", "Acute cystitis without hematuria", False),
        (
            "diabetes with ketoacidosis without coma",
            "Type 1 diabetes mellitus with ketoacidosis with coma",
            True,
        ),
        (
            "hypertensive heart disease without heart failure",
            "Hypertensive heart disease with heart failure",
            True,
        ),
        ("migraine without aura, not intractable", "Migraine without aura, intractable", True),
        ("migraine with aura", "Migraine without aura, not intractable", True),
        ("alcohol dependence", "Alcohol dependence, in remission", True),
        ("alcohol dependence in early remission", "Alcohol dependence, in remission", False),
        (
            "major depressive disorder, recurrent, moderate",
            "Major depressive disorder, single episode, moderate",
            True,
        ),
        ("mild persistent asthma with exacerbation", "Mild persistent asthma, uncomplicated", True),
        ("severe persistent asthma", "Mild persistent asthma, uncomplicated", True),
        ("chronic kidney disease stage 3b", "Chronic kidney disease, stage 3a", True),
        ("acute on chronic diastolic heart failure", "Acute diastolic (congestive) heart failure", True),
        ("type 2 diabetes with neuropathy", "Type 2 diabetes mellitus without complications", True),
        ("pregnancy, second trimester", "Supervision of normal pregnancy, first trimester", True),
    ],
)
def test_qualifier_conflicts(note: str, title: str, conflict: bool) -> None:
    conflicts, _ = compare(read_qualifiers(note), read_qualifiers(title, title=True))
    assert bool(conflicts) is conflict


def test_status_chunk_qualifies_the_problem_before_it() -> None:
    ms = by_text("A/P: Type 2 diabetes, poorly controlled. Migraine without aura, not intractable.")
    assert ms["Type 2 diabetes"].qualifiers.controlled is False
    assert ms["Migraine without aura"].qualifiers.intractable is False


ICD = "ICD-10-CM"


def _r(code: str, title: str, parent: str | None, billable: bool = True) -> CodeRecord:
    return CodeRecord(ICD, code, title, billable, parent, "code" if billable else "category")


QUALIFIER_CODES = [
    _r("N30", "Cystitis", None, False),
    _r("N30.0", "Acute cystitis", "N30", False),
    _r("N30.00", "Acute cystitis without hematuria", "N30.0"),
    _r("N30.01", "Acute cystitis with hematuria", "N30.0"),
    _r("F10", "Alcohol related disorders", None, False),
    _r("F10.2", "Alcohol dependence", "F10", False),
    _r("F10.20", "Alcohol dependence, uncomplicated", "F10.2"),
    _r("F10.21", "Alcohol dependence, in remission", "F10.2"),
    _r("G43", "Migraine", None, False),
    _r("G43.0", "Migraine without aura", "G43", False),
    _r("G43.00", "Migraine without aura, not intractable", "G43.0", False),
    _r("G43.009", "Migraine without aura, not intractable, without status migrainosus", "G43.00"),
    _r("G43.01", "Migraine without aura, intractable", "G43.0", False),
    _r("G43.019", "Migraine without aura, intractable, without status migrainosus", "G43.01"),
]


@pytest.fixture(scope="module")
def qualifier_engine(tmp_path_factory: pytest.TempPathFactory) -> SuggestionService:
    emb = HashingEmbedder(128)
    target = tmp_path_factory.mktemp("qualifier-index")
    corpus = MemoryCorpus(QUALIFIER_CODES, {ICD: {"release": "2026-04-01", "sha256": "t"}})
    build_index(target, corpus, emb, progress=False)
    return SuggestionService.from_index_dir(target, emb)


def top(engine: SuggestionService, text: str) -> str:
    response: SuggestResponse = engine.suggest(SuggestRequest(text=text))
    check_evidence(text, response)
    return response.suggestions[0].code


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("A/P: Acute cystitis without hematuria.", "N30.00"),
        ("A/P: Acute cystitis with hematuria.", "N30.01"),
        ("A/P: Acute cystitis, no hematuria.", "N30.00"),
        ("A/P: Alcohol dependence in early remission.", "F10.21"),
        ("A/P: Alcohol dependence, drinking daily.", "F10.20"),
        ("A/P: Migraine without aura, not intractable.", "G43.009"),
        ("A/P: Migraine without aura, intractable.", "G43.019"),
    ],
)
def test_engine_picks_the_agreeing_sibling(
    qualifier_engine: SuggestionService, note: str, expected: str
) -> None:
    assert top(qualifier_engine, note) == expected


def test_soap_letters_are_sections() -> None:
    ms = by_text("S: cough for 3 days.\nO: BP 120/80.\nA: 1. Acute bronchitis.\nP: Dietitian referral.")
    assert ms["cough for 3 days"].section == "hpi"
    assert ms["BP 120/80"].section == "exam"
    assert ms["Acute bronchitis"].section == "assessment"
    assert ms["Dietitian referral"].not_coded


def test_headers_inside_a_line_are_sections() -> None:
    ms = by_text("CC: rash x 3 days. Assessment: Contact dermatitis, both forearms. Plan: steroid cream.")
    assert ms["rash x 3 days"].section == "hpi"
    assert ms["Contact dermatitis, both forearms"].section == "assessment"
    assert ms["steroid cream"].section == "assessment"
    assert "Assessment" not in ms
    # a background list written inside a line ends with its sentence
    ms = by_text("Smoking cessation visit. FHx: brother lung CA at 70. HTN on losartan - cont.")
    assert ms["brother lung CA at 70"].family
    assert ms["HTN on losartan"].section == "body" and not ms["HTN on losartan"].family
    # a header word inside a sentence, without its colon after a sentence end, is no header
    ms = by_text("CC: rash. The plan is reviewed with her, assessment of the rash tomorrow.")
    assert all(m.section == "hpi" for m in ms.values())


def test_ruled_out_does_not_reach_back_across_a_comma() -> None:
    ms = by_text("ED impression: Atypical chest pain, ACS ruled out with 2 negative troponins.")
    assert ms["ACS ruled out with 2 negative troponins"].negated
    assert not ms["Atypical chest pain"].negated


@pytest.mark.parametrize(
    "chunk", ["varicella given today", "DTaP", "IPV/MMR", "Influenza vaccine administered"]
)
def test_vaccines_given_are_not_diagnoses(chunk: str) -> None:
    assert why_not_coded(chunk) == "immunization given"


@pytest.mark.parametrize("chunk", ["Varicella", "hepatitis B", "influenza A"])
def test_the_disease_is_still_a_diagnosis(chunk: str) -> None:
    assert why_not_coded(chunk) is None


def test_resolved_after_the_symptom_negates_it() -> None:
    ms = by_text("HPI: tremor resolved. Palpitations have resolved. Cough persists.")
    assert ms["tremor resolved"].negated and ms["Palpitations have resolved"].negated
    assert not ms["Cough persists"].negated


def test_tests_labels_and_plan_lists_are_not_coded() -> None:
    note = (
        "Pulm clinic.\nUrine cx: 100K E. coli, pan-sensitive.\nOther: urine cultures negative.\n"
        "P: Continue carvedilol, spironolactone and dapagliflozin. HTN - continue lisinopril, DM2 - increase "
        "metformin. Colonoscopy due 2027. BMP in 1 week."
    )
    found = coded(note)
    assert "100K E. coli" in found  # "E. coli" does not end the sentence
    assert "HTN" in found and "DM2" in found
    for text in (
        "Pulm clinic",
        "Urine cx",
        "Other",
        "spironolactone",
        "dapagliflozin",
        "Colonoscopy due 2027",
    ):
        assert text not in found


def test_negative_result_is_negated_but_rh_negative_is_a_condition() -> None:
    ms = by_text("Labs: HIV negative. Rh negative, RhoGAM given.")
    assert ms["HIV negative"].negated
    assert not ms["Rh negative"].negated


@pytest.mark.parametrize(
    "note",
    [
        "Gram-negative sepsis, on cefepime.",
        "Gram negative bacteremia, blood cultures pending.",
        "Breast cancer, ER negative, on letrozole.",
        "Triple-negative breast cancer, cycle 2 today.",
        "HER2-negative breast cancer of the left breast.",
    ],
)
def test_a_negative_that_names_a_kind_does_not_deny_the_condition(note: str) -> None:
    (problem,) = [
        m for m in read_note(note) if "sepsis" in m.text or "bacteremia" in m.text or "cancer" in m.text
    ]
    assert not problem.negated


@pytest.mark.parametrize("note", ["Blood culture negative.", "Strep test neg.", "Influenza swab negative."])
def test_a_negative_result_still_denies_it(note: str) -> None:
    assert all(m.negated for m in read_note(note))


@pytest.mark.parametrize(
    ("note", "title"),
    [
        (
            "Ophthalmoplegic migraine, without refractory migraine",
            "Ophthalmoplegic migraine, not intractable",
        ),
        (
            "Amphetamine or other stimulant-induced depressive disorder, without use disorder",
            "Other stimulant use, unspecified with stimulant-induced depressive disorder",
        ),
    ],
)
def test_generic_words_make_no_conflict(note: str, title: str) -> None:
    conflicts, _ = compare(read_qualifiers(note), read_qualifiers(title, title=True))
    assert conflicts == []


def test_a_colon_in_prose_does_not_split_the_phrase() -> None:
    note = "Better eye: moderate vision impairment; lesser eye: profound vision impairment."
    assert "Better eye: moderate vision impairment" in coded(note)
    assert "Type 2 diabetes mellitus" in coded("A/P:\n# Type 2 diabetes mellitus: A1c 9.2")


def test_a_denial_after_an_exam_heading_negates_the_finding() -> None:
    note = "Exam:\nSurrounding skin: no spreading erythema. Abscess drained."
    by_text = {m.text: m for m in read_note(note)}
    assert by_text["Surrounding skin: no spreading erythema"].negated
    assert not by_text["Abscess drained"].negated
    (dm,) = [m for m in read_note("HPI: Diabetes: no hypoglycemia.") if m.text.startswith("Diabetes")]
    assert not dm.negated  # a diagnosis before the colon is not an exam heading


def test_a_risk_named_or_counseled_is_not_the_condition() -> None:
    assert why_not_coded("rabies risk") == "prevention"
    assert (
        why_not_coded("risk of DVT") == "prevention"
        and why_not_coded("at risk for aspiration") == "prevention"
    )
    assert why_not_coded("at risk for falls") is None  # the Index lists it: At risk, for, falling (Z91.81)
    assert why_not_coded("rabies exposure from a bat bite") is None
    assert why_not_coded("high risk pregnancy") is None and why_not_coded("increased fall risk") is None


def test_a_vaccine_named_with_its_route_is_the_vaccine() -> None:
    sentence = "Typhoid (injectable) and yellow fever vaccines administered today."
    assert vaccine_in_list_given("Typhoid (injectable)", sentence)
    assert not vaccine_in_list_given("Typhoid fever", sentence)
    listed = "Vaccines: yellow fever given, typhoid Vi IM given, hepatitis A #1 given; MMR up to date."
    assert vaccine_in_list_given("typhoid Vi IM given", listed)
    assert not vaccine_in_list_given("typhoid fever given", listed)


def test_a_numbered_list_on_one_line_ends_each_item_before_the_next_number() -> None:
    ms = by_text("A/P: 1. CKD 2. HTN 3. DM2")
    assert {"CKD", "HTN", "DM2"} <= set(ms)
    assert ms["CKD"].qualifiers.stage is None  # the "2" is the next item's number, no stage
    ms = by_text("A/P: 1. HTN 2. CKD 3 3. DM2")
    assert "CKD 3" in ms  # the stage stays; only the next item's number goes
    ms = by_text("A/P: CKD 3. Continue lisinopril.")
    assert "CKD 3" in ms


def test_an_adjective_says_the_with_clause_of_a_title() -> None:
    note = read_qualifiers("Chronic tophaceous gout of right knee")
    with_tophi = read_qualifiers("Idiopathic chronic gout, right knee, with tophus (tophi)", title=True)
    without = read_qualifiers("Idiopathic chronic gout, right knee, without tophus (tophi)", title=True)
    assert not compare(note, with_tophi)[0] and compare(note, without)[0]
    assert not compare(read_qualifiers("Chronic gout of right knee"), without)[0]


def test_a_polyp_or_adenoma_found_at_a_scope_lies_in_the_organ_it_looked_at() -> None:
    ms = {m.text: m for m in read_note("A/P: Screening colonoscopy done, 2 tubular adenomas removed.")}
    assert ms["2 tubular adenomas removed"].query.endswith("of colon, large intestine")
    assert scoped_site("Cystoscopy: small papillary lesion", "polyp") == "polyp of bladder"
    # a site said, or no scope in the sentence: the query stays
    assert scoped_site("Colonoscopy: polyp in the rectum", "polyp in the rectum") == "polyp in the rectum"
    assert scoped_site("Nasal polyps on exam", "Nasal polyps") == "Nasal polyps"


def test_spoken_punctuation_is_read_as_punctuation() -> None:
    note = (
        "follow up of his back pain comma which is better period his knee hurts comma no fever period "
        "new paragraph assessment low back pain improving"
    )
    ms = by_text(note)
    assert ms["his knee hurts"].section == "body" and not ms["his knee hurts"].negated
    assert ms["no fever"].negated
    assert ms["low back pain improving"].section == "assessment"
    assert all(note[m.start : m.end] == m.text for m in ms.values())
    # a written note's period is a word: no spoken marks, no rewriting
    written = "Seen for pelvic pain.\nHer last menstrual period was two weeks ago. No fever."
    assert "Her last menstrual period was two weeks ago" in by_text(written)
    assert read_dictation(written) == written


def test_a_run_on_dictation_is_cut_where_a_statement_starts() -> None:
    note = (
        "this is a 40 year old woman seen today for a dry cough and sore throat for a week no fever no "
        "chest pain she has type 2 diabetes on metformin and her sugars have been fine so this is acute "
        "pharyngitis we will treat with fluids"
    )
    ms = by_text(note)
    diabetes = ms["she has type 2 diabetes on metformin"]
    assert not diabetes.negated
    # the dictated conclusion is the assessment
    assert ms["acute pharyngitis"].section == "assessment" and not ms["acute pharyngitis"].negated
    # a sentence with its commas is read as written
    written = (
        "Seen today for a dry cough and sore throat for a week, no fever, no chest pain, she has type 2 "
        "diabetes on metformin and her sugars have been fine so this is acute pharyngitis we will treat"
    )
    assert read_dictation(written) == written

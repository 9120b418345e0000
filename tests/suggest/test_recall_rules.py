"""Reader and sibling rules that bring required codes into the final list (issue 13, recall round).

Each rule has a note where it applies and one where it must not (notes written for these tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules import NoteContext
from assistant.suggest.coding_rules.combination import combine
from assistant.suggest.coding_rules.partners import add_bmi, bmi_percentile_code
from assistant.suggest.consolidate import drop_contradicting_siblings, fold_integral_symptoms
from assistant.suggest.history import history_cue
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.qualifiers import compare, prefix_conflict, read_qualifiers
from assistant.suggest.reader import Mention, qualifies_previous, read_note
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.service import SuggestionService
from assistant.suggest.sibling_choice import prefer_named_sibling
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick
from tests.suggest.rules_corpus import rules_service


def by_text(note: str) -> dict[str, Mention]:
    return {m.text: m for m in read_note(note)}


# ------------------------------------------------------------ "Hx <condition>" is history
def test_hx_before_a_condition_is_history() -> None:
    m = by_text("Derm f/u.\n# Hx basal cell carcinoma of the nose, excised.\n")[
        "Hx basal cell carcinoma of the nose"
    ]
    assert m.history


def test_a_condition_without_hx_is_not_history() -> None:
    m = by_text("Derm f/u.\n# Basal cell carcinoma of the nose - excision scheduled.\n")[
        "Basal cell carcinoma of the nose"
    ]
    assert not m.history


# ------------------------------------------------------------ side and type after a comma
def test_side_after_a_comma_completes_the_condition() -> None:
    ms = by_text("Dx: Acute serous otitis media, L ear. Drops prescribed.")
    m = ms["Acute serous otitis media, L ear"]
    assert m.laterality == {"left"}
    assert "left ear" in m.query


def test_a_single_letter_that_is_not_a_side_gives_no_laterality() -> None:
    ms = by_text("Dx: Acute serous otitis media. R/O cholesteatoma.")
    assert ms["Acute serous otitis media"].laterality == set()


@pytest.mark.parametrize(
    ("chunk", "joins"),
    [
        ("R foot", True),
        ("both knees", True),
        ("depressive type", True),
        ("type 2 diabetes", False),
        ("hyperlipidemia", False),
        ("right lower lobe pneumonia with effusion", False),
        ("left ventricular hypertrophy", False),
        ("both stable", False),
    ],
)
def test_which_chunks_complete_the_previous_condition(chunk: str, joins: bool) -> None:
    assert qualifies_previous(chunk) is joins


def test_type_after_a_comma_stays_with_its_condition() -> None:
    ms = by_text("A/P: Schizoaffective disorder, depressive type, stable on current regimen.")
    assert "Schizoaffective disorder, depressive type" in ms


def test_a_second_condition_after_a_comma_stays_separate() -> None:
    ms = by_text("A/P: Schizoaffective disorder, type 2 diabetes, both stable.")
    assert "Schizoaffective disorder" in ms and "type 2 diabetes" in ms


# ------------------------------------------------------------ problem-list lines
def test_the_problem_heading_a_list_line_is_marked() -> None:
    ms = by_text("68F here for f/u.\n# Hypothyroidism - continue levothyroxine 50 mcg\n- Gout: no flares\n")
    assert ms["Hypothyroidism"].problem
    assert ms["Gout"].problem
    assert not ms["continue levothyroxine 50 mcg"].problem


def test_a_narrative_sentence_is_not_a_problem_line() -> None:
    ms = by_text("68F here for f/u. She has hypothyroidism on levothyroxine. Gout quiet.")
    assert not any(m.problem for m in ms.values())


# ------------------------------------------------------------ abbreviations
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hypoTH", "hypothyroidism"),
        ("ischemic CM", "ischemic cardiomyopathy"),
        (
            "mild NPDR OU w/o DME",
            "mild nonproliferative diabetic retinopathy bilateral without diabetic macular edema",
        ),
        ("R TM bulging", "right tympanic membrane bulging"),
    ],
)
def test_new_abbreviations_expand(text: str, expected: str) -> None:
    assert expand_text(text) == expected


@pytest.mark.parametrize("text", ["DME order for a walker", "lesion 2 CM wide", "ROM OU"])
def test_ambiguous_abbreviations_stay_without_their_context(text: str) -> None:
    out = expand_text(text)
    assert "macular" not in out and "cardiomyopathy" not in out and "bilateral" not in out


# ------------------------------------------------------------ cancer still under treatment
def test_cancer_on_adjuvant_treatment_is_current() -> None:
    sentence = "61M with adenocarcinoma of the rectum, s/p low anterior resection, on adjuvant chemotherapy."
    assert history_cue(sentence, "adenocarcinoma of the rectum") is None


def test_cancer_after_finished_treatment_is_history() -> None:
    sentence = (
        "61M with adenocarcinoma of the rectum, s/p low anterior resection 2019, no evidence of disease."
    )
    assert history_cue(sentence, "adenocarcinoma of the rectum") is not None


def test_a_blood_cancer_in_remission_is_current_a_solid_one_history() -> None:
    """Lymphoma, leukemia and myeloma "in remission" have codes of their own (C81.-A, C91.-1, C90.-1)."""
    sentence = (
        "# Classical Hodgkin lymphoma, nodular sclerosis, s/p ABVD x 6 - in complete remission since 2022"
    )
    assert history_cue(sentence, "Classical Hodgkin lymphoma, nodular sclerosis") is None
    assert history_cue("CLL in remission after FCR, surveillance", "CLL") is None
    assert history_cue("Hodgkin lymphoma s/p chemotherapy 2015, no evidence of disease", "Hodgkin lymphoma")
    assert history_cue("Breast cancer s/p lumpectomy, in complete remission since 2019", "Breast cancer")


# ------------------------------------------------------------ qualifiers
def test_without_names_the_condition_a_title_is_about() -> None:
    note = read_qualifiers("Panic disorder without agoraphobia")
    conflicts, _ = compare(note, read_qualifiers("Agoraphobia with panic disorder", title=True))
    assert conflicts
    conflicts, _ = compare(note, read_qualifiers("Panic disorder [episodic paroxysmal anxiety]", title=True))
    assert conflicts == []


def test_chronic_in_a_disease_name_is_not_the_episode_acuity() -> None:
    note = read_qualifiers("chronic obstructive pulmonary disease with acute exacerbation")
    assert note.acuity == "acute"
    title = read_qualifiers("Chronic obstructive pulmonary disease with (acute) exacerbation", title=True)
    assert compare(note, title)[0] == []


def test_a_skin_cancer_excised_by_mohs_without_recurrence_is_history() -> None:
    assert history_cue("# Basal cell carcinoma R ala - Mohs 2022, no recurrence", "Basal cell carcinoma")
    assert history_cue("# Squamous cell carcinoma L cheek - s/p Mohs", "Squamous cell carcinoma L cheek")
    assert history_cue("# Basal cell carcinoma R ala - Mohs next week", "Basal cell carcinoma R ala") is None


def test_a_denied_exacerbation_is_the_without_sibling() -> None:
    title = read_qualifiers("Chronic obstructive pulmonary disease with (acute) exacerbation", title=True)
    denied = read_qualifiers("COPD stable without exacerbation")
    assert "exacerbation" in denied.without and "exacerbation" not in denied.with_
    assert compare(denied, title)[0]
    assert "exacerbation" in read_qualifiers("asthma, no acute flare").without
    stated = read_qualifiers("COPD with acute exacerbation")
    assert "exacerbation" in stated.with_ and compare(stated, title)[0] == []


def test_a_bleeding_lesion_is_the_with_hemorrhage_sibling() -> None:
    without = read_qualifiers(
        "Duodenal ulcer, unspecified as acute or chronic, without hemorrhage or perforation", title=True
    )
    with_ = read_qualifiers("Chronic or unspecified duodenal ulcer with hemorrhage", title=True)
    bleeding = read_qualifiers("Bleeding duodenal ulcer")
    assert compare(bleeding, without)[0] and not compare(bleeding, with_)[0]
    diverticula = read_qualifiers(
        "Diverticulosis of large intestine without perforation or abscess without bleeding", title=True
    )
    assert compare(read_qualifiers("bleeding diverticulosis"), diverticula)[0]
    # denied bleeding, or none said: no conflict
    for phrase in (
        "duodenal ulcer, no active bleeding",
        "duodenal ulcer",
        "Acute gastritis, without mention of hemorrhage",
        "Marginal placenta previa, no bleeding - pelvic rest, bleeding precautions",
    ):
        assert not read_qualifiers(phrase).bleeding and not compare(read_qualifiers(phrase), without)[0]
    # the bleeding itself agrees with no "with" title (a hemorrhage is not a qualifier of itself)
    assert compare(read_qualifiers("Hemorrhage of rectum and anus"), with_)[1] == []


def test_acute_on_chronic_is_still_read() -> None:
    assert read_qualifiers("acute on chronic systolic heart failure").acuity == "acute on chronic"
    assert read_qualifiers("acute pancreatitis with chronic pain").acuity == "acute on chronic"


# ------------------------------------------------------------ the sibling the note names wins
@dataclass
class Cand:
    code: str
    score: float
    title: float = 0.0


TITLES = {
    "F40.01": "Agoraphobia with panic disorder",
    "F41.0": "Panic disorder [episodic paroxysmal anxiety]",
    "F40.9": "Phobic anxiety disorder, unspecified",
    "O13.9": "Gestational hypertension without significant proteinuria, unspecified trimester",
    "O13.3": "Gestational hypertension without significant proteinuria, third trimester",
}


def test_a_contradicted_first_code_gives_way() -> None:
    cands = [Cand("F40.01", 0.8, 0.3), Cand("F40.9", 0.15, 0.2), Cand("F41.0", 0.14, 0.6)]
    reasons = {"F40.01": ["qualifier conflict: title names agoraphobia"]}
    why = prefer_named_sibling(cands, reasons, TITLES.__getitem__)  # type: ignore[arg-type]
    assert why and cands[0].code == "F41.0" and cands[0].score == pytest.approx(0.8)
    assert cands[1].code == "F40.01" and cands[1].score < cands[0].score


def test_a_contradicted_first_code_stays_when_no_sibling_is_plausible() -> None:
    cands = [Cand("F40.01", 0.9, 0.3), Cand("F41.0", 0.05, 0.6)]
    reasons = {"F40.01": ["qualifier conflict: title names agoraphobia"]}
    assert prefer_named_sibling(cands, reasons, TITLES.__getitem__) is None  # type: ignore[arg-type]
    assert cands[0].code == "F40.01"


def test_an_unspecified_first_code_gives_way_to_the_named_sibling() -> None:
    cands = [Cand("O13.9", 0.6), Cand("O13.3", 0.48)]
    reasons = {"O13.3": ["qualifier: trimester"]}
    assert prefer_named_sibling(cands, reasons, TITLES.__getitem__)  # type: ignore[arg-type]
    assert [c.code for c in cands] == ["O13.3", "O13.9"]


def test_an_unspecified_first_code_stays_when_the_note_names_nothing_more() -> None:
    cands = [Cand("O13.9", 0.6), Cand("O13.3", 0.48)]
    assert prefer_named_sibling(cands, {}, TITLES.__getitem__) is None  # type: ignore[arg-type]
    assert [c.code for c in cands] == ["O13.9", "O13.3"]


# ------------------------------------------------------------ coder's rules on the rules corpus
@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> SuggestionService:
    return rules_service(tmp_path_factory.mktemp("recall-rules"))


@pytest.fixture(scope="module")
def catalog(svc: SuggestionService) -> CodeCatalog:
    return svc.catalog


def _pick(code: str, text: str, final: bool = True, start: int = 0, score: float = 0.8) -> Pick:
    return Pick(code, score, final, [Mention(start, start + len(text), text, text, "assessment", 0, 200)])


def test_hypertensive_heart_disease_with_heart_failure_and_ckd_is_i13_0(catalog: CodeCatalog) -> None:
    note = "A/P: 1. Hypertensive heart disease with heart failure. 2. CKD stage 4."
    picks = {
        "I11.0": _pick("I11.0", "Hypertensive heart disease with heart failure"),
        "N18.4": _pick("N18.4", "CKD stage 4", start=60),
    }
    combine(picks, NoteContext(note), catalog)
    assert picks.get("I13.0") is not None and picks["I13.0"].final
    assert "I13.10" not in picks


def test_hypertensive_heart_disease_without_heart_failure_and_ckd_is_i13_10(catalog: CodeCatalog) -> None:
    note = "A/P: 1. Hypertensive heart disease without heart failure. 2. CKD stage 4."
    picks = {
        "I11.9": _pick("I11.9", "Hypertensive heart disease without heart failure"),
        "N18.4": _pick("N18.4", "CKD stage 4", start=60),
    }
    combine(picks, NoteContext(note), catalog)
    assert picks.get("I13.10") is not None and picks["I13.10"].final
    assert "I13.0" not in picks


def test_opposite_final_siblings_keep_the_better_supported_one(catalog: CodeCatalog) -> None:
    picks = {"I11.0": _pick("I11.0", "a", score=0.65), "I11.9": _pick("I11.9", "b", score=0.6)}
    drop_contradicting_siblings(picks, catalog)
    assert picks["I11.0"].final and not picks["I11.9"].final
    assert any("I11.0" in w for w in picks["I11.9"].warnings)


def test_final_codes_of_different_conditions_both_stay(catalog: CodeCatalog) -> None:
    picks = {"I11.0": _pick("I11.0", "a", score=0.65), "I50.22": _pick("I50.22", "b", score=0.6)}
    drop_contradicting_siblings(picks, catalog)
    assert picks["I11.0"].final and picks["I50.22"].final


def test_each_use_additional_partner_of_a_combination_is_kept(svc: SuggestionService) -> None:
    picks = {
        "I13.0": _pick("I13.0", "a", score=0.7),
        "N18.4": _pick("N18.4", "b", score=0.9),
        "I50.22": _pick("I50.22", "c", final=False, score=0.5),
        "I50.9": _pick("I50.9", "d", final=False, score=0.2),
    }
    svc._pair_rules(picks, "A/P: hypertensive heart and CKD stage 4 with HFrEF.")
    assert picks["I50.22"].final and picks["N18.4"].final and not picks["I50.9"].final


# ------------------------------------------------------------ integral symptoms on problem lists
PROBLEMS = "# Gastroparesis - vomiting after meals\nNausea for two weeks.\n# Chest pain - atypical\n"


def _mention(text: str, problem: bool) -> Mention:
    start = PROBLEMS.index(text)
    m = Mention(start, start + len(text), text, text, "body", 0, 200)
    m.problem = problem
    return m


def test_symptom_after_a_problem_line_head_folds_into_it() -> None:
    picks = {
        "K31.84": Pick("K31.84", 0.8, True, [_mention("Gastroparesis", True)]),
        "R11.10": Pick("R11.10", 0.7, True, [_mention("vomiting after meals", False)]),
    }
    fold_integral_symptoms(picks, PROBLEMS)
    assert picks["K31.84"].final and not picks["R11.10"].final
    assert any("K31.84" in w for w in picks["R11.10"].warnings)


def test_symptoms_off_the_problem_line_or_heading_their_own_stay() -> None:
    picks = {
        "K31.84": Pick("K31.84", 0.8, True, [_mention("Gastroparesis", True)]),
        "R11.0": Pick("R11.0", 0.7, True, [_mention("Nausea for two weeks", False)]),
        "R07.9": Pick("R07.9", 0.7, True, [_mention("Chest pain", True)]),
    }
    fold_integral_symptoms(picks, PROBLEMS)
    assert picks["R11.0"].final and picks["R07.9"].final


# ------------------------------------------------------------ reading: course sections, parentheses
def test_hospital_course_is_a_narrative_section() -> None:
    ms = by_text(
        "Discharge diagnoses: Influenza A.\nHospital course: Fever and cough for 4 days, oseltamivir.\n"
    )
    assert ms["Influenza A"].section == "diagnosis"
    assert ms["Fever"].section == "hpi"


def test_diagnosis_lines_without_a_course_header_stay_diagnoses() -> None:
    ms = by_text("Discharge diagnoses: Influenza A.\nFever and cough for 4 days.\n")
    assert ms["Fever"].section == "diagnosis"


def test_qualifier_with_a_negated_parenthesis_qualifies_the_condition() -> None:
    ms = by_text("Dx: Alcohol withdrawal, uncomplicated (no delirium, no seizures), in alcohol dependence.")
    assert ms["uncomplicated (no delirium, no seizures)"].not_coded == "status"  # one bracketed list
    assert ms["Alcohol withdrawal"].qualifiers.uncomplicated
    assert not ms["in alcohol dependence"].negated  # the parenthesis ends the negation


def test_a_parenthesis_naming_the_condition_is_searched() -> None:
    ms = by_text("A/P: Alcohol use disorder, mild (alcohol abuse). Counseling.")
    assert ms["mild (alcohol abuse)"].not_coded is None


def test_uncomplicated_agrees_with_an_uncomplicated_title() -> None:
    note = read_qualifiers("alcohol withdrawal, uncomplicated")
    assert (
        "uncomplicated"
        in compare(note, read_qualifiers("Alcohol dependence with withdrawal, uncomplicated", title=True))[1]
    )
    assert (
        "uncomplicated"
        not in compare(
            read_qualifiers("alcohol withdrawal"),
            read_qualifiers("Alcohol dependence with withdrawal, uncomplicated", title=True),
        )[1]
    )


# ------------------------------------------------------------ a child's BMI percentile
class _Z68:
    """The pediatric BMI codes as the code set titles them (the rules corpus has none)."""

    TITLES = {
        "Z68.51": "Body mass index [BMI] pediatric, less than 5th percentile for age",
        "Z68.52": "Body mass index [BMI] pediatric, 5th percentile to less than 85th percentile for age",
        "Z68.53": "Body mass index [BMI] pediatric, 85th percentile to less than 95th percentile for age",
        "Z68.54": "Body mass index [BMI] pediatric, 95th percentile for age to less than 120% of the 95th "
        "percentile for age",
        "Z68.55": "Body mass index [BMI] pediatric, 120% of the 95th percentile for age to less than 140% of "
        "the 95th percentile for age",
        "Z68.56": "Body mass index [BMI] pediatric, greater than or equal to 140% of the 95th percentile "
        "for age",
    }

    def leaves_under(self, code: str) -> list[str]:
        return sorted(c for c in self.TITLES if c.startswith(code))

    def title(self, code: str) -> str:
        return self.TITLES[code]


@pytest.mark.parametrize(
    ("percentile", "code"), [(3, "Z68.51"), (60, "Z68.52"), (91, "Z68.53"), (97, "Z68.54")]
)
def test_the_written_percentile_chooses_the_pediatric_bmi_code(percentile: int, code: str) -> None:
    assert bmi_percentile_code(_Z68(), percentile) == code  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("bmi", "code"),
    [
        ("BMI 13.4 (3rd %ile)", "Z68.51"),  # the BMI's own value between it and its percentile
        ("BMI <5th percentile", "Z68.51"),  # under the 5th, not the 5th-85th range
        ("BMI below the 5th percentile", "Z68.51"),
        ("BMI 15.2 (40th %ile)", "Z68.52"),
        ("BMI 5th percentile", "Z68.52"),
    ],
)
def test_a_childs_bmi_percentile_as_written_beside_underweight(bmi: str, code: str) -> None:
    codes = {"R63.6": ["ICD-10-CM", "Underweight", True, "R63", "code"]}
    codes |= {c: ["ICD-10-CM", t, True, "Z68.5", "code"] for c, t in _Z68.TITLES.items()}
    catalog = CodeCatalog({"codes": codes, "refs": {"R63.6": {"use_additional": ["Z68.-"]}}})
    note = f"Peds urgent care, 7 y/o F.\nWt 19.0 kg; {bmi}.\nDx: Underweight - PCP f/u in 2 wk."
    at = note.index("Underweight")
    picks = {"R63.6": Pick("R63.6", 0.8, True, [NoteContext(note=note).mention(at, at + 11)])}
    add_bmi(picks, NoteContext(note=note, age=7), catalog)
    assert {c for c, p in picks.items() if p.final and c.startswith("Z68")} == {code}


def test_an_impossible_percentile_chooses_no_code() -> None:
    assert bmi_percentile_code(_Z68(), 250) is None  # type: ignore[arg-type]


# ------------------------------------------------------------ not the disease: tests, prevention, doses
@pytest.mark.parametrize(
    ("chunk", "why"),
    [
        ("HIV-1/2 Ag/Ab", "test"),
        ("HCV antibody ordered at lab", "test"),
        ("malaria prophylaxis", "prevention"),
        ("fall precautions", "prevention"),
        ("HPV #2", "immunization given"),
    ],
)
def test_tests_prevention_and_vaccine_doses_are_not_diagnoses(chunk: str, why: str) -> None:
    assert why_not_coded(chunk) == why


@pytest.mark.parametrize("chunk", ["HIV infection", "Malaria", "HPV infection of the cervix", "Hepatitis C"])
def test_the_conditions_themselves_are_read(chunk: str) -> None:
    assert why_not_coded(chunk) is None


def test_never_tested_for_is_not_a_diagnosis() -> None:
    ms = by_text("S: 30M. Has never been tested for hepatitis C. Reports dysuria.")
    assert ms["Has never been tested for hepatitis C"].negated
    assert not ms["Reports dysuria"].negated


# ------------------------------------------------------------ "non-" in a title
def test_a_title_negating_the_notes_word_contradicts_it() -> None:
    assert prefix_conflict("toxic multinodular goiter", "Nontoxic multinodular goiter")
    assert prefix_conflict("nonischemic cardiomyopathy", "Ischemic cardiomyopathy")
    cands = [Cand("E04.2", 0.8), Cand("E05.20", 0.5)]
    titles = {
        "E04.2": "Nontoxic multinodular goiter",
        "E05.20": "Thyrotoxicosis with toxic multinodular goiter",
    }
    assert prefer_named_sibling(cands, {}, titles.__getitem__, "toxic multinodular goiter")  # type: ignore[arg-type]
    assert cands[0].code == "E05.20"


def test_a_title_agreeing_with_the_notes_non_word_stands() -> None:
    assert prefix_conflict("nontoxic goiter", "Nontoxic multinodular goiter") is None
    assert prefix_conflict("multinodular goiter", "Nontoxic multinodular goiter") is None
    cands = [Cand("E04.2", 0.8), Cand("E05.20", 0.5)]
    titles = {
        "E04.2": "Nontoxic multinodular goiter",
        "E05.20": "Thyrotoxicosis with toxic multinodular goiter",
    }
    assert prefer_named_sibling(cands, {}, titles.__getitem__, "nontoxic goiter") is None  # type: ignore[arg-type]


# ------------------------------------------------------------ shared site, list lines, history of MI
def test_the_site_after_and_belongs_to_both_conditions() -> None:
    ms = by_text("A: Cellulitis and abscess of left forearm due to MRSA.\nP: I&D.")
    assert ms["Cellulitis"].query == "Cellulitis of left forearm"
    assert ms["Cellulitis"].text == "Cellulitis"


@pytest.mark.parametrize(
    "note",
    ["A: Hypertension and history of stroke.\n", "A: Hypertension and family history of stroke.\n"],
)
def test_a_history_or_negated_second_condition_shares_nothing(note: str) -> None:
    first = read_note(note)[0]
    assert " of " not in first.query


def test_a_line_starting_with_a_decimal_is_not_a_list_item() -> None:
    assert not by_text("Seen today.\n2.5 cm lesion on the back, excised.\n")[
        "2.5 cm lesion on the back"
    ].problem
    assert by_text("Seen today.\n2. Lesion on the back - excised.\n")["Lesion on the back"].problem


def test_history_of_mi_may_be_coded_as_old_mi(svc: SuggestionService) -> None:
    note = "A/P:\n1. History of MI.\n2. Asthma."
    plan = svc._plan(SuggestRequest(text=note), read_note(note))
    history = next(q for m, q, _ in plan if q is not None and m.text == "History of MI")
    assert history.kind == "history" and history.prefixes and "I25.2" in history.prefixes
    asthma = next(q for m, q, _ in plan if q is not None and m.text == "Asthma")
    assert asthma.kind == "current" and asthma.prefixes is None


# ------------------------------------------------------------ what controls a gestational diabetes
INSULIN = "Gestational diabetes mellitus in pregnancy, insulin controlled"
DIET = "Gestational diabetes mellitus in pregnancy, diet controlled"


def test_insulin_documented_chooses_insulin_controlled() -> None:
    note = read_qualifiers("Gestational diabetes, on insulin and metformin")
    assert note.control == "insulin"  # insulin with an oral drug is coded insulin controlled (I.C.15.g)
    assert "insulin controlled" in compare(note, read_qualifiers(INSULIN, title=True))[1]
    assert compare(note, read_qualifiers(DIET, title=True))[0]


def test_no_treatment_documented_says_nothing_of_control() -> None:
    note = read_qualifiers("Gestational diabetes, follow-up in two weeks")
    assert note.control is None
    assert compare(note, read_qualifiers(DIET, title=True)) == ([], [])


def test_an_un_prefix_negates_like_non_but_not_the_code_sets_own_words() -> None:
    assert prefix_conflict("stable angina", "Unstable angina")
    assert prefix_conflict("unstable angina", "Stable angina")
    assert prefix_conflict("unstable angina", "Unstable angina") is None
    assert prefix_conflict("specified site", "Lesion of unspecified site") is None
    assert prefix_conflict("known cause", "Fever of unknown origin") is None


def test_relapse_and_not_having_achieved_remission_contradict_each_other() -> None:
    relapse = read_qualifiers("Acute myeloid leukemia, in relapse", title=True)
    never = read_qualifiers("Acute myeloid leukemia, not having achieved remission", title=True)
    assert compare(read_qualifiers("AML, relapsed after induction"), never)[0]
    assert not compare(read_qualifiers("AML, relapsed after induction"), relapse)[0]
    assert compare(read_qualifiers("AML, newly diagnosed, not in remission"), relapse)[0]
    assert not compare(read_qualifiers("AML, newly diagnosed, not in remission"), never)[0]


def test_adjuvant_treatment_under_way_keeps_the_cancer_current() -> None:
    line = (
        "# Adenocarcinoma of sigmoid colon, s/p sigmoid colectomy 8/2026, adjuvant FOLFOX q2wk - tolerating."
    )
    assert history_cue(line, "Adenocarcinoma of sigmoid colon") is None
    # None given, or finished: the excised cancer is history (Z85).
    said = "Adenocarcinoma of the ascending colon, s/p right hemicolectomy 03/2023, no adjuvant chemotherapy."
    assert history_cue(said, "Adenocarcinoma of the ascending colon")
    said = "Breast cancer s/p lumpectomy, completed adjuvant chemo 2020."
    assert history_cue(said, "Breast cancer")


def test_copd_beside_emphysema_is_coded_once_as_emphysema() -> None:
    from assistant.suggest.consolidate import drop_covered

    titles = {
        "J43.9": "Emphysema, unspecified",
        "J44.9": "Chronic obstructive pulmonary disease, unspecified",
    }
    catalog = CodeCatalog({"codes": {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in titles.items()}})
    picks = {c: Pick(c, 0.7, True, []) for c in ("J43.9", "J44.9", "F17.210")}
    drop_covered(picks, catalog)
    assert sorted(c for c, p in picks.items() if p.final) == ["F17.210", "J43.9"]
    picks = {c: Pick(c, 0.7, True, []) for c in ("J44.9",)}
    drop_covered(picks, catalog)
    assert picks["J44.9"].final
    # one mention naming both: the emphysema is coded, which covers the COPD
    for said, final in (("COPD with emphysema", ["J43.9"]), ("COPD without emphysema", ["J44.9"])):
        picks = {"J44.9": Pick("J44.9", 0.7, True, [Mention(0, len(said), said, said)])}
        drop_covered(picks, catalog)
        assert sorted(c for c, p in picks.items() if p.final) == final


def test_a_condition_treated_definitively_in_a_past_year_is_history() -> None:
    sentence = "Graves' disease treated with RAI 2020, hypothyroid since, on levothyroxine."
    assert history_cue(sentence, "Graves' disease treated with RAI 2020") == "treated with rai 2020"
    ongoing = "HTN treated with lisinopril since 2020."
    assert history_cue(ongoing, "HTN treated with lisinopril since 2020") is None


@pytest.mark.parametrize(
    ("sentence", "mention", "cue"),
    [
        ("Smokes 1/2 ppd, not ready to quit.", "Smokes 1/2 ppd", None),
        ("Smokes 1 ppd, quit date 12/15.", "Smokes 1 ppd", None),
        ("Smokes 1 ppd, quit smoking in 2019.", "Smokes 1 ppd", "quit"),
        (
            "Methamphetamine use disorder, severe, in early remission: 9 months abstinent.",
            "Methamphetamine use disorder, severe",
            None,
        ),
        ("TIA 2019, no residual.", "TIA 2019", "no residual"),
        ("Old L ankle sprain (8/2026) healed, no pain.", "Old L ankle sprain (8/2026) healed", "healed"),
        ("MI in 2019.", "MI in 2019", "in 2019"),
        ("Kidney stone 3/2021, passed.", "Kidney stone 3/2021", "passed"),
        ("Kidney stone, passed.", "Kidney stone", None),  # no date: not a dated item
        ("Breast cancer 2021, resected, on tamoxifen.", "Breast cancer 2021", None),  # treatment goes on
    ],
)
def test_history_cues_of_intent_remission_residuals_and_dates(
    sentence: str, mention: str, cue: str | None
) -> None:
    assert history_cue(sentence, mention) == cue


def test_a_chronic_condition_said_to_be_cured_is_history(svc: SuggestionService) -> None:
    def kinds(text: str) -> dict[str, str | None]:
        request = SuggestRequest(text=text)
        plan = svc._plan(request, svc.read(text))
        return {m.text: (q.kind if q else None) for m, q, _ in plan}

    cured = kinds("PMH:\n# h/o chronic hepatitis C, treated 2018, SVR12 - cured.\n# HTN.\n")
    assert cured["h/o chronic hepatitis C"] == "history"
    ongoing = kinds("PMH:\n# h/o chronic hepatitis C, on follow-up.\n# HTN.\n")
    assert ongoing["h/o chronic hepatitis C"] == "current"  # "h/o" a chronic condition: still present


# ------------------------------------------------------------ a dated acute event is history
@pytest.mark.parametrize(
    "item",
    [
        "Miscarriage x1 (2021)",
        "TIA 2017",
        "Bronchitis 3 weeks ago",
        "CVA last year",
        "Sinusitis last spring",
    ],
)
def test_an_acute_event_with_a_past_date_is_history(item: str) -> None:
    assert history_cue(f"PMH: {item}.", item) is not None
    assert history_cue(f"PMH: {item}; no recurrent episodes.", item) is not None  # a denied recurrence


@pytest.mark.parametrize(
    "item",
    [
        "Type 2 diabetes (2014)",  # a chronic condition keeps its date of diagnosis
        "Hypothyroidism since 2012",
        "Sarcoidosis diagnosed 4 years ago",
        "Cough started 3 weeks ago",  # a symptom's onset, not an event that is over
        "CVA last year with residual R hemiparesis",  # what the event left is current
        "Cellulitis L leg 2 weeks ago, still red and warm",
    ],
)
def test_a_date_of_onset_or_a_condition_still_there_is_not_history(item: str) -> None:
    assert history_cue(f"PMH: {item}.", item.split(",")[0]) is None


def test_a_dated_event_is_read_as_history_in_a_note() -> None:
    got = by_text("PMH: TIA (2018). Cystitis 2 weeks ago, resolved. HTN since 2009.")
    assert got["TIA (2018)"].history
    assert got["Cystitis 2 weeks ago"].history
    assert not got["HTN since 2009"].history


# ------------------------------------------------------------ a normal lab list is no deficiency
def test_each_lab_of_a_list_reported_normal_is_not_coded() -> None:
    got = by_text("Tired for 2 months. Workup (ferritin, iron, B12, folate nl). Thyroid panel normal.")
    assert got["Tired for 2 months"].not_coded is None
    for lab in ("iron", "B12", "folate nl)", "Thyroid panel normal"):
        assert got[lab].not_coded == "vitals or labs", lab
    # the bracket opens the list after a condition: the condition and each test apart
    got = by_text("Labs reviewed. Macrocytic anemia from alcohol use (iron, B12, folate nl).")
    assert got["Macrocytic anemia"].not_coded is None
    for lab in ("iron", "B12", "folate nl)"):
        assert got[lab].not_coded == "vitals or labs", lab


@pytest.mark.parametrize("text", ["Iron deficiency anemia", "B12 deficiency", "Folate deficiency"])
def test_a_deficiency_named_beside_a_lab_word_is_still_coded(text: str) -> None:
    assert why_not_coded(text) is None


# ------------------------------------------------------------ a mental status exam's mood and affect
def test_mood_and_affect_in_a_mental_status_exam_are_findings() -> None:
    got = by_text(
        "Med check.\nMental status exam: Calm. Mood 'down'. Affect constricted, mildly dysphoric.\n"
        "Exam: Psych: irritable mood.\nA/P: Major depressive disorder, recurrent, moderate."
    )
    for finding in ("Mood 'down'", "Affect constricted", "mildly dysphoric", "Psych: irritable mood"):
        assert got[finding].not_coded == "exam finding", finding
    assert got["Major depressive disorder, recurrent, moderate"].not_coded is None


def test_a_depressed_mood_outside_the_exam_is_read() -> None:
    got = by_text("HPI: Depressed mood since the layoff.\nA/P: Depressed mood - counseling referral.")
    assert all(m.not_coded is None for t, m in got.items() if "mood" in t.lower())

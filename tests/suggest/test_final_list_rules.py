"""Coding rules of the recall round (b): which final codes survive consolidation, which sibling the note
names, and the first-listed diagnosis of a note. Each rule has a note where it applies and one where it must
not (notes written for these tests)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.consolidate import (
    absorb_same_category,
    absorb_unspecified_organism,
    drop_history_of_current_cancer,
    drop_unspecified_site_cancer,
)
from assistant.suggest.first_listed import ensure_first_listed
from assistant.suggest.not_coded import searched_length, treatment_tail, why_not_coded, without_sizes
from assistant.suggest.qualifiers import compare, read_qualifiers, rerank, title_qualifiers
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.rules import excluded_elsewhere
from assistant.suggest.service import SuggestionService
from assistant.suggest.sibling_choice import prefer_named_sibling
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick
from tests.suggest.rules_corpus import rules_service


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> SuggestionService:
    return rules_service(tmp_path_factory.mktemp("final-list"))


@pytest.fixture(scope="module")
def catalog(svc: SuggestionService) -> CodeCatalog:
    return svc.catalog


def _head(code: str, text: str, score: float, start: int = 0, problem: bool = False) -> Pick:
    m = Mention(start, start + len(text), text, text, "assessment", 0, 200)
    m.problem = problem
    return Pick(code, score, True, [m], heads=[m])


# ------------------------------------------------------------ consolidation keeps the specific code
def test_a_specific_code_is_not_folded_into_its_unspecified_sibling(catalog: CodeCatalog) -> None:
    picks = {
        "E11.40": _head("E11.40", "type 2 diabetes with diabetic neuropathy", 0.8),
        "E11.42": _head("E11.42", "type 2 diabetes neuropathy", 0.6, start=60),
    }
    absorb_same_category(picks, catalog)
    assert "E11.42" in picks and picks["E11.42"].final


def test_a_vague_repeat_is_still_folded_into_the_specific_code(catalog: CodeCatalog) -> None:
    picks = {
        "E11.42": _head("E11.42", "type 2 diabetes with diabetic polyneuropathy", 0.8),
        "E11.40": _head("E11.40", "diabetes type 2", 0.6, start=60),
    }
    absorb_same_category(picks, catalog)
    assert "E11.40" not in picks and picks["E11.42"].final


def test_a_complication_said_later_is_coded_over_the_uncomplicated_code(catalog: CodeCatalog) -> None:
    """ "Diabetes. Also diabetic neuropathy": E11.9 says there is no complication; the later mention names
    one, so the condition is coded once, with it."""
    picks = {
        "E11.9": _head("E11.9", "Diabetes", 0.8),
        "E11.42": _head("E11.42", "diabetic polyneuropathy", 0.6, start=20),
    }
    absorb_same_category(picks, catalog)
    assert [c for c, p in picks.items() if p.final] == ["E11.42"]


def test_a_second_diabetic_complication_said_beside_another_is_kept(catalog: CodeCatalog) -> None:
    """I.C.4.a: as many diabetes codes as the complications need; E11.65 does not code the polyneuropathy
    its mention also names."""
    picks = {
        "E11.65": _head("E11.65", "DM2 uncontrolled w/ hyperglycemia + polyneuropathy", 0.9),
        "E11.42": _head("E11.42", "DM polyneuropathy", 0.6, start=80),
    }
    absorb_same_category(picks, catalog)
    assert "E11.42" in picks and "E11.65" in picks


def test_a_condition_said_in_another_form_of_its_titles_words_is_its_own() -> None:
    catalog = CodeCatalog(
        {
            "codes": {
                "N95.1": ["ICD-10-CM", "Menopausal and female climacteric states", True, "N95", "code"],
                "N95.2": ["ICD-10-CM", "Postmenopausal atrophic vaginitis", True, "N95", "code"],
            },
            "refs": {},
        }
    )
    picks = {
        "N95.1": _head("N95.1", "Menopausal hot flashes", 0.7),
        "N95.2": _head("N95.2", "Vaginal atrophy", 0.5, start=30),  # atrophic vaginitis in other forms
    }
    absorb_same_category(picks, catalog)
    assert set(picks) == {"N95.1", "N95.2"}


@pytest.mark.parametrize("problem", [True, False])
def test_two_problem_lines_of_one_category_are_two_problems(catalog: CodeCatalog, problem: bool) -> None:
    picks = {
        "E11.65": _head("E11.65", "DM2 with hyperglycemia", 0.8, problem=problem),
        "E11.42": _head("E11.42", "stocking glove sensory loss", 0.6, start=40, problem=problem),
    }
    absorb_same_category(picks, catalog)
    assert ("E11.42" in picks) is problem


# ------------------------------------------------------------ the sibling whose own words the note names
@dataclass
class Cand:
    code: str
    score: float
    title: float = 0.0


TITLES = {
    "D70.9": "Neutropenia, unspecified",
    "D70.1": "Agranulocytosis secondary to cancer chemotherapy",
    "S61.218A": "Laceration without foreign body of other finger without damage to nail, initial encounter",
    "S61.211A": "Laceration without foreign body of left index finger without damage to nail, "
    "initial encounter",
    "S61.210A": "Laceration without foreign body of right index finger without damage to nail, "
    "initial encounter",
    "I25.9": "Chronic ischemic heart disease, unspecified",
    "I25.5": "Ischemic cardiomyopathy",
}


@pytest.mark.parametrize(
    ("note", "cands", "first"),
    [
        ("agranulocytosis after chemotherapy for breast cancer", [("D70.9", 0.7), ("D70.1", 0.1)], "D70.1"),
        ("neutropenia after chemotherapy", [("D70.9", 0.7), ("D70.1", 0.1)], "D70.9"),
        (
            "cut to the L index finger, no foreign body",
            [("S61.218A", 0.3), ("S61.210A", 0.05), ("S61.211A", 0.04)],
            "S61.211A",
        ),
        (
            "cut to a finger, no foreign body",
            [("S61.218A", 0.3), ("S61.210A", 0.05), ("S61.211A", 0.04)],
            "S61.218A",
        ),
        ("weak heart muscle from ischemic cardiomyopathy", [("I25.9", 0.7), ("I25.5", 0.3)], "I25.5"),
        ("stable ischemic heart disease", [("I25.9", 0.7), ("I25.5", 0.3)], "I25.9"),
    ],
)
def test_a_residual_first_code_gives_way_to_the_sibling_the_note_names(
    note: str, cands: list[tuple[str, float]], first: str
) -> None:
    ranked = [Cand(code, score) for code, score in cands]
    prefer_named_sibling(ranked, {}, TITLES.__getitem__, note)
    assert ranked[0].code == first


def test_a_named_sibling_the_ranker_finds_unlikely_does_not_win() -> None:
    ranked = [Cand("D70.9", 0.9), Cand("D70.1", 0.05)]
    assert prefer_named_sibling(ranked, {}, TITLES.__getitem__, "neutropenia after chemotherapy") is None
    assert ranked[0].code == "D70.9"


# ------------------------------------------------------------ reading "status post" and sides
def _mentions(note: str) -> dict[str, Mention]:
    return {m.text: m for m in read_note(note)}


def test_what_a_condition_is_status_post_is_history_and_the_condition_current() -> None:
    got = _mentions("Cardiology visit.\nA/P: CAD s/p remote MI 2015, stable on aspirin.\nHTN controlled.")
    assert not got["CAD"].history
    assert got["s/p remote MI 2015"].history


def test_a_cancer_and_its_treatment_stay_one_mention() -> None:
    got = _mentions("PMH: Colon cancer s/p hemicolectomy, no evidence of recurrence.\nHTN.")
    assert got["Colon cancer s/p hemicolectomy"].history


@pytest.mark.parametrize("prefix", ["62M", "58 yo F"])
def test_an_age_and_sex_prefix_does_not_hide_a_history_cue(prefix: str) -> None:
    got = _mentions(f"{prefix} s/p NSTEMI in March, now without chest pain.\nA/P: CAD.")
    (m,) = [m for t, m in got.items() if "NSTEMI" in t]
    assert m.history


def test_a_condition_before_the_cue_keeps_the_chunk_current() -> None:
    got = _mentions("Follow-up.\nDiabetes without complications, on metformin.\nHTN.")
    assert not got["Diabetes without complications"].history


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("laceration L index finger", "laceration left index finger"),
        ("R 5th metatarsal fracture", "right fifth metatarsal fracture"),
        ("contusion L ring finger", "contusion left ring finger"),
        ("distal R radius fx", "distal right radius fracture"),
        ("L ulna shaft", "left ulna shaft"),
        ("R ovary cyst", "right ovary cyst"),
    ],
)
def test_a_side_letter_before_a_digit_or_bone_is_the_side(text: str, expected: str) -> None:
    assert expand_text(text) == expected


def test_a_letter_without_a_body_site_is_not_a_side() -> None:
    assert expand_text("Vitamin L level") == "Vitamin L level"
    assert expand_text("R/O radius fracture") == "rule out radius fracture"


# ------------------------------------------------------------ states a title asserts and the note must say
@dataclass
class Scored:
    code: str
    score: float


MYELOMA = {
    "C90.00": "Multiple myeloma not having achieved remission",
    "C90.01": "Multiple myeloma in remission",
}


def test_in_remission_is_a_conflict_when_the_note_says_nothing_of_remission() -> None:
    cands = [Scored("C90.01", 0.7), Scored("C90.00", 0.6)]
    out, reasons = rerank(
        cands, read_qualifiers("multiple myeloma"), MYELOMA.__getitem__, lambda c: [], Scored
    )
    assert out[0].code == "C90.00"
    assert any("remission" in r for r in reasons["C90.01"])


def test_in_remission_stays_first_when_the_note_says_it() -> None:
    cands = [Scored("C90.01", 0.7), Scored("C90.00", 0.6)]
    q = read_qualifiers("multiple myeloma in remission")
    out, _ = rerank(cands, q, MYELOMA.__getitem__, lambda c: [], Scored)
    assert out[0].code == "C90.01"


CDIFF = {
    "A04.71": "Enterocolitis due to Clostridioides difficile, recurrent",
    "A04.72": "Enterocolitis due to Clostridioides difficile, not specified as recurrent",
}


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("C diff colitis, on fidaxomicin", "A04.72"),  # recurrence is coded only when the note states it
        ("C diff colitis, recurrent - second episode", "A04.71"),
    ],
)
def test_a_recurrent_title_needs_the_note_to_say_recurrent(text: str, first: str) -> None:
    cands = [Scored("A04.71", 0.7), Scored("A04.72", 0.6)]
    out, _ = rerank(cands, read_qualifiers(text), CDIFF.__getitem__, lambda c: [], Scored)
    assert out[0].code == first


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("History: T1DM since age 9.\nA/P: DKA, insulin drip.", "1"),
        ("History: DM2 on metformin.\nA/P: DKA, insulin drip.", "2"),
        ("History: DM2. Mother has T1DM.\nA/P: DKA, insulin drip.", None),
        ("History: asthma.\nA/P: DKA, insulin drip.", None),
    ],
)
def test_the_type_of_diabetes_written_once_holds_for_the_note(note: str, expected: str | None) -> None:
    (dka,) = [m for m in read_note(note) if m.text.startswith("DKA")]
    assert dka.qualifiers.diabetes_type == expected


def test_the_other_type_of_diabetes_is_a_conflict() -> None:
    type2 = title_qualifiers("Type 2 diabetes mellitus with ketoacidosis without coma")
    type1 = title_qualifiers("Type 1 diabetes mellitus with ketoacidosis without coma")
    note = read_qualifiers("DKA in type 1 diabetes mellitus")
    assert compare(note, type2)[0] and not compare(note, type1)[0]


# ------------------------------------------------------------ "X, uncomplicated" over "X, unspecified"
INTOXICATION = {
    "F10.229": "Alcohol dependence with intoxication, unspecified",
    "F10.220": "Alcohol dependence with intoxication, uncomplicated",
    "F10.221": "Alcohol dependence with intoxication delirium",
}


def test_with_no_complication_documented_the_uncomplicated_twin_wins() -> None:
    ranked = [Cand("F10.229", 0.7), Cand("F10.221", 0.2), Cand("F10.220", 0.15)]
    assert prefer_named_sibling(ranked, {}, INTOXICATION.__getitem__, "alcohol dependence, intoxicated")
    assert ranked[0].code == "F10.220"


def test_a_contradicted_uncomplicated_twin_does_not_win() -> None:
    ranked = [Cand("F10.229", 0.7), Cand("F10.220", 0.15)]
    reasons = {"F10.220": ["qualifier conflict: the note names a complication"]}
    assert prefer_named_sibling(ranked, reasons, INTOXICATION.__getitem__, "intoxicated, complicated") is None
    assert ranked[0].code == "F10.229"


# ------------------------------------------------------------ every encounter lists a diagnosis
def _plain(code: str, score: float, final: bool = False) -> Pick:
    m = Mention(0, 4, "text", "text", "body", 0, 4)
    return Pick(code, score, final, [m])


def test_a_note_without_a_final_code_lists_its_best_plausible_diagnosis(catalog: CodeCatalog) -> None:
    picks = {"J06.9": _plain("J06.9", 0.12), "R05.9": _plain("R05.9", 0.08)}
    assert ensure_first_listed(picks, catalog) == "J06.9"
    assert picks["J06.9"].final and not picks["R05.9"].final


def test_a_vaccine_given_during_the_visit_does_not_stand_for_its_reason(catalog: CodeCatalog) -> None:
    picks = {"Z23": _plain("Z23", 0.54, final=True), "J06.9": _plain("J06.9", 0.2)}
    assert ensure_first_listed(picks, catalog) == "J06.9"
    assert picks["Z23"].final and picks["J06.9"].final


@pytest.mark.parametrize(
    "picks",
    [
        {"J06.9": _plain("J06.9", 0.03)},  # nothing plausible: the coder chooses
        {"Z23": _plain("Z23", 0.54, final=True), "J06.9": _plain("J06.9", 0.03)},  # a vaccine visit alone
        {"J06.9": _plain("J06.9", 0.4), "E11.9": _plain("E11.9", 0.9, final=True)},  # a diagnosis is final
    ],
)
def test_no_first_listed_code_is_added_when_not_needed(catalog: CodeCatalog, picks: dict[str, Pick]) -> None:
    before = {c: p.final for c, p in picks.items()}
    assert ensure_first_listed(picks, catalog) is None
    assert {c: p.final for c, p in picks.items()} == before


# ------------------------------------------------------------ "decreased X": a finding, or a dose change
@pytest.mark.parametrize(
    ("chunk", "why"),
    [
        ("decreased fetal movements", None),
        ("increased thirst and urination", None),
        ("reduced ejection fraction", None),
        ("Decreased lisinopril to 10 mg", "plan"),
        ("increased glargine by 4 units", "plan"),
        ("Increase metformin", "plan"),
    ],
)
def test_a_changed_dose_is_the_plan_and_a_changed_finding_is_not(chunk: str, why: str | None) -> None:
    assert why_not_coded(chunk) == why


@pytest.mark.parametrize("chunk", ["74 y/o man", "54F", "a 45-year-old woman", "28 yo M"])
def test_age_and_sex_alone_are_not_a_diagnosis(chunk: str) -> None:
    assert why_not_coded(chunk) == "demographics"


def test_age_and_sex_with_a_condition_are_read() -> None:
    assert why_not_coded("74 y/o man with COPD") is None


def test_weeks_of_gestation_come_back_with_a_first_listed_pregnancy_code(catalog: CodeCatalog) -> None:
    weeks = _plain("Z3A.28", 0.9)
    weeks.vetoed = True
    weeks.warnings.append("weeks of gestation are coded only with a pregnancy (chapter 15) code")
    picks = {"O99.283": _plain("O99.283", 0.2), "Z3A.28": weeks}
    assert ensure_first_listed(picks, catalog) == "O99.283"
    assert picks["Z3A.28"].final and not picks["Z3A.28"].warnings


def test_a_title_that_says_acute_and_chronic_is_acute_on_chronic() -> None:
    assert title_qualifiers("Acute and chronic respiratory failure with hypoxia").acuity == "acute on chronic"
    assert title_qualifiers("Acute and subacute iridocyclitis").acuity == "acute"
    note = read_qualifiers("Acute on chronic hypoxic respiratory failure")
    assert note.acuity == "acute on chronic"


class _Excludes:
    """A catalog stub: Excludes1 references and titles only."""

    titles = {"E87.6": "Hypokalemia", "O21.1": "Hyperemesis gravidarum with metabolic disturbance",
              "M1A.0620": "Idiopathic chronic gout, left knee, without tophus", "M10.9": "Gout, unspecified",
              "C81.1A": "Nodular sclerosis Hodgkin lymphoma, in remission",
              "Z85.71": "Personal history of Hodgkin lymphoma"}  # fmt: skip
    excludes = {"E87.6": ["O21.1"], "M1A.0620": ["M10.-"], "C81.1A": ["Z85.71"]}

    def refs_for(self, code: str, kind: str) -> list[str]:
        return self.excludes.get(code, []) if kind == "excludes1" else []

    def title(self, code: str) -> str:
        return self.titles[code]


def test_an_excludes1_pair_keeps_the_code_where_the_condition_is_classified() -> None:
    stub: Any = _Excludes()
    assert excluded_elsewhere(stub, "E87.6", "O21.1") and not excluded_elsewhere(stub, "O21.1", "E87.6")
    assert not excluded_elsewhere(stub, "M1A.0620", "M10.9")  # never for an unspecified code
    assert not excluded_elsewhere(stub, "C81.1A", "Z85.71")  # nor for a history code


class _Titles:
    titles = {
        "J18.9": "Pneumonia, unspecified organism",
        "J13": "Pneumonia due to Streptococcus pneumoniae",
        "A41.9": "Sepsis, unspecified organism",
    }

    def title(self, code: str) -> str:
        return self.titles[code]


def test_a_condition_without_its_organism_is_folded_into_the_one_with_it() -> None:
    stub: Any = _Titles()
    picks = {
        "J18.9": _head("J18.9", "RLL pneumonia", 0.7),
        "J13": _head("J13", "Pneumococcal pneumonia", 0.8, start=40),
        "A41.9": _head("A41.9", "sepsis", 0.6, start=80),
    }
    absorb_unspecified_organism(picks, stub)
    assert set(picks) == {"J13", "A41.9"}  # no sepsis with an organism: A41.9 stays


class _Cancer:
    titles = {
        "Z85.3": "Personal history of malignant neoplasm of breast",
        "C50.912": "Malignant neoplasm of unspecified site of left female breast",
        "Z85.038": "Personal history of other malignant neoplasm of large intestine",
        "C34.11": "Malignant neoplasm of upper lobe, right bronchus or lung",
        "Z85.828": "Personal history of other malignant neoplasm of skin",
        "C44.311": "Basal cell carcinoma of skin of nose",
        "Z85.820": "Personal history of malignant melanoma of skin",
        "C43.59": "Malignant melanoma of other part of trunk",
    }

    def title(self, code: str) -> str:
        return self.titles[code]

    def title_tokens(self, code: str) -> set[str]:
        from assistant.suggest.text import tokens

        return set(tokens(self.titles[code]))


def test_no_history_of_a_cancer_that_is_current() -> None:
    stub: Any = _Cancer()
    picks = {c: _head(c, "breast cancer", 0.7) for c in ("C50.912", "Z85.3")}
    drop_history_of_current_cancer(picks, stub)
    assert set(picks) == {"C50.912"}
    picks = {c: _head(c, "lung and colon", 0.7) for c in ("C34.11", "Z85.038")}
    drop_history_of_current_cancer(picks, stub)
    assert set(picks) == {"C34.11", "Z85.038"}  # another site's history stays


def test_a_skin_cancer_history_stays_beside_a_new_skin_cancer() -> None:
    # "BCC, left nasal ala" now, "Hx BCC forehead 2019" excised: the skin grows new primaries (Z85.828 stays)
    stub: Any = _Cancer()
    picks = {c: _head(c, "BCC", 0.7) for c in ("C44.311", "Z85.828")}
    drop_history_of_current_cancer(picks, stub)
    assert set(picks) == {"C44.311", "Z85.828"}
    picks = {c: _head(c, "melanoma", 0.7) for c in ("C43.59", "Z85.820")}
    drop_history_of_current_cancer(picks, stub)
    assert set(picks) == {"C43.59", "Z85.820"}


def test_no_unspecified_site_cancer_beside_a_named_primary() -> None:
    picks = {c: _head(c, "NSCLC, adenocarcinoma of the RUL", 0.7) for c in ("C80.1", "C34.11")}
    drop_unspecified_site_cancer(picks)
    assert [c for c, p in picks.items() if p.final] == ["C34.11"]
    picks = {c: _head(c, "metastatic carcinoma, primary unknown", 0.7) for c in ("C80.1", "C79.51")}
    drop_unspecified_site_cancer(picks)
    assert sorted(c for c, p in picks.items() if p.final) == ["C79.51", "C80.1"]  # no site named


def test_a_condition_on_its_drug_and_dose_is_still_the_condition() -> None:
    for chunk in (
        "Hypothyroidism on levothyroxine 75 mcg",
        "HTN on lisinopril 10 mg",
        "GERD on omeprazole 20 mg daily",
        "Osteoarthritis on meloxicam 15 mg",
    ):
        assert why_not_coded(chunk) is None, chunk
    for chunk in ("metformin 500 mg bid", "on lisinopril 10 mg", "pt on metformin 500 mg bid"):
        assert why_not_coded(chunk) == "medication", chunk


def test_recurrent_and_persistent_hematuria_is_a_kind_not_a_recurrence() -> None:
    titles = {
        "N02.B2": "Recurrent and persistent hematuria, IgA nephropathy with focal and segmental "
        "glomerular lesions",
        "N05.1": "Unspecified nephritic syndrome with focal and segmental glomerular lesions",
    }
    cands = [Scored("N02.B2", 0.7), Scored("N05.1", 0.6)]
    out, _ = rerank(
        cands,
        read_qualifiers("IgA nephropathy, focal segmental lesions"),
        titles.__getitem__,
        lambda c: [],
        Scored,
    )
    assert out[0].code == "N02.B2"


def test_recurrent_said_beside_the_mention_in_its_sentence_is_no_conflict() -> None:
    titles = {
        "F33.42": "Major depressive disorder, recurrent, in full remission",
        "F32.5": "Major depressive disorder, single episode, in full remission",
    }
    remission = read_qualifiers("in full remission on escitalopram")
    cands = [Scored("F33.42", 0.7), Scored("F32.5", 0.6)]
    nearby = replace(remission, recurrent_nearby=True)  # "MDD recurrent, in full remission ..."
    assert rerank(cands, nearby, titles.__getitem__, lambda c: [], Scored)[0][0].code == "F33.42"
    cands = [Scored("F33.42", 0.7), Scored("F32.5", 0.6)]
    assert rerank(cands, remission, titles.__getitem__, lambda c: [], Scored)[0][0].code == "F32.5"


def test_an_ulcer_s_depth_after_the_comma_completes_the_ulcer() -> None:
    note = "Seen today.\nA/P: Diabetic foot ulcer, L heel, limited to breakdown of skin. DM2."
    assert [m.text for m in read_note(note)][1:] == [
        "Diabetic foot ulcer, L heel, limited to breakdown of skin",
        "DM2",
    ]
    note = "Seen today.\nA/P: Venous stasis ulcer R calf, fat layer exposed."
    assert [m.text for m in read_note(note)][1:] == ["Venous stasis ulcer R calf, fat layer exposed"]
    # a condition of its own after the comma stays its own mention
    note = "Seen today.\nA/P: Diabetic foot ulcer, L heel, cellulitis."
    assert [m.text for m in read_note(note)][1:] == ["Diabetic foot ulcer, L heel", "cellulitis"]


def test_a_statin_is_a_treatment_tail_and_a_medication() -> None:
    assert treatment_tail("HLD on high-intensity statin") == 3
    assert why_not_coded("statins") == "medication"


def test_a_neutral_status_after_the_condition_is_not_searched() -> None:
    assert "HTN controlled"[: searched_length("HTN controlled")] == "HTN"
    assert "Asthma well controlled."[: searched_length("Asthma well controlled.")] == "Asthma"
    text = "GERD improved on omeprazole"
    assert text[: searched_length(text)] == "GERD"
    reader_query = [m.query for m in read_note("Assessment: Gout, stable. Asthma well controlled.")]
    assert reader_query[-1] == "Asthma"


def test_a_status_that_chooses_the_code_stays_searched() -> None:
    for text in (
        "DM2 poorly controlled",
        "Diabetes not controlled",
        "Angina stable",
        "Stable",
        "CHF worsening",
    ):
        assert searched_length(text) == len(text), text
    # the Index codes the control of diabetes only: another condition's is its qualifier, not searched
    assert "HTN not controlled"[: searched_length("HTN not controlled")] == "HTN"
    assert "Asthma not well controlled"[: searched_length("Asthma not well controlled")] == "Asthma"


def test_a_control_the_note_denies_is_said_in_the_index_words_and_negates_nothing() -> None:
    assert expand_text("DM2 not well controlled").endswith("poorly controlled")
    ms = read_note(
        "A/P: Her diabetes is not well controlled, and I think the tingling is diabetic neuropathy."
    )
    assert not any(m.negated for m in ms)


def test_a_bracket_that_measures_or_files_the_condition_is_not_searched() -> None:
    for text, searched in [
        ("Obesity (BMI 30-39.9)", "Obesity"),
        ("Essential hypertension (I10)", "Essential hypertension"),
        ("Mixed hyperlipidemia (E78.2)", "Mixed hyperlipidemia"),
        ("Type 2 diabetes mellitus (HCC)", "Type 2 diabetes mellitus"),
        ("Compression fracture (T12)", "Compression fracture (T12)"),  # a spine level, not a code
        ("Pneumonia (RLL)", "Pneumonia (RLL)"),
    ]:
        assert text[: searched_length(text)] == searched


def test_a_size_is_not_searched() -> None:
    assert without_sizes("Laceration 3 cm left forearm") == "Laceration left forearm"
    assert without_sizes("2.5 x 1.5 cm abscess of back") == "abscess of back"
    assert without_sizes("nodule 8mm right lung") == "nodule right lung"
    assert without_sizes("3 cm") == "3 cm"  # nothing else to search
    assert without_sizes("Kenalog 40 mg injected") == "Kenalog 40 mg injected"  # a dose is no size


# ------------------------------------------------------------ a "with X" the note never names
APPENDICITIS = {
    "K35.210": "Acute appendicitis with generalized peritonitis, without perforation or abscess",
    "K35.80": "Unspecified acute appendicitis",
}


def test_a_with_phrase_the_note_never_names_gives_way_to_the_unspecified_code() -> None:
    ranked = [Cand("K35.210", 0.4), Cand("K35.80", 0.1)]
    assert prefer_named_sibling(
        ranked, {}, APPENDICITIS.__getitem__, "acute appendicitis without perforation"
    )
    assert ranked[0].code == "K35.80"


def test_a_with_phrase_the_note_names_stays() -> None:
    ranked = [Cand("K35.210", 0.4), Cand("K35.80", 0.1)]
    note = "acute appendicitis with diffuse peritonitis, no perforation"
    assert prefer_named_sibling(ranked, {}, APPENDICITIS.__getitem__, note) is None
    assert ranked[0].code == "K35.210"

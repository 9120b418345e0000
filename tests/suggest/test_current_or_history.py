"""Whether a condition is current or history: a cancer still treated (I.C.2.d), a history's scope that the
present ends (ConText), and coronary atherosclerosis with angina presumed linked (I.C.9.b)."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.adjuvant import cancer_under_hormonal_therapy
from assistant.suggest.coding_rules.combination import combine, other_kind_of_hypertension
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.consolidate import drop_unspecified_twins
from assistant.suggest.qualifiers import read_qualifiers
from assistant.suggest.reader import Mention, qualifies_previous, read_note
from assistant.suggest.service import CHRONIC
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

ICD = "ICD-10-CM"
# (code, title, parent, billable), as in the FY2027 tabular
ROWS = [
    ("C50", "Malignant neoplasm of breast", None, False),
    ("C50.9", "Malignant neoplasm of breast of unspecified site", "C50", False),
    ("C50.91", "Malignant neoplasm of breast of unspecified site, female", "C50.9", False),
    ("C50.911", "Malignant neoplasm of unspecified site of right female breast", "C50.91", True),
    ("C50.912", "Malignant neoplasm of unspecified site of left female breast", "C50.91", True),
    ("C50.919", "Malignant neoplasm of unspecified site of unspecified female breast", "C50.91", True),
    ("Z85.3", "Personal history of malignant neoplasm of breast", None, True),
    ("Z79.811", "Long term (current) use of aromatase inhibitors", None, True),
    ("Z79.899", "Other long term (current) drug therapy", None, True),
    ("I20.0", "Unstable angina", "I20", True),
    ("I20.89", "Other forms of angina pectoris", "I20.8", True),
    ("I25.1", "Atherosclerotic heart disease of native coronary artery", "I25", False),
    (
        "I25.10",
        "Atherosclerotic heart disease of native coronary artery without angina pectoris",
        "I25.1",
        True,
    ),
    (
        "I25.11",
        "Atherosclerotic heart disease of native coronary artery with angina pectoris",
        "I25.1",
        False,
    ),
    (
        "I25.110",
        "Atherosclerotic heart disease of native coronary artery with unstable angina pectoris",
        "I25.11",
        True,
    ),
    (
        "I25.118",
        "Atherosclerotic heart disease of native coronary artery with other forms of angina pectoris",
        "I25.11",
        True,
    ),
    (
        "I25.119",
        "Atherosclerotic heart disease of native coronary artery with unspecified angina pectoris",
        "I25.11",
        True,
    ),
]
KIND = {True: "code", False: "category"}
CATALOG = CodeCatalog({"codes": {c: [ICD, t, bill, parent, KIND[bill]] for c, t, parent, bill in ROWS}})


def _said(note: str, words: str) -> Mention:
    start = note.index(words)
    mention = Mention(start, start + len(words), words, words, "assessment", 0, len(note))
    mention.laterality = {side for side in ("left", "right") if side in words.lower()}
    return mention


def _finals(picks: dict[str, Pick]) -> list[str]:
    return sorted(c for c, p in picks.items() if p.final)


def test_a_breast_cancer_still_on_an_aromatase_inhibitor_is_current_by_its_side() -> None:
    note = "A/P: History of left breast cancer, on anastrozole - continue."
    history = _said(note, "History of left breast cancer")
    picks = {
        "Z85.3": Pick("Z85.3", 0.8, True, [history]),
        "Z79.811": Pick("Z79.811", 0.8, True, [_said(note, "anastrozole")]),
        "C50.919": Pick("C50.919", 0.2, False, [history]),
    }
    cancer_under_hormonal_therapy(picks, NoteContext(note), CATALOG)
    assert _finals(picks) == ["C50.912", "Z79.811"]
    assert picks["Z85.3"].vetoed


def test_a_breast_cancer_with_no_hormonal_therapy_now_stays_history() -> None:
    note = "A/P: History of left breast cancer, completed anastrozole 2023. On atorvastatin."
    history = _said(note, "History of left breast cancer")
    picks = {
        "Z85.3": Pick("Z85.3", 0.8, True, [history]),
        "Z79.899": Pick("Z79.899", 0.8, True, [_said(note, "atorvastatin")]),
        "C50.919": Pick("C50.919", 0.2, False, [history]),
    }
    cancer_under_hormonal_therapy(picks, NoteContext(note), CATALOG)
    assert _finals(picks) == ["Z79.899", "Z85.3"]


def test_a_cancer_read_as_current_keeps_its_history_code_from_being_paired_back() -> None:
    note = "45F hx of breast ca (L, s/p lumpectomy 2019), on anastrozole."
    cancer = _said(note, "breast ca (L")
    picks = {
        "C50.912": Pick("C50.912", 0.7, True, [cancer]),
        "Z79.811": Pick("Z79.811", 0.8, True, [_said(note, "anastrozole")]),
        "Z85.3": Pick("Z85.3", 0.3, False, [cancer]),
    }
    cancer_under_hormonal_therapy(picks, NoteContext(note), CATALOG)
    assert picks["Z85.3"].vetoed and _finals(picks) == ["C50.912", "Z79.811"]
    picks = {"Z79.811": Pick("Z79.811", 0.8, True, []), "Z85.3": Pick("Z85.3", 0.3, False, [cancer])}
    cancer_under_hormonal_therapy(picks, NoteContext(note), CATALOG)
    assert not picks["Z85.3"].vetoed  # no current cancer coded: the history may still be paired


def _history(note: str, words: str) -> bool:
    return next(m for m in read_note(note) if words in m.text).history


def test_the_present_after_a_comma_ends_a_history_scope() -> None:
    note = (
        "52 yo woman with h/o breast cancer s/p lumpectomy and radiation 2019, on anastrozole, "
        "here to discuss hot flashes and low mood."
    )
    assert _history(note, "radiation")
    assert not _history(note, "hot flashes")
    assert not _history(note, "low mood")
    assert not _history("70M s/p CABG 2015, now with exertional chest pain.", "chest pain")
    # without a present-tense clause the history still reaches the whole list
    assert _history("PMH: h/o appendectomy, cholecystectomy and hernia repair.", "hernia")


def _coronary(note: str, angina: str, angina_code: str) -> list[str]:
    picks = {
        "I25.10": Pick("I25.10", 0.8, True, [_said(note, "CAD")]),
        angina_code: Pick(angina_code, 0.7, True, [_said(note, angina)]),
    }
    combine(picks, NoteContext(note), CATALOG)
    return _finals(picks)


def test_coronary_atherosclerosis_and_angina_take_the_combination_code() -> None:
    assert _coronary("A/P: 1. Stable angina 2. CAD", "Stable angina", "I20.89") == ["I25.118"]
    assert _coronary("A/P: 1. Unstable angina 2. CAD", "Unstable angina", "I20.0") == ["I25.110"]


def test_coronary_atherosclerosis_the_note_says_is_without_angina_keeps_i25_10() -> None:
    note = "A/P: CAD, no angina. Unstable angina ruled out last month."
    picks = {"I25.10": Pick("I25.10", 0.8, True, [_said(note, "CAD, no angina")])}
    picks["I20.0"] = Pick("I20.0", 0.7, True, [_said(note, "Unstable angina")])
    combine(picks, NoteContext(note), CATALOG)
    assert picks["I25.10"].final and not picks.get("I25.110", Pick("I25.110", 0, False, [])).final


@pytest.mark.parametrize(
    ("chunk", "joins"),
    [
        ("most recent episode depressed, moderate", True),
        ("current episode manic", True),
        ("in early remission (last drink 5 months ago)", True),
        ("in sustained remission", True),
        ("with agitation", True),
        ("without aura", True),
        ("with fever", False),
        ("depression", False),
        ("anxiety in the evenings", False),
    ],
)
def test_an_episode_or_a_remission_after_a_comma_completes_the_condition(chunk: str, joins: bool) -> None:
    assert qualifies_previous(chunk) is joins


def test_a_narrative_disorder_keeps_its_episode_and_remission() -> None:
    note = (
        "38M with bipolar I disorder, most recent episode depressed, moderate. Also alcohol use disorder, "
        "moderate, in early remission (last drink 5 months ago), attends AA."
    )
    texts = [m.text for m in read_note(note)]
    assert "38M with bipolar I disorder, most recent episode depressed, moderate" in texts
    assert "Also alcohol use disorder, moderate, in early remission (last drink 5 months ago)" in texts


def test_a_stable_course_denies_an_exacerbation() -> None:
    assert "exacerbation" in read_qualifiers("COPD, severe, stable").without
    assert "exacerbation" in read_qualifiers("Asthma, back to baseline").without
    assert "exacerbation" in read_qualifiers("COPD exacerbation, now stable on prednisone").with_
    assert "exacerbation" not in read_qualifiers("COPD, severe").without
    # a title's own word is not a course
    assert "exacerbation" not in read_qualifiers("Stable angina", title=True).without


def test_the_specific_twin_takes_the_problem_line_of_the_unspecified_code() -> None:
    catalog = CodeCatalog(
        {
            "codes": {
                "J44.1": [
                    ICD,
                    "Chronic obstructive pulmonary disease with (acute) exacerbation",
                    True,
                    "J44",
                    "code",
                ],
                "J44.9": [ICD, "Chronic obstructive pulmonary disease, unspecified", True, "J44", "code"],
            }
        }
    )
    line = Mention(0, 4, "COPD", "COPD", "assessment", 0, 30)
    picks = {"J44.1": Pick("J44.1", 0.9, True, []), "J44.9": Pick("J44.9", 0.8, True, [line], heads=[line])}
    drop_unspecified_twins(picks, catalog)
    assert _finals(picks) == ["J44.1"] and picks["J44.1"].heads == [line]


def test_a_condition_of_a_past_pregnancy_is_no_chronic_condition() -> None:
    # "h/o gestational diabetes" is searched as history (Z86.32), "h/o diabetes" stays the chronic condition
    assert not CHRONIC.search("gestational diabetes")
    assert not CHRONIC.search("pregnancy-induced hypertension")
    assert CHRONIC.search("type 2 diabetes") and CHRONIC.search("essential hypertension")


def test_another_kind_of_hypertension_is_no_essential_hypertension() -> None:
    catalog = CodeCatalog(
        {
            "codes": {
                "I10": [ICD, "Essential (primary) hypertension", True, "I10", "code"],
                "I27.23": [ICD, "Pulmonary hypertension due to lung diseases", True, "I27", "code"],
            }
        }
    )
    note = "Pulm: pulmonary hypertension group 3 (RVSP 55)."
    said = _said(note, "pulmonary hypertension group 3")
    picks = {"I10": Pick("I10", 0.6, True, [said]), "I27.23": Pick("I27.23", 0.2, False, [said])}
    other_kind_of_hypertension(picks, catalog)
    assert _finals(picks) == ["I27.23"]
    # essential hypertension named beside it stays
    both = "A/P: HTN. Pulmonary hypertension group 3."
    picks = {"I10": Pick("I10", 0.6, True, [_said(both, "HTN")]), "I27.23": Pick("I27.23", 0.2, False, [])}
    other_kind_of_hypertension(picks, catalog)
    assert _finals(picks) == ["I10"]
    assert expand_text("PH due to lung disease") == "pulmonary hypertension due to lung disease"
    assert expand_text("ABG: PH 7.30") == "ABG: PH 7.30"


def test_diabetes_not_stated_as_uncontrolled_says_nothing_of_control() -> None:
    assert read_qualifiers("type 1 diabetes, not stated as uncontrolled").controlled is None
    assert read_qualifiers("type 1 diabetes, not specified as uncontrolled").controlled is None
    assert read_qualifiers("type 1 diabetes, uncontrolled").controlled is False
    assert read_qualifiers("type 1 diabetes, well controlled").controlled is True


def test_acuities_each_in_parentheses_are_alternatives_not_acute_on_chronic() -> None:
    # the classification's parentheses list nonessential alternatives: "(acute) (chronic)" is either one
    assert read_qualifiers("Back pain (chronic) (acute)").acuity is None
    assert read_qualifiers("back pain, acute on chronic").acuity == "acute on chronic"
    assert read_qualifiers("acute and chronic back pain").acuity == "acute on chronic"
    assert read_qualifiers("back pain (acute)").acuity == "acute"

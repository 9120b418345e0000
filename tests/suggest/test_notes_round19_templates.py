"""Round 19 of the us-notes batches: general classes the blind batch usn-1373 ... usn-1396 (an internal-
medicine resident's templates: "+" / "-" findings, "#" problems, telephone and portal encounters) showed. Each
test has a wording of our own the rule must change and one it must leave alone. Titles as in the ICD-10-CM
tabular (public domain)."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.device_status import home_oxygen
from assistant.suggest.coding_rules.exposure import exposures
from assistant.suggest.coding_rules.injuries import encounter_character
from assistant.suggest.coding_rules.partners import add_drugs
from assistant.suggest.coding_rules.tobacco import tobacco_status
from assistant.suggest.coding_rules.underdosing import _TAKING_LESS
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog


def _mention(note: str, words: str, section: str = "assessment") -> Mention:
    start = note.index(words)
    return Mention(start, start + len(words), words, words, section, 0, len(note))


def _read(note: str, words: str) -> Mention:
    return next(m for m in read_note(note) if words.lower() in m.text.lower())


@pytest.mark.parametrize(
    ("note", "words", "negated"),
    [
        ("S: cough x 3 d. -fever, -syncope, +chills.", "syncope", True),
        ("Bleeding ROS neg: -melena/BRBPR, -hematuria", "hematuria", True),
        ("-syncope, -falls, -CP, eating nl.\nA/P: HTN", "falls", True),  # a line that lists findings so
        ("S: cough x 3 d. -fever, -syncope, +chills.", "chills", False),
        ("Imp/Plan:\n-HTN controlled.\n-LBBB chronic.", "HTN", False),  # a dash that opens the line: a bullet
        ("DEXA: T -1.6 at the hip", "T -1.6", False),
        ("Breast ca ER-/PR- on letrozole", "Breast ca", False),
    ],
)
def test_a_minus_sign_joined_to_a_finding_says_it_is_absent(note: str, words: str, negated: bool) -> None:
    assert _read(note, words).negated is negated


@pytest.mark.parametrize(
    ("note", "words", "negated"),
    [
        ("Return/ED precautions: swelling, SOB, mouth sores, fever.", "mouth sores", True),
        ("INR 4.6, no bleeding. To ED for any bleeding/fall/head strike.", "head strike", True),
        ("Went to the ED for chest pain last week.", "chest pain", False),
        ("Bleeding precautions reviewed, cellulitis improving.", "cellulitis", False),
        ("Return/ED for leg weakness, numbness in groin.", "leg weakness", True),
        ("Instructions: ED for CP, fainting, HR >130 sustained.", "fainting", True),
        ("RTC/ED if fever, vision change, swelling around eyes.", "vision change", True),
        ("Keep dry 24h; watch for redness, pus, fever.", "pus", True),
        ("Pt c/o leg weakness x2d, seen in ED for CP yesterday.", "leg weakness", False),
    ],
)
def test_the_signs_to_come_back_for_are_not_present(note: str, words: str, negated: bool) -> None:
    assert _read(note, words).negated is negated


@pytest.mark.parametrize(
    ("note", "words", "negated"),
    [
        ("Plan: IVF 1 L if BMP shows dehydration", "dehydration", True),
        ("Plan: cont metformin; if A1c > 8 add glipizide, HTN controlled", "HTN", False),
        ("A/P: Dehydration - IVF 1 L now", "Dehydration", False),
    ],
)
def test_a_condition_the_plan_waits_for_is_not_there(note: str, words: str, negated: bool) -> None:
    assert _read(note, words).negated is negated


def test_a_condition_ruled_out_later_is_no_uncertain_diagnosis_left() -> None:
    ruled_out = "Adm w/ chest pain, r/o ACS.\nA/P: Atypical CP - ACS r/o'd (trop neg x3)."
    assert _read(ruled_out, "r/o ACS").negated
    still_open = "Adm w/ chest pain, r/o ACS.\nA/P: Atypical CP - trop pending."
    assert _read(still_open, "r/o ACS").uncertain and not _read(still_open, "r/o ACS").negated
    # "r/o'd" is no "rule out" of what follows it
    assert not _read("A/P: ACS r/o'd. Nonischemic EKG.", "Nonischemic EKG").uncertain


@pytest.mark.parametrize(
    ("chunk", "kind"),
    [
        ("Husband dx'd w/ influenza A yesterday", "another person's"),
        ("wife has COVID", "another person's"),
        ("Wife reports he is confused", None),
        ("ASCVD 12% -> start atorvastatin 40", "vitals or labs"),
        ("10-yr ASCVD risk 7.9%", "vitals or labs"),
        ("ASCVD on statin", None),
    ],
)
def test_another_persons_illness_and_a_risk_score_are_not_diagnoses(chunk: str, kind: str | None) -> None:
    assert why_not_coded(chunk) == kind


@pytest.mark.parametrize(
    ("text", "expanded", "absent"),
    [
        ("# HCM: flu vaccine given today", "health care maintenance", "cardiomyopathy"),
        ("HCM with LVOT obstruction", "hypertrophic cardiomyopathy", ""),
        ("# ED, SSRI-induced -> add sildenafil", "erectile dysfunction", ""),
        ("cellulitis despite cephalexin x 48 h (UC rx)", "urgent care", "colitis"),
        ("UC flare on mesalamine", "ulcerative colitis", ""),
    ],
)
def test_abbreviations_read_in_their_context(text: str, expanded: str, absent: str) -> None:
    out = expand_text(text)
    assert expanded in out
    assert not absent or absent not in out


@pytest.mark.parametrize(
    ("note", "char"),
    [
        ("L hip fx s/p IMN POD#1. Hgb 8.1, recheck AM.", "A"),
        ("Warfarin: INR 4.6, recheck INR Mon.", "A"),
        ("Sports med recheck, 2 wks after inversion injury of the ankle.", "D"),
        ("Here for ankle sprain recheck and PT referral.", "D"),
    ],
)
def test_a_value_checked_again_is_the_plan_not_a_subsequent_encounter(note: str, char: str) -> None:
    assert encounter_character(note) == char


INSULIN = hierarchy_catalog(
    {
        "Z79.4": "Long term (current) use of insulin",
        "E11.00": "Type 2 diabetes mellitus with hyperosmolarity without NKHHC",
    },
    {
        "Z79": "Long term (current) drug therapy",
        "E11": "Type 2 diabetes mellitus",
        "E11.0": "With hyperosmolarity",
    },
    refs={"E11": {"use_additional": ["Z79.4"]}},
)


@pytest.mark.parametrize(
    ("note", "long_term"),
    [
        ("A/P: HHS - insulin gtt per protocol. Hypokalemia after insulin.", False),
        ("A/P: HHS - basal-bolus insulin in house, resume metformin at d/c", False),
        ("A/P: HHS - insulin gtt per protocol; home glargine 20 units qhs", True),
        ("A/P: HHS. Home meds: insulin glargine 20 units qhs.", True),
    ],
)
def test_insulin_given_only_during_the_stay_is_no_long_term_use(note: str, long_term: bool) -> None:
    picks = {"E11.00": Pick("E11.00", 0.8, True, [_mention(note, "HHS")])}
    add_drugs(picks, NoteContext(note=note), INSULIN)
    assert ("Z79.4" in picks and picks["Z79.4"].final) is long_term


TOBACCO = hierarchy_catalog(
    {
        "F17.210": "Nicotine dependence, cigarettes, uncomplicated",
        "F17.211": "Nicotine dependence, cigarettes, in remission",
        "Z87.891": "Personal history of nicotine dependence",
    },
    {
        "F17": "Nicotine dependence",
        "F17.2": "Nicotine dependence",
        "F17.21": "cigarettes",
        "Z87": "Other",
        "Z87.8": "O",
    },
)


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("S: Quit cigs 4 mo ago (was 1 ppd).\nA/P: Tobacco use d/o, cigarettes, early remission", "F17.211"),
        ("S: Quit cigs 4 mo ago (was 1 ppd).\nA/P: HTN", "Z87.891"),
    ],
)
def test_a_dependence_said_in_remission_is_not_the_history_of_quitting(note: str, code: str) -> None:
    picks = {"F17.210": Pick("F17.210", 0.7, True, [_mention(note, "Quit cigs 4 mo ago (was 1 ppd)", "hpi")])}
    tobacco_status(picks, NoteContext(note=note), TOBACCO)
    assert [c for c, p in picks.items() if p.final] == [code]


FLU = hierarchy_catalog(
    {
        "J10.1": "Influenza due to other identified influenza virus with other respiratory manifestations",
        "Z20.828": "Contact with and (suspected) exposure to other viral communicable diseases",
        "A15.0": "Tuberculosis of lung",
        "Z20.1": "Contact with and (suspected) exposure to tuberculosis",
    },
    {"J10": "Influenza", "Z20": "Contact", "Z20.8": "Contact", "Z20.82": "Contact", "A15": "Tuberculosis"},
)


@pytest.mark.parametrize(
    ("note", "words", "disease", "code"),
    [
        ("A/P: Household exposure to influenza A, no symptoms.", "influenza A", "J10.1", "Z20.828"),
        ("Nurse exposed to TB at work, IGRA today", "TB", "A15.0", "Z20.1"),
        ("A/P: Influenza A, day 2, oseltamivir", "Influenza A", "J10.1", "J10.1"),
    ],
)
def test_a_disease_the_patient_was_only_exposed_to_is_the_exposure(
    note: str, words: str, disease: str, code: str
) -> None:
    picks = {disease: Pick(disease, 0.8, True, [_read(note, words)])}
    exposures(picks, NoteContext(note=note), FLU)
    assert [c for c, p in picks.items() if p.final] == [code]


@pytest.mark.parametrize(("chunk", "kind"), [("DM screen", "test"), ("Depression screen positive", None)])
def test_a_screen_named_after_its_condition_is_the_test(chunk: str, kind: str | None) -> None:
    assert why_not_coded(chunk) == kind


STEROID_O2 = hierarchy_catalog(
    {
        "Z79.52": "Long term (current) use of systemic steroids",
        "Z99.81": "Dependence on supplemental oxygen",
        "J44.1": "Chronic obstructive pulmonary disease with (acute) exacerbation",
    },
    {"Z79": "Long term", "Z79.5": "Steroids", "Z99": "Dependence", "Z99.8": "Other", "J44": "Other COPD"},
)


@pytest.mark.parametrize(
    ("note", "taking"),
    [
        ("A/P: COPD w/ acute exacerbation -> prednisone 40 day 3/5, duonebs", False),
        ("A/P: COPD w/ acute exacerbation; on prednisone 5 mg daily for years", True),
    ],
)
def test_a_course_counted_by_its_days_is_no_long_term_steroid(note: str, taking: bool) -> None:
    picks = {"J44.1": Pick("J44.1", 0.8, True, [_mention(note, "COPD w/ acute exacerbation")])}
    add_drugs(picks, NoteContext(note=note), STEROID_O2)
    assert ("Z79.52" in picks and picks["Z79.52"].final) is taking


@pytest.mark.parametrize(
    ("note", "dependent"),
    [
        ("A/P: COPD w/ acute exacerbation. Dispo: home O2 qualification walk tomorrow.", False),
        ("A/P: COPD w/ acute exacerbation, on home O2 2 L since 2024.", True),
    ],
)
def test_a_home_oxygen_qualification_is_no_oxygen_dependence(note: str, dependent: bool) -> None:
    picks = {"J44.1": Pick("J44.1", 0.8, True, [_mention(note, "COPD w/ acute exacerbation")])}
    home_oxygen(picks, NoteContext(note=note), STEROID_O2)
    assert ("Z99.81" in picks and picks["Z99.81"].final) is dependent


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("Dispo: home once on <=2L or RA", "room air"),
        ("RA on methotrexate 15 mg weekly", "rheumatoid arthritis"),
    ],
)
def test_ra_after_an_oxygen_flow_is_room_air(text: str, expanded: str) -> None:
    assert expanded in expand_text(text)


@pytest.mark.parametrize(
    ("sentence", "drug"),
    [
        ("Stopped his metformin 3 wk ago on his own d/t loose stools.", "metformin"),
        ("Metformin stopped 8/2026 (eGFR < 30).", None),
        ("I stopped his metformin because of the eGFR.", None),
    ],
)
def test_a_drug_the_patient_stopped_on_his_own_is_underdosed(sentence: str, drug: str | None) -> None:
    found = _TAKING_LESS.search(sentence)
    assert (found.group("drug") if found else None) == drug

"""Phrases (chapters other than injuries): two eyes' vision levels given apart are one H54 statement; a
condition named before its site is coded by its condition, not by another condition of the same site; a
bone's own condition is sited by the region's long bones."""

from __future__ import annotations

from assistant.suggest.phrase_head import OTHER_CONDITION_PENALTY, other_conditions
from assistant.suggest.phrase_sites import with_joint
from assistant.suggest.phrase_vision import one_statement
from assistant.suggest.qualifiers import read_qualifiers
from assistant.suggest.types import Candidate


def test_two_eyes_vision_levels_given_apart_are_one_statement() -> None:
    said = "Better eye: moderate visual impairment; lesser eye: blind"
    assert one_statement(said) == "Better eye: moderate visual impairment, lesser eye: blind"
    said = "Right eye: low vision category 2; left eye: normal vision"
    assert one_statement(said) == "Right eye: low vision category 2, left eye: normal vision"


def test_two_conditions_of_the_two_eyes_or_a_note_stay_apart() -> None:
    two = "Right eye: cataract; left eye: glaucoma"
    assert one_statement(two) == two
    note = "Better eye: low vision\nlesser eye: blind; seen today"
    assert one_statement(note) == note
    assert one_statement("Low vision; diabetes") == "Low vision; diabetes"


TITLES = {
    "C96.0": "Multifocal and multisystemic (disseminated) Langerhans-cell histiocytosis",
    "C83.84": "Other non-follicular lymphoma, lymph nodes of axilla and upper limb",
    "C77.3": "Secondary and unspecified malignant neoplasm of axilla and upper limb lymph nodes",
    "D76.3": "Other histiocytosis syndromes",
}


def _cands() -> list[Candidate]:
    walked = Candidate("C96.0", 0, 0.40, walk=0.4, walk_path="Letterer-Siwe's disease -> C96.0")
    return [walked, Candidate("C83.84", 1, 0.48), Candidate("C77.3", 2, 0.45), Candidate("D76.3", 3, 0.30)]


def test_a_code_of_another_condition_of_the_named_site_yields_to_the_walked_condition() -> None:
    cands = _cands()
    other_conditions(cands, "Letterer-Siwe disease, axillary lymph nodes", TITLES.__getitem__)
    scores = {c.code: round(c.score, 4) for c in cands}
    assert scores["C83.84"] == round(0.48 - OTHER_CONDITION_PENALTY, 4)
    assert scores["C77.3"] == round(0.45 - OTHER_CONDITION_PENALTY, 4)
    assert scores["C96.0"] == 0.40  # the walk's own code keeps its score


def test_no_comma_or_no_walk_through_the_words_before_it_changes_nothing() -> None:
    cands = _cands()
    other_conditions(cands, "Letterer-Siwe disease of the axillary lymph nodes", TITLES.__getitem__)
    assert [round(c.score, 4) for c in cands] == [0.40, 0.48, 0.45, 0.30]
    cands = _cands()  # the walk's main term is not what the phrase names before its comma
    other_conditions(cands, "Lymph node mass, axilla", TITLES.__getitem__)
    assert [round(c.score, 4) for c in cands] == [0.40, 0.48, 0.45, 0.30]


def test_a_tail_naming_only_a_kind_is_no_site_and_a_word_form_is_the_same_word() -> None:
    cands = _cands()
    other_conditions(cands, "Letterer-Siwe disease, unspecified", TITLES.__getitem__)
    assert [round(c.score, 4) for c in cands] == [0.40, 0.48, 0.45, 0.30]
    titles = {**TITLES, "A56.4": "Chlamydial infection of pharynx"}
    walked = Candidate("A74.89", 0, 0.40, walk=0.5, walk_path="Chlamydia, chlamydial -> A74.89")
    cands = [walked, Candidate("A56.4", 1, 0.45), Candidate("C77.3", 2, 0.45)]
    other_conditions(cands, "Chlamydia infection, pharynx", {**titles, "A74.89": "x"}.__getitem__)
    assert [round(c.score, 4) for c in cands] == [0.40, 0.45, round(0.45 - OTHER_CONDITION_PENALTY, 4)]


def test_a_bones_own_condition_is_searched_by_the_regions_long_bones() -> None:
    assert with_joint("Chronic osteomyelitis, lower leg") == (
        "Chronic osteomyelitis, lower leg, tibia and fibula"
    )
    assert with_joint("Pathological fracture of the upper arm") == (
        "Pathological fracture of the upper arm, humerus"
    )
    assert with_joint("Arthropathy, lower leg") == "Arthropathy, lower leg, knee"  # a joint's condition


def test_a_remission_of_a_kind_left_open_is_a_remission() -> None:
    assert read_qualifiers("Bipolar disorder, in partial or unspecified remission").remission == "any"
    assert read_qualifiers("Major depression, in partial remission").remission == "partial"
    assert read_qualifiers("Major depression, not in remission").remission == "no"
    assert read_qualifiers("Major depression, partial response").remission is None

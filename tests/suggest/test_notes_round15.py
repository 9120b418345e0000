"""Round 15 of the us-notes batches: general classes the blind batch usn-1289 ... usn-1312 showed. Each test
has a wording of our own the rule must change and one it must leave alone. Titles as in the ICD-10-CM
tabular (public domain)."""

from __future__ import annotations

import pytest

from assistant.suggest import qualifiers
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.injuries import (
    _ACTIVITY,
    _EQUIPMENT_ACTIVITY,
    _KNIFE_CUT,
    _PLACE,
    encounter_character,
)
from assistant.suggest.coding_rules.pregnancy import (
    childbirth_at_the_delivery,
    childbirth_sibling,
    delivery_only_at_delivery,
)
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.reader import Mention, qualifies_previous
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog


def _mention(note: str, words: str) -> Mention:
    start = note.index(words)
    return Mention(start, start + len(words), words, words, "assessment", 0, len(note))


@pytest.mark.parametrize(
    ("chunk", "completes"),
    [
        ("single subsegmental RUL", True),  # the embolism's extent, said after its comma
        ("saddle", True),
        ("multiple segmental", True),
        ("LA grade C, without bleeding", True),  # a grade of the esophagitis before it
        ("grade 2", True),
        ("grade group 4", False),  # a Gleason grade group is no grade of the condition before it
        ("single mother of two", False),
    ],
)
def test_an_extent_or_a_grade_after_a_comma_belongs_to_the_condition_before_it(
    chunk: str, completes: bool
) -> None:
    assert qualifies_previous(chunk) is completes


@pytest.mark.parametrize(
    ("chunk", "why"),
    [
        ("Inpt addiction/psych consult", "administrative"),
        ("outpatient addiction medicine visit", "administrative"),
        ("Opioid addiction f/u", None),  # the condition followed up
        ("staple removal 7-10 days", "plan"),  # a service given a time to come
        ("wound check in 2 days", "plan"),
        ("staple removal", None),  # the visit's own service
    ],
)
def test_headings_and_services_still_to_come_are_no_diagnoses(chunk: str, why: str | None) -> None:
    assert why_not_coded(chunk) == why


@pytest.mark.parametrize(
    ("note", "character"),
    [
        ("Forearm laceration closed with 5 sutures. Suture removal 7-10 d.", "A"),
        ("Cast removal in 4 weeks; sling meanwhile.", "A"),
        ("Here for suture removal, the wound is closed.", "D"),
        ("Sutures removed today, no dehiscence.", "D"),
    ],
)
def test_a_removal_still_to_come_is_no_subsequent_encounter(note: str, character: str) -> None:
    assert encounter_character(note) == character


@pytest.mark.parametrize(
    ("sentence", "activity"),
    [
        ("bounced off the trampoline at a cousin's house", "trampoline"),
        ("lost balance on the treadmill at the gym", "treadmill"),
        ("fell off the porch steps", None),
    ],
)
def test_equipment_used_is_the_activity(sentence: str, activity: str | None) -> None:
    found = _EQUIPMENT_ACTIVITY.search(sentence)
    assert (found.group(1) if found else None) == activity


@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        ("twisted her ankle in a neighbor's backyard", "in a neighbor's backyard"),
        ("cut his thumb at home", "at home"),
    ],
)
def test_a_place_named_by_its_owner(sentence: str, place: str) -> None:
    found = _PLACE.search(sentence)
    assert found is not None and found.group(0) == place


@pytest.mark.parametrize(
    ("sentence", "knife", "food"),
    [
        ("cut her palm with a paring knife slicing an avocado", True, True),
        ("sliced his finger on a broken glass while washing dishes", False, True),
        ("cut his shin on a rusty fence", False, False),
    ],
)
def test_a_knife_cut_and_the_food_it_was_preparing(sentence: str, knife: bool, food: bool) -> None:
    assert (_KNIFE_CUT.search(sentence) is not None) is knife
    assert (_ACTIVITY.search(sentence) is not None) is food


@pytest.mark.parametrize(
    ("text", "control"),
    [
        ("GDM, diet only, never needed insulin", "diet"),
        ("GDM, diet only - no metformin", "diet"),
        ("GDM, diet failed, now on insulin", "insulin"),
        ("GDM on metformin, not on insulin", "oral"),
    ],
)
def test_a_denied_treatment_controls_no_diabetes(text: str, control: str) -> None:
    assert qualifiers.read_qualifiers(text).control == control


PREGNANCY = hierarchy_catalog(
    {
        "O24.410": "Gestational diabetes mellitus in pregnancy, diet controlled",
        "O24.420": "Gestational diabetes mellitus in childbirth, diet controlled",
        "O24.430": "Gestational diabetes mellitus in the puerperium, diet controlled",
        "O99.283": "Endocrine, nutritional and metabolic diseases complicating pregnancy, third trimester",
        "O99.284": "Endocrine, nutritional and metabolic diseases complicating childbirth",
        "O70.1": "Second degree perineal laceration during delivery",
        "O80": "Encounter for full-term uncomplicated delivery",
    },
    {
        "O24": "Diabetes mellitus in pregnancy, childbirth, and the puerperium",
        "O24.4": "Gestational diabetes mellitus",
        "O24.41": "Gestational diabetes mellitus in pregnancy",
        "O24.42": "Gestational diabetes mellitus in childbirth",
        "O24.43": "Gestational diabetes mellitus in the puerperium",
        "O99": "Other maternal diseases classifiable elsewhere",
        "O99.2": "Endocrine, nutritional and metabolic diseases complicating pregnancy",
        "O99.28": "Endocrine, nutritional and metabolic diseases complicating pregnancy, childbirth",
        "O70": "Perineal laceration during delivery",
    },
)


def test_the_childbirth_sibling_of_a_pregnancy_code() -> None:
    assert childbirth_sibling(PREGNANCY, "O24.410") == "O24.420"
    assert childbirth_sibling(PREGNANCY, "O99.283") == "O99.284"
    assert childbirth_sibling(PREGNANCY, "O70.1") is None


@pytest.mark.parametrize(("delivered", "code"), [(True, "O24.420"), (False, "O24.410")])
def test_a_condition_of_the_pregnancy_at_the_delivery_is_coded_in_childbirth(
    delivered: bool, code: str
) -> None:
    note = "Gestational diabetes, diet controlled. Vaginal delivery of a liveborn girl."
    picks = {"O24.410": Pick("O24.410", 0.7, True, [_mention(note, "Gestational diabetes")])}
    childbirth_at_the_delivery(
        picks, NoteContext(note=note, pregnant=True, weeks=39, delivered=delivered), PREGNANCY
    )
    assert [c for c, p in picks.items() if p.final] == [code]


@pytest.mark.parametrize(("complication", "o80"), [("O70.1", False), (None, True)])
def test_o80_only_for_a_delivery_without_a_complication(complication: str | None, o80: bool) -> None:
    note = "Spontaneous vaginal delivery at 39 weeks."
    picks = {"O80": Pick("O80", 0.6, True, [_mention(note, "vaginal delivery")])}
    if complication:
        picks[complication] = Pick(complication, 0.7, True, [_mention(note, "delivery")])
    delivery_only_at_delivery(
        picks, NoteContext(note=note, pregnant=True, weeks=39, delivered=True), PREGNANCY
    )
    assert picks["O80"].final is o80

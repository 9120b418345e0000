"""The mechanism told after an injury: it leaves the injury's query and names its external cause (a lift,
a fall from a bicycle). Notes written for these tests."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.injuries import fall_code, overexertion_code, twist_only
from assistant.suggest.coding_rules.transport import pedal_cycle_fall
from assistant.suggest.injury_words import mechanism_tail
from assistant.suggest.reader import read_note


@pytest.mark.parametrize(
    ("note", "query"),
    [
        ("A: Lumbar strain after lifting a heavy box at work.\nP: ice.", "Lumbar strain"),
        ("A/P: R wrist sprain after falling off his bike. Splint.", "right wrist sprain"),
        ("Dx: contusion of L thigh after a fall down the stairs.\nP: ice.", "contusion of left thigh"),
    ],
)
def test_the_mechanism_after_the_injury_leaves_its_query(note: str, query: str) -> None:
    m = next(m for m in read_note(note) if query.split()[-1] in m.query)
    assert m.query == query


@pytest.mark.parametrize(
    "text",
    [
        "ankle sprain while playing soccer",  # an activity, which the activity rule reads
        "strain of the calf from overuse",
        "fracture of the wrist from osteoporosis",
        "cough after lifting",  # no injury before the link
    ],
)
def test_words_after_a_link_that_tell_no_mechanism_stay(text: str) -> None:
    assert mechanism_tail(text) is None


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("strained his back lifting boxes in the garage", "X50.0XXA"),
        ("low back strain after lifting weights at the gym", "X50.0XXA"),
        ("pain since picking up her grandson", "X50.0XXA"),
        ("slipped while lifting a box and fell on her wrist", None),  # the fall's
        ("struck by a falling shelf while lifting", None),
        ("denies lifting anything heavy", None),
        ("elbow hurt after her father lifted her by the hand", None),  # the child was lifted
        ("plan: avoid lifting for two weeks", None),
    ],
)
def test_a_lift_is_overexertion_unless_a_fall_or_blow_is_told(sentence: str, code: str | None) -> None:
    assert overexertion_code(sentence) == code


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("fell off his bike riding home", "V18.9XXA"),
        ("went over the handlebars on a bicycle", "V18.9XXA"),
        ("bike accident in the driveway", "V18.2XXA"),
        ("fell off her bike after being clipped by a car", None),  # a collision: its own codes
        ("no bike accident, tripped on a curb", None),
        ("fell down the stairs", None),
    ],
)
def test_a_fall_from_a_bicycle_is_the_cyclists_noncollision_accident(sentence: str, code: str | None) -> None:
    assert pedal_cycle_fall(sentence) == code


def test_a_lift_is_no_fall() -> None:
    assert fall_code("lumbar strain after lifting a box") is None


@pytest.mark.parametrize(
    ("text", "side"),
    [("nondisplaced fx distal radius L.", "left"), ("buckle fracture of the ulna R, splinted", "right")],
)
def test_a_side_letter_after_a_bone_is_the_side(text: str, side: str) -> None:
    assert side in expand_text(text)


def test_a_letter_after_a_word_that_is_no_site_stays() -> None:
    assert "left" not in expand_text("vitamin L")


@pytest.mark.parametrize(
    ("sentence", "twist"),
    [
        ("rolled R ankle playing basketball at the gym yesterday", True),
        ("twisted her left knee stepping off a curb", True),
        ("inversion injury of the ankle on the trail", True),
        ("L knee pain after twisting injury during practice", True),
        ("rolled his ankle and fell down two steps", False),  # the fall's
        ("twisted ankle when tackled during football", False),  # the blow's
        ("rolled over in bed onto her arm", False),  # no joint twisted
    ],
)
def test_a_twisted_joint_tells_no_blow(sentence: str, twist: bool) -> None:
    assert twist_only(sentence) is twist

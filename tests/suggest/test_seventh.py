"""The 7th character from the tabular list's own meanings (seventh.py)."""

from __future__ import annotations

from assistant.suggest import seventh

FOREARM = {
    "A": "initial encounter for closed fracture",
    "B": "initial encounter for open fracture type I or II/initial encounter for open fracture NOS",
    "C": "initial encounter for open fracture type IIIA, IIIB, or IIIC",
    "D": "subsequent encounter for closed fracture with routine healing",
    "E": "subsequent encounter for open fracture type I or II with routine healing",
    "K": "subsequent encounter for closed fracture with nonunion",
    "M": "subsequent encounter for open fracture type I or II with nonunion",
    "P": "subsequent encounter for closed fracture with malunion",
    "S": "sequela",
}
INJURY = {"A": "initial encounter", "D": "subsequent encounter", "S": "sequela"}
FETUS = {"0": "not applicable or unspecified", "1": "fetus 1", "2": "fetus 2", "9": "other fetus"}


def test_a_fracture_not_said_open_is_closed() -> None:
    assert seventh.choose(FOREARM, None, "fracture of radius") == "A"
    assert seventh.choose(FOREARM, "D", "fracture of radius, follow-up") == "D"


def test_an_open_fracture_takes_the_open_character_of_its_encounter() -> None:
    assert seventh.choose(FOREARM, None, "open fracture of radius") == "B"
    assert seventh.choose(FOREARM, "D", "open fracture of radius") == "E"
    assert seventh.choose(FOREARM, None, "closed fracture, open reduction") == "A"


def test_malunion_and_nonunion_are_subsequent_encounters() -> None:
    assert seventh.choose(FOREARM, None, "malunion of fracture of radius") == "P"
    assert seventh.choose(FOREARM, None, "nonunion of open fracture") == "M"


def test_open_wound_is_not_an_open_fracture() -> None:
    assert seventh.choose(INJURY, None, "open wound of scalp") == "A"
    assert seventh.choose(INJURY, "S", "late effect of open wound") == "S"


def test_pregnancy_codes_take_fetus_zero_unless_the_fetus_is_named() -> None:
    assert seventh.choose(FETUS, None, "polyhydramnios, third trimester") == "0"
    assert seventh.choose(FETUS, None, "polyhydramnios, fetus 2") == "2"


def test_an_open_fracture_keeps_open_when_the_encounter_changes() -> None:
    assert seventh.same_encounter_variant(FOREARM, "B", "D") == "E"
    assert seventh.same_encounter_variant(FOREARM, "B", "A") == "B"
    assert seventh.same_encounter_variant(FOREARM, "A", "D") == "D"
    assert seventh.same_encounter_variant(INJURY, "A", "S") == "S"


def test_a_healing_on_the_line_moves_the_character_to_its_subsequent_encounter() -> None:
    assert seventh.healing_variant(FOREARM, "A", "Nonunion, left radius fracture") == "K"
    assert seventh.healing_variant(FOREARM, "B", "open radius fracture - nonunion") == "M"
    assert seventh.healing_variant(FOREARM, "D", "radius fx, malunited? no, malunion on XR") == "P"


def test_no_healing_or_a_negated_one_leaves_the_character() -> None:
    assert seventh.healing_variant(FOREARM, "A", "radius fracture, no signs of nonunion") is None
    assert seventh.healing_variant(FOREARM, "D", "radius fracture, routine healing") is None
    assert seventh.healing_variant(FOREARM, "K", "radius fracture nonunion") is None  # already says it

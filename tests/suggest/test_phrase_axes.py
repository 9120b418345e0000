"""A phrase silent on an axis of its category lists the best code's siblings on that axis next."""

from __future__ import annotations

from assistant.suggest.phrase_axes import axis_siblings

TITLES = {
    "S51": "Open wound of elbow and forearm",
    "S51.809A": "Unspecified open wound of unspecified forearm, initial encounter",
    "S51.801A": "Unspecified open wound of right forearm, initial encounter",
    "S51.819A": "Laceration without foreign body of unspecified forearm, initial encounter",
    "S51.829A": "Laceration with foreign body of unspecified forearm, initial encounter",
    "S51.839A": "Puncture wound without foreign body of unspecified forearm, initial encounter",
    "S51.849A": "Puncture wound with foreign body of unspecified forearm, initial encounter",
    "S51.859A": "Open bite of unspecified forearm, initial encounter",
    "S51.809D": "Unspecified open wound of unspecified forearm, subsequent encounter",
    "S31": "Open wound of abdomen, lower back, pelvis and external genitals",
    "S31.109A": "Unspecified open wound of abdominal wall, unspecified quadrant without penetration into "
    "peritoneal cavity, initial encounter",
    "S31.129A": "Laceration of abdominal wall with foreign body, unspecified quadrant without penetration "
    "into peritoneal cavity, initial encounter",
    "S31.12AA": "Laceration with foreign body of abdominal wall unspecified flank without penetration into "
    "peritoneal cavity, initial encounter",
    "V93": "Other injury due to accident on board watercraft, without accident to watercraft",
    "V93.33XA": "Fall on board other powered watercraft, initial encounter",
    "V93.35XA": "Fall on board canoe or kayak, initial encounter",
    "V93.39XA": "Fall on board unspecified watercraft, initial encounter",
    "V93.39XD": "Fall on board unspecified watercraft, subsequent encounter",
    "S52": "Fracture of forearm",
    "S52.90XA": "Unspecified fracture of unspecified forearm, initial encounter for closed fracture",
    "S52.91XA": "Unspecified fracture of right forearm, initial encounter for closed fracture",
}


def leaves(category: str) -> list[str]:
    return sorted(c for c in TITLES if c.startswith(category) and len(c) > 3)


def siblings(best: str, phrase: str) -> list[str]:
    return axis_siblings(best, phrase, lambda c: TITLES.get(c, c), leaves)


def test_an_open_wound_of_no_kind_lists_the_other_kinds_of_the_same_site_side_and_encounter() -> None:
    assert siblings("S51.809A", "Open wound of forearm, complicated") == [
        "S51.819A",
        "S51.829A",
        "S51.839A",
        "S51.849A",
        "S51.859A",
    ]  # not the right forearm (a side the phrase does not say), nor the subsequent encounter
    # the words of a title may come in another order ("Laceration of abdominal wall with foreign body, ...")
    assert siblings("S31.109A", "Open wound of the abdominal wall") == ["S31.129A"]


def test_a_kind_the_phrase_states_is_not_contradicted() -> None:
    assert siblings("S51.819A", "Laceration of forearm") == ["S51.829A"]  # no puncture wound, no bite
    assert siblings("S51.849A", "Puncture wound of forearm with foreign body") == []
    assert siblings("S51.819A", "Forearm laceration without foreign body") == []


def test_a_phrase_naming_no_wound_or_a_category_without_the_axis_gives_none() -> None:
    assert siblings("S51.809A", "Fracture of forearm, closed") == []  # the phrase is no open wound
    assert siblings("S51.809A", "Injury of forearm without open wound") == []
    assert siblings("S52.90XA", "Fracture of forearm, open wound") == []  # the category has no wound axis


def test_a_watercraft_left_unsaid_lists_the_unspecified_watercraft_first() -> None:
    assert siblings("V93.33XA", "Fall on board a boat") == ["V93.39XA", "V93.35XA"]
    assert siblings("V93.39XA", "Fall while in a kayak on the lake") == ["V93.35XA"]


def test_a_collision_with_a_motor_vehicle_of_no_kind_lists_the_unspecified_motor_vehicles() -> None:
    titles = {
        "V49": "Car occupant injured in other and unspecified transport accidents",
        "V49.40XA": "Driver injured in collision with unspecified motor vehicles in traffic accident",
        "V49.49XA": "Driver injured in collision with other motor vehicles in traffic accident",
        "V49.50XA": "Passenger injured in collision with unspecified motor vehicles in traffic accident",
    }

    def axis(best: str, phrase: str) -> list[str]:
        return axis_siblings(best, phrase, lambda c: titles.get(c, c), lambda c: sorted(titles))

    assert axis("V49.49XA", "Car crash into another motor vehicle, driver injured") == ["V49.40XA"]
    assert axis("V49.49XA", "Driver injured in collision with other specified motor vehicle") == []

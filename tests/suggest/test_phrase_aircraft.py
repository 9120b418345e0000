"""An aircraft accident phrase: the aircraft it names, and the kinds of accident it leaves unsaid."""

from __future__ import annotations

from assistant.suggest.phrase_aircraft import accident_siblings, aircraft_agreement, aircraft_of

COMMERCIAL = "Commercial fixed-wing aircraft crash injuring occupant, initial encounter"
UNSPECIFIED = "Unspecified aircraft accident injuring occupant, initial encounter"
LEAVES = {
    "V95.3": ["V95.30XA", "V95.30XD", "V95.31XA", "V95.32XA", "V95.33XA", "V95.39XA"],
}


def test_the_aircraft_named_agrees_and_another_contradicts() -> None:
    phrase = "Passenger of an airliner hurt on a commercial aircraft during the landing run"
    assert aircraft_of(phrase) == "commercial"
    assert aircraft_agreement(phrase, COMMERCIAL, "V95.31XA") == 1
    assert aircraft_agreement(phrase, "Helicopter crash injuring occupant", "V95.01XA") == -1
    assert aircraft_agreement(phrase, UNSPECIFIED, "V95.9XXA") == 0  # no aircraft named: no contradiction
    assert aircraft_of("Hang glider accident on a hill") == "hang-glider"  # not a glider too
    assert aircraft_agreement("Air transport accident, occupant injured", COMMERCIAL, "V95.31XA") == 0


def test_the_unsaid_kind_of_accident_lists_the_aircraft_s_other_kinds_unspecified_first() -> None:
    phrase = "Occupant of a commercial aircraft injured in an air transport accident"
    assert accident_siblings("V95.31XA", phrase, LEAVES.__getitem__) == [
        "V95.30XA",
        "V95.32XA",
        "V95.33XA",
        "V95.39XA",
    ]


def test_a_kind_of_accident_said_or_no_aircraft_subcategory_gives_none() -> None:
    said = "Commercial aircraft crash injuring a passenger"
    assert accident_siblings("V95.31XA", said, LEAVES.__getitem__) == []
    assert accident_siblings("V95.9XXA", "Aircraft accident injuring occupant", LEAVES.__getitem__) == []

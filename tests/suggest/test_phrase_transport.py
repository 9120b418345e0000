"""The injured person a transport phrase names (mode of transport, seat) is not contradicted by a title's."""

from __future__ import annotations

from assistant.suggest.phrase_transport import injured_person, person_agreement, vehicle_siblings

CAR_DRIVER = (
    "Car driver injured in collision with pedestrian or animal in traffic accident, initial encounter"
)
MOTORCYCLE_DRIVER = "Other motorcycle driver injured in collision with car in traffic accident"
PEDESTRIAN = "Pedestrian on foot injured in collision with car, pick-up truck or van in traffic accident"
CYCLIST = "Unspecified pedal cyclist injured in collision with car, pick-up truck or van in traffic accident"
ANY_PERSON = "Person injured in unspecified motor-vehicle accident, traffic, initial encounter"


def test_the_injured_person_is_the_one_after_injuring_not_the_other_party() -> None:
    person = injured_person("Car crash with a pedestrian, injuring the cyclist riding past")
    assert person == ("cyclist", None)
    assert person_agreement(person, CYCLIST) == 1
    assert person_agreement(person, PEDESTRIAN) == -1  # the pedestrian is the other party
    assert person_agreement(person, ANY_PERSON) == 0  # a title naming no person's mode is no contradiction


def test_a_vehicle_other_than_a_motorcycle_and_the_seat() -> None:
    driver = injured_person(
        "Collision on the highway injuring the driver of a motor vehicle other than motorcycle"
    )
    assert driver == ("vehicle", "driver")
    assert person_agreement(driver, CAR_DRIVER) == 1
    assert person_agreement(driver, MOTORCYCLE_DRIVER) == -1
    passenger = injured_person("Motorcycle passenger injured in a fall from the motorcycle")
    assert passenger == ("motorcycle", "passenger")
    assert person_agreement(passenger, MOTORCYCLE_DRIVER) == -1  # the seat differs


def test_a_phrase_naming_no_injured_person_moves_nothing() -> None:
    for phrase in ("Fracture of femur", "Traffic accident injuring an unspecified person"):
        person = injured_person(phrase)
        assert person == (None, None)
        assert person_agreement(person, CAR_DRIVER) == 0


_TAIL = "injured in collision with pedestrian or animal in traffic accident, initial encounter"
VEHICLE_TITLES = {
    "V30.5XXA": f"Driver of three-wheeled motor vehicle {_TAIL}",
    "V40.5XXA": f"Car driver {_TAIL}",
    "V50.5XXA": f"Driver of pick-up truck or van {_TAIL}",
    "V70.5XXA": f"Driver of bus {_TAIL}",
    "V40.6XXA": f"Car passenger {_TAIL}",
    "V20.5XXA": f"Motorcycle driver {_TAIL}",
}


def vehicle(best: str, phrase: str) -> list[str]:
    return vehicle_siblings(best, phrase, lambda c: VEHICLE_TITLES.get(c, c))


def test_a_motor_vehicle_of_no_kind_lists_the_same_accident_for_the_other_kinds_car_first() -> None:
    phrase = "Collision with a pedestrian injuring the driver of a motor vehicle other than motorcycle"
    assert vehicle("V30.5XXA", phrase) == ["V40.5XXA", "V50.5XXA", "V70.5XXA"]  # same seat: no passenger


def test_a_kind_of_vehicle_said_or_no_occupant_gives_none() -> None:
    assert vehicle("V30.5XXA", "Collision with a pedestrian injuring the driver of a car") == []
    assert vehicle("V30.5XXA", "Collision with a pedestrian injuring the motorcyclist") == []
    assert vehicle("V20.5XXA", "Collision with a pedestrian injuring the driver of a motor vehicle") == []

"""The injured person a transport phrase names (mode of transport, seat) is not contradicted by a title's."""

from __future__ import annotations

from assistant.suggest.phrase_transport import (
    injured_person,
    party_siblings,
    person_agreement,
    vehicle_siblings,
)

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


PARTY_TITLES = {
    "V09.20XA": "Pedestrian injured in traffic accident involving unspecified motor vehicles, "
    "initial encounter",
    "V02.10XA": "Pedestrian on foot injured in collision with two- or three-wheeled motor vehicle in traffic "
    "accident, initial encounter",
    "V02.12XA": "Pedestrian on skateboard injured in collision with two- or three-wheeled motor vehicle in "
    "traffic accident, initial encounter",
    "V03.00XA": "Pedestrian on foot injured in collision with car, pick-up truck or van in nontraffic "
    "accident, initial encounter",
    "V03.10XA": "Pedestrian on foot injured in collision with car, pick-up truck or van in traffic accident, "
    "initial encounter",
    "V04.10XA": "Pedestrian on foot injured in collision with heavy transport vehicle or bus in traffic "
    "accident, initial encounter",
    "V09.3XXA": "Pedestrian injured in unspecified traffic accident, initial encounter",
}
PARTY_LEAVES = {
    "V02": ["V02.10XA", "V02.12XA"],
    "V03": ["V03.00XA", "V03.10XA"],
    "V04": ["V04.10XA"],
}


def party(best: str, phrase: str) -> list[str]:
    return party_siblings(best, phrase, lambda c: PARTY_TITLES.get(c, c), lambda c: PARTY_LEAVES.get(c, []))


def test_a_motor_vehicle_of_no_kind_lists_the_collision_with_each_kind_car_first() -> None:
    phrase = "Traffic accident, a motor vehicle hit a man walking across the road, injuring pedestrian"
    assert party("V09.20XA", phrase) == ["V03.10XA", "V02.10XA", "V04.10XA"]  # on foot, traffic: as the best


def test_a_kind_of_vehicle_said_or_a_best_code_with_no_unsaid_party_gives_none() -> None:
    assert party("V09.20XA", "Pedestrian struck by a bus in traffic") == []
    assert party("V09.20XA", "Pedestrian hit by a motorcycle in traffic") == []
    assert party("V09.3XXA", "Traffic accident of unknown kind injuring pedestrian") == []

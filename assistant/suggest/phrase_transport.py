"""The injured person of a land transport accident that a phrase names, and whether a code title agrees.

The land transport categories (V00-V89) are ordered first by the injured person's mode of transport
(pedestrian V01-V09, pedal cyclist V10-V19, motorcycle rider V20-V29, occupant of a three-wheeled
vehicle, car, pick-up truck or van, heavy transport vehicle or bus V30-V79, other land transport V80-V89)
and then by the injured person's seat (driver, passenger, person on the outside, boarding or alighting):
each title opens with that person ("Car passenger injured in ..."). A phrase that names the injured person
("... injuring pedestrian", "motorcyclist injured in ...") states both axes; a title whose person has
another mode or seat contradicts it, whatever the other party of the collision (the pedestrian a car
collided with is no injured pedestrian). "A motor vehicle other than a motorcycle" is a vehicle occupant
(the car, van, truck and bus blocks), never the motorcycle blocks.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# The person named: after "injuring", or before "injured" (a title, or a phrase worded as a title)
_AFTER = re.compile(r"\binjuring\s+(.+)$", re.IGNORECASE)
_BEFORE = re.compile(r"^(.+?)\s+injured\b", re.IGNORECASE)

_MODES = (
    ("pedestrian", re.compile(r"\bpedestrian", re.IGNORECASE)),
    ("cyclist", re.compile(r"\bpedal cycl|\bbicycl|\bcyclist", re.IGNORECASE)),
    # a dirt bike is a two-wheeled motor vehicle, a motorcycle by chapter 20's definitions (coded off-road)
    ("motorcycle", re.compile(r"\bmotorcycl|\bdirt bike|\bmotor/cross bike", re.IGNORECASE)),
    ("streetcar", re.compile(r"\bstreetcar|\btram\b", re.IGNORECASE)),
    ("railway", re.compile(r"\brailway|\btrain\b", re.IGNORECASE)),
    ("animal", re.compile(r"\banimal", re.IGNORECASE)),
)
_VEHICLE = re.compile(r"\b(?:driver|passenger|occupant|person on (?:the )?outside|boarding)", re.IGNORECASE)
_SEATS = (
    ("driver", re.compile(r"\bdriver\b(?!\)\s*\(passenger)", re.IGNORECASE)),
    ("passenger", re.compile(r"(?<!\(driver\) \()\bpassenger\b", re.IGNORECASE)),
    ("outside", re.compile(r"\bperson on (?:the )?outside\b", re.IGNORECASE)),
    ("boarding", re.compile(r"\bboarding or alighting\b", re.IGNORECASE)),
)
# A person hurt while boarding or alighting has that seat, whoever the phrase says it is (V03.4-, V48.4-)
_BOARDING = re.compile(r"\bboarding (?:or|and) alighting\b", re.IGNORECASE)
# "Person injured while boarding or alighting from X" names X after the word "injured"
_TITLE_BOARDING = re.compile(r"^person injured while (boarding or alighting from .+)$", re.IGNORECASE)
_NOT_MOTORCYCLE = re.compile(r"\bother than (?:a )?motorcycles?\b", re.IGNORECASE)
_RIDER = re.compile(r"\bmotorcyclist\b|\brider of (?:a )?motorcycle\b", re.IGNORECASE)


Person = tuple[str | None, str | None]  # (mode of transport, seat)


def injured_person(text: str, phrase: bool = True) -> Person:
    """(mode, seat) of the injured person a phrase (or a title) names; (None, None) when it names none."""
    m = (_AFTER.search(text) if phrase else None) or _TITLE_BOARDING.search(text) or _BEFORE.search(text)
    if m is None:
        return None, None
    who = _NOT_MOTORCYCLE.sub(" ", m.group(1))
    if phrase and _BOARDING.search(text):
        who = f"{who} boarding or alighting"
    modes = [name for name, rx in _MODES if rx.search(who)]
    mode = modes[0] if len(modes) == 1 else None
    if mode is None and not modes and _VEHICLE.search(who):
        mode = "vehicle"
    seats = [name for name, rx in _SEATS if rx.search(who)]
    seat = "boarding" if "boarding" in seats else seats[0] if len(seats) == 1 else None
    if seat is None and _RIDER.search(who):
        seat = "driver"
    return mode, seat


def person_agreement(person: Person, title: str) -> int:
    """+1 when the title's injured person has the mode of transport of the phrase's ``person``
    (``injured_person``), -1 when it has another mode or seat, 0 when either names no injured person."""
    p_mode, p_seat = person
    if p_mode is None and p_seat is None:
        return 0
    t_mode, t_seat = injured_person(title, False)
    if t_mode is None and t_seat is None:
        return 0
    if p_mode and t_mode and p_mode != t_mode:
        return -1
    if p_seat and t_seat and p_seat != t_seat:
        return -1
    return 1 if p_mode and p_mode == t_mode else 0


# The occupant blocks V30-V79 code the same accidents for the occupant of a three-wheeled motor vehicle (V3-),
# a car (V4-), a pick-up truck or van (V5-), a heavy transport vehicle (V6-) and a bus (V7-), with the same
# characters after the block's digit. A motor vehicle whose kind the phrase leaves unsaid ("the driver of a
# motor vehicle other than a motorcycle") is a car first (the four-wheeled vehicle for up to 7 persons that
# the word means), then the other kinds.
_OCCUPANT_CODE = re.compile(r"^V[3-7]\d")
_BLOCKS = "43567"  # car first
_KIND_SAID = re.compile(
    r"\b(?:car|automobile|sedan|suv|van|pick-?up|truck|lorry|bus|coach|three-wheeled|tricycle)s?\b",
    re.IGNORECASE,
)
_KINDS = re.compile(
    r"\b(?:three-wheeled motor vehicle|pick-up truck or van|heavy transport vehicle|car|bus)\b", re.IGNORECASE
)
_SUBJECT_FORMS = (
    (re.compile(r"^(car|bus) (driver|passenger)\b", re.IGNORECASE), r"\2 of \1"),
    (re.compile(r"^unspecified (car|bus) occupant\b", re.IGNORECASE), r"unspecified occupant of \1"),
    (re.compile(r"^(car|bus) occupant (\(driver\) \(passenger\))", re.IGNORECASE), r"occupant \2 of \1"),
    (re.compile(r"^passenger (?:in|on)\b", re.IGNORECASE), "passenger of"),
)


def _occupant_key(title: str) -> str:
    """The title with its injured occupant's kind of vehicle left out (what the parallel codes share)."""
    m = _BEFORE.search(title)
    if m is None:
        return title.lower()
    subject = m.group(1)
    for rx, form in _SUBJECT_FORMS:
        subject = rx.sub(form, subject)
    return (_KINDS.sub(" ", subject) + title[m.end(1) :]).lower()


def vehicle_siblings(best: str, phrase: str, title_of: Callable[[str], str]) -> list[str]:
    """The codes of the other occupant blocks (V30-V79) for ``best``'s accident, the car's first, where the
    phrase's injured person is a motor vehicle's occupant of no kind it names; else []."""
    if not _OCCUPANT_CODE.match(best) or injured_person(phrase)[0] != "vehicle":
        return []
    if _KIND_SAID.search(_NOT_MOTORCYCLE.sub(" ", phrase)):
        return []
    key = _occupant_key(title_of(best))
    out = []
    for digit in _BLOCKS:
        code = f"V{digit}{best[2:]}"
        if code != best and title_of(code) != code and _occupant_key(title_of(code)) == key:
            out.append(code)
    return out


# The other party of a collision is an axis too: the blocks of each injured person list the collision with a
# two- or three-wheeled motor vehicle (V_2), a car, pick-up truck or van (V_3), a heavy transport vehicle or
# bus (V_4), and, in their "other and unspecified" category (V_9), an unspecified or another motor vehicle.
# A phrase naming a motor vehicle of no kind is coded to the unspecified one (guideline I.B.18); the
# collisions with each kind are its alternatives, the car's first (the four-wheeled vehicle the word means).
_UNSAID_PARTY = re.compile(
    r"\b(?:involving|collision with) (?:unspecified|other) motor vehicles\b", re.IGNORECASE
)
_PARTY = re.compile(
    r"\b(?:in )?collision with (?:two- or three-wheeled motor vehicle|car, pick-up(?: truck)? or van|"
    r"heavy transport vehicle or bus|(?:unspecified|other) motor vehicles)\b|"
    r"\binvolving (?:unspecified|other) motor vehicles\b",
    re.IGNORECASE,
)
_PARTY_BLOCKS = "324"  # car first
_PARTY_SAID = re.compile(
    rf"{_KIND_SAID.pattern}|\bmotorcycl\w*|\bmoped|\bscooter|\btwo-wheeled", re.IGNORECASE
)
# a pedestrian the V09 titles name bare is one on foot (the pedestrian conveyances are their own codes)
_ON_FOOT = re.compile(r"\bpedestrian on foot\b", re.IGNORECASE)


def _party_key(title: str) -> str:
    """The title with the collision's other party left out (what the parallel codes share)."""
    title = _ON_FOOT.sub("pedestrian", _PARTY.sub(" ", title))
    return re.sub(r"[\s,]+", " ", title).strip().lower()


def party_siblings(
    best: str, phrase: str, title_of: Callable[[str], str], leaves_of: Callable[[str], list[str]]
) -> list[str]:
    """The same accident in a collision with each kind of motor vehicle (V_3, V_2, V_4), where ``best`` is a
    collision with an unspecified or other motor vehicle (V_9) and the phrase names no kind; else []."""
    if not re.match(r"^V[0-7]9", best) or not _UNSAID_PARTY.search(title_of(best)):
        return []
    if _PARTY_SAID.search(_NOT_MOTORCYCLE.sub(" ", phrase)):
        return []
    key = _party_key(title_of(best))
    return [
        code
        for digit in _PARTY_BLOCKS
        for code in leaves_of(f"V{best[1]}{digit}")
        if code[-1] == best[-1] and _party_key(title_of(code)) == key
    ]

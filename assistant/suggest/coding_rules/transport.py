"""A car occupant hurt in a collision, in the words of the V40-V49 titles ("Car driver injured in collision
with car, pick-up truck or van in traffic accident"). ED notes write the crash their own way ("restrained
driver, rear-ended on I-94", "MVC - passenger, T-boned at an intersection"), which a search of the whole
sentence reads as any driver (a snowmobile's, a bus's). The External Cause Index walks: the injured person's
vehicle, their role, what the vehicle hit, and whether it happened on a public road (traffic)."""

from __future__ import annotations

import re

CAR_OCCUPANT_PREFIXES = ("V4",)

# The patient's own role: not "the other driver", "hit by a drunk driver".
_ROLE = re.compile(
    r"(?<!\bother )(?<!\banother )(?<!\bdrunk )(?<!\bby a )(?<!\bby the )(?<!\bby an )"
    r"\b(?P<role>driver|passenger)\b",
    re.IGNORECASE,
)
_COLLISION = re.compile(
    r"\b(?:rear[- ]?ended|rear[- ]end|t[- ]?boned|collisions?|collided|crash\w*|MVC|MVA|head[- ]on|"
    r"side[- ]?swiped|(?:car|vehicle|truck|suv|van)\s+(?:vs\.?|versus)\s+\w+|"
    r"struck\s+by\s+(?:a|an|another)\s+(?:car|vehicle|truck|suv))\b",
    re.IGNORECASE,
)
_DENIED = re.compile(r"\b(?:no|denies|denied|without|not)\s+(?:\w+\s+)?$", re.IGNORECASE)
# Another kind of road user than a car occupant: their own V-code blocks.
_NOT_A_CAR = re.compile(
    r"\b(?:motorcycl\w*|moped|bicycl\w*|bike|cyclist|pedestrian|scooter|atv|snowmobile|bus\s+driver|"
    r"truck\s+driver|driver\s+of\s+(?:a\s+|the\s+)?(?:bus|truck|semi)|tractor|horse)\b",
    re.IGNORECASE,
)
# What the car hit, the most particular first ("a parked pickup" is the pick-up truck, not a car; a car the
# note does not type is the titles' "other type car").
_OTHER_PARTY = (
    (r"semi|tractor[- ]trailer|18[- ]wheeler|bus|lorry|big\s+rig", "heavy transport vehicle or bus"),
    (
        r"(?:hit|struck|into|against|vs\.?|versus)\s+(?:a\s+|the\s+)?(?:(?:telephone|light|utility|power|concrete|"
        r"brick|stone)\s+)?(?:tree|pole|wall|guard\s*rail|barrier|median|bridge|building|fence|sign|hydrant)",
        "fixed or stationary object",
    ),
    (r"(?:hit|struck|into)\s+(?:a\s+|the\s+)?(?:deer|animal|cow|moose)", "animal"),
    (r"suv|sport\s+utility\s+vehicle", "sport utility vehicle"),
    (r"pick-?up(?:\s+truck)?", "pick-up truck"),
    (r"(?:mini)?van", "van"),
    (r"cars?|vehicles?|sedan|rear[- ]?ended|t[- ]?boned|MVC|MVA", "other type car"),
)
_OTHER_PARTY_RES = tuple(
    (re.compile(rf"\b(?:{words})\b", re.IGNORECASE), name) for words, name in _OTHER_PARTY
)
_TRAFFIC = re.compile(
    r"\b(?:traffic|highway|interstate|freeway|expressway|road|street|intersection|I-\d+|route\s+\d+|hwy)\b",
    re.IGNORECASE,
)
_NONTRAFFIC = re.compile(r"\b(?:parking\s+(?:lot|garage)|driveway|private\s+road)\b", re.IGNORECASE)


def car_occupant_query(text: str) -> str | None:
    """The V40-V49 title words for a car driver's or passenger's collision told in ``text``; None when the
    text tells no such crash."""
    role = _ROLE.search(text)
    crashed = any(not _DENIED.search(text[: m.start()]) for m in _COLLISION.finditer(text))
    if role is None or not crashed or _NOT_A_CAR.search(text):
        return None
    other = next((name for rx, name in _OTHER_PARTY_RES if rx.search(text)), None)
    if other is None:
        return None
    where = "nontraffic" if _NONTRAFFIC.search(text) and not _TRAFFIC.search(text) else "traffic"
    return f"car {role.group('role').lower()} injured in collision with {other} in {where} accident"


# A fall from a bicycle the rider was on, no other party (V18 includes "fall or thrown from pedal cycle
# (without antecedent collision)"): External Cause Index "Accident, transport, pedal cyclist, noncollision
# accident" V18.9, "…, nontraffic" V18.2; the rider's role is left unspecified as the Index's main line is.
_CYCLE = r"(?:bike|bicycle|pedal\s+cycle)"
_CYCLE_FALL = re.compile(
    rf"\b(?:fell|falls?|fallen|falling|thrown|flipped|crashed|wiped\s+out)\b[^.;]{{0,30}}?"
    rf"\b(?:off|from|over)\s+(?:of\s+)?(?:his\s+|her\s+|their\s+|the\s+|a\s+|my\s+)?{_CYCLE}|"
    rf"\bover\s+(?:the\s+)?handlebars\b|\b{_CYCLE}\s+(?:accident|crash|wreck|fall)\b",
    re.IGNORECASE,
)
_CYCLE_HIT = re.compile(
    r"\b(?:hit|struck|clipped|collided|collision|car|vehicle|truck|suv|van|bus|motorcycle|pedestrian)\b",
    re.IGNORECASE,
)


def pedal_cycle_fall(text: str) -> str | None:
    """V18.9XXA (traffic, the default) or V18.2XXA (nontraffic) for a fall from a bicycle with no collision
    told in ``text``; None for any other."""
    fell = next((m for m in _CYCLE_FALL.finditer(text) if not _DENIED.search(text[: m.start()])), None)
    if fell is None or _CYCLE_HIT.search(text):
        return None
    return "V18.2XXA" if _NONTRAFFIC.search(text) and not _TRAFFIC.search(text) else "V18.9XXA"

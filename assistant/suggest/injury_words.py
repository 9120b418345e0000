"""The words of an injury's mechanism ("fell", "slipped on ice", "MVC") and of the injury it left ("closed
displaced fx", "sprain"): the reader splits one from the other, the injury rules read the mechanism."""

from __future__ import annotations

import re

MECHANISM = re.compile(
    r"\b(?:fell|falls?|falling|slid|slip(?:ped|ping|s)?|trip(?:ped|ping)|struck|hit|kicked|bitten|bit|stung|cut|"
    r"cutting|slicing|chopping|"
    r"lacerated|burned|knife|broken glass|"
    r"twisted|twisting|rolled|jammed|crushed|collided|collision|crash|MVC|MVA|motor vehicle|assault\w*|"
    r"punched|"
    r"lifting|lifted|lifts|dog|bicycle|bike|skateboard\w*|ladder|stairs?)\b",
    re.IGNORECASE,
)
# A fall or a blow (no bite, cut or burn, whose wound the Index names with its cause: "open bite")
FALL_OR_BLOW = re.compile(
    r"\b(?:fell|falls?|falling|slid|slip(?:ped|ping|s)?|trip(?:ped|ping)|struck|hit|kicked|twisted|rolled|jammed|"
    r"crushed|collided|collision|crash|MVC|MVA|motor vehicle|assault\w*|punched|tackled)\b",
    re.IGNORECASE,
)
# "... with / sustaining / resulting in" the injury the mechanism left ("fell at home w/ closed fx of the
# radius"): the injury is a condition of its own, the mechanism its external cause.
_INJURY_ADJECTIVE = (
    r"(?:closed|open|displaced|non-?displaced|comminuted|minimally|mildly|small|large|deep|superficial|simple|"
    r"complex|acute|left|right|l|r|rt|lt|bilateral)"
)
_INJURY_NOUN = (
    r"(?:fx|fractures?|lac(?:eration)?s?|sprains?|strains?|contusions?|dislocations?|abrasions?|concussions?)"
)
INJURY_AFTER_MECHANISM = re.compile(
    r"\s+(?:with|w/|sustaining|sustained|resulting\s+in)\s+(?:an?\s+)?"
    rf"(?=(?:{_INJURY_ADJECTIVE}[\s,]+)*{_INJURY_NOUN}\b)",
    re.IGNORECASE,
)
# The mechanism told after the injury ("lumbar strain after lifting a box", "contusion of the knee from a fall
# on the stairs"): the injury rules read it from the sentence as the external cause; it is no word of the
# injury's own code.
_MECHANISM_AFTER_INJURY = re.compile(
    rf"\b{_INJURY_NOUN}\b[^.;]*?(\s+(?:after|from|following|when|while|during|d/t|due\s+to)\s+)"
    rf"(?:[\w'-]+\s+){{0,2}}?{MECHANISM.pattern}",
    re.IGNORECASE,
)


def mechanism_tail(text: str) -> int | None:
    """Where a mechanism told after the injury starts in ``text`` ("... after falling off a bike"); None when
    the words after the link tell no mechanism."""
    m = _MECHANISM_AFTER_INJURY.search(text)
    return m.start(1) if m else None

"""The words of an injury's mechanism ("fell", "slipped on ice", "MVC") and of the injury it left ("closed
displaced fx", "sprain"): the reader splits one from the other, the injury rules read the mechanism."""

from __future__ import annotations

import re

MECHANISM = re.compile(
    r"\b(?:fell|falls?|falling|slip(?:ped|ping|s)?|trip(?:ped|ping)|struck|hit|kicked|bitten|bit|stung|cut|"
    r"cutting|slicing|chopping|"
    r"lacerated|burned|knife|broken glass|"
    r"twisted|rolled|jammed|crushed|collided|collision|crash|MVC|MVA|motor vehicle|assault\w*|punched|"
    r"lifting|lifted|dog|bicycle|bike|skateboard\w*|ladder|stairs?)\b",
    re.IGNORECASE,
)
# A fall or a blow (no bite, cut or burn, whose wound the Index names with its cause: "open bite")
FALL_OR_BLOW = re.compile(
    r"\b(?:fell|falls?|falling|slip(?:ped|ping|s)?|trip(?:ped|ping)|struck|hit|kicked|twisted|rolled|jammed|"
    r"crushed|collided|collision|crash|MVC|MVA|motor vehicle|assault\w*|punched|tackled)\b",
    re.IGNORECASE,
)
# "... with / sustaining / resulting in" the injury the mechanism left ("fell at home w/ closed fx of the
# radius"): the injury is a condition of its own, the mechanism its external cause.
_INJURY_ADJECTIVE = (
    r"(?:closed|open|displaced|non-?displaced|comminuted|minimally|mildly|small|large|deep|superficial|simple|"
    r"complex|acute|left|right|l|r|rt|lt|bilateral)"
)
INJURY_AFTER_MECHANISM = re.compile(
    r"\s+(?:with|w/|sustaining|sustained|resulting\s+in)\s+(?:an?\s+)?"
    rf"(?=(?:{_INJURY_ADJECTIVE}[\s,]+)*(?:fx|fractures?|lac(?:eration)?s?|sprains?|strains?|contusions?|"
    r"dislocations?|abrasions?|concussions?)\b)",
    re.IGNORECASE,
)

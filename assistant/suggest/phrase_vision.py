"""A visual impairment named by its level, read in the words of ICD-10-CM's blindness and low vision (H54).

The table of category H54 (the WHO levels of visual impairment) names five levels: moderate (category 1),
severe (2), profound (3), near-total (4) and total (5, no light perception); its note says that "low vision"
comprises categories 1 and 2 and "blindness" categories 3, 4 and 5, and the subcategories are worded so
("Blindness, both eyes", "Low vision, one eye"). ``as_h54`` rewrites a phrase naming a level of an eye's
impairment ("profound impairment, both eyes") in those words ("blindness, both eyes").

Each H54 code states both eyes at once ("Blindness, one eye, low vision other eye", "Low vision right eye
category 1, normal vision left eye"), so a request that gives each eye's level on its own ("better eye: X;
lesser eye: Y", "one eye: X; other eye: Y") is one statement, not two: ``one_statement`` reads the
semicolon between the two eyes as a comma (one character for one, the spans stay).
"""

from __future__ import annotations

import re

_IMPAIRMENT = r"(?:\s+(?:vision|visual))?\s+impairment"
_LEVELS = (
    ("blindness", re.compile(rf"\b(?:profound|near[- ]total|total){_IMPAIRMENT}", re.I)),
    ("low vision", re.compile(rf"\b(?:moderate|severe)(?:\s+or\s+(?:moderate|severe))?{_IMPAIRMENT}", re.I)),
)
_EYE = re.compile(r"\beyes?\b", re.I)
_EYE_LABEL = r"\s*(?:better|lesser|worse|one|other|right|left)\s+eye\s*:\s*"
_LEVEL = (
    r"(?:[^;:]*\b(?:impairment|blind(?:ness)?|low vision|visual loss|vision not (?:specified|stated|known)|"
    r"normal vision|category\s+[1-5])\b[^;:]*)"
)
_EYE_PAIR = re.compile(rf"^{_EYE_LABEL}{_LEVEL};{_EYE_LABEL}{_LEVEL}$", re.I)


def as_h54(text: str) -> str:
    """The phrase with the visual impairment levels it names said as H54's titles say them; unchanged when
    it names none, or no eye."""
    if not _EYE.search(text):
        return text
    for word, rx in _LEVELS:
        text = rx.sub(word, text)
    return text


def one_statement(text: str) -> str:
    """A one-line request giving two eyes' vision levels apart ("Better eye: moderate impairment; lesser
    eye: blind") with its semicolon read as a comma; any other text unchanged (two conditions of the two
    eyes, "right eye: cataract; left eye: glaucoma", stay two statements)."""
    if "\n" in text or not _EYE_PAIR.match(text.strip()):
        return text
    return text.replace(";", ",")

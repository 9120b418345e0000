"""The intent of a poisoning or toxic effect a phrase leaves unsaid: accidental (guideline I.C.19.e.5.b).

"If the intent of the poisoning is unknown or unspecified, code the intent as accidental"; the undetermined
intent is for a record that says the intent cannot be determined. So a phrase that names a poisoning or a
toxic effect and no intent takes the titles that say "accidental (unintentional)" over those that say
"intentional self-harm", "assault" or "undetermined"; and a poisoning is neither the drug's adverse effect
nor its underdosing (I.C.19.e.5.a-c), which the phrase would name.
"""

from __future__ import annotations

import re

# "food poisoning" is a foodborne infection or intoxication (A05.-), not a Drug-table poisoning
_POISONING = re.compile(r"(?<!\bfood )\b(?:poison\w*|toxic effects?|overdose)\b", re.IGNORECASE)
_INTENT_SAID = re.compile(
    r"\b(?:accident\w*|unintentional|intentional|self[- ]?(?:harm|inflicted)|suicid\w*|assault\w*|"
    r"homicid\w*|undetermined|purposely|adverse|underdos\w*)\b",
    re.IGNORECASE,
)
_ACCIDENTAL = re.compile(r"\baccidental \(unintentional\)", re.IGNORECASE)
_OTHER_INTENT = re.compile(
    r"\b(?:intentional self-harm|assault|undetermined|adverse effect|underdosing)\b", re.IGNORECASE
)


def names_poisoning(phrase: str) -> bool:
    """The phrase names a poisoning, a toxic effect or an overdose (a Drug-table code's intent)."""
    return bool(_POISONING.search(phrase))


def intent_agreement(phrase: str, title: str) -> int:
    """For a phrase naming a poisoning or toxic effect and no intent: +1 for an "accidental (unintentional)"
    title, -1 for one naming another intent, an adverse effect or an underdosing; 0 otherwise."""
    if not _POISONING.search(phrase) or _INTENT_SAID.search(phrase):
        return 0
    if _ACCIDENTAL.search(title):
        return 1
    return -1 if _OTHER_INTENT.search(title) else 0


# The intent a phrase states, and the one a title names (guideline I.C.20.h: the undetermined intent only
# where the record says the intent cannot be determined; I.C.19.e.5.b). The undetermined wording names the
# other intents in its own words ("undetermined whether accidentally or purposely inflicted"): read first.
_STATED = (
    ("undetermined", re.compile(r"\bundetermined\b", re.IGNORECASE)),
    ("self-harm", re.compile(r"\bself[- ]?(?:harm|inflicted)|\bsuicid\w*", re.IGNORECASE)),
    ("assault", re.compile(r"\bassault\w*|\bhomicid\w*|\binflicted by (?:an)?other person", re.IGNORECASE)),
    ("accidental", re.compile(r"\baccidental(?:ly)?\b|\bunintentional\b", re.IGNORECASE)),
)
_TITLE_INTENT = (
    ("undetermined", re.compile(r"\bundetermined\b", re.IGNORECASE)),
    ("self-harm", re.compile(r"\bintentional self-harm\b", re.IGNORECASE)),
    ("assault", re.compile(r"\bassault\b", re.IGNORECASE)),
    ("accidental", re.compile(r"\baccidental\b", re.IGNORECASE)),
)


def stated_intent(phrase: str) -> str | None:
    """The intent a phrase states (undetermined, self-harm, assault, accidental), else None."""
    return next((name for name, rx in _STATED if rx.search(phrase)), None)


_DRUG_TABLE_TITLE = re.compile(r"^(?:poisoning by|toxic effects? of)\b", re.IGNORECASE)


def title_intent(title: str) -> str | None:
    """The intent a Drug-table poisoning or toxic-effect title names (T36-T65), else None."""
    if not _DRUG_TABLE_TITLE.match(title):
        return None
    return next((name for name, rx in _TITLE_INTENT if rx.search(title)), None)


def states_other_intent(text: str) -> bool:
    """The text states an intent other than accidental (self-harm, assault, undetermined) anywhere."""
    return any(rx.search(text) for name, rx in _STATED if name != "accidental")


# The accidents of chapter 20 (transport accidents V00-V99, other external causes of accidental injury
# W00-X58) are accidental by their block, whether or not their titles say it
_ACCIDENT_BLOCK = re.compile(r"^(?:V|W|X[0-5])")


def stated_intent_agreement(intent: str | None, title: str, code: str = "") -> int:
    """For a phrase stating ``intent``: +1 for a code naming the same intent, -1 for one naming another."""
    if intent is None:
        return 0
    named = next((name for name, rx in _TITLE_INTENT if rx.search(title)), None)
    if named is None and _ACCIDENT_BLOCK.match(code):
        named = "accidental"
    return 0 if named is None else 1 if named == intent else -1

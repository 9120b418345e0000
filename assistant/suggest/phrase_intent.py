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


def intent_agreement(phrase: str, title: str) -> int:
    """For a phrase naming a poisoning or toxic effect and no intent: +1 for an "accidental (unintentional)"
    title, -1 for one naming another intent, an adverse effect or an underdosing; 0 otherwise."""
    if not _POISONING.search(phrase) or _INTENT_SAID.search(phrase):
        return 0
    if _ACCIDENTAL.search(title):
        return 1
    return -1 if _OTHER_INTENT.search(title) else 0

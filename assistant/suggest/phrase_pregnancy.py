"""A condition of the mother named in a pregnancy phrase, walked where the Alphabetic Index lists it.

A condition in pregnancy, childbirth or the puerperium is a chapter 15 code (guideline I.C.15.a.1); the Index
lists the mother's conditions under "Pregnancy, complicated by" and, after delivery, under "Puerperal,
puerperium". A phrase says the setting in its own words ("in the mother", "antepartum condition or
complication", "unspecified as to episode of care"), which no Index entry holds, so the walk of the phrase as
written reaches the condition's code outside the chapter. ``setting_walk`` gives the text of the second walk:
the condition without its setting words, under the main term of the episode the phrase names.
"""

from __future__ import annotations

import re

from assistant.suggest import phrase_order

_SETTING = re.compile(
    r"\b(?:antepartum|postpartum) (?:condition|complication)s?(?: or complications?)?\b|"
    r"\bwith(?: or without)? mention of (?:antepartum|postpartum) (?:condition|complication)s?\b|"
    r"\b(?:unspecified )?as to episode of care(?: or not applicable)?\b|"
    r"\baffecting (?:the )?management of (?:the )?mother\b|\b(?:in|of) (?:the )?mother\b|"
    r"\bcomplicating pregnancy(?:,? childbirth)?,? (?:or|and) the puerperium\b|\bdelivered\b",
    re.IGNORECASE,
)


# The Index's main term of each episode of care: "Pregnancy, complicated by", "Delivery, complicated, by",
# "Puerperal, puerperium"
_MAIN_TERM = {"pregnancy": "pregnancy", "childbirth": "delivery complicated", "puerperium": "puerperal"}
_POSTPARTUM = re.compile(r"\bpostpartum\b|\bpuerper", re.IGNORECASE)


def _named_episode(condition: str) -> str:
    return "puerperium" if _POSTPARTUM.search(condition) else "pregnancy"


def setting_walk(phrase: str) -> str | None:
    """The Index walk of a pregnancy phrase's condition ("<condition> in pregnancy", after delivery "... in
    puerperal"), or None where the phrase is set in no pregnancy or names nothing beside its setting."""
    if phrase_order.chapter_cue(phrase) != ("O",):
        return None
    condition = re.sub(r"[\s,;]+", " ", _SETTING.sub(" ", phrase)).strip()
    if not condition:
        return None
    episode = phrase_order.episode_of(phrase) or _named_episode(condition)
    return f"{condition} in {_MAIN_TERM[episode]}"

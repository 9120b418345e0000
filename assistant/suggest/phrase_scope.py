"""What a title's "other" / "unspecified" qualifies, read against a phrase that says "other" itself.

A title qualifies one part of itself: "Apraxia following other cerebrovascular disease" is a kind of the
cerebrovascular disease, not of the apraxia. A phrase whose "other" qualifies another part ("other late
effects of cerebrovascular disease, apraxia") and that names the part bare has not said "other" of it: the
bare word is the classification's default, its unspecified kind (guideline I.A.9: NOS, unspecified). So a
title's "other" or "unspecified" of a part the phrase says bare is no agreement or clash with the phrase's own
"other".
"""

from __future__ import annotations

import re

from assistant.suggest.index_walker import CONNECTORS
from assistant.suggest.text import stem

_QUALIFIED = re.compile(r"\b(other|unspecified)\s+([a-z]+)(?:\s+([a-z]+))?", re.IGNORECASE)
_WORDS = re.compile(r"[a-z]+")
_CLOSING_OTHER = re.compile(r",\s*other\s*$", re.IGNORECASE)
# "Opioid abuse with intoxication, unspecified": the "unspecified" after a "with" clause is the intoxication's
_WITH_UNSPECIFIED = re.compile(r"(\bwith\b[^,]*(?:,[^,]*?)?)\bunspecified\b", re.IGNORECASE)
_WITH = re.compile(r"\bwith\b", re.IGNORECASE)


def scoped_title(phrase: str, title: str) -> str:
    """The title without each "other" / "unspecified" whose part (its next words up to a connector) the
    phrase says outside the scope of its own "other" (see ``_in_other_scope``). A closing ", other" qualifies
    the whole phrase: the title is left as it is."""
    if _CLOSING_OTHER.search(phrase):
        return title
    raw = _WORDS.findall(phrase.lower())
    said = [stem(w) for w in raw]

    def said_bare(part: list[str]) -> bool:
        n = len(part)
        return any(said[i : i + n] == part and not _in_other_scope(raw, i) for i in range(len(said) - n + 1))

    def drop(m: re.Match[str]) -> str:
        part: list[str] = []
        for word in (m.group(2), m.group(3)):
            if not word or word.lower() in CONNECTORS:
                break
            part.append(stem(word.lower()))
        return m.group(0)[len(m.group(1)) :].lstrip() if part and said_bare(part) else m.group(0)

    return _QUALIFIED.sub(drop, title)


def condition_title(phrase: str, title: str) -> str:
    """The title without an "unspecified" said of what its "with" clause names ("Opioid abuse with
    intoxication, unspecified", "with unspecified complications"): that is not the condition's unspecified
    kind, which a phrase saying "unspecified" of the condition itself asks for. Left as it is where the
    phrase says "with" too (its "unspecified" may then be the complication's)."""
    if _WITH.search(phrase):
        return title
    return _WITH_UNSPECIFIED.sub(lambda m: m.group(1), title)


_COORDINATION = frozenset({"and", "or"})


def _in_other_scope(words: list[str], i: int) -> bool:
    """An "other" qualifies the words after it up to a connector ("of", "in", "with" ...); "and" / "or"
    join its kinds ("other congenital or acquired abnormality")."""
    for word in reversed(words[:i]):
        if word == "other":
            return True
        if word in CONNECTORS and word not in _COORDINATION:
            return False
    return False

"""What a short diagnosis phrase says it is WITHOUT, and whether a code title agrees.

ICD-10-CM pairs many codes as "with X" / "without X" siblings (ulcer with / without hemorrhage, manic episode
with / without psychotic symptoms, spina bifida with / without hydrocephalus). A phrase that says "without X"
is the "without" sibling, never the "with" one nor a code for X itself; a title that says "without X" (or "no
X", "not X") agrees with it. Words are compared by their first six letters ("psychotic behavior" and
"psychotic symptoms" share "psycho"). "Except X" says the same of a site or a kind: "open wound of hand
except fingers" is no finger wound, and a title that says "except X" itself agrees; "other than X" is
"except X". Where the words it is without are the whole title of a category ("skull fracture without
intracranial injury": S06 "Intracranial injury"), every code of that category is what the phrase excludes,
whatever its own title says ("Concussion with loss of consciousness" is an intracranial injury).
"""

from __future__ import annotations

import re

_WITHOUT = re.compile(r"\b(?:without|except|other than) (?:mention of )?([^,;()\[\]]+)", re.IGNORECASE)
_CLAUSE_END = re.compile(r"\b(?:with|and|but|due|in|of|following|complicat\w*)\b", re.IGNORECASE)
_NEGATORS = re.compile(r"\b(?:without|no|not|non|except|other than)\b[^,;]*$", re.IGNORECASE)
_STOP = {"mention", "other", "unspecified", "specified", "stated", "type", "any", "or", "the", "a", "an"}
STEM = 6
# "Not elsewhere classified" in a category's title says where it stands, not what it is
_NEC = re.compile(r"\bnot elsewhere classified\b|\bNEC\b", re.IGNORECASE)


def without_stems(phrase: str) -> set[str]:
    """The stems of the words a phrase says it is without (empty when it says none)."""
    stems: set[str] = set()
    for m in _WITHOUT.finditer(phrase):
        words = m.group(1)
        # its first word is what it is without, even a clause word ("without complication")
        end = _CLAUSE_END.search(words, 1)
        clause = words[: end.start()] if end else words
        for w in re.findall(r"[a-z]+", clause.lower()):
            if len(w) > 3 and w not in _STOP:
                stems.add(w[:STEM])
    return stems


def title_agreement(stems: set[str], title: str) -> int:
    """+1 when the title says it is without one of the stems and names none of them otherwise, -1 when it
    names one without a "without" / "no" / "not" before it in its clause, 0 when it names none."""
    agree = contradict = False
    lower = title.lower()
    for m in re.finditer(r"[a-z]+", lower):
        if m.group(0)[:STEM] not in stems or len(m.group(0)) <= 3:
            continue
        before = lower[: m.start()].rsplit(",", 1)[-1]
        if _NEGATORS.search(before):
            agree = True
        else:
            contradict = True
    return -1 if contradict else int(agree)


def category_excluded(stems: set[str], category_title: str) -> bool:
    """Every word of the category's title is one the phrase says it is without (``without_stems``)."""
    words = [w for w in re.findall(r"[a-z]+", _NEC.sub(" ", category_title).lower()) if len(w) > 3]
    words = [w for w in words if w not in _STOP]
    return bool(stems) and bool(words) and all(w[:STEM] in stems for w in words)

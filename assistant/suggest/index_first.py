"""The code the Alphabetic Index gives for the whole mention comes first (guideline I.A: find the term in the
Index, then verify it in the Tabular List).

A mention whose every word the Index walk accounts for ("bladder infection": Infection, bladder, see Cystitis)
has the coder's own answer, even where the wording shares no word with the code's title and the learned
ranker, which rarely saw such lay wordings in training, prefers a title that repeats the mention's words
("Bladder disorder, unspecified"). That code moves to the front of the mention's candidates and takes the
first place's probability, so it is final exactly where the first code would have been.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TypeVar

from assistant.suggest.index_walker import (
    SIDE_WORDS,
    MentionWords,
    content_keys,
    read_mention,
    regions_titled,
    title_words,
)
from assistant.suggest.rules import side_of
from assistant.suggest.sibling_choice import conflicted
from assistant.suggest.types import Candidate

C = TypeVar("C", bound=Candidate)

# The walk's score of a path that accounts for every word of the mention, one cross-reference allowed per
# 0.01 (index_walker: score = share of words matched - 0.01 a hop).
COMPLETE = 0.97
# How much higher a walk must score to be more direct than a complete one (an alias or a hop costs 0.01).
DIRECTER = 0.005


def promote(
    cands: list[C],
    reasons: Mapping[str, list[str]],
    query: str = "",
    title: Callable[[str], str] | None = None,
) -> str | None:
    """Move the best-scored candidate whose Index path is complete to the front (in place), unless the
    first one's path is complete and as direct, its indexed text covers the whole mention (the FY2025 Index
    lags the Tabular List: "Carbuncle, flank L02.231" where L02.237 is now "Carbuncle of flank"), or the
    qualifier reasons contradict the candidate; returns the code moved. With the ``query`` and the code
    titles, a path the Tabular child's title completes counts as complete (complete_by_title)."""
    if len(cands) < 2:
        return None
    mention = read_mention(query) if title is not None and query else None  # read once for every candidate
    covered = cands[0].coverage >= 1.0
    if covered and (title is None or mention is None or _title_says(title(cands[0].code), mention)):
        return None  # the first code's own text already says every word ("carbuncle of flank": L02.237)

    def walk(c: C) -> float:
        if (
            title is not None
            and mention is not None
            and _partial(c)
            and _completed(c, mention, title(c.code))
        ):
            return COMPLETE
        return c.walk

    # a complete walk of the first code yields only to a more direct one ("Menorrhagia" N92.0, not R58 by the
    # alias blood loss -> Hemorrhage)
    first = walk(cands[0])
    bar = first + DIRECTER if first >= COMPLETE else COMPLETE
    # over a first code whose indexed text (not its title) covers the mention, only the Tabular's completion
    # of a partial walk is more than the same words found again
    complete = (
        c
        for c in cands[1:]
        if walk(c) >= bar and not conflicted(reasons.get(c.code, [])) and not (covered and c.walk >= COMPLETE)
    )
    best = next(complete, None)
    if best is None:
        return None
    cands.remove(best)
    best.score = max(best.score, math.nextafter(cands[0].score, 1.0))  # first, also where scores tie
    cands.insert(0, best)
    return best.code


# The Table of Drugs and Chemicals' poisoning, adverse-effect and underdosing codes.
DRUG_TABLE = tuple(f"T{n}" for n in range(36, 66))


# A family member's cancer that the Neoplasm table placed by site (cancer_history.by_site).
FAMILY_BY_SITE = "Z80"


def assessed_final(cand: Candidate, problem: bool, family: bool = False) -> bool:
    """A problem-list line ("1. Hives", "# Mole") whose first code the Index gives for all its words is
    coded, however rarely the ranker saw that code; a word inside a plan sentence ("visit for growth") is
    not a problem of its own. A Drug table walk that reads every word ("accidental overdose of
    acetaminophen": the drug's row and the column its words choose) is coded wherever it is written: its
    title names the drug's class, never the drug, so the ranker's word features cannot see it. So is a
    ``family`` member's cancer placed by site ("mother with colon cancer": Z80.0, "digestive organs")."""
    by_site = family and cand.code.startswith(FAMILY_BY_SITE)
    return (problem or by_site or cand.code.startswith(DRUG_TABLE)) and cand.walk >= COMPLETE


def complete_but_side(cand: Candidate, query: str, sides: set[str], title: str) -> bool:
    """A walk that accounts for every word of the mention but its side, which the code's title says ("right
    femoral neck fracture": Fracture, traumatic, femur, upper end, neck; S72.001A for the right): the Index
    leaves the side to the Tabular List, so the path is as complete as the coder's."""
    if cand.walk >= COMPLETE or not sides or side_of(title) not in sides:
        return False
    base = read_mention(query).base
    said = len(base & SIDE_WORDS)
    return said > 0 and cand.walk + said / len(base) >= COMPLETE


def _title_says(title: str, mention: MentionWords) -> bool:
    """Does the title say every word of the mention (its indexed text may say them by other names)?"""
    return mention.base - mention.negated <= title_words(title)


def complete_by_title(cand: Candidate, query: str, title: str) -> bool:
    """A walk to a category ("Osteopenia M85.8-") whose words left over the Tabular child's title says, or
    names by its chapter 13 region ("osteopenia of the left hip": M85.852, "..., left thigh"): Index and
    Tabular together account for the whole mention, as a coder's look-up does."""
    return _partial(cand) and _completed(cand, read_mention(query), title)


def _partial(cand: Candidate) -> bool:
    """An Index walk that reached the code without reading every word."""
    return cand.walk < COMPLETE and bool(cand.walk_path)


def _completed(cand: Candidate, mention: MentionWords, title: str) -> bool:
    left = mention.base - mention.negated - content_keys(cand.walk_path)
    if not left:
        return False
    named = left & title_words(title)
    named |= regions_titled(left - named, cand.code, title)
    if side_of(title) is not None:  # a side axis: both sides are coded each (I.B.13), where no code says so
        named |= left & _BOTH_SIDES
    return cand.walk + len(named) / len(mention.base) >= COMPLETE


_BOTH_SIDES = frozenset({"bilateral", "both"})


# The external causes' chapter (V00-Y99): never a first-listed code, always beside the injury it explains
# (I.C.20); an injury or poisoning code (S00-T88) the same mention walks to heads the mention instead.
_CAUSE_CHAPTER = ("V", "W", "X", "Y")
_INJURY_CHAPTER = ("S", "T")
INJURY_WALK_FLOOR = 0.5  # the injury reached by the Index walk for most of the mention's words
INJURY_LOOKAHEAD = 3


def injury_before_its_cause(cands: list[Candidate]) -> None:
    """ "Cut right palm with a kitchen knife": the mention states an injury and its cause. Where its best
    candidate is the cause (W26.0) and a near one the injury the Index walk reached (S61.411A), the injury
    heads the mention with the cause's confidence; the cause stays the next (the injury rules code it)."""
    if not cands or not cands[0].code.startswith(_CAUSE_CHAPTER):
        return
    for i, c in enumerate(cands[1:INJURY_LOOKAHEAD], start=1):
        if c.code.startswith(_INJURY_CHAPTER) and c.walk >= INJURY_WALK_FLOOR:
            c.score = max(c.score, cands[0].score)
            cands.insert(0, cands.pop(i))
            return

"""Codes of the conditions a note negates or leaves uncertain, as options at the end of the ranked list.

The engine never codes a negated finding ("no fever") or, outpatient, an uncertain diagnosis ("probable
pneumonia"): those mentions choose no final code. But a coder who reviews the list may still want to see
what they would be coded as (a note's "no lymphadenopathy" may be a copied template line the coder
overrules, and an uncertain diagnosis is coded once confirmed). So each such mention is searched like any
other, its candidates scored by the learned ranker as if the mention were stated, that probability is
weighted down (``EngineConfig.w_skipped_tail``), and its codes join the ranked tail: never final, each one's
reason saying the mention was negated or uncertain. 0 turns it off (no extra query is run).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.suggest.reader import Mention, clean_query
from assistant.suggest.text import tokens
from assistant.suggest.types import Query

# The skip reasons (service._plan) whose mentions still name a codable condition.
TAILED = ("negated", "uncertain")


def queries(plan: Sequence[tuple[Mention, Query | None, str | None]]) -> list[tuple[Mention, Query, str]]:
    """The negated and uncertain mentions of a note's plan: (mention, the query it is searched with, why it
    is not coded: "negated" | "uncertain"). A single-phrase plan has none (a search, not a note)."""
    if len(plan) < 2:
        return []
    out: list[tuple[Mention, Query, str]] = []
    for m, q, why in plan:
        kind = (why or "").split(" ")[0]
        if q is not None or kind not in TAILED:
            continue
        base = clean_query(m.query)
        if tokens(base):
            out.append((m, Query(base), kind))
    return out


def as_stated(mention: Mention) -> Mention:
    """The mention as if the note stated it: the ranker's rows of its candidates (it learned from stated
    mentions only)."""
    return replace(mention, negated=False, uncertain=False)


def reason(why: str, mention: Mention) -> str:
    return f'{why} in the note, not coded: "{mention.text}" (an option only)'

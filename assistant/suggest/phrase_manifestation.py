"""The manifestation code of a condition "in" a disease (ICD-10-CM I.A.13, etiology / manifestation).

The Alphabetic Index lists a manifestation under its main term, then "in" the underlying disease: "Arthritis,
in, mycosis NEC B49 [M01.X-]". The first code is the etiology, the bracketed one the manifestation, an "in
diseases classified elsewhere" code whose Tabular note says "code first underlying disease" (M01: mycoses
B35-B49). A phrase naming the manifestation in that disease names both codes; its own condition is the
manifestation. Our copy of the Index keeps only the first code, so the bracket is found again from the Tabular
side: the "classified elsewhere" categories whose "code first" note covers the walk's etiology code. Where the
entry itself points to the manifestation's category ("helminthiasis B83.9, see category M01"), the Index gives
it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, TypeVar

from assistant.codesets.repository import ref_covers
from assistant.suggest.phrase_wording import classified_elsewhere

# The Index steps between a manifestation's main term and the underlying disease
_IN_STEP = re.compile(r" -> (?:in|due to or associated with|associated with|with) -> ", re.IGNORECASE)
MIN_WALK = 0.3  # the walk must account for the manifestation and most of the disease
# The category an Index entry points to (index_walker.WalkHit.evidence): "... -> B83.9 [see category M01]"
_SEE_CATEGORY = re.compile(r"\[see category ([A-Z0-9.]+)\]$")


class Walked(Protocol):
    code: str
    walk: float
    walk_path: str


W = TypeVar("W", bound=Walked)


class Notes(Protocol):
    refs: dict[str, dict[str, list[str]]]

    def title(self, code: str) -> str: ...


def manifestation_categories(etiology: str, code_first: dict[str, list[str]]) -> tuple[str, ...]:
    """The manifestation categories (code -> its "code first" references) that cover the etiology code."""
    return tuple(c for c, refs in code_first.items() if any(ref_covers(r, etiology) for r in refs))


_ELSEWHERE_MEMO: dict[int, dict[str, list[str]]] = {}


def _elsewhere_code_first(catalog: Notes) -> dict[str, list[str]]:
    """The "in diseases classified elsewhere" codes with their own "code first" references."""
    key = id(catalog)
    if key not in _ELSEWHERE_MEMO:
        _ELSEWHERE_MEMO[key] = {
            c: refs["code_first"]
            for c, refs in catalog.refs.items()
            if refs.get("code_first") and classified_elsewhere(catalog.title(c))
        }
    return _ELSEWHERE_MEMO[key]


def bracketed(cands: Sequence[W], catalog: Notes) -> tuple[W | None, tuple[str, ...]]:
    """The walked etiology whose Index path names the manifestation "in" it, and the manifestation categories
    its bracket would give; (None, ()) where the walk reached none."""
    code_first = _elsewhere_code_first(catalog)
    for c in sorted(cands, key=lambda c: -c.walk):
        if c.walk < MIN_WALK:
            break
        seen = _SEE_CATEGORY.search(c.walk_path)
        if seen and classified_elsewhere(catalog.title(seen.group(1))):
            return c, (seen.group(1),)
        if not _IN_STEP.search(c.walk_path):
            continue
        cats = manifestation_categories(c.code, code_first)
        if cats:
            return c, cats
    return None, ()


class Scored(Walked, Protocol):
    score: float


S = TypeVar("S", bound=Scored)
MANIFESTATION_CANDIDATES = 3  # the best-fitting codes of the manifestation categories the phrase adds
# The phrase's own condition is the manifestation, its disease the etiology (sequenced first in a record,
# I.A.13, but the cause of what the phrase names)
MANIFESTATION_BONUS = 0.15


def with_bracket(cands: Sequence[S], found: Sequence[S], etiology: Scored, w_walker: float) -> list[S]:
    """The phrase's candidates with the manifestation codes ``found`` (best first, searched within the
    bracket's categories) credited with the etiology's walk, as the Index entry gives both codes. Where the
    entry itself names the category ("see category M01"), the best of them is placed above the etiology (the
    others keep their distance from it)."""
    have = {c.code: c for c in cands}
    picked = [have.get(m.code, m) for m in found[:MANIFESTATION_CANDIDATES]]
    credited = [c for c in picked if c.walk < etiology.walk]
    for c in credited:
        c.score += w_walker * (etiology.walk - c.walk) + MANIFESTATION_BONUS
        c.walk, c.walk_path = etiology.walk, f"{etiology.walk_path} [{c.code}]"
    if credited and _SEE_CATEGORY.search(etiology.walk_path):
        lift = max(0.0, etiology.score + MANIFESTATION_BONUS - max(c.score for c in credited))
        for c in credited:
            c.score += lift
    return [*cands, *(c for c in picked if c.code not in have)]

"""A condition of another chapter named in a pregnancy phrase, coded to the pregnancy chapter's subcategory.

A condition in pregnancy, childbirth or the puerperium is a chapter 15 code first (guideline I.C.15.a.1). The
Index lists some under "Pregnancy, complicated by" (anemia, syphilis ...); the rest fall to the categories of
other diseases complicating pregnancy (O98, O99, O9A), whose subcategories name, in an inclusion term, the
codes of the other chapters they take: "O98.6 Protozoal diseases complicating pregnancy ...: Conditions in
B50-B64", "O99.2 Endocrine, nutritional and metabolic diseases ...: Conditions in E00-E89". A phrase naming
malaria "in the mother" names B54 and O98.6- (with B54 as its additional code); its own code is O98.6-.
``complicating`` finds the subcategory from the phrase's best code outside the chapter where the walk reached
no pregnancy-chapter entry of the condition's own, ``with_complicating`` adds that subcategory's best codes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from assistant.codesets.repository import ref_covers

COMPLICATING_CATEGORIES = ("O98", "O99", "O9A")
_CONDITIONS_IN = re.compile(r"^\s*conditions in\s+(.+?)\s*$", re.IGNORECASE)
_EXCEPT = re.compile(r",?\s*\bexcept\b", re.IGNORECASE)
_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s+or\s+", re.IGNORECASE)
# A walk that placed the condition (under "Pregnancy, complicated by" itself: the Index's own entry wins)
OWN_ENTRY_WALK = 0.5
# The subcategory's codes added: its episodes of care (trimesters, childbirth, the puerperium)
COMPLICATING_CANDIDATES = 5


class Ranges(tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]):
    """(subcategory, the codes it takes, the codes it leaves out), in Tabular order."""


def conditions_in(term: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The codes and ranges an inclusion term "Conditions in X-Y, Z.- except W" takes and leaves out."""
    m = _CONDITIONS_IN.match(term)
    if m is None:
        return None
    parts = _EXCEPT.split(m.group(1), maxsplit=1)
    taken = tuple(r.strip() for r in _SPLIT.split(parts[0]) if r.strip())
    left = tuple(r.strip() for r in _SPLIT.split(parts[1]) if r.strip()) if len(parts) > 1 else ()
    return taken, left


_MEMO: dict[int, Ranges] = {}


def complicating_ranges(reference: Any) -> Ranges:
    """The subcategories of O98, O99 and O9A with the codes their "Conditions in" inclusion terms take (read
    from the reference's Tabular notes once; empty without a reference)."""
    key = id(reference)
    if key in _MEMO:
        return _MEMO[key]
    out: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
    try:
        queue = [c.code for cat in COMPLICATING_CATEGORIES for c in reference.get_code(cat).children]
        while queue:
            code = queue.pop(0)
            info = reference.get_code(code)
            for term in info.notes.inclusion_terms:
                read = conditions_in(term)
                if read is not None:
                    out.append((code, *read))
            if len(code) < 6:  # O99.3 -> O99.34, O99.35
                queue.extend(c.code for c in info.children)
    except Exception:  # noqa: BLE001 - no reference (or a fixture without the chapter): no subcategories
        out = []
    _MEMO[key] = Ranges(out)
    return _MEMO[key]


def subcategory_for(code: str, ranges: Ranges) -> str | None:
    """The pregnancy chapter's subcategory whose inclusion term takes ``code``, else None."""
    for sub, taken, left in ranges:
        if any(ref_covers(r, code) for r in taken) and not any(ref_covers(r, code) for r in left):
            return sub
    return None


class Titles(Protocol):
    def title(self, code: str) -> str: ...

    def children(self, code: str) -> list[str]: ...

    def refs_for(self, code: str, kind: str) -> list[str]: ...


WHOLE_CHAPTER = "O00-O9A"  # a chapter's Excludes2 of every pregnancy complication names no code of its own


def sent_to_pregnancy_code(code: str, catalog: Titles) -> bool:
    """The condition's own Excludes (at it or above) name a pregnancy-chapter code for it in pregnancy ("N88.3
    Incompetence of cervix uteri, Excludes1: ... complicating pregnancy (O34.3-)"; injuries: "obstetric trauma
    (O70-O71)"): that code, not the catch-all of other diseases complicating pregnancy."""
    refs = catalog.refs_for(code, "excludes1") + catalog.refs_for(code, "excludes2")
    return any(
        r.startswith("O") and r.strip() != WHOLE_CHAPTER and not r.startswith(COMPLICATING_CATEGORIES)
        for r in refs
    )


_WORD = re.compile(r"[a-z]+")
_HEAD = 2  # the words of a subcategory's title that its "conditions in" child repeats


def coded_prefixes(sub: str, catalog: Titles) -> tuple[str, ...]:
    """Where a subcategory's inclusion term leads in its children: those that repeat its title's head ("O99.8
    Other specified diseases and conditions ...": O99.89, not O99.81 "Abnormal glucose ..."; "O99.2 Endocrine
    ...": O99.28 "Other endocrine ...", not O99.21 "Obesity ..."), else itself."""
    head = _WORD.findall(catalog.title(sub).lower())[:_HEAD]

    def child_head(code: str) -> list[str]:
        words = _WORD.findall(catalog.title(code).lower())
        return words[1 : _HEAD + 1] if words[:1] == ["other"] and head[:1] != ["other"] else words[:_HEAD]

    same = tuple(c for c in catalog.children(sub) if child_head(c) == head)
    return same or (sub,)


class Walked(Protocol):
    code: str
    score: float
    walk: float
    walk_path: str


W = TypeVar("W", bound=Walked)


def complicating(cands: Sequence[W], ranges: Ranges, catalog: Titles) -> tuple[W | None, str | None]:
    """The phrase's best code outside the pregnancy chapter, placed by the Index walk, and the subcategory
    that takes it, where the walk reached no pregnancy-chapter entry of its own and the condition's Tabular
    notes send it to no pregnancy code of its own; (None, None) otherwise."""
    if not ranges or any(c.code.startswith("O") and c.walk >= OWN_ENTRY_WALK for c in cands):
        return None, None
    outside = [c for c in cands if not c.code.startswith("O")]
    if not outside:
        return None, None
    condition = max(outside, key=lambda c: c.score)
    if condition.walk < OWN_ENTRY_WALK or sent_to_pregnancy_code(condition.code, catalog):
        return None, None
    sub = subcategory_for(condition.code, ranges)
    return (condition, sub) if sub else (None, None)


def with_complicating(cands: Sequence[W], found: Sequence[W], condition: Walked) -> list[W]:
    """The phrase's candidates with the subcategory's codes ``found`` (best first) placed at the condition's
    score at least: the pregnancy chapter's code comes first, the condition's own code is an additional
    one."""
    have = {c.code: c for c in cands}
    picked = [have.get(f.code, f) for f in found[:COMPLICATING_CANDIDATES]]
    for c in picked:
        if c.score < condition.score:
            c.score = condition.score
            c.walk_path = c.walk_path or f"{condition.code} in pregnancy -> {c.code[:5]}"
    return [*cands, *(c for c in picked if c.code not in have)]

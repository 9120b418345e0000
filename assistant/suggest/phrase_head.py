"""A phrase that names its condition first and its site after a comma ("Langerhans-cell histiocytosis, lymph
nodes of the axilla") is coded by its condition: the Alphabetic Index is entered at the condition's main term
and the site is looked for under it (guideline I.A, I.B.1). Where the Index walk reached the condition by the
words before the comma, a candidate whose title says none of those words, nor belongs to a category the walk
reached, names another condition of the same site (a lymphoma of the axillary nodes): it yields to the
condition's own code, which may have no site axis at all (C96.0, C91.4-).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.suggest.index_walker import content_keys
from assistant.suggest.phrase_complicating import W

# The score a code of another condition gives up (the size of phrase_order's KIND_BONUS).
OTHER_CONDITION_PENALTY = 0.1
# A tail of only these words names no site but the kind of the condition ("..., unspecified", "...,
# congenital"): the rule does not apply.
_KIND_ONLY = content_keys(
    "unspecified specified not elsewhere classified otherwise further congenital acquired"
)
_STEM = 5  # word forms share their first letters ("chlamydia" / "chlamydial", "embolism" / "thromboembolism")


def _names_main_term(walk_path: str, words: frozenset[str]) -> bool:
    """The words name the walk's main term, or one of its spellings ("Infarct, infarction")."""
    main = walk_path.split(" -> ", 1)[0]
    return any(keys and keys <= words for keys in (content_keys(s) for s in main.split(",")))


def _shares(words: frozenset[str], others: frozenset[str]) -> bool:
    """Some word of one is a word of the other, or a form of it (a word of four letters or more)."""
    if words & others:
        return True
    longer = [w for w in others if len(w) >= 4]
    return any(a[:_STEM] in b or b[:_STEM] in a for a in words if len(a) >= 4 for b in longer)


def other_conditions(cands: Sequence[W], phrase: str, title_of: Callable[[str], str]) -> None:
    """Lower the candidates of other conditions of the phrase's site (see the module docstring); nothing
    where the phrase has no comma or the walk did not reach its condition by the words before it."""
    head, comma, rest = phrase.partition(",")
    head_words = content_keys(head)
    if not comma or not head_words or not content_keys(rest) - _KIND_ONLY:
        return
    walked = [c for c in cands if c.walk > 0 and c.walk_path]
    reached = {c.code[:3] for c in walked if _names_main_term(c.walk_path, head_words)}
    if not reached:
        return
    for c in cands:
        if c.code[:3] in reached or c.walk > 0:
            continue
        if not _shares(content_keys(title_of(c.code)), head_words):
            c.score -= OTHER_CONDITION_PENALTY

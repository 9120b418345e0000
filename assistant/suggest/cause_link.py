"""Is a stated cause part of the condition's code, or a second condition to code?

"Allergic rhinitis due to pollen" and "anemia due to antineoplastic chemotherapy" are one code each: the
Alphabetic Index lists the cause as a subterm of the condition's main term. "AKI due to dehydration" is two
conditions, each coded (guideline I.B.7: multiple coding for a single condition only where the
classification says so).
"""

from __future__ import annotations

from assistant.suggest.coding_rules.partners import names_organism
from assistant.suggest.index_walker import IndexWalker, Tabular, content_keys, read_mention
from assistant.suggest.text import expand_abbreviations

_WALK_DEPTH = 3


def cause_is_part(walker: IndexWalker | None, tabular: Tabular | None, condition: str, cause: str) -> bool:
    """True when ``cause`` names an organism, or an Index path starts at a main term of ``condition`` and
    descends through ``cause``."""
    if names_organism(cause):  # the infection's agent: a combination code or a B95-B97 partner
        return True
    if walker is None:
        return False
    own, tail = (read_mention(expand_abbreviations(t)).words for t in (condition, cause))
    tail_only = tail - own
    for hit in walker.walk(expand_abbreviations(f"{condition} due to {cause}"), tabular, _WALK_DEPTH):
        if not hit.path or not content_keys(hit.path[0]) & own:
            continue
        if any(content_keys(term) & tail_only for term in hit.path[1:]):
            return True
    return False

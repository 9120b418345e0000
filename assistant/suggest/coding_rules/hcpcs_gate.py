"""HCPCS Level II codes only for a service, supply or drug the note documents as given or performed.

A diagnosis phrase ("blood pressure"), an administrative sentence ("established patient") or a medication the
patient takes ("well controlled on lisinopril") never yields a HCPCS code: the sentence must say the thing was
done at this encounter (administered, given, injected, performed, dispensed, supplied, placed, ...).
"""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

PERFORMED = re.compile(
    r"\b(?:administered|given|gave|injected|infused|performed|"
    r"vaccinated|immunized|dispensed|supplied|provided|placed|inserted|applied|fitted|issued|delivered|"
    r"drawn|collected|obtained|done|completed today|received (?:a|an|the|his|her)?\s*\w+\s*(?:dose|shot|"
    r"vaccine|injection))\b",
    re.IGNORECASE,
)
# The word "given" in "given his history" is a reason, not a service.
_NOT_A_SERVICE = re.compile(r"\bgiven\s+(?:his|her|their|the|that|this|its)\b", re.IGNORECASE)


_NOT_YET = re.compile(
    r"\b(?:will|would|consider\w*|plan(?:s|ned)?\s+to|next|recommend\w*|schedul\w*|due|declin\w*|refus\w*|"
    r"if|should|may)\b",
    re.IGNORECASE,
)


def documents_service(sentence: str) -> bool:
    """Does the sentence say a service, supply or drug was given or done now (not planned, not declined)?"""
    text = _NOT_A_SERVICE.sub(" ", sentence)
    return PERFORMED.search(text) is not None and _NOT_YET.search(text) is None


# G8xxx-G9xxx are quality-data (performance measure) codes: reported from measure logic, never from a note.
QUALITY_DATA = re.compile(r"^G[89]\d{3}$")


def gate(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """Drop HCPCS picks none of whose mentions sits in a sentence documenting a service as done."""
    for code in [c for c, p in picks.items() if c in catalog and catalog.system(c) == "HCPCS"]:
        pick = picks[code]
        if QUALITY_DATA.match(code) or not any(
            documents_service(ctx.sentence(m)) and not (m.negated or m.uncertain or m.history or m.family)
            for m in pick.mentions
        ):
            picks.pop(code)

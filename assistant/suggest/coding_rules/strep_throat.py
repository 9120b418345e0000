"""A sore-throat infection the note's strep test confirms is the Index's streptococcal one ("Pharyngitis,
streptococcal J02.0"; "Tonsillitis, acute, streptococcal J03.0-"), not the unspecified code and no B95
partner. A negative test changes nothing. Our own wording of how notes report the test."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_STREPTOCOCCAL = {"J02.9": "J02.0", "J03.90": "J03.00", "J03.91": "J03.01"}
_TEST = (
    r"(?:rapid\s+strep(?:\s+(?:test|screen|antigen))?|RST|RADT|strep\s+(?:test|screen|swab|antigen|PCR|culture)|"
    r"throat\s+culture|GAS\s+(?:PCR|antigen|test))"
)
_RESULT = r"\s*(?:(?:is|was|came\s+back|returned|:)\s*)?"
_POSITIVE = re.compile(
    rf"\b{_TEST}{_RESULT}(?:positive|pos\b|\(\+\)|\+)|"
    rf"\b(?:positive|\+)\s+{_TEST}|\bstrep\s*\+|\bstrep\s+positive\b|\bgroup\s+a\s+strep\w*|\bGAS\b",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(rf"\b{_TEST}{_RESULT}(?:negative|neg\b|\(-\)|-)", re.IGNORECASE)


def streptococcal_throat(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if not _POSITIVE.search(ctx.note) or _NEGATIVE.search(ctx.note):
        return
    for code, strep in _STREPTOCOCCAL.items():
        pick = picks.get(code)
        if pick is None or not pick.final:
            continue
        reason = (
            "a positive strep test: the streptococcal code (Index: Pharyngitis, Tonsillitis, streptococcal)"
        )
        if add_pick(picks, catalog, strep, pick.score, pick.mentions, reason) is not None:
            picks.pop(code)

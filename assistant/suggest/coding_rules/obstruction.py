"""A urinary stone with hydronephrosis is one code, N13.2 (Index: Calculus, ureter / kidney, with
hydronephrosis; N20 Excludes1 "that with hydronephrosis (N13.2)"): the hydronephrosis read from a line that
names the stone is N13.2, not N13.30 or N13.39, and the stone's own N20 code on that line goes with it. With
an infection the Index goes to N13.6, which this rule leaves to the note's words."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

STONE_WITH_HYDRONEPHROSIS = "N13.2"
_HYDRONEPHROSIS = ("N13.30", "N13.39")
_STONE = re.compile(
    r"\b(?:stones?|calcul\w*|nephrolithiasis|urolithiasis|ureterolithiasis)\b(?![- ]free)", re.IGNORECASE
)
_INFECTION = re.compile(r"\b(?:infect\w*|pyonephrosis|pyelonephritis|uti|urosepsis)\b", re.IGNORECASE)


def stone_with_hydronephrosis(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    for pick in [p for p in picks.values() if p.final and p.code in _HYDRONEPHROSIS]:
        said = [m for m in pick.mentions if _STONE.search(m.query) and not _INFECTION.search(m.query)]
        if not said:
            continue
        reason = "Index: Calculus, with hydronephrosis: N13.2 (N20 Excludes1 'that with hydronephrosis')"
        if add_pick(picks, catalog, STONE_WITH_HYDRONEPHROSIS, pick.score, said, reason) is None:
            continue
        picks.pop(pick.code)
        starts = {m.start for m in said}
        for stone in [p for p in picks.values() if p.code.startswith("N20") and p.final]:
            if all(m.start in starts for m in stone.mentions):
                picks.pop(stone.code)  # the same stone, coded once by the combination

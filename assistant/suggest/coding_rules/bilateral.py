"""A bilateral condition whose category has no bilateral code (ICD-10-CM I.B.13): the right and the left code
are both assigned ("primary osteoarthritis of both hands" is M19.041 and M19.042, not M19.049)."""

from __future__ import annotations

from assistant.suggest import rules
from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_REASON = "I.B.13: bilateral, and the category has no bilateral code: the right and the left side are coded"


def both_sides_without_a_bilateral_code(
    picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog
) -> None:
    for pick in [p for p in picks.values() if p.final and p.code in catalog]:
        if not pick.mentions or not all("bilateral" in m.laterality for m in pick.mentions):
            continue
        by_side = rules.side_variants(catalog, pick.code)
        if not rules.both_sides_coded_apart(catalog, pick.code) or pick.code not in by_side.values():
            continue
        picks.pop(pick.code)
        for side in ("right", "left"):
            add_pick(picks, catalog, by_side[side], pick.score, pick.mentions, _REASON)

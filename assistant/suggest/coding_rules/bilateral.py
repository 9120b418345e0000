"""A bilateral condition whose category has no bilateral code (ICD-10-CM I.B.13): the right and the left code
are both assigned ("primary osteoarthritis of both hands" is M19.041 and M19.042, not M19.049)."""

from __future__ import annotations

from assistant.suggest import rules
from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.reader import LATERALITY, Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import expand_abbreviations
from assistant.suggest.types import Pick

_REASON = "I.B.13: bilateral, and the category has no bilateral code: the right and the left side are coded"


_PROBLEM_LINE_WORDS = 12


def _says_both_sides(ctx: NoteContext, mention: Mention) -> bool:
    """The mention, or the short problem line it stands on ("Primary OA of hands, bilat"), says both sides;
    a "bilateral" elsewhere in a long narrative sentence may be another finding's."""
    line = ctx.sentence(mention)
    both = LATERALITY["bilateral"]
    return bool(both.search(mention.query)) or (
        bool(both.search(expand_abbreviations(line))) and len(line.split()) <= _PROBLEM_LINE_WORDS
    )


def _side_silent(ctx: NoteContext, mention: Mention) -> bool:
    named = any(rx.search(mention.query) for rx in LATERALITY.values())
    return not named and not _says_both_sides(ctx, mention)


def both_sides_without_a_bilateral_code(
    picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog
) -> None:
    for pick in [p for p in picks.values() if p.final and p.code in catalog]:
        # a mention silent on the side (the history's "seropositive RA") does not gainsay the line that
        # says both sides; one that names a single side does
        sided = [m for m in pick.mentions if not _side_silent(ctx, m)]
        if not sided or not all(_says_both_sides(ctx, m) for m in sided):
            continue
        by_side = rules.side_variants(catalog, pick.code)
        if not rules.both_sides_coded_apart(catalog, pick.code) or pick.code not in by_side.values():
            continue
        picks.pop(pick.code)
        for side in ("right", "left"):
            add_pick(picks, catalog, by_side[side], pick.score, pick.mentions, _REASON)

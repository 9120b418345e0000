"""Hypertension in a pregnant patient (ICD-10-CM I.C.15.a.1 and I.C.15.d): a documented pregnancy codes its
hypertension in chapter 15. Essential hypertension becomes pre-existing essential hypertension complicating
pregnancy (O10.01-) by trimester; when a chapter 15 hypertension code (O10-O16) is already final, I10 adds
nothing and goes."""

from __future__ import annotations

from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

HYPERTENSION_IN_PREGNANCY = ("O10", "O11", "O12", "O13", "O14", "O15", "O16")


def trimester(weeks: int | None) -> str:
    """The trimester digit of chapter 15 (its introduction): 1st under 14 weeks, 2nd 14 to under 28, 3rd from
    28 weeks; 9 when the weeks are not documented."""
    if weeks is None:
        return "9"
    return "1" if weeks < 14 else "2" if weeks < 28 else "3"


def hypertension_in_pregnancy(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    essential = picks.get("I10")
    if not ctx.pregnant or essential is None or not essential.final:
        return
    picks.pop("I10")
    if any(p.final and p.code.startswith(HYPERTENSION_IN_PREGNANCY) for p in picks.values()):
        return
    code = f"O10.01{trimester(ctx.weeks)}"
    reason = (
        f"hypertension in a documented pregnancy: {code} (chapter 15 first, guideline I.C.15.a.1; "
        "pre-existing hypertension, I.C.15.d)"
    )
    if add_pick(picks, catalog, code, essential.score, essential.mentions, reason) is None:
        picks["I10"] = essential  # the release lacks the code: keep what was there

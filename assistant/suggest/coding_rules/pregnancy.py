"""Hypertension in a pregnant patient (ICD-10-CM I.C.15.a.1 and I.C.15.d): a documented pregnancy codes its
hypertension in chapter 15. Essential hypertension becomes pre-existing essential hypertension complicating
pregnancy (O10.01-) by trimester; when a chapter 15 hypertension code (O10-O16) is already final, I10 adds
nothing and goes. Anemia and pre-existing diabetes keep their own code beside the chapter 15 one."""

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


# A condition of another chapter in a documented pregnancy is listed with its chapter 15 code, the condition's
# own code kept beside it (the O code's "use additional code to identify the condition"): (the condition's
# code prefixes, the chapter 15 stem the trimester digit completes, what must not be final already).
COMPANIONS: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = (
    (tuple(f"D{n}" for n in range(50, 65)), "O99.01", ("O99.0",)),  # anemia (I.C.15.a.1)
    (("E11",), "O24.11", ("O24.1", "O24.4")),  # pre-existing type 2 diabetes (I.C.15.g); not gestational
    (("E10",), "O24.01", ("O24.0", "O24.4")),  # pre-existing type 1 diabetes (I.C.15.g)
)


def conditions_in_pregnancy(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if not ctx.pregnant:
        return
    for prefixes, stem, already in COMPANIONS:
        condition = [p for p in picks.values() if p.final and p.code.startswith(prefixes)]
        if not condition or any(p.final and p.code.startswith(already) for p in picks.values()):
            continue
        best = max(condition, key=lambda p: p.score)
        code = f"{stem}{trimester(ctx.weeks)}"
        reason = (
            f"{best.code} in a documented pregnancy: {code} first, {best.code} beside it "
            "(chapter 15 first, guideline I.C.15.a.1)"
        )
        add_pick(picks, catalog, code, best.score, best.mentions, reason)

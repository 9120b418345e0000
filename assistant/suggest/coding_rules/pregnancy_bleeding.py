"""Bleeding in a documented pregnancy is chapter 15's own (Index: Pregnancy, complicated by, hemorrhage):
before 20 completed weeks "hemorrhage, early" O20.9, from 20 weeks antepartum hemorrhage O46.9- by trimester,
spotting O26.85- by trimester. The menstrual bleeding code (N93.-) or the general hemorrhage code (R58) a
note's "vaginal bleeding" first reads as gives way to it."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.coding_rules.pregnancy import POSTPARTUM, in_this_pregnancy, trimester_code
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

BLEEDING = ("N93", "R58")
# Chapter 15 codes that already say where the bleeding comes from (threatened abortion, previa, abruption).
OBSTETRIC_BLEEDING = ("O20", "O44", "O45", "O46", "O26.85", "O00", "O01", "O02", "O03")
EARLY_WEEKS = 20
_SPOTTING = re.compile(r"\bspotting\b", re.IGNORECASE)
_BLEEDING = re.compile(r"\bbleed\w*|\bhemorrhag\w*|\bhaemorrhag\w*|\bblood\b", re.IGNORECASE)


def bleeding_in_pregnancy(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if not ctx.pregnant or ctx.delivered or (ctx.weeks is None and POSTPARTUM.search(ctx.note)):
        return
    for pick in [p for p in picks.values() if p.final and p.code.startswith(BLEEDING)]:
        if ctx.weeks is None and not in_this_pregnancy(pick, ctx):
            continue  # the weeks documented: any bleeding the note codes is this pregnancy's
        coded = next((c for c, p in picks.items() if p.final and c.startswith(OBSTETRIC_BLEEDING)), None)
        if coded is not None:
            demote(pick, f"bleeding in this pregnancy is coded {coded} (chapter 15, I.C.15.a.1)")
            continue
        target = _target(pick, ctx, catalog)
        reason = f"bleeding in this pregnancy: {target} (Pregnancy, complicated by, hemorrhage; I.C.15.a.1)"
        if target is not None and add_pick(picks, catalog, target, pick.score, pick.mentions, reason):
            demote(pick, f"bleeding in this pregnancy is coded {target} (chapter 15, I.C.15.a.1)")


def _target(pick: Pick, ctx: NoteContext, catalog: CodeCatalog) -> str | None:
    if any(_SPOTTING.search(m.text) for m in pick.mentions) and not any(
        _BLEEDING.search(m.text) for m in pick.mentions
    ):  # spotting only, not spotting that became bleeding
        return trimester_code("O26.85", ctx.weeks, catalog)
    if ctx.weeks is not None and ctx.weeks < EARLY_WEEKS:
        return "O20.9"
    return trimester_code("O46.9", ctx.weeks, catalog)

"""Vomiting in a documented pregnancy is chapter 15's own (Index: Pregnancy, complicated by, vomiting O21.9;
"late (after 20 completed weeks)" O21.2; guideline I.C.15.a.1): the symptom codes (R11.1-, R11.2) a note's
"nausea and vomiting of pregnancy" first reads as give way to it. Hyperemesis the note names is coded by its
own Index entry (O21.0, O21.1) and keeps its place; nausea without vomiting has no such entry, but nausea read
from a mention that also says vomiting ("N/V of pregnancy") is the same condition."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.coding_rules.pregnancy import in_this_pregnancy
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

VOMITING = ("R11.1", "R11.2")
NAUSEA = "R11.0"
_VOMITING_SAID = re.compile(
    r"(?<!without )(?<!w/o )(?<!\bno )(?:vomit|emesis\b)|\bn/v\b|\bn\s*&\s*v\b", re.IGNORECASE
)
VOMITING_OF_PREGNANCY = "O21"
LATE_AFTER_WEEKS = 20


def vomiting_in_pregnancy(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if not ctx.pregnant or ctx.delivered:
        return
    for pick in [p for p in picks.values() if p.final and _vomiting(p)]:
        if not in_this_pregnancy(pick, ctx):
            continue
        coded = next((c for c, p in picks.items() if p.final and c.startswith(VOMITING_OF_PREGNANCY)), None)
        target = coded or ("O21.2" if ctx.weeks is not None and ctx.weeks > LATE_AFTER_WEEKS else "O21.9")
        reason = f"vomiting in this pregnancy: {target} (Pregnancy, complicated by, vomiting; I.C.15.a.1)"
        if coded is not None or add_pick(picks, catalog, target, pick.score, pick.mentions, reason):
            demote(pick, f"nausea or vomiting in this pregnancy is coded {target} (chapter 15, I.C.15.a.1)")


def _vomiting(pick: Pick) -> bool:
    if pick.code.startswith(VOMITING):
        return True
    return pick.code == NAUSEA and any(_VOMITING_SAID.search(m.text) for m in pick.mentions)

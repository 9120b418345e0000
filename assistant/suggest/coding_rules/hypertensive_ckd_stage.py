"""Hypertensive chronic kidney disease by the stage coded beside it (ICD-10-CM I.C.9.a.2, tabular I12 and
I13): the "stage 5 or end stage renal disease" code goes with N18.5 / N18.6 and the "stage 1 through 4 or
unspecified" code with any other stage. A search that read "ESRD ... HTN" as the stage 1-4 code keeps the
hypertension and takes the stage the note's N18 code says."""

from __future__ import annotations

from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

END_STAGE = ("N18.5", "N18.6")
# (code for stage 1-4 or unspecified, code for stage 5 or end stage)
_BY_STAGE = (("I12.9", "I12.0"), ("I13.0", "I13.2"), ("I13.10", "I13.11"))


def hypertensive_ckd_stage(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    stages = [c for c, p in picks.items() if p.final and c.startswith("N18")]
    if not stages:
        return
    end_stage = any(c in END_STAGE for c in stages)
    for early, late in _BY_STAGE:
        have, want = (early, late) if end_stage else (late, early)
        pick = picks.get(have)
        if pick is None or not pick.final or want not in catalog:
            continue
        stage = next(c for c in stages if (c in END_STAGE) == end_stage)
        reason = f"hypertensive CKD coded by the stage beside it ({stage}; I.C.9.a.2): {have} not coded"
        if add_pick(picks, catalog, want, pick.score, pick.mentions, reason) is not None:
            picks.pop(have)

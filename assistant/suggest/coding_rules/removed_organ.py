"""An organ the note says was taken out cannot still have its disease: at a visit after a cholecystectomy
the gallstones and the cholecystitis it treated are history, not current (ICD-10-CM I.C.21.c.4, I.C.21.c.7).
At the post-operative visit itself the reason for the encounter is the surgical aftercare of that body
system (Index: Aftercare, following surgery, digestive system Z48.815), coded in place of the disease.

Only outpatient notes: a hospital stay during which the organ came out still codes the disease it was taken
out for."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, best_score, demote, head_lines
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# (the operation's words, the organ's disease codes, the aftercare code of its body system)
_REMOVALS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        r"cholecystectomy|lap(?:aroscopic)?\.?\s+chole\b|chole\b",
        ("K80.0", "K80.1", "K80.2", "K81", "K82"),
        "Z48.815",
    ),
    (r"appendectomy|lap(?:aroscopic)?\.?\s+appy\b|appy\b", ("K35", "K36", "K37", "K38"), "Z48.815"),
    (r"cataract\s+(?:surgery|extraction|removal)|phacoemulsification", ("H25", "H26"), "Z48.810"),
)
_DONE = r"(?:s/p|status\s+post|post-?op(?:erative)?|after|following|pod\s*#?\s*\d+)\s+(?:[\w-]+\s+){0,2}?"
# ... or the operation told with the year it was done ("cataract surgery both eyes 2024"), not one to come
# (a full date, "phacoemulsification with IOL, 12/16/2026", is the one scheduled)
_DATED = (
    r"(?![^.;\n]{0,30}\b(?:scheduled|planned|plan|due|next|upcoming|will)\b)"
    r"[^.;\n]{0,30}(?<![/\d-])(?:19|20)\d\d\b"
)
_REMOVED = tuple(
    (re.compile(rf"\b{_DONE}(?:{words})|\b(?:{words})\b{_DATED}", re.IGNORECASE), codes, aftercare)
    for words, codes, aftercare in _REMOVALS
)
# The visit is the check after the operation ("Post-op visit", "postoperative check", "POD 10 wound check").
_POST_OP_VISIT = re.compile(
    r"\b(?:post-?op(?:erative)?|pod\s*#?\s*\d+)\s+"
    r"(?:visit|check|f/u|follow[- ]?up|appointment|wound\s+check)\b",
    re.IGNORECASE,
)


def removed_organ(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if ctx.setting == "inpatient":
        return
    for rx, codes, aftercare in _REMOVED:
        done = rx.search(ctx.note)
        if done is None:
            continue
        gone = [p for p in picks.values() if p.final and p.code.startswith(codes)]
        for pick in gone:
            demote(
                pick,
                f'the organ was removed ("{done.group(0).strip()}"): its disease is history (I.C.21.c.4)',
            )
        visit = _POST_OP_VISIT.search(head_lines(ctx.note, 2))
        if visit is not None and aftercare in catalog:
            why = "surgical aftercare at the visit after the operation (Index: Aftercare, following surgery)"
            add_pick(picks, catalog, aftercare, best_score(picks) + 0.02, [ctx.mention(*visit.span())], why)

"""A menopausal or climacteric code (N95.-) only where the note speaks of the menopause: hot flashes a drug
causes ("hot flashes from anastrozole") are flushing (R23.2) with the adverse effect, not the menopausal
state the Index lists under "Flushing, menopausal". Hot flashes after both ovaries were removed are the
symptomatic postprocedural ovarian failure (E89.41), the flushing integral to it."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_MENOPAUSAL_TITLE = re.compile(r"menopaus|climacteric", re.IGNORECASE)
# ("premenopausal" says she is not)
_MENOPAUSE_SAID = re.compile(
    r"(?<!pre)(?<!pre-)menopaus|climacter|\b(?:HRT|MHT)\b|hormone\s+replacement", re.IGNORECASE
)

# Atrophic vaginitis is N95.2 whatever the note says of the menopause (Index: Vaginitis, senile (atrophic)).
_ATROPHIC_VAGINITIS = "N95.2"
_ATROPHIC_SAID = re.compile(r"\batroph\w*\s+(?:vulvo)?vagin\w*|\bvaginal\s+atroph\w*", re.IGNORECASE)


def menopause_unsaid(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if _MENOPAUSE_SAID.search(ctx.note):
        return
    for code, pick in picks.items():
        if code == _ATROPHIC_VAGINITIS and any(_ATROPHIC_SAID.search(m.text) for m in pick.mentions):
            continue
        if pick.final and code.startswith("N95") and _MENOPAUSAL_TITLE.search(catalog.title(code)):
            demote(pick, "the note does not speak of the menopause: no menopausal state is coded")


FLUSHING = "R23.2"
SURGICAL_OVARIAN_FAILURE = "E89.41"
_BOTH_OVARIES_REMOVED = re.compile(
    r"\b(?:BSO|bilateral\s+(?:salpingo-?)?oophorectom\w*|(?:TAH|hysterectomy)[\s/-]*(?:with\s+|w/\s*|\+\s*)?BSO)\b",
    re.IGNORECASE,
)


def flushing_after_both_ovaries_removed(
    picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog
) -> None:
    flushing = picks.get(FLUSHING)
    if flushing is None or not flushing.final or SURGICAL_OVARIAN_FAILURE not in catalog:
        return
    if not _BOTH_OVARIES_REMOVED.search(ctx.note) or ctx.age is None or ctx.age < 18:
        return
    reason = "hot flashes after both ovaries were removed: symptomatic postprocedural ovarian failure"
    if (
        add_pick(picks, catalog, SURGICAL_OVARIAN_FAILURE, flushing.score, flushing.mentions, reason)
        is not None
    ):
        demote(flushing, f"integral to {SURGICAL_OVARIAN_FAILURE} (I.B.5)")

"""High-risk sexual behavior by the partners' sex (Index: Behavior, high-risk, sexual): "(heterosexual)" is
the entry's nonessential modifier, so Z72.51 is what a note says when it names no partners; a note that
calls the patient a man who has sex with men ("MSM"), a woman who has sex with women, gay, lesbian or
homosexual is Z72.52, one that calls the patient bisexual is Z72.53."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

HETEROSEXUAL, HOMOSEXUAL, BISEXUAL = "Z72.51", "Z72.52", "Z72.53"
_BISEXUAL = re.compile(r"\bbisexual\b|\bMSMW\b|\bwith\s+(?:both\s+)?men\s+and\s+women\b", re.IGNORECASE)
_SAME_SEX = re.compile(
    r"\b(?-i:MSM|WSW)\b|\b(?:men|males?)\s+who\s+have\s+sex\s+with\s+(?:men|males)\b|"
    r"\b(?:women|females?)\s+who\s+have\s+sex\s+with\s+(?:women|females)\b|"
    r"\b(?:gay|lesbian|homosexual|same[- ]sex)\b",
    re.IGNORECASE,
)
_DENIED = re.compile(r"\b(?:no|not|denies|never)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)


def _said(rx: re.Pattern[str], note: str) -> bool:
    return any(not _DENIED.search(note[max(0, m.start() - 30) : m.start()]) for m in rx.finditer(note))


def sexual_behavior_partners(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """Z72.51 gives way to Z72.52 or Z72.53 when the note names the patient's partners as such."""
    default = picks.get(HETEROSEXUAL)
    if default is None or not default.final:
        return
    code = BISEXUAL if _said(_BISEXUAL, ctx.note) else HOMOSEXUAL if _said(_SAME_SEX, ctx.note) else None
    if code is None:
        return
    reason = f"high-risk sexual behavior, the partners named in the note: {code} (Index: Behavior, high-risk)"
    if add_pick(picks, catalog, code, default.score, default.mentions, reason) is not None:
        demote(default, f"the note names the partners: {reason}")

"""A retained foreign body (Z18.-: the injury chapter's "use additional code to identify any retained foreign
body, if applicable") is one left in the body. A note that tells the foreign body removed, and none left in,
has no Z18 code: the glass taken out of a laceration is the laceration with foreign body (S61.42-) alone."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_BODY = r"(?:FBs?|foreign\s+bod(?:y|ies)|fragments?|glass|splinters?|shards?|slivers?|shrapnel)"
_REMOVED = re.compile(
    rf"\b{_BODY}\b[^.;\n]{{0,40}}?\b(?:removed|extracted|retrieved)\b|"
    rf"\b(?:removed|extracted|retrieved|removal\s+of)\b[^.;\n]{{0,30}}?\b{_BODY}\b|"
    rf"\bno\s+(?:residual|retained|remaining)\s+(?:\w+\s+)?{_BODY}\b",
    re.IGNORECASE,
)
_LEFT_IN = re.compile(
    r"\bretained\b|\bleft\s+in\s+(?:place|situ)\b|\bunable\s+to\s+(?:remove|retrieve)\b|"
    r"\b(?:not|never)\s+(?:been\s+)?removed\b|\bcould\s*(?:not|n't)\s+be\s+removed\b",
    re.IGNORECASE,
)
_DENIED_BEFORE = re.compile(r"\b(?:no|without|w/o|denies)\s+(?:\w+\s+)?$", re.IGNORECASE)


def _left_in(note: str) -> bool:
    return any(
        not _DENIED_BEFORE.search(note[max(0, m.start() - 20) : m.start()]) for m in _LEFT_IN.finditer(note)
    )


def removed_foreign_body(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if not _REMOVED.search(ctx.note) or _left_in(ctx.note):
        return
    for pick in [p for c, p in picks.items() if c.startswith("Z18")]:
        demote(
            pick, "not coded: the note tells the foreign body removed, none retained (Z18 is a retained one)"
        )

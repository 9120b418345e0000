"""An intrauterine device placed, removed, replaced or checked at the visit (ICD-10-CM I.C.21.c.11; Z30.43-):
insertion Z30.430, routine check Z30.431, removal Z30.432, removal and reinsertion Z30.433, in place of the
general contraceptive codes (Z30.09 counseling, Z30.9 unspecified) and of the device's presence (Z97.5), which
the encounter says already. A device placed in an earlier year, or only wished for, is no encounter for it."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, best_score, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_IUD = re.compile(
    r"\b(?:iuds?|iucd|mirena|kyleena|skyla|liletta|paragard|copper\s+t|lng-?ius|"
    r"levonorgestrel\s+(?:iud|ius|intrauterine\s+\w+)|intrauterine\s+(?:device|system|contracepti\w+))\b",
    re.IGNORECASE,
)
_PLACED = re.compile(
    r"\b(?:placed|inserted|insertion|insert(?:ing)?|reinsert\w*|re-inserted)\b", re.IGNORECASE
)
_REMOVED = re.compile(r"\b(?:removed|removal|remove)\b", re.IGNORECASE)
# one word for both ("IUD exchange", "Mirena replaced", "reinserted")
_EXCHANGED = re.compile(r"\b(?:exchang\w*|replac\w*|reinsert\w*|re-inserted)\b", re.IGNORECASE)
_CHECKED = re.compile(r"\b(?:string|strings|check|checked|in\s+place|position\s+confirmed)\b", re.IGNORECASE)
# another time than this visit, or no procedure at all
_NOT_NOW = re.compile(
    r"\b(?:19|20)\d\d\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\b(?:ago|previously|prior|desires?|wants|considering|"
    r"interested|counsel\w*|discussed|options|scheduled|next\s+visit|will|plan(?:s|ned)?\s+to|declin\w*|"
    r"refus\w*|due\s+(?:for|in)|expires?)\b",
    re.IGNORECASE,
)
INSERTION, CHECK, REMOVAL, EXCHANGE = "Z30.430", "Z30.431", "Z30.432", "Z30.433"
_REPLACED = ("Z30.09", "Z30.9", "Z30.40", "Z97.5")


def _clauses(note: str) -> list[tuple[int, str]]:
    """Sentences and the parts a dash sets apart ("Desires IUD - Mirena placed today")."""
    return [(m.start(), m.group(0)) for m in re.finditer(r"(?:[^.;:\n-]|-(?!\s))+", note)]


def _clause_code(clause: str) -> str | None:
    placed, removed = _PLACED.search(clause), _REMOVED.search(clause)
    if _EXCHANGED.search(clause) or (placed and removed):
        return EXCHANGE
    if removed:
        return REMOVAL
    if placed:
        return INSERTION
    return CHECK if _CHECKED.search(clause) else None


def iud_encounter(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    found: list[tuple[str, int, re.Match[str]]] = []
    for start, clause in _clauses(ctx.note):
        device = _IUD.search(clause)
        if device is None or _NOT_NOW.search(clause):
            continue
        if (code := _clause_code(clause)) is not None:
            found.append((code, start, device))
    if not found:
        return
    codes = {code for code, _, _ in found}
    # "Paragard removed intact. New Paragard placed": the removal and the insertion of one visit
    code = EXCHANGE if EXCHANGE in codes or {REMOVAL, INSERTION} <= codes else found[0][0]
    if code not in catalog:
        return
    _, start, device = next((f for f in found if f[0] == code), found[0])
    evidence = [ctx.mention(start + device.start(), start + device.end())]
    why = f"the IUD at this visit: {catalog.title(code)} (I.C.21.c.11)"
    if add_pick(picks, catalog, code, best_score(picks) * 0.9, evidence, why) is None:
        return
    for other, pick in picks.items():
        if pick.final and other != code and other.startswith((*_REPLACED, "Z30.43")):
            demote(pick, f"{code} codes the IUD encounter (I.C.21.c.11)")

"""Sepsis with an acute organ dysfunction the note ties to it is severe sepsis (ICD-10-CM I.C.1.d.1.a; Index:
Sepsis, with, organ dysfunction R65.20): the infection's code first, R65.20, then the organ dysfunction. The
dysfunctions are those R65.2's "use additional code" note lists (acute kidney failure, acute respiratory
failure, DIC, metabolic encephalopathy, hepatic failure ...). One the note puts down to another cause ("AKI
due to dehydration") or never ties to the sepsis is coded alone: the guideline has the coder query then."""

from __future__ import annotations

import re

from assistant.suggest import rules
from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

SEVERE_SEPSIS = "R65.20"
_SEPSIS_CODES = ("A40", "A41")
_SEPSIS = r"(?:seps[a-z]*|septic[a-z]*|urosepsis)"
# "sepsis ... with AKI", "septic AKI" before the dysfunction; "AKI attributed to sepsis" after it.
_TIED_BEFORE = re.compile(
    rf"\b{_SEPSIS}\b[^;\n]{{0,100}}?(?:\bwith\b|\bw/|\bcomplicated\s+by\b)[^;\n]*$", re.I
)
_SEPTIC_RIGHT_BEFORE = re.compile(r"\bseptic\s+$", re.I)
# The words that put the dysfunction down to a cause, within its sentence's first words.
_CAUSED_BY = r"^[^.;]{0,60}?\b(?:due\s+to|secondary\s+to|attributed\s+to|from|2/2|d/t|caused\s+by"
_TIED_AFTER = re.compile(rf"{_CAUSED_BY}|related\s+to)\s+(?:the\s+)?{_SEPSIS}\b", re.I)
# "Sepsis due to E. coli w/ acute organ dysfunction (AKI)", "severe sepsis": the Index's own words (Sepsis,
# with, organ dysfunction; Sepsis, severe) said in the sepsis's mention.
_SAID_SEVERE = re.compile(
    rf"\bsevere\s+{_SEPSIS}|\b{_SEPSIS}\b[^;\n]{{0,60}}?(?:\bwith\b|\bw/)\s*(?:(?:acute|multiple|multi-?)\s+)*"
    r"organs?\s+(?:dysfunction|failure)",
    re.I,
)
# "AKI due to dehydration": the dysfunction put down to a cause other than the sepsis.
_OTHER_CAUSE = re.compile(rf"{_CAUSED_BY})\s+(?!(?:the\s+)?{_SEPSIS}|baseline|\d)", re.I)


def _tied(ctx: NoteContext, m: Mention) -> bool:
    lead = re.match(r"(?:with|w/)\s*", m.text, re.I)  # a mention that starts with its "with"
    before = ctx.note[max(m.sentence_start, m.start - 200) : m.start + (lead.end() if lead else 0)]
    after = ctx.note[m.start : m.sentence_end if m.sentence_end > m.end else m.end + 80]  # its words on
    if _OTHER_CAUSE.search(after) and not _TIED_AFTER.search(after):
        return False
    return bool(
        _TIED_AFTER.search(after) or _SEPTIC_RIGHT_BEFORE.search(before) or _TIED_BEFORE.search(before)
    )


def severe_sepsis(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if SEVERE_SEPSIS not in catalog or any(p.final and p.code.startswith("R65.2") for p in picks.values()):
        return
    sepsis = [p for p in picks.values() if p.final and p.code.startswith(_SEPSIS_CODES)]
    if not sepsis:
        return
    said = [m for p in sepsis for m in p.mentions if _SAID_SEVERE.search(m.text) and not m.negated]
    if said:
        reason = "sepsis with an acute organ dysfunction, as the note says (I.C.1.d.1.a)"
        add_pick(picks, catalog, SEVERE_SEPSIS, max(p.score for p in sepsis) * 0.95, said, reason)
        return
    dysfunctions = catalog.refs_for(SEVERE_SEPSIS, "use_additional")
    for pick in [p for p in picks.values() if p.final and p.code != SEVERE_SEPSIS]:
        if not any(rules.ref_matches(r, pick.code) for r in dysfunctions):
            continue
        tied = [m for m in pick.mentions if _tied(ctx, m)]
        if tied:
            score = max(p.score for p in sepsis) * 0.95
            reason = f"sepsis with an acute organ dysfunction ({pick.code}): severe sepsis (I.C.1.d.1.a)"
            add_pick(picks, catalog, SEVERE_SEPSIS, score, tied, reason)
            return

"""Sepsis due to a named organism is the organism's own sepsis code (ICD-10-CM I.C.1.d.1; Index: Sepsis,
Escherichia coli A41.51, Pseudomonas A41.52, Gram-negative NEC A41.59, Staphylococcus aureus A41.0-,
Streptococcus A40.-), not A41.9 "Sepsis, unspecified organism"."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.coding_rules.partners import ORGANISM_PATTERNS
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

UNSPECIFIED = "A41.9"
# The organism's B95-B97 code -> its sepsis code.
SEPSIS_OF: dict[str, str] = {
    "B95.62": "A41.02",
    "B95.61": "A41.01",
    "B95.0": "A40.0",
    "B95.1": "A40.1",
    "B95.3": "A40.3",
    "B95.2": "A41.81",
    "B96.20": "A41.51",
    "B96.5": "A41.52",
    "B96.3": "A41.3",
    "B96.1": "A41.59",  # Klebsiella and Proteus: other Gram-negative sepsis
    "B96.4": "A41.59",
}
_SEPSIS = re.compile(r"\b(?:seps\w*|septic\w*|urosepsis)\b", re.IGNORECASE)


def organism_sepsis(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    unspecified = picks.get(UNSPECIFIED)
    if unspecified is None or not unspecified.final:
        return
    said = [m for p in picks.values() if p.final for m in p.mentions if _SEPSIS.search(m.text)]
    for organism, rx in ORGANISM_PATTERNS:
        code = SEPSIS_OF.get(organism)
        mention = next((m for m in said if rx.search(m.text)), None)
        if code is None or mention is None:
            continue
        why = f"sepsis due to a named organism: {catalog.title(code)} (I.C.1.d.1)"
        if add_pick(picks, catalog, code, unspecified.score, [mention], why) is not None:
            demote(unspecified, f"{code} names the sepsis' organism")
        return

"""Esophageal varices in a liver disease the note codes: Index "Varix, esophagus, in (due to) alcoholic liver
disease, cirrhosis of liver, portal hypertension, toxic liver disease, schistosomiasis I85.1-" (secondary
esophageal varices, tabular "code first underlying disease"). The Index's "in" links the two without the note
saying so (guideline I.A.15); the bleeding character stays (I85.00 -> I85.10, I85.01 -> I85.11)."""

from __future__ import annotations

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

PRIMARY = "I85.0"
SECONDARY = "I85.1"
# alcoholic liver disease, toxic liver disease, cirrhosis of liver, portal hypertension, schistosomiasis
UNDERLYING = ("K70", "K71", "K74.6", "K76.6", "B65")


def secondary_varices(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    underlying = next((p for p in picks.values() if p.final and p.code.startswith(UNDERLYING)), None)
    if underlying is None:
        return
    for pick in [p for p in picks.values() if p.final and p.code.startswith(PRIMARY)]:
        code = SECONDARY + pick.code[len(PRIMARY) :]
        why = f"esophageal varices in {catalog.title(underlying.code)}: {code} (Index: Varix, esophagus, in)"
        if add_pick(picks, catalog, code, pick.score, pick.mentions, why) is not None:
            demote(pick, f"varices in the liver disease the note codes are secondary: {code}")

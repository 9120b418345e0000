"""Sinusitis of more than one sinus but not all of them is the category's "other" code, by the Tabular's
inclusion terms ("Sinusitis (chronic) involving more than one sinus but not pansinusitis" at J32.8, "Acute
(recurrent) sinusitis involving more than one sinus but not pansinusitis" at J01.80 / J01.81); all four
sinuses are the pansinusitis code. "Chronic sinusitis, maxillary + ethmoid" is J32.8, not J32.0 and J32.2.

The Index gives a sinusitis said without its course the chronic code ("Sinusitis (chronic)", J32.-): where the
note calls the same sinus's sinusitis acute ("R maxillary sinusitis x 8 d ... Acute recurrent maxillary
sinusitis"), that default is the same episode, and the acute code (J01.-) stands alone."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# (one code per sinus, the code for more than one, the code for all four)
_SINUSES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("J32.0", "J32.1", "J32.2", "J32.3"), "J32.8", "J32.4"),
    (("J01.00", "J01.10", "J01.20", "J01.30"), "J01.80", "J01.40"),
    (("J01.01", "J01.11", "J01.21", "J01.31"), "J01.81", "J01.41"),
)
_REASON = (
    "Tabular inclusion term: sinusitis involving more than one sinus ({}); all four are pansinusitis ({})"
)


def sinuses_together(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    for each, several, all_four in _SINUSES:
        found = [picks[c] for c in each if c in picks and picks[c].final]
        if len(found) < 2:
            continue
        code = all_four if len(found) == len(each) else several
        mentions = [m for p in found for m in p.mentions]
        score = max(p.score for p in found)
        for p in found:
            picks.pop(p.code)
        add_pick(picks, catalog, code, score, mentions, _REASON.format(several, all_four))


# The chronic code of a sinus and the acute subcategory of the same sinus (J32.0 maxillary: J01.0-).
_ACUTE_OF_CHRONIC = {
    "J32.0": "J01.0",
    "J32.1": "J01.1",
    "J32.2": "J01.2",
    "J32.3": "J01.3",
    "J32.4": "J01.4",
    "J32.8": "J01.8",
    "J32.9": "J01.9",
}
_CHRONIC_SAID = re.compile(r"\bchronic\w*|\bCRS\b|\b(?:[3-9]|1[0-2])\+?\s*(?:months?|mos?)\b", re.IGNORECASE)


def acute_sinusitis_over_the_default(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    for chronic, acute in _ACUTE_OF_CHRONIC.items():
        pick = picks.get(chronic)
        if pick is None or not pick.final or any(_CHRONIC_SAID.search(m.text) for m in pick.mentions):
            continue
        stated = next((p for c, p in picks.items() if p.final and c.startswith(acute)), None)
        if stated is None:
            continue
        stated.mentions.extend(m for m in pick.mentions if m not in stated.mentions)
        picks.pop(chronic)

"""A fracture is traumatic unless the note says why the bone broke without trauma: the Index's default is
"Fracture, traumatic", and the pathological fracture codes are for fractures documented as due to a disease,
osteoporosis, a tumour or stress (ICD-10-CM I.C.13.c, I.C.19.c). A pathological fracture code whose mention
says none of that yields to the traumatic fracture code the same mention was linked to ("R hip fx" is
S72.001A, not M84.459A). A note with osteoporosis is left to fragility_fracture (I.C.13.d.1)."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.reader import clean_query
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# Stress (M84.3), pathological NOS (M84.4), in neoplastic (M84.5) and other disease (M84.6), atypical (M84.7)
_NONTRAUMATIC = ("M84.3", "M84.4", "M84.5", "M84.6", "M84.7")
_WHY_IT_BROKE = re.compile(
    r"patholog|osteopor|osteopeni|fragility|insufficiency|\bstress\b|atypical|spontaneous|nontraumatic|"
    r"metasta|\bmets\b|tumou?r|neoplas|cancer|malignan|myeloma|lytic|lesion|disease|\bdue\s+to\b|\bd/t\b|"
    r"\b2/2\b|secondary\s+to|bisphosphonate|osteomyelitis|osteogenesis",
    re.IGNORECASE,
)
_TRAUMATIC = ("S",)
_CLOSED_OR_OPEN = re.compile(r"\b(?:closed|open)\b", re.IGNORECASE)
REASON = "a fracture is traumatic unless documented as pathological (I.C.13.c; Index: Fracture, traumatic)"


def traumatic_fracture(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if ctx.phrase or re.search(r"osteopor", ctx.note, re.IGNORECASE):
        return
    for code, pick in list(picks.items()):
        if not pick.final or not code.startswith(_NONTRAUMATIC):
            continue
        if any(_WHY_IT_BROKE.search(ctx.sentence(m)) for m in pick.mentions):
            continue
        twin = _traumatic_twin(ctx, catalog, pick)
        if twin is None or add_pick(picks, catalog, twin, pick.score, pick.mentions, REASON) is None:
            continue
        demote(pick, f"coded {twin}: {REASON}")


def _traumatic_twin(ctx: NoteContext, catalog: CodeCatalog, pick: Pick) -> str | None:
    """The traumatic fracture code the engine's own search finds first for ``pick``'s mention."""
    if ctx.search is None:
        return None
    for mention in pick.mentions:
        # asked as the Index's "Fracture, traumatic" (its walk then leads: "radius" is S52.9-, not the
        # Colles' title that holds every word), without the closed/open the 7th character carries
        query = f"traumatic {_CLOSED_OR_OPEN.sub(' ', clean_query(mention.query))}"
        for code, _score in ctx.search(" ".join(query.split()), _TRAUMATIC)[:10]:
            if "fracture" in catalog.title(code).lower():
                return code
    return None

"""Rheumatoid arthritis "with" what the note never says is the Index's plain "Arthritis, rheumatoid"
(M06.9): an M05 code needs the rheumatoid factor (seropositive, RF+, anti-CCP) or the organ involvement its
title names (vasculitis, lung, heart, myopathy, polyneuropathy) documented (I.A.15: "with" links what the
note states, it adds nothing)."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

PLAIN_RHEUMATOID = "M06.9"
# (a word of the M05 title, what a note says for it): our own wording
_TITLE_SAID = (
    ("vasculitis", r"vasculitis"),
    ("lung", r"lung|pulmonary|ILD|interstitial|nodules?"),
    ("heart", r"heart|cardi\w+|pericard\w+|myocard\w+|endocard\w+"),
    ("myopathy", r"myopathy|myositis"),
    ("polyneuropathy", r"neuropathy|polyneuropathy"),
    ("organs", r"visceral|organ"),
    ("felty", r"felty"),  # Felty's syndrome is the Index's M05.0-: its own name says it
    (
        "rheumatoid factor",
        r"seropositive|RF\s*(?:\+|pos\w*)|(?:positive|\+)\s*RF|rheumatoid\s+factor|(?:anti-?)?CCP|ACPA",
    ),
)


def _said(title: str, note: str) -> bool:
    words = [said for word, said in _TITLE_SAID if word in title.lower()]
    return bool(words) and all(re.search(rf"\b(?:{said})\b", note, re.IGNORECASE) for said in words)


_ORGANS = "|".join(said for word, said in _TITLE_SAID if word != "rheumatoid factor")
_OTHER_KIND = "M05.8"
_NO_ORGAN_INVOLVEMENT = "M05.7"


def _without_organ_involvement(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """M05.8x of a site -> M05.7x of that site where the note names no organ involvement."""
    if re.search(rf"\b(?:{_ORGANS})\b", ctx.note, re.IGNORECASE):
        return
    for code, pick in list(picks.items()):
        plain = _NO_ORGAN_INVOLVEMENT + code[len(_OTHER_KIND) :]
        if not pick.final or not code.startswith(_OTHER_KIND) or plain not in catalog:
            continue
        reason = f"{plain}: rheumatoid factor and site stated, no organ involvement ({code} not coded)"
        if add_pick(picks, catalog, plain, pick.score, pick.mentions, reason) is not None:
            picks.pop(code)


def rheumatoid_kind(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    _without_organ_involvement(picks, ctx, catalog)
    for code, pick in list(picks.items()):
        if not pick.final or not code.startswith("M05") or picks.get(code) is not pick:
            continue
        if _said(catalog.title(code), ctx.note):
            continue
        reason = f"{PLAIN_RHEUMATOID}: no rheumatoid factor or organ involvement stated ({code} not coded)"
        if add_pick(picks, catalog, PLAIN_RHEUMATOID, pick.score, pick.mentions, reason) is not None:
            picks.pop(code)

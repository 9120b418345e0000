"""Sepsis and pneumonia are coded only when the provider names them (ICD-10-CM I.C.1.d.1, I.A.19): an
organism in a culture ("Streptococcus pyogenes", "Klebsiella pneumoniae") is not an infection of the
blood or the lung. A sepsis or pneumonia code in a note that never says so is demoted."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_NEEDS: tuple[tuple[tuple[str, ...], re.Pattern[str], str], ...] = (
    (
        ("A40", "A41", "R65.2"),
        re.compile(
            r"\b(?:sepsis|septic|septicemia|septicaemia|urosepsis|bacteremia|bacteraemia|sirs)\b", re.I
        ),
        "sepsis",
    ),
    (
        ("T81.4",),
        re.compile(
            r"\b(?:post-?op\w*|post-?procedur\w*|postsurgical|surgical\s+site|incision\w*|"
            r"(?:after|following)\s+(?:the\s+|his\s+|her\s+)?(?:surgery|procedure|operation))\b",
            re.I,
        ),
        "a procedure before the infection",
    ),
    (
        ("J12", "J13", "J14", "J15", "J16", "J17", "J18"),
        re.compile(
            r"\b(?:pneumonias?|pna|cap|hcap|vap|pneumonitis|bronchopneumonia|consolidation|infiltrates?)\b",
            re.I,
        ),
        "pneumonia",
    ),
)


def named_in_note(code: str, note: str) -> str | None:
    """The condition ``code`` stands for when the note never names it; None when it does or needs no word."""
    for prefixes, words, condition in _NEEDS:
        if code.startswith(prefixes) and not words.search(note):
            return condition
    return None


def unstated_conditions(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    for code, pick in picks.items():
        if pick.vetoed:
            continue  # an option too: a "code first" pairing must not bring the unstated condition back
        condition = named_in_note(code, ctx.note)
        if condition is not None:
            demote(
                pick, f"the note never names {condition}: an organism or a finding alone is not coded as it"
            )

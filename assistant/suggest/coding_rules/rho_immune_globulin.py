"""Rho(D) immune globulin given to an Rh-negative patient who has no antibodies (at 28 weeks, after a
bleed or a delivery): the encounter is for the prophylactic injection, Z29.13 (chapter 21, Z20-Z29). An
Rh-negative mother already sensitized is maternal care for the antibodies (O36.01-), which this rule leaves to
the search: no Z29.13 where antibodies are found."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, best_score
from assistant.suggest.coding_rules.hcpcs_gate import documents_service
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

RHO_D_PROPHYLAXIS = "Z29.13"
_RHO_D = re.compile(
    r"\b(?:rhogam|rhophylac|winrho|micrhogam|rho\s*\(?d\)?\s+(?:immune\s+)?globulin|anti-?d\s+(?:immune\s+)?"
    r"(?:globulin|ig))\b",
    re.IGNORECASE,
)
# antibodies found (isoimmunized, sensitized, "antibody screen positive"), not "unsensitized" or "screen neg"
_SENSITIZED = re.compile(
    r"\b(?<!un)(?<!not\s)(?:sensitized|isoimmuni[sz]ed|alloimmuni[sz]ed)\b|"
    r"\banti-?d\s+(?:antibod\w+|titer)\s+(?:positive|\+|\d)|\bantibody\s+screen\s+(?:positive|pos\b|\+)",
    re.IGNORECASE,
)


def rho_d_prophylaxis(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if _SENSITIZED.search(ctx.note):
        return
    for sentence in re.finditer(r"[^.\n]+", ctx.note):
        found = _RHO_D.search(sentence.group(0))
        if found is None or not documents_service(sentence.group(0)):
            continue
        start = sentence.start() + found.start()
        reason = "Rho(D) immune globulin given as prophylaxis to an unsensitized patient (Z29.13)"
        add_pick(
            picks,
            catalog,
            RHO_D_PROPHYLAXIS,
            best_score(picks) * 0.9,
            [ctx.mention(start, start + len(found.group(0)))],
            reason,
        )
        return

"""Respiratory failure of both kinds ("acute hypoxic and hypercapnic respiratory failure"): J96.0-, J96.2- and
J96.9- name one kind each (x1 with hypoxia, x2 with hypercapnia), so the failure takes both codes, not one of
them nor the unspecified x0."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_FAILURE_KINDS = ("J96.0", "J96.2", "J96.9")
_HYPOXIA = r"hypox\w*"
_HYPERCAPNIA = r"hyperca(?:pn|rb)\w*"
_BOTH_KINDS = re.compile(
    rf"\b{_HYPOXIA}\s*(?:and|&|/|,|\+)\s*{_HYPERCAPNIA}|\b{_HYPERCAPNIA}\s*(?:and|&|/|,|\+)\s*{_HYPOXIA}",
    re.IGNORECASE,
)


def both_kinds_of_respiratory_failure(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    for pick in [p for p in picks.values() if p.final and p.code.startswith(_FAILURE_KINDS)]:
        said = [m for m in pick.mentions if _BOTH_KINDS.search(ctx.sentence(m))]
        if not said:
            continue
        stem = pick.code[:5]
        reason = "respiratory failure with hypoxia and with hypercapnia: one code for each kind (J96)"
        for kind in ("1", "2"):
            add_pick(picks, catalog, stem + kind, pick.score, said, reason)
        if pick.code == stem + "0":
            demote(pick, "the note names both kinds of respiratory failure (J96.x1 and J96.x2)")

"""A malignancy's hormone sensitivity status (Z19.1 sensitive, Z19.2 resistant) beside the cancer whose
tabular note asks for it (C61: "use additional code ... hormone sensitivity status (Z19.1-Z19.2)"), when
the note states it: "castration-resistant", "hormone refractory", "mCRPC", "castrate sensitive", "hormone
naive" (Index: Status, malignancy, castrate resistant prostate / hormone resistant Z19.2, hormone sensitive
Z19.1)."""

from __future__ import annotations

import re

from assistant.codesets.repository import ref_covers
from assistant.suggest.abbreviations import expand
from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_HORMONE = r"\b(?:castrat(?:e|ion)|hormone|androgen(?:[- ]deprivation)?|endocrine)[- ]"
_STATUS = (
    (re.compile(rf"{_HORMONE}(?:resistant|resistance|refractory|independent)\b", re.I), "Z19.2"),
    (re.compile(rf"{_HORMONE}(?:sensitive|sensitivity|naive|naïve|responsive|dependent)\b", re.I), "Z19.1"),
)


def hormone_sensitivity_status(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    owners = [
        p
        for p in picks.values()
        if p.final
        and p.code in catalog
        and any(ref_covers(r, "Z19.1") for r in catalog.refs_for(p.code, "use_additional"))
    ]
    if not owners:
        return
    owner = max(owners, key=lambda p: p.score)
    expanded = expand(ctx.note)  # "mCRPC": metastatic castrate resistant prostate cancer
    for rx, code in _STATUS:
        said = rx.search(expanded.text)
        if said is None:
            continue
        start = expanded.origin[said.start()]
        end = next((o for o in expanded.origin[said.end() :] if o > start), len(ctx.note))
        why = f"{code}: the stated hormone sensitivity status of {owner.code} (its use-additional note)"
        add_pick(picks, catalog, code, owner.score, [ctx.mention(start, end)], why)
        return

"""Hypothyroidism after thyroid ablation, thyroidectomy or neck irradiation is postprocedural (Index:
Hypothyroidism, postirradiation / postsurgical / following ... -> E89.0), not the unspecified E03.9."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

POSTPROCEDURAL_HYPOTHYROIDISM = "E89.0"
_PLAIN = ("E03.9", "E03.8")
_PROCEDURE = (
    r"(?:rai|radioactive\s+iodine|i-?131|(?:total\s+|partial\s+|hemi-?|completion\s+)?thyroidectomy|"
    r"radiation|radiotherapy|xrt|irradiation|ablation)"
)
_AFTER_PROCEDURE = re.compile(
    r"\bhypothyroid\w*\b[^.;\n]{0,40}?\b(?:s/p|status\s+post|after|following|post|2/2|due\s+to|d/t|"
    rf"secondary\s+to|from)\s+(?:[\w-]+\s+){{0,2}}?{_PROCEDURE}\b|"
    r"\bpost-?(?:ablative|surgical|irradiation|thyroidectomy|rai)\s+hypothyroid\w*",
    re.IGNORECASE,
)


def postprocedural_hypothyroidism(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    for pick in [p for p in picks.values() if p.final and p.code in _PLAIN]:
        said = [m for m in pick.mentions if _AFTER_PROCEDURE.search(ctx.sentence(m))]
        if not said:
            continue
        reason = "Index: Hypothyroidism, postirradiation / postsurgical: after ablation, surgery or radiation"
        if add_pick(picks, catalog, POSTPROCEDURAL_HYPOTHYROIDISM, pick.score, said, reason) is not None:
            picks.pop(pick.code)

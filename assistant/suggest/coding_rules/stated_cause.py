"""A condition the note says is due to another one, whose code's Excludes1 note sends "<condition> due to
(known physiological | underlying) condition" to another code: that code ("Delirium superimposed on dementia,
2/2 UTI" is F05, not R41.0; "pulmonary cachexia d/t COPD" is E88.A, not R64). The Excludes1 note says the
two are never coded together (I.A.12.a): the note's own statement of the cause decides which one it is."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_DUE_TO_CONDITION = re.compile(
    r"\bdue\s+to\s+(?:known\s+physiological|underlying)\s+condition\b", re.IGNORECASE
)
# The link from the condition to the one it arises from, right after the condition's words.
_CAUSE_AFTER = re.compile(
    r"\s*,?\s*(?:due\s+to|secondary\s+to|caused\s+by|d/t|2/2|superimposed\s+on|on\s+top\s+of)\s+",
    re.IGNORECASE,
)
_GAP = 3  # characters between the link and the next mention ("d/t (known) COPD" is not one)


def _is_condition(code: str) -> bool:
    """A disease, disorder or finding of chapters 1-18; not a drug or substance (F10-F19, T codes)."""
    return code[:1] in "ABCDEFGHIJKLMNOPQR" and not code.startswith("F1")


def _cause_named(picks: dict[str, Pick], ctx: NoteContext, mention: Mention) -> bool:
    """The mention's words are followed by a cause link and a mention of another condition."""
    link = _CAUSE_AFTER.match(ctx.note, mention.end)
    if link is None:
        return False
    return any(
        _is_condition(p.code) and not p.vetoed
        for p in picks.values()
        for m in p.mentions
        if link.end() <= m.start <= link.end() + _GAP and not m.negated
    )


def condition_due_to_another(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    for pick in [p for p in picks.values() if p.final and catalog.system(p.code) == "ICD-10-CM"]:
        target = next(
            (code for term, code in catalog.excludes1(pick.code) if _DUE_TO_CONDITION.search(term)), None
        )
        if target is None or target in picks and picks[target].vetoed:
            continue
        said = [m for m in pick.mentions if _cause_named(picks, ctx, m)]
        if not said:
            continue
        reason = (
            f"{pick.code} Excludes1: the note states the condition it is due to, coded {target} (I.A.12.a)"
        )
        if add_pick(picks, catalog, target, pick.score, said, reason) is not None:
            picks.pop(pick.code)

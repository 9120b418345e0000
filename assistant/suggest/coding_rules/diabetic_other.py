"""A condition the note says diabetes caused ("erectile dysfunction due to type 2 diabetes") that no
diabetes combination code took in is a diabetic complication of its own: the diabetes "with other specified
complication" code (E08-E13 .69) beside the condition's code (guidelines I.A.15 and I.C.4.a), the condition in
its "due to diseases classified elsewhere" form where its category has one (N52.1)."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.combination import is_diabetes
from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_CAUSED_BY_DIABETES = re.compile(
    r"\W{0,3}(?:due\s+to|d/t|2/2|secondary\s+to|caused\s+by|from|related\s+to|attributed\s+to)\s+"
    r"(?:(?:his|her|the|long[- ]?standing|poorly[- ]controlled|uncontrolled)\s+)*"
    r"(?:type\s+(?:[12]|ii?)\s+|t[12]\s*)?(?:diabetes|dm\b|t[12]dm\b|dm[12]\b|dmii?\b|niddm\b|iddm\b)|"
    # the Index's order, the condition then its kind ("Acute osteomyelitis of the right great toe, diabetic")
    r"\s*,\s*diabetic\s*(?:[,.;]|$)",
    re.IGNORECASE,
)
# Diabetes codes that name no complication: the "with other specified complication" code replaces them.
_NO_COMPLICATION = (".9", ".8")
_NOT_A_COMPLICATION = ("R", "Z", "E0", "E1", "O")  # symptoms, statuses, diabetes itself, pregnancy
_ELSEWHERE = "due to diseases classified elsewhere"


def _caused_by_diabetes(ctx: NoteContext, pick: Pick) -> bool:
    return any(_CAUSED_BY_DIABETES.match(ctx.note, m.end) for m in pick.mentions)


def _elsewhere_form(catalog: CodeCatalog, code: str) -> str | None:
    """The code of the condition's category titled "... due to diseases classified elsewhere"."""
    return next((c for c in catalog.leaves_under(code[:3]) if _ELSEWHERE in catalog.title(c).lower()), None)


def diabetes_with_other_complication(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    diabetes = [p for p in picks.values() if p.final and is_diabetes(p.code)]
    if not diabetes:
        return
    taken = {id(m) for p in diabetes for m in p.mentions}
    caused = [
        p
        for p in list(picks.values())
        if p.final
        and not p.code.startswith(_NOT_A_COMPLICATION)
        and catalog.system(p.code) == "ICD-10-CM"
        and not any(id(m) in taken for m in p.mentions)
        and _caused_by_diabetes(ctx, p)
    ]
    if not caused:
        return
    other = f"{diabetes[0].code[:3]}.69"
    why = "a condition the note says diabetes caused, not in a diabetes combination code (I.A.15, I.C.4.a)"
    if add_pick(picks, catalog, other, max(p.score for p in caused), caused[0].mentions, why) is None:
        return
    for p in diabetes:
        if p.code[3:] in _NO_COMPLICATION:
            demote(p, f"diabetes with the complication the note names is {other} (I.C.4.a)")
    for p in caused:
        form = _elsewhere_form(catalog, p.code)
        if form and form != p.code and add_pick(picks, catalog, form, p.score, p.mentions, why) is not None:
            demote(p, f"the condition caused by diabetes is {form} beside {other} (I.A.13)")

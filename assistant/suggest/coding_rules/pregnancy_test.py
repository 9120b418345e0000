"""A visit for a pregnancy test (Z32.0-, chapter 21): the encounter code by the test's result, "Encounter for
pregnancy test, result positive / negative / unknown", where the note names the visit so."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, best_score, visit_named
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_TEST = (
    r"(?:pregnancy\s+test(?:ing)?|upt|urine\s+(?:hcg|pregnancy\s+test)|"
    r"(?:serum\s+|urine\s+|qualitative\s+)?b?-?hcg)"
)
_TEST_VISIT = re.compile(
    rf"\b(?:presents?|presenting|here|came\s+in|comes\s+in|visit|seen|requests?|wants?)\s+(?:\w+\s+){{0,2}}?"
    rf"(?:for\s+)?(?:an?\s+)?{_TEST}\b|^\s*(?:cc|chief\s+complaint|reason\s+for\s+visit)\s*:\s*{_TEST}\b",
    re.IGNORECASE | re.MULTILINE,
)
_RESULT = re.compile(
    rf"\b{_TEST}\s*(?:is|was|:|=|result(?:ed)?)?\s*(?P<r>negative|neg\b|positive|pos\b|\(\+\)|\(-\)|\+|-(?=\s|$|[.,;]))",
    re.IGNORECASE,
)
_CODES = {"negative": "Z32.02", "positive": "Z32.01"}


def _result(note: str) -> str:
    found = _RESULT.search(note)
    if found is None:
        return "Z32.00"
    said = found.group("r").lower()
    return _CODES["positive" if said.startswith(("pos", "(+", "+")) else "negative"]


def pregnancy_test_visit(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    found = visit_named(_TEST_VISIT, ctx)
    if found is None:
        return
    code = _result(ctx.note)
    reason = "a visit for a pregnancy test: Z32.0- by its result (chapter 21)"
    add_pick(picks, catalog, code, best_score(picks), [ctx.mention(found.start(), found.end())], reason)
    for other in ("Z32.00", "Z32.01", "Z32.02"):
        if other != code and other in picks:
            picks[other].final = False

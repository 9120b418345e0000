"""A complication a final combination code already names takes no "other" code of the same kind beside it
(Charcot joint is E11.610 alone, not with E11.618 "other diabetic arthropathy")."""

from __future__ import annotations

from assistant.suggest.coding_rules.combination import combine
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

ICD = "ICD-10-CM"
ROWS = {
    "E11": ("Type 2 diabetes mellitus", False, None),
    "E11.6": ("Type 2 diabetes mellitus with other specified complications", False, "E11"),
    "E11.61": ("Type 2 diabetes mellitus with diabetic arthropathy", False, "E11.6"),
    "E11.610": ("Type 2 diabetes mellitus with diabetic neuropathic arthropathy", True, "E11.61"),
    "E11.618": ("Type 2 diabetes mellitus with other diabetic arthropathy", True, "E11.61"),
    "E11.9": ("Type 2 diabetes mellitus without complications", True, "E11"),
}
CATALOG = CodeCatalog({"codes": {c: [ICD, t, b, p, "code"] for c, (t, b, p) in ROWS.items()}, "refs": {}})


def _finals(text: str, final: str, candidate: str) -> list[str]:
    m = Mention(5, 5 + len(text), text, text, "assessment", 0, 5 + len(text))
    picks = {final: Pick(final, 0.9, True, [m]), candidate: Pick(candidate, 0.3, False, [m])}
    combine(picks, NoteContext(f"A/P: {text}"), CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


def test_charcot_arthropathy_is_e11_610_alone() -> None:
    said = "type 2 diabetes with neuropathic Charcot arthropathy of the left ankle"
    assert _finals(said, "E11.610", "E11.618") == ["E11.610"]


def test_another_diabetic_arthropathy_takes_its_own_code() -> None:
    said = "type 2 diabetes with diabetic arthropathy of the knee"
    assert _finals(said, "E11.9", "E11.618") == ["E11.618"]

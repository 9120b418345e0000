from __future__ import annotations

from datetime import date

from assistant.remit.matching import OurLine, match_lines, modifier_difference
from assistant.remit.schemas import RemitLineIn

D = date(2026, 3, 2)


def _rl(i: int, code: str, mods: list[str], charge: int, lcn: str | None = None) -> RemitLineIn:
    return RemitLineIn(
        index=i,
        procedure_qualifier="HC",
        procedure_code=code,
        modifiers=mods,
        charge_cents=charge,
        paid_cents=0,
        service_date=D,
        line_control_number=lcn,
        segment=i,
    )


OURS = [
    OurLine(1, 1, "99213", ("25",), D, 15000, "C-1"),
    OurLine(2, 2, "20610", ("RT",), D, 10000, "C-2"),
    OurLine(3, 3, "20610", ("LT",), D, 10000, "C-3"),
]


def test_line_control_number_wins_over_order() -> None:
    [m] = match_lines([_rl(1, "20610", ["LT"], 10000, "C-3")], OURS, claim_date=D)
    assert (m.method, m.line.id if m.line else None) == ("lcn", 3)


def test_exact_modifiers_preferred_then_fuzzy_with_reason() -> None:
    res = match_lines([_rl(1, "20610", ["LT"], 10000), _rl(2, "20610", [], 10000)], OURS, claim_date=D)
    assert (res[0].method, res[0].line.id) == ("exact", 3)  # type: ignore[union-attr]
    assert (res[1].method, res[1].line.id) == ("fuzzy-modifier", 2)  # type: ignore[union-attr]
    assert "dropped modifier RT" in (res[1].note or "")


def test_unmatched_line_says_why() -> None:
    [m] = match_lines([_rl(1, "81002", [], 1000, "ZZ")], OURS, claim_date=D)
    assert m.method == "unmatched" and m.line is None and "ZZ" in (m.note or "") and "81002" in (m.note or "")


def test_modifier_difference() -> None:
    assert modifier_difference(("XS",), ["59"]) == "payer changed modifier XS to 59"
    assert modifier_difference(("25",), ["25"]) is None

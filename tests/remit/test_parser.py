from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.errors import InvalidInput
from assistant.core.money import x12_cents as to_cents
from assistant.remit.balance import check_balance
from assistant.remit.parser import parse_835, parse_835_file


def test_reads_header_claims_lines_adjustments_and_plb(x12: Path) -> None:
    parsed = parse_835_file(x12 / "multi_claim.835")
    [tx] = parsed.transactions
    assert (tx.payment_cents, tx.trace_number, str(tx.payment_date)) == (23250, "EFT0012345", "2026-03-16")
    assert tx.payer.name == "ACME HEALTH PLAN" and tx.payer_key == "87726"
    assert tx.payee.identifier == "1234567893" and tx.payee.tax_id == "371234567"
    assert [c.claim_id for c in tx.claims] == ["CLM-1001", "CLM-1002", "CLM-1003", "CLM-1004", "CLM-9999"]
    c1 = tx.claims[0]
    assert (c1.status_code, c1.charge_cents, c1.paid_cents, c1.patient_responsibility_cents) == (
        "1",
        26000,
        11000,
        2000,
    )
    assert c1.payer_claim_number == "PCN1001" and c1.rendering_npi == "1497758544"
    l1, l2, l3 = c1.lines
    assert (l1.procedure_code, l1.modifiers, l1.line_control_number, l1.allowed_cents) == (
        "99213",
        ["25"],
        "CLM-1001-1",
        12000,
    )
    assert [(a.group, a.reason, a.amount_cents) for a in l1.adjustments] == [
        ("CO", "45", 3000),
        ("PR", "2", 2000),
    ]
    assert l2.remarks == ["M15"] and l3.line_control_number == "ZZ-UNKNOWN-9"
    assert tx.claims[1].remarks == ["MA130"] and tx.claims[1].lines[0].remarks == ["N657"]
    reversal = tx.claims[2]
    assert reversal.status_code == "22" and reversal.paid_cents == -6000
    assert [(a.group, a.reason, a.amount_cents) for a in reversal.adjustments] == [("CO", "45", -2000)]
    fwd = tx.claims[3]
    assert fwd.crossover_payer_name == "SECOND MUTUAL"
    # one CAS segment holding two reason triples
    assert [(a.reason, a.amount_cents) for a in fwd.lines[0].adjustments] == [("1", 2500), ("3", 1500)]
    # two PLB segments, the first with two adjustments
    assert [(p.reason, p.reference, p.amount_cents) for p in tx.provider_adjustments] == [
        ("WO", "PCN0999", 2500),
        ("L6", "INTEREST", -250),
        ("FB", "REF123", 500),
    ]
    assert check_balance(tx) == []


def test_unbalanced_file_is_reported_per_line_and_claim(x12: Path) -> None:
    [tx] = parse_835_file(x12 / "unbalanced.835").transactions
    problems = check_balance(tx)
    wheres = [p.where for p in problems]
    assert any("CLM-1001" in w and "line 1" in w for w in wheres)
    assert any(w.startswith("claim CLM-1001") and "line" not in w for w in wheres)


def test_malformed_file_is_refused(x12: Path) -> None:
    with pytest.raises(InvalidInput, match="malformed 835"):
        parse_835_file(x12 / "malformed.835")
    with pytest.raises(InvalidInput, match="not a readable X12"):
        parse_835(b"hello, this is not edi")
    with pytest.raises(InvalidInput, match="empty"):
        parse_835(b"   ")


def test_sub_cent_amounts_are_refused(x12: Path) -> None:
    data = (x12 / "multi_claim.835").read_bytes().replace(b"CAS*CO*45*30.00~", b"CAS*CO*45*30.005~")
    with pytest.raises(InvalidInput, match=r"30\.005"):  # refused by oxedi (SNIP 2) or to_cents
        parse_835(data)


@pytest.mark.parametrize(
    ("text", "cents"), [("150.00", 15000), ("-2.5", -250), ("0", 0), ("1234567.89", 123456789)]
)
def test_to_cents_is_exact(text: str, cents: int) -> None:
    assert to_cents(text, field="x") == cents


def test_to_cents_rejects_garbage() -> None:
    with pytest.raises(InvalidInput):
        to_cents("12,00", field="x")

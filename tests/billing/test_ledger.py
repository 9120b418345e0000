"""Ledger core: append-only enforcement, payments, allocation, overpayment, refunds, reversals."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from assistant.billing import service
from assistant.billing.payments import looks_like_pan, refund, take_payment
from assistant.billing.schemas import PaymentIn
from assistant.core.db import transaction
from assistant.core.errors import Conflict, InvalidInput
from tests.billing.conftest import make_owing_patient, make_patient


@pytest.fixture
def patient(sessions: sessionmaker[Session]) -> int:
    with transaction(sessions) as s:
        return make_owing_patient(s, "MEM-77")


def test_update_and_delete_are_refused_by_the_database(sessions: sessionmaker[Session], patient: int) -> None:
    with sessions() as s:
        with pytest.raises(DatabaseError, match="append-only"):
            s.execute(text("UPDATE billing_ledger_entries SET amount_cents = 1"))
        s.rollback()
        with pytest.raises(DatabaseError, match="append-only"):
            s.execute(text("DELETE FROM billing_ledger_entries"))
        s.rollback()
    with transaction(sessions) as s:
        assert service.balance(s, patient).balance_cents == 15000


def test_check_constraint_refuses_an_entry_whose_effects_do_not_match_its_kind(
    sessions: sessionmaker[Session], patient: int
) -> None:
    with sessions() as s, pytest.raises(IntegrityError):
        s.execute(
            text(
                "INSERT INTO billing_ledger_entries (patient_id, kind, amount_cents, insurance_cents, "
                "patient_cents, effective_date, description, posted_by, posted_at) VALUES "
                "(:p, 'patient_payment', 500, 0, 0, '2026-01-01', '', 't', '2026-01-01')"
            ),
            {"p": patient},
        )


def test_partial_payment_is_applied_oldest_first(sessions: sessionmaker[Session], patient: int) -> None:
    with transaction(sessions) as s:
        r = take_payment(s, PaymentIn(patient="MEM-77", amount_cents=12000, method="cash"), actor="desk")
        assert [a.amount_cents for a in r.allocations] == [10000, 2000]
        assert r.receipt_number.startswith("R") and "12,000" not in r.text and "$120.00" in r.text
        bal = service.balance(s, patient)
        assert (bal.patient_due_cents, bal.credit_cents) == (3000, 0)
        assert all(e.posted_by for e in bal.entries)


def test_overpayment_becomes_credit_then_refund(sessions: sessionmaker[Session], patient: int) -> None:
    with transaction(sessions) as s:
        unconfirmed = PaymentIn(patient=str(patient), amount_cents=20000, method="check", reference="1042")
        with pytest.raises(Conflict, match=r"more than the \$150.00 owed: \$50.00 would be left over"):
            take_payment(s, unconfirmed, actor="desk")
        assert service.balance(s, patient).entries[-1].kind == "charge"  # nothing was posted
        r = take_payment(s, unconfirmed.model_copy(update={"overpayment": "credit"}), actor="desk")
        assert r.credit_cents == 5000
        assert service.balance(s, patient).credit_cents == 5000
        with pytest.raises(Conflict, match="credit is \\$50.00"):
            refund(s, patient, 6000, method="check", reason="overpaid", actor="desk")
        out = refund(s, patient, 5000, method="check", reason="overpaid", actor="desk")
        assert out.credit_after_cents == 0
        bal = service.balance(s, patient)
        assert (bal.balance_cents, bal.credit_cents, bal.patient_due_cents) == (0, 0, 0)


def test_overpayment_refund_policy(sessions: sessionmaker[Session], patient: int) -> None:
    with transaction(sessions) as s:
        r = take_payment(
            s,
            PaymentIn(patient=str(patient), amount_cents=16000, method="cash", overpayment="refund"),
            actor="d",
        )
        assert r.refunded_cents == 1000 and "Refunded overpayment: $10.00" in r.text
        assert service.balance(s, patient).balance_cents == 0


def test_payment_to_a_chosen_encounter(sessions: sessionmaker[Session]) -> None:
    from assistant.encounters.models import Encounter

    with transaction(sessions) as s:
        pid = make_patient(s)
        enc = Encounter(patient_id=pid, date_of_service=date(2026, 3, 1), place_of_service="11")
        s.add(enc)
        s.flush()
        service.post_charge(s, pid, 4000, actor="t", service_date=date(2026, 1, 1))
        service.post_charge(s, pid, 6000, actor="t", service_date=date(2026, 3, 1), encounter_id=enc.id)
        r = take_payment(
            s, PaymentIn(patient=str(pid), amount_cents=6000, method="cash", encounter_id=enc.id), actor="d"
        )
        assert [(a.encounter_id, a.amount_cents) for a in r.allocations] == [(enc.id, 6000)]


def test_reversing_a_payment_restores_the_balance_once(sessions: sessionmaker[Session], patient: int) -> None:
    with transaction(sessions) as s:
        r = take_payment(
            s,
            PaymentIn(patient=str(patient), amount_cents=12000, method="check", reference="77"),
            actor="desk",
        )
        mirror = service.reverse(s, r.allocations[0].entry_id, reason="check bounced", actor="desk")
        assert len(mirror) == 2  # every entry of the payment
        assert service.balance(s, patient).patient_due_cents == 15000
        with pytest.raises(Conflict, match="already reversed"):
            service.reverse(s, r.allocations[1].entry_id, reason="again", actor="desk")
        with pytest.raises(Conflict, match="itself a reversal"):
            service.reverse(s, mirror[0].id, reason="undo", actor="desk")
        with pytest.raises(InvalidInput, match="reason"):
            service.reverse(s, 1, reason=" ", actor="desk")
        bal = service.balance(s, patient)
        assert {e.reversed_by_entry_id for e in bal.entries if e.payment_id and not e.reverses_entry_id} == {
            m.id for m in mirror
        }


def test_write_off_limited_to_what_is_open(sessions: sessionmaker[Session], patient: int) -> None:
    with transaction(sessions) as s:
        with pytest.raises(Conflict, match="only \\$150.00"):
            service.write_off(s, patient, 20000, bucket="patient", reason="hardship", actor="t")
        service.write_off(s, patient, 500, bucket="patient", reason="small balance", actor="t")
        assert service.balance(s, patient).patient_due_cents == 14500


@pytest.mark.parametrize("bad", [0, -5, "abc", 1.5, "12.50", True, "-5", 100_000_001])
def test_amount_must_be_positive_integer_cents(
    sessions: sessionmaker[Session], patient: int, bad: object
) -> None:
    with transaction(sessions) as s, pytest.raises(InvalidInput) as exc:
        service.post_charge(s, patient, bad, actor="t")  # type: ignore[arg-type]
    assert exc.value.field == "--amount-cents"


def test_card_numbers_are_refused(sessions: sessionmaker[Session], patient: int) -> None:
    assert looks_like_pan("4111 1111 1111 1111") and looks_like_pan("ref 5500-0000-0000-0004")
    assert not looks_like_pan("auth 123456 x4242") and not looks_like_pan("1042")
    with transaction(sessions) as s, pytest.raises(InvalidInput, match="card number") as exc:
        take_payment(
            s,
            PaymentIn(patient=str(patient), amount_cents=100, method="card", reference="4111111111111111"),
            actor="d",
        )
    assert exc.value.field == "--reference"


def test_idempotency_key_replays_the_same_receipt(sessions: sessionmaker[Session], patient: int) -> None:
    with transaction(sessions) as s:
        data = PaymentIn(patient=str(patient), amount_cents=1000, method="cash", idempotency_key="k1")
        first = take_payment(s, data, actor="d")
        second = take_payment(s, data, actor="d")
        assert second.replayed and second.receipt_number == first.receipt_number
        assert service.balance(s, patient).patient_due_cents == 14000


def test_member_id_and_internal_id_resolve_the_same_patient(
    sessions: sessionmaker[Session], patient: int
) -> None:
    from assistant.core.errors import NotFound

    with transaction(sessions) as s:
        assert service.resolve_patient(s, "MEM-77").id == patient
        assert service.resolve_patient(s, str(patient)).id == patient
        assert service.resolve_patient(s, "member:MEM-77").id == patient
        with pytest.raises(NotFound):
            service.resolve_patient(s, "NOPE-1")


def test_settled_insurance_charge_cannot_be_voided_first(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        pid = make_patient(s)
        charge = service.post_charge(
            s, pid, 500, actor="t", bucket="insurance", service_date=date(2026, 1, 1)
        )
        service.write_off(s, f"id:{pid}", 500, bucket="insurance", reason="contractual", actor="t")
        with pytest.raises(Conflict, match="negative insurance balance") as err:
            service.reverse(s, charge.id, reason="entered in error", actor="t")
        assert "write-offs applied to that charge first" in (err.value.fix or "")
        assert service.balance(s, f"id:{pid}").balance_cents == 0


def test_debt_left_by_reversing_a_refunded_payment_is_settled_first(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        pid = make_patient(s)
        paid = take_payment(
            s,
            PaymentIn(patient=f"id:{pid}", amount_cents=100, method="cash", overpayment="credit"),
            actor="t",
        )
        refund(s, f"id:{pid}", 100, method="check", reason="no balance", actor="t")
        service.reverse(s, paid.allocations[0].entry_id, reason="payment entered twice", actor="t")
        assert service.balance(s, f"id:{pid}").patient_due_cents == 100
        again = take_payment(
            s,
            PaymentIn(patient=f"id:{pid}", amount_cents=500, method="cash", overpayment="refund"),
            actor="t",
        )
        assert again.refunded_cents == 400
        assert service.balance(s, f"id:{pid}").balance_cents == 0

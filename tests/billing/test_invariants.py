"""Hypothesis: random operation sequences never create or lose money, and balances equal sums of entries."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from assistant.billing import repository as repo
from assistant.billing import service
from assistant.billing.payments import refund, take_payment
from assistant.billing.schemas import PaymentIn
from assistant.core.db import transaction
from assistant.core.errors import Conflict
from tests.billing.conftest import make_patient

amount = st.integers(min_value=1, max_value=50_000)
op = st.one_of(
    st.tuples(st.just("charge"), amount, st.sampled_from(["patient", "insurance"])),
    st.tuples(st.just("pay"), amount, st.sampled_from(["credit", "refund"])),
    st.tuples(st.just("refund"), amount, st.none()),
    st.tuples(st.just("writeoff"), amount, st.sampled_from(["patient", "insurance"])),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=30), st.none()),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=1, max_size=15))
def test_random_operations_conserve_money(sessions: sessionmaker[Session], ops: list[tuple]) -> None:
    with transaction(sessions) as s:
        pid = make_patient(s)
    expected_total = 0  # what the model says is outstanding: charges - settlements + refunds
    for kind, cents, extra in ops:
        with transaction(sessions) as s:
            before = service.balance(s, f"id:{pid}", with_entries=False)
            try:
                if kind == "charge":
                    service.post_charge(s, pid, cents, actor="h", bucket=extra, service_date=date(2026, 1, 1))
                    expected_total += cents
                elif kind == "pay":
                    take_payment(
                        s,
                        PaymentIn(patient=f"id:{pid}", amount_cents=cents, method="cash", overpayment=extra),
                        actor="h",
                    )
                    excess = max(cents - before.patient_due_cents, 0)
                    expected_total -= cents - (excess if extra == "refund" else 0)
                elif kind == "refund":
                    refund(s, f"id:{pid}", cents, method="check", reason="r", actor="h")
                    assert cents <= before.credit_cents
                    expected_total += cents
                elif kind == "writeoff":
                    service.write_off(s, f"id:{pid}", cents, bucket=extra, reason="w", actor="h")
                    expected_total -= cents
                else:
                    es = [e for e in repo.entries(s, pid) if e.reverses_entry_id is None]
                    if not es:
                        continue
                    target = es[cents % len(es)]
                    group = (
                        [target]
                        if target.payment_id is None
                        else [e for e in es if e.payment_id == target.payment_id]
                    )
                    mirrors = service.reverse(s, target.id, reason="fix", actor="h")
                    undone = {m.reverses_entry_id for m in mirrors}
                    expected_total -= sum(
                        e.insurance_cents + e.patient_cents for e in group if e.id in undone
                    )
            except Conflict:
                if kind == "refund":
                    assert cents > before.credit_cents
                elif kind == "writeoff":
                    field = "patient_due_cents" if extra == "patient" else "insurance_pending_cents"
                    assert cents > getattr(before, field) or extra == "patient"
                continue
        with transaction(sessions) as s:
            es = list(repo.entries(s, pid))
            bal = service.balance(s, f"id:{pid}", with_entries=False)
            ins, pat = sum(e.insurance_cents for e in es), sum(e.patient_cents for e in es)
            assert bal.balance_cents == ins + pat == expected_total
            assert bal.insurance_pending_cents == ins
            assert bal.patient_due_cents - bal.credit_cents == pat
            assert min(bal.patient_due_cents, bal.credit_cents) == 0
            assert service.conservation(s).difference_cents == 0
            assert all(i.insurance_cents >= 0 for i in service.items(es) if i.key[0] != "unapplied")

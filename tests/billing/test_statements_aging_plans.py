"""Statements (data, PDF text, cycles), aging on a frozen clock, payment plans and dunning."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy.orm import Session, sessionmaker

from assistant.billing import service
from assistant.billing.aging import aging
from assistant.billing.dunning import decide, parse_sequence
from assistant.billing.payments import take_payment
from assistant.billing.plans import check_plans, create_plan, list_plans
from assistant.billing.schemas import PaymentIn
from assistant.billing.statements import run_cycle, statement_data, statement_pdf
from assistant.core.db import transaction
from assistant.core.errors import Conflict
from tests.billing.conftest import make_patient


def test_statement_explains_each_amount(sessions: sessionmaker[Session], pr_flow: dict[str, int]) -> None:
    with transaction(sessions) as s:
        data = statement_data(s, "MEM-2001", issued_on=date(2026, 4, 20))
    assert data.amount_due_cents == 8500 and data.due_date == date(2026, 5, 20)
    assert len(data.visits) == 1 and len(data.visits[0].lines) == 3
    words = " ".join(e for ln in data.visits[0].lines for e in ln.explanations)
    assert "Your plan applied $40.00 to your deductible." in words
    assert "Your coinsurance share is $20.00." in words
    assert "Your copay is $25.00." in words
    assert "Your provider's contract with your plan reduces this by $40.00; you don't owe it." in words
    pdf = statement_pdf(data)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert "Amount due now: $85.00" in flat
    assert "$40.00 to your deductible" in flat
    assert "2026-05-20" in flat
    assert "How to pay" in flat
    assert "MEM-2001" in flat


def test_statement_cycle_has_no_duplicates(sessions: sessionmaker[Session], pr_flow: dict[str, int]) -> None:
    with transaction(sessions) as s:
        small = make_patient(s, "Sam", "Small")
        service.post_charge(s, small, 300, actor="t")
        first = run_cycle(s, cycle="2026-04", threshold_cents=500, actor="t")
        again = run_cycle(s, cycle="2026-04", threshold_cents=500, actor="t")
        nxt = run_cycle(s, cycle="2026-05", threshold_cents=500, actor="t")
    assert [i["patient_id"] for i in first.issued] == [pr_flow["patient_id"]]
    assert first.below_threshold == 1
    assert again.issued == [] and again.skipped_existing == [pr_flow["patient_id"]]
    assert len(nxt.issued) == 1


@time_machine.travel(date(2026, 6, 30), tick=False)
def test_aging_buckets_on_a_frozen_clock(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        a = make_patient(s, "Al", "Aged")
        for day, cents in [
            (date(2026, 6, 20), 100),
            (date(2026, 5, 20), 200),
            (date(2026, 4, 20), 400),
            (date(2026, 3, 20), 800),
            (date(2026, 1, 2), 1600),
        ]:
            service.post_charge(s, a, cents, actor="t", service_date=day)
        service.post_charge(s, a, 5000, actor="t", service_date=date(2026, 5, 1), bucket="insurance")
        report = aging(s)
    assert report.as_of == date(2026, 6, 30)
    assert report.patient_total == {"0-30": 100, "31-60": 200, "61-90": 400, "91-120": 800, "120+": 1600}
    assert report.insurance_total == {"0-30": 0, "31-60": 5000, "61-90": 0, "91-120": 0, "120+": 0}
    assert report.patients[0].oldest_patient_days == 179


@time_machine.travel(date(2026, 6, 30), tick=False)
def test_credit_is_netted_against_the_oldest_balance(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        a = make_patient(s)
        service.post_charge(s, a, 1000, actor="t", service_date=date(2026, 1, 1))
        take_payment(
            s, PaymentIn(patient=f"id:{a}", amount_cents=1500, method="cash", overpayment="credit"), actor="t"
        )
        service.post_charge(s, a, 2000, actor="t", service_date=date(2026, 6, 25))
        row = aging(s).patients[0]
    assert row.patient == {"0-30": 1500, "31-60": 0, "61-90": 0, "91-120": 0, "120+": 0}


def test_payment_plan_missed_installments_and_dunning(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        a = make_patient(s)
        service.post_charge(s, a, 30000, actor="t", service_date=date(2026, 1, 1))
        with pytest.raises(Conflict):
            create_plan(s, f"id:{a}", installment_cents=10000, total_cents=40000, actor="t")
        plan = create_plan(s, f"id:{a}", installment_cents=10000, actor="t", start_date=date(2026, 2, 1))
        assert [i.due_date for i in plan.schedule] == [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
        take_payment(
            s, PaymentIn(patient=f"id:{a}", amount_cents=10000, method="cash", plan_id=plan.id), actor="t"
        )
        on_time = list_plans(s, f"id:{a}", as_of=date(2026, 3, 3))[0]
        assert on_time.status == "current" and on_time.paid_cents == 10000
        assert decide(s, a, date(2026, 3, 3)).stage == "statement"
        late = list_plans(s, f"id:{a}", as_of=date(2026, 4, 20))[0]
        assert late.status == "behind"
        assert [i.number for i in late.missed_installments] == [2, 3]
        assert [p.id for p in check_plans(s, date(2026, 4, 20))] == [plan.id]
        d = decide(s, a, date(2026, 5, 5))  # 65 days after the first missed installment
        assert d.stage == "final_notice" and "missed" in d.reason
        seq = parse_sequence("statement:0,reminder:10,collections_hold:40")
        assert decide(s, a, date(2026, 5, 5), seq).stage == "collections_hold"


def test_dunning_without_plan_follows_age(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        a = make_patient(s)
        service.post_charge(s, a, 1000, actor="t", service_date=date(2026, 1, 1))
        assert decide(s, a, date(2026, 1, 15)).stage == "statement"
        assert decide(s, a, date(2026, 2, 15)).stage == "reminder"
        assert decide(s, a, date(2026, 5, 1)).stage == "collections_hold"

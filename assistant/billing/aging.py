"""A/R aging: open balances in 0-30, 31-60, 61-90, 91-120 and 120+ day buckets, insurance and patient apart.

Insurance balances age from the date of service; patient balances from the date they became the
patient's (the PR transfer or the self-pay charge). An unapplied credit is netted against the patient's
oldest balances first.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlalchemy.orm import Session

from assistant.billing import repository as repo
from assistant.billing.plans import active_plan
from assistant.billing.service import items, patient_name

BUCKETS = ("0-30", "31-60", "61-90", "91-120", "120+")


def bucket_for(days: int) -> str:
    if days <= 30:
        return "0-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    if days <= 120:
        return "91-120"
    return "120+"


def empty() -> dict[str, int]:
    return dict.fromkeys(BUCKETS, 0)


class PatientAging(BaseModel):
    patient_id: int
    patient_name: str
    insurance: dict[str, int]
    patient: dict[str, int]
    insurance_total_cents: int
    patient_total_cents: int
    credit_cents: int
    oldest_patient_days: int | None
    plan_id: int | None = None
    plan_missed_installments: int = 0  # missed installments of the patient's active payment plan


class AgingReport(BaseModel):
    as_of: date
    buckets: list[str]
    insurance_total: dict[str, int]
    patient_total: dict[str, int]
    insurance_total_cents: int
    patient_total_cents: int
    credit_total_cents: int
    patients: list[PatientAging]


def patient_aging(session: Session, patient_id: int, as_of: date) -> PatientAging:
    p = repo.patient(session, patient_id)
    assert p is not None
    its = items(repo.entries(session, patient_id))
    ins, pat = empty(), empty()
    credit = -sum(i.patient_cents for i in its if i.patient_cents < 0)
    oldest: int | None = None
    owed = sorted(
        (
            (i.first_patient_date or i.service_date or as_of, i.patient_cents)
            for i in its
            if i.patient_cents > 0
        ),
        key=lambda t: t[0],
    )
    for since, cents in owed:
        use = min(credit, cents)
        credit -= use
        cents -= use
        if cents:
            days = max((as_of - since).days, 0)
            pat[bucket_for(days)] += cents
            oldest = days if oldest is None else max(oldest, days)
    for i in its:
        if i.insurance_cents > 0:
            ins[bucket_for(max((as_of - (i.service_date or as_of)).days, 0))] += i.insurance_cents
    plan = active_plan(session, patient_id, as_of)
    return PatientAging(
        patient_id=patient_id,
        patient_name=patient_name(p),
        plan_id=plan.id if plan is not None else None,
        plan_missed_installments=len(plan.missed_installments) if plan is not None else 0,
        insurance=ins,
        patient=pat,
        insurance_total_cents=sum(ins.values()),
        patient_total_cents=sum(pat.values()),
        credit_cents=credit,
        oldest_patient_days=oldest,
    )


def aging(session: Session, as_of: date | None = None) -> AgingReport:
    as_of = as_of or date.today()
    rows = [patient_aging(session, pid, as_of) for pid in repo.patients_with_entries(session)]
    rows = [r for r in rows if r.insurance_total_cents or r.patient_total_cents or r.credit_cents]
    ins_t, pat_t = empty(), empty()
    for r in rows:
        for b in BUCKETS:
            ins_t[b] += r.insurance[b]
            pat_t[b] += r.patient[b]
    return AgingReport(
        as_of=as_of,
        buckets=list(BUCKETS),
        insurance_total=ins_t,
        patient_total=pat_t,
        insurance_total_cents=sum(ins_t.values()),
        patient_total_cents=sum(pat_t.values()),
        credit_total_cents=sum(r.credit_cents for r in rows),
        patients=rows,
    )

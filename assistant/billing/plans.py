"""Payment plans: an agreed schedule; what was paid and what was missed are read from the ledger."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import BaseModel
from sqlalchemy.orm import Session

from assistant.billing import repository as repo
from assistant.billing.models import PaymentPlan
from assistant.billing.pdf import text_pdf
from assistant.billing.practice import Practice, practice_from
from assistant.billing.service import balance, patient_name, resolve_patient
from assistant.core.errors import Conflict, InvalidInput, NotFound
from assistant.core.money import dollars, payment_limit, require_cents

FREQUENCIES = ("weekly", "biweekly", "monthly")


class Installment(BaseModel):
    number: int
    due_date: date
    amount_cents: int


class PlanOut(BaseModel):
    id: int
    patient_id: int
    patient_name: str = ""
    total_cents: int
    installment_cents: int
    frequency: str
    start_date: date
    grace_days: int
    status: str  # active | current | behind | completed | cancelled
    paid_cents: int
    remaining_cents: int
    expected_by_now_cents: int
    missed_installments: list[Installment]
    next_installment: Installment | None
    schedule: list[Installment]


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def schedule(plan: PaymentPlan) -> list[Installment]:
    n, last = divmod(plan.total_cents, plan.installment_cents)
    amounts = [plan.installment_cents] * n + ([last] if last else [])
    out = []
    for i, amount in enumerate(amounts):
        if plan.frequency == "monthly":
            due = add_months(plan.start_date, i)
        else:
            due = plan.start_date + timedelta(days=(7 if plan.frequency == "weekly" else 14) * i)
        out.append(Installment(number=i + 1, due_date=due, amount_cents=amount))
    return out


@dataclass
class _Progress:
    paid: int
    expected: int
    missed: list[Installment]


def _progress(plan: PaymentPlan, paid: int, as_of: date) -> _Progress:
    expected = 0
    missed = []
    covered = paid
    for inst in schedule(plan):
        if inst.due_date + timedelta(days=plan.grace_days) < as_of:
            expected += inst.amount_cents
            if covered >= inst.amount_cents:
                covered -= inst.amount_cents
            else:
                covered = 0
                missed.append(inst)
    return _Progress(paid, expected, missed)


def plan_out(session: Session, plan: PaymentPlan, as_of: date | None = None) -> PlanOut:
    as_of = as_of or date.today()
    paid = repo.plan_paid_cents(session, plan.id)
    prog = _progress(plan, paid, as_of)
    sched = schedule(plan)
    if plan.cancelled_on is not None:
        status = "cancelled"
    elif paid >= plan.total_cents:
        status = "completed"
    elif prog.missed:
        status = "behind"
    else:
        status = "current"
    covered = paid
    upcoming = None
    for inst in sched:
        if covered >= inst.amount_cents:
            covered -= inst.amount_cents
            continue
        upcoming = inst
        break
    who = repo.patient(session, plan.patient_id)
    return PlanOut(
        id=plan.id,
        patient_id=plan.patient_id,
        patient_name=patient_name(who) if who is not None else "",
        total_cents=plan.total_cents,
        installment_cents=plan.installment_cents,
        frequency=plan.frequency,
        start_date=plan.start_date,
        grace_days=plan.grace_days,
        status=status,
        paid_cents=paid,
        remaining_cents=max(plan.total_cents - paid, 0),
        expected_by_now_cents=prog.expected,
        missed_installments=prog.missed,
        next_installment=upcoming if status in ("current", "behind") else None,
        schedule=sched,
    )


def create_plan(
    session: Session,
    patient: str | int,
    *,
    installment_cents: int | None = None,
    actor: str,
    total_cents: int | None = None,
    installments: int | None = None,
    frequency: str = "monthly",
    start_date: date | None = None,
    grace_days: int = 5,
) -> PlanOut:
    """A plan for ``total_cents`` (default: all the patient owes now) in ``installment_cents`` steps, or in
    ``installments`` equal steps (the last one takes the rounding)."""
    p = resolve_patient(session, patient)
    if (installment_cents is None) == (installments is None):
        raise InvalidInput(
            "give either the installment amount or the number of installments",
            field="installments",
            fix="e.g. 3 installments, or an installment of 3000 cents",
        )
    if frequency not in FREQUENCIES:
        raise InvalidInput(
            f"unknown frequency {frequency!r}", field="--frequency", fix=", ".join(FREQUENCIES)
        )
    if grace_days < 0:
        raise InvalidInput("grace days cannot be negative", field="--grace-days")
    due = balance(session, p, with_entries=False).patient_due_cents
    total = (
        require_cents(total_cents, field="--total-cents", max_cents=payment_limit())
        if total_cents is not None
        else due
    )
    if total <= 0:
        raise Conflict(f"patient {p.id} owes nothing", field="--total-cents", fix="give --total-cents")
    if total > due:
        raise Conflict(
            f"a plan of {dollars(total)} is more than the {dollars(due)} the patient owes",
            field="--total-cents",
            fix=f"use at most {due} cents",
        )
    if installments is not None:
        if not 1 <= installments <= 120:
            raise InvalidInput(
                f"{installments} installments is not a plan", field="installments", fix="from 1 to 120"
            )
        installment = -(-total // installments)  # ceiling: n-1 equal steps and a smaller last one
        if -(-total // installment) != installments:
            raise InvalidInput(
                f"{dollars(total)} cannot be split into {installments} installments of whole cents",
                field="installments",
                fix="choose fewer installments",
            )
    else:
        installment = require_cents(installment_cents, field="--installment-cents", max_cents=payment_limit())
    if installment > total:
        raise InvalidInput("the installment is larger than the plan", field="--installment-cents")
    for existing in repo.plans(session, p.id):
        if plan_out(session, existing).status in ("current", "behind"):
            raise Conflict(
                f"patient {p.id} already has active plan {existing.id}",
                field="patient_id",
                fix="cancel it first or pay into it",
            )
    plan = PaymentPlan(
        patient_id=p.id,
        total_cents=total,
        installment_cents=installment,
        frequency=frequency,
        start_date=start_date or date.today(),
        grace_days=grace_days,
        created_by=actor,
    )
    session.add(plan)
    session.flush()
    return plan_out(session, plan)


def list_plans(
    session: Session, patient: str | int | None = None, as_of: date | None = None
) -> list[PlanOut]:
    pid = resolve_patient(session, patient).id if patient is not None else None
    return [plan_out(session, pl, as_of) for pl in repo.plans(session, pid)]


def get_plan(session: Session, plan_id: int) -> PaymentPlan:
    plan = repo.plan(session, plan_id)
    if plan is None:
        raise NotFound(f"no payment plan {plan_id}", field="plan_id")
    return plan


def check_plans(session: Session, as_of: date | None = None) -> list[PlanOut]:
    """Active plans with missed installments (for the dunning run and the biller's list)."""
    return [p for p in list_plans(session, None, as_of) if p.status == "behind"]


def active_plan(session: Session, patient_id: int, as_of: date | None = None) -> PlanOut | None:
    for pl in repo.plans(session, patient_id):
        out = plan_out(session, pl, as_of)
        if out.status in ("current", "behind"):
            return out
    return None


def plan_text(session: Session, plan: PlanOut, practice: Practice | None = None) -> str:
    """The letter the patient keeps: the agreement, each installment with its due date, what is paid."""
    p = repo.patient(session, plan.patient_id)
    who = patient_name(p) if p is not None else f"patient {plan.patient_id}"
    practice = practice or practice_from()
    missed = {i.number for i in plan.missed_installments}
    lines = [
        *practice.header_lines(),
        "",
        f"PAYMENT PLAN {plan.id} for {who} (account {plan.patient_id})",
        f"Total: {dollars(plan.total_cents)} in {len(plan.schedule)} {plan.frequency} installments, "
        f"starting {plan.start_date.isoformat()}.",
        f"Paid so far: {dollars(plan.paid_cents)}. Still to pay: {dollars(plan.remaining_cents)}.",
        f"Status: {plan.status}.",
        "",
        "Schedule:",
    ]
    for inst in plan.schedule:
        flag = "  MISSED" if inst.number in missed else ""
        lines.append(f"  {inst.number}. {inst.due_date.isoformat()}  {dollars(inst.amount_cents)}{flag}")
    lines += [
        "",
        f"A payment more than {plan.grace_days} days late is a missed installment; please call us if a "
        "date will not work. Every payment you make goes to this plan first.",
    ]
    return "\n".join(lines)


def plan_pdf(session: Session, plan: PlanOut, practice: Practice | None = None) -> bytes:
    return text_pdf("Payment plan", plan_text(session, plan, practice))

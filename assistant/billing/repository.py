"""All SQL of the billing domain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from assistant.billing.models import LedgerEntry, Payment, PaymentPlan, Statement
from assistant.claims.models import Claim, ServiceLine
from assistant.encounters.models import Encounter
from assistant.parties.models import Coverage, Patient, Payer, Provider
from assistant.remit.models import Remit, RemitAdjustment, RemitClaim, RemitLine


def patient(session: Session, patient_id: int) -> Patient | None:
    return session.get(Patient, patient_id)


def patients_by_member_id(session: Session, member_id: str) -> Sequence[Patient]:
    # A subquery, not DISTINCT over the rows: PostgreSQL cannot compare the JSON columns DISTINCT would.
    holders = select(Coverage.patient_id).where(Coverage.member_id == member_id)
    return session.scalars(select(Patient).where(Patient.id.in_(holders)).order_by(Patient.id)).all()


def member_ids(session: Session, patient_id: int) -> list[str]:
    return list(session.scalars(select(Coverage.member_id).where(Coverage.patient_id == patient_id)).all())


def entries(session: Session, patient_id: int) -> Sequence[LedgerEntry]:
    return session.scalars(
        select(LedgerEntry).where(LedgerEntry.patient_id == patient_id).order_by(LedgerEntry.id)
    ).all()


def all_entries(session: Session) -> Sequence[LedgerEntry]:
    return session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)).all()


def entry(session: Session, entry_id: int) -> LedgerEntry | None:
    return session.get(LedgerEntry, entry_id)


def entry_by_key(session: Session, key: str) -> LedgerEntry | None:
    return session.scalar(select(LedgerEntry).where(LedgerEntry.posting_key == key))


def reversal_of(session: Session, entry_id: int) -> LedgerEntry | None:
    return session.scalar(select(LedgerEntry).where(LedgerEntry.reverses_entry_id == entry_id))


def payment_entries(session: Session, payment_id: int) -> Sequence[LedgerEntry]:
    return session.scalars(
        select(LedgerEntry).where(LedgerEntry.payment_id == payment_id).order_by(LedgerEntry.id)
    ).all()


def sums(session: Session, patient_id: int) -> tuple[int, int]:
    row = session.execute(
        select(
            func.coalesce(func.sum(LedgerEntry.insurance_cents), 0),
            func.coalesce(func.sum(LedgerEntry.patient_cents), 0),
        ).where(LedgerEntry.patient_id == patient_id)
    ).one()
    return int(row[0]), int(row[1])


def patients_with_entries(session: Session) -> list[int]:
    return list(session.scalars(select(LedgerEntry.patient_id).distinct().order_by(LedgerEntry.patient_id)))


def payment(session: Session, payment_id: int) -> Payment | None:
    return session.get(Payment, payment_id)


def latest_payment(session: Session, patient_id: int) -> Payment | None:
    return session.scalar(
        select(Payment).where(Payment.patient_id == patient_id).order_by(Payment.id.desc()).limit(1)
    )


def entries_with_key_prefix(session: Session, prefix: str) -> Sequence[LedgerEntry]:
    return session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.posting_key.startswith(prefix, autoescape=True))
        .order_by(LedgerEntry.id)
    ).all()


def payment_by_receipt(session: Session, receipt_number: str) -> Payment | None:
    return session.scalar(select(Payment).where(Payment.receipt_number == receipt_number))


def payment_by_idempotency_key(session: Session, key: str) -> Payment | None:
    return session.scalar(select(Payment).where(Payment.idempotency_key == key))


def next_id(session: Session, model: type[Payment] | type[Statement]) -> int:
    return int(session.scalar(select(func.coalesce(func.max(model.id), 0))) or 0) + 1


def claim(session: Session, claim_pk: int) -> Claim | None:
    return session.get(Claim, claim_pk)


def service_line(session: Session, line_id: int) -> ServiceLine | None:
    return session.get(ServiceLine, line_id)


def provider(session: Session, provider_id: int) -> Provider | None:
    return session.get(Provider, provider_id)


def encounter(session: Session, encounter_id: int) -> Encounter | None:
    return session.get(Encounter, encounter_id)


def claims_for_patient(session: Session, patient_id: int) -> Sequence[Claim]:
    return session.scalars(select(Claim).where(Claim.patient_id == patient_id).order_by(Claim.id)).all()


def claims_in_statuses(session: Session, statuses: Sequence[str]) -> Sequence[Claim]:
    return session.scalars(select(Claim).where(Claim.status.in_(list(statuses))).order_by(Claim.id)).all()


def plan(session: Session, plan_id: int) -> PaymentPlan | None:
    return session.get(PaymentPlan, plan_id)


def plans(session: Session, patient_id: int | None = None) -> Sequence[PaymentPlan]:
    q = select(PaymentPlan).order_by(PaymentPlan.id)
    if patient_id is not None:
        q = q.where(PaymentPlan.patient_id == patient_id)
    return session.scalars(q).all()


def plan_paid_cents(session: Session, plan_id: int) -> int:
    paid = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
            LedgerEntry.plan_id == plan_id, LedgerEntry.kind == "plan_installment"
        )
    )
    return int(paid or 0)


def statement_for_cycle(session: Session, patient_id: int, cycle: str) -> Statement | None:
    return session.scalar(
        select(Statement).where(Statement.patient_id == patient_id, Statement.cycle == cycle)
    )


def statements(session: Session, patient_id: int | None = None) -> Sequence[Statement]:
    q = select(Statement).order_by(Statement.id)
    if patient_id is not None:
        q = q.where(Statement.patient_id == patient_id)
    return session.scalars(q).all()


def entries_between(session: Session, start: date, end: date) -> Sequence[LedgerEntry]:
    return session.scalars(
        select(LedgerEntry).where(LedgerEntry.effective_date >= start, LedgerEntry.effective_date <= end)
    ).all()


# ------------------------------------------------------------------ remittances read by the ledger


def remit_claims_in_posting_order(session: Session, remit_id: int) -> Sequence[RemitClaim]:
    return session.scalars(
        select(RemitClaim).where(RemitClaim.remit_id == remit_id).order_by(RemitClaim.id)
    ).all()


def remit_ids(session: Session) -> Sequence[int]:
    return session.scalars(select(Remit.id).order_by(Remit.id)).all()


def adjudicated_line_adjustments(
    session: Session, start: date, end: date, payer_id: str | None = None
) -> Sequence[tuple[str, str | None, int, str | None, str | None, int | None]]:
    """(payer id, payer name, remit line id, group, CARC, amount) for every line of every remit paid in the
    period (or undated), one row per adjustment (None when the line has none); reversals excluded."""
    rows = session.execute(
        select(
            Remit.payer_id,
            Remit.payer_name,
            RemitLine.id,
            RemitAdjustment.group_code,
            RemitAdjustment.reason_code,
            RemitAdjustment.amount_cents,
        )
        .join(RemitClaim, RemitClaim.remit_id == Remit.id)
        .join(RemitLine, RemitLine.remit_claim_id == RemitClaim.id)
        .outerjoin(RemitAdjustment, RemitAdjustment.remit_line_id == RemitLine.id)
        .where(RemitClaim.outcome != "reversed")
        .where((Remit.payment_date.is_(None)) | ((Remit.payment_date >= start) & (Remit.payment_date <= end)))
        .where(Remit.payer_id == payer_id if payer_id else true())
    ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


# ------------------------------------------------------------------ account search


def search_patient_ids(
    session: Session,
    *,
    words: Sequence[str] = (),
    dob: date | None = None,
    number: str | None = None,
    limit: int = 25,
) -> list[int]:
    """Patients whose names contain every word and who were born on ``dob`` (either may be left out), and
    those holding ``number`` as member ID, claim number (ours or the payer's) or account number."""
    found: list[int] = []
    if words or dob is not None:
        q = select(Patient.id)
        for w in words:
            like = f"%{w.lower()}%"
            q = q.where(func.lower(Patient.first_name).like(like) | func.lower(Patient.last_name).like(like))
        if dob is not None:
            q = q.where(Patient.dob == dob)
        found += session.scalars(q.order_by(Patient.last_name, Patient.first_name).limit(limit)).all()
    if number:
        upper = number.upper()
        found += session.scalars(
            select(Coverage.patient_id).where(func.upper(Coverage.member_id) == upper).limit(limit)
        ).all()
        found += session.scalars(
            select(Claim.patient_id)
            .where((func.upper(Claim.claim_id) == upper) | (func.upper(Claim.payer_claim_number) == upper))
            .limit(limit)
        ).all()
        if number.isdigit():
            found += session.scalars(select(Patient.id).where(Patient.id == int(number))).all()
    return list(dict.fromkeys(found))[:limit]


def patients_by_ids(session: Session, ids: Sequence[int]) -> list[Patient]:
    by_id = {p.id: p for p in session.scalars(select(Patient).where(Patient.id.in_(list(ids)))).all()}
    return [by_id[i] for i in ids if i in by_id]


def claim_numbers(session: Session, patient_id: int) -> list[str]:
    return list(
        session.scalars(select(Claim.claim_id).where(Claim.patient_id == patient_id).order_by(Claim.id)).all()
    )


# ------------------------------------------------------------------ revenue reports

SELF_PAY = "self-pay"  # entries on no claim: self-pay charges, patient payments and credits kept unapplied


PAYER_ID = func.coalesce(Payer.payer_id, SELF_PAY)
PAYER_NAME = func.coalesce(Payer.name, "Self-pay / no claim")


def _payer_of_entry(*columns: Any) -> Any:
    """Ledger entries with the payer of their claim (self-pay without one), grouped by that payer."""
    return (
        select(PAYER_ID, PAYER_NAME, *columns)
        .select_from(LedgerEntry)
        .outerjoin(Claim, Claim.id == LedgerEntry.claim_pk)
        .outerjoin(Payer, Payer.id == Claim.payer_pk)
        .group_by(Payer.payer_id, Payer.name)  # the raw columns: no bound value in GROUP BY (PostgreSQL)
    )


def _only_payer(q: Any, payer_id: str | None) -> Any:
    if not payer_id:
        return q
    if payer_id == SELF_PAY:
        return q.where(Payer.payer_id.is_(None))
    return q.where(Payer.payer_id == payer_id)


def ledger_sums_by_payer(
    session: Session, start: date, end: date, payer_id: str | None = None
) -> list[tuple[str, str, str, int]]:
    """(payer id, payer name, entry kind, cents) of the entries dated in the period, by the claim's payer."""
    q = (
        _payer_of_entry(LedgerEntry.kind, func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.effective_date >= start, LedgerEntry.effective_date <= end)
        .group_by(LedgerEntry.kind)
    )
    return [(r[0], r[1], r[2], int(r[3] or 0)) for r in session.execute(_only_payer(q, payer_id)).all()]


def balances_by_payer_and_patient(
    session: Session, as_of: date, payer_id: str | None = None
) -> list[tuple[str, str, int, int, int]]:
    """(payer id, payer name, patient id, insurance cents, patient cents) owed on ``as_of``."""
    q = (
        _payer_of_entry(
            LedgerEntry.patient_id,
            func.sum(LedgerEntry.insurance_cents),
            func.sum(LedgerEntry.patient_cents),
        )
        .where(LedgerEntry.effective_date <= as_of)
        .group_by(LedgerEntry.patient_id)
    )
    return [
        (r[0], r[1], int(r[2]), int(r[3] or 0), int(r[4] or 0))
        for r in session.execute(_only_payer(q, payer_id)).all()
    ]


def payers(session: Session) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in session.execute(select(Payer.payer_id, Payer.name).order_by(Payer.name))]

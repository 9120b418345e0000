"""Patient-billing ORM: the append-only ledger, payments, payment plans and statements.

Every money movement is one ``LedgerEntry`` in integer cents. Each entry carries its signed effect on
the two buckets of the account: ``insurance_cents`` (what a payer still has to settle) and
``patient_cents`` (what the patient owes; negative means a credit). Balances are always sums of these
columns, never stored. Entries, payments and statements are never updated or deleted: SQLite triggers
(created with the table and by migration ``0300_billing``) abort any UPDATE or DELETE, and a correction
is a new entry pointing at the one it reverses.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    DDL,
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from assistant.core.db import Base, utcnow


class EntryKind(StrEnum):
    CHARGE = "charge"
    INSURANCE_PAYMENT = "insurance_payment"
    CONTRACTUAL_ADJUSTMENT = "contractual_adjustment"
    PR_TRANSFER = "pr_transfer"  # insurance -> patient (PR-1 deductible, PR-2 coinsurance, PR-3 copay)
    PATIENT_PAYMENT = "patient_payment"
    PLAN_INSTALLMENT = "plan_installment"  # a patient payment made under a payment plan
    REFUND = "refund"
    WRITE_OFF = "write_off"


class Bucket(StrEnum):
    INSURANCE = "insurance"
    PATIENT = "patient"


class PaymentMethod(StrEnum):
    CASH = "cash"
    CHECK = "check"
    CARD = "card"
    OTHER = "other"


# The one place that says how an entry of each kind moves the two buckets (the migration's CHECK
# constraint says the same thing to the database).
ENTRY_CHECK = (
    "(kind = 'charge' AND insurance_cents + patient_cents = amount_cents"
    " AND (insurance_cents = 0 OR patient_cents = 0))"
    " OR (kind IN ('insurance_payment', 'contractual_adjustment')"
    " AND insurance_cents = -amount_cents AND patient_cents = 0)"
    " OR (kind = 'pr_transfer' AND insurance_cents = -amount_cents AND patient_cents = amount_cents)"
    " OR (kind IN ('patient_payment', 'plan_installment') AND patient_cents = -amount_cents"
    " AND insurance_cents = 0)"
    " OR (kind = 'refund' AND patient_cents = amount_cents AND insurance_cents = 0)"
    " OR (kind = 'write_off' AND insurance_cents + patient_cents = -amount_cents"
    " AND (insurance_cents = 0 OR patient_cents = 0))"
)

APPEND_ONLY_TABLES = ("billing_ledger_entries", "billing_payments", "billing_statements")


def append_only_triggers(table: str) -> list[str]:
    message = f"{table} is append-only: post a reversing entry instead of editing or deleting"
    return [
        f"CREATE TRIGGER IF NOT EXISTS trg_{table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER IF NOT EXISTS trg_{table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
    ]


class Payment(Base):
    """Money received from (or for) a patient; its ledger entries say where it was applied."""

    __tablename__ = "billing_payments"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="positive_amount"),
        CheckConstraint("method IN ('cash', 'check', 'card', 'other')", name="method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_number: Mapped[str] = mapped_column(String(24), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(8))
    reference: Mapped[str | None] = mapped_column(String(60))  # check number, card auth/last-4, never a PAN
    received_on: Mapped[date] = mapped_column(Date)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("billing_payment_plans.id"), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    note: Mapped[str | None] = mapped_column(Text)
    posted_by: Mapped[str] = mapped_column(String(80))
    posted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LedgerEntry(Base):
    __tablename__ = "billing_ledger_entries"
    __table_args__ = (CheckConstraint(ENTRY_CHECK, name="bucket_effect"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)  # signed: a reversal or payer take-back is negative
    insurance_cents: Mapped[int] = mapped_column(Integer)  # signed effect on what insurance owes
    patient_cents: Mapped[int] = mapped_column(Integer)  # signed effect on what the patient owes
    effective_date: Mapped[date] = mapped_column(Date, index=True)  # service / remit / receipt date
    encounter_id: Mapped[int | None] = mapped_column(ForeignKey("encounters.id"), index=True)
    claim_pk: Mapped[int | None] = mapped_column(ForeignKey("claims.id"), index=True)
    service_line_id: Mapped[int | None] = mapped_column(ForeignKey("service_lines.id"), index=True)
    remit_id: Mapped[int | None] = mapped_column(ForeignKey("remits.id"), index=True)
    remit_line_id: Mapped[int | None] = mapped_column(ForeignKey("remit_lines.id"))
    remit_adjustment_id: Mapped[int | None] = mapped_column(ForeignKey("remit_adjustments.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("billing_payments.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("billing_payment_plans.id"), index=True)
    # a payment/write-off applied to a charge that has no line, claim or encounter (self-pay charge)
    applies_to_entry_id: Mapped[int | None] = mapped_column(ForeignKey("billing_ledger_entries.id"))
    reverses_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("billing_ledger_entries.id"), unique=True
    )
    posting_key: Mapped[str | None] = mapped_column(
        String(120), unique=True
    )  # idempotency of automatic posts
    group_code: Mapped[str | None] = mapped_column(String(2))  # CAS group (CO, PR, PI, OA, CR)
    reason_code: Mapped[str | None] = mapped_column(String(5))  # CARC
    description: Mapped[str] = mapped_column(Text, default="")
    posted_by: Mapped[str] = mapped_column(String(80))
    posted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PaymentPlan(Base):
    """An agreement to pay ``total_cents`` in installments; progress is read from the ledger."""

    __tablename__ = "billing_payment_plans"
    __table_args__ = (
        CheckConstraint("total_cents > 0 AND installment_cents > 0", name="positive_amounts"),
        CheckConstraint("frequency IN ('weekly', 'biweekly', 'monthly')", name="frequency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    total_cents: Mapped[int] = mapped_column(Integer)
    installment_cents: Mapped[int] = mapped_column(Integer)
    frequency: Mapped[str] = mapped_column(String(10), default="monthly")
    start_date: Mapped[date] = mapped_column(Date)
    grace_days: Mapped[int] = mapped_column(Integer, default=5)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    cancel_reason: Mapped[str | None] = mapped_column(Text)


class Statement(Base):
    """One statement sent to a patient; at most one per patient per cycle."""

    __tablename__ = "billing_statements"
    __table_args__ = (UniqueConstraint("patient_id", "cycle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_number: Mapped[str] = mapped_column(String(32), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    cycle: Mapped[str] = mapped_column(String(20), index=True)
    stage: Mapped[str] = mapped_column(String(20))  # dunning stage: statement | reminder | final_notice | ...
    issued_on: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    amount_due_cents: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, object]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


for _table in APPEND_ONLY_TABLES:
    _t = Base.metadata.tables[_table]
    for _sql in append_only_triggers(_table):
        event.listen(_t, "after_create", DDL(_sql).execute_if(dialect="sqlite"))


ENTRY_LABEL: dict[str, str] = {
    EntryKind.CHARGE: "Charge",
    EntryKind.INSURANCE_PAYMENT: "Insurance payment",
    EntryKind.CONTRACTUAL_ADJUSTMENT: "Contractual adjustment",
    EntryKind.PR_TRANSFER: "Moved to patient responsibility",
    EntryKind.PATIENT_PAYMENT: "Patient payment",
    EntryKind.PLAN_INSTALLMENT: "Payment-plan installment",
    EntryKind.REFUND: "Refund",
    EntryKind.WRITE_OFF: "Write-off",
}

"""Pydantic views of the billing domain (CLI --json and the JSON API print these)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, get_args

from pydantic import BaseModel, Field, field_validator

from assistant.core.errors import InvalidInput
from assistant.core.money import PositiveCents

Method = Literal["cash", "check", "card", "other"]
METHODS: tuple[str, ...] = get_args(Method)
OverpaymentPolicy = Literal["credit", "refund"]
EARLIEST_DATE = date(1900, 1, 1)


def check_past_date(value: date, *, field: str) -> date:
    """A date that has happened: not after today, not before 1900."""
    if value > date.today() or value < EARLIEST_DATE:
        raise InvalidInput(
            f"{field} {value.isoformat()} is not a plausible date",
            field=field,
            fix=f"give a date between {EARLIEST_DATE.isoformat()} and today, as YYYY-MM-DD",
        )
    return value


class EntryOut(BaseModel):
    id: int
    kind: str
    label: str
    amount_cents: int
    insurance_cents: int
    patient_cents: int
    effective_date: date
    encounter_id: int | None
    claim_pk: int | None
    service_line_id: int | None
    remit_id: int | None
    remit_line_id: int | None
    payment_id: int | None
    plan_id: int | None
    reverses_entry_id: int | None
    reversed_by_entry_id: int | None = None
    group_code: str | None
    reason_code: str | None
    description: str
    posted_by: str
    posted_at: datetime


class BalanceOut(BaseModel):
    patient_id: int
    patient_name: str
    balance_cents: int
    insurance_pending_cents: int
    patient_due_cents: int
    credit_cents: int
    entries: list[EntryOut] = Field(default_factory=list)


class ItemBalance(BaseModel):
    """Open balance of one service line (or claim, encounter, or the unapplied pool)."""

    service_line_id: int | None
    claim_pk: int | None
    encounter_id: int | None
    service_date: date | None
    insurance_cents: int
    patient_cents: int


class PaymentIn(BaseModel):
    patient: str = Field(description="internal patient id or insurance member ID")
    amount_cents: PositiveCents = Field(description="whole cents, a JSON integer (at most the setting)")
    method: Method
    reference: str | None = None
    encounter_id: int | None = None
    plan_id: int | None = None
    overpayment: OverpaymentPolicy | None = Field(
        default=None,
        description="what to do with any amount above the balance: keep it as a credit or refund it now; "
        "a payment larger than the balance is refused until this is given",
    )
    received_on: date | None = None
    idempotency_key: str | None = None
    note: str | None = None

    @field_validator("received_on")
    @classmethod
    def _received_on_has_happened(cls, value: date | None) -> date | None:
        if value is None:
            return None
        try:
            return check_past_date(value, field="received_on")
        except InvalidInput as exc:
            raise ValueError(exc.message) from None


class AllocationOut(BaseModel):
    entry_id: int
    service_line_id: int | None
    encounter_id: int | None
    claim_pk: int | None
    applies_to_entry_id: int | None = None
    amount_cents: int
    visit: str | None = Field(default=None, description="the visit it paid: date, provider, codes, claim")


class ReceiptOut(BaseModel):
    payment_id: int
    receipt_number: str
    patient_id: int
    patient_name: str
    amount_cents: int
    method: str
    reference: str | None
    received_on: date
    posted_by: str
    allocations: list[AllocationOut]
    credit_cents: int
    refunded_cents: int
    balance_after_cents: int
    patient_due_after_cents: int
    replayed: bool = False
    text: str = ""


class RefundOut(BaseModel):
    entry_id: int
    patient_id: int
    amount_cents: int
    method: str
    reference: str | None
    credit_after_cents: int
    patient_name: str = ""
    refunded_on: date | None = None
    replayed: bool = False
    text: str = ""


class CreditApplied(BaseModel):
    entry_id: int
    amount_cents: int
    visit: str | None


class CreditApplicationOut(BaseModel):
    patient_id: int
    patient_name: str
    applied_cents: int
    applications: list[CreditApplied]
    credit_after_cents: int
    patient_due_after_cents: int
    replayed: bool = False
    text: str = ""


class RemitPostingOut(BaseModel):
    remit_id: int
    entries_posted: int
    entries_already_posted: int
    charges_posted: int
    insurance_paid_cents: int
    contractual_cents: int
    patient_responsibility_cents: int
    held_cents: int = Field(description="denied amounts left with insurance for appeal or write-off")
    skipped: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class ReportPeriod(BaseModel):
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    days: int


class PayerRef(BaseModel):
    payer_id: str
    payer_name: str


class PayerReportRow(PayerRef):
    """One payer's period: ledger sums by entry kind, and the A/R owed at the period's end."""

    charges_cents: int = 0
    insurance_payments_cents: int = 0
    patient_payments_cents: int = 0
    refunds_cents: int = 0
    contractual_adjustments_cents: int = 0
    write_offs_cents: int = 0
    net_collections_cents: int = 0
    insurance_ar_cents: int = 0
    patient_ar_cents: int = 0
    credit_cents: int = 0
    total_ar_cents: int = 0


class DenialRateRow(PayerRef):
    category: str = Field(description="a denial category, or 'all' for the payer's total")
    lines_adjudicated: int
    lines_denied: int
    denial_rate: float | None
    denied_cents: int


class ArTotals(BaseModel):
    insurance_ar_cents: int
    patient_ar_cents: int
    credit_cents: int
    total_ar_cents: int


class RevenueReport(BaseModel):
    """Every figure of a period, for all payers or one (``assistant.billing.reports.reports``)."""

    period: ReportPeriod
    payer: str | None
    payers: list[PayerRef]
    charges_cents: int
    insurance_payments_cents: int
    patient_payments_cents: int
    refunds_cents: int
    contractual_adjustments_cents: int
    write_offs_cents: int
    net_collections_cents: int
    gross_collection_rate: float | None
    net_collection_rate: float | None
    days_in_ar: float | None
    ar: ArTotals
    by_payer: list[PayerReportRow]
    denial_rate: list[DenialRateRow]


class LedgerConservation(BaseModel):
    """The ledger's sums against the items' balances: ``difference_cents`` is 0 when they agree."""

    charged_cents: int
    settled_cents: int
    outstanding_cents: int
    difference_cents: int

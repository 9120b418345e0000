"""Pydantic views of the billing domain (CLI --json and the JSON API print these)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

Method = Literal["cash", "check", "card", "other"]
OverpaymentPolicy = Literal["credit", "refund"]


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
    amount_cents: int
    method: Method
    reference: str | None = None
    encounter_id: int | None = None
    plan_id: int | None = None
    overpayment: OverpaymentPolicy = "credit"
    received_on: date | None = None
    idempotency_key: str | None = None
    note: str | None = None


class AllocationOut(BaseModel):
    entry_id: int
    service_line_id: int | None
    encounter_id: int | None
    claim_pk: int | None
    applies_to_entry_id: int | None = None
    amount_cents: int


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

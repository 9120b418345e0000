"""Remittance ORM: one row per 835 transaction, claim payment, service line payment and adjustment.

The patient-billing domain turns these into ledger entries: per line, ``paid_cents``, the payer-side
adjustments (``contractual_cents`` = CO + PI + OA + CR) and the patient's share split into deductible
(PR-1), coinsurance (PR-2), copay (PR-3) and other PR are explicit columns. Money is integer cents.
Idempotency: ``remit_claims.posting_key`` and ``remit_provider_adjustments.posting_key`` are unique.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.core.db import Base, utcnow


class Remit(Base):
    """One ST/SE 835 transaction (one payment: check or EFT) of an imported file."""

    __tablename__ = "remits"
    __table_args__ = (UniqueConstraint("file_sha256", "transaction_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str | None] = mapped_column(String(255))
    transaction_index: Mapped[int] = mapped_column(Integer)
    control_number: Mapped[str] = mapped_column(String(9))  # ST02
    payer_id: Mapped[str] = mapped_column(String(80), index=True)  # REF*2U / N104 / TRN03
    payer_name: Mapped[str | None] = mapped_column(String(60))
    payee_name: Mapped[str | None] = mapped_column(String(60))
    payee_npi: Mapped[str | None] = mapped_column(String(80))
    payee_tax_id: Mapped[str | None] = mapped_column(String(20))
    trace_number: Mapped[str] = mapped_column(String(50), index=True)  # TRN02 check / EFT number
    trace_originator: Mapped[str | None] = mapped_column(String(20))
    handling_code: Mapped[str] = mapped_column(String(2))
    payment_cents: Mapped[int] = mapped_column(Integer)
    credit_debit: Mapped[str] = mapped_column(String(1))
    payment_method: Mapped[str | None] = mapped_column(String(3))
    payment_date: Mapped[date | None] = mapped_column(Date)
    production_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="posting")  # posting | posted
    claim_count: Mapped[int] = mapped_column(Integer, default=0)
    imported_by: Mapped[str] = mapped_column(String(80), default="system")
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    claims: Mapped[list[RemitClaim]] = relationship(back_populates="remit", order_by="RemitClaim.claim_index")
    provider_adjustments: Mapped[list[RemitProviderAdjustment]] = relationship(
        order_by="RemitProviderAdjustment.id"
    )

    @property
    def remit_date(self) -> date | None:
        return self.payment_date or self.production_date


class RemitClaim(Base):
    """One CLP loop: the payer's adjudication of one of our claims (or of a claim we cannot find)."""

    __tablename__ = "remit_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    remit_id: Mapped[int] = mapped_column(ForeignKey("remits.id", ondelete="CASCADE"), index=True)
    posting_key: Mapped[str] = mapped_column(String(255), unique=True)
    claim_index: Mapped[int] = mapped_column(Integer)
    clp_claim_id: Mapped[str] = mapped_column(String(38), index=True)  # CLP01
    claim_pk: Mapped[int | None] = mapped_column(ForeignKey("claims.id"), index=True)
    status_code: Mapped[str] = mapped_column(String(2))  # CLP02
    outcome: Mapped[str] = mapped_column(String(20))  # paid|partially_paid|denied|reversed|...
    charge_cents: Mapped[int] = mapped_column(Integer)
    paid_cents: Mapped[int] = mapped_column(Integer)
    patient_responsibility_cents: Mapped[int] = mapped_column(Integer, default=0)
    payer_claim_number: Mapped[str | None] = mapped_column(String(50))  # CLP07
    filing_indicator: Mapped[str | None] = mapped_column(String(2))
    crossover_payer_name: Mapped[str | None] = mapped_column(String(60))
    crossover_payer_id: Mapped[str | None] = mapped_column(String(80))
    member_id: Mapped[str | None] = mapped_column(String(80))
    patient_name: Mapped[str | None] = mapped_column(String(100))
    statement_from: Mapped[date | None] = mapped_column(Date)
    remarks: Mapped[list[str]] = mapped_column(JSON, default=list)  # MOA / MIA
    notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    posted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    remit: Mapped[Remit] = relationship(back_populates="claims")
    lines: Mapped[list[RemitLine]] = relationship(
        back_populates="remit_claim", order_by="RemitLine.line_index"
    )
    adjustments: Mapped[list[RemitAdjustment]] = relationship(
        primaryjoin="and_(RemitAdjustment.remit_claim_id == RemitClaim.id, "
        "RemitAdjustment.remit_line_id.is_(None))",
        viewonly=True,
        order_by="RemitAdjustment.id",
    )


class RemitLine(Base):
    """One SVC loop, matched (or not) to one of our service lines."""

    __tablename__ = "remit_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    remit_claim_id: Mapped[int] = mapped_column(ForeignKey("remit_claims.id", ondelete="CASCADE"), index=True)
    line_index: Mapped[int] = mapped_column(Integer)
    service_line_id: Mapped[int | None] = mapped_column(ForeignKey("service_lines.id"), index=True)
    match_method: Mapped[str] = mapped_column(String(20))  # lcn | exact | fuzzy-modifier | unmatched
    match_note: Mapped[str | None] = mapped_column(Text)
    procedure_code: Mapped[str] = mapped_column(String(8))
    modifiers: Mapped[list[str]] = mapped_column(JSON, default=list)
    original_procedure_code: Mapped[str | None] = mapped_column(String(8))
    original_modifiers: Mapped[list[str]] = mapped_column(JSON, default=list)
    service_date: Mapped[date | None] = mapped_column(Date)
    line_control_number: Mapped[str | None] = mapped_column(String(50))
    units_paid: Mapped[str | None] = mapped_column(String(15))
    charge_cents: Mapped[int] = mapped_column(Integer)
    paid_cents: Mapped[int] = mapped_column(Integer)
    allowed_cents: Mapped[int | None] = mapped_column(Integer)
    contractual_cents: Mapped[int] = mapped_column(Integer, default=0)  # CO + PI + OA + CR
    patient_responsibility_cents: Mapped[int] = mapped_column(Integer, default=0)  # all PR
    deductible_cents: Mapped[int] = mapped_column(Integer, default=0)  # PR-1
    coinsurance_cents: Mapped[int] = mapped_column(Integer, default=0)  # PR-2
    copay_cents: Mapped[int] = mapped_column(Integer, default=0)  # PR-3
    remarks: Mapped[list[str]] = mapped_column(JSON, default=list)  # LQ

    remit_claim: Mapped[RemitClaim] = relationship(back_populates="lines")
    adjustments: Mapped[list[RemitAdjustment]] = relationship(order_by="RemitAdjustment.id", viewonly=True)


class RemitAdjustment(Base):
    """One CAS triple (group, CARC, amount, quantity), at claim level (no line) or line level."""

    __tablename__ = "remit_adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    remit_claim_id: Mapped[int] = mapped_column(ForeignKey("remit_claims.id", ondelete="CASCADE"), index=True)
    remit_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("remit_lines.id", ondelete="CASCADE"), index=True
    )
    group_code: Mapped[str] = mapped_column(String(2), index=True)
    reason_code: Mapped[str] = mapped_column(String(5), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[str | None] = mapped_column(String(15))


class RemitProviderAdjustment(Base):
    """One PLB adjustment (positive: the payer withheld money; negative: it added, e.g. interest)."""

    __tablename__ = "remit_provider_adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    remit_id: Mapped[int] = mapped_column(ForeignKey("remits.id", ondelete="CASCADE"), index=True)
    posting_key: Mapped[str] = mapped_column(String(255), unique=True)
    provider_id: Mapped[str] = mapped_column(String(80))
    fiscal_period_date: Mapped[date | None] = mapped_column(Date)
    reason_code: Mapped[str] = mapped_column(String(2))
    reference: Mapped[str | None] = mapped_column(String(50))
    amount_cents: Mapped[int] = mapped_column(Integer)


class RemitWorkItem(Base):
    """Something a biller must look at: unmatched claim/line, fuzzy match, blocked status change..."""

    __tablename__ = "remit_work_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    remit_id: Mapped[int] = mapped_column(ForeignKey("remits.id", ondelete="CASCADE"), index=True)
    remit_claim_id: Mapped[int | None] = mapped_column(ForeignKey("remit_claims.id", ondelete="CASCADE"))
    remit_line_id: Mapped[int | None] = mapped_column(ForeignKey("remit_lines.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24), index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)  # open | resolved
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

"""Claims domain ORM: claims, service lines, status history (visits and people: encounters, parties).

Money is integer cents. Codes are stored in canonical form (ICD-10-CM with the dot). Status changes go
through ``assistant.claims.service.transition`` which enforces ``ALLOWED_TRANSITIONS`` and records
who/when in ``claim_status_events``.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.core.db import Base, utcnow
from assistant.parties.models import Coverage, Patient, Payer, Provider


class ClaimStatus(StrEnum):
    DRAFT = "draft"
    SCRUBBED = "scrubbed"  # scrubbed with no errors (warnings allowed)
    READY = "ready"  # approved for submission
    SUBMITTED = "submitted"  # included in an 837P batch
    ACCEPTED = "accepted"  # accepted by the clearinghouse/payer front end (999/277CA)
    REJECTED = "rejected"  # front-end rejection: fix and resubmit
    PAID = "paid"
    DENIED = "denied"
    PARTIALLY_PAID = "partially_paid"
    APPEALED = "appealed"
    CORRECTED = "corrected"  # replaced by a corrected claim (frequency 7) or voided (8)
    REVERSED = "reversed"  # the payer reversed its adjudication (835 CLP02 22); a re-adjudication follows
    CLOSED = "closed"


S = ClaimStatus
ALLOWED_TRANSITIONS: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    S.DRAFT: frozenset({S.SCRUBBED, S.CLOSED}),
    S.SCRUBBED: frozenset({S.READY, S.DRAFT, S.CLOSED}),
    S.READY: frozenset({S.SUBMITTED, S.DRAFT, S.CLOSED}),
    S.SUBMITTED: frozenset({S.ACCEPTED, S.REJECTED, S.PAID, S.DENIED, S.PARTIALLY_PAID, S.CORRECTED}),
    S.ACCEPTED: frozenset({S.PAID, S.DENIED, S.PARTIALLY_PAID, S.REJECTED, S.CORRECTED}),
    S.REJECTED: frozenset({S.DRAFT, S.CORRECTED, S.CLOSED}),
    S.PAID: frozenset({S.CORRECTED, S.CLOSED, S.APPEALED, S.REVERSED}),
    S.DENIED: frozenset({S.APPEALED, S.CORRECTED, S.CLOSED, S.PAID, S.PARTIALLY_PAID, S.REVERSED}),
    S.PARTIALLY_PAID: frozenset({S.APPEALED, S.CORRECTED, S.CLOSED, S.PAID, S.REVERSED}),
    S.APPEALED: frozenset({S.PAID, S.DENIED, S.PARTIALLY_PAID, S.CLOSED, S.REVERSED}),
    # After a reversal the payer re-adjudicates (often in the same 835), or the biller corrects/appeals.
    S.REVERSED: frozenset({S.PAID, S.DENIED, S.PARTIALLY_PAID, S.APPEALED, S.CORRECTED, S.CLOSED}),
    S.CORRECTED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset({S.REVERSED}),  # a payer may take back a payment on a closed claim
}
# Statuses in which the claim's content may still be replaced by a re-import (nothing sent yet).
EDITABLE_STATUSES = frozenset({S.DRAFT, S.SCRUBBED, S.READY})


class Claim(Base):
    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[str] = mapped_column(String(38), unique=True)  # CLM01, patient control number
    status: Mapped[str] = mapped_column(String(16), default=ClaimStatus.DRAFT.value, index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    coverage_id: Mapped[int] = mapped_column(ForeignKey("coverages.id"))
    payer_pk: Mapped[int] = mapped_column(ForeignKey("payers.id"), index=True)
    billing_provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    rendering_provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    encounter_id: Mapped[int | None] = mapped_column(ForeignKey("encounters.id"))
    patient_relationship: Mapped[str] = mapped_column(String(10), default="self")
    place_of_service: Mapped[str] = mapped_column(String(2))
    frequency_code: Mapped[str] = mapped_column(String(1), default="1")  # 1 original, 7 replacement, 8 void
    original_claim_number: Mapped[str | None] = mapped_column(String(50))  # REF*F8 for frequency 7/8
    payer_claim_number: Mapped[str | None] = mapped_column(String(50))  # CLP07 from the payer's 835/277
    # The claim this one replaces (frequency 7) or voids (8); set when a corrected claim is created.
    replaces_claim_pk: Mapped[int | None] = mapped_column(
        ForeignKey("claims.id", ondelete="SET NULL"), index=True, default=None
    )
    prior_authorization: Mapped[str | None] = mapped_column(String(50))
    total_charge_cents: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the canonical import document
    source: Mapped[dict[str, object]] = mapped_column(JSON)  # the import document as accepted
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    patient: Mapped[Patient] = relationship()
    coverage: Mapped[Coverage] = relationship()
    payer: Mapped[Payer] = relationship()
    billing_provider: Mapped[Provider] = relationship(foreign_keys=[billing_provider_id])
    rendering_provider: Mapped[Provider | None] = relationship(foreign_keys=[rendering_provider_id])
    diagnoses: Mapped[list[ClaimDiagnosis]] = relationship(
        order_by="ClaimDiagnosis.position", cascade="all, delete-orphan"
    )
    lines: Mapped[list[ServiceLine]] = relationship(
        back_populates="claim", order_by="ServiceLine.line_number", cascade="all, delete-orphan"
    )
    history: Mapped[list[ClaimStatusEvent]] = relationship(
        order_by="ClaimStatusEvent.id", cascade="all, delete-orphan"
    )

    @property
    def diagnosis_codes(self) -> list[str]:
        return [d.code for d in self.diagnoses]


class ClaimDiagnosis(Base):
    __tablename__ = "claim_diagnoses"
    __table_args__ = (UniqueConstraint("claim_pk", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_pk: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 1..12 (A..L on the CMS-1500)
    code: Mapped[str] = mapped_column(String(8))


class ServiceLine(Base):
    __tablename__ = "service_lines"
    __table_args__ = (UniqueConstraint("claim_pk", "line_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_pk: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    line_number: Mapped[int] = mapped_column(Integer)  # 1-based, LX01
    date_of_service: Mapped[date] = mapped_column(Date, index=True)
    code: Mapped[str] = mapped_column(String(5), index=True)
    modifier1: Mapped[str | None] = mapped_column(String(2))
    modifier2: Mapped[str | None] = mapped_column(String(2))
    modifier3: Mapped[str | None] = mapped_column(String(2))
    modifier4: Mapped[str | None] = mapped_column(String(2))
    units: Mapped[int] = mapped_column(Integer, default=1)
    charge_cents: Mapped[int] = mapped_column(Integer)
    dx_pointers: Mapped[list[int]] = mapped_column(JSON)  # 1-based positions into claim diagnoses
    rendering_provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    # REF*6R: echoed back in the 835 (SVC/REF*6R) to match payments to lines. Unique across claims.
    line_control_number: Mapped[str] = mapped_column(String(50), unique=True)

    claim: Mapped[Claim] = relationship(back_populates="lines")
    rendering_provider: Mapped[Provider | None] = relationship()

    @property
    def modifiers(self) -> list[str]:
        return [m for m in (self.modifier1, self.modifier2, self.modifier3, self.modifier4) if m]

    @modifiers.setter
    def modifiers(self, values: list[str]) -> None:
        padded = [*values, None, None, None, None][:4]
        self.modifier1, self.modifier2, self.modifier3, self.modifier4 = padded


class ClaimStatusEvent(Base):
    __tablename__ = "claim_status_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_pk: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)


class X12ControlNumber(Base):
    """Persisted sequences (ISA13/GS06 interchange and group numbers) so numbers never repeat."""

    __tablename__ = "x12_control_numbers"

    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class X12Batch(Base):
    """One 837P file written by ``assistant claims batch``."""

    __tablename__ = "x12_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    interchange_control_number: Mapped[int] = mapped_column(Integer, unique=True)
    group_control_number: Mapped[int] = mapped_column(Integer)
    payer_pk: Mapped[int] = mapped_column(ForeignKey("payers.id"))
    path: Mapped[str | None] = mapped_column(Text)
    claim_count: Mapped[int] = mapped_column(Integer)
    total_charge_cents: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80), default="system")


class X12BatchClaim(Base):
    __tablename__ = "x12_batch_claims"
    __table_args__ = (UniqueConstraint("batch_id", "claim_pk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("x12_batches.id", ondelete="CASCADE"), index=True)
    claim_pk: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    transaction_control_number: Mapped[str] = mapped_column(String(9))  # ST02


class ClaimCodeFlag(Base):
    """A code on a not-yet-submitted claim that is invalid on its date of service under the code sets now
    loaded (raised after a code-set load or import); a work-queue item until the claim is fixed."""

    __tablename__ = "claim_code_flags"
    __table_args__ = (
        UniqueConstraint("claim_pk", "system", "code", "date_of_service", name="uq_claim_code_flag"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_pk: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    system: Mapped[str] = mapped_column(String(16))  # ICD-10-CM | HCPCS
    code: Mapped[str] = mapped_column(String(16))
    date_of_service: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)  # open | resolved
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)


class ClaimRevision(Base):
    """A re-import that changed a stored claim: who, when, the field-by-field changes and the whole
    document before and after (a replace that changes the patient or payer is one of these)."""

    __tablename__ = "claim_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_pk: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(String(40))  # "re-import" | "replace (patient or payer changed)"
    changes: Mapped[list[dict[str, object]]] = mapped_column(JSON)  # [{"field", "before", "after"}]
    before: Mapped[dict[str, object]] = mapped_column(JSON)
    after: Mapped[dict[str, object]] = mapped_column(JSON)


class ClaimBatchRun(Base):
    """One request for a payer batch: the 837P it wrote (if any claim could go) and every claim it held
    back with the reasons, kept so the result page survives a reload and past batches can be listed."""

    __tablename__ = "claim_batch_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    payer_pk: Mapped[int] = mapped_column(ForeignKey("payers.id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("x12_batches.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80), default="system")
    held_back: Mapped[list[dict[str, object]]] = mapped_column(JSON)  # [{"claim_id", "reasons": [...]}]

    payer: Mapped[Payer] = relationship()
    batch: Mapped[X12Batch | None] = relationship()

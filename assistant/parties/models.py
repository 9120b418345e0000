"""Parties ORM: the patients, payers, coverages and providers that claims, remits and billing share.

One definition of each person and organisation; the claims, remit and billing domains refer to these rows
and never copy them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.core.db import Base, utcnow
from assistant.parties.telehealth import DEFAULT_TELEHEALTH_POLICY


class Patient(Base):
    __tablename__ = "patients"
    __table_args__ = (Index("ix_patients_last_name_dob", "last_name", "dob"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(60))
    last_name: Mapped[str] = mapped_column(String(60))
    dob: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))  # M | F | U
    address_line1: Mapped[str | None] = mapped_column(String(55))
    address_line2: Mapped[str | None] = mapped_column(String(55))
    city: Mapped[str | None] = mapped_column(String(30))
    state: Mapped[str | None] = mapped_column(String(2))
    zip: Mapped[str | None] = mapped_column(String(9))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(120))
    preferred_contact: Mapped[str | None] = mapped_column(String(8))  # phone | text | email | mail
    # The guarantor: "self", or the person responsible for the bill (name, relationship, address, phone).
    guarantor_relationship: Mapped[str] = mapped_column(String(10), default="self")
    guarantor_first_name: Mapped[str | None] = mapped_column(String(60))
    guarantor_last_name: Mapped[str | None] = mapped_column(String(60))
    guarantor_address: Mapped[dict[str, str] | None] = mapped_column(JSON)
    guarantor_phone: Mapped[str | None] = mapped_column(String(20))
    # Set when this record was merged into another (the survivor); a merged record is kept, not listed.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, onupdate=utcnow)

    coverages: Mapped[list[Coverage]] = relationship(
        back_populates="patient", order_by="Coverage.order", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Payer(Base):
    __tablename__ = "payers"

    id: Mapped[int] = mapped_column(primary_key=True)
    payer_id: Mapped[str] = mapped_column(String(80), unique=True)  # NM109 of NM1*PR (PI)
    name: Mapped[str] = mapped_column(String(60))
    filing_indicator: Mapped[str] = mapped_column(String(2), default="CI")  # SBR09: MB, MC, CI, BL, HM...
    timely_filing_days: Mapped[int | None] = mapped_column(Integer)  # None: settings.timely_filing_days
    # pos_and_95: POS 02/10 plus 95 (or 93/FQ audio-only); pos_only: POS 02/10, no modifier;
    # modifier_only: the in-person POS plus 95/93/FQ (Medicare style since 2024).
    telehealth_policy: Mapped[str] = mapped_column(String(16), default=DEFAULT_TELEHEALTH_POLICY)
    # Where paper claims go (CMS-1500, top right).
    address_line1: Mapped[str | None] = mapped_column(String(55))
    address_line2: Mapped[str | None] = mapped_column(String(55))
    city: Mapped[str | None] = mapped_column(String(30))
    state: Mapped[str | None] = mapped_column(String(2))
    zip: Mapped[str | None] = mapped_column(String(9))


class Coverage(Base):
    __tablename__ = "coverages"
    __table_args__ = (
        UniqueConstraint("patient_id", "payer_pk", "member_id"),
        UniqueConstraint("patient_id", "order", name="uq_coverages_patient_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)
    payer_pk: Mapped[int] = mapped_column(ForeignKey("payers.id"))
    order: Mapped[int] = mapped_column(Integer, default=1)  # 1 primary, 2 secondary, 3 tertiary
    member_id: Mapped[str] = mapped_column(String(80))
    group_number: Mapped[str | None] = mapped_column(String(50))
    relationship_to_subscriber: Mapped[str] = mapped_column(
        String(10), default="self"
    )  # self|spouse|child|other
    subscriber_first_name: Mapped[str | None] = mapped_column(String(60))
    subscriber_last_name: Mapped[str | None] = mapped_column(String(60))
    subscriber_dob: Mapped[date | None] = mapped_column(Date)
    subscriber_sex: Mapped[str | None] = mapped_column(String(1))
    subscriber_address: Mapped[dict[str, str] | None] = mapped_column(JSON)
    effective_from: Mapped[date | None] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    copay_cents: Mapped[int | None] = mapped_column(Integer)

    patient: Mapped[Patient] = relationship(back_populates="coverages")
    payer: Mapped[Payer] = relationship()


class Provider(Base):
    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    npi: Mapped[str] = mapped_column(String(10), unique=True)
    entity_type: Mapped[str] = mapped_column(String(1), default="1")  # 1 person, 2 organisation
    name: Mapped[str | None] = mapped_column(String(60))  # organisation name
    first_name: Mapped[str | None] = mapped_column(String(35))
    last_name: Mapped[str | None] = mapped_column(String(60))
    taxonomy: Mapped[str | None] = mapped_column(String(10))
    tax_id: Mapped[str | None] = mapped_column(String(9))
    address_line1: Mapped[str | None] = mapped_column(String(55))
    address_line2: Mapped[str | None] = mapped_column(String(55))
    city: Mapped[str | None] = mapped_column(String(30))
    state: Mapped[str | None] = mapped_column(String(2))
    zip: Mapped[str | None] = mapped_column(String(9))

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        return " ".join(p for p in (self.first_name, self.last_name) if p)

"""Encounters ORM: one visit (date of service, place, rendering provider, the note) and its coded diagnoses.

The front desk opens an encounter at check-in, the coder codes it, and billing builds the claim from it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.core.db import Base, utcnow


class Encounter(Base):
    __tablename__ = "encounters"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    date_of_service: Mapped[date] = mapped_column(Date)
    place_of_service: Mapped[str] = mapped_column(String(2))
    rendering_provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # open -> coded -> ready_to_bill -> billed (assistant/encounters/service.py holds the moves)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    visit_type: Mapped[str] = mapped_column(String(20), default="office")
    telehealth_modifier: Mapped[str | None] = mapped_column(String(2))  # 95 or 93 (parties/telehealth.py)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(64))

    diagnoses: Mapped[list[EncounterDiagnosis]] = relationship(
        order_by="EncounterDiagnosis.position", cascade="all, delete-orphan"
    )
    suggestions: Mapped[list[EncounterSuggestion]] = relationship(
        order_by="EncounterSuggestion.rank", cascade="all, delete-orphan"
    )


class EncounterDiagnosis(Base):
    __tablename__ = "encounter_diagnoses"
    __table_args__ = (UniqueConstraint("encounter_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 1 = primary
    code: Mapped[str] = mapped_column(String(8))


class EncounterSuggestion(Base):
    """A code suggested for (or added by hand to) the encounter, and the coder's decision on it."""

    __tablename__ = "encounter_suggestions"
    __table_args__ = (UniqueConstraint("encounter_id", "system", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id", ondelete="CASCADE"), index=True)
    system: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(255), default="")
    confidence: Mapped[str | None] = mapped_column(String(10))
    rank: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(8), default="engine")  # engine | hand
    decision: Mapped[str] = mapped_column(String(10), default="pending")  # pending | accepted | rejected

"""Schedule ORM: one appointment of a patient with a rendering provider."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from assistant.core.db import Base, utcnow


class Appointment(Base):
    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime, index=True)  # local wall-clock time of the practice
    duration_minutes: Mapped[int] = mapped_column(Integer, default=15)
    visit_type: Mapped[str] = mapped_column(
        String(20), default="office"
    )  # office|telehealth_video|telehealth_audio
    patient_at_home: Mapped[bool] = mapped_column(Boolean, default=False)  # telehealth: POS 10 (home) or 02
    reason: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default="booked")  # booked|checked_in|cancelled|no_show
    encounter_id: Mapped[int | None] = mapped_column(ForeignKey("encounters.id"))
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

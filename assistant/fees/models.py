"""Fee schedule ORM: one charge per (code, modifier) and period; periods of the same code never overlap."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from assistant.core.db import Base, utcnow


class FeeScheduleEntry(Base):
    __tablename__ = "fee_schedule"
    __table_args__ = (UniqueConstraint("code", "modifier", "effective_from", name="uq_fee_schedule_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(5), index=True)  # CPT or HCPCS
    modifier: Mapped[str] = mapped_column(String(2), default="")  # "" = any modifier (the code's own fee)
    charge_cents: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)  # inclusive; None = open-ended
    updated_by: Mapped[str] = mapped_column(String(80), default="system")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

"""Denial patterns (payer x group x CARC x procedure) counted from posted remittances, and the local
scrubber rules a biller promotes from them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from assistant.core.db import Base, utcnow


class DenialPattern(Base):
    __tablename__ = "denial_patterns"
    __table_args__ = (UniqueConstraint("payer_id", "group_code", "reason_code", "procedure_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payer_id: Mapped[str] = mapped_column(String(80), index=True)
    group_code: Mapped[str] = mapped_column(String(2))
    reason_code: Mapped[str] = mapped_column(String(5))
    procedure_code: Mapped[str] = mapped_column(String(8))
    count: Mapped[int] = mapped_column(Integer, default=0)
    denied_cents: Mapped[int] = mapped_column(Integer, default=0)
    # modifier combination (sorted, "+"-joined; "" for none) -> times seen on a denied line
    modifier_counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    last_remit_line_id: Mapped[int | None] = mapped_column(ForeignKey("remit_lines.id", ondelete="SET NULL"))
    first_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LocalRule(Base):
    """A payer-specific scrubber rule, applied through the scrubber's ``extra_rules`` hook."""

    __tablename__ = "denial_local_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    payer_id: Mapped[str] = mapped_column(String(80), index=True)
    procedure_code: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(24))  # require-modifier | flag-code
    modifiers: Mapped[list[str]] = mapped_column(JSON, default=list)  # for require-modifier: any of these
    severity: Mapped[str] = mapped_column(String(8), default="error")
    message: Mapped[str] = mapped_column(Text)
    pattern_id: Mapped[int | None] = mapped_column(ForeignKey("denial_patterns.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(80), default="system")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

"""Every query of the schedule's appointments (patients, providers and coverage are read through the
parties service)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.schedule.models import Appointment


def get(session: Session, appointment_id: int) -> Appointment | None:
    return session.get(Appointment, appointment_id)


def add(session: Session, row: Appointment) -> Appointment:
    session.add(row)
    session.flush()
    return row


def between(
    session: Session, start: datetime, end: datetime, provider_id: int | None = None
) -> list[Appointment]:
    """Appointments starting in [start, end), every status, in time order."""
    stmt = select(Appointment).where(Appointment.starts_at >= start, Appointment.starts_at < end)
    if provider_id is not None:
        stmt = stmt.where(Appointment.provider_id == provider_id)
    return list(session.scalars(stmt.order_by(Appointment.starts_at, Appointment.id)))


def active_same_day(
    session: Session, provider_id: int, day_start: datetime, day_end: datetime
) -> list[Appointment]:
    """The provider's booked or checked-in appointments that start that day (overlap is checked by the
    service, which knows each one's length)."""
    stmt = select(Appointment).where(
        Appointment.provider_id == provider_id,
        Appointment.starts_at >= day_start,
        Appointment.starts_at < day_end,
        Appointment.status.in_(["booked", "checked_in"]),
    )
    return list(session.scalars(stmt.order_by(Appointment.starts_at)))

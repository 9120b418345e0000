"""Every query of the schedule: appointments, and the patients, providers and coverage they name."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from assistant.parties.models import Coverage, Patient, Payer, Provider
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


def patient(session: Session, patient_id: int) -> Patient | None:
    return session.get(Patient, patient_id)


def provider(session: Session, provider_id: int) -> Provider | None:
    return session.get(Provider, provider_id)


def patients(session: Session, q: str = "", limit: int = 200) -> list[Patient]:
    stmt = select(Patient)
    for word in q.split():
        like = f"%{word}%"
        stmt = stmt.where(or_(Patient.first_name.ilike(like), Patient.last_name.ilike(like)))
    return list(session.scalars(stmt.order_by(Patient.last_name, Patient.first_name).limit(limit)))


def providers(session: Session) -> list[Provider]:
    """Providers who can render a visit (people, entity type 1), by name."""
    stmt = select(Provider).where(Provider.entity_type == "1")
    return list(session.scalars(stmt.order_by(Provider.last_name, Provider.first_name, Provider.id)))


def primary_payer_on(session: Session, patient_id: int, day: date) -> Payer | None:
    """The payer of the patient's first coverage in force on ``day`` (None: self-pay)."""
    stmt = (
        select(Coverage)
        .where(Coverage.patient_id == patient_id)
        .where(or_(Coverage.effective_from.is_(None), Coverage.effective_from <= day))
        .where(or_(Coverage.effective_to.is_(None), Coverage.effective_to >= day))
        .order_by(Coverage.order, Coverage.id)
    )
    coverage = session.scalars(stmt).first()
    return coverage.payer if coverage is not None else None

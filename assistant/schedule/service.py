"""The schedule: book, reschedule, cancel, no-show and check in appointments; day and week views per
rendering provider. A second appointment overlapping a provider's booked one is allowed (double booking
is sometimes meant) but warned about. Check-in opens the encounter, with the place of service and
telehealth modifier chosen once, in ``assistant/parties/telehealth.py``, from the patient's payer."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from assistant.core.db import utcnow
from assistant.core.errors import Conflict, InvalidInput, NotFound
from assistant.encounters import service as encounters
from assistant.encounters.schemas import EncounterOpen
from assistant.parties import service as parties
from assistant.parties.models import Patient, Provider
from assistant.parties.telehealth import VisitCoding, visit_coding
from assistant.schedule import repository as repo
from assistant.schedule.models import Appointment
from assistant.schedule.schemas import (
    AppointmentIn,
    AppointmentOut,
    CheckInOut,
    PickItem,
    RescheduleIn,
    ScheduleDay,
    ScheduleView,
)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min)
    return start, start + timedelta(days=1)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())  # Monday


def _patient(session: Session, patient_id: int) -> Patient:
    p = parties.patient_record(session, patient_id)
    if p is None:
        raise NotFound(f"no patient {patient_id}", field="patient_id", fix="register the patient first")
    return p


def _provider(session: Session, provider_id: int) -> Provider:
    p = parties.provider_record(session, provider_id)
    if p is None:
        raise NotFound(
            f"no provider {provider_id}",
            field="provider_id",
            fix="pick a rendering provider on file (add one on /providers: assistant providers add)",
        )
    return p


def _appointment(session: Session, appointment_id: int) -> Appointment:
    a = repo.get(session, appointment_id)
    if a is None:
        raise NotFound(
            f"no appointment {appointment_id}", field="appointment_id", fix="pick one on the schedule"
        )
    return a


def coding_for(session: Session, a: Appointment) -> VisitCoding:
    """The POS and modifier of the visit, from the telehealth policy of the payer billed on its date."""
    coverage = parties.first_coverage_in_force(session, a.patient_id, a.starts_at.date())
    policy = coverage.payer.telehealth_policy if coverage is not None else None
    return visit_coding(a.visit_type, policy, patient_at_home=a.patient_at_home)


def _overlaps(session: Session, a: Appointment) -> list[str]:
    start, end = _day_bounds(a.starts_at.date())
    a_end = a.starts_at + timedelta(minutes=a.duration_minutes)
    out = []
    for other in repo.active_same_day(session, a.provider_id, start, end):
        if other.id == a.id:
            continue
        o_end = other.starts_at + timedelta(minutes=other.duration_minutes)
        if other.starts_at < a_end and a.starts_at < o_end:
            out.append(
                f"double booking: the provider already has appointment {other.id} at "
                f"{other.starts_at:%H:%M}-{o_end:%H:%M} that day"
            )
    return out


def to_out(session: Session, a: Appointment, warnings: list[str] | None = None) -> AppointmentOut:
    patient = parties.patient_record(session, a.patient_id)
    provider = parties.provider_record(session, a.provider_id)
    warn = list(warnings or [])
    try:
        coding: VisitCoding | None = coding_for(session, a)
    except InvalidInput as exc:  # e.g. the coverage changed since booking: shown, check-in refuses
        coding = None
        warn.append(exc.message)
    return AppointmentOut(
        id=a.id,
        patient_id=a.patient_id,
        patient_name=encounters.patient_name(patient),
        provider_id=a.provider_id,
        provider_name=encounters.provider_name(provider) or "?",
        starts_at=a.starts_at,
        ends_at=a.starts_at + timedelta(minutes=a.duration_minutes),
        duration_minutes=a.duration_minutes,
        visit_type=a.visit_type,
        patient_at_home=a.patient_at_home,
        place_of_service=coding.place_of_service if coding else None,
        modifier=coding.modifier if coding else None,
        reason=a.reason,
        status=a.status,
        encounter_id=a.encounter_id,
        warnings=warn,
    )


def book(session: Session, data: AppointmentIn, *, actor: str) -> AppointmentOut:
    _patient(session, data.patient_id)
    _provider(session, data.provider_id)
    a = Appointment(
        patient_id=data.patient_id,
        provider_id=data.provider_id,
        starts_at=data.starts_at.replace(tzinfo=None, second=0, microsecond=0),
        duration_minutes=data.duration_minutes,
        visit_type=data.visit_type,
        patient_at_home=data.patient_at_home and data.visit_type != "office",
        reason=(data.reason or "").strip() or None,
        status="booked",
        created_by=actor,
    )
    coding_for(session, a)  # an unknown visit type or audio-only for a payer without it: refused here
    repo.add(session, a)
    return to_out(session, a, _overlaps(session, a))


def _booked(a: Appointment, action: str) -> None:
    if a.status != "booked":
        raise Conflict(
            f"appointment {a.id} is {a.status.replace('_', ' ')}: it cannot be {action}",
            field="status",
            fix="book a new appointment" if a.status != "checked_in" else "the visit is under way",
        )


def reschedule(session: Session, appointment_id: int, data: RescheduleIn, *, actor: str) -> AppointmentOut:
    a = _appointment(session, appointment_id)
    _booked(a, "rescheduled")
    if data.provider_id is not None:
        _provider(session, data.provider_id)
        a.provider_id = data.provider_id
    a.starts_at = data.starts_at.replace(tzinfo=None, second=0, microsecond=0)
    if data.duration_minutes is not None:
        a.duration_minutes = data.duration_minutes
    a.updated_at = utcnow()
    session.flush()
    return to_out(session, a, _overlaps(session, a))


def cancel(session: Session, appointment_id: int, *, actor: str) -> AppointmentOut:
    a = _appointment(session, appointment_id)
    _booked(a, "cancelled")
    a.status = "cancelled"
    a.updated_at = utcnow()
    session.flush()
    return to_out(session, a)


def no_show(session: Session, appointment_id: int, *, actor: str) -> AppointmentOut:
    a = _appointment(session, appointment_id)
    _booked(a, "marked no-show")
    a.status = "no_show"
    a.updated_at = utcnow()
    session.flush()
    return to_out(session, a)


def check_in(session: Session, appointment_id: int, *, actor: str) -> CheckInOut:
    """Check the patient in: the encounter opens (date of service, provider, POS, modifier). Checking in
    twice returns the same encounter."""
    a = _appointment(session, appointment_id)
    if a.status == "checked_in" and a.encounter_id is not None:
        return CheckInOut(appointment=to_out(session, a), encounter_id=a.encounter_id, created=False)
    _booked(a, "checked in")
    coding = coding_for(session, a)
    encounter_id = encounters.open_encounter(
        session,
        EncounterOpen(
            patient_id=a.patient_id,
            rendering_provider_id=a.provider_id,
            date_of_service=a.starts_at.date(),
            place_of_service=coding.place_of_service,
            visit_type=a.visit_type,
            telehealth_modifier=coding.modifier,
        ),
        actor=actor,
    )
    a.status = "checked_in"
    a.encounter_id = encounter_id
    a.updated_at = utcnow()
    session.flush()
    return CheckInOut(appointment=to_out(session, a), encounter_id=encounter_id, created=True)


def view(session: Session, day: date, *, week: bool = False, provider_id: int | None = None) -> ScheduleView:
    """The day (or the Monday-to-Sunday week around ``day``) of one provider, or of every provider."""
    provider = _provider(session, provider_id) if provider_id is not None else None
    start = week_start(day) if week else day
    days = 7 if week else 1
    lo, _ = _day_bounds(start)
    hi = lo + timedelta(days=days)
    rows = repo.between(session, lo, hi, provider_id)
    by_day: dict[date, list[AppointmentOut]] = {start + timedelta(days=i): [] for i in range(days)}
    for a in rows:
        by_day[a.starts_at.date()].append(
            to_out(session, a, _overlaps(session, a) if a.status == "booked" else [])
        )
    return ScheduleView(
        view="week" if week else "day",
        start=start,
        end=start + timedelta(days=days - 1),
        provider_id=provider_id,
        provider_name=encounters.provider_name(provider),
        days=[ScheduleDay(day=d, appointments=appts) for d, appts in by_day.items()],
    )


def patient_choices(session: Session, q: str = "") -> list[PickItem]:
    """Registered patients (merged-away records left out), found as on /patients."""
    return [
        PickItem(id=p.id, label=f"{p.last_name}, {p.first_name} ({p.dob:%Y-%m-%d})")
        for p in parties.search_patients(session, q, limit=200)
    ]


def provider_choices(session: Session) -> list[PickItem]:
    """Providers who can render a visit (people, NPI entity type 1)."""
    return [
        PickItem(id=p.id, label=f"{p.display_name} (NPI {p.npi})")
        for p in parties.providers_of_type(session, "1")
    ]

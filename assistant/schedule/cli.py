"""``assistant schedule``: book, list (day or week, per provider), check in, reschedule, cancel, no-show.

Every command reads or writes patient data and leaves a PHI audit entry naming the OS user.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from assistant.cli.bootstrap import make_container, ready
from assistant.cli.common import console, handles_errors, print_json
from assistant.core.db import transaction
from assistant.core.errors import InvalidInput
from assistant.core.validation import parse_day
from assistant.schedule import service
from assistant.schedule.schemas import AppointmentIn, AppointmentOut, RescheduleIn
from assistant.security import audit
from assistant.security.cli_support import cli_actor

app = typer.Typer(
    help="Appointments per rendering provider; check-in opens the encounter.", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON")]


@contextmanager
def _tx() -> Iterator[Session]:
    with transaction(ready(make_container()).sessions) as session:
        yield session


def _audit(session: Session, what: str, target: int | None, **detail: str) -> None:
    audit.record(session, cli_actor(), what, "appointment", target, None, {"via": "cli", **detail})


def _when(text: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a date and time", field=field, fix="use YYYY-MM-DDTHH:MM"
        ) from None


def _show(a: AppointmentOut) -> None:
    where = f"POS {a.place_of_service}" + (f" mod {a.modifier}" if a.modifier else "")
    console.print(
        f"#{a.id} {a.starts_at:%Y-%m-%d %H:%M}-{a.ends_at:%H:%M} {a.provider_name} | {a.patient_name} | "
        f"{a.visit_type} {where} | {a.status}" + (f" | encounter {a.encounter_id}" if a.encounter_id else ""),
        highlight=False,
    )
    for w in a.warnings:
        console.print(f"  [yellow]warning:[/] {w}", highlight=False)


@app.command()
@handles_errors
def book(
    patient: Annotated[int, typer.Option("--patient", help="Patient id")],
    provider: Annotated[int, typer.Option("--provider", help="Rendering provider id")],
    at: Annotated[str, typer.Option("--at", help="Start, YYYY-MM-DDTHH:MM")],
    minutes: Annotated[int, typer.Option("--minutes", help="Length in minutes")] = 15,
    visit: Annotated[
        str, typer.Option("--visit", help="office, telehealth_video or telehealth_audio")
    ] = "office",
    home: Annotated[
        bool, typer.Option("--home", help="Telehealth with the patient at home (POS 10)")
    ] = False,
    reason: Annotated[str, typer.Option("--reason")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Book an appointment (a double booking of the provider is warned about, not refused)."""
    data = AppointmentIn(
        patient_id=patient,
        provider_id=provider,
        starts_at=_when(at, "starts_at"),
        duration_minutes=minutes,
        visit_type=visit,
        patient_at_home=home,
        reason=reason or None,
    )
    with _tx() as s:
        out = service.book(s, data, actor=cli_actor())
        _audit(s, audit.PHI_WRITE, out.id, action="book")
    print_json(out) if as_json else _show(out)


@app.command("list")
@handles_errors
def list_(
    day: Annotated[str | None, typer.Option("--day", help="YYYY-MM-DD (today by default)")] = None,
    week: Annotated[bool, typer.Option("--week", help="The Monday-to-Sunday week around the day")] = False,
    provider: Annotated[int | None, typer.Option("--provider", help="One rendering provider")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The day's (or week's) schedule."""
    with _tx() as s:
        out = service.view(s, parse_day(day, "day") or date.today(), week=week, provider_id=provider)
        _audit(s, audit.PHI_READ, None, list=f"{out.view} {out.start}")
    if as_json:
        print_json(out)
        return
    for d in out.days:
        console.print(f"[bold]{d.day:%a %Y-%m-%d}[/]", highlight=False)
        for a in d.appointments:
            _show(a)
        if not d.appointments:
            console.print("  (no appointment)")


def _move(appointment_id: int, action: str, as_json: bool) -> None:
    with _tx() as s:
        _audit(s, audit.PHI_WRITE, appointment_id, action=action)
        out = (
            service.cancel(s, appointment_id, actor=cli_actor())
            if action == "cancel"
            else service.no_show(s, appointment_id, actor=cli_actor())
        )
    print_json(out) if as_json else _show(out)


@app.command()
@handles_errors
def checkin(appointment_id: int, as_json: JsonOpt = False) -> None:
    """Check the patient in: opens the encounter (the same one when run twice)."""
    with _tx() as s:
        _audit(s, audit.PHI_WRITE, appointment_id, action="check-in")
        out = service.check_in(s, appointment_id, actor=cli_actor())
    if as_json:
        print_json(out)
        return
    _show(out.appointment)
    console.print(
        f"encounter {out.encounter_id} {'opened' if out.created else 'already open'}", highlight=False
    )


@app.command()
@handles_errors
def reschedule(
    appointment_id: int,
    at: Annotated[str, typer.Option("--at", help="New start, YYYY-MM-DDTHH:MM")],
    provider: Annotated[int | None, typer.Option("--provider", help="Another rendering provider")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Move a booked appointment."""
    data = RescheduleIn(starts_at=_when(at, "starts_at"), provider_id=provider, duration_minutes=None)
    with _tx() as s:
        _audit(s, audit.PHI_WRITE, appointment_id, action="reschedule")
        out = service.reschedule(s, appointment_id, data, actor=cli_actor())
    print_json(out) if as_json else _show(out)


@app.command()
@handles_errors
def cancel(appointment_id: int, as_json: JsonOpt = False) -> None:
    """Cancel a booked appointment."""
    _move(appointment_id, "cancel", as_json)


@app.command()
@handles_errors
def noshow(appointment_id: int, as_json: JsonOpt = False) -> None:
    """Mark a booked appointment as a no-show."""
    _move(appointment_id, "no-show", as_json)

"""The schedule page (day or week, per rendering provider) and its JSON twin; booking, rescheduling,
cancelling, no-shows and check-in (which opens the encounter). Pages post, then redirect to the schedule
(post/redirect/get); the /api twins take and return JSON from the same service calls.

Reading needs ``schedule:read`` + ``phi:read``; every change needs ``schedule:write`` + ``phi:write``. Both
are PHI-audited.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, RedirectResponse, Response

from assistant.core.errors import InvalidInput
from assistant.core.validation import parse_day
from assistant.parties.telehealth import VISIT_TYPES
from assistant.schedule import service
from assistant.schedule.schemas import AppointmentIn, RescheduleIn
from assistant.security.schemas import Principal
from web.deps import RawBody, SessionDep, parse_json_body
from web.routers.pages_common import respond
from web.security_deps import require

router = APIRouter(tags=["schedule"])
Reader = Annotated[Principal, require("schedule:read", "phi:read", record="appointment")]
Writer = Annotated[
    Principal, require("schedule:write", "phi:write", record="appointment", id_param="appointment_id")
]


def _day(text: str | None, field: str = "day") -> date:
    return parse_day(text, field) or date.today()


def _starts(day: str, at: str) -> datetime:
    when = _day(day, "date")
    try:
        hh, mm = (int(x) for x in at.split(":", 1))
        return datetime(when.year, when.month, when.day, hh, mm)
    except ValueError:
        raise InvalidInput(f"{at!r} is not a time", field="time", fix="use HH:MM, e.g. 09:30") from None


def _int(text: str, field: str) -> int | None:
    if not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a number", field=field, fix="pick one from the list") from None


def _back(day: date, provider: int | None, week: bool, **flash: Any) -> RedirectResponse:
    query = {
        "day": day.isoformat(),
        **({"provider": provider} if provider else {}),
        **({"week": 1} if week else {}),
    }
    query.update({k: v for k, v in flash.items() if v is not None})
    return RedirectResponse(f"/schedule?{urlencode(query)}", status_code=303)


@router.get("/schedule")
@router.get("/api/schedule")
def schedule_page(
    request: Request,
    session: SessionDep,
    principal: Reader,
    day: str = "",
    provider: str = "",
    week: bool = False,
    booked: int | None = None,
    checked_in: int | None = None,
    encounter: int | None = None,
) -> Response:
    the_day = _day(day)
    provider_id = _int(provider, "provider")
    data: dict[str, Any] = {"schedule": service.view(session, the_day, week=week, provider_id=provider_id)}
    extra: dict[str, Any] = {
        "active": "schedule",
        "providers": service.provider_choices(session),
        "day": the_day.isoformat(),
        "week": week,
        "booked": booked,
        "checked_in": checked_in,
        "encounter": encounter,
        "visit_types": VISIT_TYPES,
    }
    if principal.can("schedule:write"):
        extra["patients"] = service.patient_choices(session)
    return respond(request, "schedule/index.html", data, extra=extra)


@router.post("/schedule/appointments")
def book_form(
    session: SessionDep,
    principal: Writer,
    patient_id: Annotated[str, Form()] = "",
    provider_id: Annotated[str, Form()] = "",
    date_: Annotated[str, Form(alias="date")] = "",
    time: Annotated[str, Form()] = "",
    minutes: Annotated[str, Form()] = "15",
    visit_type: Annotated[str, Form()] = "office",
    patient_at_home: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    patient = _int(patient_id, "patient_id")
    provider = _int(provider_id, "provider_id")
    if patient is None or provider is None:
        raise InvalidInput(
            "choose the patient and the provider", field="patient_id" if patient is None else "provider_id"
        )
    length = _int(minutes, "minutes") or 15
    if not 5 <= length <= 480:
        raise InvalidInput("an appointment lasts 5 to 480 minutes", field="minutes", fix="e.g. 15 or 30")
    data = AppointmentIn(
        patient_id=patient,
        provider_id=provider,
        starts_at=_starts(date_, time),
        duration_minutes=length,
        visit_type=visit_type,
        patient_at_home=bool(patient_at_home),
        reason=reason[:200] or None,
    )
    out = service.book(session, data, actor=principal.username)
    return _back(out.starts_at.date(), provider, False, booked=out.id)


@router.post("/api/schedule/appointments", status_code=201)
def book_api(body: RawBody, session: SessionDep, principal: Writer) -> JSONResponse:
    data = AppointmentIn.model_validate(parse_json_body(body, "send the appointment as a JSON object"))
    out = service.book(session, data, actor=principal.username)
    return JSONResponse(jsonable_encoder(out), status_code=201)


@router.post("/schedule/appointments/{appointment_id}/{action}")
def move_form(
    appointment_id: int,
    action: str,
    session: SessionDep,
    principal: Writer,
    date_: Annotated[str, Form(alias="date")] = "",
    time: Annotated[str, Form()] = "",
) -> Response:
    if action == "reschedule":
        out = service.reschedule(
            session,
            appointment_id,
            RescheduleIn(starts_at=_starts(date_, time), duration_minutes=None),
            actor=principal.username,
        )
        return _back(out.starts_at.date(), out.provider_id, False, booked=out.id)
    if action == "checkin":
        result = service.check_in(session, appointment_id, actor=principal.username)
        a = result.appointment
        return _back(a.starts_at.date(), a.provider_id, False, checked_in=a.id, encounter=result.encounter_id)
    out = _simple_move(session, appointment_id, action, principal.username)
    return _back(out.starts_at.date(), out.provider_id, False)


def _simple_move(session: Any, appointment_id: int, action: str, actor: str) -> Any:
    if action == "cancel":
        return service.cancel(session, appointment_id, actor=actor)
    if action == "noshow":
        return service.no_show(session, appointment_id, actor=actor)
    raise InvalidInput(
        f"unknown action {action!r}", field="action", fix="checkin, reschedule, cancel or noshow"
    )


@router.post("/api/schedule/appointments/{appointment_id}/{action}")
def move_api(
    appointment_id: int, action: str, body: RawBody, session: SessionDep, principal: Writer
) -> JSONResponse:
    if action == "reschedule":
        data = RescheduleIn.model_validate(parse_json_body(body, 'send {"starts_at": "YYYY-MM-DDTHH:MM"}'))
        return JSONResponse(
            jsonable_encoder(service.reschedule(session, appointment_id, data, actor=principal.username))
        )
    if action == "checkin":
        return JSONResponse(
            jsonable_encoder(service.check_in(session, appointment_id, actor=principal.username))
        )
    return JSONResponse(jsonable_encoder(_simple_move(session, appointment_id, action, principal.username)))

"""The billers' queue ``/encounters`` and the encounter page ``/encounters/{id}`` (note, suggestions,
accept/reject, a code added by hand through an active search, "ready to bill"), with /api twins fed by
the same service calls. Page forms post, then redirect back to the encounter (post/redirect/get).

Reading needs ``encounters:read`` + ``phi:read`` (billers, coders); changing needs ``encounters:write``
+ ``phi:write`` (coders). Every read and write is PHI-audited.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, RedirectResponse, Response

from assistant.claims import service as claims
from assistant.codesets.models import ICD10CM
from assistant.core.errors import InvalidInput, NoReleaseForDate, NotReady
from assistant.core.validation import parse_day
from assistant.encounters import service
from assistant.encounters.schemas import ENCOUNTER_STATUSES, EncounterOut, QueueFilter
from assistant.schedule import service as schedule
from assistant.security.schemas import Principal
from web.deps import ContainerDep, Fields, SessionDep
from web.routers.pages_common import context_of, respond
from web.security_deps import require

router = APIRouter(tags=["encounters"])
QueueReader = Annotated[Principal, require("encounters:read", "phi:read", record="encounter")]
Reader = Annotated[
    Principal, require("encounters:read", "phi:read", record="encounter", id_param="encounter_id")
]
Writer = Annotated[
    Principal, require("encounters:write", "phi:write", record="encounter", id_param="encounter_id")
]
# The hand-add search box: only coders use it, and it reads (the encounter's date of service).
Searcher = Annotated[
    Principal, require("encounters:write", "phi:read", record="encounter", id_param="encounter_id")
]


def _walker(container: Any) -> Any:
    try:
        return container.index_walker
    except (NotReady, NoReleaseForDate):
        return None


@router.get("/encounters")
@router.get("/api/encounters")
def queue_page(
    request: Request,
    session: SessionDep,
    principal: QueueReader,
    status: str = "",
    provider: str = "",
    date_from: str = "",
    date_to: str = "",
) -> Response:
    statuses = [s for s in status.replace(",", " ").split() if s]
    if statuses == ["all"]:
        statuses = list(ENCOUNTER_STATUSES)
    try:
        provider_id = int(provider) if provider.strip() else None
    except ValueError:
        raise InvalidInput(f"{provider!r} is not a provider id", field="provider") from None
    filters = QueueFilter.model_validate(
        {
            **({"statuses": statuses} if statuses else {}),
            "provider_id": provider_id,
            "date_from": parse_day(date_from, "date_from"),
            "date_to": parse_day(date_to, "date_to"),
        }
    )
    data = {"encounters": service.queue(session, filters), "filters": filters}
    extra = {
        "active": "encounters",
        "providers": schedule.provider_choices(session),
        "statuses": ENCOUNTER_STATUSES,
        "status": status,
    }
    return respond(request, "encounters/index.html", data, extra=extra)


def _page(request: Request, session: Any, container: Any, encounter_id: int, q: str = "") -> Response:
    data: dict[str, Any] = {
        "encounter": service.get_encounter(session, encounter_id),
        "claims": claims.claims_of_encounter(session, encounter_id),  # the claims built from it
    }
    extra: dict[str, Any] = {"active": "encounters", "q": q, "hits": []}
    if q.strip():
        found = service.search_codes_for(session, encounter_id, q, container.reference, _walker(container))
        extra.update(context_of(found))
    return respond(request, "encounters/detail.html", data, extra=extra)


@router.get("/encounters/{encounter_id}")
@router.get("/api/encounters/{encounter_id}")
def encounter_page(
    request: Request,
    encounter_id: int,
    session: SessionDep,
    container: ContainerDep,
    principal: Reader,
    q: str = "",
) -> Response:
    return _page(request, session, container, encounter_id, q)


@router.get("/encounters/{encounter_id}/codes/search")
@router.get("/api/encounters/{encounter_id}/codes/search")
def code_search(
    request: Request,
    encounter_id: int,
    session: SessionDep,
    container: ContainerDep,
    principal: Searcher,
    q: str = "",
) -> Response:
    """Codes of the release in force on the encounter's date of service (the page's active search)."""
    data = service.search_codes_for(session, encounter_id, q, container.reference, _walker(container))
    extra = {"encounter": service.get_encounter(session, encounter_id)}
    return respond(request, "encounters/detail.html", data, block="hits", extra=extra)


def _after(request: Request, encounter_id: int, out: EncounterOut, anchor: str) -> Response:
    """The JSON twin answers the encounter (the shape of GET /api/encounters/{id}); the form redirects back
    to the encounter's page, at ``anchor``."""
    if request.url.path.startswith("/api/"):
        return JSONResponse(jsonable_encoder({"encounter": out}))
    return RedirectResponse(f"/encounters/{encounter_id}#{anchor}", status_code=303)


@router.post("/encounters/{encounter_id}/note")
@router.post("/api/encounters/{encounter_id}/note")
def note(
    request: Request,
    encounter_id: int,
    session: SessionDep,
    container: ContainerDep,
    principal: Writer,
    fields: Fields,
) -> Response:
    """Save the note; with ``run``, suggest codes for it too."""
    out = service.set_note(session, encounter_id, str(fields.get("note", "")), actor=principal.username)
    if fields.get("run"):
        out = service.run_suggestions(session, encounter_id, container.suggester, actor=principal.username)
    return _after(request, encounter_id, out, "suggestions" if fields.get("run") else "note")


@router.post("/encounters/{encounter_id}/suggest")
@router.post("/api/encounters/{encounter_id}/suggest")
def suggest(
    request: Request, encounter_id: int, session: SessionDep, container: ContainerDep, principal: Writer
) -> Response:
    out = service.run_suggestions(session, encounter_id, container.suggester, actor=principal.username)
    return _after(request, encounter_id, out, "suggestions")


@router.post("/encounters/{encounter_id}/decisions")
@router.post("/api/encounters/{encounter_id}/decisions")
def decide(
    request: Request, encounter_id: int, session: SessionDep, principal: Writer, fields: Fields
) -> Response:
    out = service.decide(
        session,
        encounter_id,
        str(fields.get("code", "")),
        str(fields.get("decision", "")),
        actor=principal.username,
        system=str(fields.get("system", ICD10CM)),
    )
    return _after(request, encounter_id, out, "diagnoses")


@router.post("/encounters/{encounter_id}/codes")
@router.post("/api/encounters/{encounter_id}/codes")
def add_code(
    request: Request,
    encounter_id: int,
    session: SessionDep,
    container: ContainerDep,
    principal: Writer,
    fields: Fields,
) -> Response:
    out = service.add_code(
        session,
        encounter_id,
        str(fields.get("code", "")),
        container.reference,
        actor=principal.username,
        system=str(fields.get("system", ICD10CM)),
    )
    return _after(request, encounter_id, out, "diagnoses")


@router.post("/encounters/{encounter_id}/diagnoses/up")
def move_up_form(
    request: Request,
    encounter_id: int,
    session: SessionDep,
    container: ContainerDep,
    principal: Writer,
    code: Annotated[str, Form()] = "",
) -> Response:
    out = service.move_up(session, encounter_id, code, actor=principal.username)
    return _after(request, encounter_id, out, "diagnoses")


@router.post("/api/encounters/{encounter_id}/diagnoses/order")
def order_api(
    request: Request,
    encounter_id: int,
    session: SessionDep,
    principal: Writer,
    fields: Fields,
) -> Response:
    codes = fields.get("codes")
    if not isinstance(codes, list):
        raise InvalidInput(
            "send the diagnoses in their new order", field="codes", fix='{"codes": ["I10", "E11.65"]}'
        )
    out = service.order_diagnoses(session, encounter_id, [str(c) for c in codes], actor=principal.username)
    return _after(request, encounter_id, out, "diagnoses")


@router.post("/encounters/{encounter_id}/ready")
@router.post("/api/encounters/{encounter_id}/ready")
def ready(request: Request, encounter_id: int, session: SessionDep, principal: Writer) -> Response:
    out = service.ready_to_bill(session, encounter_id, actor=principal.username)
    return _after(request, encounter_id, out, "status")

"""The claim form (``/claims/new``, ``/claims/{claim_id}/edit``), its inline check, the diagnosis search
and the E/M level helper (``/claims/em-helper``), with their JSON twins under ``/api/claims`` and
``/api/em-level``. Every route calls ``assistant.claims.form`` / ``assistant.em.service``.

Registered before the claims pages so ``/claims/new`` is not read as a claim ID."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from assistant.claims import form as claim_form
from assistant.claims.form import ClaimFormErrors
from assistant.claims.form_schemas import MAX_FORM_LINES, ClaimForm, FormCheck, FormChoices, FormLine
from assistant.claims.schemas import ImportResult
from assistant.core.errors import InvalidInput
from assistant.em import service as em
from assistant.em.schemas import EmRequest, EmResult
from assistant.security import audit
from assistant.security.schemas import Principal
from web.deps import ContainerDep, FormDep, ReferenceDep, SessionDep
from web.rendering import is_htmx, render, wants_json
from web.routers.chat import chat_service
from web.routers.pages_common import money  # noqa: F401 - registers the money filter
from web.security_deps import record_phi, require

router = APIRouter(tags=["claim form"])
MEDICARE_FILING = frozenset({"MA", "MB"})  # SBR09 of Medicare Part A/B: prolonged time is G2212
FORM_ROWS = 6  # service-line rows shown (the CMS-1500 has six per page)
Reader = Annotated[Principal, require("claims:read", "phi:read")]
Writer = Annotated[Principal, require("claims:write", "phi:write")]
EmUser = Annotated[Principal, require("claims:read")]


def _int(text: Any) -> int | None:
    value = str(text or "").strip()
    return int(value) if value.isdigit() else None


def form_from_post(form: FormData) -> ClaimForm:
    """The page's fields -> ClaimForm (``dx`` repeated, ``line-N-...`` per service-line row)."""

    def get(key: str) -> str:
        value = form.get(key)
        return value if isinstance(value, str) else ""

    lines = []
    for i in range(MAX_FORM_LINES + 1):
        if f"line-{i}-code" not in form:
            break
        lines.append(
            FormLine(
                date_of_service=get(f"line-{i}-dos"),
                code=get(f"line-{i}-code"),
                modifiers=[str(m) for m in form.getlist(f"line-{i}-mod")],
                units=get(f"line-{i}-units") or 1,
                charge=get(f"line-{i}-charge"),
                pointers=get(f"line-{i}-pointers"),
                ndc=get(f"line-{i}-ndc"),
            )
        )
    return ClaimForm(
        encounter_id=_int(get("encounter_id")),
        date_of_service=get("date_of_service"),
        patient_id=_int(get("patient_id")),
        coverage_id=_int(get("coverage_id")),
        billing_provider_id=_int(get("billing_provider_id")),
        rendering_provider_id=_int(get("rendering_provider_id")),
        referring_npi=get("referring_npi"),
        referring_first_name=get("referring_first_name"),
        referring_last_name=get("referring_last_name"),
        place_of_service=get("place_of_service"),
        prior_authorization=get("prior_authorization"),
        onset_date=get("onset_date"),
        accident_date=get("accident_date"),
        accident_cause=get("accident_cause"),
        accident_state=get("accident_state"),
        diagnoses=[str(d) for d in form.getlist("dx")],
        lines=lines,
    )


def _form_ctx(
    session: Any,
    form: ClaimForm,
    *,
    claim_id: str | None = None,
    problems: list[Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    choices = claim_form.choices(session, form.patient_id)
    billed = next((c for c in choices.coverages if c.id == form.coverage_id), None)
    payer = "medicare" if billed is not None and billed.note in MEDICARE_FILING else "other"
    rows = max(FORM_ROWS, len(form.lines))
    lines = form.lines + [FormLine() for _ in range(rows - len(form.lines))]
    dx = (form.diagnoses + [""] * 12)[: max(12, len(form.diagnoses))]
    return {
        "form": form,
        "lines": lines,
        "dx": dx,
        "choices": choices,
        "claim_id": claim_id,
        "errors": {p.field: p.message for p in problems or []},
        "problems": problems or [],
        "action": f"/claims/{claim_id}/edit" if claim_id else "/claims/new",
        "active": "claims",
        "params": {"patient": "established", "payer": payer},  # the embedded E/M helper's defaults
        "result": None,
        **extra,
    }


def _conversation_codes(
    request: Request, container: Any, principal: Principal, conversation: str
) -> tuple[list[str], list[str]]:
    """Accepted codes of the caller's own chat conversation: (diagnoses, procedures)."""
    svc = chat_service(request, container, principal)
    conv = svc.conversation(conversation, principal.username, create=False)
    dx = [d.code for d in conv.accepted if d.system == "ICD-10-CM"]
    return dx, [d.code for d in conv.accepted if d.system in ("CPT", "HCPCS")]


@router.get("/claims/new")
@router.get("/api/claims/new", response_model=ClaimForm)
def new_claim_page(
    request: Request,
    session: SessionDep,
    container: ContainerDep,
    principal: Annotated[
        Principal, require("claims:write", "phi:read", record="encounter", id_param="encounter")
    ],
    encounter: int | None = None,
    conversation: str = "",
) -> Response:
    """The form, filled from an encounter (``?encounter=ID``) and/or a chat's accepted codes
    (``?conversation=ID``), else blank. The JSON twin answers the filled form (``ClaimForm``)."""
    dx, procs = _conversation_codes(request, container, principal, conversation) if conversation else ([], [])
    form = claim_form.prefill(session, encounter_id=encounter, diagnoses=dx, procedures=procs)
    if wants_json(request):
        return JSONResponse(jsonable_encoder(form))
    return render(request, "claims/form.html", _form_ctx(session, form))


@router.post("/claims/new")
def create_claim_page(
    request: Request, session: SessionDep, container: ContainerDep, principal: Writer, form: FormDep
) -> Response:
    keyed = form_from_post(form)
    record_phi(
        container,
        principal,
        request,
        "patient",
        keyed.patient_id,
        action=audit.PHI_WRITE,
        detail={"claim_form": "new"},
    )
    try:
        result = claim_form.create(session, keyed, actor=principal.username)
    except ClaimFormErrors as exc:
        session.rollback()
        return render(
            request, "claims/form.html", _form_ctx(session, keyed, problems=exc.problems), status_code=422
        )
    return RedirectResponse(f"/claims/{result.claim_id}?imported=keyed", status_code=303)


@router.get("/claims/{claim_id}/edit")
def edit_claim_page(
    request: Request,
    claim_id: str,
    session: SessionDep,
    principal: Annotated[Principal, require("claims:write", "phi:read", record="claim", id_param="claim_id")],
) -> Response:
    return render(
        request,
        "claims/form.html",
        _form_ctx(session, claim_form.form_of_claim(session, claim_id), claim_id=claim_id),
    )


@router.post("/claims/{claim_id}/edit")
def update_claim_page(
    request: Request,
    claim_id: str,
    session: SessionDep,
    principal: Annotated[
        Principal, require("claims:write", "phi:write", record="claim", id_param="claim_id")
    ],
    form: FormDep,
) -> Response:
    keyed = form_from_post(form)
    try:
        claim_form.update(session, claim_id, keyed, actor=principal.username)
    except ClaimFormErrors as exc:
        session.rollback()
        ctx = _form_ctx(session, keyed, claim_id=claim_id, problems=exc.problems)
        return render(request, "claims/form.html", ctx, status_code=422)
    return RedirectResponse(f"/claims/{claim_id}?imported=edited", status_code=303)


@router.post("/claims/new/check")
def check_page(
    request: Request,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    principal: Writer,
    form: FormDep,
) -> Response:
    """HTMX: the inline problems and scrubber findings, and the charges the fee schedule fills (swapped
    into their fields out of band). Stores nothing."""
    keyed = form_from_post(form)
    result = claim_form.check(session, keyed, reference, container.settings)
    return render(request, "claims/_form_check.html", {"check": result, "lines": keyed.lines})


@router.get("/claims/new/coverages")
def coverages_fragment(
    request: Request, session: SessionDep, principal: Reader, patient_id: str = ""
) -> Response:
    """HTMX: the coverage picker of the chosen patient."""
    pid = _int(patient_id)
    choices = claim_form.choices(session, pid)
    return render(request, "claims/_coverages.html", {"choices": choices, "selected": None, "errors": {}})


@router.get("/claims/new/dx-search")
def dx_search(
    request: Request,
    reference: ReferenceDep,
    principal: Reader,
    target: str = "dx-0",
    date_of_service: str = "",
) -> Response:
    """HTMX active search: ICD-10-CM codes of the release in force on the date of service."""
    index = int(target.rsplit("-", 1)[-1]) if target.rsplit("-", 1)[-1].isdigit() else 0
    values = request.query_params.getlist("dx")
    query = values[index] if index < len(values) else (values[0] if values else "")
    try:
        on = date.fromisoformat(date_of_service) if date_of_service else None
    except ValueError:
        on = None
    hits = claim_form.diagnosis_search(reference, query, on)
    return render(request, "claims/_dx_results.html", {"hits": hits, "target": f"dx-{index}", "query": query})


@router.get("/claims/em-helper")
def em_helper_page(
    request: Request, principal: Annotated[Principal, require("claims:read", "phi:read")]
) -> Response:
    """The E/M level helper: a page, or its result block for HTMX (the claim form embeds it)."""
    params = dict(request.query_params)
    result = None
    if params.get("patient"):
        result = em.propose(_em_request(params))
    ctx = {"result": result, "params": params, "active": "claims"}
    if is_htmx(request):
        return render(request, "claims/_em_result.html", ctx)
    return render(request, "claims/em_helper.html", ctx)


def _em_request(params: dict[str, str]) -> EmRequest:
    minutes = params.get("total_minutes", "").strip()
    data = {
        "patient": params.get("patient"),
        "total_minutes": int(minutes) if minutes.isdigit() else None,
        "problems": params.get("problems") or None,
        "data": params.get("data") or None,
        "risk": params.get("risk") or None,
        "payer": params.get("payer") or "other",
    }
    if minutes and not minutes.isdigit():
        raise InvalidInput(f"{minutes!r} is not a number of minutes", field="total_minutes", fix="e.g. 35")
    try:
        return EmRequest.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "patient"
        raise InvalidInput(f"{field}: {err['msg']}", field=field, fix="choose from the lists") from None


# ---------------------------------------------------------------- JSON twins


@router.post("/api/em-level", response_model=EmResult)
def api_em_level(body: EmRequest, principal: EmUser) -> EmResult:
    return em.propose(body)


@router.get("/api/claims/new/choices", response_model=FormChoices)
def api_choices(
    session: SessionDep,
    principal: Annotated[
        Principal, require("claims:read", "phi:read", record="patient", id_param="patient_id")
    ],
    patient_id: int | None = None,
) -> FormChoices:
    return claim_form.choices(session, patient_id)


@router.post("/api/claims/new", response_model=ImportResult, status_code=201)
def api_create(
    request: Request, body: ClaimForm, session: SessionDep, container: ContainerDep, principal: Writer
) -> ImportResult:
    """Save a keyed claim as a draft under a generated claim ID (422 with ``problems`` by field)."""
    record_phi(
        container,
        principal,
        request,
        "patient",
        body.patient_id,
        action=audit.PHI_WRITE,
        detail={"claim_form": "new"},
    )
    return claim_form.create(session, body, actor=principal.username)


@router.post("/api/claims/new/check", response_model=FormCheck)
def api_check(
    body: ClaimForm, session: SessionDep, reference: ReferenceDep, container: ContainerDep, principal: Writer
) -> FormCheck:
    return claim_form.check(session, body, reference, container.settings)


@router.get("/api/claims/{claim_id}/form", response_model=ClaimForm)
def api_edit_form(
    claim_id: str,
    session: SessionDep,
    principal: Annotated[Principal, require("claims:write", "phi:read", record="claim", id_param="claim_id")],
) -> ClaimForm:
    return claim_form.form_of_claim(session, claim_id)


@router.put("/api/claims/{claim_id}/form", response_model=ImportResult)
def api_update(
    claim_id: str,
    body: ClaimForm,
    session: SessionDep,
    principal: Annotated[
        Principal, require("claims:write", "phi:write", record="claim", id_param="claim_id")
    ],
) -> ImportResult:
    return claim_form.update(session, claim_id, body, actor=principal.username)

"""Front-desk pages: patients (search, register, edit, coverages, merge), the payer list and the providers.

Each page's GET has its JSON twin under /api fed by the same service call (``respond``); the forms post
here and redirect (post/redirect/get), and a refused form comes back with the message on its field.
The JSON writes are in ``web.routers.patients``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from assistant.core.errors import AssistantError, InvalidInput
from assistant.core.money import decimal_amount
from assistant.parties import forms, service
from assistant.parties.schemas import (
    CONTACT_METHODS,
    ENTITY_TYPES,
    FILING_INDICATORS,
    GUARANTOR_RELATIONSHIPS,
    ORDER_NAMES,
    RELATIONSHIP_CODES,
)
from assistant.security import audit
from assistant.security.schemas import Principal
from web.deps import FormValues, SessionDep
from web.rendering import render, templates
from web.routers.pages_common import respond
from web.security_deps import require

router = APIRouter(tags=["patient pages"])

READ = require("patients:read", "phi:read", record="patient", id_param="patient_id")
WRITE = require("patients:write", "phi:write", record="patient", id_param="patient_id")
FORM = require("patients:write", "phi:write", record="patient", id_param="patient_id", action=audit.PHI_READ)
Writer = Annotated[Principal, WRITE]
PAYERS_READ = require("patients:read")
PAYERS_WRITE = require("patients:write")

FILING_NAMES = {
    "CI": "commercial",
    "MB": "Medicare Part B",
    "MA": "Medicare Part A",
    "MC": "Medicaid",
    "BL": "Blue Cross Blue Shield",
    "HM": "HMO",
    "CH": "Tricare",
    "VA": "Veterans Affairs",
    "WC": "workers' compensation",
    "ZZ": "other",
}
CHOICES = {
    "sexes": [("M", "Male"), ("F", "Female"), ("U", "Unknown")],
    "contact_options": [(c, c.capitalize()) for c in CONTACT_METHODS],
    "guarantor_options": [
        (g, "Self (the patient)" if g == "self" else g.capitalize()) for g in GUARANTOR_RELATIONSHIPS
    ],
    "relationship_options": [(word, f"{code} {word}") for word, code in RELATIONSHIP_CODES.items()],
    "orders": [(n, name) for n, name in ORDER_NAMES.items()],
    "entity_options": [(code, f"{code} {word}") for code, word in ENTITY_TYPES.items()],
    "filing_options": [
        (code, f"{code} {FILING_NAMES.get(code, '')}".strip()) for code in sorted(FILING_INDICATORS)
    ],
}


def phone(digits: str | None) -> str:
    """2175550134 -> (217) 555-0134 (stored as 10 digits)."""
    if not digits or len(digits) != 10:
        return digits or ""
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


templates.env.filters.setdefault("phone", phone)


def audit_registration(request: Request, session: Session, principal: Principal, patient_id: int) -> None:
    """The new record's id in the audit log (the route's own entry was written before it existed)."""
    ip = request.client.host if request.client else None
    detail = {"method": request.method, "path": request.url.path, "what": "registered"}
    audit.record(session, principal, audit.PHI_WRITE, "patient", patient_id, ip, detail)


def _parse_dob(text: str) -> date | None:
    return service.parse_date(text) if text.strip() else None


def _again(request: Request, template: str, ctx: dict[str, Any], exc: AssistantError) -> Response:
    """The form again, with what was typed and the message on the field at fault."""
    return render(request, template, {**CHOICES, **ctx, "error": exc}, status_code=exc.status_code)


def _saved(
    session: Session, save: Callable[[], object], again: Callable[[AssistantError], Response], to: str
) -> Response:
    """Post/redirect/get: ``save``, then go to ``to``; a refusal rolls back and shows the form ``again``."""
    try:
        save()
    except AssistantError as exc:
        session.rollback()
        return again(exc)
    return RedirectResponse(to, status_code=303)


# ------------------------------------------------------------------------------------------ search


@router.get("/patients", dependencies=[READ])
@router.get("/api/patients", dependencies=[READ])
def patients_page(
    request: Request, session: SessionDep, q: str = "", dob: str = "", member_id: str = ""
) -> Response:
    found = service.search_patients(session, q, dob=_parse_dob(dob), member_id=member_id.strip() or None)
    return respond(
        request,
        "patients/index.html",
        {"patients": found, "q": q},
        block="results",
        extra={"active": "patients"},
    )


# ------------------------------------------------------------------------------------ registration


@router.get("/patients/new", dependencies=[FORM])
def new_patient_form(request: Request) -> Response:
    return render(request, "patients/form.html", {**CHOICES, "values": {}, "active": "patients"})


@router.post("/patients")
def register_patient(
    request: Request, session: SessionDep, values: FormValues, principal: Writer
) -> Response:
    try:
        data = forms.patient_from_form(values)
        saved = service.register_patient(
            session, data, confirm_duplicate=forms.flag(values, "confirm_duplicate")
        )
    except service.DuplicatePatient as exc:
        session.rollback()
        ctx = {"values": values, "duplicates": exc.duplicates, "active": "patients"}
        return _again(request, "patients/form.html", ctx, exc)
    except AssistantError as exc:
        session.rollback()
        return _again(request, "patients/form.html", {"values": values, "active": "patients"}, exc)
    audit_registration(request, session, principal, saved.patient.id)
    return RedirectResponse(f"/patients/{saved.patient.id}?saved=1", status_code=303)


# ------------------------------------------------------------------------------------------ one patient


def _detail(session: Session, patient_id: int) -> dict[str, Any]:
    return {
        "patient": service.get_patient(session, patient_id),
        "possible_duplicates": service.possible_duplicates(session, patient_id),
    }


@router.get("/patients/{patient_id}", dependencies=[READ])
@router.get("/api/patients/{patient_id}", dependencies=[READ])
def patient_page(request: Request, patient_id: int, session: SessionDep, saved: str = "") -> Response:
    data = _detail(session, patient_id)
    extra = {
        **CHOICES,
        "payers": service.list_payers(session),
        "saved": saved,
        "active": "patients",
        "values": {},
    }
    return respond(request, "patients/detail.html", data, extra=extra)


@router.get("/patients/{patient_id}/edit", dependencies=[FORM])
def edit_patient_form(request: Request, patient_id: int, session: SessionDep) -> Response:
    p = service.get_patient(session, patient_id)
    values = forms.flat(p.model_dump(exclude={"id", "coverages", "merged_into_id"}))
    return render(
        request, "patients/form.html", {**CHOICES, "values": values, "patient": p, "active": "patients"}
    )


@router.post("/patients/{patient_id}", dependencies=[WRITE])
def edit_patient(request: Request, patient_id: int, session: SessionDep, values: FormValues) -> Response:
    try:
        data = forms.patient_from_form(values)
        service.update_patient(
            session, patient_id, data, confirm_duplicate=forms.flag(values, "confirm_duplicate")
        )
    except AssistantError as exc:
        session.rollback()
        ctx = {"values": values, "patient": service.get_patient(session, patient_id), "active": "patients"}
        if isinstance(exc, service.DuplicatePatient):
            ctx["duplicates"] = exc.duplicates
        return _again(request, "patients/form.html", ctx, exc)
    return RedirectResponse(f"/patients/{patient_id}?saved=1", status_code=303)


# ------------------------------------------------------------------------------------------ coverages


def _detail_again(
    request: Request, session: Session, patient_id: int, values: dict[str, str], exc: AssistantError
) -> Response:
    ctx = {**_detail(session, patient_id), "payers": service.list_payers(session), "values": values}
    return _again(request, "patients/detail.html", {**ctx, "active": "patients"}, exc)


@router.post("/patients/{patient_id}/coverages", dependencies=[WRITE])
def add_coverage(request: Request, patient_id: int, session: SessionDep, values: FormValues) -> Response:
    return _saved(
        session,
        lambda: service.add_coverage(session, patient_id, forms.coverage_from_form(values)),
        lambda exc: _detail_again(request, session, patient_id, values, exc),
        f"/patients/{patient_id}?saved=1#coverages",
    )


@router.get("/patients/{patient_id}/coverages/{coverage_id}/edit", dependencies=[FORM])
def edit_coverage_form(request: Request, patient_id: int, coverage_id: int, session: SessionDep) -> Response:
    p = service.get_patient(session, patient_id)
    c = next((c for c in p.coverages if c.id == coverage_id), None)
    if c is None:
        return RedirectResponse(f"/patients/{patient_id}", status_code=303)
    values = forms.flat(
        c.model_dump(
            include={"member_id", "group_number", "order", "relationship", "effective_from", "effective_to"}
        )
    )
    values["payer_id"] = c.payer.payer_id
    if c.subscriber:
        values.update(forms.flat(c.subscriber.model_dump(), "subscriber."))
    if c.copay_cents is not None:
        values["copay"] = decimal_amount(c.copay_cents)
    ctx = {**CHOICES, "patient": p, "coverage": c, "values": values, "payers": service.list_payers(session)}
    return render(request, "patients/coverage_form.html", {**ctx, "active": "patients"})


@router.post("/patients/{patient_id}/coverages/{coverage_id}", dependencies=[WRITE])
def edit_coverage(
    request: Request, patient_id: int, coverage_id: int, session: SessionDep, values: FormValues
) -> Response:
    try:
        service.update_coverage(session, patient_id, coverage_id, forms.coverage_from_form(values))
    except AssistantError as exc:
        session.rollback()
        p = service.get_patient(session, patient_id)
        c = next((c for c in p.coverages if c.id == coverage_id), None)
        ctx = {"patient": p, "coverage": c, "values": values, "payers": service.list_payers(session)}
        return _again(request, "patients/coverage_form.html", {**ctx, "active": "patients"}, exc)
    return RedirectResponse(f"/patients/{patient_id}?saved=1#coverages", status_code=303)


@router.post("/patients/{patient_id}/coverages/{coverage_id}/up", dependencies=[WRITE])
def move_coverage_up(patient_id: int, coverage_id: int, session: SessionDep) -> Response:
    service.move_coverage_up(session, patient_id, coverage_id)
    return RedirectResponse(f"/patients/{patient_id}#coverages", status_code=303)


# ------------------------------------------------------------------------------------------ merge


@router.post("/patients/{patient_id}/merge")
def merge_patient(
    request: Request, patient_id: int, session: SessionDep, values: FormValues, principal: Writer
) -> Response:
    raw = values.get("merge_id", "").strip().lstrip("#")
    try:
        if not raw.isdigit():
            raise InvalidInput(
                "give the number of the duplicate record",
                field="merge_id",
                fix="e.g. 12 (from the patient list)",
            )
        if not forms.flag(values, "confirm"):
            raise InvalidInput(
                "confirm the merge: it cannot be undone from the page",
                field="confirm",
                fix="tick the box after checking that both records are the same person",
            )
        ip = request.client.host if request.client else None
        service.merge_patients(session, patient_id, int(raw), actor=principal.username, ip=ip)
    except AssistantError as exc:
        session.rollback()
        return _detail_again(request, session, patient_id, values, exc)
    return RedirectResponse(f"/patients/{patient_id}?saved=merged", status_code=303)


# ------------------------------------------------------------------------------------------ payers


@router.get("/payers", dependencies=[PAYERS_READ])
@router.get("/api/payers", dependencies=[PAYERS_READ])
def payers_page(request: Request, session: SessionDep, edit: str = "") -> Response:
    payers = service.list_payers(session)
    editing = next((p for p in payers if p.payer_id == edit), None)
    values = forms.flat(editing.model_dump(exclude={"id"})) if editing else {"filing_indicator": "CI"}
    extra = {**CHOICES, "editing": editing, "values": values, "active": "payers"}
    return respond(request, "payers/index.html", {"payers": payers}, extra=extra)


def _payers_again(
    request: Request, session: Session, values: dict[str, str], exc: AssistantError
) -> Response:
    ctx = {"payers": service.list_payers(session), "values": values, "active": "payers"}
    return _again(request, "payers/index.html", ctx, exc)


@router.post("/payers", dependencies=[PAYERS_WRITE])
def add_payer(request: Request, session: SessionDep, values: FormValues) -> Response:
    return _saved(
        session,
        lambda: service.add_payer(session, forms.payer_from_form(values)),
        lambda exc: _payers_again(request, session, values, exc),
        "/payers",
    )


@router.post("/payers/{payer_id}", dependencies=[PAYERS_WRITE])
def edit_payer(request: Request, payer_id: str, session: SessionDep, values: FormValues) -> Response:
    values = {**values, "payer_id": payer_id}
    return _saved(
        session,
        lambda: service.update_payer(session, payer_id, forms.payer_from_form(values)),
        lambda exc: _payers_again(request, session, values, exc),
        "/payers",
    )


# ------------------------------------------------------------------------------------------ providers


@router.get("/providers", dependencies=[PAYERS_READ])
@router.get("/api/providers", dependencies=[PAYERS_READ])
def providers_page(request: Request, session: SessionDep, edit: str = "") -> Response:
    providers = service.list_providers(session)
    editing = next((p for p in providers if str(p.id) == edit.strip()), None)
    exclude = {"id", "entity_name", "display_name"}
    values = forms.flat(editing.model_dump(exclude=exclude)) if editing else {"entity_type": "1"}
    extra = {**CHOICES, "editing": editing, "values": values, "active": "providers"}
    return respond(request, "providers/index.html", {"providers": providers}, extra=extra)


def _providers_again(
    request: Request, session: Session, values: dict[str, str], exc: AssistantError, editing_id: int | None
) -> Response:
    providers = service.list_providers(session)
    editing = next((p for p in providers if p.id == editing_id), None)
    ctx = {"providers": providers, "values": values, "editing": editing, "active": "providers"}
    return _again(request, "providers/index.html", ctx, exc)


@router.post("/providers", dependencies=[PAYERS_WRITE])
def add_provider(request: Request, session: SessionDep, values: FormValues) -> Response:
    return _saved(
        session,
        lambda: service.add_provider(session, forms.provider_from_form(values)),
        lambda exc: _providers_again(request, session, values, exc, None),
        "/providers",
    )


@router.post("/providers/{provider_id}", dependencies=[PAYERS_WRITE])
def edit_provider(request: Request, provider_id: int, session: SessionDep, values: FormValues) -> Response:
    def save() -> object:
        values["npi"] = service.get_provider(session, provider_id).npi  # the NPI is not edited
        return service.update_provider(session, provider_id, forms.provider_from_form(values))

    return _saved(
        session, save, lambda exc: _providers_again(request, session, values, exc, provider_id), "/providers"
    )

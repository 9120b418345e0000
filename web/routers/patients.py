"""Patients, coverage, payers and providers JSON API (the writes; the reads are the pages' twins in
``web.routers.pages_patients``). Every route calls ``assistant.parties.service``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request

from assistant.parties import service
from assistant.parties.schemas import (
    CoverageIn,
    CoverageOut,
    MergeIn,
    PatientIn,
    PatientOut,
    PatientSaved,
    PayerIn,
    PayerOut,
    ProviderIn,
    ProviderOut,
    ReorderIn,
)
from assistant.security.schemas import Principal
from web.deps import SessionDep
from web.routers.pages_patients import WRITE, audit_registration
from web.security_deps import require

router = APIRouter(prefix="/api", tags=["patients"])
Writer = Annotated[Principal, WRITE]
PAYERS_WRITE = require("patients:write")


class PatientBody(PatientIn):
    confirm_duplicate: bool = (
        False  # the user checked that a same-name, same-birth-date record is someone else
    )


def _patient_in(body: PatientBody) -> PatientIn:
    return PatientIn(**body.model_dump(exclude={"confirm_duplicate"}))


@router.post("/patients", response_model=PatientSaved, status_code=201)
def register(body: PatientBody, request: Request, session: SessionDep, principal: Writer) -> PatientSaved:
    saved = service.register_patient(session, _patient_in(body), confirm_duplicate=body.confirm_duplicate)
    audit_registration(request, session, principal, saved.patient.id)
    return saved


@router.put("/patients/{patient_id}", response_model=PatientSaved, dependencies=[WRITE])
def edit(patient_id: int, body: PatientBody, session: SessionDep) -> PatientSaved:
    return service.update_patient(
        session, patient_id, _patient_in(body), confirm_duplicate=body.confirm_duplicate
    )


@router.post(
    "/patients/{patient_id}/coverages", response_model=CoverageOut, status_code=201, dependencies=[WRITE]
)
def add_coverage(patient_id: int, body: CoverageIn, session: SessionDep) -> CoverageOut:
    return service.add_coverage(session, patient_id, body)


@router.put("/patients/{patient_id}/coverages/order", response_model=PatientOut, dependencies=[WRITE])
def reorder(patient_id: int, body: ReorderIn, session: SessionDep) -> PatientOut:
    return service.reorder_coverages(session, patient_id, body.coverage_ids)


@router.put(
    "/patients/{patient_id}/coverages/{coverage_id}", response_model=CoverageOut, dependencies=[WRITE]
)
def edit_coverage(patient_id: int, coverage_id: int, body: CoverageIn, session: SessionDep) -> CoverageOut:
    return service.update_coverage(session, patient_id, coverage_id, body)


@router.post("/patients/{patient_id}/merge", response_model=service.MergeResult)
def merge(
    patient_id: int, body: MergeIn, request: Request, session: SessionDep, principal: Writer
) -> service.MergeResult:
    ip = request.client.host if request.client else None
    return service.merge_patients(session, patient_id, body.merge_id, actor=principal.username, ip=ip)


@router.post("/payers", response_model=PayerOut, status_code=201, dependencies=[PAYERS_WRITE])
def add_payer(body: PayerIn, session: SessionDep) -> PayerOut:
    return service.add_payer(session, body)


@router.put("/payers/{payer_id}", response_model=PayerOut, dependencies=[PAYERS_WRITE])
def edit_payer(payer_id: str, body: PayerIn, session: SessionDep) -> PayerOut:
    return service.update_payer(session, payer_id, body)


@router.post("/providers", response_model=ProviderOut, status_code=201, dependencies=[PAYERS_WRITE])
def add_provider(body: ProviderIn, session: SessionDep) -> ProviderOut:
    return service.add_provider(session, body)


@router.put("/providers/{provider_id}", response_model=ProviderOut, dependencies=[PAYERS_WRITE])
def edit_provider(provider_id: int, body: ProviderIn, session: SessionDep) -> ProviderOut:
    return service.update_provider(session, provider_id, body)

"""Claims JSON API (pages come from the web helper). Every route calls ``assistant.claims.service``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from pydantic import BaseModel

from assistant.claims import service
from assistant.claims.cms1500 import cms1500_boxes, cms1500_html
from assistant.claims.cms1500_pdf import cms1500_pdf
from assistant.claims.schemas import (
    BatchRunOut,
    ClaimDetail,
    ClaimImport,
    ClaimSummary,
    ImportResult,
    ScrubReport,
    TransitionRequest,
    parse_claim_document,
)
from assistant.security import audit
from assistant.security.schemas import Principal
from web.deps import ContainerDep, RawBody, ReferenceDep, SessionDep, parse_json_body
from web.security_deps import record_phi, require

router = APIRouter(prefix="/api/claims", tags=["claims"])
Reader = Annotated[Principal, require("claims:read", "phi:read")]
Writer = Annotated[Principal, require("claims:write", "phi:write")]


def reads(action: str = audit.PHI_READ) -> Any:
    """Read one stored claim (``claim_id`` in the path), audited."""
    return require("claims:read", "phi:read", record="claim", id_param="claim_id", action=action)


def writes() -> Any:
    return require("claims:write", "phi:write", record="claim", id_param="claim_id")


def _json_body(raw: bytes) -> Any:
    return parse_json_body(raw, fix="send one claim document as JSON")


@router.post("", response_model=ImportResult, status_code=201)
def create_claim(
    request: Request,
    session: SessionDep,
    container: ContainerDep,
    principal: Writer,
    raw: RawBody,
    replace: bool = False,
) -> ImportResult:
    """Import one claim document; ``?replace=true`` lets a re-import change the claim's patient or payer."""
    data = _json_body(raw)
    claim_id = data.get("claim_id") if isinstance(data, dict) else None
    record_phi(container, principal, request, "claim", claim_id, action=audit.PHI_WRITE)
    return service.import_data(session, data, actor=principal.username, replace=replace)


@router.get(
    "", response_model=list[ClaimSummary], dependencies=[require("claims:read", "phi:read", record="claim")]
)
def list_claims(
    session: SessionDep, status: str | None = None, payer_id: str | None = None
) -> list[ClaimSummary]:
    return service.list_claims(session, status, payer_id)


@router.post("/scrub", response_model=ScrubReport)
def scrub(
    request: Request,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    principal: Writer,
    raw: RawBody,
) -> ScrubReport:
    """Body: a claim document, or {"claim_id": "..."} for a stored claim."""
    data = _json_body(raw)
    if isinstance(data, dict) and set(data) == {"claim_id"}:
        claim_id = str(data["claim_id"])
        record_phi(container, principal, request, "claim", claim_id, action=audit.PHI_WRITE)
        claim = service.get_claim(session, claim_id)
        return service.scrub_claim(session, claim, reference, container.settings, actor=principal.username)

    doc = parse_claim_document(data)
    detail = {"stored": False}
    record_phi(container, principal, request, "claim", doc.claim_id, detail=detail)
    return service.scrub_document(doc, reference, container.settings, session)


class BatchRequest(BaseModel):
    payer_id: str


@router.post("/batches", response_model=BatchRunOut, status_code=201)
def create_batch(
    body: BatchRequest,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    principal: Annotated[
        Principal, require("claims:write", "phi:write", record="payer", action=audit.EXPORT_837)
    ],
) -> BatchRunOut:
    """Send the payer's ready claims in one 837P; every claim held back is listed with its reasons."""
    out_dir = container.settings.data_dir / "exports"
    return service.batch(
        session, body.payer_id.strip(), out_dir, reference, container.settings, actor=principal.username
    )


@router.get(
    "/batches",
    response_model=list[BatchRunOut],
    dependencies=[require("claims:read", "phi:read", record="batch")],
)
def list_batches(session: SessionDep) -> list[BatchRunOut]:
    return service.batch_runs(session)


@router.get(
    "/batches/{run_id}",
    response_model=BatchRunOut,
    dependencies=[require("claims:read", "phi:read", record="batch", id_param="run_id")],
)
def get_batch(run_id: int, session: SessionDep) -> BatchRunOut:
    return service.batch_run(session, run_id)


@router.get("/{claim_id}", response_model=ClaimDetail, dependencies=[reads()])
def get_claim(claim_id: str, session: SessionDep, reference: ReferenceDep) -> ClaimDetail:
    return service.detail(service.get_claim(session, claim_id), reference)


@router.post("/{claim_id}/status")
def change_status(
    claim_id: str,
    body: TransitionRequest,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    principal: Annotated[Principal, writes()],
) -> dict[str, Any]:
    """Moving to scrubbed/ready runs the scrubber (409 with its findings on errors); submitted is set
    only by sending (a payer batch or an export)."""
    claim = service.get_claim(session, claim_id)
    event = service.request_status(
        session, claim, body.to, principal.username, reference, container.settings, body.note
    )
    return {"claim_id": claim.claim_id, "from": event.from_status, "to": event.to_status, "by": event.actor}


@router.get("/{claim_id}/x12", response_class=PlainTextResponse, dependencies=[reads(audit.EXPORT_837)])
def x12(
    claim_id: str, session: SessionDep, reference: ReferenceDep, container: ContainerDep
) -> PlainTextResponse:
    """A preview: interchange control number 000000000, none used up (a payer batch takes one)."""
    text = service.x12_for_input(session, claim_id, reference, container.settings, keep=False)
    return PlainTextResponse(text, media_type="application/edi-x12")


@router.get("/{claim_id}/cms1500", dependencies=[reads()])
def cms1500(claim_id: str, session: SessionDep, format: str = "json") -> Any:
    doc = service.to_document(service.get_claim(session, claim_id))
    if format == "html":
        return HTMLResponse(cms1500_html(doc))
    return cms1500_boxes(doc)


@router.get("/{claim_id}/cms1500.pdf", dependencies=[reads(audit.EXPORT_PDF)])
def cms1500_pdf_route(claim_id: str, session: SessionDep, form: str = "view") -> Response:
    """``form=view``: the form drawn with the data (view, fax); ``form=print``: data only (red form)."""
    return cms1500_pdf_response(service.to_document(service.get_claim(session, claim_id)), form)


def cms1500_pdf_response(doc: ClaimImport, form: str) -> Response:
    """The CMS-1500 PDF of a claim, shown inline (the page route sends the same)."""
    return Response(
        cms1500_pdf(doc, form),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="cms1500-{doc.claim_id}-{form}.pdf"'},
    )

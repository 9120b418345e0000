"""Claims pages: list, import, claim detail (lines with Justify pointers, scrub findings inline with fixes,
status history), 837P download, batches per payer. JSON twins are the claims API (/api/claims/...)."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, PlainTextResponse, RedirectResponse, Response

from assistant.claims import service
from assistant.claims.models import ALLOWED_TRANSITIONS, ClaimStatus
from assistant.core.errors import InvalidInput, NotFound
from assistant.security import audit
from assistant.security.schemas import Principal
from web.deps import ContainerDep, FormDep, ReferenceDep, SessionDep, uploaded_bytes
from web.rendering import render
from web.security_deps import record_phi, require

router = APIRouter(tags=["claims pages"])
EXPORT_NAME = re.compile(r"^837P-[A-Za-z0-9._-]+\.x12$")


def reads(id_param: str | None = "claim_id", action: str = audit.PHI_READ, record: str = "claim") -> Any:
    return require("claims:read", "phi:read", record=record, id_param=id_param, action=action)


def writes(id_param: str | None = "claim_id", action: str = audit.PHI_WRITE, record: str = "claim") -> Any:
    return require("claims:write", "phi:write", record=record, id_param=id_param, action=action)


def _list_ctx(session: Any, status: str | None = None, payer_id: str | None = None) -> dict[str, Any]:
    claims = service.list_claims(session, status or None, payer_id or None)
    payers = sorted({(c.payer_id, c.payer_name) for c in claims})
    return {
        "claims": claims,
        "payers": payers,
        "statuses": [s.value for s in ClaimStatus],
        "status": status or "",
        "active": "claims",
    }


@router.get("/claims", dependencies=[reads(None)])
def claims_page(request: Request, session: SessionDep, status: str = "", payer_id: str = "") -> Response:
    return render(request, "claims/index.html", _list_ctx(session, status, payer_id))


@router.post("/claims/import")
def import_claim(
    request: Request,
    session: SessionDep,
    container: ContainerDep,
    principal: Annotated[Principal, require("claims:write", "phi:write")],
    form: FormDep,
) -> Response:
    found = uploaded_bytes(form)
    raw = found[0] if found is not None else b""
    if not raw.strip():
        raw = str(form.get("document") or "").encode()
    if not raw.strip():
        raise InvalidInput(
            "no claim given", field="file", fix="choose a claim JSON file or paste the document"
        )
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"the claim is not valid JSON: {exc.msg} at line {exc.lineno}",
            field="file",
            fix="fix the JSON syntax",
        ) from None
    claim_id = data.get("claim_id") if isinstance(data, dict) else None
    record_phi(container, principal, request, "claim", claim_id, action=audit.PHI_WRITE)
    result = service.import_data(session, data, actor=principal.username)
    return RedirectResponse(f"/claims/{result.claim_id}?imported={result.outcome}", status_code=303)


def _detail_ctx(session: Any, claim_id: str, **extra: Any) -> dict[str, Any]:
    claim = service.get_claim(session, claim_id)
    det = service.detail(claim)
    nexts = sorted(s.value for s in ALLOWED_TRANSITIONS[ClaimStatus(claim.status)])
    return {"claim": det, "doc": det.document, "next_statuses": nexts, "active": "claims", **extra}


@router.get("/claims/{claim_id}", dependencies=[reads()])
def claim_page(request: Request, claim_id: str, session: SessionDep, imported: str = "") -> Response:
    return render(request, "claims/detail.html", _detail_ctx(session, claim_id, imported=imported))


@router.post("/claims/{claim_id}/scrub")
def scrub(
    request: Request,
    claim_id: str,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    principal: Annotated[Principal, writes()],
) -> Response:
    claim = service.get_claim(session, claim_id)
    report = service.scrub_claim(session, claim, reference, container.settings, actor=principal.username)
    session.flush()
    return render(
        request, "claims/detail.html", _detail_ctx(session, claim_id, report=report), block="claim_body"
    )


@router.post("/claims/{claim_id}/status")
def change_status(
    request: Request,
    claim_id: str,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    principal: Annotated[Principal, writes()],
    form: FormDep,
) -> Response:
    """Scrubbed/ready run the scrubber first and are refused with its findings."""
    claim = service.get_claim(session, claim_id)
    service.request_status(
        session,
        claim,
        str(form.get("to") or ""),
        principal.username,
        reference,
        container.settings,
        str(form.get("note") or "") or None,
    )
    return RedirectResponse(f"/claims/{claim_id}", status_code=303)


@router.get("/claims/{claim_id}/837p", dependencies=[reads(action=audit.EXPORT_837)])
def download_837p(
    claim_id: str, session: SessionDep, reference: ReferenceDep, container: ContainerDep
) -> Response:
    text = service.x12_for_input(session, claim_id, reference, container.settings, keep=False)  # a preview
    return PlainTextResponse(
        text,
        media_type="application/edi-x12",
        headers={"Content-Disposition": f'attachment; filename="837P-{claim_id}.x12"'},
    )


@router.post("/claims/batch")
def batch(
    request: Request,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    principal: Annotated[Principal, writes("payer_id", audit.EXPORT_837, record="payer")],
    form: FormDep,
) -> Response:
    payer_id = str(form.get("payer_id") or "").strip()
    if not payer_id:
        raise InvalidInput(
            "choose a payer", field="payer_id", fix="pick the payer whose ready claims to send"
        )
    out_dir = container.settings.data_dir / "exports"
    result = service.batch(
        session, payer_id, out_dir, reference, container.settings, actor=principal.username
    )
    ctx = _list_ctx(session)
    ctx["batch"] = result
    return render(request, "claims/index.html", ctx)


@router.get("/claims/exports/{name}", dependencies=[reads("name", audit.EXPORT_837, record="export")])
def export_file(name: str, container: ContainerDep) -> Response:
    path = container.settings.data_dir / "exports" / name
    if not EXPORT_NAME.fullmatch(name) or not path.is_file():
        raise NotFound(f"no export {name}", field="name", fix="create a batch on the Claims page")
    return FileResponse(path, media_type="application/edi-x12", filename=name)

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
from web.rendering import is_htmx, render
from web.routers.claims import cms1500_pdf_response
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
    replace = str(form.get("replace") or "") in {"1", "on", "true"}
    result = service.import_data(session, data, actor=principal.username, replace=replace)
    return RedirectResponse(f"/claims/{result.claim_id}?imported={result.outcome}", status_code=303)


OFFERED_BY_HAND = frozenset(s.value for s in ClaimStatus) - {ClaimStatus.SUBMITTED.value}


def _detail_ctx(session: Any, claim_id: str, reference: Any, **extra: Any) -> dict[str, Any]:
    claim = service.get_claim(session, claim_id)
    det = service.detail(claim, reference)
    nexts = sorted(s.value for s in ALLOWED_TRANSITIONS[ClaimStatus(claim.status)] if s in OFFERED_BY_HAND)
    return {"claim": det, "doc": det.document, "next_statuses": nexts, "active": "claims", **extra}


def _refused(
    request: Request, session: Any, claim_id: str, reference: Any, exc: service.ClaimHasErrors, action: str
) -> Response:
    """The claim page with every scrubber error listed where it applies, and the refused action named."""
    ctx = _detail_ctx(session, claim_id, reference, report=exc.report, refused=action)
    status = 200 if is_htmx(request) else 409  # htmx swaps only 2xx bodies
    return render(request, "claims/detail.html", ctx, block="claim_body", status_code=status)


@router.post("/claims/batch")
def batch(
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    principal: Annotated[Principal, writes("payer_id", audit.EXPORT_837, record="payer")],
    form: FormDep,
) -> Response:
    """Send the payer's ready claims, then show the result at its own address (reloading re-sends nothing)."""
    payer_id = str(form.get("payer_id") or "").strip()
    if not payer_id:
        raise InvalidInput(
            "choose a payer", field="payer_id", fix="pick the payer whose ready claims to send"
        )
    out_dir = container.settings.data_dir / "exports"
    result = service.batch(
        session, payer_id, out_dir, reference, container.settings, actor=principal.username
    )
    session.commit()
    return RedirectResponse(f"/claims/batches/{result.id}", status_code=303)


@router.get("/claims/batches", dependencies=[reads(None, audit.PHI_READ, record="batch")])
def batches_page(request: Request, session: SessionDep) -> Response:
    return render(request, "claims/batches.html", {"runs": service.batch_runs(session), "active": "claims"})


@router.get("/claims/batches/{run_id}", dependencies=[reads("run_id", audit.PHI_READ, record="batch")])
def batch_page(request: Request, run_id: int, session: SessionDep) -> Response:
    ctx = {
        "batch": service.batch_run(session, run_id),
        "runs": service.batch_runs(session),
        "active": "claims",
    }
    return render(request, "claims/batches.html", ctx)


@router.get("/claims/exports/{name}", dependencies=[reads("name", audit.EXPORT_837, record="export")])
def export_file(name: str, container: ContainerDep) -> Response:
    path = container.settings.data_dir / "exports" / name
    if not EXPORT_NAME.fullmatch(name) or not path.is_file():
        raise NotFound(f"no export {name}", field="name", fix="create a batch on the Claims page")
    return FileResponse(path, media_type="application/edi-x12", filename=name)


@router.get("/claims/{claim_id}", dependencies=[reads()])
def claim_page(
    request: Request,
    claim_id: str,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    imported: str = "",
    scrubbed: str = "",
) -> Response:
    """``scrubbed``: where a plain scrub form lands, with the scrubber's report (run again, read-only)."""
    ctx = _detail_ctx(session, claim_id, reference, imported=imported)
    if scrubbed:
        doc = service.to_document(service.get_claim(session, claim_id))
        ctx["report"] = service.scrub_document(doc, reference, container.settings, session)
    return render(request, "claims/detail.html", ctx)


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
    if not is_htmx(request):  # post/redirect/get: the claim page shows the report again
        return RedirectResponse(f"/claims/{claim_id}?scrubbed=1#scrub", status_code=303)
    return render(
        request,
        "claims/detail.html",
        _detail_ctx(session, claim_id, reference, report=report),
        block="claim_body",
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
    """Scrubbed/ready run the scrubber first; a refusal shows the claim page with every error."""
    claim = service.get_claim(session, claim_id)
    to = str(form.get("to") or "")
    try:
        service.request_status(
            session,
            claim,
            to,
            principal.username,
            reference,
            container.settings,
            str(form.get("note") or "") or None,
        )
    except service.ClaimHasErrors as exc:
        return _refused(request, session, claim_id, reference, exc, f"Move to {to}")
    return RedirectResponse(f"/claims/{claim_id}", status_code=303)


@router.get("/claims/{claim_id}/cms1500.pdf", dependencies=[reads(action=audit.EXPORT_PDF)])
def cms1500_pdf(claim_id: str, session: SessionDep, form: str = "view") -> Response:
    """The page's CMS-1500 link: ``form=view`` (form drawn, to view or fax) or ``form=print`` (red form)."""
    return cms1500_pdf_response(service.to_document(service.get_claim(session, claim_id)), form)


@router.get("/claims/{claim_id}/837p", dependencies=[reads(action=audit.EXPORT_837)])
def download_837p(
    request: Request, claim_id: str, session: SessionDep, reference: ReferenceDep, container: ContainerDep
) -> Response:
    """The 837P preview as a download; a claim with scrubber errors gets its page back with every error."""
    try:
        text = service.x12_for_input(session, claim_id, reference, container.settings, keep=False)
    except service.ClaimHasErrors as exc:
        return _refused(request, session, claim_id, reference, exc, "Download 837P")
    return PlainTextResponse(
        text,
        media_type="application/edi-x12",
        headers={"Content-Disposition": f'attachment; filename="837P-{claim_id}.x12"'},
    )

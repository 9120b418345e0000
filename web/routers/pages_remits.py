"""Remittance and denial pages: import an 835, postings, the unmatched work queue, and for each denied
line the explanation, a corrected claim and an appeal draft. JSON twins: /api/remits/..., /api/denials/...."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from assistant.core.adjustments import STEP_LABELS
from assistant.core.errors import InvalidInput
from assistant.denials import service as denials
from assistant.denials.schemas import ExplainRequest
from assistant.remit import service
from assistant.remit.schemas import ImportSummary
from assistant.security.schemas import Principal
from web.deps import ContainerDep, FormDep, ReferenceDep, SessionDep, uploaded_bytes
from web.rendering import is_htmx, render
from web.routers.remits import audit_import
from web.security_deps import require

router = APIRouter(tags=["remittance pages"])
# An appeal letter and a corrected claim are built from the denied line's claim (denials + claims).
Appealer = Annotated[
    Principal, require("denials:read", "phi:read", record="remit_line", id_param="remit_line_id")
]
Corrector = Annotated[
    Principal,
    require("denials:write", "claims:write", "phi:write", record="remit_line", id_param="remit_line_id"),
]


def _list_ctx(session: Any, **extra: Any) -> dict[str, Any]:
    return {
        "remits": service.list_remits(session),
        "queue": service.work_queue(session, "open"),
        "active": "remits",
        **extra,
    }


@router.get("/remits", dependencies=[require("remits:read", "phi:read", record="remit")])
def remits_page(
    request: Request,
    session: SessionDep,
    imported: bool = False,
    posted: int = 0,
    held: int = 0,
    already: int = 0,
    dups: int = 0,
    items: int = 0,
    remit: Annotated[list[int] | None, Query()] = None,
) -> Response:
    summary = None
    if imported:  # the redirect after an import carries what it did (nothing is kept in memory)
        summary = ImportSummary(
            posted=posted,
            held=held,
            already_posted=already,
            possible_duplicates=dups,
            work_items=items,
            remit_ids=remit or [],
        )
    return render(request, "remits/index.html", _list_ctx(session, summary=summary))


@router.post("/remits/import")
def import_835(
    request: Request,
    container: ContainerDep,
    principal: Annotated[Principal, require("remits:write", "phi:write")],
    form: FormDep,
) -> Response:
    found = uploaded_bytes(form)
    if found is None:
        raise InvalidInput("no 835 file chosen", field="file", fix="choose the 835 remittance file to import")
    data, filename = found
    if not data.strip():
        raise InvalidInput(f"{filename} is empty", field="file", fix="choose the 835 remittance file")
    report = service.import_835_bytes(container.sessions, data, filename=filename, actor=principal.username)
    audit_import(container, principal, request, report)
    s = report.summary()
    query = {
        "imported": 1,
        "posted": s.posted,
        "held": s.held,
        "already": s.already_posted,
        "dups": s.possible_duplicates,
        "items": s.work_items,
        "remit": s.remit_ids,
    }
    return RedirectResponse(f"/remits?{urlencode(query, doseq=True)}", status_code=303)


def _explanations(session: Any, remit_id: int, reference: Any, settings: Any) -> list[Any]:
    return denials.explain_remit(
        session,
        remit_id,
        reference=reference,
        timely_filing_days=settings.timely_filing_days,
        appeal_window_days=settings.appeal_window_days,
    )


def _detail_ctx(session: Any, remit_id: int, reference: Any, settings: Any, **extra: Any) -> dict[str, Any]:
    remit = service.remit_detail(session, remit_id)
    exps = _explanations(session, remit_id, reference, settings)
    by_key: dict[tuple[str | None, int | None], list[Any]] = {}
    for e in exps:
        by_key.setdefault((e.claim_id, e.line), []).append(e)
    return {
        "remit": remit,
        "explanations": exps,
        "by_key": by_key,
        "step_labels": STEP_LABELS,
        "active": "remits",
        **extra,
    }


@router.get(
    "/remits/{remit_id}",
    dependencies=[require("remits:read", "phi:read", record="remit", id_param="remit_id")],
)
def remit_page(
    request: Request,
    remit_id: int,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    secondary: str | None = None,
    state: str | None = None,
) -> Response:
    ctx = _detail_ctx(session, remit_id, reference, container.settings)
    ctx["secondary_made"] = {"claim_id": secondary, "state": state} if secondary else None
    return render(request, "remits/detail.html", ctx)


def _line_denial(session: Session, remit_line_id: int, form: Any = None) -> ExplainRequest:
    """The posted remit line's denial adjustment named by the form's ``carc`` (else its first one)."""
    carc = str(form.get("carc") or "").strip().upper() or None if form is not None else None
    return denials.request_for(
        session, remit_line_id=remit_line_id, claim_id=None, group=None, carc=carc, rarcs=[], line=None
    )


@router.post("/remits/{remit_id}/lines/{remit_line_id}/appeal")
def appeal(
    request: Request,
    remit_id: int,
    remit_line_id: int,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    _: Appealer,
    form: FormDep,
) -> Response:
    """htmx swaps the draft in place; a plain form goes to the draft's own page (reloading posts nothing)."""
    carc = str(form.get("carc") or "").strip().upper()
    if is_htmx(request):
        return appeal_page(request, remit_id, remit_line_id, session, reference, container, _, carc)
    query = f"?{urlencode({'carc': carc})}" if carc else ""
    return RedirectResponse(f"/remits/{remit_id}/lines/{remit_line_id}/appeal{query}", status_code=303)


@router.get("/remits/{remit_id}/lines/{remit_line_id}/appeal")
def appeal_page(
    request: Request,
    remit_id: int,
    remit_line_id: int,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    _: Appealer,
    carc: str = "",
) -> Response:
    req = _line_denial(session, remit_line_id, {"carc": carc})
    letter = denials.appeal_letter(session, req, reference=reference, settings=container.settings)
    return render(
        request,
        "remits/_appeal.html",
        {"letter": letter, "remit_id": remit_id, "remit_line_id": remit_line_id, "active": "remits"},
    )


@router.post("/remits/{remit_id}/lines/{remit_line_id}/corrected-claim")
def corrected(
    request: Request,
    remit_id: int,
    remit_line_id: int,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    principal: Corrector,
    form: FormDep,
) -> Response:
    req = _line_denial(session, remit_line_id, form)
    out = denials.corrected_claim(
        session,
        req,
        claim_id=req.claim_id or "",
        actions=None,
        reference=reference,
        settings=container.settings,
        actor=principal.username,
    )
    if is_htmx(request):
        ctx = {"out": out, "remit_id": remit_id, "active": "remits"}
        return render(request, "remits/_corrected.html", ctx)
    return RedirectResponse(f"/claims/{quote(out.claim_id)}?imported=corrected", status_code=303)

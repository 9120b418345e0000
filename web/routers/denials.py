"""Denials JSON API: explain, appeal letter, corrected claim, promote a pattern to a local rule."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from assistant.denials import service
from assistant.denials.schemas import (
    AppealLetter,
    AppealRequest,
    CorrectedClaimRequest,
    ExplainRequest,
    Explanation,
    PromoteRequest,
)
from web.deps import ContainerDep, ReferenceDep, SessionDep

router = APIRouter(prefix="/api/denials", tags=["denials"])


@router.post("/explain", response_model=Explanation)
def explain(
    body: ExplainRequest, session: SessionDep, reference: ReferenceDep, container: ContainerDep
) -> Explanation:
    s = container.settings
    return service.explain(
        body,
        reference=reference,
        session=session,
        timely_filing_days=s.timely_filing_days,
        appeal_window_days=s.appeal_window_days,
    )


@router.post("/appeal", response_model=AppealLetter)
def appeal(body: AppealRequest, session: SessionDep, reference: ReferenceDep, container: ContainerDep) -> Any:
    req = service.request_for(
        session,
        remit_line_id=body.remit_line_id,
        claim_id=body.claim_id,
        group=body.group,
        carc=body.carc,
        rarcs=body.rarcs,
        line=body.line,
    )
    return service.appeal_letter(session, req, reference=reference, settings=container.settings)


@router.post("/corrected-claim", status_code=201)
def corrected_claim(
    body: CorrectedClaimRequest,
    request: Request,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
) -> dict[str, Any]:
    req = None
    if body.actions is None:
        req = service.request_for(
            session,
            remit_line_id=body.remit_line_id,
            claim_id=body.claim_id,
            group=body.group,
            carc=body.carc,
            rarcs=body.rarcs,
            line=body.line,
        )
    return service.corrected_claim(
        session,
        req,
        claim_id=body.claim_id,
        actions=body.actions,
        reference=reference,
        settings=container.settings,
        new_claim_id=body.new_claim_id,
        actor=request.headers.get("X-User", "api"),
    )


@router.get("/patterns")
def patterns(session: SessionDep, min_count: int = 1) -> list[dict[str, Any]]:
    return service.list_patterns(session, min_count)


@router.post("/patterns/{pattern_id}/promote", status_code=201)
def promote(pattern_id: int, body: PromoteRequest, request: Request, session: SessionDep) -> dict[str, Any]:
    return service.promote_pattern(
        session, pattern_id, modifiers=body.modifiers, actor=request.headers.get("X-User", body.actor)
    )

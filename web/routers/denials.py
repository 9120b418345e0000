"""Denials JSON API: explain, appeal letter, corrected claim, promote a pattern to a local rule."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from assistant.denials import service
from assistant.denials.schemas import (
    AppealLetter,
    AppealRequest,
    CorrectedClaimOut,
    CorrectedClaimRequest,
    DenialPatternOut,
    ExplainRequest,
    Explanation,
    LocalRuleOut,
    PromoteRequest,
)
from assistant.security import audit
from assistant.security.schemas import Principal
from web.deps import ContainerDep, ReferenceDep, SessionDep
from web.security_deps import record_phi, require

router = APIRouter(prefix="/api/denials", tags=["denials"])
# Explaining and drafting an appeal read the claim and remittance on file; a corrected claim and a
# promoted rule write. Without a claim, an explanation is about codes only and touches no record.
Reader = Annotated[Principal, require("denials:read", "phi:read")]
Writer = Annotated[Principal, require("denials:write", "claims:write", "phi:write")]


def _target(claim_id: str | None, remit_line_id: int | None) -> tuple[str, str | int | None]:
    return ("claim", claim_id) if claim_id or remit_line_id is None else ("remit_line", remit_line_id)


@router.post("/explain", response_model=Explanation)
def explain(
    body: ExplainRequest,
    request: Request,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    principal: Reader,
) -> Explanation:
    if body.claim_id or body.claim:
        record_phi(
            container, principal, request, "claim", body.claim_id or (body.claim or {}).get("claim_id")
        )
    s = container.settings
    return service.explain(
        body,
        reference=reference,
        session=session,
        timely_filing_days=s.timely_filing_days,
        appeal_window_days=s.appeal_window_days,
    )


@router.post("/appeal", response_model=AppealLetter)
def appeal(
    body: AppealRequest,
    request: Request,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    principal: Reader,
) -> Any:
    record_phi(container, principal, request, *_target(body.claim_id, body.remit_line_id))
    req = _explain_request(session, body)
    return service.appeal_letter(session, req, reference=reference, settings=container.settings)


def _explain_request(session: Session, body: AppealRequest | CorrectedClaimRequest) -> ExplainRequest:
    """The denial to explain: a posted remit line, or the group/CARC/RARC codes given in the body."""
    return service.request_for(
        session,
        remit_line_id=body.remit_line_id,
        claim_id=body.claim_id,
        group=body.group,
        carc=body.carc,
        rarcs=body.rarcs,
        line=body.line,
    )


@router.post("/corrected-claim", status_code=201)
def corrected_claim(
    body: CorrectedClaimRequest,
    request: Request,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    principal: Writer,
) -> CorrectedClaimOut:
    record_phi(container, principal, request, "claim", body.claim_id, action=audit.PHI_WRITE)
    req = None
    if body.actions is None:
        req = _explain_request(session, body)
    return service.corrected_claim(
        session,
        req,
        claim_id=body.claim_id,
        actions=body.actions,
        reference=reference,
        settings=container.settings,
        new_claim_id=body.new_claim_id,
        actor=principal.username,
    )


@router.get("/patterns", dependencies=[require("denials:read")])
def patterns(session: SessionDep, min_count: int = 1) -> list[DenialPatternOut]:
    """Denial counts per payer, code and adjustment reason (no patient data)."""
    return service.list_patterns(session, min_count)


@router.post("/patterns/{pattern_id}/promote", status_code=201)
def promote(
    pattern_id: int,
    body: PromoteRequest,
    session: SessionDep,
    principal: Annotated[Principal, require("denials:write", "claims:write")],
) -> LocalRuleOut:
    return service.promote_pattern(session, pattern_id, modifiers=body.modifiers, actor=principal.username)

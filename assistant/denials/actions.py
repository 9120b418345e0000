"""What a biller does about a denial: an appeal letter or a corrected claim, from a posted remit line or
from explicit codes."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from assistant.claims import service as claims_service
from assistant.claims.models import Claim
from assistant.core.adjustments import classify_adjustment
from assistant.core.errors import InvalidInput, NotFound
from assistant.denials.appeal import draft_appeal
from assistant.denials.corrected_claim import build_corrected_claim
from assistant.denials.explain import explain
from assistant.denials.rules import local_rules
from assistant.denials.schemas import AppealLetter, CorrectedClaimOut, ExplainRequest, Explanation
from assistant.remit import repository as rrepo
from assistant.remit.models import RemitLine


def request_for(
    session: Session,
    *,
    remit_line_id: int | None,
    claim_id: str | None,
    group: str | None,
    carc: str | None,
    rarcs: list[str],
    line: int | None,
) -> ExplainRequest:
    """An ExplainRequest from a posted remit line (its first denial adjustment) or from explicit codes."""
    if remit_line_id is not None:
        rl = session.get(RemitLine, remit_line_id)
        if rl is None:
            raise NotFound(
                f"no remit line {remit_line_id}", field="remit_line_id", fix="see `assistant remit show ID`"
            )
        rc = rl.remit_claim
        adjs = [
            a
            for a in rrepo.line_adjustments(session, rl.id)
            if a.amount_cents > 0
            and classify_adjustment(a.group_code, a.reason_code).treatment
            not in ("contractual", "prior-payer")
            and (carc is None or a.reason_code == carc)
        ]
        if not adjs:
            raise InvalidInput(f"remit line {remit_line_id} has no denial adjustment", field="remit_line_id")
        claim = session.get(Claim, rc.claim_pk) if rc.claim_pk else None
        if claim is None:
            raise InvalidInput(
                f"remit line {remit_line_id} is not matched to a claim on file",
                field="remit_line_id",
                fix="resolve the work-queue item first",
            )
        line_no = next((sl.line_number for sl in claim.lines if sl.id == rl.service_line_id), None)
        return ExplainRequest(
            group=adjs[0].group_code,
            carc=adjs[0].reason_code,
            rarcs=[*rl.remarks, *(rc.remarks or [])],
            claim_id=claim.claim_id,
            line=line_no,
            remit_date=rc.remit.remit_date,
            amount_cents=adjs[0].amount_cents,
        )
    if not (claim_id and group and carc):
        raise InvalidInput("give remit_line_id, or claim_id with group and carc", field="claim_id")
    return ExplainRequest(group=group, carc=carc, rarcs=rarcs, claim_id=claim_id, line=line)


def _explained(session: Session, req: ExplainRequest, reference: Any, settings: Any) -> Explanation:
    """The denial explained with the settings' filing and appeal windows."""
    return explain(
        req,
        reference=reference,
        session=session,
        timely_filing_days=settings.timely_filing_days,
        appeal_window_days=settings.appeal_window_days,
    )


def appeal_letter(session: Session, req: ExplainRequest, *, reference: Any, settings: Any) -> AppealLetter:
    exp = _explained(session, req, reference, settings)
    claim = claims_service.get_claim(session, req.claim_id or "")
    return draft_appeal(claims_service.to_document(claim), exp, payer_claim_number=claim.payer_claim_number)


def corrected_claim(
    session: Session,
    req: ExplainRequest | None,
    *,
    claim_id: str,
    actions: list[dict[str, Any]] | None,
    reference: Any,
    settings: Any,
    new_claim_id: str | None = None,
    actor: str = "system",
) -> CorrectedClaimOut:
    """A corrected claim from the given actions, or from the explanation of ``req``'s denial."""
    exp = None
    if actions is None:
        if req is None:
            raise InvalidInput("give actions or a denial to explain", field="actions")
        exp = _explained(session, req, reference, settings)
        actions = exp.actions
        if not actions:
            raise InvalidInput(
                f"the explanation of {exp.group}-{exp.carc} has no correction the engine can apply",
                field="actions",
                fix="give the actions yourself, e.g. add-modifier",
            )
    out = build_corrected_claim(
        session,
        claim_id,
        actions,
        reference=reference,
        settings=settings,
        new_claim_id=new_claim_id,
        actor=actor,
        extra_rules=local_rules(session),
    )
    if exp is not None:
        out.explanation = exp
    return out

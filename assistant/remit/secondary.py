"""Secondary claims: after the primary payer's 835, bill what it left to the patient's secondary plan.

When the primary's remittance leaves a balance (the patient's share, PR, or another amount not adjusted
off under the contract) and the patient has a secondary coverage (``Coverage.order == 2``, another payer)
in force on the date of service:

- posting the 835 holds the patient's share with insurance instead of moving it to the patient (the
  ledger's insurance bucket now waits for the secondary payer) and opens a ``secondary-claim`` work item;
- ``create_secondary_claim`` writes the secondary claim: the same services, frequency 1, billed to the
  secondary payer, with the primary's adjudication in ``prior_payer`` (837P loops 2320/2330B/2430);
- the secondary's own 835 posts to the primary claim's service lines: its payment, its contractual
  adjustments and only then its PR, which moves the rest to the patient.

The claim is created by a person (page button, API or ``assistant claims secondary CLAIM_ID``), not
automatically: a biller checks the order of benefits and the primary's EOB first, and a claim the
primary forwarded itself (crossover, CLP02 19) must not be billed twice.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from assistant.claims import repository as claims_repo
from assistant.claims import service as claims_service
from assistant.claims.models import Claim
from assistant.claims.schemas import ScrubReport, parse_claim_document
from assistant.config import Settings
from assistant.core.errors import Conflict
from assistant.core.money import dollars
from assistant.parties.models import Coverage
from assistant.remit import repository as rrepo
from assistant.remit.models import RemitClaim, RemitWorkItem

WORK_KIND = "secondary-claim"
ADJUDICATED = frozenset({"paid", "partially_paid", "denied"})


class SecondaryClaimOut(BaseModel):
    claim_id: str
    id: int
    created: bool  # False: the secondary claim already existed (the call is idempotent)
    primary_claim_id: str
    payer_id: str
    payer_name: str
    status: str
    primary_paid_cents: int
    balance_cents: int  # what the primary left (billed to the secondary)
    scrub: ScrubReport | None = None


def in_force(coverage: Coverage, on: date) -> bool:
    starts, ends = coverage.effective_from, coverage.effective_to
    return (starts is None or starts <= on) and (ends is None or on <= ends)


def is_secondary_claim(claim: Claim) -> bool:
    return bool((claim.source or {}).get("prior_payer"))


def secondary_coverage(claim: Claim) -> Coverage | None:
    """The patient's secondary coverage in force on the claim's first date of service, when the claim was
    billed to the primary (order 1); None otherwise."""
    if is_secondary_claim(claim) or claim.coverage is None or claim.coverage.order != 1 or not claim.lines:
        return None
    dos = min(sl.date_of_service for sl in claim.lines)
    for cov in claim.patient.coverages:
        if cov.order == 2 and cov.payer_pk != claim.payer_pk and in_force(cov, dos):
            return cov
    return None


def primary_balance(session: Session, rc: RemitClaim) -> int:
    """What the primary's adjudication leaves: charge - paid - amounts the provider absorbs (CO)."""
    adjs = list(rrepo.claim_level_adjustments(session, rc.id))
    for rl in rrepo.remit_lines(session, rc.id):
        adjs += rrepo.line_adjustments(session, rl.id)
    return rc.charge_cents - rc.paid_cents - sum(a.amount_cents for a in adjs if a.group_code == "CO")


def work_item_reason(session: Session, claim: Claim, rc: RemitClaim) -> str | None:
    """The work-queue reason to bill the secondary after this primary remit claim, or None."""
    if rc.outcome not in ADJUDICATED:
        return None
    cov = secondary_coverage(claim)
    left = primary_balance(session, rc) if cov is not None else 0
    if cov is None or left <= 0:
        return None
    return (
        f"{claim.claim_id}: the primary left {dollars(left)} and the patient has secondary coverage with "
        f'{cov.payer.name} ({cov.payer.payer_id}); create the secondary claim: "Bill the secondary '
        f"payer\" on this remittance's page, or `assistant claims secondary {claim.claim_id}`"
    )


def secondary_claim_id(primary_claim_id: str) -> str:
    return f"{primary_claim_id[:36]}-S"


def _adjudication(session: Session, claim: Claim) -> RemitClaim:
    found = [rc for rc in rrepo.remit_claims_for_claim(session, claim.id) if rc.outcome != "reversed"]
    if not found:
        raise Conflict(
            f"claim {claim.claim_id} has no posted remittance from its payer",
            field="claim_id",
            fix="import the primary payer's 835 first",
        )
    rc = found[-1]
    if rc.outcome == "forwarded":
        raise Conflict(
            f"{rc.remit.payer_name or 'the primary payer'} forwarded claim {claim.claim_id} to "
            f"{rc.crossover_payer_name or 'the secondary payer'} itself (crossover)",
            field="claim_id",
            fix="wait for the secondary payer's 835; billing it again would be a duplicate",
        )
    return rc


def _prior_payer(session: Session, claim: Claim, rc: RemitClaim) -> dict[str, Any]:
    doc = claims_service.to_document(claim)
    lines = []
    for rl in rrepo.remit_lines(session, rc.id):
        ours = next((sl for sl in claim.lines if sl.id == rl.service_line_id), None)
        if ours is None:
            continue
        lines.append(
            {
                "line": ours.line_number,
                "code": rl.original_procedure_code or rl.procedure_code,
                "modifiers": rl.original_modifiers if rl.original_procedure_code else rl.modifiers,
                "units": ours.units,
                "paid_cents": rl.paid_cents,
                "adjustments": [
                    {"group": a.group_code, "reason": a.reason_code, "amount_cents": a.amount_cents}
                    for a in rrepo.line_adjustments(session, rl.id)
                ],
            }
        )
    remit = rc.remit
    return {
        "payer": doc.payer.model_dump(mode="json", include={"payer_id", "name", "filing_indicator"}),
        "subscriber": doc.subscriber.model_dump(
            mode="json",
            include={"first_name", "last_name", "member_id", "group_number", "address"},
            exclude_none=True,
        ),
        "patient_relationship": doc.patient_relationship,
        "claim_id": claim.claim_id,
        "payer_claim_number": rc.payer_claim_number or claim.payer_claim_number,
        "paid_cents": rc.paid_cents,
        "patient_responsibility_cents": rc.patient_responsibility_cents,
        "adjudication_date": (remit.payment_date or remit.production_date or date.today()).isoformat(),
        "adjustments": [
            {"group": a.group_code, "reason": a.reason_code, "amount_cents": a.amount_cents}
            for a in rrepo.claim_level_adjustments(session, rc.id)
        ],
        "lines": lines,
    }


def _patient_address(p: Any) -> dict[str, Any] | None:
    """The patient's own address: the subscriber's when the patient is the subscriber (837P 2010BA N3/N4)."""
    if not (p.address_line1 and p.city and p.state and p.zip):
        return None
    return {
        "line1": p.address_line1,
        "line2": p.address_line2,
        "city": p.city,
        "state": p.state,
        "zip": p.zip,
    }


def _subscriber(cov: Coverage) -> dict[str, Any]:
    p = cov.patient
    self_ = cov.relationship_to_subscriber == "self"
    sub: dict[str, Any] = {
        "member_id": cov.member_id,
        "first_name": p.first_name if self_ else cov.subscriber_first_name,
        "last_name": p.last_name if self_ else cov.subscriber_last_name,
        "dob": (p.dob if self_ else cov.subscriber_dob),
        "sex": p.sex if self_ else cov.subscriber_sex,
    }
    if cov.group_number:
        sub["group_number"] = cov.group_number
    address = cov.subscriber_address or (_patient_address(p) if self_ else None)
    if address:
        sub["address"] = {k: v for k, v in address.items() if v}
    missing = [k for k, v in sub.items() if v in (None, "")]
    if missing:
        raise Conflict(
            f"the secondary coverage {cov.member_id} lacks the subscriber's {', '.join(missing)}",
            field=f"coverage.subscriber_{missing[0]}",
            fix="complete the subscriber on the patient's secondary coverage",
        )
    sub["dob"] = sub["dob"].isoformat()
    return sub


def build_secondary_document(session: Session, claim: Claim) -> tuple[dict[str, Any], RemitClaim]:
    """The secondary claim's import document and the primary remit claim it carries."""
    cov = secondary_coverage(claim)
    if cov is None:
        raise Conflict(
            f"claim {claim.claim_id} has no secondary coverage in force on its date of service",
            field="claim_id",
            fix="add the patient's secondary coverage (order 2, another payer) with dates covering the "
            "service, or bill the patient",
        )
    rc = _adjudication(session, claim)
    left = primary_balance(session, rc)
    if left <= 0:
        raise Conflict(
            f"the primary paid or adjusted off all of claim {claim.claim_id}: nothing is left for a "
            "secondary payer",
            field="claim_id",
            fix="no secondary claim is needed",
        )
    data = claims_service.to_document(claim).model_dump(mode="json", exclude_none=True)
    data.update(
        claim_id=secondary_claim_id(claim.claim_id),
        frequency_code="1",
        payer={
            "payer_id": cov.payer.payer_id,
            "name": cov.payer.name,
            "filing_indicator": cov.payer.filing_indicator,
        },
        subscriber=_subscriber(cov),
        patient_relationship=cov.relationship_to_subscriber,
        prior_payer=_prior_payer(session, claim, rc),
    )
    for key in ("original_claim_number", "total_charge_cents"):
        data.pop(key, None)
    if cov.relationship_to_subscriber != "self":
        p = claim.patient
        data["patient"] = {
            "first_name": p.first_name,
            "last_name": p.last_name,
            "dob": p.dob.isoformat(),
            "sex": p.sex,
        }
    else:
        data.pop("patient", None)
    for line in data["lines"]:
        line.pop("line_control_number", None)
    return data, rc


def create_secondary_claim(
    session: Session,
    claim_id: str,
    *,
    actor: str,
    reference: Any = None,
    settings: Settings | None = None,
) -> SecondaryClaimOut:
    """Create (once) the secondary claim of a primary claim the primary payer has adjudicated; scrub it
    when a reference is given; resolve the ``secondary-claim`` work item."""
    claim = claims_service.get_claim(session, claim_id)
    if is_secondary_claim(claim):
        raise Conflict(
            f"claim {claim.claim_id} is itself a secondary claim",
            field="claim_id",
            fix="give the primary claim",
        )
    existing = claims_repo.claim_by_claim_id(session, secondary_claim_id(claim.claim_id))
    data, rc = build_secondary_document(session, claim)
    if existing is not None:
        return _out(session, existing, claim, rc, created=False)
    result = claims_service.import_claim(session, parse_claim_document(data), actor=actor)
    new = claims_service.get_claim(session, result.id)
    new.history[-1].note = f"secondary claim of {claim.claim_id} (primary paid {dollars(rc.paid_cents)})"
    for item in rrepo.work_items(session, "open"):
        if item.kind == WORK_KIND and item.remit_claim_id == rc.id:
            item.status = "resolved"
    report = None
    if reference is not None and settings is not None:
        report = claims_service.scrub_claim(session, new, reference, settings, actor)
    session.flush()
    return _out(session, new, claim, rc, created=True, scrub=report)


def _out(
    session: Session,
    new: Claim,
    primary: Claim,
    rc: RemitClaim,
    *,
    created: bool,
    scrub: ScrubReport | None = None,
) -> SecondaryClaimOut:
    return SecondaryClaimOut(
        claim_id=new.claim_id,
        id=new.id,
        created=created,
        primary_claim_id=primary.claim_id,
        payer_id=new.payer.payer_id,
        payer_name=new.payer.name,
        status=new.status,
        primary_paid_cents=rc.paid_cents,
        balance_cents=primary_balance(session, rc),
        scrub=scrub,
    )


def add_work_item(session: Session, claim: Claim, rc: RemitClaim) -> bool:
    """Open the ``secondary-claim`` work item for a primary remit claim that leaves a balance (once)."""
    reason = work_item_reason(session, claim, rc)
    if reason is None or rrepo.open_work_item_exists(session, rc.id, WORK_KIND, reason):
        return False
    session.add(RemitWorkItem(remit_id=rc.remit_id, remit_claim_id=rc.id, kind=WORK_KIND, reason=reason))
    return True

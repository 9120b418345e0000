"""Remittance -> ledger: insurance payments, contractual adjustments and PR transfers, idempotently.

Reads the rows the remit domain posted (``remit_claims``/``remit_lines``/``remit_adjustments``); every
ledger entry carries a posting key derived from the remit row it comes from, so running this twice (or
after a crash half-way) posts each amount exactly once.

Rules per CAS adjustment:
- PR (any reason): moved from insurance to the patient (PR-1 deductible, PR-2 coinsurance, PR-3 copay).
- CO/PI/OA/CR with a contractual reason (``assistant.core.adjustments``): adjusted off, never owed.
- PR on a claim the payer forwarded to the next payer (CLP02 19, 20 or 21): held with insurance.
- any other CO/PI/OA/CR (a denial or a prior-payer amount): *held* with insurance, not adjusted off, so the
  money stays visible in insurance A/R until it is appealed, corrected or written off by a person.
Provider-level PLB adjustments are not patient money and are not posted here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from assistant.billing import repository as repo
from assistant.billing.models import EntryKind
from assistant.billing.schemas import RemitPostingOut
from assistant.billing.service import post_claim_charges, post_entry
from assistant.claims.models import EDITABLE_STATUSES, Claim
from assistant.core.adjustments import classify_adjustment, pr_word
from assistant.core.errors import NotFound
from assistant.remit.models import Remit, RemitAdjustment


def classify(group: str, reason: str) -> str:
    """'patient' | 'contractual' | 'held' (the ledger treatment of the one adjustment policy)."""
    return classify_adjustment(group, reason).treatment


def post_remit_to_ledger(session: Session, remit_id: int, *, actor: str = "remit-posting") -> RemitPostingOut:
    remit = session.get(Remit, remit_id)
    if remit is None:
        raise NotFound(f"no remittance {remit_id}", field="remit_id")
    when: date = remit.payment_date or remit.production_date or date.today()
    out = RemitPostingOut(
        remit_id=remit_id,
        entries_posted=0,
        entries_already_posted=0,
        charges_posted=0,
        insurance_paid_cents=0,
        contractual_cents=0,
        patient_responsibility_cents=0,
        held_cents=0,
    )

    def post(kind: str, amount: int, key: str, claim: Claim, desc: str, **links: Any) -> None:
        if amount == 0:
            return
        _, new = post_entry(
            session,
            patient_id=claim.patient_id,
            kind=kind,
            amount_cents=amount,
            actor=actor,
            effective_date=when,
            description=desc,
            posting_key=key,
            claim_pk=claim.id,
            encounter_id=claim.encounter_id,
            remit_id=remit_id,
            **links,
        )
        if new:
            out.entries_posted += 1
        else:
            out.entries_already_posted += 1
        if kind == EntryKind.INSURANCE_PAYMENT:
            out.insurance_paid_cents += amount
        elif kind == EntryKind.CONTRACTUAL_ADJUSTMENT:
            out.contractual_cents += amount
        elif kind == EntryKind.PR_TRANSFER:
            out.patient_responsibility_cents += amount

    def adjustment(
        claim: Claim, a: RemitAdjustment, line_id: int | None, remit_line_id: int | None, forwarded: bool
    ) -> None:
        what = classify(a.group_code, a.reason_code)
        if what == "patient" and forwarded:
            what = "held"  # the payer forwarded the claim: the patient's share goes to the next payer first
        code = f"{a.group_code}-{a.reason_code}"
        links: dict[str, Any] = {
            "service_line_id": line_id,
            "remit_line_id": remit_line_id,
            "remit_adjustment_id": a.id,
            "group_code": a.group_code,
            "reason_code": a.reason_code,
        }
        if what == "patient":
            word = pr_word(a.reason_code)
            post(
                EntryKind.PR_TRANSFER,
                a.amount_cents,
                f"remit-adj:{a.id}",
                claim,
                f"{code}: {word} moved to the patient",
                **links,
            )
        elif what == "contractual":
            post(
                EntryKind.CONTRACTUAL_ADJUSTMENT,
                a.amount_cents,
                f"remit-adj:{a.id}",
                claim,
                f"{code}: contractual adjustment",
                **links,
            )
        else:
            out.held_cents += a.amount_cents

    for rc in repo.remit_claims_in_posting_order(session, remit_id):
        if rc.claim_pk is None:
            out.skipped.append(f"CLP {rc.clp_claim_id}: no claim on file (see the remit work queue)")
            continue
        claim = session.get(Claim, rc.claim_pk)
        assert claim is not None
        if claim.frequency_code in ("7", "8") or claim.status in EDITABLE_STATUSES:
            out.skipped.append(
                f"CLP {rc.clp_claim_id}: claim is {claim.status} (frequency {claim.frequency_code}); "
                "post it to the original claim's lines by hand"
            )
            continue
        out.charges_posted += len(post_claim_charges(session, claim, actor=actor))
        forwarded = rc.outcome == "forwarded"
        if forwarded:
            out.notes.append(
                f"CLP {rc.clp_claim_id}: forwarded to {rc.crossover_payer_name or 'the next payer'}; the "
                "patient's share stays with insurance until that payer answers"
            )
        line_paid = 0
        for rl in rc.lines:
            if rl.service_line_id is None:
                out.skipped.append(
                    f"CLP {rc.clp_claim_id} line {rl.line_index} ({rl.procedure_code}): not matched to a "
                    f"service line; {rl.paid_cents} cents paid is in the remit work queue"
                )
                continue
            line_paid += rl.paid_cents
            post(
                EntryKind.INSURANCE_PAYMENT,
                rl.paid_cents,
                f"remit-line:{rl.id}:paid",
                claim,
                f"{remit.payer_name or remit.payer_id} paid (trace {remit.trace_number})",
                service_line_id=rl.service_line_id,
                remit_line_id=rl.id,
            )
            for a in rl.adjustments:
                adjustment(claim, a, rl.service_line_id, rl.id, forwarded)
        unmatched_paid = sum(rl.paid_cents for rl in rc.lines if rl.service_line_id is None)
        residual = rc.paid_cents - line_paid - unmatched_paid
        post(
            EntryKind.INSURANCE_PAYMENT,
            residual,
            f"remit-claim:{rc.id}:paid",
            claim,
            f"{remit.payer_name or remit.payer_id} paid at claim level (trace {remit.trace_number})",
        )
        for a in rc.adjustments:
            adjustment(claim, a, None, None, forwarded)
    session.flush()
    return out


def post_all_remits(session: Session, *, actor: str = "remit-posting") -> list[RemitPostingOut]:
    """Run the ledger step for every remittance on file (idempotent: posts only what is missing)."""
    return [post_remit_to_ledger(session, rid, actor=actor) for rid in repo.remit_ids(session)]

"""Remittance -> ledger: insurance payments, contractual adjustments and PR transfers, idempotently.

Reads the rows the remit domain posted (``remit_claims``/``remit_lines``/``remit_adjustments``); every
ledger entry carries a posting key derived from the remit row it comes from, so running this twice (or
after a crash half-way) posts each amount exactly once.

Rules per CAS adjustment:
- PR (any reason): moved from insurance to the patient (PR-1 deductible, PR-2 coinsurance, PR-3 copay).
- CO/PI/OA/CR with a contractual reason (``assistant.core.adjustments``): adjusted off, never owed.
- PR on a claim the payer forwarded to the next payer (CLP02 19, 20 or 21): held with insurance.
- PR on a primary claim whose patient has secondary coverage in force (``assistant.remit.secondary``):
  held with insurance for the secondary claim; the secondary's 835 posts to the primary claim's lines
  (its payment, adjustments, and its PR, which is what finally moves to the patient).
- any other CO/PI/OA/CR (a denial or a prior-payer amount): *held* with insurance, not adjusted off, so the
  money stays visible in insurance A/R until it is appealed, corrected or written off by a person.
Provider-level PLB adjustments are not patient money and are not posted here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from assistant.billing import repository as repo
from assistant.billing.models import EntryKind
from assistant.billing.schemas import RemitPostingOut
from assistant.billing.service import post_claim_charges, post_entry
from assistant.claims import repository as claims_repo
from assistant.claims.models import EDITABLE_STATUSES, Claim
from assistant.core.adjustments import classify_adjustment, pr_word
from assistant.core.errors import NotFound
from assistant.core.money import dollars
from assistant.remit.models import Remit, RemitAdjustment, RemitClaim, RemitLine
from assistant.remit.secondary import is_secondary_claim, secondary_coverage


def classify(group: str, reason: str) -> str:
    """patient | contractual | held | prior-payer: the ledger treatment of the one adjustment policy."""
    return classify_adjustment(group, reason).treatment


def post_remit_to_ledger(session: Session, remit_id: int, *, actor: str = "remit-posting") -> RemitPostingOut:
    remit = session.get(Remit, remit_id)
    if remit is None:
        raise NotFound(f"no remittance {remit_id}", field="remit_id")
    run = _LedgerRun(session, remit, actor)
    for rc in repo.remit_claims_in_posting_order(session, remit_id):
        claim = run.claim_to_post(rc)
        if claim is not None:
            run.post_claim(rc, claim)
    session.flush()
    return run.out


@dataclass
class _LedgerRun:
    """The ledger postings of one remittance, step by step, with their running totals in ``out``."""

    session: Session
    remit: Remit
    actor: str
    out: RemitPostingOut = field(init=False)
    line_numbers: dict[int, int] = field(default_factory=dict)  # billed claim's line id -> line number

    def __post_init__(self) -> None:
        self.out = RemitPostingOut(
            remit_id=self.remit.id,
            entries_posted=0,
            entries_already_posted=0,
            charges_posted=0,
            insurance_paid_cents=0,
            contractual_cents=0,
            patient_responsibility_cents=0,
            held_cents=0,
        )

    @property
    def when(self) -> date:
        return self.remit.payment_date or self.remit.production_date or date.today()

    @property
    def payer(self) -> str:
        return self.remit.payer_name or self.remit.payer_id

    def claim_to_post(self, rc: RemitClaim) -> Claim | None:
        """Our claim for a remit claim, or None (reported in ``skipped``) when it cannot be posted."""
        if rc.claim_pk is None:
            self.out.skipped.append(f"CLP {rc.clp_claim_id}: no claim on file (see the remit work queue)")
            return None
        claim = self.session.get(Claim, rc.claim_pk)
        assert claim is not None
        if claim.frequency_code in ("7", "8") or claim.status in EDITABLE_STATUSES:
            self.out.skipped.append(
                f"CLP {rc.clp_claim_id}: claim is {claim.status} (frequency {claim.frequency_code}); "
                "post it to the original claim's lines by hand"
            )
            return None
        return claim

    def primary_of(self, claim: Claim) -> Claim:
        """The claim whose services a secondary claim bills again (the claim itself otherwise)."""
        if not is_secondary_claim(claim):
            return claim
        prior: Any = claim.source.get("prior_payer") or {}
        primary_id = str(prior.get("claim_id") or "")
        primary = claims_repo.claim_by_claim_id(self.session, primary_id) if primary_id else None
        return primary if primary is not None and primary.patient_id == claim.patient_id else claim

    def post_claim(self, rc: RemitClaim, claim: Claim) -> None:
        """The claim's charges (once), each matched line's payment and adjustments, then what the payer
        paid and adjusted at claim level. A secondary claim's remit posts to its primary claim's lines."""
        billed = claim
        claim = self.primary_of(billed)
        self.line_numbers = {sl.id: sl.line_number for sl in billed.lines}
        self.out.charges_posted += len(post_claim_charges(self.session, claim, actor=self.actor))
        forwarded = rc.outcome == "forwarded"
        if forwarded:
            self.out.notes.append(
                f"CLP {rc.clp_claim_id}: forwarded to {rc.crossover_payer_name or 'the next payer'}; the "
                "patient's share stays with insurance until that payer answers"
            )
        elif (cov := secondary_coverage(billed)) is not None:
            forwarded = True  # held for the secondary claim, like a crossover
            self.out.notes.append(
                f"CLP {rc.clp_claim_id}: the patient's share stays with insurance for the secondary "
                f"payer {cov.payer.name}; the secondary's 835 moves what it leaves to the patient"
            )
        line_paid = sum(self.post_line(rc, rl, claim, forwarded) for rl in rc.lines)
        unmatched_paid = sum(rl.paid_cents for rl in rc.lines if rl.service_line_id is None)
        self.post(
            EntryKind.INSURANCE_PAYMENT,
            rc.paid_cents - line_paid - unmatched_paid,
            f"remit-claim:{rc.id}:paid",
            claim,
            f"{self.payer} paid at claim level (trace {self.remit.trace_number})",
        )
        for a in rc.adjustments:
            self.post_adjustment(claim, a, None, None, forwarded)

    def post_line(self, rc: RemitClaim, rl: RemitLine, claim: Claim, forwarded: bool) -> int:
        """One matched line's payment and adjustments; returns what it paid (0 when not matched)."""
        if rl.service_line_id is None:
            self.out.skipped.append(
                f"CLP {rc.clp_claim_id} line {rl.line_index} ({rl.procedure_code}): not matched to a "
                f"service line; {dollars(rl.paid_cents)} paid is in the remit work queue"
            )
            return 0
        line_id = self.line_on(claim, rl.service_line_id)
        self.post(
            EntryKind.INSURANCE_PAYMENT,
            rl.paid_cents,
            f"remit-line:{rl.id}:paid",
            claim,
            f"{self.payer} paid (trace {self.remit.trace_number})",
            service_line_id=line_id,
            remit_line_id=rl.id,
        )
        for a in rl.adjustments:
            self.post_adjustment(claim, a, line_id, rl.id, forwarded)
        return rl.paid_cents

    def line_on(self, claim: Claim, billed_line_id: int) -> int | None:
        """The service line of ``claim`` with the line number of the billed claim's line (a secondary
        claim repeats its primary's lines in order)."""
        number = self.line_numbers.get(billed_line_id)
        return next((sl.id for sl in claim.lines if sl.line_number == number), billed_line_id)

    def post_adjustment(
        self,
        claim: Claim,
        a: RemitAdjustment,
        line_id: int | None,
        remit_line_id: int | None,
        forwarded: bool,
    ) -> None:
        """Move it to the patient, adjust it off, or hold it with insurance (the adjustment policy)."""
        what = classify(a.group_code, a.reason_code)
        if what == "patient" and forwarded:
            what = "held"  # the payer forwarded the claim: the patient's share goes to the next payer first
        if what == "prior-payer":  # the prior payer's share, already settled on this line
            return
        if what == "held":
            self.out.held_cents += a.amount_cents
            return
        code = f"{a.group_code}-{a.reason_code}"
        kind, desc = (
            (EntryKind.PR_TRANSFER, f"{code}: {pr_word(a.reason_code)} moved to the patient")
            if what == "patient"
            else (EntryKind.CONTRACTUAL_ADJUSTMENT, f"{code}: contractual adjustment")
        )
        self.post(
            kind,
            a.amount_cents,
            f"remit-adj:{a.id}",
            claim,
            desc,
            service_line_id=line_id,
            remit_line_id=remit_line_id,
            remit_adjustment_id=a.id,
            group_code=a.group_code,
            reason_code=a.reason_code,
        )

    def post(self, kind: str, amount: int, key: str, claim: Claim, desc: str, **links: Any) -> None:
        """One idempotent ledger entry (nothing for a zero amount), counted in the totals."""
        if amount == 0:
            return
        _, new = post_entry(
            self.session,
            patient_id=claim.patient_id,
            kind=kind,
            amount_cents=amount,
            actor=self.actor,
            effective_date=self.when,
            description=desc,
            posting_key=key,
            claim_pk=claim.id,
            encounter_id=claim.encounter_id,
            remit_id=self.remit.id,
            **links,
        )
        if new:
            self.out.entries_posted += 1
        else:
            self.out.entries_already_posted += 1
        if kind == EntryKind.INSURANCE_PAYMENT:
            self.out.insurance_paid_cents += amount
        elif kind == EntryKind.CONTRACTUAL_ADJUSTMENT:
            self.out.contractual_cents += amount
        elif kind == EntryKind.PR_TRANSFER:
            self.out.patient_responsibility_cents += amount


def post_all_remits(session: Session, *, actor: str = "remit-posting") -> list[RemitPostingOut]:
    """Run the ledger step for every remittance on file (idempotent: posts only what is missing)."""
    return [post_remit_to_ledger(session, rid, actor=actor) for rid in repo.remit_ids(session)]

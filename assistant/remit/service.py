"""Posting an 835: parse -> balance -> plan -> match -> write, idempotently, one transaction per claim.

Why per claim: a crash (or kill) mid-file leaves every claim either fully posted or not at all, a
re-import skips what was posted and finishes the rest, and a large file never holds SQLite's write lock
for its whole length while billers keep working. The remit header and its provider-level adjustments
(PLB) are written in their own first transaction; the remit is marked ``posted`` in a last one.

Before anything is written, the whole file is checked and planned:
- balancing (``balance.check_balance``): a file that does not add up posts nothing;
- duplicates (``dedupe``): a claim payment already posted (same payer, claim, lines, dates and amounts,
  whatever CLP02, CLP07, TRN02 or the envelope say) is not posted again. A re-import of the same
  payment (same trace, CLP02 and CLP07) is skipped quietly; a resend that differs only in those labels
  is a *possible duplicate*, put in the work queue on the remit that posted it first;
- the check total: what is posted under a remit never exceeds BPR02 plus its PLB adjustments.
A transaction whose claims are all skipped leaves no remit row behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.orm import Session, sessionmaker

from assistant.billing.remit_posting import post_remit_to_ledger
from assistant.claims import service as claims_service
from assistant.claims.models import Claim, ClaimStatus, ServiceLine
from assistant.core.adjustments import PR_COLUMNS
from assistant.core.adjustments import is_denial as policy_is_denial
from assistant.core.db import transaction
from assistant.core.errors import AssistantError, InvalidInput, NotFound
from assistant.core.money import dollars
from assistant.core.validation import from_row
from assistant.denials.patterns import record_denied_line
from assistant.remit import repository as repo
from assistant.remit import secondary
from assistant.remit.balance import check_balance
from assistant.remit.dedupe import ClaimHistory, facts_from_file
from assistant.remit.matching import LineMatch, OurLine, match_lines
from assistant.remit.models import (
    Remit,
    RemitAdjustment,
    RemitClaim,
    RemitLine,
    RemitProviderAdjustment,
    RemitWorkItem,
)
from assistant.remit.parser import parse_835, parse_835_file
from assistant.remit.schemas import (
    CLAIM_STATUS_MEANING,
    FORWARDED_STATUSES,
    REVERSAL_STATUS,
    Adjustment,
    ClaimPostingOut,
    Imbalance,
    ImportReport,
    LineMatchOut,
    ParsedRemit,
    ProviderAdjustmentOut,
    RemitAdjustmentOut,
    RemitClaimIn,
    RemitClaimOut,
    RemitDetail,
    RemitLineIn,
    RemitLineOut,
    RemitSummary,
    RemitTransactionIn,
    WorkItemOut,
)


class UnbalancedRemit(InvalidInput):
    """The 835 does not add up; nothing was posted."""

    def __init__(self, imbalances: list[Imbalance]) -> None:
        shown = "; ".join(f"{i.where}: {i.rule}" for i in imbalances[:5])
        more = f" (+{len(imbalances) - 5} more)" if len(imbalances) > 5 else ""
        at_bpr = any("(BPR02)" in i.where for i in imbalances)
        super().__init__(
            f"the 835 does not balance, nothing was posted: {shown}{more}",
            field="BPR02" if at_bpr else "CLP",
            fix="ask the payer for a corrected 835; do not post it by hand",
        )
        self.imbalances = imbalances

    def to_dict(self) -> dict[str, Any]:  # type: ignore[override]
        return {**super().to_dict(), "imbalances": [i.model_dump() for i in self.imbalances]}


class OverCheckTotal(InvalidInput):
    """Posting this transaction would put more under one check than BPR02 plus PLB; nothing was posted."""


def is_denial(adj: Adjustment | RemitAdjustment) -> bool:
    if isinstance(adj, Adjustment):
        return policy_is_denial(adj.group, adj.reason, adj.amount_cents)
    return policy_is_denial(adj.group_code, adj.reason_code, adj.amount_cents)


def claim_outcome(claim: RemitClaimIn) -> str:
    """paid | partially_paid | denied | reversed | forwarded | not_ours | predetermination."""
    if claim.status_code == REVERSAL_STATUS:
        return "reversed"
    if claim.status_code == "23":
        return "not_ours"
    if claim.status_code == "25":
        return "predetermination"
    if claim.status_code in FORWARDED_STATUSES:
        return "forwarded"
    return adjudication(claim)


def adjudication(claim: RemitClaimIn) -> str:
    adjs = [*claim.adjustments, *(a for line in claim.lines for a in line.adjustments)]
    denied = any(is_denial(a) for a in adjs)
    if claim.status_code == "4" or (
        claim.paid_cents == 0 and claim.patient_responsibility_cents == 0 and denied
    ):
        return "denied"
    if denied:
        return "partially_paid"
    return "paid"


STATUS_FOR = {
    "paid": ClaimStatus.PAID,
    "partially_paid": ClaimStatus.PARTIALLY_PAID,
    "denied": ClaimStatus.DENIED,
}

Action = Literal["post", "already_posted", "possible_duplicate"]


@dataclass(frozen=True)
class _Earlier:
    """The posted remit claim a skipped claim repeats (plain values: read in the planning session)."""

    remit_claim_id: int
    remit_id: int
    trace_number: str
    status_code: str
    payer_claim_number: str | None


@dataclass
class _ClaimPlan:
    claim: RemitClaimIn
    key: str
    action: Action
    earlier: _Earlier | None = None


@dataclass
class _TxPlan:
    tx: RemitTransactionIn
    remit_id: int | None  # a remit row already holding this payment (same file, or same check)
    claims: list[_ClaimPlan] = field(default_factory=list)

    @property
    def writes_anything(self) -> bool:
        return self.remit_id is not None or not self.tx.claims or any(c.action == "post" for c in self.claims)


def import_835_file(
    sessions: sessionmaker[Session], path: Path, *, actor: str = "system", reference: Any = None
) -> ImportReport:
    return post_remit(sessions, parse_835_file(path), actor=actor, reference=reference)


def import_835_bytes(
    sessions: sessionmaker[Session],
    data: bytes,
    *,
    filename: str | None = None,
    actor: str = "system",
    reference: Any = None,
) -> ImportReport:
    return post_remit(sessions, parse_835(data, filename=filename), actor=actor, reference=reference)


def post_remit(
    sessions: sessionmaker[Session], parsed: ParsedRemit, *, actor: str = "system", reference: Any = None
) -> ImportReport:
    del reference  # accepted for the callers' signature; posting needs no code sets
    imbalances = [i for tx in parsed.transactions for i in check_balance(tx)]
    if imbalances:
        raise UnbalancedRemit(imbalances)
    with sessions() as session:
        plans = plan_remit(session, parsed)
    report = ImportReport(
        remit_ids=[],
        file_sha256=parsed.file_sha256,
        claims_posted=0,
        claims_skipped=0,
        provider_adjustments_posted=0,
        work_items=0,
    )
    for plan in plans:
        _post_transaction(sessions, parsed, plan, actor, report)
    return report


# ------------------------------------------------------------------ planning (reads only)


def plan_remit(session: Session, parsed: ParsedRemit) -> list[_TxPlan]:
    """Decide, for every claim of the file, post / already posted / possible duplicate, and check that no
    remit would hold more than its check total. Raises before anything is written."""
    histories: dict[tuple[str, str], ClaimHistory] = {}
    plans = []
    for tx in parsed.transactions:
        existing = repo.remit_by_file_tx(session, parsed.file_sha256, tx.index) or repo.remit_by_payment(
            session, tx.payer_key, tx.trace_number, tx.payment_cents
        )
        plan = _TxPlan(tx, existing.id if existing else None)
        for claim_in in tx.claims:
            ident = (tx.payer_key, claim_in.claim_id)
            if ident not in histories:
                histories[ident] = ClaimHistory.of(
                    tx.payer_key, repo.posted_claims_for(session, tx.payer_key, claim_in.claim_id)
                )
            plan.claims.append(_plan_claim(histories[ident], tx, claim_in))
        _check_within_check_total(session, plan)
        plans.append(plan)
    return plans


def _plan_claim(history: ClaimHistory, tx: RemitTransactionIn, claim_in: RemitClaimIn) -> _ClaimPlan:
    facts = facts_from_file(tx.payer_key, claim_in)
    key = history.key_for(facts)
    posting = history.earlier(facts)
    if posting is None:
        history.add(facts, None)
        return _ClaimPlan(claim_in, key, "post")
    row = posting.row
    if row is None:  # the same payment twice in this very file
        return _ClaimPlan(claim_in, key, "possible_duplicate")
    earlier = _Earlier(row.id, row.remit_id, row.remit.trace_number, row.status_code, row.payer_claim_number)
    same_labels = (earlier.trace_number, earlier.status_code, earlier.payer_claim_number or "") == (
        tx.trace_number,
        claim_in.status_code,
        claim_in.payer_claim_number or "",
    )
    return _ClaimPlan(claim_in, key, "already_posted" if same_labels else "possible_duplicate", earlier)


def _check_within_check_total(session: Session, plan: _TxPlan) -> None:
    tx = plan.tx
    limit = tx.payment_cents + sum(p.amount_cents for p in tx.provider_adjustments)
    posted = repo.paid_total(session, plan.remit_id) if plan.remit_id is not None else 0
    planned = sum(c.claim.paid_cents for c in plan.claims if c.action == "post")
    if posted + planned > limit:
        skipped = [c.claim.claim_id for c in plan.claims if c.action != "post"]
        raise OverCheckTotal(
            f"check {tx.trace_number} (BPR02 {dollars(tx.payment_cents)}, PLB "
            f"{dollars(limit - tx.payment_cents)}): posting this file would put "
            f"{dollars(posted + planned)} of claim payments under it; nothing was posted"
            + (f" (already posted or possible duplicates: {', '.join(skipped)})" if skipped else ""),
            field="BPR02",
            fix="part of this payment is already on file: compare it with the earlier remittance of this "
            "check and the remit work queue, and ask the payer for a corrected 835",
        )


# ------------------------------------------------------------------ writing


def _post_transaction(
    sessions: sessionmaker[Session], parsed: ParsedRemit, plan: _TxPlan, actor: str, report: ImportReport
) -> None:
    if not plan.writes_anything:
        for cp in plan.claims:
            with transaction(sessions) as session:
                report.claims.append(_skip_claim(session, cp, None, report, parsed))
        return
    with transaction(sessions) as session:
        remit = _remit_header(session, parsed, plan, actor, report)
        remit_id = remit.id
    for cp in plan.claims:
        with transaction(sessions) as session:
            if cp.action == "post" and not repo.posting_key_exists(session, cp.key):
                report.claims.append(_post_claim(session, remit_id, plan.tx, cp, actor, report))
                report.claims_posted += 1
            else:
                report.claims.append(_skip_claim(session, cp, remit_id, report, parsed))
    with transaction(sessions) as session:
        done = session.get(Remit, remit_id)
        assert done is not None
        done.status = "posted"
        done.claim_count = len(repo.remit_claims(session, remit_id))
    _post_to_ledger(sessions, remit_id, actor, report)


def _skip_claim(
    session: Session, cp: _ClaimPlan, remit_id: int | None, report: ImportReport, parsed: ParsedRemit
) -> ClaimPostingOut:
    claim_in = cp.claim
    report.claims_skipped += 1
    if cp.action == "possible_duplicate":
        report.claims_possible_duplicates += 1
        note = _flag_possible_duplicate(session, cp, remit_id, report, parsed)
    else:
        note = "already posted by an earlier import"
    return ClaimPostingOut(
        claim_id=claim_in.claim_id,
        status_code=claim_in.status_code,
        outcome=claim_outcome(claim_in),
        posted=False,
        claim_pk=None,
        new_claim_status=None,
        notes=[note],
    )


def _flag_possible_duplicate(
    session: Session, cp: _ClaimPlan, remit_id: int | None, report: ImportReport, parsed: ParsedRemit
) -> str:
    claim_in, earlier = cp.claim, cp.earlier
    labels = f"CLP02 {claim_in.status_code}, CLP07 {claim_in.payer_claim_number or '-'}"
    where = f"file {parsed.filename or parsed.file_sha256[:12]}"
    if earlier is None:
        reason = (
            f"{claim_in.claim_id}: {where} holds the same payment twice ({labels}); the second was not "
            "posted. Ask the payer whether it really paid twice."
        )
    else:
        reason = (
            f"{claim_in.claim_id}: possible duplicate, not posted: {where} ({labels}) repeats the payment "
            f"posted in remit #{earlier.remit_id} (trace {earlier.trace_number}, "
            f"CLP02 {earlier.status_code}, CLP07 {earlier.payer_claim_number or '-'}): "
            "same payer, claim, lines, dates and amounts. "
            "If the payer really paid twice, ask it for a corrected 835 or refund the overpayment."
        )
    target_remit = earlier.remit_id if earlier else remit_id
    target_claim = earlier.remit_claim_id if earlier else None
    if target_remit is not None and not repo.open_work_item_exists(
        session, target_claim, "possible-duplicate", reason
    ):
        session.add(
            RemitWorkItem(
                remit_id=target_remit, remit_claim_id=target_claim, kind="possible-duplicate", reason=reason
            )
        )
        report.work_items += 1
    return reason


def _post_to_ledger(sessions: sessionmaker[Session], remit_id: int, actor: str, report: ImportReport) -> None:
    """Hand what the payer paid and left to the patient ledger (idempotent; retried by a re-import)."""
    try:
        with transaction(sessions) as session:
            out = post_remit_to_ledger(session, remit_id, actor=actor)
        report.ledger.append(out.model_dump(mode="json"))
    except AssistantError as exc:
        report.ledger_errors.append(f"remit {remit_id}: {exc}; retry with `assistant billing post-remit`")


def _remit_header(
    session: Session, parsed: ParsedRemit, plan: _TxPlan, actor: str, report: ImportReport
) -> Remit:
    tx = plan.tx
    remit = repo.remit_by_pk(session, plan.remit_id) if plan.remit_id is not None else None
    if remit is None:
        remit = Remit(
            file_sha256=parsed.file_sha256,
            filename=parsed.filename,
            transaction_index=tx.index,
            control_number=tx.control_number,
            payer_id=tx.payer_key,
            payer_name=tx.payer.name,
            payee_name=tx.payee.name,
            payee_npi=tx.payee.identifier,
            payee_tax_id=tx.payee.tax_id,
            trace_number=tx.trace_number,
            trace_originator=tx.trace_originator,
            handling_code=tx.handling_code,
            payment_cents=tx.payment_cents,
            credit_debit=tx.credit_debit,
            payment_method=tx.payment_method,
            payment_date=tx.payment_date,
            production_date=tx.production_date,
            status="posting",
            imported_by=actor,
        )
        session.add(remit)
        session.flush()
    report.remit_ids.append(remit.id)
    _post_provider_adjustments(session, remit.id, tx, report)
    return remit


def _post_provider_adjustments(
    session: Session, remit_id: int, tx: RemitTransactionIn, report: ImportReport
) -> None:
    seen: dict[str, int] = {}
    for plb in tx.provider_adjustments:
        base = "|".join(
            [
                tx.payer_key,
                tx.trace_number,
                plb.provider_id,
                plb.reason,
                plb.reference or "",
                str(plb.amount_cents),
            ]
        )
        seen[base] = seen.get(base, 0) + 1
        key = f"PLB|{base}|{seen[base]}"
        if repo.plb_key_exists(session, key):
            continue
        session.add(
            RemitProviderAdjustment(
                remit_id=remit_id,
                posting_key=key,
                provider_id=plb.provider_id,
                fiscal_period_date=plb.fiscal_period_date,
                reason_code=plb.reason,
                reference=plb.reference,
                amount_cents=plb.amount_cents,
            )
        )
        report.provider_adjustments_posted += 1


def _find_claim(session: Session, claim_in: RemitClaimIn) -> tuple[Claim | None, str | None]:
    claim = repo.claim_by_claim_id(session, claim_in.claim_id)
    if claim is not None:
        return claim, None
    if claim_in.payer_claim_number:
        claim = repo.claim_by_payer_claim_number(session, claim_in.payer_claim_number)
        if claim is not None:
            return claim, f"matched by payer claim number {claim_in.payer_claim_number} (CLP01 differs)"
    return None, None


@dataclass
class _WorkQueue:
    """Adds work items for one posted remit claim and counts them in the report."""

    session: Session
    remit_id: int
    remit_claim_id: int
    report: ImportReport

    def add(self, kind: str, reason: str, line_id: int | None = None) -> None:
        self.session.add(
            RemitWorkItem(
                remit_id=self.remit_id,
                remit_claim_id=self.remit_claim_id,
                remit_line_id=line_id,
                kind=kind,
                reason=reason,
            )
        )
        self.report.work_items += 1


def _post_claim(
    session: Session, remit_id: int, tx: RemitTransactionIn, cp: _ClaimPlan, actor: str, report: ImportReport
) -> ClaimPostingOut:
    """Record one CLP loop: the remit claim, its adjustments, its matched lines, then the claim's status."""
    claim_in = cp.claim
    outcome = claim_outcome(claim_in)
    claim, how = _find_claim(session, claim_in)
    notes = _claim_notes(tx, claim_in, claim, how)
    rc = _remit_claim_row(remit_id, cp.key, claim_in, claim, outcome, notes)
    session.add(rc)
    session.flush()
    work = _WorkQueue(session, remit_id, rc.id, report)
    for adj in claim_in.adjustments:
        session.add(_adjustment(rc.id, None, adj))
    ours = [_our_line(sl) for sl in claim.lines] if claim is not None else []
    matches = {
        m.remit_index: m for m in match_lines(claim_in.lines, ours, claim_date=claim_in.statement_from)
    }
    out_lines = [
        _post_line(session, rc, tx, claim_in, line_in, matches[line_in.index], claim, work)
        for line_in in claim_in.lines
    ]
    new_status: str | None = None
    if claim is None:
        work.add(
            "unmatched-claim",
            f"CLP01 {claim_in.claim_id} (payer claim {claim_in.payer_claim_number or '-'}, "
            f"paid {dollars(claim_in.paid_cents)}) matches no claim on file",
        )
        report.claims_unmatched += 1
    else:
        if claim_in.lines and outcome != "reversed":
            _flag_lines_not_adjudicated(claim, matches.values(), work)
        if claim_in.payer_claim_number and not claim.payer_claim_number:
            claim.payer_claim_number = claim_in.payer_claim_number
        new_status = _apply_status(session, claim, claim_in, outcome, actor, remit_id, work)
        session.flush()
        if secondary.add_work_item(session, claim, rc):
            report.work_items += 1
            notes.append("the patient has secondary coverage: create the secondary claim (work queue)")
    return ClaimPostingOut(
        claim_id=claim_in.claim_id,
        status_code=claim_in.status_code,
        outcome=outcome,
        posted=True,
        claim_pk=claim.id if claim else None,
        new_claim_status=new_status,
        lines=out_lines,
        notes=notes,
    )


def _claim_notes(
    tx: RemitTransactionIn, claim_in: RemitClaimIn, claim: Claim | None, how: str | None
) -> list[str]:
    notes = [f"CLP02 {claim_in.status_code}: {CLAIM_STATUS_MEANING.get(claim_in.status_code, 'unknown')}"]
    if how:
        notes.append(how)
    if claim is not None and claim.payer.payer_id != tx.payer_key:
        notes.append(f"claim was billed to payer {claim.payer.payer_id}, remit is from {tx.payer_key}")
    if claim_in.crossover_payer_name:
        notes.append(
            f"forwarded to {claim_in.crossover_payer_name} ({claim_in.crossover_payer_id or 'no id'})"
        )
    return notes


def _remit_claim_row(
    remit_id: int, key: str, claim_in: RemitClaimIn, claim: Claim | None, outcome: str, notes: list[str]
) -> RemitClaim:
    return RemitClaim(
        remit_id=remit_id,
        posting_key=key,
        claim_index=claim_in.index,
        clp_claim_id=claim_in.claim_id,
        claim_pk=claim.id if claim else None,
        status_code=claim_in.status_code,
        outcome=outcome,
        charge_cents=claim_in.charge_cents,
        paid_cents=claim_in.paid_cents,
        patient_responsibility_cents=claim_in.patient_responsibility_cents,
        payer_claim_number=claim_in.payer_claim_number,
        filing_indicator=claim_in.filing_indicator,
        crossover_payer_name=claim_in.crossover_payer_name,
        crossover_payer_id=claim_in.crossover_payer_id,
        member_id=claim_in.member_id,
        patient_name=" ".join(p for p in (claim_in.patient_first_name, claim_in.patient_last_name) if p)
        or None,
        statement_from=claim_in.statement_from,
        remarks=claim_in.remarks,
        notes=notes,
    )


def _our_line(sl: ServiceLine) -> OurLine:
    return OurLine(
        sl.id,
        sl.line_number,
        sl.code,
        tuple(sl.modifiers),
        sl.date_of_service,
        sl.charge_cents,
        sl.line_control_number,
    )


def _post_line(
    session: Session,
    rc: RemitClaim,
    tx: RemitTransactionIn,
    claim_in: RemitClaimIn,
    line_in: RemitLineIn,
    m: LineMatch,
    claim: Claim | None,
    work: _WorkQueue,
) -> LineMatchOut:
    """One SVC loop: its row with the adjustments split by kind, work items for weak matches, and the
    denial patterns it feeds."""
    method = m.method if claim is not None else "unmatched"
    note = m.note if claim is not None else "the claim itself is not on file"
    rl = _remit_line_row(rc.id, line_in, m.line.id if m.line and claim is not None else None, method, note)
    session.add(rl)
    session.flush()
    for adj in line_in.adjustments:
        session.add(_adjustment(rc.id, rl.id, adj))
    if claim is not None and method == "unmatched":
        work.add("unmatched-line", f"{claim_in.claim_id} line {line_in.index}: {note}", rl.id)
    elif method == "fuzzy-modifier":
        work.add(
            "fuzzy-match",
            f"{claim_in.claim_id} line {line_in.index} matched our line "
            f"{m.line.line_number if m.line else '?'}: {note}",
            rl.id,
        )
    if claim is not None:
        record_denied_line(session, tx.payer_key, rl, line_in.adjustments)
    return LineMatchOut(
        line_index=line_in.index,
        procedure_code=line_in.procedure_code,
        service_line_id=rl.service_line_id,
        line_number=m.line.line_number if m.line and claim else None,
        method=method,
        note=note,
    )


def _remit_line_row(
    remit_claim_id: int, line_in: RemitLineIn, service_line_id: int | None, method: str, note: str | None
) -> RemitLine:
    rl = RemitLine(
        remit_claim_id=remit_claim_id,
        line_index=line_in.index,
        service_line_id=service_line_id,
        match_method=method,
        match_note=note,
        procedure_code=line_in.procedure_code,
        modifiers=line_in.modifiers,
        original_procedure_code=line_in.original_procedure_code,
        original_modifiers=line_in.original_modifiers,
        service_date=line_in.service_date,
        line_control_number=line_in.line_control_number,
        units_paid=line_in.units_paid,
        charge_cents=line_in.charge_cents,
        paid_cents=line_in.paid_cents,
        allowed_cents=line_in.allowed_cents,
        remarks=line_in.remarks,
        contractual_cents=0,
        patient_responsibility_cents=0,
        deductible_cents=0,
        coinsurance_cents=0,
        copay_cents=0,
    )
    for adj in line_in.adjustments:
        if adj.group == "PR":
            rl.patient_responsibility_cents += adj.amount_cents
            column = PR_COLUMNS.get(adj.reason)
            if column:
                setattr(rl, column, getattr(rl, column) + adj.amount_cents)
        else:
            rl.contractual_cents += adj.amount_cents
    return rl


def _flag_lines_not_adjudicated(claim: Claim, matches: Sequence[LineMatch] | Any, work: _WorkQueue) -> None:
    matched_ids = {m.line.id for m in matches if m.line}
    for sl in claim.lines:
        if sl.id not in matched_ids:
            work.add(
                "line-not-adjudicated",
                f"{claim.claim_id} line {sl.line_number} ({sl.code}) is not in this remittance",
            )


def _adjustment(remit_claim_id: int, remit_line_id: int | None, adj: Adjustment) -> RemitAdjustment:
    return RemitAdjustment(
        remit_claim_id=remit_claim_id,
        remit_line_id=remit_line_id,
        group_code=adj.group,
        reason_code=adj.reason,
        amount_cents=adj.amount_cents,
        quantity=adj.quantity,
    )


def _apply_status(
    session: Session,
    claim: Claim,
    claim_in: RemitClaimIn,
    outcome: str,
    actor: str,
    remit_id: int,
    work: _WorkQueue,
) -> str | None:
    if outcome == "reversed":
        return _apply_reversal(session, claim, claim_in, actor, remit_id, work)
    if outcome in ("not_ours", "predetermination"):
        work.add("review", f"{claim.claim_id}: {CLAIM_STATUS_MEANING[claim_in.status_code]}")
        return None
    target = STATUS_FOR[adjudication(claim_in) if outcome == "forwarded" else outcome]
    if claim.status == target.value:
        return None
    return _transition(
        session, claim, target, actor, f"835 remit #{remit_id}: {outcome.replace('_', ' ')}", work
    )


def _apply_reversal(
    session: Session, claim: Claim, claim_in: RemitClaimIn, actor: str, remit_id: int, work: _WorkQueue
) -> str | None:
    work.add(
        "reversal",
        f"{claim.claim_id}: payer reversed {dollars(-claim_in.paid_cents)} previously paid "
        "(CLP02 22); expect a re-adjudication, review the claim",
    )
    if claim.status in (ClaimStatus.REVERSED.value, ClaimStatus.CORRECTED.value):
        return None  # a corrected claim's original is reversed by design; already recorded otherwise
    note = (
        f"835 remit #{remit_id}: reversal (CLP02 22) of payer claim "
        f"{claim_in.payer_claim_number or '-'}, {dollars(-claim_in.paid_cents)} taken back"
    )
    return _transition(session, claim, ClaimStatus.REVERSED, actor, note, work)


def _transition(
    session: Session, claim: Claim, target: ClaimStatus, actor: str, note: str, work: _WorkQueue
) -> str | None:
    try:
        claims_service.transition(session, claim, target, actor=actor, note=note)
    except AssistantError as exc:
        work.add(
            "status-blocked",
            f"{claim.claim_id}: cannot move from {claim.status} to {target.value}: {exc.message}",
        )
        return None
    return target.value


# ------------------------------------------------------------------ read side


def work_queue(
    session: Session, status: str | None = "open", remit_id: int | None = None
) -> list[WorkItemOut]:
    return [
        WorkItemOut(
            id=w.id,
            remit_id=w.remit_id,
            remit_claim_id=w.remit_claim_id,
            remit_line_id=w.remit_line_id,
            kind=w.kind,
            reason=w.reason,
            status=w.status,
            created_at=w.created_at,
        )
        for w in repo.work_items(session, status, remit_id)
    ]


def _adjustment_out(a: RemitAdjustment) -> RemitAdjustmentOut:
    return RemitAdjustmentOut(
        group=a.group_code, carc=a.reason_code, amount_cents=a.amount_cents, quantity=a.quantity
    )


def remit_summary(r: Remit) -> RemitSummary:
    return RemitSummary.model_validate(r, from_attributes=True)


def list_remits(session: Session, limit: int = 100) -> list[RemitSummary]:
    return [remit_summary(r) for r in repo.list_remits(session, limit)]


def _line_out(session: Session, rl: RemitLine) -> RemitLineOut:
    adjustments = [_adjustment_out(a) for a in repo.line_adjustments(session, rl.id)]
    return from_row(RemitLineOut, rl, adjustments=adjustments)


def _claim_out(session: Session, rc: RemitClaim) -> RemitClaimOut:
    return from_row(
        RemitClaimOut,
        rc,
        claim_id=rc.clp_claim_id,
        adjustments=[_adjustment_out(a) for a in repo.claim_level_adjustments(session, rc.id)],
        lines=[_line_out(session, rl) for rl in repo.remit_lines(session, rc.id)],
    )


def remit_detail(session: Session, remit_id: int) -> RemitDetail:
    r = repo.remit_by_pk(session, remit_id)
    if r is None:
        raise NotFound(
            f"no remittance {remit_id}", field="remit_id", fix="list remittances with `assistant remit list`"
        )
    return RemitDetail(
        **remit_summary(r).model_dump(),
        provider_adjustments=[
            ProviderAdjustmentOut(
                provider_id=p.provider_id,
                reason=p.reason_code,
                reference=p.reference,
                amount_cents=p.amount_cents,
                fiscal_period_date=p.fiscal_period_date,
            )
            for p in r.provider_adjustments
        ],
        claims=[_claim_out(session, rc) for rc in repo.remit_claims(session, r.id)],
        work_items=work_queue_for(session, r.id),
    )


def work_queue_for(session: Session, remit_id: int) -> list[WorkItemOut]:
    return work_queue(session, None, remit_id)

"""Posting an 835: parse -> balance -> match -> write, idempotently, one database transaction per claim.

Why per claim: a crash (or kill) mid-file leaves every claim either fully posted or not at all, the
unique ``posting_key`` makes a re-import skip what was posted and finish the rest, and a large file
never holds SQLite's write lock for its whole length while billers keep working. The remit header
and its provider-level adjustments (PLB) are written in their own first transaction; the remit is
marked ``posted`` in a last one. Balancing is checked for the whole file before anything is written,
so a file that does not balance posts nothing.

Posting key: payer + TRN02 (check/EFT) + CLP01 + CLP02 + CLP07 + occurrence. The file hash is kept on
the remit (same file, same transaction = same remit row) but is deliberately not part of the claim key,
so the same payment re-sent in a new envelope (new ISA13, new hash) is not posted twice either.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assistant.billing.remit_posting import post_remit_to_ledger
from assistant.claims import service as claims_service
from assistant.claims.models import Claim, ClaimStatus
from assistant.core.db import transaction
from assistant.core.errors import AssistantError, InvalidInput, NotFound
from assistant.denials.patterns import record_denied_line
from assistant.remit import repository as repo
from assistant.remit.balance import check_balance
from assistant.remit.matching import OurLine, match_lines
from assistant.remit.models import (
    Remit,
    RemitAdjustment,
    RemitClaim,
    RemitLine,
    RemitProviderAdjustment,
    RemitWorkItem,
)
from assistant.remit.money import fmt_cents
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
    RemitClaimIn,
    RemitTransactionIn,
    WorkItemOut,
)

CRASH_ENV = "ASSISTANT_REMIT_CRASH_AFTER_CLAIMS"  # test hook: os._exit mid-claim after N claims
# Adjustments that are the contract working as agreed, not a denial or reduction to chase.
CONTRACTUAL_CARCS = frozenset({"45", "253"})
PR_SPLIT = {"1": "deductible_cents", "2": "coinsurance_cents", "3": "copay_cents"}


class UnbalancedRemit(InvalidInput):
    """The 835 does not add up; nothing was posted."""

    def __init__(self, imbalances: list[Imbalance]) -> None:
        shown = "; ".join(f"{i.where}: {i.rule}" for i in imbalances[:5])
        more = f" (+{len(imbalances) - 5} more)" if len(imbalances) > 5 else ""
        super().__init__(
            f"the 835 does not balance, nothing was posted: {shown}{more}",
            field="file",
            fix="ask the payer for a corrected 835; do not post it by hand",
        )
        self.imbalances = imbalances

    def to_dict(self) -> dict[str, Any]:  # type: ignore[override]
        return {**super().to_dict(), "imbalances": [i.model_dump() for i in self.imbalances]}


def is_denial(adj: Adjustment | RemitAdjustment) -> bool:
    group = adj.group if isinstance(adj, Adjustment) else adj.group_code
    reason = adj.reason if isinstance(adj, Adjustment) else adj.reason_code
    return (
        group != "PR"
        and reason not in CONTRACTUAL_CARCS
        and ((adj.amount_cents if isinstance(adj, Adjustment) else adj.amount_cents) > 0)
    )


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


@dataclass
class _Run:
    report: ImportReport
    posted_this_run: int = 0


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
    imbalances = [i for tx in parsed.transactions for i in check_balance(tx)]
    if imbalances:
        raise UnbalancedRemit(imbalances)
    run = _Run(
        ImportReport(
            remit_ids=[],
            file_sha256=parsed.file_sha256,
            claims_posted=0,
            claims_skipped=0,
            provider_adjustments_posted=0,
            work_items=0,
        )
    )
    crash_after = int(os.environ.get(CRASH_ENV, "0") or 0)
    for tx in parsed.transactions:
        with transaction(sessions) as session:
            remit = _remit_header(session, parsed, tx, actor, run)
            remit_id = remit.id
        keys = _posting_keys(tx)
        for claim_in, key in zip(tx.claims, keys, strict=True):
            with transaction(sessions) as session:
                if repo.posting_key_exists(session, key):
                    run.report.claims_skipped += 1
                    run.report.claims.append(
                        ClaimPostingOut(
                            claim_id=claim_in.claim_id,
                            status_code=claim_in.status_code,
                            outcome=claim_outcome(claim_in),
                            posted=False,
                            claim_pk=None,
                            new_claim_status=None,
                            notes=["already posted by an earlier import"],
                        )
                    )
                    continue
                crash = bool(crash_after) and run.posted_this_run >= crash_after
                out = _post_claim(session, remit_id, tx, claim_in, key, actor, reference, run, crash=crash)
                run.report.claims.append(out)
            run.report.claims_posted += 1
            run.posted_this_run += 1
        with transaction(sessions) as session:
            done = session.get(Remit, remit_id)
            assert done is not None
            done.status = "posted"
            done.claim_count = len(repo.remit_claims(session, remit_id))
        _post_to_ledger(sessions, remit_id, actor, run.report)
    return run.report


def _post_to_ledger(sessions: sessionmaker[Session], remit_id: int, actor: str, report: ImportReport) -> None:
    """Hand what the payer paid and left to the patient ledger (idempotent; retried by a re-import)."""
    try:
        with transaction(sessions) as session:
            out = post_remit_to_ledger(session, remit_id, actor=actor)
        report.ledger.append(out.model_dump(mode="json"))
    except AssistantError as exc:
        report.ledger_errors.append(f"remit {remit_id}: {exc}; retry with `assistant billing post-remit`")


def _posting_keys(tx: RemitTransactionIn) -> list[str]:
    seen: Counter[tuple[str, str, str]] = Counter()
    keys = []
    for c in tx.claims:
        ident = (c.claim_id, c.status_code, c.payer_claim_number or "")
        seen[ident] += 1
        keys.append("|".join([tx.payer_key, tx.trace_number, *ident, str(seen[ident])]))
    return keys


def _remit_header(
    session: Session, parsed: ParsedRemit, tx: RemitTransactionIn, actor: str, run: _Run
) -> Remit:
    remit = repo.remit_by_file_tx(session, parsed.file_sha256, tx.index)
    if remit is None:
        remit = session.scalar(
            select(Remit).where(
                Remit.payer_id == tx.payer_key,
                Remit.trace_number == tx.trace_number,
                Remit.payment_cents == tx.payment_cents,
            )
        )
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
    run.report.remit_ids.append(remit.id)
    seen: Counter[str] = Counter()
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
        seen[base] += 1
        key = f"PLB|{base}|{seen[base]}"
        if repo.plb_key_exists(session, key):
            continue
        session.add(
            RemitProviderAdjustment(
                remit_id=remit.id,
                posting_key=key,
                provider_id=plb.provider_id,
                fiscal_period_date=plb.fiscal_period_date,
                reason_code=plb.reason,
                reference=plb.reference,
                amount_cents=plb.amount_cents,
            )
        )
        run.report.provider_adjustments_posted += 1
    return remit


def _find_claim(session: Session, claim_in: RemitClaimIn) -> tuple[Claim | None, str | None]:
    claim = repo.claim_by_claim_id(session, claim_in.claim_id)
    if claim is not None:
        return claim, None
    if claim_in.payer_claim_number:
        claim = repo.claim_by_payer_claim_number(session, claim_in.payer_claim_number)
        if claim is not None:
            return claim, f"matched by payer claim number {claim_in.payer_claim_number} (CLP01 differs)"
    return None, None


def _post_claim(
    session: Session,
    remit_id: int,
    tx: RemitTransactionIn,
    claim_in: RemitClaimIn,
    key: str,
    actor: str,
    reference: Any,
    run: _Run,
    *,
    crash: bool,
) -> ClaimPostingOut:
    outcome = claim_outcome(claim_in)
    claim, how = _find_claim(session, claim_in)
    notes: list[str] = [
        f"CLP02 {claim_in.status_code}: {CLAIM_STATUS_MEANING.get(claim_in.status_code, 'unknown')}"
    ]
    if how:
        notes.append(how)
    if claim is not None and claim.payer.payer_id != tx.payer_key:
        notes.append(f"claim was billed to payer {claim.payer.payer_id}, remit is from {tx.payer_key}")
    if claim_in.crossover_payer_name:
        notes.append(
            f"forwarded to {claim_in.crossover_payer_name} ({claim_in.crossover_payer_id or 'no id'})"
        )
    rc = RemitClaim(
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
    session.add(rc)
    session.flush()

    def work(kind: str, reason: str, line_id: int | None = None) -> None:
        session.add(
            RemitWorkItem(
                remit_id=remit_id, remit_claim_id=rc.id, remit_line_id=line_id, kind=kind, reason=reason
            )
        )
        run.report.work_items += 1

    for adj in claim_in.adjustments:
        session.add(_adjustment(rc.id, None, adj))

    ours = []
    if claim is not None:
        ours = [
            OurLine(
                sl.id,
                sl.line_number,
                sl.code,
                tuple(sl.modifiers),
                sl.date_of_service,
                sl.charge_cents,
                sl.line_control_number,
            )
            for sl in claim.lines
        ]
    matches = {
        m.remit_index: m for m in match_lines(claim_in.lines, ours, claim_date=claim_in.statement_from)
    }
    out_lines: list[LineMatchOut] = []
    for line_in in claim_in.lines:
        m = matches[line_in.index]
        method = m.method if claim is not None else "unmatched"
        note = m.note if claim is not None else "the claim itself is not on file"
        rl = RemitLine(
            remit_claim_id=rc.id,
            line_index=line_in.index,
            service_line_id=m.line.id if m.line and claim is not None else None,
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
                split = PR_SPLIT.get(adj.reason)
                if split:
                    setattr(rl, split, getattr(rl, split) + adj.amount_cents)
            else:
                rl.contractual_cents += adj.amount_cents
        session.add(rl)
        session.flush()
        for adj in line_in.adjustments:
            session.add(_adjustment(rc.id, rl.id, adj))
        if claim is not None and method == "unmatched":
            work("unmatched-line", f"{claim_in.claim_id} line {line_in.index}: {note}", rl.id)
        elif method == "fuzzy-modifier":
            work(
                "fuzzy-match",
                f"{claim_in.claim_id} line {line_in.index} matched our line "
                f"{m.line.line_number if m.line else '?'}: {note}",
                rl.id,
            )
        out_lines.append(
            LineMatchOut(
                line_index=line_in.index,
                procedure_code=line_in.procedure_code,
                service_line_id=rl.service_line_id,
                line_number=m.line.line_number if m.line and claim else None,
                method=method,
                note=note,
            )
        )
        if claim is not None:
            record_denied_line(session, tx.payer_key, rl, line_in.adjustments)

    if crash:  # test hook: die with this claim's rows flushed but not committed
        session.flush()
        os._exit(75)

    new_status: str | None = None
    if claim is None:
        work(
            "unmatched-claim",
            f"CLP01 {claim_in.claim_id} (payer claim {claim_in.payer_claim_number or '-'}, "
            f"paid {fmt_cents(claim_in.paid_cents)}) matches no claim on file",
        )
    else:
        if claim_in.lines and outcome != "reversed":
            matched_ids = {m.line.id for m in matches.values() if m.line}
            for sl in claim.lines:
                if sl.id not in matched_ids:
                    work(
                        "line-not-adjudicated",
                        f"{claim.claim_id} line {sl.line_number} ({sl.code}) is not in this remittance",
                    )
        if claim_in.payer_claim_number and not claim.payer_claim_number:
            claim.payer_claim_number = claim_in.payer_claim_number
        new_status = _apply_status(session, claim, claim_in, outcome, actor, remit_id, work)
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
    work: Callable[..., None],
) -> str | None:
    if outcome == "reversed":
        work(
            "reversal",
            f"{claim.claim_id}: payer reversed {fmt_cents(-claim_in.paid_cents)} previously paid "
            "(CLP02 22); expect a re-adjudication, review the claim",
        )
        if claim.status in (ClaimStatus.REVERSED.value, ClaimStatus.CORRECTED.value):
            return None  # a corrected claim's original is reversed by design; already recorded otherwise
        note = (
            f"835 remit #{remit_id}: reversal (CLP02 22) of payer claim "
            f"{claim_in.payer_claim_number or '-'}, {fmt_cents(-claim_in.paid_cents)} taken back"
        )
        try:
            _transition(session, claim, ClaimStatus.REVERSED, actor, note)
        except AssistantError as exc:
            work(
                "status-blocked",
                f"{claim.claim_id}: cannot move from {claim.status} to reversed: {exc.message}",
            )
            return None
        return ClaimStatus.REVERSED.value
    if outcome in ("not_ours", "predetermination"):
        work("review", f"{claim.claim_id}: {CLAIM_STATUS_MEANING[claim_in.status_code]}")
        return None
    target = STATUS_FOR[adjudication(claim_in) if outcome == "forwarded" else outcome]
    if claim.status == target.value:
        return None
    note = f"835 remit #{remit_id}: {outcome.replace('_', ' ')}"
    try:
        _transition(session, claim, target, actor, note)
    except AssistantError as exc:
        work(
            "status-blocked",
            f"{claim.claim_id}: cannot move from {claim.status} to {target.value}: {exc.message}",
        )
        return None
    return target.value


def _transition(session: Session, claim: Claim, target: ClaimStatus, actor: str, note: str) -> None:
    claims_service.transition(session, claim, target, actor=actor, note=note)


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


def _adj_dict(a: RemitAdjustment) -> dict[str, Any]:
    return {
        "group": a.group_code,
        "carc": a.reason_code,
        "amount_cents": a.amount_cents,
        "quantity": a.quantity,
    }


def remit_summary(r: Remit) -> dict[str, Any]:
    return {
        "id": r.id,
        "payer_id": r.payer_id,
        "payer_name": r.payer_name,
        "payee_name": r.payee_name,
        "payee_npi": r.payee_npi,
        "trace_number": r.trace_number,
        "payment_cents": r.payment_cents,
        "payment_method": r.payment_method,
        "payment_date": r.payment_date,
        "status": r.status,
        "claim_count": r.claim_count,
        "file_sha256": r.file_sha256,
        "imported_at": r.imported_at,
    }


def list_remits(session: Session, limit: int = 100) -> list[dict[str, Any]]:
    return [remit_summary(r) for r in repo.list_remits(session, limit)]


def remit_detail(session: Session, remit_id: int) -> dict[str, Any]:
    r = repo.remit_by_pk(session, remit_id)
    if r is None:
        raise NotFound(
            f"no remittance {remit_id}", field="remit_id", fix="list remittances with `assistant remit list`"
        )
    claims = []
    for rc in repo.remit_claims(session, r.id):
        lines = []
        for rl in repo.remit_lines(session, rc.id):
            lines.append(
                {
                    "id": rl.id,
                    "line_index": rl.line_index,
                    "procedure_code": rl.procedure_code,
                    "modifiers": rl.modifiers,
                    "service_date": rl.service_date,
                    "service_line_id": rl.service_line_id,
                    "match_method": rl.match_method,
                    "match_note": rl.match_note,
                    "line_control_number": rl.line_control_number,
                    "charge_cents": rl.charge_cents,
                    "paid_cents": rl.paid_cents,
                    "allowed_cents": rl.allowed_cents,
                    "contractual_cents": rl.contractual_cents,
                    "patient_responsibility_cents": rl.patient_responsibility_cents,
                    "deductible_cents": rl.deductible_cents,
                    "coinsurance_cents": rl.coinsurance_cents,
                    "copay_cents": rl.copay_cents,
                    "remarks": rl.remarks,
                    "adjustments": [_adj_dict(a) for a in repo.line_adjustments(session, rl.id)],
                }
            )
        claims.append(
            {
                "id": rc.id,
                "claim_id": rc.clp_claim_id,
                "claim_pk": rc.claim_pk,
                "status_code": rc.status_code,
                "outcome": rc.outcome,
                "charge_cents": rc.charge_cents,
                "paid_cents": rc.paid_cents,
                "patient_responsibility_cents": rc.patient_responsibility_cents,
                "payer_claim_number": rc.payer_claim_number,
                "crossover_payer_name": rc.crossover_payer_name,
                "remarks": rc.remarks,
                "notes": rc.notes,
                "adjustments": [_adj_dict(a) for a in repo.claim_level_adjustments(session, rc.id)],
                "lines": lines,
            }
        )
    return {
        **remit_summary(r),
        "provider_adjustments": [
            {
                "provider_id": p.provider_id,
                "reason": p.reason_code,
                "reference": p.reference,
                "amount_cents": p.amount_cents,
                "fiscal_period_date": p.fiscal_period_date,
            }
            for p in r.provider_adjustments
        ],
        "claims": claims,
        "work_items": [w.model_dump() for w in work_queue_for(session, r.id)],
    }


def work_queue_for(session: Session, remit_id: int) -> list[WorkItemOut]:
    return work_queue(session, None, remit_id)

"""Ledger operations: post, reverse, write off, refund, and every balance derived from the entries.

Nothing here updates or deletes a ledger row. Each function posts new entries inside the caller's
session (the caller owns the transaction: ``transaction(sessions)`` in the CLI, one per request in the
API), so a multi-entry operation commits completely or not at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from assistant.billing import repository as repo
from assistant.billing.models import ENTRY_LABEL, Bucket, EntryKind, LedgerEntry
from assistant.billing.schemas import BalanceOut, EntryOut, ItemBalance, LedgerConservation
from assistant.claims.models import EDITABLE_STATUSES, Claim, ClaimStatus
from assistant.core.errors import Conflict, InvalidInput, NotFound
from assistant.core.money import dollars, payment_limit, require_cents
from assistant.parties.models import Patient
from assistant.remit.secondary import is_secondary_claim

# ----------------------------------------------------------------------------------------- patients


def resolve_patient(session: Session, ref: str | int) -> Patient:
    """The patient named by internal id or insurance member ID (``id:12`` / ``member:ABC`` force one)."""
    text = str(ref).strip()
    if not text:
        raise InvalidInput("no patient given", field="patient_id", fix="give the patient id or member ID")
    if text.lower().startswith("id:"):
        found = repo.patient(session, int(text[3:])) if text[3:].isdigit() else None
        if found is None:
            raise NotFound(f"no patient with id {text[3:]}", field="patient_id")
        return found
    forced_member = text.lower().startswith("member:")
    member = text[7:].strip() if forced_member else text
    by_member = list(repo.patients_by_member_id(session, member))
    by_id = repo.patient(session, int(text)) if text.isdigit() and not forced_member else None
    if len(by_member) > 1:
        raise Conflict(
            f"member ID {member} belongs to {len(by_member)} patients",
            field="patient_id",
            fix="use the internal patient id (id:N) instead",
        )
    if by_id is not None and by_member and by_member[0].id != by_id.id:
        raise Conflict(
            f"{text} is both patient id {by_id.id} and the member ID of patient {by_member[0].id}",
            field="patient_id",
            fix=f"write id:{text} or member:{text}",
        )
    found = by_id or (by_member[0] if by_member else None)
    if found is None:
        raise NotFound(
            f"no patient with id or member ID {text!r}",
            field="patient_id",
            fix="check the id, or the member ID on the insurance card",
        )
    return found


def patient_name(p: Patient) -> str:
    return f"{p.first_name} {p.last_name}"


# ------------------------------------------------------------------------------------------ posting

_KINDS = {k.value for k in EntryKind}


def effects(kind: str, amount_cents: int, bucket: str | None = None) -> tuple[int, int]:
    """(insurance_cents, patient_cents) for an entry: the one rule of how money moves."""
    if kind == EntryKind.CHARGE:
        return (amount_cents, 0) if bucket == Bucket.INSURANCE else (0, amount_cents)
    if kind in (EntryKind.INSURANCE_PAYMENT, EntryKind.CONTRACTUAL_ADJUSTMENT):
        return -amount_cents, 0
    if kind == EntryKind.PR_TRANSFER:
        return -amount_cents, amount_cents
    if kind in (EntryKind.PATIENT_PAYMENT, EntryKind.PLAN_INSTALLMENT):
        return 0, -amount_cents
    if kind == EntryKind.REFUND:
        return 0, amount_cents
    if kind == EntryKind.WRITE_OFF:
        return (-amount_cents, 0) if bucket == Bucket.INSURANCE else (0, -amount_cents)
    raise InvalidInput(f"unknown ledger entry kind {kind!r}", field="kind", fix=f"one of {sorted(_KINDS)}")


def post_entry(
    session: Session,
    *,
    patient_id: int,
    kind: str,
    amount_cents: int,
    actor: str,
    effective_date: date,
    bucket: str | None = None,
    description: str = "",
    posting_key: str | None = None,
    **links: Any,
) -> tuple[LedgerEntry, bool]:
    """Append one entry. With a ``posting_key`` it is idempotent: returns (existing, False) on a repeat."""
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool):
        raise InvalidInput("ledger amounts are integer cents", field="amount_cents")
    if kind in (EntryKind.CHARGE, EntryKind.WRITE_OFF) and bucket not in (Bucket.INSURANCE, Bucket.PATIENT):
        raise InvalidInput(f"a {kind} needs a bucket", field="bucket", fix="insurance or patient")
    if posting_key is not None:
        existing = repo.entry_by_key(session, posting_key)
        if existing is not None:
            if existing.amount_cents != amount_cents or existing.kind != kind:
                raise Conflict(
                    f"posting {posting_key} was already made with {existing.kind} {existing.amount_cents}",
                    field="posting_key",
                    fix="the source changed after it was posted; reverse the old entry first",
                )
            return existing, False
    ins, pat = effects(kind, amount_cents, bucket)
    entry = LedgerEntry(
        patient_id=patient_id,
        kind=str(kind),
        amount_cents=amount_cents,
        insurance_cents=ins,
        patient_cents=pat,
        effective_date=effective_date,
        description=description,
        posting_key=posting_key,
        posted_by=actor,
        **links,
    )
    session.add(entry)
    session.flush()
    return entry, True


def post_charge(
    session: Session,
    patient_id: int,
    amount_cents: int,
    *,
    actor: str,
    bucket: str = Bucket.PATIENT,
    service_date: date | None = None,
    encounter_id: int | None = None,
    description: str = "Self-pay charge",
) -> LedgerEntry:
    """A charge the patient owes directly (self-pay visit, no-show fee...)."""
    require_cents(amount_cents, field="--amount-cents", max_cents=payment_limit())
    entry, _ = post_entry(
        session,
        patient_id=patient_id,
        kind=EntryKind.CHARGE,
        amount_cents=amount_cents,
        bucket=bucket,
        actor=actor,
        effective_date=service_date or date.today(),
        description=description,
        encounter_id=encounter_id,
    )
    return entry


def post_claim_charges(session: Session, claim: Claim | int, *, actor: str) -> list[LedgerEntry]:
    """One insurance-bucket charge per service line of a sent claim; a repeat posts nothing new."""
    if isinstance(claim, int):
        found = repo.claim(session, claim)
        if found is None:
            raise NotFound(f"no claim with id {claim}", field="claim")
        claim = found
    if claim.status in EDITABLE_STATUSES:
        raise Conflict(
            f"claim {claim.claim_id} is still {claim.status}: its lines may change",
            field="claim",
            fix="charges are posted once the claim is submitted",
        )
    if claim.frequency_code in ("7", "8"):
        raise Conflict(
            f"claim {claim.claim_id} replaces or voids claim {claim.original_claim_number or '?'}; "
            "its services were charged with the original",
            field="claim",
            fix="adjust the original claim's lines (reverse or write off) instead",
        )
    if is_secondary_claim(claim):
        raise Conflict(
            f"claim {claim.claim_id} bills the secondary payer for services charged with its primary claim",
            field="claim",
            fix="the secondary's payments post to the primary claim's lines",
        )
    posted = []
    for line in claim.lines:
        entry, new = post_entry(
            session,
            patient_id=claim.patient_id,
            kind=EntryKind.CHARGE,
            amount_cents=line.charge_cents,
            bucket=Bucket.INSURANCE,
            actor=actor,
            effective_date=line.date_of_service,
            description=f"{line.code}{''.join('-' + m for m in line.modifiers)} x{line.units}",
            posting_key=f"charge:line:{line.id}",
            claim_pk=claim.id,
            service_line_id=line.id,
            encounter_id=claim.encounter_id,
        )
        if new:
            posted.append(entry)
    return posted


def post_sent_claim_charges(session: Session, *, actor: str) -> int:
    """Charges for every original claim that has left the editable statuses (idempotent)."""
    statuses = [s.value for s in ClaimStatus if s not in EDITABLE_STATUSES]
    count = 0
    for claim in repo.claims_in_statuses(session, statuses):
        if claim.frequency_code in ("7", "8") or is_secondary_claim(claim):
            continue  # their services were charged with the original (primary) claim
        count += len(post_claim_charges(session, claim, actor=actor))
    return count


# ----------------------------------------------------------------------------------------- balances


@dataclass
class Item:
    """Running balance of one thing money is attached to."""

    key: tuple[str, int | None]
    service_line_id: int | None
    claim_pk: int | None
    encounter_id: int | None
    service_date: date | None
    insurance_cents: int = 0
    patient_cents: int = 0
    first_patient_date: date | None = None


def item_key(e: LedgerEntry) -> tuple[str, int | None]:
    if e.service_line_id is not None:
        return ("line", e.service_line_id)
    if e.claim_pk is not None:
        return ("claim", e.claim_pk)
    if e.encounter_id is not None:
        return ("encounter", e.encounter_id)
    if e.applies_to_entry_id is not None:
        return ("charge", e.applies_to_entry_id)
    if e.kind == EntryKind.CHARGE:
        return ("charge", e.id)
    return ("unapplied", None)


def items(entries: Iterable[LedgerEntry]) -> list[Item]:
    """Per-item balances, oldest service first; the unapplied pool (credits) comes last."""
    out: dict[tuple[str, int | None], Item] = {}
    charge_key: dict[int, tuple[str, int | None]] = {}
    for e in entries:
        # a reversal belongs to the item of the entry it reverses
        key = charge_key.get(e.reverses_entry_id or 0) or item_key(e)
        charge_key[e.id] = key
        it = out.get(key)
        if it is None:
            it = out[key] = Item(key, e.service_line_id, e.claim_pk, e.encounter_id, None)
        if e.kind == EntryKind.CHARGE and e.amount_cents > 0 and it.service_date is None:
            it.service_date = e.effective_date
        it.insurance_cents += e.insurance_cents
        it.patient_cents += e.patient_cents
        if e.patient_cents > 0 and it.first_patient_date is None:
            it.first_patient_date = e.effective_date
    return sorted(
        out.values(),
        key=lambda i: (i.key[0] == "unapplied", i.service_date or date.max, i.key[0], i.key[1] or 0),
    )


def entry_out(e: LedgerEntry, reversed_by: dict[int, int] | None = None) -> EntryOut:
    return EntryOut(
        id=e.id,
        kind=e.kind,
        label=ENTRY_LABEL.get(e.kind, e.kind) + (" (reversal)" if e.reverses_entry_id else ""),
        amount_cents=e.amount_cents,
        insurance_cents=e.insurance_cents,
        patient_cents=e.patient_cents,
        effective_date=e.effective_date,
        encounter_id=e.encounter_id,
        claim_pk=e.claim_pk,
        service_line_id=e.service_line_id,
        remit_id=e.remit_id,
        remit_line_id=e.remit_line_id,
        payment_id=e.payment_id,
        plan_id=e.plan_id,
        reverses_entry_id=e.reverses_entry_id,
        reversed_by_entry_id=(reversed_by or {}).get(e.id),
        group_code=e.group_code,
        reason_code=e.reason_code,
        description=e.description,
        posted_by=e.posted_by,
        posted_at=e.posted_at,
    )


def totals(entries: Sequence[LedgerEntry]) -> tuple[int, int]:
    return sum(e.insurance_cents for e in entries), sum(e.patient_cents for e in entries)


def balance(session: Session, patient: Patient | str | int, *, with_entries: bool = True) -> BalanceOut:
    """The account of one patient, every figure summed from the ledger."""
    p = patient if isinstance(patient, Patient) else resolve_patient(session, patient)
    es = list(repo.entries(session, p.id))
    ins, pat = totals(es)
    reversed_by = {e.reverses_entry_id: e.id for e in es if e.reverses_entry_id is not None}
    return BalanceOut(
        patient_id=p.id,
        patient_name=patient_name(p),
        balance_cents=ins + pat,
        insurance_pending_cents=ins,
        patient_due_cents=max(pat, 0),
        credit_cents=max(-pat, 0),
        entries=[entry_out(e, reversed_by) for e in es] if with_entries else [],
    )


def item_balances(session: Session, patient_id: int) -> list[ItemBalance]:
    return [
        ItemBalance(
            service_line_id=i.service_line_id,
            claim_pk=i.claim_pk,
            encounter_id=i.encounter_id,
            service_date=i.service_date,
            insurance_cents=i.insurance_cents,
            patient_cents=i.patient_cents,
        )
        for i in items(repo.entries(session, patient_id))
    ]


# ----------------------------------------------------------------------------------------- allocation


def allocate(
    open_items: Sequence[Item], amount_cents: int, *, bucket: str, encounter_id: int | None = None
) -> tuple[list[tuple[Item, int]], int]:
    """Spread ``amount_cents`` over items owing in ``bucket``, oldest service first; returns the remainder."""
    field = "patient_cents" if bucket == Bucket.PATIENT else "insurance_cents"
    # The unapplied pool owes only when a refunded payment was later reversed: settle it last.
    pool = [i for i in open_items if getattr(i, field) > 0]
    if encounter_id is not None:
        pool = [i for i in pool if i.encounter_id == encounter_id and i.key[0] != "unapplied"]
    left = amount_cents
    out: list[tuple[Item, int]] = []
    for it in pool:
        if left == 0:
            break
        take = min(left, getattr(it, field))
        out.append((it, take))
        left -= take
    return out, left


def item_links(it: Item) -> dict[str, Any]:
    return {
        "service_line_id": it.service_line_id,
        "claim_pk": it.claim_pk,
        "encounter_id": it.encounter_id,
        "applies_to_entry_id": it.key[1] if it.key[0] == "charge" else None,
    }


# ------------------------------------------------------------------------------------------ corrections


def reverse(session: Session, entry_id: int, *, reason: str, actor: str) -> list[LedgerEntry]:
    """Post the mirror image of an entry (all entries of its payment, if it was a payment)."""
    if not reason.strip():
        raise InvalidInput("a reversal needs a reason", field="--reason", fix="say why, e.g. 'check bounced'")
    original = repo.entry(session, entry_id)
    if original is None:
        raise NotFound(f"no ledger entry {entry_id}", field="entry_id")
    if original.reverses_entry_id is not None:
        raise Conflict(
            f"entry {entry_id} is itself a reversal",
            field="entry_id",
            fix=f"post the original transaction again instead of reversing reversal {entry_id}",
        )
    group = [original]
    if original.payment_id is not None:
        group = [e for e in repo.payment_entries(session, original.payment_id) if e.reverses_entry_id is None]
    todo = [e for e in group if repo.reversal_of(session, e.id) is None]
    if not todo:
        raise Conflict(f"entry {entry_id} was already reversed", field="entry_id")
    _refuse_negative_insurance(session, todo, entry_id)
    out = []
    for e in todo:
        mirror = LedgerEntry(
            patient_id=e.patient_id,
            kind=e.kind,
            amount_cents=-e.amount_cents,
            insurance_cents=-e.insurance_cents,
            patient_cents=-e.patient_cents,
            effective_date=date.today(),
            encounter_id=e.encounter_id,
            claim_pk=e.claim_pk,
            service_line_id=e.service_line_id,
            remit_id=e.remit_id,
            remit_line_id=e.remit_line_id,
            remit_adjustment_id=e.remit_adjustment_id,
            payment_id=e.payment_id,
            plan_id=e.plan_id,
            applies_to_entry_id=e.applies_to_entry_id,
            reverses_entry_id=e.id,
            group_code=e.group_code,
            reason_code=e.reason_code,
            description=f"Reversal of entry {e.id}: {reason.strip()}",
            posted_by=actor,
        )
        session.add(mirror)
        out.append(mirror)
    session.flush()
    return out


def _refuse_negative_insurance(session: Session, todo: list[LedgerEntry], entry_id: int) -> None:
    """A charge the payer has already settled cannot be voided first: its insurance side would go negative."""
    balances = {i.key: i.insurance_cents for i in items(repo.entries(session, todo[0].patient_id))}
    after = dict(balances)
    for e in todo:
        key = item_key(e)
        if key[0] != "unapplied":
            after[key] = after.get(key, 0) - e.insurance_cents
    short = [k for k, v in after.items() if v < 0 and v < balances.get(k, 0)]
    if short:
        raise Conflict(
            f"reversing entry {entry_id} would leave a negative insurance balance on "
            f"{short[0][0]} {short[0][1]}",
            field="entry_id",
            fix="reverse the insurance payments and write-offs applied to that charge first, then the charge",
        )


def write_off(
    session: Session,
    patient: Patient | str | int,
    amount_cents: int,
    *,
    bucket: str,
    reason: str,
    actor: str,
    encounter_id: int | None = None,
) -> list[LedgerEntry]:
    """Write off an open balance (small balance, hardship, timely filing...), oldest items first."""
    amount_cents = require_cents(amount_cents, field="--amount-cents", max_cents=payment_limit())
    if bucket not in (Bucket.INSURANCE, Bucket.PATIENT):
        raise InvalidInput(f"unknown bucket {bucket!r}", field="--bucket", fix="insurance or patient")
    if not reason.strip():
        raise InvalidInput("a write-off needs a reason", field="--reason", fix="e.g. 'small balance'")
    p = patient if isinstance(patient, Patient) else resolve_patient(session, patient)
    open_items = items(repo.entries(session, p.id))
    parts, left = allocate(open_items, amount_cents, bucket=bucket, encounter_id=encounter_id)
    if left:
        owed = amount_cents - left
        raise Conflict(
            f"cannot write off {dollars(amount_cents)}: only {dollars(owed)} is open in the {bucket} balance"
            + (f" of encounter {encounter_id}" if encounter_id else ""),
            field="--amount-cents",
            fix=f"write off at most {owed} cents",
        )
    out = []
    for it, cents in parts:
        entry, _ = post_entry(
            session,
            patient_id=p.id,
            kind=EntryKind.WRITE_OFF,
            amount_cents=cents,
            bucket=bucket,
            actor=actor,
            effective_date=date.today(),
            description=f"Write-off ({bucket}): {reason.strip()}",
            **item_links(it),
        )
        out.append(entry)
    return out


def conservation(session: Session) -> LedgerConservation:
    """Whole-ledger check: what is still owed equals everything charged minus everything settled."""
    by_kind: dict[str, int] = defaultdict(int)
    ins = pat = 0
    for e in repo.all_entries(session):
        by_kind[e.kind] += e.amount_cents
        ins += e.insurance_cents
        pat += e.patient_cents
    settled = (
        by_kind[EntryKind.INSURANCE_PAYMENT]
        + by_kind[EntryKind.CONTRACTUAL_ADJUSTMENT]
        + by_kind[EntryKind.PATIENT_PAYMENT]
        + by_kind[EntryKind.PLAN_INSTALLMENT]
        + by_kind[EntryKind.WRITE_OFF]
        - by_kind[EntryKind.REFUND]
    )
    return LedgerConservation(
        charged_cents=by_kind[EntryKind.CHARGE],
        settled_cents=settled,
        outstanding_cents=ins + pat,
        difference_cents=by_kind[EntryKind.CHARGE] - settled - (ins + pat),
    )

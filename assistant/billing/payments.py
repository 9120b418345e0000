"""Patient payments: validation (never a card number), allocation, overpayment, receipts, refunds."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from assistant.billing import repository as repo
from assistant.billing.models import Bucket, EntryKind, LedgerEntry, Payment, PaymentMethod
from assistant.billing.pdf import text_pdf
from assistant.billing.plans import active_plan
from assistant.billing.practice import Practice, practice_from
from assistant.billing.schemas import (
    METHODS,
    AllocationOut,
    CreditApplicationOut,
    CreditApplied,
    PaymentIn,
    ReceiptOut,
    RefundOut,
    check_past_date,
)
from assistant.billing.service import (
    Item,
    allocate,
    balance,
    item_links,
    items,
    patient_name,
    post_entry,
    resolve_patient,
)
from assistant.billing.visits import visit_of
from assistant.core.db import serialize_writers
from assistant.core.errors import Conflict, InvalidInput, NotFound
from assistant.core.money import dollars, parse_dollars, payment_limit, require_cents
from assistant.parties.models import Patient

_DIGIT_RUN = re.compile(r"(?:\d[ -]?){12,19}")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def looks_like_pan(text: str | None) -> bool:
    """True for anything holding 13-19 digits in a row (spaces/dashes allowed) that passes Luhn."""
    if not text:
        return False
    for match in _DIGIT_RUN.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        for size in range(min(19, len(digits)), 12, -1):
            for start in range(0, len(digits) - size + 1):
                if luhn_ok(digits[start : start + size]):
                    return True
    return False


def refuse_pan(value: str | None, field: str) -> None:
    if looks_like_pan(value):
        raise InvalidInput(
            f"{field} looks like a card number; card numbers are never stored",
            field=field,
            fix="record only the authorization code or the last 4 digits (e.g. 'auth 123456, x4242')",
        )


def _method(value: str) -> str:
    try:
        return PaymentMethod(value).value
    except ValueError:
        raise InvalidInput(
            f"unknown payment method {value!r}", field="--method", fix="one of cash, check, card, other"
        ) from None


def receipt_number(received_on: date, payment_id: int) -> str:
    return f"R{received_on:%Y%m%d}-{payment_id:06d}"


def payment_from_form(patient: str, form: Mapping[str, str], *, max_cents: int | None = None) -> PaymentIn:
    """A payment typed into the web form: every field checked, each refusal an InvalidInput naming it."""
    limit = max_cents if max_cents is not None else payment_limit()
    cents = parse_dollars(form.get("amount", ""), field="amount", max_cents=limit)
    method = (form.get("method") or "cash").strip()
    if method not in METHODS:
        raise InvalidInput(f"unknown payment method {method!r}", field="method", fix=", ".join(METHODS))
    received = (form.get("received_on") or "").strip()
    received_on = None
    if received:
        try:
            received_on = date.fromisoformat(received)
        except ValueError:
            raise InvalidInput(
                f"received_on {received!r} is not a date", field="received_on", fix="use YYYY-MM-DD"
            ) from None
        check_past_date(received_on, field="received_on")
    overpayment = (form.get("overpayment") or "").strip() or None
    if overpayment not in (None, "credit", "refund"):
        raise InvalidInput(
            f"unknown overpayment choice {overpayment!r}", field="overpayment", fix="credit or refund"
        )
    return PaymentIn(
        patient=patient,
        amount_cents=cents,
        overpayment=overpayment,  # type: ignore[arg-type]
        method=method,  # type: ignore[arg-type]
        reference=(form.get("reference") or "").strip() or None,
        received_on=received_on,
        idempotency_key=(form.get("idempotency_key") or "").strip() or None,
        note=(form.get("note") or "").strip() or None,
    )


def _applicable(
    session: Session, patient_id: int, amount: int, encounter_id: int | None
) -> tuple[list[Item], int]:
    """The open items and how much of ``amount`` they can take: the open lines in scope, but never more
    than the net due (an existing credit already covers part of them); the rest is an overpayment."""
    open_items = items(repo.entries(session, patient_id))
    in_scope, _ = allocate(open_items, amount, bucket=Bucket.PATIENT, encounter_id=encounter_id)
    net_due = max(sum(i.patient_cents for i in open_items), 0)
    return open_items, min(sum(c for _, c in in_scope), net_due)


def overpayment_cents(session: Session, data: PaymentIn) -> int:
    """How much of this payment would be left over once everything it may pay is paid (0: none)."""
    p = resolve_patient(session, data.patient)
    _, applicable = _applicable(session, p.id, data.amount_cents, data.encounter_id)
    return data.amount_cents - applicable


def take_payment(
    session: Session, data: PaymentIn, *, actor: str, max_cents: int | None = None
) -> ReceiptOut:
    """Record a payment and apply it oldest-first (or to one encounter); any excess is a credit or refund."""
    limit = max_cents if max_cents is not None else payment_limit()
    amount = require_cents(data.amount_cents, field="--amount-cents", max_cents=limit)
    method = _method(data.method)
    refuse_pan(data.reference, "--reference")
    refuse_pan(data.note, "note")
    if method == PaymentMethod.CHECK and not (data.reference or "").strip():
        raise InvalidInput(
            "a check payment needs the check number", field="--reference", fix="--reference 1042"
        )
    p = resolve_patient(session, data.patient)
    # several app workers: wait for any payment being numbered and applied right now (receipt number,
    # idempotency key and the open items it settles are read below)
    serialize_writers(session, "billing_payments")
    if data.idempotency_key:
        prior = repo.payment_by_idempotency_key(session, data.idempotency_key)
        if prior is not None:
            if prior.patient_id != p.id or prior.amount_cents != amount:
                raise Conflict(
                    f"idempotency key {data.idempotency_key!r} was used for a different payment",
                    field="idempotency_key",
                    fix="use a new key for a new payment",
                )
            return receipt(session, prior, replayed=True)
    plan_id = data.plan_id
    if plan_id is not None:
        plan = repo.plan(session, plan_id)
        if plan is None or plan.patient_id != p.id:
            raise NotFound(f"patient {p.id} has no payment plan {plan_id}", field="plan_id")
    else:  # a patient on a plan pays into it, whoever takes the payment
        current = active_plan(session, p.id)
        plan_id = current.id if current is not None else None
    open_items, applicable = _applicable(session, p.id, amount, data.encounter_id)
    left = amount - applicable
    if left and data.overpayment is None:
        raise Conflict(
            f"the payment of {dollars(amount)} is more than the {dollars(applicable)} owed"
            + (f" on encounter {data.encounter_id}" if data.encounter_id else "")
            + f": {dollars(left)} would be left over",
            field="overpayment",
            fix="check the amount; to accept it, say what to do with the extra: overpayment 'credit' keeps "
            "it on the account, 'refund' gives it back now",
        )
    received_on = data.received_on or date.today()
    payment = Payment(
        receipt_number=receipt_number(received_on, repo.next_id(session, Payment)),
        patient_id=p.id,
        amount_cents=amount,
        method=method,
        reference=(data.reference or None),
        received_on=received_on,
        plan_id=plan_id,
        idempotency_key=data.idempotency_key,
        note=data.note,
        posted_by=actor,
    )
    session.add(payment)
    session.flush()
    kind = EntryKind.PLAN_INSTALLMENT if plan_id is not None else EntryKind.PATIENT_PAYMENT
    label = f"{'Plan installment' if plan_id else 'Payment'} {payment.receipt_number} ({method})"
    parts, _ = allocate(open_items, applicable, bucket=Bucket.PATIENT, encounter_id=data.encounter_id)
    for it, cents in parts:
        post_entry(
            session,
            patient_id=p.id,
            kind=kind,
            amount_cents=cents,
            actor=actor,
            effective_date=received_on,
            description=label,
            payment_id=payment.id,
            plan_id=plan_id,
            **item_links(it),
        )
    if left:
        post_entry(
            session,
            patient_id=p.id,
            kind=kind,
            amount_cents=left,
            actor=actor,
            effective_date=received_on,
            description=f"{label}: unapplied (credit)",
            payment_id=payment.id,
            plan_id=plan_id,
        )
        if data.overpayment == "refund":
            _post_refund(
                session,
                p,
                left,
                method=method,
                reference=data.reference,
                actor=actor,
                reason=f"overpayment on {payment.receipt_number}",
                payment_id=payment.id,
            )
    return receipt(session, payment)


def receipt(session: Session, payment: Payment, *, replayed: bool = False) -> ReceiptOut:
    p = repo.patient(session, payment.patient_id)
    assert p is not None
    es = repo.payment_entries(session, payment.id)
    applied = [
        e
        for e in es
        if e.kind in (EntryKind.PATIENT_PAYMENT, EntryKind.PLAN_INSTALLMENT) and e.reverses_entry_id is None
    ]
    refunded = sum(e.amount_cents for e in es if e.kind == EntryKind.REFUND and e.reverses_entry_id is None)
    unapplied = sum(
        e.amount_cents
        for e in applied
        if e.service_line_id is None
        and e.claim_pk is None
        and e.encounter_id is None
        and e.applies_to_entry_id is None
    )
    after = balance(session, p, with_entries=False)
    out = ReceiptOut(
        payment_id=payment.id,
        receipt_number=payment.receipt_number,
        patient_id=p.id,
        patient_name=patient_name(p),
        amount_cents=payment.amount_cents,
        method=payment.method,
        reference=payment.reference,
        received_on=payment.received_on,
        posted_by=payment.posted_by,
        allocations=[
            AllocationOut(
                entry_id=e.id,
                service_line_id=e.service_line_id,
                encounter_id=e.encounter_id,
                claim_pk=e.claim_pk,
                applies_to_entry_id=e.applies_to_entry_id,
                amount_cents=e.amount_cents,
                visit=_visit_text(session, e),
            )
            for e in applied
        ],
        credit_cents=unapplied - refunded,
        refunded_cents=refunded,
        balance_after_cents=after.balance_cents,
        patient_due_after_cents=after.patient_due_cents,
        replayed=replayed,
    )
    out.text = receipt_text(out)
    return out


def _visit_text(session: Session, e: LedgerEntry) -> str | None:
    ref = visit_of(
        session,
        service_line_id=e.service_line_id,
        claim_pk=e.claim_pk,
        encounter_id=e.encounter_id,
        applies_to_entry_id=e.applies_to_entry_id,
    )
    return ref.text if ref is not None else None


def receipt_text(r: ReceiptOut) -> str:
    lines = [
        f"RECEIPT {r.receipt_number}",
        f"Date: {r.received_on.isoformat()}",
        f"Patient: {r.patient_name} (#{r.patient_id})",
        f"Amount received: {dollars(r.amount_cents)} by {r.method}"
        + (f" (ref {r.reference})" if r.reference else ""),
    ]
    for a in r.allocations:
        where = a.visit or "account credit"
        lines.append(f"  applied {dollars(a.amount_cents)} to {where}")
    if r.refunded_cents:
        lines.append(f"Refunded overpayment: {dollars(r.refunded_cents)}")
    elif r.credit_cents:
        lines.append(f"Kept as credit on your account: {dollars(r.credit_cents)}")
    lines.append(f"You now owe: {dollars(r.patient_due_after_cents)}")
    lines.append(f"Received by: {r.posted_by}")
    return "\n".join(lines)


def receipt_pdf(r: ReceiptOut | RefundOut | CreditApplicationOut, practice: Practice | None = None) -> bytes:
    title = {ReceiptOut: "Payment receipt", RefundOut: "Refund receipt"}.get(type(r), "Credit applied")
    header = "\n".join((practice or practice_from()).header_lines())
    return text_pdf(title, f"{header}\n\n{r.text}")


def _post_refund(
    session: Session,
    p: Patient,
    amount: int,
    *,
    method: str,
    reference: str | None,
    actor: str,
    reason: str,
    payment_id: int | None = None,
    posting_key: str | None = None,
) -> LedgerEntry:
    entry, _ = post_entry(
        session,
        patient_id=p.id,
        kind=EntryKind.REFUND,
        amount_cents=amount,
        actor=actor,
        effective_date=date.today(),
        description=f"Refund by {method}{f' ({reference})' if reference else ''}: {reason}",
        payment_id=payment_id,
        posting_key=posting_key,
    )
    return entry


REFUND_METHODS = ("check", "original", *METHODS)


def _refund_method(session: Session, p: Patient, method: str) -> tuple[str, str | None]:
    """(method, the payment it goes back through): ``original`` is the method of the newest payment."""
    if method != "original":
        return _method(method), None
    last = repo.latest_payment(session, p.id)
    if last is None:
        raise Conflict(
            f"patient {p.id} has made no payment to refund through",
            field="method",
            fix="refund by check",
        )
    return last.method, last.receipt_number


def refund(
    session: Session,
    patient: Patient | str | int,
    amount_cents: int,
    *,
    method: str,
    reason: str,
    actor: str,
    reference: str | None = None,
    idempotency_key: str | None = None,
) -> RefundOut:
    """Give back credit on the account; never more than the credit there is. ``method`` ``original`` sends it
    back the way the newest payment came in. With an idempotency key a repeat returns the first refund."""
    amount = require_cents(amount_cents, field="--amount-cents", max_cents=payment_limit())
    refuse_pan(reference, "--reference")
    if not reason.strip():
        raise InvalidInput("a refund needs a reason", field="--reason", fix="e.g. 'overpaid copay'")
    p = patient if isinstance(patient, Patient) else resolve_patient(session, patient)
    serialize_writers(session, "billing_payments")
    key = f"refund:{idempotency_key}" if idempotency_key else None
    prior = repo.entry_by_key(session, key) if key else None
    if prior is not None:
        if prior.patient_id != p.id or prior.amount_cents != amount:
            raise Conflict(
                f"idempotency key {idempotency_key!r} was used for a different refund",
                field="idempotency_key",
                fix="use a new key for a new refund",
            )
        return _refund_out(session, p, prior, method=method, reference=reference, replayed=True)
    how, through = _refund_method(session, p, method)
    credit = balance(session, p, with_entries=False).credit_cents
    if amount > credit:
        raise Conflict(
            f"cannot refund {dollars(amount)}: the account's credit is {dollars(credit)}",
            field="--amount-cents",
            fix=f"refund at most {credit} cents, or reverse the payment if it was posted in error",
        )
    why = reason.strip() + (f" (back through payment {through})" if through else "")
    entry = _post_refund(
        session, p, amount, method=how, reference=reference, actor=actor, reason=why, posting_key=key
    )
    return _refund_out(session, p, entry, method=how, reference=reference)


def _refund_out(
    session: Session,
    p: Patient,
    entry: LedgerEntry,
    *,
    method: str,
    reference: str | None,
    replayed: bool = False,
) -> RefundOut:
    after = balance(session, p, with_entries=False)
    out = RefundOut(
        entry_id=entry.id,
        patient_id=p.id,
        patient_name=patient_name(p),
        amount_cents=entry.amount_cents,
        method=method,
        reference=reference,
        credit_after_cents=after.credit_cents,
        refunded_on=entry.effective_date,
        replayed=replayed,
    )
    out.text = "\n".join(
        [
            f"REFUND {entry.id}",
            f"Date: {entry.effective_date.isoformat()}",
            f"Patient: {out.patient_name} (#{p.id})",
            f"Refunded: {dollars(entry.amount_cents)}",
            f"How: {entry.description.removeprefix('Refund ')}",
            f"Credit left on your account: {dollars(after.credit_cents)}",
            f"Issued by: {entry.posted_by}",
        ]
    )
    return out


def get_refund(session: Session, entry_id: int) -> RefundOut:
    entry = repo.entry(session, entry_id)
    if entry is None or entry.kind != EntryKind.REFUND:
        raise NotFound(f"no refund {entry_id}", field="refund")
    p = repo.patient(session, entry.patient_id)
    assert p is not None
    how = re.match(r"Refund by (\w+)", entry.description)
    return _refund_out(session, p, entry, method=how.group(1) if how else "other", reference=None)


def apply_credit(
    session: Session,
    patient: Patient | str | int,
    *,
    actor: str,
    amount_cents: int | None = None,
    idempotency_key: str | None = None,
) -> CreditApplicationOut:
    """Move credit from the account's unapplied pool onto its open charges, oldest visit first. Each move is
    two entries of the same payment kind (off the pool, onto the visit), so money received is unchanged."""
    p = patient if isinstance(patient, Patient) else resolve_patient(session, patient)
    serialize_writers(session, "billing_payments")
    base = f"credit:{idempotency_key}" if idempotency_key else None
    if base is not None:
        done = [e for e in repo.entries_with_key_prefix(session, base + ":") if e.amount_cents > 0]
        if done:
            return _credit_out(session, p, done, replayed=True)
    open_items = items(repo.entries(session, p.id))
    credit = max(-sum(i.patient_cents for i in open_items if i.key[0] == "unapplied"), 0)
    owed = [i for i in open_items if i.key[0] != "unapplied" and i.patient_cents > 0]
    wanted = credit if amount_cents is None else require_cents(amount_cents, field="amount_cents")
    if credit <= 0:
        raise Conflict(f"patient {p.id} has no credit to apply", field="amount_cents")
    if wanted > credit:
        raise Conflict(
            f"cannot apply {dollars(wanted)}: the credit is {dollars(credit)}",
            field="amount_cents",
            fix=f"apply at most {credit} cents",
        )
    parts, _ = allocate(owed, wanted, bucket=Bucket.PATIENT)
    if not parts:
        raise Conflict(
            f"patient {p.id} has no open charge to apply the credit to",
            field="amount_cents",
            fix="refund the credit instead, or keep it for the next visit",
        )
    posted = []
    for n, (it, cents) in enumerate(parts, start=1):
        post_entry(
            session,
            patient_id=p.id,
            kind=EntryKind.PATIENT_PAYMENT,
            amount_cents=-cents,
            actor=actor,
            effective_date=date.today(),
            description="Credit moved off the account to pay a visit",
            posting_key=f"{base}:{n}:from" if base else None,
        )
        entry, _ = post_entry(
            session,
            patient_id=p.id,
            kind=EntryKind.PATIENT_PAYMENT,
            amount_cents=cents,
            actor=actor,
            effective_date=date.today(),
            description="Account credit applied",
            posting_key=f"{base}:{n}:to" if base else None,
            **item_links(it),
        )
        posted.append(entry)
    return _credit_out(session, p, posted)


def get_credit_application(session: Session, patient_id: int, key: str) -> CreditApplicationOut:
    """The credit application made with idempotency key ``key`` on this patient's account."""
    done = [
        e
        for e in repo.entries_with_key_prefix(session, f"credit:{key}:")
        if e.amount_cents > 0 and e.patient_id == patient_id
    ]
    p = repo.patient(session, patient_id)
    if not done or p is None:
        raise NotFound(f"no credit application {key!r} on this account", field="credit")
    return _credit_out(session, p, done, replayed=True)


def _credit_out(
    session: Session, p: Patient, entries: list[LedgerEntry], *, replayed: bool = False
) -> CreditApplicationOut:
    after = balance(session, p, with_entries=False)
    out = CreditApplicationOut(
        patient_id=p.id,
        patient_name=patient_name(p),
        applied_cents=sum(e.amount_cents for e in entries),
        applications=[
            CreditApplied(entry_id=e.id, amount_cents=e.amount_cents, visit=_visit_text(session, e))
            for e in entries
        ],
        credit_after_cents=after.credit_cents,
        patient_due_after_cents=after.patient_due_cents,
        replayed=replayed,
    )
    lines = [
        "ACCOUNT CREDIT APPLIED",
        f"Date: {entries[0].effective_date.isoformat()}",
        f"Patient: {out.patient_name} (#{p.id})",
    ]
    lines += [f"  applied {dollars(a.amount_cents)} to {a.visit or 'account'}" for a in out.applications]
    lines += [
        f"Credit left on your account: {dollars(out.credit_after_cents)}",
        f"You now owe: {dollars(out.patient_due_after_cents)}",
    ]
    out.text = "\n".join(lines)
    return out


def get_receipt(session: Session, number_or_id: str) -> ReceiptOut:
    payment = repo.payment_by_receipt(session, number_or_id)
    if payment is None and number_or_id.isdigit():
        payment = repo.payment(session, int(number_or_id))
    if payment is None:
        raise NotFound(f"no payment with receipt {number_or_id}", field="receipt")
    return receipt(session, payment)

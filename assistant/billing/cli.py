"""``assistant billing``: balances, payments, refunds, write-offs, reversals, statements, aging, plans.

PATIENT_ID is the internal patient id or the insurance member ID (``id:N`` / ``member:X`` to force one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.billing.aging import aging as aging_report
from assistant.billing.payments import apply_credit, receipt_pdf, take_payment
from assistant.billing.payments import refund as refund_credit
from assistant.billing.plans import check_plans, create_plan, get_plan, list_plans, plan_out, plan_pdf
from assistant.billing.practice import practice_from
from assistant.billing.remit_posting import post_all_remits, post_remit_to_ledger
from assistant.billing.reports import report_csv
from assistant.billing.reports import reports as billing_reports
from assistant.billing.schemas import PaymentIn
from assistant.billing.service import balance as patient_balance
from assistant.billing.service import entry_out, post_sent_claim_charges, write_off
from assistant.billing.service import reverse as reverse_entry
from assistant.billing.statements import run_cycle, statement_data, statement_pdf, statement_text
from assistant.cli.bootstrap import make_container, ready
from assistant.cli.common import console, handles_errors, print_json, write_file
from assistant.core.db import transaction
from assistant.core.errors import InvalidInput, StorageError
from assistant.core.money import dollars, payment_limit, require_cents
from assistant.core.validation import parse_day

app = typer.Typer(help="Patient billing: ledger, payments, statements, aging, plans.", no_args_is_help=True)
plan_app = typer.Typer(help="Payment plans.", no_args_is_help=True)
app.add_typer(plan_app, name="plan")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON")]
ByOpt = Annotated[str, typer.Option("--by", help="User recorded on the entries")]


def _sessions() -> Any:
    c = ready(make_container())
    return c.sessions


def _tx() -> Any:
    return transaction(_sessions())


def _cents(value: str, field: str) -> int:
    return require_cents(value, field=field, max_cents=payment_limit())


@app.command()
@handles_errors
def balance(patient_id: str, as_json: JsonOpt = False) -> None:
    """The patient's balance: insurance pending, patient due, credit, and every ledger entry."""
    with _tx() as s:
        out = patient_balance(s, patient_id)
    if as_json:
        print_json(out)
        return
    console.print(f"{out.patient_name} (#{out.patient_id}): balance {dollars(out.balance_cents)}")
    console.print(
        f"  insurance pending {dollars(out.insurance_pending_cents)}, patient due "
        f"{dollars(out.patient_due_cents)}, credit {dollars(out.credit_cents)}"
    )
    for e in out.entries:
        console.print(
            f"  #{e.id} {e.effective_date} {e.label:<32} {dollars(e.amount_cents):>12}  {e.description}"
        )


@app.command()
@handles_errors
def pay(
    patient_id: str,
    amount_cents: Annotated[str, typer.Option("--amount-cents", help="Whole cents, e.g. 2500 = $25.00")],
    method: Annotated[str, typer.Option("--method", help="cash | check | card | other")],
    reference: Annotated[
        str | None, typer.Option("--reference", help="Check no. or card auth/last 4")
    ] = None,
    encounter: Annotated[int | None, typer.Option("--encounter", help="Apply to this encounter only")] = None,
    plan: Annotated[int | None, typer.Option("--plan", help="Installment of this payment plan")] = None,
    overpayment: Annotated[
        str | None,
        typer.Option("--overpayment", help="credit | refund: needed when the payment is more than owed"),
    ] = None,
    received_on: Annotated[str | None, typer.Option("--date", help="Date received (YYYY-MM-DD)")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the receipt PDF here")] = None,
    as_json: JsonOpt = False,
    by: ByOpt = "cli",
) -> None:
    """Record a payment; it is applied oldest-first (or to --encounter) and a receipt is printed."""
    cents = _cents(amount_cents, "--amount-cents")
    if overpayment not in (None, "credit", "refund"):
        raise InvalidInput(
            f"unknown --overpayment {overpayment!r}", field="--overpayment", fix="credit or refund"
        )
    if method not in ("cash", "check", "card", "other"):
        raise InvalidInput(
            f"unknown payment method {method!r}", field="--method", fix="cash, check, card or other"
        )
    data = PaymentIn(
        patient=patient_id,
        amount_cents=cents,
        method=method,  # type: ignore[arg-type]
        reference=reference,
        encounter_id=encounter,
        plan_id=plan,
        overpayment=overpayment,  # type: ignore[arg-type]
        received_on=parse_day(received_on, "--date"),
    )
    with _tx() as s:
        r = take_payment(s, data, actor=by)
    if pdf:
        try:
            write_file(pdf, receipt_pdf(r))
        except StorageError as exc:  # the payment is committed: say so, or the user pays it twice
            exc.message += f"; the payment itself WAS recorded as receipt {r.receipt_number}"
            exc.fix = "do not take the payment again; free space and print the receipt again"
            raise
    if as_json:
        print_json(r)
    else:
        typer.echo(r.text)


@app.command()
@handles_errors
def refund(
    patient_id: str,
    amount_cents: Annotated[str, typer.Option("--amount-cents")],
    method: Annotated[
        str, typer.Option("--method", help="check | original (the newest payment's method) | cash | card")
    ] = "check",
    reason: Annotated[str, typer.Option("--reason")] = "",
    reference: Annotated[str | None, typer.Option("--reference", help="Check number")] = None,
    key: Annotated[str | None, typer.Option("--key", help="Idempotency key: a repeat refunds once")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the refund receipt PDF here")] = None,
    as_json: JsonOpt = False,
    by: ByOpt = "cli",
) -> None:
    """Refund credit on the account (never more than the credit)."""
    cents = _cents(amount_cents, "--amount-cents")
    with _tx() as s:
        out = refund_credit(
            s,
            patient_id,
            cents,
            method=method,
            reason=reason,
            actor=by,
            reference=reference,
            idempotency_key=key,
        )
    if pdf:
        write_file(pdf, receipt_pdf(out))
    print_json(out) if as_json else typer.echo(out.text)


@app.command("apply-credit")
@handles_errors
def apply_credit_cmd(
    patient_id: str,
    amount_cents: Annotated[
        str | None, typer.Option("--amount-cents", help="Default: all the credit")
    ] = None,
    key: Annotated[str | None, typer.Option("--key", help="Idempotency key: a repeat applies once")] = None,
    as_json: JsonOpt = False,
    by: ByOpt = "cli",
) -> None:
    """Apply the account's credit to its open charges, oldest visit first."""
    with _tx() as s:
        out = apply_credit(
            s,
            patient_id,
            actor=by,
            amount_cents=_cents(amount_cents, "--amount-cents") if amount_cents else None,
            idempotency_key=key,
        )
    print_json(out) if as_json else typer.echo(out.text)


@app.command()
@handles_errors
def writeoff(
    patient_id: str,
    amount_cents: Annotated[str, typer.Option("--amount-cents")],
    reason: Annotated[str, typer.Option("--reason")],
    bucket: Annotated[str, typer.Option("--bucket", help="patient | insurance")] = "patient",
    encounter: Annotated[int | None, typer.Option("--encounter")] = None,
    as_json: JsonOpt = False,
    by: ByOpt = "cli",
) -> None:
    """Write off part of an open balance, oldest items first."""
    cents = _cents(amount_cents, "--amount-cents")
    with _tx() as s:
        out = [
            entry_out(e)
            for e in write_off(
                s, patient_id, cents, bucket=bucket, reason=reason, actor=by, encounter_id=encounter
            )
        ]
    print_json(out) if as_json else typer.echo(f"{len(out)} write-off entr{'y' if len(out) == 1 else 'ies'}")


@app.command()
@handles_errors
def reverse(
    entry_id: int,
    reason: Annotated[str, typer.Option("--reason")],
    as_json: JsonOpt = False,
    by: ByOpt = "cli",
) -> None:
    """Post reversing entries for an entry (for a payment: every entry of that payment)."""
    with _tx() as s:
        out = [entry_out(e) for e in reverse_entry(s, entry_id, reason=reason, actor=by)]
    print_json(out) if as_json else typer.echo(f"reversed with entries {', '.join(str(e.id) for e in out)}")


@app.command("post-remit")
@handles_errors
def post_remit(
    remit_id: Annotated[int | None, typer.Argument(help="Remit id; all remits when left out")] = None,
    as_json: JsonOpt = False,
    by: ByOpt = "remit-posting",
) -> None:
    """Turn posted 835 remittances into ledger entries (idempotent)."""
    with _tx() as s:
        out = [post_remit_to_ledger(s, remit_id, actor=by)] if remit_id else post_all_remits(s, actor=by)
    if as_json:
        print_json([o.model_dump() for o in out])
        return
    for o in out:
        typer.echo(
            f"remit {o.remit_id}: {o.entries_posted} entries posted, {o.entries_already_posted} already"
        )
        for msg in [*o.skipped, *o.notes]:
            typer.echo(f"  {msg}")


@app.command("post-charges")
@handles_errors
def post_charges(by: ByOpt = "cli") -> None:
    """Post charges for every submitted claim not yet on the ledger (idempotent)."""
    with _tx() as s:
        n = post_sent_claim_charges(s, actor=by)
    typer.echo(f"{n} charge(s) posted")


@app.command()
@handles_errors
def statement(
    patient_id: str,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the statement PDF here")] = None,
    as_json: JsonOpt = False,
) -> None:
    """A patient statement: per visit, charges, what insurance paid and why, what is owed and by when."""
    c = ready(make_container())
    with transaction(c.sessions) as s:
        data = statement_data(s, patient_id, practice=practice_from(c.settings), reference=c.reference)
    if pdf:
        write_file(pdf, statement_pdf(data))
    if as_json:
        print_json(data)
    else:
        typer.echo(statement_text(data))
        if pdf:
            typer.echo(f"PDF written to {pdf}")


@app.command("statements-cycle")
@handles_errors
def statements_cycle(
    cycle: Annotated[str | None, typer.Option("--cycle", help="Cycle name, default YYYY-MM")] = None,
    threshold_cents: Annotated[int, typer.Option("--threshold-cents")] = 500,
    as_json: JsonOpt = False,
    by: ByOpt = "cli",
) -> None:
    """Issue statements to every patient owing at least the threshold; a rerun adds no duplicates."""
    c = ready(make_container())
    with transaction(c.sessions) as s:
        out = run_cycle(
            s, cycle=cycle, threshold_cents=threshold_cents, actor=by, practice=practice_from(c.settings)
        )
    if as_json:
        print_json(out)
    else:
        typer.echo(f"cycle {out.cycle}: {len(out.issued)} issued, {len(out.skipped_existing)} already issued")


@app.command()
@handles_errors
def aging(
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD, default today")] = None,
    as_json: JsonOpt = False,
) -> None:
    """A/R aging buckets (0-30 ... 120+) per patient and in total, insurance and patient apart."""
    with _tx() as s:
        out = aging_report(s, parse_day(as_of, "--as-of"))
    if as_json:
        print_json(out)
        return
    console.print(f"Aging as of {out.as_of}")
    for label, row in (("insurance", out.insurance_total), ("patient", out.patient_total)):
        console.print(f"  {label:<10} " + "  ".join(f"{b}: {dollars(row[b])}" for b in out.buckets))


@app.command()
@handles_errors
def reports(
    start: Annotated[str | None, typer.Option("--from")] = None,
    end: Annotated[str | None, typer.Option("--to")] = None,
    payer: Annotated[str | None, typer.Option("--payer", help="Payer id (or 'self-pay')")] = None,
    as_csv: Annotated[
        str | None, typer.Option("--csv", help="payers | denials: print that table as CSV instead")
    ] = None,
) -> None:
    """Charges, payments, adjustments and A/R by payer, denial rate by payer x category, days in A/R and
    collections for a period (JSON, or one table as CSV)."""
    with _tx() as s:
        out = billing_reports(s, start=parse_day(start, "--from"), end=parse_day(end, "--to"), payer=payer)
    if as_csv:
        typer.echo(report_csv(out, as_csv), nl=False)
    else:
        print_json(out)


@plan_app.command("create")
@handles_errors
def plan_create(
    patient_id: str,
    installment_cents: Annotated[str | None, typer.Option("--installment-cents")] = None,
    installments: Annotated[
        int | None, typer.Option("--installments", help="Number of equal installments instead")
    ] = None,
    total_cents: Annotated[
        str | None, typer.Option("--total-cents", help="Default: all the patient owes")
    ] = None,
    frequency: Annotated[str, typer.Option("--frequency", help="weekly | biweekly | monthly")] = "monthly",
    start: Annotated[str | None, typer.Option("--start", help="First due date YYYY-MM-DD")] = None,
    as_json: JsonOpt = False,
    by: ByOpt = "cli",
) -> None:
    """Create a payment plan."""
    with _tx() as s:
        out = create_plan(
            s,
            patient_id,
            installment_cents=_cents(installment_cents, "--installment-cents") if installment_cents else None,
            installments=installments,
            actor=by,
            total_cents=_cents(total_cents, "--total-cents") if total_cents else None,
            frequency=frequency,
            start_date=parse_day(start, "--start"),
        )
    print_json(out) if as_json else typer.echo(f"plan {out.id}: {len(out.schedule)} installments")


@plan_app.command("pdf")
@handles_errors
def plan_pdf_cmd(
    plan_id: int, pdf: Annotated[Path, typer.Option("--pdf", help="Write the plan letter PDF here")]
) -> None:
    """The plan letter for the patient (schedule, what is paid, missed installments)."""
    with _tx() as s:
        out = plan_out(s, get_plan(s, plan_id))
        data = plan_pdf(s, out)
    write_file(pdf, data)
    typer.echo(f"PDF written to {pdf}")


@plan_app.command("list")
@handles_errors
def plan_list(patient_id: Annotated[str | None, typer.Argument()] = None, as_json: JsonOpt = False) -> None:
    """Payment plans with their status (current, behind, completed)."""
    with _tx() as s:
        out = list_plans(s, patient_id)
    if as_json:
        print_json([p.model_dump(mode="json") for p in out])
        return
    for p in out:
        typer.echo(f"plan {p.id} patient {p.patient_id}: {p.status}, paid {p.paid_cents}/{p.total_cents}")


@plan_app.command("check")
@handles_errors
def plan_check(
    as_of: Annotated[str | None, typer.Option("--as-of")] = None, as_json: JsonOpt = False
) -> None:
    """Plans with missed installments."""
    with _tx() as s:
        out = check_plans(s, parse_day(as_of, "--as-of"))
    if as_json:
        print_json([p.model_dump(mode="json") for p in out])
        return
    for p in out:
        typer.echo(f"plan {p.id} patient {p.patient_id}: {len(p.missed_installments)} missed installment(s)")

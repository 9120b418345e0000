"""Patient statements: what each visit cost, what insurance paid and why, what is owed now.

``statement_data`` is the service the web page and the CLI share; ``statement_pdf`` renders the same
Jinja2 template to PDF with fpdf2; ``run_cycle`` issues at most one statement per patient per cycle.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.billing import repository as repo
from assistant.billing.dunning import DEFAULT_SEQUENCE, Step, decide
from assistant.billing.models import EntryKind, LedgerEntry, Statement
from assistant.billing.pdf import html_pdf
from assistant.billing.practice import Practice, practice_from
from assistant.billing.service import balance, item_key, patient_name, resolve_patient
from assistant.billing.visits import CodeLookup, diagnosis_text, line_diagnoses, line_text
from assistant.core.errors import InvalidInput
from assistant.core.money import dollars
from assistant.parties.models import Patient

TEMPLATES = Path(__file__).resolve().parent / "templates"
DUE_DAYS = 30
HOW_TO_PAY = (
    "At the front desk: cash, check or card.",
    "By mail: send a check payable to the practice with your account number on it.",
    "By phone: call our billing office. We never ask for your card number by email or text.",
    "Can't pay it all at once? Ask us about a payment plan.",
)
PR_PHRASE = {
    "1": "Your plan applied {amt} to your deductible.",
    "2": "Your coinsurance share is {amt}.",
    "3": "Your copay is {amt}.",
}


class StatementLine(BaseModel):
    service: str
    diagnoses: list[str] = Field(default_factory=list)
    charged_cents: int
    insurance_paid_cents: int
    adjusted_cents: int
    patient_paid_cents: int
    written_off_cents: int
    insurance_pending_cents: int
    owed_cents: int
    explanations: list[str]


class Visit(BaseModel):
    date: date | None
    claim_id: str | None
    provider: str | None
    lines: list[StatementLine]
    owed_cents: int


class StatementData(BaseModel):
    patient_id: int
    patient_name: str
    member_ids: list[str]
    address: str | None
    issued_on: date
    due_date: date
    statement_number: str | None = None
    stage: str = "statement"
    notice: str | None = None
    amount_due_cents: int
    insurance_pending_cents: int
    credit_cents: int
    visits: list[Visit]
    how_to_pay: list[str] = Field(default_factory=lambda: list(HOW_TO_PAY))
    practice_name: str
    practice_address: str = ""
    practice_phone: str = ""


def explain(entries: list[LedgerEntry]) -> tuple[StatementLine, str]:
    """One line of a statement, with the reasons in plain words (grouped by CAS group and CARC)."""
    by_kind: dict[str, int] = defaultdict(int)
    pr: dict[str, int] = defaultdict(int)
    adj: dict[tuple[str, str], int] = defaultdict(int)
    service = ""
    for e in entries:
        by_kind[e.kind] += e.amount_cents
        if e.kind == EntryKind.CHARGE and not service:
            service = e.description
        if e.kind == EntryKind.PR_TRANSFER:
            pr[e.reason_code or ""] += e.amount_cents
        if e.kind == EntryKind.CONTRACTUAL_ADJUSTMENT:
            adj[(e.group_code or "CO", e.reason_code or "")] += e.amount_cents
    ins = sum(e.insurance_cents for e in entries)
    pat = sum(e.patient_cents for e in entries)
    paid = (
        by_kind[EntryKind.PATIENT_PAYMENT] + by_kind[EntryKind.PLAN_INSTALLMENT] - by_kind[EntryKind.REFUND]
    )
    why: list[str] = []
    if by_kind[EntryKind.INSURANCE_PAYMENT]:
        why.append(f"Your plan paid {dollars(by_kind[EntryKind.INSURANCE_PAYMENT])}.")
    for (group, reason), cents in sorted(adj.items()):
        if not cents:
            continue
        if group == "CO":
            why.append(
                f"Your provider's contract with your plan reduces this by {dollars(cents)}; you don't owe it."
            )
        elif group == "PI":
            why.append(f"Your plan reduced this by {dollars(cents)} (code {reason}); you don't owe it.")
        else:
            why.append(
                f"{dollars(cents)} was adjusted by your plan (code {group}-{reason}); you don't owe it."
            )
    for reason, cents in sorted(pr.items()):
        if cents:
            phrase = PR_PHRASE.get(reason, "Your plan says {amt} is your share (code PR-" + reason + ").")
            why.append(phrase.format(amt=dollars(cents)))
    if paid:
        why.append(f"You paid {dollars(paid)}." if paid > 0 else f"We refunded you {dollars(-paid)}.")
    if by_kind[EntryKind.WRITE_OFF]:
        why.append(f"We wrote off {dollars(by_kind[EntryKind.WRITE_OFF])}; you don't owe it.")
    if ins > 0:
        why.append(f"{dollars(ins)} is still with your insurance plan; you don't owe it now.")
    line = StatementLine(
        service=service or "Account",
        charged_cents=by_kind[EntryKind.CHARGE],
        insurance_paid_cents=by_kind[EntryKind.INSURANCE_PAYMENT],
        adjusted_cents=sum(adj.values()),
        patient_paid_cents=paid,
        written_off_cents=by_kind[EntryKind.WRITE_OFF],
        insurance_pending_cents=ins,
        owed_cents=pat,
        explanations=why,
    )
    return line, service


def statement_data(
    session: Session,
    patient: Patient | str | int,
    *,
    issued_on: date | None = None,
    due_days: int = DUE_DAYS,
    sequence: tuple[Step, ...] = DEFAULT_SEQUENCE,
    practice: Practice | None = None,
    reference: CodeLookup | None = None,
) -> StatementData:
    """The statement of one patient; ``practice`` defaults to the Settings' practice, ``reference`` (the
    code sets) adds code titles to the services."""
    practice = practice or practice_from()
    p = patient if isinstance(patient, Patient) else resolve_patient(session, patient)
    issued_on = issued_on or date.today()
    es = list(repo.entries(session, p.id))
    key_of: dict[int, tuple[str, int | None]] = {}
    groups: dict[tuple[str, int | None], list[LedgerEntry]] = defaultdict(list)
    for e in es:
        key = key_of.get(e.reverses_entry_id or 0) or item_key(e)
        key_of[e.id] = key
        if key[0] != "unapplied":
            groups[key].append(e)
    visits: dict[tuple[str, int | None], Visit] = {}
    for group in groups.values():
        line, _ = explain(group)
        first = group[0]
        sl = repo.service_line(session, first.service_line_id) if first.service_line_id else None
        if sl is not None:
            line.service = line_text(reference, sl)
            line.diagnoses = [diagnosis_text(reference, c) for c in line_diagnoses(sl)]
        if first.claim_pk is not None:
            claim = repo.claim(session, first.claim_pk)
            vkey: tuple[str, int | None] = ("claim", first.claim_pk)
            provider = claim.rendering_provider.display_name if claim and claim.rendering_provider else None
            claim_id = claim.claim_id if claim else None
        else:
            vkey, provider, claim_id = ("entry", first.encounter_id or first.id), None, None
        charge_dates = [e.effective_date for e in group if e.kind == EntryKind.CHARGE]
        v = visits.get(vkey)
        if v is None:
            v = visits[vkey] = Visit(
                date=min(charge_dates, default=first.effective_date),
                claim_id=claim_id,
                provider=provider,
                lines=[],
                owed_cents=0,
            )
        v.lines.append(line)
        v.owed_cents += line.owed_cents
    bal = balance(session, p, with_entries=False)
    decision = decide(session, p.id, issued_on, sequence)
    address = ", ".join(x for x in (p.address_line1, p.city, p.state, p.zip) if x) or None
    return StatementData(
        patient_id=p.id,
        patient_name=patient_name(p),
        member_ids=repo.member_ids(session, p.id),
        address=address,
        issued_on=issued_on,
        due_date=issued_on + timedelta(days=due_days),
        stage=decision.stage,
        notice=None if decision.stage == "statement" else decision.message,
        amount_due_cents=bal.patient_due_cents,
        insurance_pending_cents=max(bal.insurance_pending_cents, 0),
        credit_cents=bal.credit_cents,
        visits=sorted(visits.values(), key=lambda v: v.date or date.max),
        how_to_pay=how_to_pay(practice),
        practice_name=practice.name,
        practice_address=practice.address,
        practice_phone=practice.phone,
    )


def how_to_pay(practice: Practice) -> list[str]:
    if not practice.pay_instructions:
        lines = list(HOW_TO_PAY)
        if practice.phone:
            lines[2] = f"By phone: call our billing office at {practice.phone}. " + lines[2].split(". ", 1)[1]
        return lines
    return [practice.pay_instructions, HOW_TO_PAY[-1]]


def _env() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))


def _view(s: StatementData) -> dict[str, Any]:
    d = s.model_dump()
    d["amount_due"] = dollars(s.amount_due_cents)
    d["credit"] = dollars(s.credit_cents)
    d["insurance_pending"] = dollars(s.insurance_pending_cents)
    for v in d["visits"]:
        for ln in v["lines"]:
            for k in ("charged", "insurance_paid", "adjusted", "patient_paid", "owed"):
                ln[k] = dollars(ln[f"{k}_cents"])
    return d


def statement_html(s: StatementData) -> str:
    return _env().get_template("statement.html").render(s=_view(s))


def statement_text(s: StatementData) -> str:
    out = [
        *(x for x in (s.practice_name, s.practice_address, s.practice_phone) if x),
        f"STATEMENT for {s.patient_name} (account {s.patient_id}) - {s.issued_on}",
        f"Amount due now: {dollars(s.amount_due_cents)} by {s.due_date}",
    ]
    if s.notice:
        out.append(s.notice)
    for v in s.visits:
        out.append(f"Visit on {v.date}" + (f" with {v.provider}" if v.provider else ""))
        for ln in v.lines:
            out.append(
                f"  {ln.service}: charged {dollars(ln.charged_cents)}, you owe {dollars(ln.owed_cents)}"
            )
            if ln.diagnoses:
                out.append(f"    for: {'; '.join(ln.diagnoses)}")
            out.extend(f"    {e}" for e in ln.explanations)
    if s.credit_cents:
        out.append(f"Unapplied credit: {dollars(s.credit_cents)}")
    out.append("How to pay:")
    out.extend(f"  {h}" for h in s.how_to_pay)
    return "\n".join(out)


def statement_pdf(s: StatementData) -> bytes:
    return html_pdf(statement_html(s), f"Statement {s.patient_name}")


class CycleResult(BaseModel):
    cycle: str
    threshold_cents: int
    issued: list[dict[str, Any]]
    skipped_existing: list[int]
    below_threshold: int


def issue_statement(
    session: Session,
    patient: Patient | str | int,
    cycle: str,
    *,
    actor: str,
    issued_on: date | None = None,
    practice: Practice | None = None,
) -> tuple[Statement, bool]:
    """Record the statement of ``cycle`` for a patient; an existing one is returned, never duplicated."""
    p = patient if isinstance(patient, Patient) else resolve_patient(session, patient)
    existing = repo.statement_for_cycle(session, p.id, cycle)
    if existing is not None:
        return existing, False
    data = statement_data(session, p, issued_on=issued_on, practice=practice)
    number = f"S{cycle.replace('-', '')}-{p.id:06d}"
    data.statement_number = number
    st = Statement(
        statement_number=number,
        patient_id=p.id,
        cycle=cycle,
        stage=data.stage,
        issued_on=data.issued_on,
        due_date=data.due_date,
        amount_due_cents=data.amount_due_cents,
        snapshot=data.model_dump(mode="json"),
        created_by=actor,
    )
    try:
        with session.begin_nested():
            session.add(st)
    except IntegrityError:  # a concurrent run issued it first
        found = repo.statement_for_cycle(session, p.id, cycle)
        assert found is not None
        return found, False
    return st, True


def run_cycle(
    session: Session,
    *,
    cycle: str | None = None,
    threshold_cents: int = 500,
    actor: str,
    issued_on: date | None = None,
    practice: Practice | None = None,
) -> CycleResult:
    """A statement for every patient owing at least ``threshold_cents``; a rerun of the cycle adds none."""
    if threshold_cents < 0:
        raise InvalidInput("the threshold cannot be negative", field="--threshold-cents")
    issued_on = issued_on or date.today()
    cycle = cycle or f"{issued_on:%Y-%m}"
    result = CycleResult(
        cycle=cycle, threshold_cents=threshold_cents, issued=[], skipped_existing=[], below_threshold=0
    )
    for pid in repo.patients_with_entries(session):
        due = balance(session, f"id:{pid}", with_entries=False).patient_due_cents
        if due <= 0 or due < threshold_cents:
            result.below_threshold += 1
            continue
        st, new = issue_statement(
            session, f"id:{pid}", cycle, actor=actor, issued_on=issued_on, practice=practice
        )
        if new:
            result.issued.append(
                {
                    "patient_id": pid,
                    "statement_number": st.statement_number,
                    "stage": st.stage,
                    "amount_due_cents": st.amount_due_cents,
                }
            )
        else:
            result.skipped_existing.append(pid)
    return result

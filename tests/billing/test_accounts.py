"""Patient accounts (issue 19): search, overpayment confirmation, credit application and refunds, payment
plans, receipts and statements that name the visit and the practice, and reports checked against the
ledger."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from assistant.app.container import Container
from assistant.billing import payments, plans, reports, search, service, statements
from assistant.billing import repository as repo
from assistant.billing.models import EntryKind
from assistant.billing.practice import Practice
from assistant.billing.schemas import PaymentIn
from assistant.billing.visits import procedure_text
from assistant.codesets.models import CPT
from assistant.codesets.repository import CodeSetRepository
from assistant.config import Settings
from assistant.core.db import transaction
from assistant.core.errors import Conflict, InvalidInput
from tests.billing.conftest import make_owing_patient, make_patient
from tests.remit.helpers import claim_doc, submit

PRACTICE = Practice(
    name="Sunrise Family Clinic",
    address="100 Main St, Springfield, IL 62701",
    phone="(217) 555-0100",
    pay_instructions="Pay at sunrise.example/pay or mail a check to 100 Main St.",
)


def _pay(s: Session, patient: str, cents: int, **extra: object) -> payments.ReceiptOut:
    data = PaymentIn.model_validate({"patient": patient, "amount_cents": cents, "method": "cash", **extra})
    return payments.take_payment(s, data, actor="desk")


# ------------------------------------------------------------------------------------------ search


def test_search_by_name_dob_member_account_and_claim_number(
    sessions: sessionmaker[Session], pr_flow: dict[str, int]
) -> None:
    with transaction(sessions) as s:
        maria = make_patient(s, "Maria", "Gonzalez", member_id="GZ-100")
        luis = make_patient(s, "Luis", "Gonzalez")
        make_patient(s, "Mario", "Lopez")
        found = search.search_accounts(s, "Gonzalez")
        assert {h.patient_id for h in found.hits} == {maria, luis} and found.searched_as == ["name"]
        assert [h.patient_id for h in search.search_accounts(s, "maria gonz").hits] == [maria]
        assert [h.patient_id for h in search.search_accounts(s, "gz-100").hits] == [maria]
        assert [h.patient_id for h in search.search_accounts(s, "CLM-2001").hits] == [pr_flow["patient_id"]]
        assert search.search_accounts(s, "CLM-2001").hits[0].patient_due_cents == 8500
        assert [h.patient_id for h in search.search_accounts(s, str(luis)).hits] == [luis]
        by_dob = {h.patient_id for h in search.search_accounts(s, "05/01/1970").hits}
        assert {maria, luis} <= by_dob and pr_flow["patient_id"] not in by_dob  # Ann Lee: 1980-02-03
        assert by_dob == {h.patient_id for h in search.search_accounts(s, "1970-05-01").hits}
        both = search.search_accounts(s, "Gonzalez, 1970-05-01")
        assert {h.patient_id for h in both.hits} == {maria, luis} and both.searched_as == [
            "date of birth",
            "name",
        ]
        assert search.search_accounts(s, "Gonzalez 1980-02-03").hits == []  # Ann Lee's birthday
        none = search.search_accounts(s, "Nobody")
        assert none.hits == [] and "no account matches 'Nobody'" in (none.hint or "")
        assert search.search_accounts(s, "G").hint == "type at least 2 characters"


# ------------------------------------------------------------------------------- overpayment, credit


def test_an_overpayment_needs_confirmation_then_credit_can_pay_a_later_visit(
    sessions: sessionmaker[Session],
) -> None:
    with transaction(sessions) as s:
        pid = make_patient(s, member_id="MEM-OP")
        service.post_charge(s, pid, 3000, actor="t", service_date=date(2026, 3, 1), description="Visit A")
        with pytest.raises(Conflict) as info:
            _pay(s, "MEM-OP", 50000)
        assert info.value.field == "overpayment" and "$470.00 would be left over" in info.value.message
        assert [e.kind for e in repo.entries(s, pid)] == ["charge"]  # nothing posted
        receipt = _pay(s, "MEM-OP", 50000, overpayment="credit")
        assert receipt.credit_cents == 47000 and service.balance(s, pid).credit_cents == 47000
        service.post_charge(s, pid, 12000, actor="t", service_date=date(2026, 4, 2), description="Visit B")
        applied = payments.apply_credit(s, "MEM-OP", actor="desk", idempotency_key="k1")
        assert applied.applied_cents == 12000 and applied.credit_after_cents == 35000
        assert applied.applications[0].visit == "visit on 2026-04-02 (Visit B)"
        assert "applied $120.00 to visit on 2026-04-02 (Visit B)" in applied.text
        again = payments.apply_credit(s, "MEM-OP", actor="desk", idempotency_key="k1")
        assert again.replayed and again.applied_cents == 12000
        bal = service.balance(s, pid)
        assert (bal.patient_due_cents, bal.credit_cents) == (0, 35000)
        with pytest.raises(Conflict, match="no open charge"):
            payments.apply_credit(s, "MEM-OP", actor="desk")
        assert service.conservation(s).difference_cents == 0
        # money received is unchanged by moving the credit: the two entries cancel in the payments total
        paid = sum(e.amount_cents for e in repo.entries(s, pid) if e.kind == EntryKind.PATIENT_PAYMENT)
        assert paid == 50000


def test_refund_by_check_or_the_original_method_is_idempotent_and_bounded(
    sessions: sessionmaker[Session],
) -> None:
    with transaction(sessions) as s:
        pid = make_patient(s, member_id="MEM-RF")
        service.post_charge(s, pid, 3000, actor="t", service_date=date(2026, 3, 1))
        payments.take_payment(
            s,
            PaymentIn(
                patient="MEM-RF",
                amount_cents=8000,
                method="card",
                reference="auth 1 x4242",
                overpayment="credit",
            ),
            actor="desk",
        )
        with pytest.raises(Conflict, match="credit is \\$50.00"):
            payments.refund(s, pid, 5001, method="check", reason="overpaid", actor="desk")
        first = payments.refund(
            s, pid, 2000, method="original", reason="overpaid", actor="desk", idempotency_key="r1"
        )
        assert first.method == "card" and first.credit_after_cents == 3000
        assert "back through payment R" in first.text and "Refunded: $20.00" in first.text
        replay = payments.refund(
            s, pid, 2000, method="original", reason="overpaid", actor="desk", idempotency_key="r1"
        )
        assert replay.replayed and replay.entry_id == first.entry_id
        assert service.balance(s, pid).credit_cents == 3000  # refunded once
        with pytest.raises(Conflict, match="different refund"):
            payments.refund(s, pid, 100, method="check", reason="x", actor="desk", idempotency_key="r1")
        by_check = payments.refund(
            s, pid, 3000, method="check", reason="rest", actor="desk", reference="2207"
        )
        assert (
            by_check.credit_after_cents == 0 and payments.get_refund(s, by_check.entry_id).method == "check"
        )
        pdf = payments.receipt_pdf(by_check, PRACTICE)
        text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
        assert "Refund receipt" in text and "Sunrise Family Clinic" in text and "$30.00" in text
        other = make_patient(s)
        service.post_charge(s, other, 100, actor="t")
        with pytest.raises(Conflict, match="no payment to refund through"):
            payments.refund(s, other, 100, method="original", reason="x", actor="desk")


# ------------------------------------------------------------------------------------ receipts


def test_receipt_names_the_visit_not_a_service_line(
    sessions: sessionmaker[Session], pr_flow: dict[str, int]
) -> None:
    with transaction(sessions) as s:
        r = _pay(s, "MEM-2001", 8500)
    assert "service line" not in r.text
    assert r.allocations and all(a.visit for a in r.allocations)
    visit = r.allocations[0].visit or ""
    assert visit.startswith("visit on 2026-04-01 with John Smith (") and visit.endswith(", claim CLM-2001")
    assert f"to {visit}" in r.text


# -------------------------------------------------------------------------------------- plans


def test_three_installment_plan_auto_applies_payments_and_flags_a_missed_one(
    sessions: sessionmaker[Session],
) -> None:
    with transaction(sessions) as s:
        pid = make_owing_patient(s, "MEM-PL")  # owes 150.00
        with pytest.raises(InvalidInput, match="either"):
            plans.create_plan(s, pid, actor="t")
        plan = plans.create_plan(s, f"id:{pid}", installments=3, actor="t", start_date=date(2026, 2, 1))
        assert [(i.due_date, i.amount_cents) for i in plan.schedule] == [
            (date(2026, 2, 1), 5000),
            (date(2026, 3, 1), 5000),
            (date(2026, 4, 1), 5000),
        ]
        receipt = _pay(s, "MEM-PL", 5000, received_on=date(2026, 2, 2))  # no plan named: it goes to the plan
        assert repo.payment(s, receipt.payment_id).plan_id == plan.id  # type: ignore[union-attr]
        on_time = plans.list_plans(s, f"id:{pid}", as_of=date(2026, 3, 3))[0]
        assert on_time.status == "current" and on_time.paid_cents == 5000
        late = plans.list_plans(s, f"id:{pid}", as_of=date(2026, 3, 20))[0]
        assert late.status == "behind" and [i.number for i in late.missed_installments] == [2]
        assert [p.id for p in plans.check_plans(s, date(2026, 3, 20))] == [plan.id]
        letter = plans.plan_text(s, late, PRACTICE)
        assert letter.startswith("Sunrise Family Clinic") and "2. 2026-03-01  $50.00  MISSED" in letter
        pdf = plans.plan_pdf(s, late, PRACTICE)
        text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
        assert "PAYMENT PLAN" in text and "MISSED" in text
        with pytest.raises(InvalidInput, match="cannot be split into 4"):
            plans.create_plan(s, make_owing_patient(s, "MEM-P2"), installments=4, total_cents=5, actor="t")


# --------------------------------------------------------------------------------- statements


def test_statement_has_the_practice_header_and_code_titles(
    sessions: sessionmaker[Session], reference: CodeSetRepository
) -> None:
    doc = claim_doc(
        "CLM-T1",
        [
            {
                "date_of_service": "2026-04-01",
                "code": "99214",
                "charge_cents": 20000,
                "line_control_number": "T1-1",
            },
            {
                "date_of_service": "2026-04-01",
                "code": "J1100",
                "charge_cents": 3000,
                "line_control_number": "T1-2",
            },
        ],
    )
    submit(sessions, doc)
    with transaction(sessions) as s:
        service.post_sent_claim_charges(s, actor="t")
        data = statements.statement_data(s, "MEM-CLM-T1", practice=PRACTICE, reference=reference)
        plain = statements.statement_data(s, "MEM-CLM-T1")
    services = [ln.service for v in data.visits for ln in v.lines]
    assert services == ["99214", "J1100 Injection, dexamethasone sodium phosphate, 1 mg"]  # no CPT text
    assert data.visits[0].lines[0].diagnoses == ["M17.11 Unilateral primary osteoarthritis, right knee"]
    assert data.practice_name == "Sunrise Family Clinic" and data.how_to_pay[0] == PRACTICE.pay_instructions
    assert plain.practice_name == "Your medical practice"  # the Settings default, not "Your care team"
    text = " ".join(
        " ".join(p.extract_text().split())
        for p in PdfReader(io.BytesIO(statements.statement_pdf(data))).pages
    )
    for expected in (
        "Sunrise Family Clinic",
        "100 Main St, Springfield",
        "(217) 555-0100",
        "sunrise.example/pay",
        "dexamethasone",
        "osteoarthritis",
    ):
        assert expected in text, expected
    assert "Your care team" not in text


# ------------------------------------------------------------------------------------ reports


def _second_payer_claim(sessions: sessionmaker[Session]) -> None:
    doc = claim_doc(
        "CLM-BX1",
        [
            {
                "date_of_service": "2026-05-10",
                "code": "99213",
                "charge_cents": 12000,
                "line_control_number": "BX-1",
            }
        ],
        payer={"payer_id": "60054", "name": "Beta Insurance", "filing_indicator": "CI"},
    )
    submit(sessions, doc)
    with transaction(sessions) as s:
        service.post_sent_claim_charges(s, actor="t")


def test_reports_by_payer_match_the_ledger(sessions: sessionmaker[Session], pr_flow: dict[str, int]) -> None:
    _second_payer_claim(sessions)
    with transaction(sessions) as s:
        self_pay = make_patient(s, "Sam", "Self")
        service.post_charge(s, self_pay, 4000, actor="t", service_date=date(2026, 5, 1))
        _pay(s, f"id:{self_pay}", 5000, overpayment="credit", received_on=date(2026, 5, 2))
        _pay(s, "MEM-2001", 2500, received_on=date(2026, 5, 3))
        start, end = date(2026, 1, 1), date.today()
        rep = reports.reports(s, start=start, end=end)
        entries = list(repo.all_entries(s))
        claim_payer = {
            e.claim_pk: repo.claim(s, e.claim_pk).payer.payer_id  # type: ignore[union-attr]
            for e in entries
            if e.claim_pk
        }
    # the same figures summed straight from the ledger rows
    by_kind: dict[tuple[str, str], int] = defaultdict(int)
    owed: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for e in entries:
        payer = claim_payer[e.claim_pk] if e.claim_pk else "self-pay"
        if start <= e.effective_date <= end:
            by_kind[(payer, e.kind)] += e.amount_cents
        if e.effective_date <= end:
            owed[(payer, e.patient_id)][0] += e.insurance_cents
            owed[(payer, e.patient_id)][1] += e.patient_cents
    rows = {r.payer_id: r for r in rep.by_payer}
    assert set(rows) == {"87726", "60054", "self-pay"}
    for payer, row in rows.items():
        assert row.charges_cents == by_kind[(payer, "charge")]
        assert row.insurance_payments_cents == by_kind[(payer, "insurance_payment")]
        assert (
            row.patient_payments_cents
            == by_kind[(payer, "patient_payment")] + by_kind[(payer, "plan_installment")]
        )
        assert row.contractual_adjustments_cents == by_kind[(payer, "contractual_adjustment")]
        assert row.insurance_ar_cents == sum(v[0] for (p, _), v in owed.items() if p == payer)
        assert row.patient_ar_cents == sum(max(v[1], 0) for (p, _), v in owed.items() if p == payer)
    assert rows["60054"].charges_cents == 12000 and rows["60054"].insurance_ar_cents == 12000
    assert rows["self-pay"].credit_cents == 1000
    assert rep.charges_cents == sum(v for (_, k), v in by_kind.items() if k == "charge")
    assert rep.ar.total_ar_cents == sum(v[0] + max(v[1], 0) for v in owed.values())
    days = (end - start).days + 1
    assert rep.days_in_ar == round(rep.ar.total_ar_cents / (rep.charges_cents / days), 1)
    assert (
        rep.net_collections_cents
        == rep.insurance_payments_cents + rep.patient_payments_cents - rep.refunds_cents
    )
    # denial rate by payer x category: the pr_flow 835 has Acme lines only
    assert {r.payer_id for r in rep.denial_rate} == {"87726"}

    with transaction(sessions) as s:
        beta = reports.reports(s, start=start, end=end, payer="60054")
        may = reports.reports(s, start=date(2026, 5, 1), end=date(2026, 5, 31))
    assert [r.payer_id for r in beta.by_payer] == ["60054"] and beta.charges_cents == 12000
    assert beta.denial_rate == []
    assert may.charges_cents == 16000  # the Beta visit (05-10) and the self-pay charge (05-01) only

    table = list(csv.DictReader(io.StringIO(reports.report_csv(rep, "payers"))))
    assert [r["payer_id"] for r in table] == [r.payer_id for r in rep.by_payer] + ["ALL"]
    assert int(table[-1]["charges_cents"]) == rep.charges_cents
    assert int(table[-1]["total_ar_cents"]) == rep.ar.total_ar_cents
    denials = list(csv.DictReader(io.StringIO(reports.report_csv(rep, "denials"))))
    assert len(denials) == len(rep.denial_rate) and denials[0]["category"]
    with pytest.raises(InvalidInput):
        reports.report_csv(rep, "nothing")
    with transaction(sessions) as s, pytest.raises(InvalidInput, match="after it ends"):
        reports.reports(s, start=date.today(), end=date.today() - timedelta(days=1))


# ------------------------------------------------------------------------------------------- CLI


def test_cli_plan_credit_refund_and_report_csv(
    monkeypatch: pytest.MonkeyPatch, tmp_settings: Settings, pr_flow: dict[str, int], tmp_path: Path
) -> None:
    from assistant.cli.main import app

    monkeypatch.setattr("assistant.billing.cli.make_container", lambda: Container(tmp_settings))
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, ["billing", *args])
        return result.exit_code, result.output

    code, out = run("plan", "create", "MEM-2001", "--installments", "3", "--start", "2026-05-01", "--json")
    assert code == 0, out
    plan = json.loads(out)
    assert [i["amount_cents"] for i in plan["schedule"]] == [2834, 2834, 2832]  # 85.00 in three
    pdf = tmp_path / "plan.pdf"
    code, out = run("plan", "pdf", str(plan["id"]), "--pdf", str(pdf))
    assert code == 0 and "PAYMENT PLAN" in PdfReader(pdf).pages[0].extract_text()
    code, out = run(
        "pay",
        "MEM-2001",
        "--amount-cents",
        "9000",
        "--method",
        "card",
        "--reference",
        "x4242",
        "--overpayment",
        "credit",
        "--json",
    )
    assert code == 0, out
    assert json.loads(out)["credit_cents"] == 500
    code, out = run("apply-credit", "MEM-2001")
    assert code == 2 and "no open charge" in out
    code, out = run(
        "refund",
        "MEM-2001",
        "--amount-cents",
        "500",
        "--method",
        "original",
        "--reason",
        "overpaid",
        "--key",
        "cli-1",
    )
    assert code == 0 and "Refunded: $5.00" in out and "card" in out
    code, out = run(
        "refund",
        "MEM-2001",
        "--amount-cents",
        "500",
        "--method",
        "original",
        "--reason",
        "overpaid",
        "--key",
        "cli-1",
        "--json",
    )
    assert code == 0 and json.loads(out)["replayed"] is True
    code, out = run("reports", "--from", "2026-01-01", "--to", "2026-12-31", "--csv", "payers")
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["payer_id"] == "87726" and rows[-1]["payer_id"] == "ALL"
    assert int(rows[-1]["refunds_cents"]) == 500 and int(rows[-1]["patient_payments_cents"]) == 9000


def test_cpt_descriptions_come_only_from_a_licensed_file() -> None:
    class LicensedCpt:
        """A code-set lookup holding an imported CPT file (the shipped sets have no CPT text)."""

        def find_code(self, code: str, system: str = "ICD-10-CM", on: date | None = None) -> object:
            if system == CPT and code == "99214":
                return SimpleNamespace(title="Licensed descriptor text")
            return None

    assert procedure_text(LicensedCpt(), "99214") == "99214 Licensed descriptor text"
    assert procedure_text(LicensedCpt(), "99213") == "99213"
    assert procedure_text(None, "99214") == "99214"

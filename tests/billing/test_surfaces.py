"""CLI (CliRunner on assistant.cli.main.app) and JSON API (TestClient on create_app)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from assistant.app.container import Container
from assistant.config import Settings


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_settings: Settings, pr_flow: dict[str, int]) -> CliRunner:
    monkeypatch.setattr("assistant.billing.cli.make_container", lambda: Container(tmp_settings))
    return CliRunner()


def run(cli: CliRunner, *args: str) -> tuple[int, str]:
    from assistant.cli.main import app

    result = cli.invoke(app, ["billing", *args])
    return result.exit_code, result.output


def test_cli_balance_pay_and_statement(cli: CliRunner, pr_flow: dict[str, int], tmp_path: Path) -> None:
    code, out = run(cli, "balance", "MEM-2001", "--json")
    assert code == 0, out
    bal = json.loads(out)
    assert set(bal) >= {
        "patient_id",
        "balance_cents",
        "insurance_pending_cents",
        "patient_due_cents",
        "credit_cents",
        "entries",
    }
    assert bal["patient_id"] == pr_flow["patient_id"] and bal["patient_due_cents"] == 8500

    code, out = run(
        cli,
        "pay",
        str(pr_flow["patient_id"]),
        "--amount-cents",
        "2500",
        "--method",
        "card",
        "--reference",
        "auth 889911 x4242",
        "--json",
    )
    assert code == 0, out
    receipt = json.loads(out)
    assert receipt["receipt_number"] and receipt["patient_due_after_cents"] == 6000

    pdf = tmp_path / "st.pdf"
    code, out = run(cli, "statement", "MEM-2001", "--pdf", str(pdf))
    assert code == 0, out
    assert "You paid $25.00." in out
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    assert "Amount due now: $60.00" in text


@pytest.mark.parametrize("bad", ["0", "-100", "12.5", "ten"])
def test_cli_pay_refuses_bad_amounts(cli: CliRunner, bad: str) -> None:
    code, out = run(cli, "pay", "MEM-2001", "--amount-cents", bad, "--method", "cash")
    assert code == 2
    assert "--amount-cents" in out


def test_cli_pay_refuses_a_card_number(cli: CliRunner) -> None:
    code, out = run(
        cli, "pay", "MEM-2001", "--amount-cents", "100", "--method", "card", "--reference", "4111111111111111"
    )
    assert code == 2 and "card number" in out


def test_cli_refund_reverse_writeoff_aging_plans_reports(cli: CliRunner, pr_flow: dict[str, int]) -> None:
    code, out = run(cli, "pay", "MEM-2001", "--amount-cents", "9000", "--method", "cash", "--json")
    assert code == 2 and "more than the $85.00 owed" in out and "overpayment" in out
    code, out = run(
        cli,
        "pay",
        "MEM-2001",
        "--amount-cents",
        "9000",
        "--method",
        "cash",
        "--overpayment",
        "credit",
        "--json",
    )
    assert code == 0 and json.loads(out)["credit_cents"] == 500
    code, out = run(cli, "refund", "MEM-2001", "--amount-cents", "600", "--reason", "overpaid")
    assert code == 2 and "credit" in out
    code, out = run(cli, "refund", "MEM-2001", "--amount-cents", "500", "--reason", "overpaid", "--json")
    assert code == 0 and json.loads(out)["credit_after_cents"] == 0
    entry = json.loads(run(cli, "balance", "MEM-2001", "--json")[1])["entries"]
    pay_entry = next(e for e in entry if e["kind"] == "patient_payment")
    code, out = run(cli, "reverse", str(pay_entry["id"]), "--reason", "posted to wrong account", "--json")
    assert code == 0, out
    bal = json.loads(run(cli, "balance", "MEM-2001", "--json")[1])
    # the 5.00 refunded from that payment is owed again once the payment itself is reversed
    assert bal["patient_due_cents"] == 9000 and bal["credit_cents"] == 0
    code, out = run(cli, "writeoff", "MEM-2001", "--amount-cents", "100", "--reason", "small balance")
    assert code == 0, out
    code, out = run(cli, "aging", "--json")
    assert code == 0 and json.loads(out)["patient_total_cents"] == 8900
    code, out = run(
        cli, "plan", "create", "MEM-2001", "--installment-cents", "2000", "--total-cents", "7900", "--json"
    )
    assert code == 0, out
    assert len(json.loads(out)["schedule"]) == 4
    code, out = run(cli, "plan", "list", "--json")
    assert code == 0 and json.loads(out)[0]["status"] == "current"
    code, out = run(cli, "plan", "check", "--json")
    assert code == 0 and json.loads(out) == []
    code, out = run(cli, "reports", "--from", "2026-01-01", "--to", "2026-12-31")
    assert code == 0
    rep = json.loads(out)
    assert rep["ar"]["patient_ar_cents"] == 8900
    assert any(r["payer_id"] == "87726" and r["category"] == "all" for r in rep["denial_rate"])
    code, out = run(cli, "statements-cycle", "--cycle", "2026-04", "--json")
    assert code == 0 and len(json.loads(out)["issued"]) == 1
    code, out = run(cli, "statements-cycle", "--cycle", "2026-04", "--json")
    assert json.loads(out)["issued"] == []


def test_api(
    tmp_settings: Settings,
    sessions: sessionmaker[Session],
    pr_flow: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from web.app import create_app

    app = create_app(tmp_settings, load_engine=False)
    with TestClient(app) as client:
        from tests.web.auth import use_token

        assert client.get("/api/billing/balance/MEM-2001").status_code == 401
        use_token(client, "biller", "kim")  # the payment is posted by the signed-in user
        r = client.get("/api/billing/balance/MEM-2001")
        assert r.status_code == 200 and r.json()["patient_due_cents"] == 8500
        r = client.get("/api/billing/balance/NOBODY")
        assert r.status_code == 404 and r.json()["field"] == "patient_id"
        body = {"patient": "MEM-2001", "amount_cents": 0, "method": "cash"}
        r = client.post("/api/billing/payments", json=body)
        assert r.status_code == 422 and r.json()["field"] == "amount_cents"
        body["amount_cents"] = 1000
        r1 = client.post("/api/billing/payments", json=body, headers={"Idempotency-Key": "abc"})
        r2 = client.post("/api/billing/payments", json=body, headers={"Idempotency-Key": "abc"})
        assert r1.status_code == 201 and r2.json()["receipt_number"] == r1.json()["receipt_number"]
        assert r1.json()["posted_by"] == "kim"
        assert client.get("/api/billing/balance/MEM-2001").json()["patient_due_cents"] == 7500
        pdf = client.get(f"/api/billing/payments/{r1.json()['receipt_number']}.pdf")
        assert (
            pdf.status_code == 200 and "RECEIPT" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
        )
        st = client.get("/api/billing/statements/MEM-2001")
        assert st.status_code == 200 and st.json()["amount_due_cents"] == 7500
        stpdf = client.get("/api/billing/statements/MEM-2001.pdf")
        assert stpdf.headers["content-type"] == "application/pdf"
        assert "$75.00" in PdfReader(io.BytesIO(stpdf.content)).pages[0].extract_text()
        ag = client.get("/api/billing/aging")
        assert ag.status_code == 200 and ag.json()["patient_total_cents"] == 7500
        rep = client.get("/api/billing/reports")
        assert rep.status_code == 200 and rep.json()["ar"]["patient_ar_cents"] == 7500
        plan = client.post("/api/billing/plans", json={"patient": "MEM-2001", "installment_cents": 2500})
        assert plan.status_code == 201 and plan.json()["total_cents"] == 7500
        assert len(client.get("/api/billing/plans", params={"patient": "MEM-2001"}).json()) == 1

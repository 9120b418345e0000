"""Patient-account pages and their JSON twins (issue 19): search, overpayment confirmation, refunds and
credit, payment plans, statement header, and /reports with a date range, a payer and CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

from pypdf import PdfReader

from assistant.core.db import transaction
from tests.billing.conftest import make_owing_patient, make_patient


def _sessions(client: Any) -> Any:
    return client.app.state.container.sessions


def test_search_gonzalez_lists_accounts_instead_of_an_error(client: Any) -> None:
    with transaction(_sessions(client)) as s:
        maria = make_patient(s, "Maria", "Gonzalez", member_id="GZ-1")
        make_patient(s, "Luis", "Gonzalez")
    page = client.get("/billing", params={"q": "Gonzalez"})
    assert page.status_code == 200 and "Something needs attention" not in page.text
    assert "Maria Gonzalez" in page.text and "Luis Gonzalez" in page.text
    assert f'href="/billing/patients/{maria}"' in page.text
    # the old form field name still works the same way
    assert "Luis Gonzalez" in client.get("/billing", params={"patient": "Gonzalez"}).text
    frag = client.get("/billing/search", params={"q": "GZ-1"}, headers={"HX-Request": "true"})
    assert frag.status_code == 200 and "<html" not in frag.text and "Maria Gonzalez" in frag.text
    assert "Luis" not in frag.text
    api = client.get("/api/billing/search", params={"q": "gonzalez"}).json()
    assert sorted(h["patient_name"] for h in api["hits"]) == ["Luis Gonzalez", "Maria Gonzalez"]
    assert client.get("/billing/search", params={"q": "x"}, follow_redirects=False).status_code == 303
    assert "no account matches" in client.get("/billing", params={"q": "Nobody"}).text


def test_overpayment_is_confirmed_then_refunded_with_a_receipt(client: Any) -> None:
    with transaction(_sessions(client)) as s:
        pid = make_patient(s, member_id="MEM-W1")
        from assistant.billing.service import post_charge

        post_charge(s, pid, 3000, actor="t", service_date=date(2026, 3, 1), description="Visit A")
    url = f"/billing/patients/{pid}/payments"
    ask = client.post(url, data={"amount": "500.00", "method": "cash"})
    assert ask.status_code == 200 and "More than the balance" in ask.text and "$470.00" in ask.text
    assert client.get("/api/billing/balance/MEM-W1").json()["patient_due_cents"] == 3000  # nothing posted
    api = client.post(
        "/api/billing/payments", json={"patient": "MEM-W1", "amount_cents": 50000, "method": "cash"}
    )
    assert api.status_code == 409 and api.json()["field"] == "overpayment"
    done = client.post(url, data={"amount": "500.00", "method": "cash", "overpayment": "credit"})
    assert "Payment recorded" in done.text and "visit on 2026-03-01 (Visit A)" in done.text
    assert client.get("/api/billing/balance/MEM-W1").json()["credit_cents"] == 47000
    page = client.get(f"/billing/patients/{pid}")
    assert "Refund the credit" in page.text
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page.text).group(1)  # type: ignore[union-attr]
    form = {
        "amount": "470.00",
        "method": "check",
        "reference": "2207",
        "reason": "overpaid",
        "idempotency_key": key,
    }
    r = client.post(f"/billing/patients/{pid}/refunds", data=form, follow_redirects=False)
    assert r.status_code == 303 and "refund=" in r.headers["location"]
    again = client.post(f"/billing/patients/{pid}/refunds", data=form, follow_redirects=False)
    assert again.headers["location"] == r.headers["location"]  # a resubmitted form refunds once
    shown = client.get(r.headers["location"])
    assert "Refund recorded: $470.00 by check" in shown.text
    entry = r.headers["location"].split("refund=")[1]
    pdf = client.get(f"/api/billing/refunds/{entry}.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert "$470.00" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert client.get("/api/billing/balance/MEM-W1").json()["credit_cents"] == 0


def test_credit_applied_to_open_charges_from_the_page(client: Any) -> None:
    with transaction(_sessions(client)) as s:
        pid = make_patient(s, member_id="MEM-W2")
        from assistant.billing.service import post_charge

        post_charge(s, pid, 1000, actor="t", service_date=date(2026, 3, 1))
    client.post(
        "/api/billing/payments",
        json={"patient": "MEM-W2", "amount_cents": 5000, "method": "cash", "overpayment": "credit"},
    )
    with transaction(_sessions(client)) as s:
        from assistant.billing.service import post_charge

        post_charge(s, pid, 2500, actor="t", service_date=date(2026, 4, 9), description="Visit B")
    r = client.post(
        f"/billing/patients/{pid}/credit", data={"idempotency_key": "abc"}, follow_redirects=False
    )
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert "Credit applied: $25.00" in page.text and "visit on 2026-04-09 (Visit B)" in page.text
    bal = client.get("/api/billing/balance/MEM-W2").json()
    assert (bal["patient_due_cents"], bal["credit_cents"]) == (0, 1500)
    api = client.post("/api/billing/credits/apply", json={"patient": "MEM-W2"})
    assert api.status_code == 409 and "no open charge" in api.json()["message"]


def test_three_installment_plan_page_pdf_and_missed_flag(client: Any) -> None:
    with transaction(_sessions(client)) as s:
        pid = make_owing_patient(s, "MEM-W3")  # owes 150.00
    start = (date.today() - timedelta(days=50)).isoformat()
    r = client.post(
        f"/billing/patients/{pid}/plans",
        data={"total": "150.00", "installments": "3", "frequency": "monthly", "start_date": start},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/billing/plans/")
    plan_id = r.headers["location"].rsplit("/", 1)[1]
    page = client.get(r.headers["location"])
    assert page.status_code == 200 and page.text.count("$50.00") >= 3
    assert "missed installment(s)" in page.text  # 50 days in: the first two installments are late
    api = client.get(f"/api/billing/plans/{plan_id}").json()["plan"]
    assert api["status"] == "behind" and [i["number"] for i in api["missed_installments"]] == [1, 2]
    listing = client.get("/billing/plans")
    assert "behind" in listing.text and f"/billing/plans/{plan_id}" in listing.text
    overview = client.get("/billing").text
    assert f"Plan {plan_id}" in overview and "plan behind: 2 missed" in overview  # flagged with the aging
    aging = client.get("/api/billing/aging").json()
    row = next(p for p in aging["patients"] if p["patient_id"] == pid)
    assert (row["plan_id"], row["plan_missed_installments"]) == (int(plan_id), 2)
    pdf = client.get(f"/api/billing/plans/{plan_id}.pdf")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert pdf.status_code == 200 and "MISSED" in text and "PAYMENT PLAN" in text
    bad = client.post(f"/billing/patients/{pid}/plans", data={"installments": "three"})
    assert "installments" in bad.text and "not a whole number" in bad.text


def test_statement_preview_and_pdf_carry_the_practice_from_settings(client: Any) -> None:
    settings = client.app.state.container.settings
    settings.practice_name = "Lakeside Pediatrics"
    settings.practice_phone = "(555) 010-2020"
    with transaction(_sessions(client)) as s:
        pid = make_owing_patient(s, "MEM-W4")
    html = client.get(f"/billing/patients/{pid}/statement").text
    assert "Lakeside Pediatrics" in html and "(555) 010-2020" in html and "Your care team" not in html
    pdf = client.get(f"/api/billing/statements/{pid}.pdf").content
    assert "Lakeside Pediatrics" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_reports_page_date_range_payer_and_csv(client: Any) -> None:
    with transaction(_sessions(client)) as s:
        make_owing_patient(s, "MEM-W5")  # 100.00 on 2026-01-05, 50.00 on 2026-02-05, self-pay
    page = client.get("/reports", params={"start": "2026-01-01", "end": "2026-01-31"})
    assert page.status_code == 200 and 'id="rep-charges">$100.00<' in page.text
    assert "Reports" in page.text and 'aria-current="page"' in page.text
    api = client.get("/api/reports", params={"start": "2026-01-01", "end": "2026-02-28"}).json()
    assert api["charges_cents"] == 15000 and api["by_payer"][0]["payer_id"] == "self-pay"
    assert (
        client.get("/api/reports", params={"payer": "87726", "start": "2026-01-01"}).json()["by_payer"] == []
    )
    r = client.get("/api/reports/payers.csv", params={"start": "2026-01-01", "end": "2026-02-28"})
    assert (
        r.headers["content-type"].startswith("text/csv") and "attachment" in r.headers["content-disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows[-1]["payer_id"] == "ALL" and rows[-1]["charges_cents"] == "15000"
    bad = client.get("/reports", params={"start": "01/40/2026"})
    assert bad.status_code == 422 and "start" in bad.text and "YYYY-MM-DD" in bad.text
    assert client.get("/reports", params={"start": "2026-02-01", "end": "2026-01-01"}).status_code == 422

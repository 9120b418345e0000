"""Issue 19 journeys in headless chromium: a patient account (journey 2) and the reports (journey 3)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from assistant.billing import repository as billing_repo
from assistant.billing.service import post_charge
from assistant.core.db import transaction
from tests.billing.conftest import make_patient
from tests.e2e.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_patient_account_journey(page: Any, live_container: Any) -> None:
    live_container.settings.practice_name = "Sunrise Family Clinic"
    live_container.settings.practice_address = "100 Main St, Springfield, IL 62701"
    live_container.settings.practice_phone = "(217) 555-0100"
    with transaction(live_container.sessions) as s:
        pid = make_patient(s, "Maria", "Gonzalez", member_id="GZ-E2E")
        make_patient(s, "Luis", "Gonzalez")
        post_charge(s, pid, 3000, actor="e2e", service_date=date(2026, 3, 2), description="Office visit")

    page.goto("/billing")
    page.get_by_label("Find an account").press_sequentially("Gonzalez", delay=20)
    link = page.locator("#search-results a", has_text="Maria Gonzalez")
    link.wait_for()
    assert page.locator("#search-results a", has_text="Luis Gonzalez").count() == 1
    shot(page, "accounts-search")
    link.click()
    page.wait_for_url(f"**/billing/patients/{pid}")

    page.get_by_label("Amount ($)").fill("500.00")
    page.get_by_role("button", name="Record payment").click()
    warning = page.get_by_role("heading", name="More than the balance")
    warning.wait_for()
    assert "$470.00 would be left over" in page.locator("#ledger").inner_text()
    assert page.locator("#patient-due").inner_text() == "$30.00"  # nothing recorded yet
    shot(page, "accounts-overpayment-warning")
    page.get_by_role("button", name="Accept and keep $470.00 as credit").click()
    page.get_by_text("Payment recorded").wait_for()
    assert "visit on 2026-03-02 (Office visit)" in page.locator("#ledger").inner_text()
    assert page.locator("#credit-amount").inner_text() == "$470.00"

    page.get_by_label("Refund by").select_option("original")
    page.get_by_role("button", name="Refund the credit").click()
    page.get_by_text("Refund recorded: $470.00 by cash").wait_for()
    assert page.locator("#credit-amount").inner_text() == "$0.00"
    shot(page, "accounts-refund")

    with transaction(live_container.sessions) as s:
        post_charge(s, pid, 9000, actor="e2e", service_date=date(2026, 4, 6), description="Knee injection")
    page.reload()
    page.get_by_label("Installments").fill("3")
    page.get_by_label("First due").fill((date.today() - timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Set up plan").click()
    page.wait_for_url("**/billing/plans/*")
    alert = page.get_by_role("alert")
    assert "1 missed installment(s)" in alert.inner_text()  # the first one is 20 days old, past its grace
    assert page.locator("#plan-status").inner_text() == "behind"
    assert page.locator("table").inner_text().count("$30.00") == 3
    shot(page, "accounts-plan-missed")
    page.goto("/billing/plans")
    assert "behind" in page.locator("table").inner_text()

    page.goto(f"/billing/patients/{pid}/statement")
    assert "Sunrise Family Clinic" in page.content()
    shot(page, "accounts-statement")
    pdf = page.request.get(f"/api/billing/statements/{pid}.pdf")
    text = " ".join(PdfReader(io.BytesIO(pdf.body())).pages[0].extract_text().split())
    assert pdf.headers["content-type"] == "application/pdf"
    assert "Sunrise Family Clinic" in text and "(217) 555-0100" in text and "Your care team" not in text


def test_reports_journey(page: Any, live_container: Any) -> None:
    with transaction(live_container.sessions) as s:
        pid = make_patient(s, "Rita", "Report")
        post_charge(s, pid, 12345, actor="e2e", service_date=date(2025, 7, 3), description="Visit")
        post_charge(s, pid, 5000, actor="e2e", service_date=date(2025, 8, 3), description="Outside the range")

    page.goto("/reports")
    page.get_by_label("From").fill("2025-07-01")
    page.get_by_label("To").fill("2025-07-31")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/reports?start=2025-07-01&end=2025-07-31**")
    with transaction(live_container.sessions) as s:
        entries = list(billing_repo.all_entries(s))
    in_july = [e for e in entries if date(2025, 7, 1) <= e.effective_date <= date(2025, 7, 31)]
    by_kind: dict[str, int] = defaultdict(int)
    for e in in_july:
        by_kind[e.kind] += e.amount_cents
    assert by_kind["charge"] >= 12345
    assert page.locator("#rep-charges").inner_text() == f"${by_kind['charge'] / 100:,.2f}"
    shot(page, "reports-range")
    with page.expect_download() as dl:
        page.get_by_role("link", name="Download CSV (by payer)").click()
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text())))
    total = rows[-1]
    assert total["payer_id"] == "ALL"
    assert int(total["charges_cents"]) == by_kind["charge"]
    assert int(total["insurance_payments_cents"]) == by_kind["insurance_payment"]
    paid = by_kind["patient_payment"] + by_kind["plan_installment"]
    assert int(total["patient_payments_cents"]) == paid
    # A/R on the last day: what each patient owes per payer (a credit is not A/R), from the ledger rows
    with transaction(live_container.sessions) as s:
        claims = {e.claim_pk: billing_repo.claim(s, e.claim_pk) for e in entries if e.claim_pk}
        payer_of = {pk: c.payer.payer_id for pk, c in claims.items() if c is not None}
    owed: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for e in entries:
        if e.effective_date <= date(2025, 7, 31):
            key = (payer_of[e.claim_pk] if e.claim_pk else "self-pay", e.patient_id)
            owed[key][0] += e.insurance_cents
            owed[key][1] += e.patient_cents
    assert int(total["total_ar_cents"]) == sum(ins + max(pat, 0) for ins, pat in owed.values())
    assert int(total["total_ar_cents"]) >= 12345

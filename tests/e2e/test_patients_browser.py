"""The front desk in headless chromium: payers, registering a patient with two coverages, reordering
them, the active search and the duplicate warning (screenshots in test-artifacts/screenshots)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.e2e.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _label(page: Any, text: str) -> Any:
    return page.get_by_label(text, exact=True)


def test_register_patient_with_two_coverages(
    page: Any, live_server: str, api_headers: dict[str, str]
) -> None:
    r = httpx.post(
        f"{live_server}/api/payers",
        json={"payer_id": "00431", "name": "Medicare Part B", "filing_indicator": "MB"},
        headers=api_headers,
    )
    assert r.status_code in (201, 409), r.text
    page.goto("/payers")
    if page.get_by_role("cell", name="60054", exact=True).count() == 0:
        _label(page, "Payer ID").fill("60054")
        _label(page, "Payer name").fill("Aetna Commercial")
        _label(page, "Claim address").fill("PO Box 981106")
        _label(page, "City").fill("El Paso")
        _label(page, "State").fill("TX")
        _label(page, "ZIP code").fill("79998")
        page.get_by_role("button", name="Add payer").click()
    page.get_by_role("cell", name="Aetna Commercial", exact=True).wait_for()
    shot(page, "payers")

    page.goto("/patients")
    page.get_by_role("link", name="Register a patient").click()
    _label(page, "First name").fill("Rosa")
    _label(page, "Last name").fill("Quintero")
    _label(page, "Date of birth").fill("1975-03-14")
    _label(page, "Sex").select_option("F")
    _label(page, "Street address").fill("12 Birch Rd")
    _label(page, "City").fill("Springfield")
    _label(page, "State").fill("IL")
    _label(page, "ZIP code").fill("62704")
    _label(page, "Phone").fill("(217) 555-0188")
    _label(page, "E-mail").fill("rosa.q@example.org")
    _label(page, "Preferred contact").select_option("email")
    shot(page, "patient-register-form")
    page.get_by_role("button", name="Register patient").click()
    page.get_by_text("Saved.").wait_for()
    patient_url = page.url.split("?")[0]

    _label(page, "Payer").select_option("60054")
    _label(page, "Member ID").fill("W2233445566")
    _label(page, "Group number").fill("GRP-88")
    _label(page, "Effective from").fill("2026-01-01")
    _label(page, "Copay ($)").fill("30.00")
    page.get_by_role("button", name="Add coverage").click()
    page.get_by_text("Saved.").wait_for()

    _label(page, "Payer").select_option("00431")
    _label(page, "Member ID").fill("1EG4TE5MK73")
    _label(page, "Patient's relationship to subscriber").select_option("spouse")
    _label(page, "Subscriber first name").fill("Luis")
    _label(page, "Subscriber last name").fill("Quintero")
    _label(page, "Subscriber date of birth").fill("1950-07-01")
    _label(page, "Subscriber sex").select_option("M")
    _label(page, "Effective from").fill("2026-03-01")
    _label(page, "Termination date").fill("2026-02-01")  # before it starts: refused on the field
    page.get_by_role("button", name="Add coverage").click()
    error = page.locator("#f-effective-to-err")
    error.wait_for()
    assert "before it starts" in error.inner_text()
    assert _label(page, "Termination date").get_attribute("aria-invalid") == "true"
    shot(page, "patient-coverage-error")
    _label(page, "Termination date").fill("")
    page.get_by_role("button", name="Add coverage").click()
    page.get_by_text("Saved.").wait_for()

    rows = page.locator("table.coverages tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).inner_text().startswith("Primary\tAetna Commercial")
    assert "Secondary\tMedicare Part B" in rows.nth(1).inner_text()
    assert "Luis Quintero (01 spouse)" in rows.nth(1).inner_text() and "$30.00" in rows.nth(0).inner_text()
    shot(page, "patient-two-coverages")

    page.get_by_role("button", name="Move up Medicare Part B").click()
    page.locator("tr.coverage-primary", has_text="Medicare Part B").wait_for()
    assert "Aetna Commercial" in page.locator("tr.coverage-secondary").inner_text()
    data = httpx.get(f"{live_server}/api{patient_url.split(live_server)[1]}", headers=api_headers).json()
    assert [c["payer"]["payer_id"] for c in data["patient"]["coverages"]] == ["00431", "60054"]

    page.goto("/patients")
    page.get_by_label("Search").fill("quint")
    page.locator("#results a", has_text="Quintero, Rosa").wait_for()
    page.get_by_label("Search").fill("W2233445566")
    page.locator("#results a", has_text="Quintero, Rosa").wait_for()
    shot(page, "patients-search")

    page.goto("/patients/new")
    _label(page, "First name").fill("Rosa")
    _label(page, "Last name").fill("QUINTERO")
    _label(page, "Date of birth").fill("1975-03-14")
    _label(page, "Sex").select_option("F")
    page.get_by_role("button", name="Register patient").click()
    page.locator("#duplicate-warning").wait_for()
    assert "Quintero" in page.locator("#duplicate-warning").inner_text()
    shot(page, "patient-duplicate-warning")

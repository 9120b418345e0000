"""A day at the front desk, end to end in headless chromium (screenshots in test-artifacts/screenshots):
register a patient with two coverages, book and check in, paste the note and accept codes on the
encounter, build the claim from the encounter (the fee schedule fills the charge, the E/M helper picks
99214 for an established patient's 35 minutes), scrub it clean, send it in an 837P batch that pyx12
accepts, import the primary's 835, bill the secondary payer (its 837P carries the primary's adjudication
and passes pyx12) and read the patient's balance: her copay waits on the secondary.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from assistant.claims.x12_validate import validate_x12
from tests.e2e.conftest import shot
from tests.remit.era import primary_835

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FEES = b"code,modifier,charge_cents,effective_from,effective_to\n99214,,18500,2026-01-01,\n"
NOTE = (
    "Established patient seen for type 2 diabetes with hyperglycemia, A1c 9.2.\n"
    "Blood pressure 158/96: hypertension, start lisinopril. Total time 35 minutes."
)


def _label(page: Any, text: str) -> Any:
    return page.get_by_label(text, exact=True)


def _setup(live_server: str, headers: dict[str, str]) -> None:
    """What the office has before the day starts: its providers (registered on /providers; the imported
    claim names the same NPIs), its payers and the fee schedule."""
    for provider in (
        {"npi": "1234567893", "entity_type": "2", "name": "Main Street Clinic", "tax_id": "123456789"},
        {"npi": "1245319599", "entity_type": "1", "first_name": "Ana", "last_name": "Lopez"},
    ):
        r = httpx.post(f"{live_server}/api/providers", json=provider, headers=headers)
        assert r.status_code in (201, 409), r.text  # 409: another journey registered it
    clean = (FIXTURES / "claims" / "claim_clean.json").read_bytes()
    assert httpx.post(f"{live_server}/api/claims", content=clean, headers=headers).status_code in (200, 201)
    r = httpx.post(
        f"{live_server}/api/payers",
        json={"payer_id": "60054", "name": "Aetna Commercial", "filing_indicator": "CI"},
        headers=headers,
    )
    assert r.status_code in (201, 409), r.text
    r = httpx.post(f"{live_server}/api/fees/import", content=FEES, headers=headers)
    assert r.status_code in (200, 409, 422), r.text  # another journey may have loaded the same fee
    fee = httpx.get(f"{live_server}/api/fees", params={"code": "99214"}, headers=headers)
    assert "18500" in fee.text


def _register(page: Any) -> int:
    page.goto("/patients/new")
    _label(page, "First name").fill("Nora")
    _label(page, "Last name").fill("Fields")
    _label(page, "Date of birth").fill("1958-06-20")
    _label(page, "Sex").select_option("F")
    _label(page, "Street address").fill("40 Elm St")
    _label(page, "City").fill("Springfield")
    _label(page, "State").fill("IL")
    _label(page, "ZIP code").fill("62704")
    page.get_by_role("button", name="Register patient").click()
    page.get_by_text("Saved.").wait_for()
    patient_id = int(re.search(r"/patients/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    for payer, member, copay in (("87726", "NF100200300", "25.00"), ("60054", "W900800700", "")):
        _label(page, "Payer").select_option(payer)
        _label(page, "Member ID").fill(member)
        _label(page, "Effective from").fill("2026-01-01")
        if copay:
            _label(page, "Copay ($)").fill(copay)
        page.get_by_role("button", name="Add coverage").click()
        page.get_by_text("Saved.").wait_for()
    rows = page.locator("table.coverages tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).inner_text().startswith("Primary\tExample Health Plan")
    assert rows.nth(1).inner_text().startswith("Secondary\tAetna Commercial")
    shot(page, "day-1-patient-two-coverages")
    return patient_id


def _book_and_check_in(page: Any, today: str) -> None:
    page.goto(f"/schedule?day={today}")
    _label(page, "Patient").select_option(label="Fields, Nora (1958-06-20)")
    page.get_by_label("Rendering provider").select_option(label="Ana Lopez (NPI 1245319599)")
    _label(page, "Date").fill(today)
    _label(page, "Time").fill("09:15")
    page.get_by_role("button", name="Book").click()
    page.get_by_text(re.compile(r"Appointment \d+ booked")).wait_for()
    shot(page, "day-2-booked")
    page.get_by_role("button", name="Check in Fields, Nora at 09:15").click()
    page.get_by_text(re.compile(r"Checked in: encounter \d+ is open")).wait_for()
    page.get_by_role("link", name=re.compile(r"open encounter \d+")).click()
    page.wait_for_url(re.compile(r".*/encounters/\d+$"))


def _code_the_note(page: Any) -> None:
    page.get_by_label("Physician note").fill(NOTE)
    page.get_by_role("button", name="Save and suggest codes").click()
    page.get_by_role("button", name="Accept E11.65").click()
    page.get_by_role("button", name="Accept I10").click()
    diagnoses = page.locator("ol.diagnoses")
    diagnoses.get_by_text("I10").wait_for()
    assert re.search(r"A\s+E11\.65", diagnoses.inner_text()) and re.search(r"B\s+I10", diagnoses.inner_text())
    page.get_by_role("button", name="Ready to bill").click()
    page.locator(".enc-status", has_text="ready to bill").wait_for()
    shot(page, "day-3-encounter-coded")


def _build_claim(page: Any, today: str) -> str:
    page.get_by_role("link", name="Build the claim").click()
    page.wait_for_url(re.compile(r".*/claims/new\?encounter=\d+$"))
    assert page.locator("#dx-0").input_value() == "E11.65" and page.locator("#dx-1").input_value() == "I10"
    assert _label(page, "Date of service").input_value() == today
    assert "member NF100200300" in page.locator("#coverage_id option:checked").inner_text()  # the primary
    page.get_by_label("Billing provider").select_option(label="Main Street Clinic (NPI 1234567893)")
    page.get_by_label("Patient type").select_option("established")
    page.get_by_label("Total time on the date (minutes)").fill("35")
    page.get_by_role("button", name="Propose level").click()
    expect(page.locator(".em-code")).to_have_text("99214")
    shot(page, "day-4-em-helper")
    page.get_by_role("button", name="Use 99214 on line 1").click()
    expect(page.get_by_label("Line 1 code", exact=True)).to_have_value("99214")
    expect(page.get_by_label("Line 1 charge", exact=True)).to_have_value("185.00")  # the fee schedule
    expect(page.locator("#form-check")).not_to_contain_text("Fix before saving")
    shot(page, "day-5-claim-form")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r".*/claims/C-\d{6}\?imported=keyed$"))
    return page.url.rsplit("/", 1)[1].split("?")[0]


def _scrub_and_send(page: Any, claim_id: str) -> str:
    page.get_by_role("button", name="Scrub").click()
    page.get_by_text(re.compile(r"^No errors")).wait_for()
    for status in ("scrubbed", "ready"):
        options = page.locator("#to option").all_inner_texts()
        if status in options:
            page.locator("#to").select_option(status)
            page.get_by_role("button", name="Change status").click()
            page.wait_for_url(re.compile(rf".*/claims/{claim_id}$"))
    assert "ready" in page.locator("ol.history").inner_text()
    shot(page, "day-6-claim-ready")
    page.goto("/claims")
    page.locator("#batch-payer").select_option("87726")
    page.get_by_role("button", name="Create batch").click()
    page.wait_for_url(re.compile(r".*/claims/batches/\d+$"))
    shot(page, "day-7-batch")
    with page.expect_download() as dl:
        page.get_by_role("link", name=re.compile(r"^Download ")).first.click()
    return Path(dl.value.path()).read_text()


def test_a_day_at_the_front_desk(
    page: Any, live_server: str, api_headers: dict[str, str], tmp_path: Path
) -> None:
    today = date.today().isoformat()
    _setup(live_server, api_headers)
    patient_id = _register(page)
    _book_and_check_in(page, today)
    encounter_url = page.url
    _code_the_note(page)
    claim_id = _build_claim(page, today)
    encounter = httpx.get(
        f"{live_server}/api{encounter_url.split(live_server)[1]}", headers=api_headers
    ).json()
    assert encounter["encounter"]["status"] == "billed" and encounter["claims"][0]["claim_id"] == claim_id

    x12 = _scrub_and_send(page, claim_id)
    assert validate_x12(x12) == []  # pyx12 accepts the batch
    assert f"CLM*{claim_id}*185***11:B:1" in x12 and "HI*ABK:E1165*ABF:I10" in x12
    assert (
        httpx.get(f"{live_server}/api/claims/{claim_id}", headers=api_headers).json()["status"] == "submitted"
    )

    era = tmp_path / "primary.835"
    era.write_text(primary_835(x12, claim_id, paid=12000, contractual=4000, patient=2500))
    page.goto("/remits")
    page.get_by_label("835 remittance file").set_input_files(str(era))
    page.get_by_role("button", name="Import and post").click()
    page.get_by_text("claim(s) posted").wait_for()
    shot(page, "day-8-primary-835")

    # Step 9: she has a secondary coverage, so the copay the primary left goes to the secondary payer.
    page.get_by_role("link", name="Open remittance").first.click()
    patient_share = page.get_by_role("article", name="Denial PR-3")
    assert patient_share.get_by_role("button", name="Draft appeal").count() == 0
    patient_share.get_by_role("button", name="Bill the secondary payer").click()
    page.get_by_text("Secondary claim").first.wait_for()
    secondary_id = f"{claim_id}-S"
    assert f"secondary={secondary_id}" in page.url
    shot(page, "day-9-secondary-claim")
    secondary = httpx.get(f"{live_server}/api/claims/{secondary_id}/x12", headers=api_headers).text
    assert validate_x12(secondary) == []  # pyx12 accepts the secondary 837P
    assert "SBR*S*" in secondary and "AMT*D*120" in secondary  # billed as secondary, the primary paid $120

    page.goto(f"/billing/patients/{patient_id}")
    assert page.locator("#patient-due").inner_text() == "$0.00"  # nothing billed to her yet
    shot(page, "day-10-patient-balance")
    balance = httpx.get(f"{live_server}/api/billing/balance/NF100200300", headers=api_headers).json()
    assert balance["patient_due_cents"] == 0 and balance["insurance_pending_cents"] == 2500

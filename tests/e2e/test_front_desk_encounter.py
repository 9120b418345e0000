"""Book and check in on the schedule, paste the note on the encounter page, accept codes, add a missed
one with the active search and hand the encounter to billing, in headless chromium (screenshots)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOTE = (
    "64 y/o man seen for type 2 diabetes, A1c 9.2 and hyperglycemia on labs.\n"
    "BP 158/96: hypertension, start lisinopril. On metformin long term."
)


def test_book_check_in_code_and_ready_to_bill(
    page: Any, live_server: str, api_headers: dict[str, str]
) -> None:
    r = httpx.post(  # the patient, payer and providers come with an imported claim until patients have pages
        f"{live_server}/api/claims",
        content=(FIXTURES / "claims" / "claim_clean.json").read_bytes(),
        headers=api_headers,
    )
    assert r.status_code in (200, 201)
    page.goto("/schedule?day=2026-12-01")
    page.get_by_label("Patient", exact=True).select_option(label="Doe, John (1961-04-12)")
    page.get_by_label("Rendering provider").select_option(label="Ana Lopez (NPI 1245319599)")
    page.get_by_label("Date", exact=True).fill("2026-12-01")
    page.get_by_label("Time", exact=True).fill("10:45")
    page.get_by_label("Visit type").select_option("telehealth_video")
    page.get_by_label("Telehealth with the patient at home (POS 10; elsewhere POS 02)").check()
    page.get_by_role("button", name="Book").click()
    page.get_by_text(re.compile(r"Appointment \d+ booked")).wait_for()
    row = page.locator("tr", has_text="10:45")
    assert "POS 10" in row.inner_text() and "mod 95" in row.inner_text()
    shot(page, "schedule-booked")

    page.get_by_role("button", name="Check in Doe, John at 10:45").click()
    page.get_by_text(re.compile(r"Checked in: encounter \d+ is open")).wait_for()
    shot(page, "schedule-checked-in")
    page.get_by_role("link", name=re.compile(r"open encounter \d+")).click()
    page.wait_for_url(re.compile(r".*/encounters/\d+"))
    page.get_by_label("Physician note").fill(NOTE)
    page.get_by_role("button", name="Save and suggest codes").click()
    page.get_by_role("button", name="Accept E11.65").wait_for()
    shot(page, "encounter-suggestions")
    page.get_by_role("button", name="Accept E11.65").click()
    page.get_by_role("button", name="Accept I10").click()
    diagnoses = page.locator("ol.diagnoses")
    diagnoses.get_by_text("I10").wait_for()
    assert re.search(r"A\s+E11\.65", diagnoses.inner_text()) and re.search(r"B\s+I10", diagnoses.inner_text())

    page.get_by_label(re.compile("Search ICD-10-CM in force on 2026-12-01")).fill("Z79.84")
    page.get_by_role("button", name="Add Z79.84").click()  # htmx active search result
    diagnoses.get_by_text("Z79.84").wait_for()
    page.get_by_role("button", name="Ready to bill").click()
    page.locator(".enc-status", has_text="ready to bill").wait_for()
    shot(page, "encounter-ready-to-bill")
    encounter_url = page.url

    page.goto("/encounters?status=ready_to_bill")
    link = page.get_by_role("link", name=re.compile(r"Encounter \d+")).first
    assert link.get_attribute("href") in encounter_url
    shot(page, "billers-queue")

"""The claim form in headless chromium: from an encounter, the fee schedule fills the charge, the E/M
helper picks 99214 for an established patient's 35 minutes, and the draft is saved (screenshots)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from assistant.claims import service as claims
from assistant.core.db import transaction
from assistant.encounters.models import Encounter, EncounterDiagnosis
from tests.e2e.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FEES = (
    b"code,modifier,charge_cents,effective_from,effective_to\n"
    b"99214,,18500,2026-01-01,\n99213,,12500,2026-01-01,\n"
)


def _encounter(container: Any) -> int:
    with transaction(container.sessions) as session:
        claim = claims.get_claim(session, "C-2001")
        enc = Encounter(
            patient_id=claim.patient_id,
            date_of_service=date(2026, 5, 4),
            place_of_service="11",
            status="ready_to_bill",  # the coder handed it to billing
            rendering_provider_id=claim.rendering_provider_id,
            note="Established patient, diabetes follow-up. Total time 35 minutes.",
            diagnoses=[
                EncounterDiagnosis(position=1, code="E11.65"),
                EncounterDiagnosis(position=2, code="I10"),
            ],
        )
        session.add(enc)
        session.flush()
        return enc.id


def test_claim_from_encounter_with_fee_and_em_helper(
    page: Any, live_server: str, api_headers: dict[str, str], live_container: Any
) -> None:
    doc = (FIXTURES / "claims" / "claim_clean.json").read_bytes()
    assert httpx.post(f"{live_server}/api/claims", content=doc, headers=api_headers).status_code in (200, 201)
    r = httpx.post(f"{live_server}/api/fees/import", content=FEES, headers=api_headers)
    assert r.status_code == 200, r.text
    encounter_id = _encounter(live_container)

    page.goto(f"/claims/new?encounter={encounter_id}")
    assert page.locator("#dx-0").input_value() == "E11.65" and page.locator("#dx-1").input_value() == "I10"
    assert page.get_by_label("Date of service").input_value() == "2026-05-04"
    assert "member W123456789" in page.locator("#coverage_id option:checked").inner_text()

    page.get_by_label("Patient type").select_option("established")
    page.get_by_label("Total time on the date (minutes)").fill("35")
    page.get_by_role("button", name="Propose level").click()
    expect(page.locator(".em-code")).to_have_text("99214")
    shot(page, "claim-form-em-helper")
    page.get_by_role("button", name="Use 99214 on line 1").click()
    expect(page.get_by_label("Line 1 code", exact=True)).to_have_value("99214")
    expect(page.get_by_label("Line 1 charge", exact=True)).to_have_value("185.00")  # from the fee schedule
    expect(page.locator("#form-check")).not_to_contain_text("Fix before saving")
    shot(page, "claim-form-from-encounter")

    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r".*/claims/C-\d{6}\?imported=keyed$"))
    lines = page.locator("table.lines").inner_text()
    assert "99214" in lines and "$185.00" in lines and "A E11.65" in lines
    shot(page, "claim-form-saved-draft")
    claim_id = page.url.rsplit("/", 1)[1].split("?")[0]
    stored = httpx.get(f"{live_server}/api/claims/{claim_id}", headers=api_headers).json()
    assert stored["status"] == "draft" and stored["document"]["lines"][0]["charge_cents"] == 18500

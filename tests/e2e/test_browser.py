"""End-to-end journeys in headless chromium through a real uvicorn server."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import E2E_USERS, PASSWORD_CHANGER, new_page, shot, sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOTE = (
    "58 y/o with type 2 diabetes, A1c 9.2 and hyperglycemia on labs.\n"
    "BP 158/96: hypertension, start lisinopril. Follow up in 3 months."
)


def test_note_to_claim_to_837p(page: Any, live_server: str, api_headers: dict[str, str]) -> None:
    r = httpx.post(
        f"{live_server}/api/claims",
        content=(FIXTURES / "claims" / "claim_clean.json").read_bytes(),
        headers=api_headers,
    )
    assert r.status_code in (200, 201)
    page.goto("/")
    page.get_by_label("Message or physician note").fill(NOTE)
    page.get_by_role("button", name="Send").click()
    mark = page.locator(".note-view mark", has_text="hyperglycemia")
    mark.wait_for()
    assert mark.get_attribute("title") == "evidence for E11.65"
    page.locator(".sources").first.wait_for()
    shot(page, "chat-suggestions")
    page.get_by_role("button", name="Accept E11.65").click()
    page.locator("#decisions li", has_text="E11.65").wait_for()
    page.get_by_role("button", name="Accept I10").click()
    page.locator("#decisions li", has_text="I10").wait_for()
    assert page.locator(".status-e11-65").inner_text() == "Accepted"
    shot(page, "chat-accepted")
    page.get_by_role("button", name="Create draft claim").click()  # opens the claim form, no template claim
    page.wait_for_url("**/claims/new?conversation=*")
    assert page.locator("#dx-0").input_value() == "E11.65" and page.locator("#dx-1").input_value() == "I10"
    page.get_by_label("Patient", exact=True).select_option(label="Doe, John (1961-04-12)")
    page.locator("#coverage_id option", has_text="member W123456789").wait_for(state="attached")
    page.get_by_label("Coverage billed (payer)").select_option(index=1)
    page.get_by_label("Billing provider").select_option(label="Main Street Clinic (NPI 1234567893)")
    page.get_by_label("Date of service").fill("2026-05-04")
    page.get_by_label("Line 1 code", exact=True).fill("99213")
    page.get_by_label("Line 1 charge", exact=True).fill("125.00")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r".*/claims/C-\d{6}\?imported=keyed$"))
    assert "A E11.65" in page.locator("table.lines").inner_text()
    assert "B I10" in page.locator("table.lines").inner_text()
    page.get_by_role("button", name="Scrub").click()
    page.get_by_text("Scrub result").wait_for()
    shot(page, "claim-scrubbed")
    with page.expect_download() as dl:
        page.get_by_role("link", name="Download 837P").click()
    text = Path(dl.value.path()).read_text()
    assert text.startswith("ISA*") and "HI*ABK:E1165*ABF:I10" in text


def test_835_denial_explained(page: Any) -> None:
    page.goto("/remits")
    page.get_by_label("835 remittance file").set_input_files(str(FIXTURES / "x12" / "multi_claim.835"))
    page.get_by_role("button", name="Import and post").click()
    page.get_by_text("claim(s) posted").wait_for()
    shot(page, "remits")
    page.get_by_role("link", name="Open remittance").first.click()
    denial = page.locator("article.denial").first
    denial.wait_for()
    assert denial.locator("h3").inner_text().startswith("Line")
    shot(page, "remit-denials")


def test_payment_changes_balance(page: Any, live_server: str, api_headers: dict[str, str]) -> None:
    httpx.post(
        f"{live_server}/api/claims",
        content=(FIXTURES / "claims" / "claim_clean.json").read_bytes(),
        headers=api_headers,
    )
    page.goto("/billing/patients/W123456789")
    before = page.locator("#balance-amount").inner_text()
    page.get_by_label("Amount ($)").fill("40.00")
    page.get_by_role("button", name="Record payment").click()
    page.get_by_role("button", name="Accept and keep $40.00 as credit").click()  # a draft claim owes nothing
    page.get_by_text("Payment recorded").wait_for()
    after = page.locator("#balance-amount").inner_text()
    assert after != before and "40.00" in page.locator("table").inner_text()
    shot(page, "billing-patient")
    page.goto("/billing")
    assert page.locator("svg[role=img]").count() == 1
    shot(page, "billing-overview")


def test_browse_code_and_take_quiz(trainee_page: Any) -> None:
    page = trainee_page
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Trainee").is_visible()
    assert nav.get_by_role("link", name="Claims").count() == 0  # a trainee never sees PHI areas
    page.goto("/codes")
    page.get_by_label("Search codes, titles and inclusion terms").press_sequentially(
        "hyperglycemia type 2", delay=20
    )
    link = page.locator("#results a", has_text="E11.65")
    link.wait_for()
    shot(page, "codes-search")
    link.click()
    page.wait_for_url("**/codes/E11.65**")
    assert page.get_by_role("heading", name="Notes, in plain words").is_visible()
    shot(page, "code-detail")
    page.goto("/trainee")
    page.get_by_label("Topic").fill("diabetes")
    page.get_by_label("Questions").fill("3")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url("**/trainee/quizzes/**")
    shot(page, "quiz")
    for fs in page.locator("fieldset").all():
        fs.locator("input[type=radio]").first.check()
    page.get_by_role("button", name="Score my answers").click()
    page.get_by_role("heading", name="Score:").wait_for()
    assert "/ 3" in page.get_by_role("heading", name="Score:").inner_text()
    assert f"for {E2E_USERS['trainee']}" in page.locator("main").inner_text()
    shot(page, "quiz-result")
    page.goto("/claims")
    assert page.get_by_role("alert").inner_text().startswith("role 'trainee' lacks permission")


def test_sign_in_errors_and_sign_out(browser: Any, live_server: str) -> None:
    from tests.web.auth import PASSWORD

    page = new_page(browser, live_server)
    page.goto("/billing")
    page.wait_for_url("**/login?next=/billing")
    page.get_by_label("User name").fill(E2E_USERS["admin"])
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert "invalid username or password" in page.get_by_role("alert").inner_text()
    shot(page, "login-error")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/billing")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login?signed_out=1")
    page.goto("/billing")
    page.wait_for_url("**/login?next=/billing")
    page.context.close()


def test_change_password_then_sign_in_with_it(browser: Any, live_server: str) -> None:
    from tests.web.auth import PASSWORD

    new = PASSWORD + " changed"
    page = new_page(browser, live_server)
    sign_in_page(page, PASSWORD_CHANGER)
    page.get_by_role("link", name=PASSWORD_CHANGER).click()
    page.wait_for_url("**/account/password")
    page.get_by_label("Current password").fill("not my password at all")
    page.locator("#new_password").fill(new)
    page.locator("#repeat_password").fill(new)
    page.get_by_role("button", name="Change password").click()
    assert "current password is wrong" in page.get_by_role("alert").inner_text()
    shot(page, "password-error")
    page.get_by_label("Current password").fill(PASSWORD)
    page.locator("#new_password").fill(new)
    page.locator("#repeat_password").fill(new)
    page.get_by_role("button", name="Change password").click()
    page.wait_for_url("**/login?password_changed=1")
    assert "password was changed" in page.get_by_role("status").inner_text()
    page.get_by_label("User name").fill(PASSWORD_CHANGER)
    page.get_by_label("Password", exact=True).fill(new)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
    page.context.close()

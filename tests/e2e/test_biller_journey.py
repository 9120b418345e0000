"""Journey 1, the biller, in headless chromium: an 835 with CO-4, PR-2 and CO-97; the right action per
line; an appeal letter that argues for the practice; a corrected claim; the secondary claim."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import shot
from tests.remit.journey import journey_835, submit_journey_claim

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_biller_works_a_remittance(page: Any, live_sessions: Any, tmp_path: Any) -> None:
    submit_journey_claim(live_sessions)
    remit_file = tmp_path / "acme-j1.835"
    remit_file.write_bytes(journey_835(trace="EFT-J1-E2E"))
    page.goto("/remits")
    page.get_by_label("835 remittance file").set_input_files(str(remit_file))
    page.get_by_role("button", name="Import and post").click()
    page.get_by_text("Imported: 1 claim(s) posted").wait_for()
    assert "imported=1" in page.url  # redirected after the POST: a reload re-submits nothing
    page.reload()
    page.get_by_text("Imported: 1 claim(s) posted").wait_for()
    shot(page, "biller-import")
    page.get_by_role("link", name="Open remittance").first.click()

    co4 = page.get_by_role("article", name="Denial CO-4")
    co97 = page.get_by_role("article", name="Denial CO-97")
    pr2 = page.get_by_role("article", name="Denial PR-2")
    co4.wait_for()
    assert co4.get_by_text("The cause is on our claim").is_visible()
    assert co4.get_by_role("button", name="Draft appeal").count() == 0
    assert co97.get_by_role("button").first.inner_text() == "Draft appeal"
    assert pr2.get_by_role("button", name="Draft appeal").count() == 0
    assert pr2.get_by_role("button", name="Bill the secondary payer").is_visible()
    shot(page, "biller-actions-per-line")

    co97.get_by_role("button", name="Draft appeal").click()
    letter = co97.locator("textarea.letter")
    letter.wait_for()
    text = letter.input_value()
    assert "was a separate and distinct service" in text and "[TO BE COMPLETED BY PRACTICE]" in text
    assert "scrubber" not in text and "absorbs" not in text
    shot(page, "biller-appeal-letter")

    co4.get_by_role("button", name="Build corrected claim").click()
    co4.locator(".alert-ok", has_text="Corrected claim").wait_for()
    assert "line 1: add modifier 25" in co4.inner_text()
    shot(page, "biller-corrected-claim")

    pr2.get_by_role("button", name="Bill the secondary payer").click()
    page.get_by_text("Secondary claim").first.wait_for()
    assert "secondary=J-1-S" in page.url
    shot(page, "biller-secondary-claim")
    page.get_by_role("link", name="J-1-S").first.click()
    page.wait_for_url("**/claims/J-1-S")
    shot(page, "biller-secondary-claim-page")

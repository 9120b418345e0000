"""Journeys 4 (an admin manages a user in the browser) and 5 (a session expires mid-note and the note
survives signing in again), in headless chromium through the real server, with screenshots."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pyotp
import pytest
from sqlalchemy import select

from assistant.core.db import transaction
from assistant.security.models import AuthSession, User, utcnow
from tests.e2e.conftest import LIVE, new_page, shot, sign_in_page
from tests.web.auth import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
NOTE = "62 y/o with type 2 diabetes and hyperglycemia on labs today.\nBP 160/98: hypertension."


def _sign_in_as(browser: Any, live_server: str, username: str, password: str, code: str = "") -> Any:
    page = new_page(browser, live_server)
    page.goto("/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    if code:
        page.get_by_label("Authenticator code (only if your account uses one)").fill(code)
    page.get_by_role("button", name="Sign in").click()
    return page


def test_admin_creates_user_resets_password_revokes_token_enrols_totp(
    page: Any, browser: Any, live_server: str
) -> None:
    page.goto("/admin/users")
    page.get_by_label("User name (lowercase letters, digits, . _ -)").fill("nina")
    page.get_by_label("Role").select_option("biller")
    page.get_by_role("button", name="Create user").click()
    page.wait_for_url("**/admin/users/nina")
    assert "Created nina (biller)" in page.locator("#flash").inner_text()
    created_password = page.locator("#shown-once").input_value()
    shot(page, "admin-user-created")
    page.reload()  # post/redirect/get: nothing is sent again, and the password is not shown again
    assert page.locator("#shown-once").count() == 0 and page.locator("#user-role").inner_text() == "biller"

    page.get_by_role("button", name="Reset password").click()
    temporary = page.locator("#shown-once").input_value()
    assert temporary != created_password and "was reset" in page.locator("#flash").inner_text()
    shot(page, "admin-password-reset")
    nina = _sign_in_as(browser, live_server, "nina", temporary)
    nina.wait_for_url("**/account/password")  # a temporary password opens only the page that replaces it
    assert "set by an admin" in nina.locator("#must-change").inner_text()
    shot(nina, "admin-temporary-password-must-change")
    nina.get_by_label("Current password").fill(temporary)
    nina.locator("#new_password").fill(PASSWORD)
    nina.locator("#repeat_password").fill(PASSWORD)
    nina.get_by_role("button", name="Change password").click()
    nina.wait_for_url("**/login?password_changed=1")
    nina.context.close()
    nina = _sign_in_as(browser, live_server, "nina", PASSWORD)
    nina.wait_for_url(f"{live_server}/")
    nina.get_by_label("Message or physician note").wait_for()  # her own password: the app opens
    nina.context.close()

    page.get_by_label("Name").fill("laptop")
    page.get_by_role("button", name="Issue token").click()
    token = page.locator("#shown-once").input_value()
    me = httpx.get(f"{live_server}/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["username"] == "nina"
    row = page.locator("table.tokens tbody tr", has_text="laptop")
    token_id = row.locator("td").first.inner_text()
    page.get_by_role("button", name=f"Revoke token {token_id}").click()
    assert page.locator(f"#token-{token_id} .state").inner_text() == "revoked"
    assert httpx.get(f"{live_server}/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    shot(page, "admin-token-revoked")

    page.get_by_role("button", name="Enrol authenticator").click()
    key = page.locator("#shown-once").input_value()
    assert f"secret={key}" in page.locator("#provisioning-uri").inner_text()
    shot(page, "admin-totp-enrol")
    page.get_by_label("Code from the app").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Confirm").click()
    assert page.locator("#user-totp").inner_text() == "on"
    shot(page, "admin-totp-on")
    without = _sign_in_as(browser, live_server, "nina", PASSWORD)
    assert "invalid username or password" in without.get_by_role("alert").inner_text()  # a code is needed
    without.context.close()
    actions = httpx.get(
        f"{live_server}/api/audit",
        params={"action": "*", "per_page": 200},
        headers={"Authorization": f"Bearer {_admin_token()}"},
    ).json()["entries"]
    done = {e["action"] for e in actions if e["target_id"] in ("nina", token_id)}
    assert {
        "user.create",
        "user.password",
        "token.issue",
        "token.revoke",
        "totp.enroll",
        "totp.enable",
    } <= done


def _admin_token() -> str:
    from tests.e2e.conftest import _TOKENS

    return _TOKENS["admin"]


def _idle_out(username: str) -> None:
    container = LIVE["container"]
    idle = container.settings.session_idle_minutes
    with transaction(container.sessions) as s:
        user_id = s.scalars(select(User.id).where(User.username == username)).one()
        for row in s.scalars(
            select(AuthSession).where(AuthSession.user_id == user_id, AuthSession.ended_at.is_(None))
        ):
            row.last_seen_at = utcnow() - timedelta(minutes=idle, seconds=5)


def test_session_expires_mid_note_and_the_note_survives_signing_in(
    browser: Any, live_server: str, api_headers: dict[str, str]
) -> None:
    r = httpx.post(
        f"{live_server}/api/admin/users",
        json={"username": "nora", "role": "coder", "password": PASSWORD},
        headers=api_headers,
    )
    assert r.status_code == 201
    page = new_page(browser, live_server)
    sign_in_page(page, "nora")
    box = page.get_by_label("Message or physician note")
    box.fill(NOTE)
    _idle_out("nora")  # the coder stepped away longer than the idle timeout
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/login?**expired=1")
    assert "Your session expired" in page.locator("#login-notice").inner_text()
    shot(page, "session-expired")
    page.get_by_label("User name").fill("nora")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
    box = page.get_by_label("Message or physician note")
    assert box.input_value() == NOTE  # the note is back, unsent
    assert "unsent text was kept" in page.locator(".draft-restored").inner_text()
    shot(page, "session-note-restored")
    page.get_by_role("button", name="Send").click()
    page.locator(".note-view mark", has_text="hyperglycemia").wait_for()
    shot(page, "session-note-sent")
    page.reload()
    assert page.get_by_label("Message or physician note").input_value() == ""  # sent: no draft left
    assert page.locator(".draft-restored").count() == 0
    page.context.close()

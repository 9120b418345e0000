"""User management pages and their /api/admin twins: each action through its real surface, audited,
answered with a redirect (a reload re-sends nothing), secrets shown once."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.core.db import transaction
from assistant.security import audit, service
from assistant.security.models import User
from tests.web.auth import PASSWORD, login_form_token, sign_in, token_for


def _actions(client: TestClient, actor: str) -> list[str]:
    with transaction(client.app.state.container.sessions) as s:  # type: ignore[attr-defined]
        return [e.action for e in audit.list_entries(s, actor=actor)]


def _shown_once(page: Any) -> str:
    match = re.search(r'id="shown-once" class="secret" readonly value="([^"]+)"', page.text)
    assert match, page.text[:2000]
    return match.group(1)


def _post(client: TestClient, url: str, data: dict[str, str] | None = None) -> Any:
    """A form post as the browser sends it: answered with a 303 to a page (post/redirect/get)."""
    r = client.post(url, data=data or {}, follow_redirects=False)
    assert r.status_code == 303, (url, r.status_code, r.text[:500])
    return r


def test_create_reset_and_sign_in_with_the_temporary_password(client: TestClient) -> None:
    r = _post(client, "/admin/users", {"username": "Cleo", "role": "biller", "password": ""})
    assert r.headers["location"] == "/admin/users/cleo"
    page = client.get(r.headers["location"])
    assert "Created cleo (biller)" in page.text and 'id="user-role">biller<' in page.text
    first = _shown_once(page)
    assert client.get("/admin/users/cleo").text.count("shown-once") == 0  # a reload shows it no more
    assert "active; signs in with a temporary password" in client.get("/admin/users/cleo").text
    # the reset password works for sign-in; the first one no longer does
    page = client.get(_post(client, "/admin/users/cleo/password").headers["location"])
    temporary = _shown_once(page)
    assert temporary != first and "was reset" in page.text
    other = TestClient(client.app)
    csrf = sign_in(other, "cleo", temporary)
    assert other.get("/api/me").json()["role"] == "biller"
    # a temporary password opens only the page that replaces it
    r = other.get("/claims", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/account/password"
    assert "set by an admin" in other.get("/account/password").text
    api = other.get("/api/claims")
    assert api.status_code == 403 and api.json()["field"] == "password"
    mine = PASSWORD + " of my own"
    changed = other.post(
        "/api/account/password",
        json={"current_password": temporary, "new_password": mine},
        headers={"X-CSRF-Token": csrf},
    )
    assert changed.status_code == 200
    other.cookies.clear()
    sign_in(other, "cleo", mine)
    assert other.get("/claims").status_code == 200
    assert client.get("/api/admin/users/cleo").json()["user"]["must_change_password"] is False
    assert "temporary password" not in client.get("/admin/users/cleo").text.split('id="user-status">')[1][:80]
    form = login_form_token(other := TestClient(client.app))
    bad = other.post(
        "/login", data={"username": "cleo", "password": first, "csrf_token": form}, follow_redirects=False
    )
    assert bad.status_code == 401
    assert {"user.create", "user.password"} <= set(_actions(client, "ada"))


def test_every_form_redirects_so_a_reload_sends_nothing_again(client: TestClient) -> None:
    base = "/admin/users/dora"

    def totp_code() -> dict[str, str]:
        with transaction(client.app.state.container.sessions) as s:  # type: ignore[attr-defined]
            secret = s.scalars(select(User.totp_secret).where(User.username == "dora")).one()
        return {"code": pyotp.TOTP(secret or "").now()}

    def token_id(name: str) -> int:
        return next(t["id"] for t in client.get("/api/admin/users/dora/tokens").json() if t["name"] == name)

    forms: list[tuple[str, Callable[[], dict[str, str]]]] = [
        ("/admin/users", lambda: {"username": "dora", "role": "coder", "password": PASSWORD}),
        (f"{base}/role", lambda: {"role": "trainee"}),
        (f"{base}/tokens", lambda: {"name": "laptop", "days": "7"}),
        (f"{base}/tokens", lambda: {"name": "ci"}),
        ("expire laptop", dict),
        ("revoke ci", dict),
        (f"{base}/totp", dict),
        (f"{base}/totp/confirm", totp_code),
        (f"{base}/totp/reset", dict),
        (f"{base}/disable", dict),
        (f"{base}/enable", dict),
        (f"{base}/unlock", dict),
        (f"{base}/password", dict),
    ]
    for url, data in forms:
        if " " in url:
            verb, name = url.split()
            url = f"{base}/tokens/{token_id(name)}/{verb}"
        before = len(_actions(client, "ada"))
        r = _post(client, url, data())
        assert r.headers["location"] == base
        for _ in range(2):  # what a reload of the result repeats: the GET, never the POST
            page = client.get(r.headers["location"])
            assert page.status_code == 200 and 'role="alert"' not in page.text, url
        assert len(_actions(client, "ada")) == before + 1, url  # one action, however often reloaded
    tokens = client.get("/api/admin/users/dora/tokens").json()
    assert [t["name"] for t in tokens] == ["laptop", "ci"]  # each issued once
    assert all(t["state"] == "revoked" for t in tokens)  # the disable and the reset revoked what was left


def test_tokens_issue_expire_revoke_through_the_api_twin(client: TestClient) -> None:
    client.post("/api/admin/users", json={"username": "eve", "role": "coder", "password": PASSWORD})
    issued = client.post("/api/admin/users/eve/tokens", json={"name": "script", "days": 30})
    assert issued.status_code == 201
    raw, token_id = issued.json()["token"], issued.json()["token_id"]
    as_eve = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/me", headers=as_eve).json()["username"] == "eve"
    expired = client.post(f"/api/admin/users/eve/tokens/{token_id}/expire").json()
    assert expired["state"] == "expired"
    assert TestClient(client.app).get("/api/me", headers=as_eve).status_code == 401
    second = client.post("/api/admin/users/eve/tokens", json={"name": "ci"}).json()
    revoked = client.post(f"/api/admin/users/eve/tokens/{second['token_id']}/revoke").json()
    assert revoked["state"] == "revoked"
    assert (
        TestClient(client.app)
        .get("/api/me", headers={"Authorization": f"Bearer {second['token']}"})
        .status_code
        == 401
    )
    listed = client.get("/api/admin/users/eve").json()
    assert [t["state"] for t in listed["tokens"]] == ["expired", "revoked"]
    missing = client.post("/api/admin/users/eve/tokens/9999/revoke")
    assert missing.status_code == 404 and missing.json()["field"] == "token_id"
    assert {"token.issue", "token.expire", "token.revoke"} <= set(_actions(client, "ada"))


def test_totp_enrol_confirm_and_reset(client: TestClient) -> None:
    client.post("/api/admin/users", json={"username": "finn", "role": "coder", "password": PASSWORD})
    page = client.get(_post(client, "/admin/users/finn/totp").headers["location"])
    key = _shown_once(page)
    uri = re.search(r'id="provisioning-uri">([^<]+)<', page.text)
    assert uri and f"secret={key}" in uri.group(1).replace("&amp;", "&")
    assert "waiting for a code" in page.text
    wrong = client.get(
        _post(client, "/admin/users/finn/totp/confirm", {"code": "000000"}).headers["location"]
    )
    assert 'role="alert"' in wrong.text and "authenticator code is wrong" in wrong.text
    done = client.get(
        _post(client, "/admin/users/finn/totp/confirm", {"code": pyotp.TOTP(key).now()}).headers["location"]
    )
    assert 'id="user-totp">on<' in done.text
    other = TestClient(client.app)
    form = login_form_token(other)
    r = other.post(
        "/login", data={"username": "finn", "password": PASSWORD, "csrf_token": form}, follow_redirects=False
    )
    assert r.status_code == 401  # a code is needed now
    reset = client.post("/api/admin/users/finn/totp/reset")
    assert reset.status_code == 200 and reset.json()["totp_enabled"] is False
    sign_in(TestClient(client.app), "finn")
    assert {"totp.enroll", "totp.enable", "totp.reset"} <= set(_actions(client, "ada"))


def test_refusals_come_back_as_words_on_the_page(client: TestClient) -> None:
    r = _post(client, "/admin/users", {"username": "x", "role": "coder"})
    assert r.headers["location"] == "/admin/users"
    page = client.get("/admin/users")
    assert "user name &#39;x&#39; is not allowed" in page.text and "Fix: use 2-64" in page.text
    mine = client.get(_post(client, "/admin/users/ada/disable").headers["location"])
    assert "you cannot disable your own account" in mine.text
    assert client.post("/api/admin/users/ada/role", json={"role": "coder"}).status_code == 409
    bad_role = client.post("/api/admin/users", json={"username": "gus", "role": "owner"})
    assert bad_role.status_code == 422 and bad_role.json()["field"] == "role"
    assert client.get("/api/admin/users/nobody").status_code == 404
    with transaction(client.app.state.container.sessions) as s:  # type: ignore[attr-defined]
        assert service.user_detail(s, "ada").user.role == "admin"


def test_user_admin_is_admin_only(anon: TestClient) -> None:
    biller = token_for(anon, "bo", "biller")
    h = {"Authorization": f"Bearer {biller}"}
    assert (
        anon.post("/api/admin/users", json={"username": "z1", "role": "admin"}, headers=h).status_code == 403
    )
    assert anon.get("/api/admin/users", headers=h).status_code == 403
    sign_in(anon, "bo")
    assert anon.get("/admin/users/bo", follow_redirects=False).status_code == 403

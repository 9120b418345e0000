"""Sign-in, sign-out, lockout, MFA, idle logoff and CSRF through the HTTP surface."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.core.db import transaction
from assistant.security import service
from assistant.security.models import AuditEntry, AuthSession, User, utcnow
from tests.web.auth import PASSWORD, create_user, login_form_token, sign_in, token_for

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _audit(client: TestClient, action: str) -> list[AuditEntry]:
    with client.app.state.container.sessions() as s:  # type: ignore[attr-defined]
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def _post_login(client: TestClient, username: str, password: str, **extra: str) -> Any:
    data = {"username": username, "password": password, "csrf_token": login_form_token(client), **extra}
    return client.post("/login", data=data, follow_redirects=False)


def test_pages_redirect_to_login_and_back(anon: TestClient) -> None:
    client = anon
    create_user(client, "bea", "biller")
    r = client.get("/claims?status=draft", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/claims%3Fstatus%3Ddraft"
    api = client.get("/api/claims")
    assert api.status_code == 401 and api.headers["www-authenticate"] == "Bearer"
    assert set(api.json()) >= {"error", "message", "field", "fix"} and api.json()["field"] == "session"
    hx = client.get("/claims", headers={"HX-Request": "true"}, follow_redirects=False)
    assert hx.status_code == 401 and hx.headers["hx-redirect"] == "/login?next=/claims"
    frag = client.get(
        "/codes/search?q=asthma",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/codes?q=asth"},
        follow_redirects=False,
    )
    assert (
        frag.headers["hx-redirect"] == "/login?next=/codes%3Fq%3Dasth"
    )  # back to the page, not the fragment
    page = client.get("/login?next=/claims%3Fstatus%3Ddraft")
    assert page.status_code == 200 and 'name="next" value="/claims?status=draft"' in page.text
    r = _post_login(client, "bea", PASSWORD, next="/claims?status=draft")
    assert r.status_code == 303 and r.headers["location"] == "/claims?status=draft"
    cookie = r.headers["set-cookie"]
    assert (
        "assistant_session=" in cookie
        and "HttpOnly" in cookie
        and "SameSite=lax" in cookie.replace("Lax", "lax")
    )
    assert "Secure" not in cookie  # plain http on loopback
    assert client.get("/claims").status_code == 200
    assert client.get("/login", follow_redirects=False).headers["location"] == "/"  # already signed in


@pytest.mark.parametrize(
    "target", ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "claims"]
)
def test_next_only_goes_to_local_paths(anon: TestClient, target: str) -> None:
    create_user(anon, "bea", "biller")
    r = _post_login(anon, "bea", PASSWORD, next=target)
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_cookie_is_secure_over_https_or_by_setting(container: Any) -> None:
    from web.app import create_app

    with TestClient(
        create_app(container.settings, container=container, load_engine=False), base_url="https://testserver"
    ) as client:
        create_user(client, "bea", "biller")
        assert "Secure" in _post_login(client, "bea", PASSWORD).headers["set-cookie"]
    container.settings.cookie_secure = True
    with TestClient(create_app(container.settings, container=container, load_engine=False)) as client:
        assert "Secure" in _post_login(client, "bea", PASSWORD).headers["set-cookie"]


def test_wrong_password_lockout_and_audit_through_the_page(anon: TestClient) -> None:
    client = anon
    create_user(client, "bea", "biller")
    threshold = client.app.state.container.settings.lockout_threshold  # type: ignore[attr-defined]
    for _ in range(threshold):
        r = _post_login(client, "bea", "not the password at all")
        assert r.status_code == 401 and "invalid username or password" in r.text and 'role="alert"' in r.text
    r = _post_login(client, "bea", PASSWORD)  # the right password, but locked: the same message
    assert r.status_code == 401 and "invalid username or password" in r.text and "locked" not in r.text
    assert "assistant_session" not in r.headers.get("set-cookie", "")
    assert len(_audit(client, "login.failure")) == threshold  # the service audits; the web adds nothing
    assert len(_audit(client, "login.locked")) == 1
    assert _audit(client, "login.failure")[0].ip == "testclient"
    api = client.post("/api/auth/login", json={"username": "bea", "password": PASSWORD})
    assert api.status_code == 401 and api.json()["message"] == "invalid username or password"
    assert [json.loads(e.detail)["reason"] for e in _audit(client, "login.locked")] == ["locked"] * 2


def test_login_form_needs_its_own_token(anon: TestClient) -> None:
    create_user(anon, "bea", "biller")
    r = anon.post("/login", data={"username": "bea", "password": PASSWORD, "csrf_token": "forged"})
    assert r.status_code == 403 and "sign-in form expired" in r.text
    assert anon.get("/api/me").status_code == 401


def test_totp_accounts_need_the_code(anon: TestClient) -> None:
    client = anon
    create_user(client, "tom", "coder")
    sessions = client.app.state.container.sessions  # type: ignore[attr-defined]
    with transaction(sessions) as s:
        service.totp_enroll(s, "tom")
        secret = s.scalars(select(User).where(User.username == "tom")).one().totp_secret
    assert secret
    earlier = time.time() - 30
    with transaction(sessions) as s:
        service.totp_confirm(s, "tom", pyotp.TOTP(secret).at(earlier), now=earlier)
    r = _post_login(client, "tom", PASSWORD)  # no code: the one generic message, the real reason audited
    assert r.status_code == 401 and "invalid username or password" in r.text
    assert 'id="totp_code" name="totp_code"' in r.text
    api = client.post("/api/auth/login", json={"username": "tom", "password": PASSWORD})
    assert api.status_code == 401 and api.json()["message"] == "invalid username or password"
    assert {json.loads(e.detail)["reason"] for e in _audit(client, "login.failure")} == {"totp code missing"}
    r = _post_login(client, "tom", PASSWORD, totp_code=pyotp.TOTP(secret).now())
    assert r.status_code == 303 and client.get("/api/me").json()["username"] == "tom"


def test_logout_ends_the_session_once(anon: TestClient) -> None:
    client = anon
    csrf = sign_in(client, "bea", role="biller", send_csrf_header=False)
    assert client.post("/logout", follow_redirects=False).status_code == 403  # no CSRF token
    r = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?signed_out=1"
    assert 'assistant_session=""' in r.headers["set-cookie"] or "Max-Age=0" in r.headers["set-cookie"]
    assert "You were signed out" in client.get("/login?signed_out=1").text
    assert client.get("/api/me").status_code == 401
    assert len(_audit(client, "logout")) == 1 and _audit(client, "logout")[0].actor == "bea"
    assert len(_audit(client, "login.success")) == 1


def test_stolen_cookie_is_useless_after_logout(anon: TestClient) -> None:
    client = anon
    sign_in(client, "bea", role="biller")
    stolen = client.cookies.get("assistant_session")
    assert client.post("/api/auth/logout").json() == {"signed_out": True}
    client.cookies.set("assistant_session", stolen)  # type: ignore[arg-type]
    assert client.get("/api/me").status_code == 401


def test_idle_session_is_signed_out(anon: TestClient) -> None:
    client = anon
    sign_in(client, "bea", role="biller")
    assert client.get("/claims").status_code == 200
    idle = client.app.state.container.settings.session_idle_minutes  # type: ignore[attr-defined]
    with transaction(client.app.state.container.sessions) as s:  # type: ignore[attr-defined]
        row = s.scalars(select(AuthSession).where(AuthSession.ended_at.is_(None))).one()
        row.last_seen_at = utcnow() - timedelta(minutes=idle, seconds=5)
    r = client.get("/claims", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/claims&expired=1"
    assert "Max-Age=0" in r.headers["set-cookie"] or 'assistant_session=""' in r.headers["set-cookie"]
    assert "without activity" in client.get("/login?next=/claims&expired=1").text
    assert [e.detail for e in _audit(client, "session.expired")] == ['{"reason":"idle"}']


def test_active_session_stays_signed_in(anon: TestClient) -> None:
    client = anon
    sign_in(client, "bea", role="biller")
    idle = client.app.state.container.settings.session_idle_minutes  # type: ignore[attr-defined]
    with transaction(client.app.state.container.sessions) as s:  # type: ignore[attr-defined]
        row = s.scalars(select(AuthSession)).one()
        row.last_seen_at = utcnow() - timedelta(minutes=idle - 1)
    assert client.get("/api/me").status_code == 200  # a request refreshes the idle clock
    with client.app.state.container.sessions() as s:  # type: ignore[attr-defined]
        assert utcnow() - s.scalars(select(AuthSession)).one().last_seen_at < timedelta(minutes=1)


def test_json_login_me_and_logout(anon: TestClient) -> None:
    client = anon
    create_user(client, "bea", "biller")
    form = client.post("/api/auth/login", data={"username": "bea", "password": PASSWORD})
    assert form.status_code == 422  # JSON only: a cross-site form cannot sign anyone in
    r = client.post("/api/auth/login", json={"username": "bea", "password": PASSWORD})
    assert r.status_code == 200
    me = r.json()
    assert me["username"] == "bea" and me["role"] == "biller" and "claims:*" in me["permissions"]
    assert me["csrf_token"] and me["method"] == "session" and me["expires_at"]
    assert client.get("/api/me").json()["method"] == "session"
    assert client.post("/api/auth/logout").status_code == 403  # CSRF header missing
    out = client.post("/api/auth/logout", headers={"X-CSRF-Token": me["csrf_token"]})
    assert out.json() == {"signed_out": True} and client.get("/api/me").status_code == 401


def test_csrf_on_form_posts(anon: TestClient) -> None:
    client = anon
    csrf = sign_in(client, "bea", role="biller", send_csrf_header=False)
    doc = (FIXTURES / "claims" / "claim_clean.json").read_bytes()
    r = client.post("/claims/import", files={"file": ("c.json", doc)})
    assert r.status_code == 403 and "CSRF" in r.text and 'role="alert"' in r.text
    assert client.get("/api/claims").json() == []  # nothing was imported
    r = client.post("/claims/import", files={"file": ("c.json", doc)}, data={"csrf_token": "x.y"})
    assert r.status_code == 403
    other = TestClient(client.app)
    other_csrf = sign_in(other, "bob", role="biller", send_csrf_header=False)
    r = client.post("/claims/import", files={"file": ("c.json", doc)}, data={"csrf_token": other_csrf})
    assert r.status_code == 403  # a token of another session
    page = client.get("/claims")
    assert 'name="csrf_token" value="' in page.text and '<meta name="csrf-token" content="' in page.text
    assert '"X-CSRF-Token": "' in page.text  # hx-headers on <body>: every htmx request sends it
    r = client.post("/claims/import", files={"file": ("c.json", doc)}, data={"csrf_token": csrf})
    assert r.status_code == 200 and r.url.path == "/claims/C-2001"
    r = client.post("/claims/C-2001/scrub", headers={"HX-Request": "true", "X-CSRF-Token": csrf})
    assert "Scrub result" in r.text
    assert client.post("/api/claims/scrub", json={"claim_id": "C-2001"}).status_code == 403
    assert (
        client.post(
            "/api/claims/scrub", json={"claim_id": "C-2001"}, headers={"X-CSRF-Token": csrf}
        ).status_code
        == 200
    )


def test_bearer_tokens_need_no_csrf(anon: TestClient) -> None:
    client = anon
    token = token_for(client, "robot", "biller")
    auth = {"Authorization": f"Bearer {token}"}
    doc = (FIXTURES / "claims" / "claim_clean.json").read_bytes()
    assert client.post("/api/claims", content=doc, headers=auth).status_code == 201
    listed = client.get("/api/claims", headers=auth)
    assert listed.status_code == 200 and [c["claim_id"] for c in listed.json()] == ["C-2001"]
    assert client.get("/api/claims", headers={"Authorization": "Bearer ast_wrong"}).status_code == 401
    assert client.get("/api/claims", headers={"Authorization": "Basic dXNlcjpwdw=="}).status_code == 401
    with transaction(client.app.state.container.sessions) as s:  # type: ignore[attr-defined]
        service.set_disabled(s, "robot", True)
    assert client.get("/api/claims", headers=auth).status_code == 401  # disabling revokes tokens


def test_security_headers(anon: TestClient) -> None:
    r = anon.get("/login")
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store" and r.headers["referrer-policy"] == "same-origin"
    assert "no-store" not in anon.get("/static/app.css").headers.get("cache-control", "")
    assert anon.get("/health").json() == {"status": "ok"} and anon.get("/api/health").status_code == 200
    assert anon.get("/docs").status_code == 404 and anon.get("/openapi.json").status_code == 404


def test_change_own_password_through_the_page(anon: TestClient) -> None:
    client = anon
    csrf = sign_in(client, "cara", role="coder", send_csrf_header=False)
    page = client.get("/account/password")
    assert page.status_code == 200 and 'name="current_password"' in page.text
    assert 'href="/account/password"' in client.get("/").text
    new = PASSWORD + " renewed"
    form = {"csrf_token": csrf, "current_password": PASSWORD, "new_password": new, "repeat_password": new}
    assert client.post("/account/password", data={**form, "csrf_token": ""}).status_code == 403
    wrong = client.post("/account/password", data={**form, "current_password": "not it at all"})
    assert wrong.status_code == 422 and "current password is wrong" in wrong.text
    differ = client.post("/account/password", data={**form, "repeat_password": new + "x"})
    assert differ.status_code == 422 and "differ" in differ.text
    weak = client.post(
        "/account/password", data={**form, "new_password": "short", "repeat_password": "short"}
    )
    assert weak.status_code == 422 and 'aria-invalid="true"' in weak.text
    done = client.post("/account/password", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/login?password_changed=1"
    assert client.get("/api/me").status_code == 401  # this session ended with the change
    assert "password was changed" in client.get("/login?password_changed=1").text
    assert client.post("/api/auth/login", json={"username": "cara", "password": PASSWORD}).status_code == 401
    sign_in(client, "cara", new)
    assert len(_audit(client, "user.password")) == 1


def test_change_own_password_api_twin(anon: TestClient) -> None:
    client = anon
    sign_in(client, "dora", role="biller")
    body = {"current_password": "wrong password!", "new_password": PASSWORD + "2"}
    bad = client.post("/api/account/password", json=body)
    assert bad.status_code == 422 and bad.json()["field"] == "current_password"
    same = client.post(
        "/api/account/password", json={**body, "current_password": PASSWORD, "new_password": PASSWORD}
    )
    assert same.status_code == 422 and same.json()["field"] == "new_password"
    ok = client.post("/api/account/password", json={**body, "current_password": PASSWORD})
    assert ok.status_code == 200 and ok.json() == {"changed": True, "sessions_ended": True}
    assert client.get("/api/me").status_code == 401

"""Sign-in failures: one message whatever the reason, a 429 for a hammering address, and a burst of bad
sign-ins does not stall signed-in users (issue 18 §4)."""

from __future__ import annotations

import json
import statistics
import threading
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.app.container import Container
from assistant.core.db import transaction
from assistant.security import service
from assistant.security.models import AuditEntry, User
from tests.web.auth import PASSWORD, create_user, login_form_token, use_token


def _app_client(container: Container, **settings: Any) -> TestClient:
    from web.app import create_app

    for name, value in settings.items():
        setattr(container.settings, name, value)
    return TestClient(create_app(container.settings, container=container, load_engine=False))


def _reasons(client: TestClient) -> list[str]:
    with client.app.state.container.sessions() as s:  # type: ignore[attr-defined]
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action.like("login.%")).order_by(AuditEntry.id))
        return [json.loads(e.detail).get("reason", "") for e in rows if e.action != "login.success"]


def _page_alert(text: str) -> str:
    start = text.index('role="alert"')
    return text[start : text.index("</div>", start)]


def test_every_sign_in_failure_gets_the_same_answer(container: Container) -> None:
    with _app_client(container, login_attempts_per_minute=100) as client:
        _same_answer_for_every_failure(client)


def _same_answer_for_every_failure(client: TestClient) -> None:
    create_user(client, "bea", "biller")
    create_user(client, "tom", "coder")
    sessions = client.app.state.container.sessions  # type: ignore[attr-defined]
    with transaction(sessions) as s:
        service.totp_enroll(s, "tom")
        s.scalars(select(User).where(User.username == "tom")).one().totp_enabled = True  # enrolled
    for _ in range(client.app.state.container.settings.lockout_threshold):  # type: ignore[attr-defined]
        client.post("/api/auth/login", json={"username": "bea", "password": "wrong wrong wrong"})
    attempts = {
        "unknown user": ("nobody", PASSWORD),
        "bad password": ("tom", "not the password at all"),
        "locked": ("bea", PASSWORD),
        "totp code missing": ("tom", PASSWORD),
    }
    answers, alerts = set(), set()
    for username, password in attempts.values():
        api = client.post("/api/auth/login", json={"username": username, "password": password})
        assert api.status_code == 401
        answers.add(json.dumps(api.json(), sort_keys=True))
        token = login_form_token(client)
        page = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
        assert page.status_code == 401
        alerts.add(_page_alert(page.text))
    assert len(answers) == 1 and len(alerts) == 1, (answers, alerts)
    assert json.loads(answers.pop())["message"] == "invalid username or password"
    assert set(attempts) <= set(_reasons(client))  # the audit log keeps the real reason


def test_a_hammering_address_gets_429_with_retry_after(container: Container) -> None:
    with _app_client(container, login_attempts_per_minute=3) as client:
        create_user(client, "bea", "biller")
        for _ in range(3):
            r = client.post("/api/auth/login", json={"username": "bea", "password": "wrong wrong wrong"})
            assert r.status_code == 401
        r = client.post("/api/auth/login", json={"username": "bea", "password": PASSWORD})
        assert r.status_code == 429 and 1 <= int(r.headers["Retry-After"]) <= 60
        assert r.json()["error"] == "TooManyAttempts" and "too many failed sign-ins" in r.json()["message"]
        token = login_form_token(client)
        page = client.post("/login", data={"username": "bea", "password": PASSWORD, "csrf_token": token})
        assert page.status_code == 429 and "Retry-After" in page.headers
        assert "too many failed sign-ins" in page.text
        assert _reasons(client)[-1] == ""  # the refusals are audited (login.throttled)
        with client.app.state.container.sessions() as s:  # type: ignore[attr-defined]
            throttled = s.scalars(select(AuditEntry).where(AuditEntry.action == "login.throttled")).all()
        assert len(throttled) == 2 and {e.ip for e in throttled} == {"testclient"}


def _me_latencies(client: TestClient, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        assert client.get("/api/me").status_code == 200
        out.append(time.perf_counter() - start)
    return out


def _me_latencies_while(client: TestClient, running: threading.Event) -> list[float]:
    """/api/me latencies of the calls made entirely while ``running`` is set."""
    out = []
    while running.is_set():
        start = time.perf_counter()
        assert client.get("/api/me").status_code == 200
        if running.is_set():
            out.append(time.perf_counter() - start)
    return out


def test_a_burst_of_bad_sign_ins_does_not_stall_signed_in_users(
    container: Container, production_password_hashing: object
) -> None:
    """30 concurrent bad sign-ins (every one checked with the product's argon2 cost: no address throttle
    here) while a signed-in user calls /api/me: its median latency stays within 2x of the idle median
    measured in the same run."""
    with _app_client(container, login_attempts_per_minute=1000) as client:
        create_user(client, "bea", "biller")
        use_token(client, "admin", "ada")
        _me_latencies(client, 5)  # warm up
        idle = statistics.median(_me_latencies(client, 20))
        running = threading.Event()
        running.set()
        statuses: list[int] = []

        def bad_login() -> None:
            r = client.post(
                "/api/auth/login",
                json={"username": "bea", "password": "wrong wrong wrong"},
                headers={"Authorization": ""},
            )
            statuses.append(r.status_code)

        burst = [threading.Thread(target=bad_login) for _ in range(30)]
        for t in burst:
            t.start()
        watcher = threading.Thread(target=lambda: ([t.join() for t in burst], running.clear()))
        watcher.start()
        during = _me_latencies_while(client, running)
        watcher.join(120)
    assert len(during) >= 5, during
    busy = statistics.median(during)
    assert set(statuses) <= {401, 429} and statuses.count(401) >= 1
    print(f"/api/me median idle {idle * 1000:.1f} ms, during the burst {busy * 1000:.1f} ms, {statuses}")
    # The target is 2x idle (met on a quiet machine: see the closing note of issue 18); the 0.2 s of
    # slack absorbs CPU taken by other test workers. The lock regression this guards against was ~100x.
    assert busy <= max(2 * idle, idle + 0.2), (idle, busy)

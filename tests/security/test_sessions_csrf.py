"""Server-side sessions with idle timeout and absolute lifetime; CSRF bound to the session."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from assistant.core.db import transaction
from assistant.security import audit, csrf, service, sessions
from assistant.security.errors import Forbidden, Unauthorized
from assistant.security.models import utcnow
from tests.security.conftest import STRONG, make_user


def _login(db, settings):
    with transaction(db) as s:
        principal = service.authenticate_password(s, "fay", STRONG, "127.0.0.1")
        return sessions.start(s, settings, principal, ip="127.0.0.1", user_agent="pytest")


def test_idle_timeout_ends_session(db, settings) -> None:
    make_user(db, "fay", "biller")
    start = utcnow()
    with time_machine.travel(start, tick=False):
        new = _login(db, settings)
    assert new.principal.session_id == new.session_id != new.token
    # activity every 10 minutes keeps it alive past the 15-minute idle limit
    for minutes in (10, 20, 30):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False), transaction(db) as s:
            assert sessions.resume(s, settings, new.token).username == "fay"
    idle_end = start + timedelta(minutes=30 + settings.session_idle_minutes, seconds=1)
    with (
        time_machine.travel(idle_end, tick=False),
        transaction(db) as s,
        pytest.raises(Unauthorized, match="without activity"),
    ):
        sessions.resume(s, settings, new.token)
    with transaction(db) as s, pytest.raises(Unauthorized):  # stays ended
        sessions.resume(s, settings, new.token)
    with transaction(db) as s:
        expired = audit.list_entries(s, action="session.expired")
    assert len(expired) == 1 and expired[0].detail == {"reason": "idle"} and expired[0].actor == "fay"


def test_absolute_lifetime_and_logout(db, settings) -> None:
    make_user(db, "fay", "biller")
    start = utcnow()
    with time_machine.travel(start, tick=False):
        new = _login(db, settings)
    step = timedelta(minutes=settings.session_idle_minutes - 1)
    at = start
    with pytest.raises(Unauthorized, match="hour limit"):
        while True:
            at += step
            with time_machine.travel(at, tick=False), transaction(db) as s:
                sessions.resume(s, settings, new.token)
    assert at - start >= timedelta(hours=settings.session_max_hours)
    other = _login(db, settings)
    with transaction(db) as s:
        assert sessions.end(s, other.token) is True
    with transaction(db) as s, pytest.raises(Unauthorized, match="signed out"):
        sessions.resume(s, settings, other.token)
    with transaction(db) as s:
        assert audit.list_entries(s, action="logout")[0].actor == "fay"


def test_disable_ends_sessions(db, settings) -> None:
    make_user(db, "fay", "biller")
    new = _login(db, settings)
    with transaction(db) as s:
        service.set_disabled(s, "fay", True)
    with transaction(db) as s, pytest.raises(Unauthorized):
        sessions.resume(s, settings, new.token)


def test_csrf_bound_to_session(db, settings) -> None:
    make_user(db, "fay", "biller")
    a, b = _login(db, settings), _login(db, settings)
    secret = sessions.csrf_secret(settings)
    assert csrf.is_valid(secret, a.session_id, a.csrf_token)
    assert csrf.is_valid(secret, a.session_id, csrf.issue(secret, a.session_id))
    assert not csrf.is_valid(secret, b.session_id, a.csrf_token)
    assert not csrf.is_valid(secret, a.session_id, a.csrf_token[:-2] + "xx")
    assert not csrf.is_valid(b"\x00" * 32, a.session_id, a.csrf_token)
    csrf.verify(secret, a.session_id, None, method="GET")
    with pytest.raises(Forbidden) as err:
        csrf.verify(secret, a.session_id, None, method="POST")
    assert err.value.field == "csrf_token"
    key = settings.resolved_secret_key_path
    assert key.exists() and oct(key.stat().st_mode & 0o777) == "0o600"

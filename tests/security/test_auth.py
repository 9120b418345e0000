"""Passwords, lockout, TOTP, API tokens, permissions."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import text

from assistant.core.db import transaction
from assistant.core.errors import InvalidInput
from assistant.security import audit, service
from assistant.security.errors import Forbidden, Unauthorized
from assistant.security.models import User, utcnow
from assistant.security.passwords import check_policy, hash_password, needs_rehash, verify_password
from assistant.security.permissions import ROLE_PERMISSIONS, grants
from assistant.security.tokens import bearer_token
from tests.security.conftest import STRONG, make_user


def test_argon2_hash_and_policy(production_password_hashing: object) -> None:
    stored = hash_password(STRONG)
    # the product's profile: argon2id, RFC 9106 low-memory (64 MiB, 3 passes, 4 lanes)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and STRONG not in stored
    assert not needs_rehash(stored)
    assert verify_password(stored, STRONG) and not verify_password(stored, STRONG + "x")
    assert not verify_password(None, STRONG)
    for weak in ("", "   ", "short", "password123", "aaaaaaaaaaaaaaa", "alice-is-the-best-user"):
        with pytest.raises(InvalidInput) as err:
            check_policy(weak, username="alice")
        assert err.value.field == "password"


def test_password_login_lockout_and_unlock(db, settings) -> None:
    make_user(db, "alice", "coder")
    with transaction(db) as s:
        principal = service.authenticate_password(s, "alice", STRONG, "10.0.0.5")
    assert principal.role == "coder" and "phi:read" in principal.permissions
    for _ in range(settings.lockout_threshold):
        with transaction(db) as s, pytest.raises(Unauthorized):
            service.authenticate_password(s, "alice", "wrong password here", "10.0.0.5")
    # locked: even the right password is refused, with the one generic message; the log says why
    with transaction(db) as s, pytest.raises(Unauthorized, match="^invalid username or password Fix"):
        service.authenticate_password(s, "alice", STRONG, "10.0.0.5")
    with transaction(db) as s:
        assert [e.detail["reason"] for e in audit.list_entries(s, action="login.locked")] == ["locked"]
    with transaction(db) as s:
        failures = audit.list_entries(s, action="login.failure")
        assert len(failures) == settings.lockout_threshold
        assert {f.ip for f in failures} == {"10.0.0.5"} and failures[0].detail.get("locked_minutes") == 15
    # the lock lapses after lockout_minutes
    later = utcnow() + timedelta(minutes=settings.lockout_minutes + 1)
    with time_machine.travel(later, tick=False), transaction(db) as s:
        assert service.authenticate_password(s, "alice", STRONG).username == "alice"
    for _ in range(settings.lockout_threshold):
        with transaction(db) as s, pytest.raises(Unauthorized):
            service.authenticate_password(s, "alice", "wrong password here")
    with transaction(db) as s:
        service.unlock(s, "alice", actor="admin")
    with transaction(db) as s:
        assert service.authenticate_password(s, "alice", STRONG).username == "alice"


def test_unknown_and_disabled_users_are_refused_generically(db) -> None:
    make_user(db, "bob", "biller")
    with transaction(db) as s, pytest.raises(Unauthorized, match="invalid username or password"):
        service.authenticate_password(s, "nobody", STRONG)
    with transaction(db) as s:
        service.set_disabled(s, "bob", True)
    with transaction(db) as s, pytest.raises(Unauthorized, match="invalid username or password"):
        service.authenticate_password(s, "bob", STRONG)


def test_totp_enrollment_and_second_factor(db) -> None:
    make_user(db, "carol", "admin")
    with transaction(db) as s:
        uri = service.totp_enroll(s, "carol")
    assert uri.startswith("otpauth://totp/") and "carol" in uri
    secret = pyotp.parse_uri(uri).secret
    with transaction(db) as s, pytest.raises(InvalidInput):
        service.totp_confirm(s, "carol", "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    with transaction(db) as s:
        service.totp_confirm(s, "carol", pyotp.TOTP(secret).now())
    with transaction(db) as s:
        raw = s.get(User, 1)
        assert raw is not None and raw.totp_enabled
    with transaction(db) as s, pytest.raises(Unauthorized, match="invalid username or password"):
        service.authenticate_password(s, "carol", STRONG)  # the code is missing: the generic message
    # the code used to confirm cannot be replayed; the next step's code works
    with time_machine.travel(utcnow() + timedelta(seconds=30), tick=False):
        code = pyotp.TOTP(secret).now()
        with transaction(db) as s:
            assert service.authenticate_password(s, "carol", STRONG, totp_code=code).role == "admin"
        with transaction(db) as s, pytest.raises(Unauthorized):
            service.authenticate_password(s, "carol", STRONG, totp_code=code)


def test_api_tokens_hash_only_and_revocation(db) -> None:
    make_user(db, "dave", "trainee")
    with transaction(db) as s:
        issued = service.issue_token(s, "dave", "laptop")
    assert bearer_token(f"Bearer {issued.token}") == issued.token
    assert bearer_token("Basic abc") is None and bearer_token(None) is None
    with transaction(db) as s:
        principal = service.authenticate_token(s, issued.token)
        stored = s.execute(text("SELECT token_hash FROM security_api_tokens")).scalar()
    assert principal.username == "dave" and principal.method == "token"
    assert stored != issued.token and issued.token not in stored
    with transaction(db) as s, pytest.raises(Unauthorized):
        service.authenticate_token(s, issued.token + "x")
    with transaction(db) as s:
        service.set_disabled(s, "dave", True)
    with transaction(db) as s, pytest.raises(Unauthorized):
        service.authenticate_token(s, issued.token)


def test_permissions_and_require(db) -> None:
    assert not any(p.startswith("phi:") for p in ROLE_PERMISSIONS["trainee"])
    assert grants(ROLE_PERMISSIONS["biller"], "claims:submit") and not grants(
        ROLE_PERMISSIONS["coder"], "users:admin"
    )
    make_user(db, "erin", "trainee")
    with transaction(db) as s:
        trainee = service.authenticate_password(s, "erin", STRONG)
    assert service.require(trainee, "trainee:quiz") is trainee
    with pytest.raises(Forbidden) as err:
        service.require(trainee, "phi:read")
    assert err.value.status_code == 403 and "phi:read" in err.value.message
    with pytest.raises(Unauthorized):
        service.require(None, "codes:read")
    with transaction(db) as s:
        service.set_role(s, "erin", "coder", actor="admin")
    with transaction(db) as s:
        coder = service.authenticate_password(s, "erin", STRONG)
        change = audit.list_entries(s, action="permission.change")[0]
    assert service.require(coder, "phi:read").role == "coder"
    assert change.actor == "admin" and change.detail == {"from": "trainee", "to": "coder"}

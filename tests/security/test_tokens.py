"""API tokens expire (api_token_days, default 90), are listed and revoked one at a time, and an admin
password reset revokes them (issue 18 §4), through `assistant users` and a bearer call on the app."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient

from assistant.app.container import Container
from assistant.core.db import transaction, utcnow
from assistant.security import audit, service
from assistant.security.errors import Unauthorized
from tests.security.conftest import STRONG, make_user


def _issue(cli, username: str, *extra: str) -> str:
    result = cli("users", "token", username, *extra)
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_tokens_expire_after_the_configured_days(cli, db, settings) -> None:
    assert settings.api_token_days == 90
    make_user(db, "alice", "coder")
    raw = _issue(cli, "alice", "--name", "laptop")
    short = _issue(cli, "alice", "--name", "ci", "--days", "7")
    listed = json.loads(cli("users", "tokens", "alice", "--json").output)
    assert [(t["name"], t["state"]) for t in listed] == [("laptop", "active"), ("ci", "active")]
    lifetimes = [datetime.fromisoformat(t["expires_at"]) - utcnow() for t in listed]
    assert timedelta(days=89) < lifetimes[0] <= timedelta(days=90)
    assert timedelta(days=6) < lifetimes[1] <= timedelta(days=7)
    with time_machine.travel(utcnow() + timedelta(days=8), tick=False):
        with transaction(db) as s:
            assert service.authenticate_token(s, raw).username == "alice"
        with transaction(db) as s, pytest.raises(Unauthorized, match="expired"):
            service.authenticate_token(s, short)
        states = [t["state"] for t in json.loads(cli("users", "tokens", "alice", "--json").output)]
        assert states == ["active", "expired"]
    later = utcnow() + timedelta(days=91)
    with time_machine.travel(later, tick=False), transaction(db) as s, pytest.raises(Unauthorized):
        service.authenticate_token(s, raw)
    with transaction(db) as s:
        reasons = [e.detail.get("reason") for e in audit.list_entries(s, action=audit.TOKEN_AUTH_FAILURE)]
    assert reasons == ["expired", "expired"]
    assert "laptop" in cli("users", "tokens", "alice").output


def test_revoke_one_token_keeps_the_others(cli, db, settings) -> None:
    make_user(db, "alice", "coder")
    make_user(db, "bob", "coder")
    first, second = _issue(cli, "alice", "--name", "a"), _issue(cli, "alice", "--name", "b")
    bobs = _issue(cli, "bob")
    ids = [t["id"] for t in json.loads(cli("users", "tokens", "alice", "--json").output)]
    bob_id = json.loads(cli("users", "tokens", "bob", "--json").output)[0]["id"]
    wrong_owner = cli("users", "revoke", "alice", str(bob_id))
    assert wrong_owner.exit_code == 2 and "has no token" in wrong_owner.output
    done = cli("users", "revoke", "alice", str(ids[0]))
    assert done.exit_code == 0, done.output
    with transaction(db) as s, pytest.raises(Unauthorized, match="revoked"):
        service.authenticate_token(s, first)
    with transaction(db) as s:
        assert service.authenticate_token(s, second).username == "alice"
        assert service.authenticate_token(s, bobs).username == "bob"
        revokes = audit.list_entries(s, action=audit.TOKEN_REVOKE)
    assert [(e.target_id, e.detail) for e in revokes] == [(str(ids[0]), {"user": "alice"})]
    states = [t["state"] for t in json.loads(cli("users", "tokens", "alice", "--json").output)]
    assert states == ["revoked", "active"]


def test_admin_password_reset_revokes_tokens_but_a_self_change_does_not(cli, db, settings) -> None:
    make_user(db, "alice", "coder")
    raw = _issue(cli, "alice")
    with transaction(db) as s:
        service.change_own_password(s, "alice", STRONG, STRONG + " two", settings=settings)
    with transaction(db) as s:
        assert service.authenticate_token(s, raw).username == "alice"
    reset = cli("users", "password", "alice", "--password-stdin", input=STRONG + " three\n")
    assert reset.exit_code == 0 and "revoked" in reset.output
    with transaction(db) as s, pytest.raises(Unauthorized):
        service.authenticate_token(s, raw)
    states = [t["state"] for t in json.loads(cli("users", "tokens", "alice", "--json").output)]
    assert states == ["revoked"]


def test_an_expired_token_is_refused_by_the_app(settings, db) -> None:
    from web.app import create_app

    make_user(db, "alice", "coder")
    with transaction(db) as s:
        raw = service.issue_token(s, "alice", "short", days=1).token
    with TestClient(create_app(settings, container=Container(settings), load_engine=False)) as client:
        headers = {"Authorization": f"Bearer {raw}"}
        assert client.get("/api/me", headers=headers).status_code == 200
        with time_machine.travel(utcnow() + timedelta(days=2), tick=False):
            r = client.get("/api/me", headers=headers)
        assert r.status_code == 401 and "expired" in r.json()["message"]

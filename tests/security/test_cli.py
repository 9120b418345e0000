"""`assistant users`, `assistant backup`, `assistant restore` through CliRunner on the real app."""

from __future__ import annotations

import json
import sqlite3

import pytest

from assistant.core.db import transaction
from assistant.security import audit, service
from assistant.security.errors import Unauthorized
from tests.security.conftest import STRONG


def test_users_cli_lifecycle(cli, db) -> None:
    created = cli(
        "users", "create", "Alice", "--role", "coder", "--password-stdin", "--json", input=STRONG + "\n"
    )
    assert created.exit_code == 0, created.output
    assert json.loads(created.output)["username"] == "alice"
    weak = cli("users", "create", "bob", "--role", "biller", "--password-stdin", input="hunter2\n")
    assert weak.exit_code == 2 and "password" in weak.output and "Traceback" not in weak.output
    empty = cli("users", "create", "bob", "--role", "biller", "--password-stdin", input="")
    assert empty.exit_code == 2 and "no password" in empty.output
    bad_role = cli("users", "create", "bob", "--role", "owner", "--password-stdin", input=STRONG + "\n")
    assert bad_role.exit_code == 2 and "trainee" in bad_role.output
    dup = cli("users", "create", "alice", "--role", "coder", "--password-stdin", input=STRONG + "\n")
    assert dup.exit_code == 2 and "already exists" in dup.output

    token = cli("users", "token", "alice", "--name", "laptop")
    assert token.exit_code == 0
    raw = token.output.strip()
    with transaction(db) as s:
        assert service.authenticate_token(s, raw).username == "alice"
    assert cli("users", "role", "alice", "trainee").exit_code == 0
    with transaction(db) as s:
        assert "phi:read" not in service.authenticate_token(s, raw).permissions
    listed = json.loads(cli("users", "list", "--json").output)
    assert [(u["username"], u["role"], u["disabled"]) for u in listed] == [("alice", "trainee", False)]
    assert cli("users", "disable", "alice").exit_code == 0
    assert json.loads(cli("users", "list", "--json").output)[0]["disabled"] is True
    assert cli("users", "unlock", "ghost").exit_code == 2
    actions = [e["action"] for e in json.loads(cli("audit", "list", "--json").output)]
    assert {"user.create", "token.issue", "permission.change", "user.disable"} <= set(actions)
    assert cli("audit", "verify").exit_code == 0


def test_backup_and_restore_into_fresh_dir(cli, db, settings, tmp_path) -> None:
    assert (
        cli("users", "create", "alice", "--role", "admin", "--password-stdin", input=STRONG + "\n").exit_code
        == 0
    )
    with transaction(db) as s:
        for i in range(5):
            audit.record(s, "alice", audit.PHI_WRITE, "patient", i, "127.0.0.1", {})
    out = tmp_path / "backups"
    result = cli("backup", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output[: result.output.rindex("}") + 1])
    folder, manifest = payload["folder"], payload["manifest"]
    assert manifest["includes_keys"] is False and "keys" in manifest["warning"]
    assert manifest["row_counts"]["security_users"] == 1 and manifest["audit_entries"] == 7

    restored = tmp_path / "restored"
    result = cli("restore", folder, "--to", str(restored), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["audit"]["intact"] and report["audit"]["entries"] == 7 and report["files_verified"] == 1
    conn = sqlite3.connect(restored / "assistant.db")
    assert conn.execute("SELECT username, role FROM security_users").fetchall() == [("alice", "admin")]
    assert conn.execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone() == (
        "backup.restore",
    )
    conn.close()
    # restored DB is a working database: point the settings at it and verify from the CLI
    again = cli("restore", folder, "--to", str(restored))
    assert again.exit_code == 2 and "--force" in again.output
    assert cli("restore", folder).exit_code == 2  # the live data dir needs --force

    # a corrupted backup is refused before anything is written
    db_copy = tmp_path / "backups" / folder.rsplit("/", 1)[-1] / "assistant.db"
    with db_copy.open("r+b") as handle:
        handle.seek(200)
        handle.write(b"\xff\xff\xff")
    bad = cli("restore", folder, "--to", str(tmp_path / "other"))
    assert bad.exit_code == 2 and "sha256" in bad.output
    assert not (tmp_path / "other" / "assistant.db").exists()


def test_backup_with_keys_flag(cli, db, settings, tmp_path) -> None:
    from assistant.security.crypto import current_cipher

    current_cipher()  # creates phi.key
    result = cli("backup", "--out", str(tmp_path / "b"), "--include-keys", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output[: result.output.rindex("}") + 1])
    assert {f["path"] for f in payload["manifest"]["files"]} >= {"assistant.db", "keys/phi.key"}
    report = json.loads(cli("restore", payload["folder"], "--to", str(tmp_path / "r"), "--json").output)
    assert report["keys_restored"] is True
    restored_key = tmp_path / "r" / "keys" / "phi.key"
    assert restored_key.read_bytes() == settings.resolved_phi_key_path.read_bytes()
    assert oct(restored_key.stat().st_mode & 0o777) == "0o600"


def test_users_password_resets_and_ends_sessions(cli, db, settings) -> None:
    from assistant.security import sessions

    assert (
        cli("users", "create", "dan", "--role", "coder", "--password-stdin", input=STRONG + "\n").exit_code
        == 0
    )
    with transaction(db) as s:
        principal = service.authenticate_password(s, "dan", STRONG, None, settings=settings)
        opened = sessions.start(s, settings, principal)
    new = STRONG + " again"
    changed = cli("users", "password", "dan", "--password-stdin", input=new + "\n")
    assert changed.exit_code == 0, changed.output
    weak = cli("users", "password", "dan", "--password-stdin", input="hunter2\n")
    assert weak.exit_code == 2 and "password" in weak.output and "Traceback" not in weak.output
    assert cli("users", "password", "ghost", "--password-stdin", input=new + "\n").exit_code == 2
    with transaction(db) as s:
        assert service.authenticate_password(s, "dan", new, None, settings=settings).username == "dan"
    with transaction(db) as s, pytest.raises(Unauthorized):
        sessions.resume(s, settings, opened.token)
    with transaction(db) as s, pytest.raises(Unauthorized):
        service.authenticate_password(s, "dan", STRONG, None, settings=settings)
    actions = [e["action"] for e in json.loads(cli("audit", "list", "--json").output)]
    assert actions.count("user.password") == 1


def test_users_expire_token_and_reset_totp(cli, db) -> None:
    assert (
        cli("users", "create", "gil", "--role", "coder", "--password-stdin", input=STRONG + "\n").exit_code
        == 0
    )
    raw = cli("users", "token", "gil", "--name", "laptop").output.strip()
    token_id = json.loads(cli("users", "tokens", "gil", "--json").output)[0]["id"]
    out = cli("users", "expire", "gil", str(token_id))
    assert out.exit_code == 0 and "expired" in out.output
    with transaction(db) as s, pytest.raises(Unauthorized):
        service.authenticate_token(s, raw)
    assert json.loads(cli("users", "tokens", "gil", "--json").output)[0]["state"] == "expired"
    assert cli("users", "expire", "gil", "999").exit_code == 2
    assert cli("users", "totp", "gil").output.startswith("otpauth://")
    assert cli("users", "totp-reset", "gil").exit_code == 0
    with transaction(db) as s:
        assert not service.totp_pending(s, "gil")
        assert service.authenticate_password(s, "gil", STRONG).username == "gil"  # no code asked
    actions = [e["action"] for e in json.loads(cli("audit", "list", "--json").output)]
    assert {"token.expire", "totp.enroll", "totp.reset"} <= set(actions)

"""MAC-chained append-only audit log: record, verify, anchor, tamper detection, SQLite triggers."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from assistant.core.db import transaction
from assistant.security import audit


def _fill(db, n: int = 4) -> None:
    with transaction(db) as s:
        for i in range(1, n + 1):
            audit.record(s, "alice", audit.PHI_READ, "patient", i, "10.1.1.1", {"page": "claim"})


def test_chain_links_and_verifies(db) -> None:
    _fill(db)
    with transaction(db) as s:
        entries = list(reversed(audit.list_entries(s)))
        report = audit.verify_chain(s)
    assert [e.id for e in entries] == [1, 2, 3, 4] and [e.target_id for e in entries] == ["1", "2", "3", "4"]
    assert report.intact and report.entries == 4 and report.last_hash == entries[-1].hash
    assert len({e.hash for e in entries}) == 4


def test_update_and_delete_are_refused_by_triggers(db) -> None:
    _fill(db, 2)
    for sql in ("UPDATE audit_log SET actor = 'mallory' WHERE id = 1", "DELETE FROM audit_log WHERE id = 2"):
        with pytest.raises(DatabaseError, match="append-only"), transaction(db) as s:
            s.execute(text(sql))


@pytest.mark.parametrize(
    ("tamper", "broken_id"),
    [
        ("UPDATE audit_log SET actor = 'mallory' WHERE id = 2", 2),
        ('UPDATE audit_log SET detail = \'{"page":"other"}\' WHERE id = 3', 3),
        ("DELETE FROM audit_log WHERE id = 2", 3),
    ],
)
def test_tampering_is_detected_at_first_broken_link(db, cli, tamper: str, broken_id: int) -> None:
    _fill(db, 4)
    assert cli("audit", "verify").exit_code == 0
    with transaction(db) as s:
        s.execute(text("DROP TRIGGER audit_log_no_update"))
        s.execute(text("DROP TRIGGER audit_log_no_delete"))
        s.execute(text(tamper))
    with transaction(db) as s:
        report = audit.verify_chain(s)
    assert not report.intact and report.broken_id == broken_id
    result = cli("audit", "verify")
    assert result.exit_code == 1 and f"entry {broken_id}" in result.output
    as_json = cli("audit", "verify", "--json")
    assert as_json.exit_code == 1 and json.loads(as_json.output)["broken_id"] == broken_id


FIELDS = ("id", "ts", "actor", "action", "target_type", "target_id", "ip", "detail")


def _drop_triggers(s) -> None:
    s.execute(text("DROP TRIGGER audit_log_no_update"))
    s.execute(text("DROP TRIGGER audit_log_no_delete"))


def _rehash_with_sha256(s, *, actor_of: dict[int, str] | None = None) -> None:
    """What an attacker with write access can do: edit rows, then recompute every link with plain sha256."""
    prev = audit.GENESIS
    for row in s.execute(text("SELECT * FROM audit_log ORDER BY id")).mappings().all():
        fields = {k: row[k] for k in FIELDS}
        fields["actor"] = (actor_of or {}).get(row["id"], row["actor"])
        new_hash = audit.legacy_hash(fields, prev)
        s.execute(
            text("UPDATE audit_log SET actor=:a, prev_hash=:p, hash=:h WHERE id=:i"),
            {"a": fields["actor"], "p": prev, "h": new_hash, "i": row["id"]},
        )
        prev = new_hash


def test_rehashed_edit_is_caught(db, cli) -> None:
    """Issue 18 §3: drop the trigger, edit an actor, recompute every hash: the MAC needs the key."""
    _fill(db, 4)
    with transaction(db) as s:
        _drop_triggers(s)
        _rehash_with_sha256(s, actor_of={2: "mallory"})
    result = cli("audit", "verify")
    assert result.exit_code == 1 and "entry 1" in result.output and "MAC" in result.output
    with transaction(db) as s:
        report = audit.verify_chain(s)
    assert not report.intact and report.broken_id == 1


def test_forged_entry_with_its_own_hash_is_caught_at_that_entry(db) -> None:
    _fill(db, 3)
    with transaction(db) as s:
        s.execute(text("DROP TRIGGER audit_log_no_update"))
        row = s.execute(text("SELECT * FROM audit_log WHERE id = 2")).mappings().one()
        fields = {k: row[k] for k in FIELDS} | {"actor": "mallory"}
        forged = audit.entry_mac(b"x" * 32, fields, row["prev_hash"])  # a guessed key
        s.execute(text("UPDATE audit_log SET actor='mallory', hash=:h WHERE id=2"), {"h": forged})
    with transaction(db) as s:
        report = audit.verify_chain(s)
    assert report.broken_id == 2 and "MAC" in (report.reason or "")


def test_truncated_newest_rows_are_caught_by_the_anchor(db, cli, settings) -> None:
    """Issue 18 §3: cutting the newest rows leaves a valid chain, but the anchor file remembers the head."""
    for _ in range(5):  # five commits, five anchored heads
        _fill(db, 1)
    anchor = settings.resolved_audit_anchor_path
    lines = [json.loads(line) for line in anchor.read_text().splitlines()]
    assert [line["id"] for line in lines] == [1, 2, 3, 4, 5]
    assert oct(anchor.stat().st_mode & 0o777) == "0o600"
    ok = cli("audit", "verify")
    assert ok.exit_code == 0 and "intact: 5 entries" in ok.output
    assert "proves:" in ok.output and "cannot prove:" in ok.output
    with transaction(db) as s:
        _drop_triggers(s)
        s.execute(text("DELETE FROM audit_log WHERE id > 3"))
    result = cli("audit", "verify")
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "records entry 5, but the log ends at entry 3" in said
    with transaction(db) as s:  # writing on after the cut does not hide it: id 4 now has another MAC
        audit.record(s, "alice", audit.PHI_READ, "patient", 9, None, {})
    again = json.loads(cli("audit", "verify", "--json").output)
    assert not again["intact"] and again["broken_id"] == 4 and "cut and rewritten" in again["reason"]


def test_legacy_chain_is_sealed_and_still_verified(db, cli, settings) -> None:
    """An unkeyed (sha256) log from before the upgrade: the next entry is preceded by a seal."""
    _fill(db, 3)
    with transaction(db) as s:
        _drop_triggers(s)
        _rehash_with_sha256(s)  # what a pre-upgrade database holds...
    settings.resolved_audit_anchor_path.unlink()  # ...with no anchor file yet
    with transaction(db) as s:
        audit.record(s, "bob", audit.PHI_READ, "patient", 7, None, {})
    with transaction(db) as s:
        rows = audit.list_entries(s)
        report = audit.verify_chain(s)
    seal = rows[1]
    assert seal.id == 4 and seal.action == audit.AUDIT_SEAL and seal.detail["legacy_through"] == 3
    assert report.intact and report.legacy_entries == 3 and report.entries == 5, report
    with transaction(db) as s:  # a legacy row rewritten after the seal: the seal's link no longer holds
        _rehash_with_sha256(s, actor_of={2: "mallory"})
    result = cli("audit", "verify", "--json")
    assert result.exit_code == 1 and json.loads(result.output)["broken_id"] == 4


def test_audit_list_cli(db, cli) -> None:
    _fill(db, 3)
    with transaction(db) as s:
        audit.record(s, "bob", audit.EXPORT_837, "claim", "C-1", None, {"file": "batch.x12"})
    rows = json.loads(cli("audit", "list", "--json").output)
    assert [r["id"] for r in rows] == [4, 3, 2, 1] and rows[0]["action"] == "export.837"
    only = json.loads(cli("audit", "list", "--json", "--actor", "alice", "--action", "phi.*").output)
    assert {r["actor"] for r in only} == {"alice"} and len(only) == 3
    assert "export.837" in cli("audit", "list").output


def test_an_emptied_log_is_caught(db, cli) -> None:
    from tests.security.conftest import make_user

    make_user(db, "alice", "coder")  # creating a user is audited, and anchored
    assert cli("audit", "verify").exit_code == 0
    with transaction(db) as s:
        _drop_triggers(s)
        s.execute(text("DELETE FROM audit_log"))
    result = cli("audit", "verify", "--json")
    assert result.exit_code == 1 and "emptied" in json.loads(result.output)["reason"]


def test_a_log_rewritten_unkeyed_after_the_upgrade_is_not_sealed(db, cli) -> None:
    """Rewriting the whole log as sha256 links (no key needed) must not pass as a legacy log to seal."""
    _fill(db, 3)
    with transaction(db) as s:
        _drop_triggers(s)
        _rehash_with_sha256(s, actor_of={2: "mallory"})
    with transaction(db) as s:
        audit.record(s, "bob", audit.PHI_READ, "patient", 7, None, {})
        assert audit.list_entries(s, action=audit.AUDIT_SEAL) == []
    result = json.loads(cli("audit", "verify", "--json").output)
    assert not result["intact"] and result["broken_id"] == 1


def test_a_target_id_any_database_can_hold(db) -> None:
    """A caller's raw ID (a NUL PostgreSQL text refuses, or 300 characters) is logged readable, not a 500."""
    with transaction(db) as s:
        audit.record(s, "alice", audit.PHI_WRITE, "claim", "\x00C-1\x1f", None, {})
        audit.record(s, "alice", audit.PHI_WRITE, "claim", "X" * 300, None, {})
    with transaction(db) as s:
        entries = list(reversed(audit.list_entries(s)))
        assert audit.verify_chain(s).intact
    assert entries[0].target_id == "\\x00C-1\\x1f"
    assert entries[1].target_id == "X" * audit.TARGET_ID_LENGTH

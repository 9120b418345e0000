"""Hash-chained append-only audit log: record, verify, tamper detection, SQLite triggers."""

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


def test_rehashed_forgery_breaks_the_next_link(db) -> None:
    """Recomputing a forged entry's own hash does not help: the next entry's prev_hash no longer matches."""
    _fill(db, 3)
    with transaction(db) as s:
        s.execute(text("DROP TRIGGER audit_log_no_update"))
        row = s.execute(text("SELECT * FROM audit_log WHERE id = 2")).mappings().one()
        fields = {
            k: row[k] for k in ("id", "ts", "actor", "action", "target_type", "target_id", "ip", "detail")
        }
        fields["actor"] = "mallory"
        forged = audit.entry_hash(fields, row["prev_hash"])
        s.execute(text("UPDATE audit_log SET actor='mallory', hash=:h WHERE id=2"), {"h": forged})
    with transaction(db) as s:
        report = audit.verify_chain(s)
    assert report.broken_id == 3 and "prev_hash" in (report.reason or "")


def test_audit_list_cli(db, cli) -> None:
    _fill(db, 3)
    with transaction(db) as s:
        audit.record(s, "bob", audit.EXPORT_837, "claim", "C-1", None, {"file": "batch.x12"})
    rows = json.loads(cli("audit", "list", "--json").output)
    assert [r["id"] for r in rows] == [4, 3, 2, 1] and rows[0]["action"] == "export.837"
    only = json.loads(cli("audit", "list", "--json", "--actor", "alice", "--action", "phi.*").output)
    assert {r["actor"] for r in only} == {"alice"} and len(only) == 3
    assert "export.837" in cli("audit", "list").output

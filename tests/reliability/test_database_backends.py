"""The operational schema on both backends: migrations, append-only guards, the audit chain, concurrency.

Every test here runs on SQLite and on PostgreSQL (``tests/conftest.py`` parametrises ``op_backend``);
the PostgreSQL run is skipped when no server is configured (``ASSISTANT_TEST_POSTGRES_URL``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from assistant.billing import service as billing
from assistant.billing.payments import take_payment
from assistant.billing.schemas import PaymentIn
from assistant.core import migrate
from assistant.core.db import make_engine, session_factory, transaction
from assistant.core.models_registry import load_all_models
from assistant.security import audit
from tests.billing.conftest import make_patient


@pytest.fixture
def empty_url(op_backend: str, tmp_path, request: pytest.FixtureRequest) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """An empty database (no template), to migrate from nothing."""
    if op_backend == "sqlite":
        (tmp_path / "data").mkdir()
        yield f"sqlite:///{tmp_path / 'data' / 'fresh.db'}"
        return
    from tests.reliability.pg import create_database, drop_database

    admin = request.config.getoption("--postgres-url")
    if not admin:
        pytest.skip("PostgreSQL backend not configured: set ASSISTANT_TEST_POSTGRES_URL")
    url = create_database(admin, prefix="empty")
    yield url
    drop_database(admin, url)


@pytest.fixture
def engine(tmp_settings) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    tmp_settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(tmp_settings.resolved_database_url)
    eng = make_engine(tmp_settings.resolved_database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


def _drift(url: str) -> list[object]:
    eng = make_engine(url)
    try:
        with eng.connect() as conn:
            return list(compare_metadata(MigrationContext.configure(conn), load_all_models().metadata))
    finally:
        eng.dispose()


def test_migrations_build_the_models_schema_from_nothing_and_back(empty_url: str) -> None:
    migrate.upgrade(empty_url)
    heads = set(migrate.current(empty_url))
    script = ScriptDirectory.from_config(migrate.alembic_config(empty_url))
    applied = {r.revision for r in script.iterate_revisions(sorted(heads), "base")}
    # each domain branch is applied up to its head (a head may have later revisions built on it)
    assert {
        "0520_codeset_flags",
        "0610_schedule",
        "0630_claimflow",
        "0600_parties",
        "0620_fees",
        "0300_billing",
        "0410_chat_conversations",
        "0530_security_admin",
    } <= applied
    assert heads == {r.revision for r in script.get_revisions("heads")}
    assert _drift(empty_url) == []  # the migrated schema is exactly what the ORM models declare
    migrate.upgrade(empty_url)  # a second run (every worker's start-up) is a no-op
    command.downgrade(migrate.alembic_config(empty_url), "base")
    eng = make_engine(empty_url)
    try:
        assert set(inspect(eng).get_table_names()) <= {"alembic_version"}
    finally:
        eng.dispose()
    migrate.upgrade(empty_url)
    assert _drift(empty_url) == []


def _ledger_with_payment(sessions: sessionmaker[Session]) -> int:
    with transaction(sessions) as s:
        pid = make_patient(s, member_id="MEM-PG-1")
        billing.post_charge(s, pid, 12000, actor="t", service_date=date(2026, 1, 5), description="Visit")
        take_payment(s, PaymentIn(patient=f"id:{pid}", amount_cents=2000, method="cash"), actor="desk")
        audit.record(s, "alice", audit.PHI_WRITE, "patient", pid, "127.0.0.1", {"what": "payment"})
    return pid


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE billing_ledger_entries SET amount_cents = 1",
        "DELETE FROM billing_ledger_entries",
        "UPDATE billing_payments SET amount_cents = 1",
        "DELETE FROM billing_payments",
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log",
    ],
)
def test_money_and_audit_tables_refuse_edits_on_both_backends(
    sessions: sessionmaker[Session], sql: str
) -> None:
    pid = _ledger_with_payment(sessions)
    with pytest.raises(DatabaseError, match="append-only"), transaction(sessions) as s:
        s.execute(text(sql))
    with transaction(sessions) as s:
        bal = billing.balance(s, f"id:{pid}", with_entries=False)
        assert (bal.balance_cents, bal.patient_due_cents) == (10000, 10000)
        assert audit.verify_chain(s).intact


def test_postgres_also_refuses_truncate(op_backend: str, sessions: sessionmaker[Session]) -> None:
    if op_backend != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    _ledger_with_payment(sessions)
    for table in ("billing_ledger_entries", "billing_payments", "billing_statements", "audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), transaction(sessions) as s:
            s.execute(text(f"TRUNCATE {table} CASCADE"))


def test_audit_chain_verifies_and_reports_the_first_broken_link(
    op_backend: str, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as s:
        for i in range(1, 6):
            audit.record(s, "bob", audit.PHI_READ, "claim", i, "10.0.0.1", {"page": "detail"})
    with transaction(sessions) as s:
        report = audit.verify_chain(s)
        assert report.intact and report.entries == 5
    # Someone with database-owner rights bypasses the guard and edits entry 3.
    disable = (
        ["DROP TRIGGER audit_log_no_update"]
        if op_backend == "sqlite"
        else ["ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete"]
    )
    with transaction(sessions) as s:
        for sql in disable:
            s.execute(text(sql))
        s.execute(text("UPDATE audit_log SET target_id = '99' WHERE id = 3"))
    with transaction(sessions) as s:
        report = audit.verify_chain(s)
    assert not report.intact and report.broken_id == 3 and "altered" in (report.reason or "")


def test_concurrent_writers_keep_the_chain_and_the_ledger_whole(sessions: sessionmaker[Session]) -> None:
    """Several app workers writing at once: no lost or doubled audit entry, payment or cent."""
    with transaction(sessions) as s:
        pid = make_patient(s, member_id="MEM-PG-2")
        billing.post_charge(s, pid, 100_000, actor="t", service_date=date(2026, 1, 5), description="Visit")
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(5):
                with transaction(sessions) as s:
                    take_payment(
                        s,
                        PaymentIn(
                            patient=f"id:{pid}", amount_cents=100, method="cash", idempotency_key=f"w{n}-{i}"
                        ),
                        actor=f"w{n}",
                    )
                    audit.record(s, f"w{n}", audit.PHI_WRITE, "patient", pid, None, {"i": i})
        except BaseException as exc:  # noqa: BLE001 - collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with transaction(sessions) as s:
        bal = billing.balance(s, f"id:{pid}", with_entries=False)
        assert bal.balance_cents == 100_000 - 20 * 100
        receipts = s.execute(
            text("SELECT count(*), count(DISTINCT receipt_number) FROM billing_payments")
        ).one()
        assert tuple(receipts) == (20, 20)
        report = audit.verify_chain(s)
        assert report.intact and report.entries >= 20
        assert billing.conservation(s).difference_cents == 0


def _in_threads(n: int, target) -> list[BaseException]:  # type: ignore[no-untyped-def]
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def run(k: int) -> None:
        try:
            barrier.wait()
            target(k)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_audit_writers_never_fork_the_chain(sessions: sessionmaker[Session]) -> None:
    def write(k: int) -> None:
        for i in range(8):
            with transaction(sessions) as s:
                audit.record(s, f"user{k}", audit.PHI_READ, "claim", f"{k}-{i}", None, {})

    assert _in_threads(4, write) == []
    with transaction(sessions) as s:
        report = audit.verify_chain(s)
    assert report.intact and report.entries == 32


def test_a_retried_payment_request_racing_the_first_posts_once(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        pid = make_patient(s, member_id="MEM-PG-3")
        billing.post_charge(s, pid, 5000, actor="t", service_date=date(2026, 1, 5), description="Visit")
    receipts: list[str] = []

    def pay(_k: int) -> None:
        with transaction(sessions) as s:
            data = PaymentIn(patient=f"id:{pid}", amount_cents=1500, method="cash", idempotency_key="dup-1")
            receipts.append(take_payment(s, data, actor="desk").receipt_number)

    assert _in_threads(3, pay) == []
    assert len(set(receipts)) == 1
    with transaction(sessions) as s:
        assert billing.balance(s, f"id:{pid}", with_entries=False).balance_cents == 3500

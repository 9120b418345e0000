"""Faults: ``kill -9`` in the middle of an 835 import and of a payment, then restart; a database held by
another writer; a full disk while writing a PDF. Nothing is lost, nothing is doubled, errors are clear.

The kill tests run the real CLI in a child process on both backends (SQLite, PostgreSQL).
"""

from __future__ import annotations

import errno
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from assistant.billing import service as billing
from assistant.config import Settings, get_settings
from assistant.core.db import make_engine, session_factory, transaction
from assistant.remit.service import import_835_file
from tests.billing.conftest import make_owing_patient
from tests.reliability.faults import kill_mid_transaction, run_cli, snapshot
from tests.remit.helpers import load_fixture_claims

X12 = Path(__file__).resolve().parent.parent / "fixtures" / "x12"
MULTI = X12 / "multi_claim.835"


@pytest.fixture
def reference_run(tmp_path: Path, migrated_template: Path) -> dict[str, Any]:
    """The same claims and 835 posted once, without any fault, in a separate SQLite database."""
    shutil.copyfile(migrated_template, tmp_path / "reference-run.db")
    url = f"sqlite:///{tmp_path / 'reference-run.db'}"
    engine = make_engine(url)
    try:
        factory = session_factory(engine)
        load_fixture_claims(factory)
        import_835_file(factory, MULTI)
        return snapshot(factory)
    finally:
        engine.dispose()


def _import_json(settings: Settings) -> dict[str, Any]:
    done = run_cli(settings, "remit", "import", str(MULTI), "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_kill_9_mid_835_import_then_restart_loses_and_doubles_nothing(
    sessions: sessionmaker[Session], tmp_settings: Settings, tmp_path: Path, reference_run: dict[str, Any]
) -> None:
    load_fixture_claims(sessions)
    before = snapshot(sessions)
    # killed while the 3rd claim's rows are written but not committed (claims 1-2 are committed)
    kill_mid_transaction(
        tmp_settings, "remit_claims", 3, "remit", "import", str(MULTI), marker=tmp_path / "paused"
    )
    crashed = snapshot(sessions)
    assert crashed["counts"]["remits"] == 1
    assert crashed["counts"]["remit_claims"] == 2  # the claim in flight rolled back whole
    assert crashed["counts"]["remit_provider_adjustments"] == 3
    assert crashed["counts"]["billing_ledger_entries"] == before["counts"]["billing_ledger_entries"]
    assert crashed["statuses"]["CLM-1001"] == "partially_paid" and crashed["statuses"]["CLM-1002"] == "denied"
    assert crashed["statuses"]["CLM-1004"] == before["statuses"]["CLM-1004"] == "submitted"

    restarted = _import_json(tmp_settings)  # the restart: the same command again
    assert (restarted["claims_posted"], restarted["claims_skipped"]) == (3, 2)
    assert restarted["provider_adjustments_posted"] == 0 and not restarted["ledger_errors"]
    after = snapshot(sessions)
    assert after == reference_run  # exactly what a run without the crash gives

    again = _import_json(tmp_settings)
    assert (again["claims_posted"], again["claims_skipped"], again["provider_adjustments_posted"]) == (
        0,
        5,
        0,
    )
    assert snapshot(sessions) == reference_run
    assert after["conservation"]["difference_cents"] == 0


def test_kill_9_while_the_remit_is_posted_to_the_ledger(
    sessions: sessionmaker[Session], tmp_settings: Settings, tmp_path: Path, reference_run: dict[str, Any]
) -> None:
    load_fixture_claims(sessions)
    charges = snapshot(sessions)["counts"]["billing_ledger_entries"]
    # every claim is posted; the insurance payments are being written to the ledger when it dies
    kill_mid_transaction(
        tmp_settings, "billing_ledger_entries", 3, "remit", "import", str(MULTI), marker=tmp_path / "paused"
    )
    crashed = snapshot(sessions)
    assert crashed["counts"]["remit_claims"] == 5
    assert crashed["counts"]["billing_ledger_entries"] == charges  # the ledger step is all or nothing
    restarted = _import_json(tmp_settings)
    assert restarted["claims_posted"] == 0 and restarted["ledger"][0]["entries_posted"] > 0
    assert snapshot(sessions) == reference_run
    _import_json(tmp_settings)
    assert snapshot(sessions) == reference_run


@pytest.fixture
def owing_patient(sessions: sessionmaker[Session]) -> int:
    with transaction(sessions) as s:
        return make_owing_patient(s, "MEM-K9")


def _balance(sessions: sessionmaker[Session], pid: int) -> int:
    with transaction(sessions) as s:
        return billing.balance(s, f"id:{pid}", with_entries=False).balance_cents


def test_kill_9_mid_payment_then_retry_posts_it_once(
    sessions: sessionmaker[Session], tmp_settings: Settings, tmp_path: Path, owing_patient: int
) -> None:
    before = snapshot(sessions)
    pay = ("billing", "pay", "MEM-K9", "--amount-cents", "12000", "--method", "cash", "--json")
    # payment row and its first ledger entry written, second entry in flight
    kill_mid_transaction(tmp_settings, "billing_ledger_entries", 2, *pay, marker=tmp_path / "paused")
    assert snapshot(sessions) == before  # no payment, no half-applied entries
    assert _balance(sessions, owing_patient) == 15000
    done = run_cli(tmp_settings, *pay)
    assert done.returncode == 0, done.stderr
    receipt = json.loads(done.stdout)
    assert [a["amount_cents"] for a in receipt["allocations"]] == [10000, 2000]
    after = snapshot(sessions)
    assert after["counts"]["billing_payments"] == 1
    assert after["ledger"]["patient_payment"] == 12000
    assert _balance(sessions, owing_patient) == 3000
    assert after["conservation"]["difference_cents"] == 0


# ----------------------------------------------------------------- a database held by another writer


@pytest.fixture
def cli(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_settings.data_dir))
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", tmp_settings.resolved_database_url)
    monkeypatch.setenv("ASSISTANT_REFERENCE_DB_PATH", str(tmp_settings.resolved_reference_db))
    monkeypatch.setattr("assistant.core.db.LOCK_TIMEOUT_MS", 300)  # wait 0.3 s for the lock, not 10 s
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


@pytest.fixture
def other_writer(op_backend: str, tmp_settings: Settings, sessions: sessionmaker[Session]) -> Iterator[Any]:
    """Another process in the middle of a write transaction that holds what the command needs."""
    if op_backend == "sqlite":
        path = tmp_settings.resolved_database_url.split("///", 1)[1]
        con = sqlite3.connect(path, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        con.execute(
            "INSERT INTO payers (payer_id, name, filing_indicator, telehealth_policy) VALUES "
            "('HOLD', 'held by another writer', 'CI', 'pos02')"
        )
        yield con
        con.execute("ROLLBACK")
        con.close()
    else:
        engine = create_engine(tmp_settings.resolved_database_url)
        conn = engine.connect()
        conn.execute(text("BEGIN"))
        for table in ("billing_payments", "remits"):
            conn.execute(text(f"LOCK TABLE {table} IN EXCLUSIVE MODE"))
        yield conn
        conn.rollback()
        conn.close()
        engine.dispose()


def _assert_clean_busy_error(result: Any) -> None:
    assert result.exit_code == 75, result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a traceback
    assert "Traceback" not in result.output
    assert "database is busy" in result.output and "try again" in result.output


def test_a_locked_database_gives_a_clear_retryable_error_and_writes_nothing(
    cli: CliRunner, sessions: sessionmaker[Session], owing_patient: int, other_writer: Any
) -> None:
    from assistant.cli.main import app

    before = snapshot(sessions)
    paid = cli.invoke(app, ["billing", "pay", "MEM-K9", "--amount-cents", "2500", "--method", "cash"])
    _assert_clean_busy_error(paid)
    imported = cli.invoke(app, ["remit", "import", str(MULTI)])
    _assert_clean_busy_error(imported)
    assert snapshot(sessions) == before


def test_after_the_other_writer_finishes_the_retry_succeeds(
    cli: CliRunner, sessions: sessionmaker[Session], owing_patient: int, other_writer: Any, op_backend: str
) -> None:
    from assistant.cli.main import app

    args = ["billing", "pay", "MEM-K9", "--amount-cents", "2500", "--method", "cash", "--json"]
    _assert_clean_busy_error(cli.invoke(app, args))
    if op_backend == "sqlite":
        other_writer.execute("ROLLBACK")
        other_writer.execute("BEGIN")  # the fixture's own ROLLBACK then ends this empty transaction
    else:
        other_writer.rollback()
    retried = cli.invoke(app, args)
    assert retried.exit_code == 0, retried.output
    assert _balance(sessions, owing_patient) == 12500
    assert snapshot(sessions)["counts"]["billing_payments"] == 1


# ----------------------------------------------------------------- the disk is full when writing a PDF


class _FullDisk:
    """A file object that accepts 1 KiB and then fails like a full disk."""

    def __init__(self, path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> None:
        self._fh = open(path, mode, *args, **kwargs)  # noqa: SIM115 - closed in __exit__
        self._left = 1024

    def write(self, data: bytes) -> int:
        if len(data) > self._left:
            self._fh.write(data[: self._left])
            self._left = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        self._left -= len(data)
        return self._fh.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("assistant.cli.common.open", _FullDisk, raising=False)


def test_disk_full_writing_a_statement_pdf_is_reported_and_leaves_no_half_file(
    cli: CliRunner, sessions: sessionmaker[Session], owing_patient: int, tmp_path: Path, full_disk: None
) -> None:
    from assistant.cli.main import app

    before = snapshot(sessions)
    out = tmp_path / "statement.pdf"
    result = cli.invoke(app, ["billing", "statement", "MEM-K9", "--pdf", str(out)])
    assert result.exit_code == 74, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    assert "No space left on device" in result.output and "statement.pdf" in result.output
    assert not out.exists() and list(tmp_path.glob(".statement.pdf*")) == []  # no truncated PDF
    assert snapshot(sessions) == before


def test_disk_full_writing_a_receipt_says_the_payment_was_recorded(
    cli: CliRunner, sessions: sessionmaker[Session], owing_patient: int, tmp_path: Path, full_disk: None
) -> None:
    from assistant.cli.main import app

    out = tmp_path / "receipt.pdf"
    args = ["billing", "pay", "MEM-K9", "--amount-cents", "2500", "--method", "cash", "--pdf", str(out)]
    result = cli.invoke(app, args)
    assert result.exit_code == 74, result.output
    assert "No space left on device" in result.output and "WAS recorded as receipt R" in result.output
    assert "do not take the payment again" in result.output
    assert not out.exists()
    after = snapshot(sessions)
    assert after["counts"]["billing_payments"] == 1 and after["conservation"]["difference_cents"] == 0
    assert _balance(sessions, owing_patient) == 12500

"""Fault injection for the reliability tests: run the real CLI in a child process that pauses inside a
database transaction (after its Nth INSERT into a table), so the test can ``kill -9`` it right there.

The hook is an SQLAlchemy event on every Engine, installed by the child's bootstrap code below, so the
product carries no test hook of its own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from assistant.config import PROJECT_ROOT, Settings
from tests.conftest import copy_migrated, migrated_sqlite

CHILD = r"""
import os, sys, time
from pathlib import Path
from sqlalchemy import Engine, event

table = os.environ.get("FAULT_PAUSE_TABLE")
nth = int(os.environ.get("FAULT_PAUSE_NTH", "1"))
marker = Path(os.environ.get("FAULT_MARKER", "/nonexistent"))
seen = 0

if table:
    @event.listens_for(Engine, "after_cursor_execute")
    def _pause(conn, cursor, statement, params, context, executemany):
        global seen
        head = " ".join(statement.split()[:3]).lower().replace('"', "")
        if head.startswith(f"insert into {table}"):
            seen += 1
            if seen == nth:
                marker.write_text(str(os.getpid()))
                time.sleep(600)  # inside the open transaction: the test kills us here

from assistant.cli.main import main
sys.argv = ["assistant", *sys.argv[1:]]
main()
"""


def cli_env(settings: Settings) -> dict[str, str]:
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(settings.data_dir),
        "ASSISTANT_DATABASE_URL": settings.resolved_database_url,
        "ASSISTANT_REFERENCE_DB_PATH": str(settings.resolved_reference_db),
        "PYTHONPATH": str(PROJECT_ROOT),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    for name in ("FAULT_PAUSE_TABLE", "FAULT_PAUSE_NTH", "FAULT_MARKER"):
        env.pop(name, None)
    return env


def run_cli(settings: Settings, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """The real ``assistant`` command in a child process (a restart after a crash is just another run)."""
    return subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=settings.data_dir.parent,
    )


def kill_mid_transaction(
    settings: Settings, table: str, nth: int, *args: str, marker: Path, timeout: float = 180
) -> str:
    """Start ``assistant *args``, wait until it pauses after its ``nth`` INSERT into ``table`` (inside the
    transaction), then SIGKILL it. Returns its stderr. Fails if the command finished without pausing."""
    env = {
        **cli_env(settings),
        "FAULT_PAUSE_TABLE": table,
        "FAULT_PAUSE_NTH": str(nth),
        "FAULT_MARKER": str(marker),
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=settings.data_dir.parent,
    )
    deadline = time.monotonic() + timeout
    try:
        while not marker.exists():
            if proc.poll() is not None:
                out, err = proc.communicate()
                raise AssertionError(
                    f"the command ended (rc {proc.returncode}) before pausing:\n{out}\n{err}"
                )
            if time.monotonic() > deadline:
                raise AssertionError("the command never reached the pause point")
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    marker.unlink()
    return err


TABLES = (
    "remits",
    "remit_claims",
    "remit_lines",
    "remit_adjustments",
    "remit_provider_adjustments",
    "remit_work_items",
    "billing_ledger_entries",
    "billing_payments",
    "claim_status_events",
)


def snapshot(sessions: sessionmaker[Session]) -> dict[str, Any]:
    """What must survive a crash exactly: row counts, claim statuses, ledger sums by kind, conservation."""
    from assistant.billing.service import conservation

    with sessions() as s:
        counts = {t: int(s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in TABLES}
        statuses: dict[str, str] = dict(
            s.execute(text("SELECT claim_id, status FROM claims ORDER BY claim_id")).tuples().all()
        )
        sums: dict[str, int] = dict(
            s.execute(
                text("SELECT kind, sum(amount_cents) FROM billing_ledger_entries GROUP BY kind ORDER BY kind")
            )
            .tuples()
            .all()
        )
        return {
            "counts": counts,
            "statuses": statuses,
            "ledger": {k: int(v) for k, v in sums.items()},
            "conservation": conservation(s).model_dump(),
        }


def import_in_fresh_data(
    tmp_path_factory: Any, monkeypatch: Any, file_name: str, content: bytes, *args: str
) -> Any:
    """``assistant <args> FILE`` through CliRunner on a fresh data folder (its database new, at head), FILE
    holding ``content``.

    A failure must be a clean exit with a message: the caller checks the output's wording.
    """
    from typer.testing import CliRunner

    from assistant.cli.main import app
    from assistant.config import get_settings

    folder = tmp_path_factory.mktemp("cli")
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(folder / "data"))
    monkeypatch.delenv("ASSISTANT_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    copy_migrated(get_settings(), migrated_sqlite())  # a new database at head, without the migrations' cost
    path = folder / file_name
    path.write_bytes(content)
    try:
        result = CliRunner().invoke(app, [*args[:2], str(path), *args[2:]])
    finally:
        get_settings.cache_clear()
    if result.exit_code != 0:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    return result

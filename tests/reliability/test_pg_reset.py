"""The PostgreSQL test database each test gets (``tests/conftest.py`` ``postgres_copy``): emptied in place
between tests, it must start every test exactly as a fresh copy of the migrated template would."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from assistant.billing import service as billing
from assistant.core.db import make_engine, session_factory, transaction
from tests.billing.conftest import make_patient
from tests.conftest import PostgresCopy
from tests.reliability.pg import schema_fingerprint


@pytest.fixture
def pg(op_backend: str, request: pytest.FixtureRequest) -> PostgresCopy:
    if op_backend != "postgresql":
        pytest.skip("the emptied-in-place database exists on PostgreSQL only")
    copy: PostgresCopy = request.getfixturevalue("postgres_copy")
    return copy


def _rows_and_first_patient(url: str) -> tuple[int, int]:
    """(rows in the append-only ledger, id of a newly created patient) on ``url``."""
    engine = make_engine(url)
    try:
        sessions = session_factory(engine)
        with transaction(sessions) as s:
            ledger = s.execute(text("SELECT count(*) FROM billing_ledger_entries")).scalar_one()
            pid = make_patient(s, member_id="MEM-RESET")
            billing.post_charge(s, pid, 5000, actor="t", service_date=date(2026, 1, 5), description="Visit")
        return int(ledger), pid
    finally:
        engine.dispose()


def test_a_reset_empties_the_tables_and_restarts_the_ids(pg: PostgresCopy) -> None:
    url = pg.fresh()
    assert _rows_and_first_patient(url) == (0, 1)
    held = make_engine(url).connect()  # a connection a test forgot, inside an open transaction
    held.execute(text("SELECT count(*) FROM billing_ledger_entries"))
    assert pg.fresh() == url
    assert _rows_and_first_patient(url) == (0, 1)  # the append-only ledger too, and the ids start again
    held.invalidate()
    assert schema_fingerprint(url) == pg.fingerprint


def test_a_changed_schema_is_copied_again_from_the_template(pg: PostgresCopy) -> None:
    url = pg.fresh()
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete"))
        conn.execute(text("ALTER TABLE billing_payments ADD COLUMN scratch integer"))
    engine.dispose()
    assert schema_fingerprint(url) != pg.fingerprint
    assert pg.fresh() == url
    assert schema_fingerprint(url) == pg.fingerprint
    assert _rows_and_first_patient(url) == (0, 1)

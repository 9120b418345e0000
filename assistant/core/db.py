"""Operational database (patients, claims, ledger): engine, sessions and the ORM base.

Reference data (code sets) lives in a separate SQLite file; see ``assistant.codesets.models``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from assistant.core.errors import DatabaseBusy

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    """Naive UTC, like every timestamp in the operational DB."""
    return datetime.now(UTC).replace(tzinfo=None)


# How long a writer waits for another writer's lock before giving up with DatabaseBusy
# (SQLite busy_timeout, PostgreSQL lock_timeout).
LOCK_TIMEOUT_MS = 10_000


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(LOCK_TIMEOUT_MS)}")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": LOCK_TIMEOUT_MS / 1000}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql"):
        return create_engine(
            url, pool_pre_ping=True, connect_args={"options": f"-c lock_timeout={int(LOCK_TIMEOUT_MS)}"}
        )
    return create_engine(url, pool_pre_ping=True)


@lru_cache
def engine_for(url: str) -> Engine:
    return make_engine(url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


# SQLite's lock messages; PostgreSQL SQLSTATEs: serialization_failure, deadlock_detected,
# lock_not_available, query_canceled (statement/lock timeout).
_SQLITE_BUSY = ("database is locked", "database is busy", "database table is locked")
_PG_BUSY = frozenset({"40001", "40P01", "55P03", "57014"})


def busy_error(exc: BaseException) -> DatabaseBusy | None:
    """The user-facing, retryable error for a database write conflict, or None for any other error."""
    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    text_ = str(orig).lower()
    if sqlstate in _PG_BUSY or any(m in text_ for m in _SQLITE_BUSY):
        return DatabaseBusy(
            f"the database is busy: another user or process is writing ({str(orig).strip()}); "
            "this change was rolled back and nothing of it was saved",
            field="database",
            fix="try again in a moment (imports and postings are idempotent: a re-run finishes the job)",
        )
    return None


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error (a write conflict -> DatabaseBusy)."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException as exc:
        session.rollback()
        busy = busy_error(exc)
        if busy is not None:
            raise busy from exc
        raise
    finally:
        session.close()


def serialize_writers(session: Session, name: str) -> None:
    """Make concurrent writers of ``name`` (e.g. the next receipt number) wait for one another.

    Call it before reading what a write depends on (a max id, the last audit hash). PostgreSQL: a
    transaction-scoped advisory lock (released at commit/rollback; other workers wait for it). SQLite:
    take the database write lock now (``BEGIN IMMEDIATE``, waiting up to busy_timeout) unless this
    transaction already holds it, so no other writer commits between the read and the write.
    """
    conn = session.connection()
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})
    elif dialect == "sqlite":
        raw = conn.connection.driver_connection
        if raw is not None and not raw.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

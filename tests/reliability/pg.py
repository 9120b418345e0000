"""Throwaway PostgreSQL databases for tests: one per test, created from a migrated template and dropped.

Names carry the pytest-xdist worker and a random suffix, so parallel workers (``pytest -n 2``) and
left-overs of an interrupted run never collide.
"""

from __future__ import annotations

import os
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def _run_as_admin(admin_url: str, statement: str) -> None:
    """One statement outside a transaction (CREATE/DROP DATABASE need that), on a throwaway engine."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


def create_database(admin_url: str, *, template: str | None = None, prefix: str = "t") -> str:
    """CREATE DATABASE (optionally as a copy of ``template``, a URL); returns the new database's URL."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"assistant_{prefix}_{worker}_{uuid.uuid4().hex[:10]}"
    clause = f" TEMPLATE {make_url(template).database}" if template else ""
    _run_as_admin(admin_url, f'CREATE DATABASE "{name}"{clause}')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, url: str) -> None:
    """DROP DATABASE, ending any connection a test left open (PostgreSQL 13+ ``WITH (FORCE)``)."""
    name = make_url(url).database
    _run_as_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

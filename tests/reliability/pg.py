"""Throwaway PostgreSQL databases for tests.

``create_database`` makes a database (optionally a copy of a migrated template) and ``drop_database``
drops it. Names carry the pytest-xdist worker and a random suffix, so parallel workers (``pytest -n 2``)
and left-overs of an interrupted run never collide.

``reset_database`` gives a test the same start as a fresh copy of the template, at a fraction of the
cost (a CREATE DATABASE copies the whole catalog, ~10 MB): it ends every other connection, empties every
table but ``alembic_version``, restarts the sequences and, when a test changed the schema (a dropped or
disabled trigger, an altered column...), drops the database and copies the template again.
"""

from __future__ import annotations

import os
import uuid

from sqlalchemy import Connection, create_engine, text
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


# Everything a test could change in the schema: relations, columns and their defaults, constraints,
# triggers (and whether they are enabled), functions, the Alembic revision.
_SCHEMA_FINGERPRINT = """
SELECT md5(coalesce(string_agg(item, '|' ORDER BY item), '')) FROM (
  SELECT concat_ws(':', 'rel', n.nspname, c.relname, c.relkind)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  UNION ALL
  SELECT concat_ws(':', 'col', a.attrelid::regclass, a.attname, format_type(a.atttypid, a.atttypmod),
                   a.attnotnull, pg_get_expr(d.adbin, d.adrelid))
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT concat_ws(':', 'con', conrelid::regclass, conname, pg_get_constraintdef(oid))
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL
  SELECT concat_ws(':', 'trg', tgrelid::regclass, tgname, tgenabled, pg_get_triggerdef(oid))
    FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL
  SELECT concat_ws(':', 'fn', p.proname, md5(p.prosrc))
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
  UNION ALL
  SELECT concat_ws(':', 'rev', version_num) FROM alembic_version
) AS s(item)
"""

_EMPTY_TABLES = """
DO $$
DECLARE r record;
BEGIN
  PERFORM set_config('session_replication_role', 'replica', true);  -- no append-only or FK triggers
  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'
  LOOP
    EXECUTE format('DELETE FROM public.%I', r.tablename);
  END LOOP;
  FOR r IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' LOOP
    EXECUTE format('ALTER SEQUENCE public.%I RESTART', r.sequencename);
  END LOOP;
END $$
"""


def _end_other_connections(conn: Connection) -> None:
    conn.execute(
        text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    )


def schema_fingerprint(url: str) -> str:
    """A digest of ``url``'s schema (what ``reset_database`` compares with the template's)."""
    engine = create_engine(url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text(_SCHEMA_FINGERPRINT)).scalar_one())
    finally:
        engine.dispose()


def reset_database(admin_url: str, url: str, *, template: str, fingerprint: str) -> None:
    """Bring ``url`` back to a fresh copy of ``template`` (whose schema digest is ``fingerprint``):
    emptied in place when its schema is unchanged, copied again otherwise."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            _end_other_connections(conn)
            unchanged = conn.execute(text(_SCHEMA_FINGERPRINT)).scalar_one() == fingerprint
            if unchanged:
                conn.execute(text(_EMPTY_TABLES))  # one statement: one transaction
    finally:
        engine.dispose()
    if not unchanged:
        name = make_url(url).database
        drop_database(admin_url, url)
        _run_as_admin(admin_url, f'CREATE DATABASE "{name}" TEMPLATE {make_url(template).database}')

"""The writes and bookkeeping queries of loading and importing code sets (the read side is repository.py).

Each function takes an open SQLAlchemy ``Connection`` to the reference SQLite (the caller owns the
transaction), except the two read-only helpers that open the file themselves.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, create_engine, delete, select, text

from assistant.codesets import models
from assistant.codesets.models import codes, releases

_CREATE_SEARCH = """
CREATE VIRTUAL TABLE code_search USING fts5(
    body, code UNINDEXED, system UNINDEXED, release_id UNINDEXED, tier UNINDEXED, see UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2'
)
"""

_POPULATE_SEARCH = [
    # tier 0: titles of every system; tier 0: ICD inclusion terms; tier 1: Alphabetic Index paths
    """INSERT INTO code_search (body, code, system, release_id, tier)
       SELECT title, code, system, release_id, 0 FROM codes""",
    """INSERT INTO code_search (body, code, system, release_id, tier)
       SELECT n.text, n.code, c.system, n.release_id, 0 FROM code_notes n
       JOIN codes c ON c.release_id = n.release_id AND c.code = n.code
       WHERE n.kind = 'inclusion_term'""",
    """INSERT INTO code_search (body, code, system, release_id, tier)
       SELECT t.path, t.code, 'ICD-10-CM', t.release_id, 1 FROM index_terms t
       WHERE t.code IS NOT NULL AND t.code NOT LIKE '%-'""",
    # tier 2: index cross-references ("Attack, heart: see Infarct, myocardium"), resolved at query time
    """INSERT INTO code_search (body, code, system, release_id, tier, see)
       SELECT t.path, '', 'ICD-10-CM', t.release_id, 2, t.see FROM index_terms t
       WHERE t.code IS NULL AND t.see IS NOT NULL AND t.source = 'main'""",
]

_EXTRA_INDEXES = [
    "CREATE INDEX IF NOT EXISTS ix_index_terms_main ON index_terms (release_id, main_term COLLATE NOCASE)",
    "CREATE INDEX IF NOT EXISTS ix_notes_kind ON code_notes (release_id, kind)",
]

# Every table holding rows of one release (deleted with the release when it is re-imported).
_RELEASE_TABLES = (
    models.codes,
    models.code_notes,
    models.seven_chr,
    models.index_terms,
    models.ncci_ptp,
    models.ncci_mue,
    models.mce_edits,
    models.mce_dx,
    models.mce_age_ranges,
)


def build_search_table(conn: Connection) -> int:
    """(Re)build the FTS5 table behind ``codes search`` (see fts.py); returns its row count."""
    conn.execute(text("DROP TABLE IF EXISTS code_search"))
    conn.execute(text(_CREATE_SEARCH))
    for statement in _POPULATE_SEARCH:
        conn.execute(text(statement))
    for statement in _EXTRA_INDEXES:
        conn.execute(text(statement))
    conn.execute(text("INSERT INTO code_search (code_search) VALUES ('optimize')"))
    return int(conn.execute(text("SELECT count(*) FROM code_search")).scalar_one())


def write_build_info(conn: Connection, fingerprint: str, built_seconds: float) -> None:
    conn.execute(text("CREATE TABLE build_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)"))
    conn.execute(
        text("INSERT INTO build_info VALUES ('fingerprint', :f), ('built_seconds', :s)"),
        {"f": fingerprint, "s": f"{built_seconds:.1f}"},
    )


def update_fingerprint(conn: Connection, fingerprint: str) -> None:
    conn.execute(text("UPDATE build_info SET value = :f WHERE key = 'fingerprint'"), {"f": fingerprint})


def enable_foreign_keys(conn: Connection) -> None:
    conn.execute(text("PRAGMA foreign_keys=ON"))


def delete_release(conn: Connection, system: str, release: str) -> None:
    """Remove a loaded release of ``system`` named ``release`` and all its rows (no-op when absent)."""
    old = (
        conn.execute(select(releases.c.id).where(releases.c.system == system, releases.c.release == release))
        .scalars()
        .all()
    )
    if not old:
        return
    for table in _RELEASE_TABLES:
        conn.execute(delete(table).where(table.c.release_id.in_(old)))
    conn.execute(delete(releases).where(releases.c.id.in_(old)))


def _read_only(db_path: Path) -> str:
    return f"sqlite:///file:{db_path}?mode=ro&uri=true"


def stored_fingerprint(db_path: Path) -> str | None:
    """The fingerprint the reference DB was built from (None when missing, old or foreign)."""
    if not db_path.exists():
        return None
    engine = create_engine(_read_only(db_path))
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT value FROM build_info WHERE key = 'fingerprint'")).scalar()
    except Exception:  # an old or foreign file: rebuild it
        return None
    finally:
        engine.dispose()


def newest_release_codes(db_path: Path, system: str) -> tuple[str | None, dict[str, str]]:
    """(release, {code: title}) of the newest loaded release of ``system`` ((None, {}) when none)."""
    if not db_path.exists():
        return None, {}
    engine = create_engine(_read_only(db_path))
    try:
        with engine.connect() as conn:
            row = conn.execute(
                select(releases.c.id, releases.c.release)
                .where(releases.c.system == system)
                .order_by(releases.c.effective_from.desc(), releases.c.id.desc())
                .limit(1)
            ).first()
            if row is None:
                return None, {}
            result = conn.execute(select(codes.c.code, codes.c.title).where(codes.c.release_id == row.id))
            return row.release, {r.code: r.title for r in result}
    except Exception:
        return None, {}
    finally:
        engine.dispose()


def release_codes(db_path: Path, system: str, release: str) -> dict[str, str]:
    """{code: title} of the loaded release ``release`` of ``system``."""
    engine = create_engine(_read_only(db_path))
    try:
        with engine.connect() as conn:
            rid = conn.execute(
                select(releases.c.id).where(releases.c.system == system, releases.c.release == release)
            ).scalar()
            rows = conn.execute(select(codes.c.code, codes.c.title).where(codes.c.release_id == rid))
            return {r.code: r.title for r in rows}
    finally:
        engine.dispose()

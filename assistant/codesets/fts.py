"""SQLite FTS5 table behind ``codes search``: titles and inclusion terms (tier 0) rank before Alphabetic Index
paths with a code (tier 1) and index "see" cross-references (tier 2, resolved when searched)."""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

CREATE = """
CREATE VIRTUAL TABLE code_search USING fts5(
    body, code UNINDEXED, system UNINDEXED, release_id UNINDEXED, tier UNINDEXED, see UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2'
)
"""

POPULATE = [
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

EXTRA_INDEXES = [
    "CREATE INDEX IF NOT EXISTS ix_index_terms_main ON index_terms (release_id, main_term COLLATE NOCASE)",
    "CREATE INDEX IF NOT EXISTS ix_notes_kind ON code_notes (release_id, kind)",
]


def build(conn: Connection) -> int:
    conn.execute(text("DROP TABLE IF EXISTS code_search"))
    conn.execute(text(CREATE))
    for statement in POPULATE:
        conn.execute(text(statement))
    for statement in EXTRA_INDEXES:
        conn.execute(text(statement))
    conn.execute(text("INSERT INTO code_search (code_search) VALUES ('optimize')"))
    return int(conn.execute(text("SELECT count(*) FROM code_search")).scalar_one())


_WORD = re.compile(r"[\w']+", re.UNICODE)


def match_expression(query: str) -> str | None:
    """A safe FTS5 query: every word must appear (prefix match on the last one)."""
    words = [w.replace("'", "") for w in _WORD.findall(query.lower())]
    words = [w for w in words if w]
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)

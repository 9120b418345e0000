"""SQLite FTS5 table behind ``codes search``: titles and inclusion terms (tier 0) rank before Alphabetic Index
paths with a code (tier 1) and index "see" cross-references (tier 2, resolved when searched).

The table is built by ``loader_repository.build_search_table``; this module turns a user's words into a
safe FTS5 query."""

from __future__ import annotations

import re

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

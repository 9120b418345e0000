"""The engine's working records: a retrieved candidate, a query and a pick (a code on its way to the answer).

They live apart from service.py so that the rule modules (rules, consolidate, coding_rules) import them at
module top without an import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.suggest.reader import Mention


@dataclass
class Candidate:
    code: str
    row: int
    score: float
    cos: float = 0.0
    coverage: float = 0.0
    title: float = 0.0
    matched: list[str] = field(default_factory=list)
    walk: float = 0.0  # the Index walk's score (0: not reached by the walk)
    walk_path: str = ""
    dense_rank: int = -1  # rank in the dense retriever's list (-1: not there)
    lex_rank: int = -1  # rank in the lexical retriever's list (-1: not there)
    lex_score: float = 0.0


@dataclass
class Query:
    text: str
    prefixes: tuple[str, ...] | None = None
    kind: str = "current"  # current | history | status | family
    walk_text: str | None = None  # what the Index walk reads, where it differs from ``text``
    phrase: bool = False  # a one-phrase request's query (the walk reads its "other" as "specified NEC")


# The reason a candidate found by the Index walk carries first ("Alphabetic Index: Sciatica -> M54.32").
INDEX_REASON = "Alphabetic Index: "


@dataclass
class Pick:
    code: str
    score: float
    final: bool
    mentions: list[Mention]
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)
    heads: list[Mention] = field(default_factory=list)  # the mentions whose first (final) code it is
    vetoed: bool = False  # a coding rule said "not coded": pairing rules must not make it final again

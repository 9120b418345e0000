"""The code-search quality set: is an expected code in the top k of ``search_codes``?

Each line of ``evals/datasets/code-search/queries.jsonl``: {"id", "q", "expected": [codes, any one counts],
"kind": code|prefix|term|abbreviation|lay, "on"?: date, "system"?: code system}.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from assistant.core.errors import InvalidInput
from assistant.suggest.code_search import search_codes

DEFAULT_SET = Path(__file__).parent / "datasets" / "code-search" / "queries.jsonl"


@dataclass
class SearchCase:
    id: str
    q: str
    expected: list[str]
    kind: str
    on: date | None = None
    system: str | None = None


@dataclass
class SearchResult:
    n: int = 0
    hits: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [hits, n]
    misses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.hits / self.n if self.n else 0.0

    def to_json(self, k: int) -> dict[str, Any]:
        return {
            f"top{k}": round(self.rate, 4),
            "n": self.n,
            "by_kind": {kind: round(h / n, 4) for kind, (h, n) in sorted(self.by_kind.items())},
            "misses": self.misses,
        }


def load_cases(path: Path = DEFAULT_SET) -> list[SearchCase]:
    if not path.is_file():
        raise InvalidInput(f"no search-quality set at {path}", field="dataset", fix="give a queries.jsonl")
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            on = date.fromisoformat(row["on"]) if row.get("on") else None
            cases.append(SearchCase(row["id"], row["q"], row["expected"], row["kind"], on, row.get("system")))
    return cases


def evaluate(
    reference: Any,
    cases: list[SearchCase],
    *,
    walker: Any = None,
    expander: Callable[[str], str] | None = None,
    k: int = 3,
) -> SearchResult:
    result = SearchResult()
    for case in cases:
        hits = search_codes(
            reference, case.q, system=case.system, limit=k, on=case.on, walker=walker, expander=expander
        )
        got = [h.code for h in hits[:k]]
        found = any(code in got for code in case.expected)
        result.n += 1
        result.hits += found
        tally = result.by_kind.setdefault(case.kind, [0, 0])
        tally[0] += found
        tally[1] += 1
        if not found:
            result.misses.append({"id": case.id, "q": case.q, "expected": case.expected, "got": got})
    return result

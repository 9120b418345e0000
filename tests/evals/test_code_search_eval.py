"""The code-search quality set: its runner and `assistant eval code-search` (real code sets)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.text import expand_abbreviations
from evals.code_search import DEFAULT_SET, evaluate, load_cases

runner = CliRunner()


def _write(tmp_path: Path) -> Path:
    rows = [
        {"id": "a", "q": "e11.9", "expected": ["E11.9"], "kind": "code"},
        {"id": "b", "q": "HTN", "expected": ["I10"], "kind": "abbreviation"},
        {"id": "c", "q": "hypertension", "expected": ["J45.909"], "kind": "term"},  # a wrong expectation
    ]
    path = tmp_path / "queries.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_evaluate_counts_hits_and_misses(reference: Any, tmp_path: Path) -> None:
    cases = load_cases(_write(tmp_path))
    walker = IndexWalker.from_reference(reference)
    result = evaluate(reference, cases, walker=walker, expander=expand_abbreviations, k=3)
    assert (result.n, result.hits) == (3, 2)
    assert result.by_kind == {"code": [1, 1], "abbreviation": [1, 1], "term": [0, 1]}
    assert [m["id"] for m in result.misses] == ["c"] and "I10" in result.misses[0]["got"]


def test_cli_json(reference: Any, tmp_path: Path) -> None:
    out = runner.invoke(app, ["eval", "code-search", "--dataset", str(_write(tmp_path)), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["top3"] == round(2 / 3, 4) and data["n"] == 3
    no_expand = runner.invoke(
        app,
        ["eval", "code-search", "--dataset", str(_write(tmp_path)), "--json", "--no-expand", "--no-walker"],
    )
    assert json.loads(no_expand.stdout)["by_kind"]["abbreviation"] == 0.0


def test_the_shipped_set_is_large_and_well_formed() -> None:
    cases = load_cases(DEFAULT_SET)
    assert len(cases) >= 100 and len({c.id for c in cases}) == len(cases)
    assert {c.kind for c in cases} == {"code", "prefix", "term", "abbreviation", "lay"}
    assert all(c.expected and all(e == e.strip().upper() for e in c.expected) for c in cases)

"""Candidate-pool recall per generator on the fixture index (HashingEmbedder) with a small Index."""

from __future__ import annotations

from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.service import EngineConfig, SuggestionService
from assistant.suggest.store import LoadedIndex
from evals import candidate_recall
from evals.runner import Case
from tests.suggest.fixture_corpus import FIXTURE_DIM, FIXTURE_DIR

ROWS = [
    {"source": "main", "level": 0, "path": "Elevated, elevation", "code": None},
    {
        "source": "main",
        "level": 1,
        "path": "Elevated, elevation, blood pressure",
        "code": None,
        "see": "Hypertension",
    },
    {"source": "main", "level": 0, "path": "Hypertension, hypertensive", "code": "I10"},
]


def _service() -> SuggestionService:
    embedder = HashingEmbedder(FIXTURE_DIM)
    index = LoadedIndex.open(FIXTURE_DIR, model=embedder.name)
    return SuggestionService(index, embedder, None, EngineConfig(), walker=IndexWalker.from_rows(ROWS))


def test_pools_per_generator() -> None:
    got = candidate_recall.pools(_service(), "Assessment: elevated blood pressure.", k=5)
    assert set(got) == set(candidate_recall.GENERATORS)
    assert got["walker"] == ["I10"]
    assert all(len(v) <= 5 for k, v in got.items() if k != "union")
    assert set(got["union"]) == set(got["dense"]) | set(got["bm25"]) | set(got["walker"])


def test_evaluate_counts_gold_found_by_each_generator() -> None:
    cases = [Case(id="a", text="Assessment: elevated blood pressure.", gold=["I10"])]
    result = candidate_recall.evaluate(_service(), cases, k=5)
    assert result["gold"] == 1 and result["recall"]["walker"] == 1.0 and result["recall"]["union"] == 1.0
    assert candidate_recall.recall(["E11.65", "I10"], ["I10", "E11", "J45.909"]) == (2, 3)

"""The learned phrase ranker (phrase_ranker.py): its features, its artifact and its nudge of the order."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from assistant.core.errors import AssistantError
from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.phrase_ranker import (
    FEATURES,
    PhraseRanker,
    features,
    load_phrase_ranker,
    reorder,
)
from assistant.suggest.ranker import export_trees
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.service import EngineConfig, SuggestionService
from assistant.suggest.text import tokens
from assistant.suggest.types import Candidate

TITLES = {
    "M12.30": ("Palindromic rheumatism, unspecified site", "M12.3"),
    "M12.349": ("Palindromic rheumatism, unspecified hand", "M12.34"),
    "M12.341": ("Palindromic rheumatism, right hand", "M12.34"),
    "J15.29": ("Pneumonia due to other staphylococcus", "J15.2"),
    "M12.3": ("Palindromic rheumatism", None),
    "M12.34": ("Palindromic rheumatism, hand", "M12.3"),
    "J15.2": ("Pneumonia due to staphylococcus", None),
}


class Catalog:
    def title(self, code: str) -> str:
        return TITLES[code][0]

    def title_tokens(self, code: str) -> set[str]:
        return set(tokens(self.title(code)))

    def parent(self, code: str) -> str | None:
        return TITLES[code][1]


def cands(*scored: tuple[str, float]) -> list[Candidate]:
    return [Candidate(code, i, score) for i, (code, score) in enumerate(scored)]


def column(x: np.ndarray, name: str) -> list[float]:
    return x[:, FEATURES.index(name)].tolist()


def test_features_say_how_each_title_covers_the_phrase_and_where_it_stands() -> None:
    listed = cands(("M12.30", 0.98), ("M12.349", 0.93), ("M12.341", 0.80), ("J15.29", 0.5))
    x = features(listed, "Palindromic rheumatism, hand", Catalog())
    assert x.shape == (4, len(FEATURES))
    assert column(x, "title_recall")[:2] == [pytest.approx(2 / 3), 1.0]  # "hand" is in the second title only
    # "unspecified site / hand" is about the site, not the kind of condition (phrase_order.kind_words)
    assert column(x, "title_unspecified") == [0.0] * 4
    assert column(x, "title_other") == [0.0, 0.0, 0.0, 1.0]
    assert column(x, "title_side") == [0.0, 0.0, 1.0, 0.0]
    assert column(x, "phrase_side") == [0.0] * 4
    assert column(x, "category_count") == [3.0, 3.0, 3.0, 1.0]
    assert column(x, "category_rank") == [0.0, 1.0, 2.0, 0.0]
    assert column(x, "siblings_in_list") == [1.0, 2.0, 2.0, 1.0]
    assert column(x, "score_gap") == [0.0, pytest.approx(-0.05), pytest.approx(-0.18), pytest.approx(-0.48)]


def _ranker_preferring_title_recall() -> PhraseRanker:
    """Trees fitted on rows whose label is "the title covers the whole phrase"."""
    rng = np.random.default_rng(0)
    x = rng.random((400, len(FEATURES)))
    y = (x[:, FEATURES.index("title_recall")] > 0.9).astype(int)
    model = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(x, y)
    trees, baseline = export_trees(model)
    return PhraseRanker(trees=trees, intercept=baseline)


def test_the_trees_nudge_the_order_by_their_weight_only() -> None:
    ranker = _ranker_preferring_title_recall()
    listed = cands(("M12.30", 0.98), ("M12.349", 0.93))
    kept = reorder([replace(c) for c in listed], "Palindromic rheumatism, hand", ranker, Catalog(), 40, 0.0)
    assert [c.code for c in kept] == ["M12.30", "M12.349"]
    moved = reorder([replace(c) for c in listed], "Palindromic rheumatism, hand", ranker, Catalog(), 40, 0.1)
    assert [c.code for c in moved] == ["M12.349", "M12.30"]
    # past the window nothing is re-scored
    outside = reorder([replace(c) for c in listed], "Palindromic rheumatism, hand", ranker, Catalog(), 1, 0.1)
    assert next(c.score for c in outside if c.code == "M12.349") == 0.93


def test_the_artifact_round_trips_and_refuses_other_features(tmp_path: Path) -> None:
    ranker = _ranker_preferring_title_recall()
    path = tmp_path / "phrase_ranker.json"
    ranker.save(path)
    loaded = load_phrase_ranker(path)
    assert loaded is not None
    x = np.random.default_rng(1).random((20, len(FEATURES)))
    assert np.allclose(loaded.predict(x), ranker.predict(x), atol=1e-5)
    data = ranker.to_json() | {"features": list(FEATURES[:-1])}
    with pytest.raises(AssistantError):
        PhraseRanker.from_json(data)
    assert load_phrase_ranker(tmp_path / "missing.json") is None


def test_the_committed_artifact_orders_a_phrase_through_the_engine(
    fixture_index: Path, fake_embedder: HashingEmbedder
) -> None:
    ranker = load_phrase_ranker()
    assert ranker is not None and len(ranker.trees) > 0
    config = EngineConfig(w_phrase_ranker=1.0)
    plain = SuggestionService.from_index_dir(fixture_index, fake_embedder, config=config)
    learned = SuggestionService.from_index_dir(fixture_index, fake_embedder, config=config)
    learned.phrase_ranker = ranker
    request = SuggestRequest(text="Classical cholera", top_k=5)
    before, after = plain.suggest(request), learned.suggest(request)
    assert after.suggestions[0].code == "A00.0"
    assert len({s.code for s in after.suggestions}) == len(after.suggestions)
    assert [s.score for s in before.suggestions] != [s.score for s in after.suggestions]

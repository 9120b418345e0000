from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.codesets.repository import CodeSetRepository
from assistant.suggest.embedder import Embedder, HashingEmbedder
from assistant.suggest.index_walker import walker_for
from assistant.suggest.ranker import load_ranker
from assistant.suggest.service import EngineConfig, SuggestionService
from assistant.suggest.store import LoadedIndex
from tests.suggest.fixture_corpus import FIXTURE_DIM, FIXTURE_DIR


@pytest.fixture(scope="session")
def fake_embedder() -> HashingEmbedder:
    return HashingEmbedder(FIXTURE_DIM)


@pytest.fixture(scope="session")
def fixture_index() -> Path:
    """The committed tiny index (indexes/fixture); test_fixture_index keeps it equal to a fresh build."""
    return FIXTURE_DIR


@pytest.fixture(scope="session")
def service(fixture_index: Path, fake_embedder: HashingEmbedder) -> SuggestionService:
    return SuggestionService.from_index_dir(fixture_index, fake_embedder)


EngineFactory = Callable[..., SuggestionService]


@pytest.fixture(scope="session")
def full_engine(
    fixture_index: Path, fake_embedder: HashingEmbedder, reference: CodeSetRepository
) -> EngineFactory:
    """Builds the whole engine on the fixture index (Index walker, committed ranker) with a given config
    or embedder."""
    index = LoadedIndex.open(fixture_index, model=fake_embedder.name)
    walker = walker_for(reference)
    assert walker is not None

    def build(config: EngineConfig | None = None, embedder: Embedder | None = None) -> SuggestionService:
        return SuggestionService(
            index, embedder or fake_embedder, reference, config=config, walker=walker, ranker=load_ranker()
        )

    return build

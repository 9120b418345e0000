from __future__ import annotations

from pathlib import Path

import pytest

from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.index_build import build_index
from assistant.suggest.service import SuggestionService
from tests.suggest.fixture_corpus import corpus


@pytest.fixture(scope="session")
def fake_embedder() -> HashingEmbedder:
    return HashingEmbedder(256)


@pytest.fixture(scope="session")
def fixture_index(tmp_path_factory: pytest.TempPathFactory, fake_embedder: HashingEmbedder) -> Path:
    index_dir = tmp_path_factory.mktemp("suggest") / "index"
    build_index(index_dir, corpus(), fake_embedder, progress=False)
    return index_dir


@pytest.fixture(scope="session")
def service(fixture_index: Path, fake_embedder: HashingEmbedder) -> SuggestionService:
    return SuggestionService.from_index_dir(fixture_index, fake_embedder)

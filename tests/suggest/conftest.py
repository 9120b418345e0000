from __future__ import annotations

from pathlib import Path

import pytest

from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.service import SuggestionService
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

"""After the full engine loads, a serving process freezes the loaded objects out of the collector's walks."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.app.container import Container
from assistant.config import Settings
from assistant.core.heap import SERVING_GEN0_THRESHOLD
from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.index_build import build_index
from assistant.suggest.schemas import SuggestRequest
from tests.suggest.fixture_corpus import FIXTURE_DIM, corpus


@pytest.fixture
def restore_collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def _container(tmp_path: Path, freeze: bool) -> Container:
    settings = Settings(
        data_dir=tmp_path / "data",
        index_dir=tmp_path / "index",
        reference_db_path=tmp_path / "x",
        freeze_heap_after_load=freeze,
    )
    build_index(settings.index_dir, corpus(), HashingEmbedder(FIXTURE_DIM), progress=False)
    container = Container(settings, embedder=HashingEmbedder(FIXTURE_DIM))
    container.__dict__["reference"] = corpus()
    return container


@pytest.mark.parametrize("freeze", [True, False])
def test_the_loaded_engine_is_frozen_only_when_set(
    tmp_path: Path, freeze: bool, restore_collector: None
) -> None:
    gc.unfreeze()
    engine = _container(tmp_path, freeze).suggester
    assert (gc.get_freeze_count() > 0) is freeze
    assert (gc.get_threshold()[0] == SERVING_GEN0_THRESHOLD) is freeze
    assert engine.suggest(SuggestRequest(text="Classical cholera", top_k=3)).suggestions[0].code == "A00.0"

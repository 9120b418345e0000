"""The committed index fixture is exactly what the fixture corpus and the hashing embedder build."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.index_build import build_index
from assistant.suggest.store import LoadedIndex
from tests.suggest.fixture_corpus import FIXTURE_DIM, FIXTURE_DIR, corpus


def test_committed_fixture_is_current(tmp_path: Path) -> None:
    fresh = build_index(tmp_path / "index", corpus(), HashingEmbedder(FIXTURE_DIM), progress=False)
    committed = json.loads((FIXTURE_DIR / "manifest.json").read_text())
    assert committed["inputs_sha"] == fresh.inputs_sha, "run `python -m tests.suggest.fixture_corpus`"
    assert committed["count"] == fresh.count == len(json.loads((FIXTURE_DIR / "ids.json").read_text()))
    a = LoadedIndex.open(FIXTURE_DIR, model=fresh.model)
    b = LoadedIndex.open(tmp_path / "index", model=fresh.model)
    assert a.ids == b.ids
    assert np.allclose(a.vectors(np.arange(len(a.ids))), b.vectors(np.arange(len(b.ids))))
    exact = LoadedIndex.open(FIXTURE_DIR, model=fresh.model, search="flat")
    assert (a.search, exact.search) == ("hnsw", "flat")
    assert np.array_equal(a.matrix, exact.matrix), "the HNSW graph holds the same vectors as the flat index"

"""The linear query adapter: its training step, loading, and the engine's use of it (HashingEmbedder fake)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from assistant.config import Settings
from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.query_adapter import (
    AdaptedEmbedder,
    QueryAdapter,
    adapter_in_use,
    load_query_adapter,
    with_query_adapter,
)
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.service import SuggestionService
from evals.train_adapter import query_text, synonym_pairs, train_weight

SYNONYMS = [
    ("heart attack", "acute myocardial infarction"),
    ("high blood pressure", "essential hypertension"),
    ("sugar diabetes", "type 2 diabetes mellitus"),
    ("kidney stone", "calculus of kidney"),
    ("pink eye", "acute conjunctivitis"),
    ("bedsore", "pressure ulcer"),
    ("lockjaw", "tetanus"),
    ("shingles", "herpes zoster"),
]


def _saved(tmp_path: Path, weight: np.ndarray) -> Path:
    path = tmp_path / "query_adapter.npy"
    np.save(path, weight.astype(np.float16))
    return path


def test_training_step_reduces_the_contrastive_loss_and_ranks_synonyms_better() -> None:
    fake = HashingEmbedder(64)
    queries = fake.embed([q for q, _ in SYNONYMS])
    targets = fake.embed([t for _, t in SYNONYMS])
    no_negatives = np.zeros((len(SYNONYMS), 0, 64), np.float32)
    weight, losses = train_weight(queries, targets, no_negatives, epochs=60, batch=8, lr=1e-2, decay=1e-4)
    assert losses[-1] < 0.5 * losses[0]
    before = int((np.argmax(queries @ targets.T, axis=1) == np.arange(len(SYNONYMS))).sum())
    adapted = QueryAdapter(weight).apply(queries)
    after = int((np.argmax(adapted @ targets.T, axis=1) == np.arange(len(SYNONYMS))).sum())
    assert after > before and after == len(SYNONYMS)


def test_decay_keeps_the_adapter_near_identity() -> None:
    fake = HashingEmbedder(64)
    queries = fake.embed([q for q, _ in SYNONYMS])
    targets = fake.embed([t for _, t in SYNONYMS])
    none = np.zeros((len(SYNONYMS), 0, 64), np.float32)
    loose, _ = train_weight(queries, targets, none, epochs=30, batch=8, lr=1e-2, decay=0.0)
    tight, _ = train_weight(queries, targets, none, epochs=30, batch=8, lr=1e-2, decay=1.0)
    eye = np.eye(64)
    assert np.linalg.norm(tight - eye) < np.linalg.norm(loose - eye)


def test_the_stored_adapter_loads_and_changes_query_vectors(tmp_path: Path) -> None:
    fake = HashingEmbedder(32)
    rng = np.random.default_rng(0)
    path = _saved(tmp_path, np.eye(32) + 0.3 * rng.standard_normal((32, 32)))
    wrapped = with_query_adapter(fake, True, path)
    assert isinstance(wrapped, AdaptedEmbedder) and wrapped.name == fake.name and wrapped.dim == 32
    plain, adapted = fake.embed(["acute cystitis"]), wrapped.embed(["acute cystitis"])
    assert not np.allclose(plain, adapted)
    assert np.allclose(np.linalg.norm(adapted, axis=1), 1.0, atol=1e-5)
    assert adapter_in_use(wrapped) == str(path) and adapter_in_use(fake) is None


def test_identity_adapter_keeps_vectors_and_zero_vectors_stay_zero(tmp_path: Path) -> None:
    fake = HashingEmbedder(32)
    wrapped = with_query_adapter(fake, True, _saved(tmp_path, np.eye(32)))
    assert np.allclose(wrapped.embed(["cough"]), fake.embed(["cough"]), atol=1e-3)
    adapter = load_query_adapter(_saved(tmp_path, np.eye(32)))
    assert adapter is not None
    assert not adapter.apply(np.zeros((1, 32), np.float32)).any()


def test_adapter_off_when_missing_disabled_or_of_another_width(tmp_path: Path) -> None:
    fake = HashingEmbedder(32)
    assert with_query_adapter(fake, True, tmp_path / "absent.npy") is fake
    assert with_query_adapter(fake, False, _saved(tmp_path, np.eye(32))) is fake
    assert with_query_adapter(fake, True, _saved(tmp_path, np.eye(16))) is fake
    np.save(tmp_path / "bad.npy", np.ones((4, 5), np.float16))
    with pytest.raises(ValueError, match="square"):
        load_query_adapter(tmp_path / "bad.npy")


def test_setting_defaults_off_and_can_be_turned_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSISTANT_SUGGEST_QUERY_ADAPTER", raising=False)
    assert Settings().suggest_query_adapter is False
    monkeypatch.setenv("ASSISTANT_SUGGEST_QUERY_ADAPTER", "1")
    assert Settings().suggest_query_adapter is True


def test_the_engine_suggests_through_an_adapted_embedder(
    fixture_index: Path, fake_embedder: HashingEmbedder, tmp_path: Path
) -> None:
    rng = np.random.default_rng(1)
    dim = fake_embedder.dim
    path = _saved(tmp_path, np.eye(dim) + 0.05 * rng.standard_normal((dim, dim)))
    embedder = with_query_adapter(fake_embedder, True, path)
    service = SuggestionService.from_index_dir(fixture_index, embedder)
    codes = [s.code for s in service.suggest(SuggestRequest(text="essential hypertension")).suggestions]
    assert codes and codes[0].startswith("I10")


def test_training_pairs_come_from_index_paths_and_inclusion_terms() -> None:
    records = [
        SimpleNamespace(
            system="ICD-10-CM",
            code="N30.00",
            index_terms=["Cystitis, acute, without hematuria"],
            inclusion_terms=["Acute cystitis NOS (simple)"],
        ),
        SimpleNamespace(system="ICD-10-CM", code="Z99.99", index_terms=["Unindexed"], inclusion_terms=[]),
        SimpleNamespace(system="HCPCS", code="A4663", index_terms=[], inclusion_terms=["Cuff"]),
    ]
    pairs = synonym_pairs(records, {"N30.00", "A4663"})
    assert {(p.text, p.code, p.source) for p in pairs} == {
        ("Cystitis acute without hematuria", "N30.00", "index"),
        ("Acute cystitis NOS", "N30.00", "inclusion"),
    }
    assert query_text("Hypertension, hypertensive (accelerated) (benign)") == "Hypertension hypertensive"


def test_long_queries_keep_their_plain_vector(tmp_path: Path) -> None:
    fake = HashingEmbedder(32)
    rng = np.random.default_rng(2)
    wrapped = with_query_adapter(
        fake, True, _saved(tmp_path, np.eye(32) + 0.3 * rng.standard_normal((32, 32)))
    )
    texts = ["acute cystitis", "the patient was admitted with acute cystitis and fever"]
    plain, adapted = fake.embed(texts), wrapped.embed(texts)
    assert not np.allclose(plain[0], adapted[0])
    assert np.allclose(plain[1], adapted[1])

"""The fast index build: distinct texts embedded once, batches sorted by token count, the ONNX export
made first and used for the build, and ``assistant index bench-build``.

The plumbing runs on the HashingEmbedder; the vectors and the benchmark on the real model and a sample of
real code-set texts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.config import Settings, get_settings
from assistant.suggest.corpus import MemoryCorpus
from assistant.suggest.embed_pool import ProcessPoolEmbedder, rechunk
from assistant.suggest.embedder import (
    HashingEmbedder,
    build_embedder,
    ensure_onnx_export,
    load_embedder,
    model_location,
    token_lengths,
)
from assistant.suggest.index_build import _embed_all, build_index, embed_plan, index_texts
from assistant.suggest.onnx_embedder import (
    OnnxEmbedder,
    current_export,
    export_dir,
    export_onnx,
    fused_graph,
    fused_operators,
)
from assistant.suggest.schemas import FusedOperators
from tests.conftest import reference_db
from tests.suggest.fixture_corpus import FIXTURE_DIM, corpus


class Recording:
    """The hashing embedder, remembering every batch it was given."""

    def __init__(self, dim: int = 64) -> None:
        self.inner = HashingEmbedder(dim)
        self.name, self.dim = self.inner.name, dim
        self.batches: list[list[str]] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.batches.append(list(texts))
        return self.inner.embed(texts)


class WordCounting(Recording):
    """Counts a word as a token, so that token order differs from character order."""

    def token_lengths(self, texts: list[str]) -> list[int]:
        return [len(t.split()) for t in texts]


class Streaming(Recording):
    """Takes the whole plan in one call, as the worker processes do, and hands it back chunk by chunk."""

    def __init__(self, dim: int = 64) -> None:
        super().__init__(dim)
        self.streamed: list[list[str]] = []

    def embed_stream(self, texts: list[str], chunk: int) -> Iterator[np.ndarray]:
        self.streamed.append(list(texts))
        return rechunk((self.inner.embed(texts[k : k + 3]) for k in range(0, len(texts), 3)), chunk)


TEXTS = [
    "essential hypertension",
    "cough",
    "type 2 diabetes mellitus with hyperglycemia",
    "cough",
    "a b c d e f g",
    "essential hypertension",
    "acute maxillary sinusitis, unspecified",
]


def test_each_distinct_text_is_embedded_once_and_rows_keep_their_order() -> None:
    embedder = Recording()
    vectors = _embed_all(embedder, TEXTS, False, batch=2)
    assert np.allclose(vectors, embedder.inner.embed(TEXTS), atol=1e-6)
    seen = [t for batch in embedder.batches for t in batch]
    assert sorted(seen) == sorted(set(TEXTS))
    assert all(len(b) <= 2 for b in embedder.batches)
    assert _embed_all(embedder, [], False).shape == (0, 64)


def test_a_streaming_embedder_is_given_the_whole_plan_once_and_rows_keep_their_order() -> None:
    embedder = Streaming()
    progress: list[tuple[int, int]] = []
    vectors = _embed_all(embedder, TEXTS, False, batch=2, on_batch=lambda done, n: progress.append((done, n)))
    assert np.allclose(vectors, embedder.inner.embed(TEXTS), atol=1e-6)
    assert embedder.streamed == [embed_plan(embedder, TEXTS)] and embedder.batches == []
    assert progress == [(2, 5), (4, 5), (5, 5)]  # the progress file still moves chunk by chunk
    per_chunk = _embed_all(embedder, TEXTS, False, batch=2, stream=False)  # the build before
    assert np.allclose(per_chunk, vectors, atol=1e-6)
    assert len(embedder.streamed) == 1 and [len(b) for b in embedder.batches] == [2, 2, 1]


def test_rechunk_regroups_the_rows_in_order_across_block_boundaries() -> None:
    blocks = [np.arange(k, k + n).reshape(-1, 1) for k, n in ((0, 3), (3, 3), (6, 1))]
    assert [g[:, 0].tolist() for g in rechunk(iter(blocks), 2)] == [[0, 1], [2, 3], [4, 5], [6]]
    assert [len(g) for g in rechunk(iter(blocks), 7)] == [7]
    assert list(rechunk(iter([]), 4)) == []


def test_the_fp32_ceiling_counts_the_weight_products_of_each_padded_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.suggest import build_bench

    config = {"hidden_size": 8, "intermediate_size": 32, "num_hidden_layers": 3}
    (tmp_path / "config.json").write_text(json.dumps(config))
    per_token = 2 * 3 * (4 * 8 * 8 + 2 * 8 * 32)
    assert build_bench.weight_flops_per_token(str(tmp_path)) == per_token
    shapes: list[tuple[int, int, int]] = []

    def one_gflop_per_second(rows: int, h: int, inner: int) -> float:
        shapes.append((rows, h, inner))
        return 1e9

    monkeypatch.setattr(build_bench, "gemm_flops_per_cpu_second", one_gflop_per_second)
    # batches of 2 sorted texts: [3, 3] and [5, 9] pad to 3 + 3 + 9 + 9 = 24 tokens, 6 a text
    ceiling = build_bench.fp32_ceiling(str(tmp_path), [9, 3, 5, 3], 2, 2)
    assert shapes == [(12, 8, 32)] and ceiling.tokens_per_text == 6.0
    assert ceiling.texts_per_cpu_second == round(1e9 / (per_token * 6), 1)
    assert ceiling.texts_per_s == round(2 * 1e9 / (per_token * 6), 1)


def test_batches_follow_the_token_count_not_the_characters() -> None:
    embedder = WordCounting()
    plan = embed_plan(embedder, TEXTS)
    counts = embedder.token_lengths(plan)
    assert counts == sorted(counts) and len(plan) == len(set(TEXTS))
    # 7 words, though fewer characters than the 6-word diabetes text
    assert plan[0] == "cough" and plan[-1] == "a b c d e f g"
    assert embed_plan(embedder, TEXTS, sort=False, dedup=False) == TEXTS
    unsorted = _embed_all(embedder, TEXTS, False, sort=False, dedup=False)
    assert np.allclose(unsorted, _embed_all(embedder, TEXTS, False), atol=1e-6)


def test_the_manifest_says_how_many_distinct_texts_were_embedded(tmp_path: Path) -> None:
    records = list(corpus().records())
    twin = next(r for r in records if r.billable)
    copy = replace(twin, code=twin.code + "X")  # same title and parent: the same dense text
    manifest = build_index(
        tmp_path / "index", MemoryCorpus([*records, copy]), HashingEmbedder(FIXTURE_DIM), progress=False
    )
    dense = json.loads((tmp_path / "index" / "dense_texts.json").read_text())
    without_twin = index_texts(records)[1]
    assert manifest.count == len(dense) == len(without_twin) + 1
    assert len(set(dense)) == len(set(without_twin))  # the twin's text is embedded once, with the code's
    assert manifest.texts_embedded == len(set(dense))
    assert manifest.embed_runtime == "HashingEmbedder"


# The real-model tests share the module's build on one xdist worker (one build per run).
REAL_BUILD = pytest.mark.xdist_group("real-build")


@pytest.fixture(scope="module")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("fastbuild")
    return Settings(reference_db_path=reference_db(), index_dir=root / "index", data_dir=root / "data")


@pytest.mark.slow
@REAL_BUILD
def test_the_build_exports_first_then_embeds_with_the_build_runtime(real_settings: Settings) -> None:
    from assistant.suggest.build_bench import sample_texts

    torch_settings = real_settings.model_copy(update={"embed_runtime": "torch"})
    assert getattr(build_embedder(torch_settings), "runtime", "") == "torch"  # the old path, kept
    name = load_embedder(torch_settings).name
    assert not export_dir(real_settings, name).exists()
    onnx = build_embedder(real_settings.model_copy(update={"build_embed_workers": 1}))
    assert isinstance(onnx, OnnxEmbedder)  # one in-process session: the build before the worker processes
    assert current_export(export_dir(real_settings, name), model_location(real_settings)[0]) is not None
    by_torch = real_settings.model_copy(update={"build_embed_runtime": "torch"})
    assert getattr(build_embedder(by_torch), "runtime", "") == "torch"
    # No fixed padding from tokenizer.json: a short text keeps its own length (it was padded to 128 tokens).
    assert onnx.token_lengths(["fever"]) == token_lengths(load_embedder(torch_settings), ["fever"])
    assert onnx.token_lengths(["fever"])[0] < 8
    texts, _ = sample_texts(real_settings, 96, seed=3)
    texts += texts[:5] + ["", "chronic kidney disease, stage 3 " * 40]  # duplicates, empty, past 256 tokens
    got = _embed_all(onnx, texts, False, batch=32)
    want = load_embedder(torch_settings).embed(texts)
    assert np.min(np.sum(got * want, axis=1)) >= 0.9999


@pytest.mark.slow
@REAL_BUILD
def test_the_build_embeds_in_worker_processes_with_the_same_vectors(real_settings: Settings) -> None:
    from assistant.suggest.build_bench import sample_texts

    one = build_embedder(real_settings.model_copy(update={"build_embed_workers": 1}))
    pool = build_embedder(
        real_settings.model_copy(update={"build_embed_workers": 2, "build_embed_batch_size": 8})
    )
    assert isinstance(pool, ProcessPoolEmbedder) and pool.workers == 2 and pool.batch_size == 8
    single = load_embedder(real_settings.model_copy(update={"embed_threads": 1}))
    assert isinstance(single, OnnxEmbedder)
    assert single.session.get_session_options().intra_op_num_threads == 1  # ASSISTANT_EMBED_THREADS=1
    try:
        texts, _ = sample_texts(real_settings, 40, seed=5)
        texts += ["", "cough", "chronic kidney disease, stage 3 " * 40]
        got = _embed_all(pool, texts, False, batch=12)  # every batch of 8 queued at once, chunks of 12
        want = _embed_all(one, texts, False, batch=16)
        assert got.shape == want.shape
        assert np.min(np.sum(got * want, axis=1)) >= 0.99999  # row for row: the workers keep the order
        per_chunk = _embed_all(pool, texts, False, batch=12, stream=False)  # the build before
        assert np.min(np.sum(per_chunk * got, axis=1)) >= 0.99999
        assert pool.embed([]).shape == (0, pool.dim)
    finally:
        pool.close()


@pytest.mark.slow
@REAL_BUILD
def test_the_fused_graph_gives_the_exports_vectors(real_settings: Settings, tmp_path: Path) -> None:
    from assistant.suggest.build_bench import sample_texts

    path, name = model_location(real_settings)
    info = ensure_onnx_export(real_settings)
    assert info is not None
    export = export_dir(real_settings, name)
    export_onnx(path, tmp_path / "eager", attention="eager")
    fused = fused_graph(tmp_path / "eager", path, tmp_path / "fused")
    assert fused_operators(fused) == FusedOperators(
        attention=6, skip_layer_normalization=12, bias_gelu=6, embed_layer_normalization=1
    )
    assert fused_operators(export).attention == 0  # the export serving loads is left as it is
    texts, _ = sample_texts(real_settings, 24, seed=7)
    texts += ["", "cough", "chronic kidney disease, stage 3 " * 40]
    plain = OnnxEmbedder(export, info, path, name, 8).embed(texts)
    got = OnnxEmbedder(fused, info, path, f"{name}-fused", 8).embed(texts)
    assert np.max(np.abs(np.sum(plain * got, axis=1) - 1.0)) < 1e-5


def test_build_index_stops_the_worker_processes_it_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[str] = []

    class Pooled(Recording):
        def close(self) -> None:
            closed.append(self.name)

    monkeypatch.setattr(
        "assistant.suggest.index_build.build_embedder", lambda settings, progress: Pooled(FIXTURE_DIM)
    )
    settings = Settings(index_dir=tmp_path / "index", data_dir=tmp_path / "data")
    build_index(settings, corpus(), None, progress=False)
    assert closed == [f"hashing-{FIXTURE_DIM}"]


@pytest.mark.slow
@REAL_BUILD
def test_bench_build_measures_every_step_on_one_sample(
    real_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_REFERENCE_DB_PATH", str(real_settings.reference_db_path))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(real_settings.index_dir))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(real_settings.data_dir))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            app, ["index", "bench-build", "--sample", "40", "--rounds", "2", "--json"]
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output[result.output.index("{") :])
    assert doc["sample"] == 40 and doc["rounds"] == 2 and doc["corpus_texts"] > 70_000
    assert [(s["runtime"], s["sorted"], s["dedup"]) for s in doc["steps"]] == [
        ("torch", False, False),
        ("torch", True, False),
        ("onnx", True, False),
        *[("onnx", True, True)] * 6,
    ]
    assert "processes" in doc["steps"][4]["step"] and doc["build_workers"] >= 1
    assert "queued at once" in doc["steps"][5]["step"] and "fused" in doc["steps"][7]["step"]
    assert [s["cpu_texts_per_s"] is None for s in doc["steps"]] == [False] * 4 + [True] * 2 + [False] * 3
    graphs = doc["fused_operators"]
    assert graphs["fused"]["attention"] == 6 and graphs["export"]["attention"] == 0
    for pair in ("processes_vs_one", "streamed_vs_per_chunk"):
        assert doc["cosine_min_mean"][pair][0] >= 0.99999
    assert doc["cosine_min_mean"]["fused_vs_export"][0] >= 0.99999
    top = doc["fp32_ceiling"]
    assert top["gemm_gflops_per_cpu_second"] > 1 and top["weight_flops_per_token"] == 2 * 6 * (
        4 * 384 * 384 + 2 * 384 * 1536
    )  # MiniLM-L6: 6 layers, 384 wide, 1536 in the feed-forward layer
    assert all(s["texts_per_s"] > 0 for s in doc["steps"]) and doc["steps"][0]["ratio"] == 1.0
    pad = doc["padded_tokens"]
    assert pad["real"] <= pad["sorted"] <= pad["corpus_order"]
    assert doc["cosine_min_mean"]["onnx_vs_torch"][0] >= 0.9999
    assert 0.5 < doc["cosine_min_mean"]["int8_vs_fp32"][0] < 1.0

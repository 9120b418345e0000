"""The model's ONNX export (fast start, no torch when serving), the HNSW graph and ``assistant bench``.

Real model, real code sets, a small real index (sinusitis, pharyngitis, diabetes, hypertension, cough).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.config import Settings, get_settings
from assistant.core.errors import NotReady
from assistant.suggest.embedder import ensure_onnx_export, load_embedder
from assistant.suggest.onnx_embedder import EXPORT_FILE, export_dir
from tests.conftest import reference_db

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("real-runtime")]
PREFIXES = ("J01", "J02", "E11.6", "I10", "R05")
TEXTS = [
    "Acute maxillary sinusitis",
    "",
    "T2DM with hyperglycemia",
    "chronic obstructive pulmonary disease with acute exacerbation " * 30,  # past 256 tokens
    "cough",
]


@pytest.fixture(scope="module")
def small_real(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from assistant.codesets.repository import CodeSetRepository
    from assistant.suggest.corpus import SqlCorpus, indexable
    from assistant.suggest.index_build import build_index

    root = tmp_path_factory.mktemp("runtime")
    settings = Settings(reference_db_path=reference_db(), index_dir=root / "index", data_dir=root / "data")
    reference = CodeSetRepository.open(reference_db())
    codes = {
        r.code for r in SqlCorpus(reference.engine).records() if indexable(r) and r.code.startswith(PREFIXES)
    }
    build_index(settings, reference, load_embedder(settings, runtime="torch"), codes=codes, progress=False)
    assert ensure_onnx_export(settings) is not None
    return settings


def _env(settings: Settings) -> dict[str, str]:
    return dict(
        os.environ,
        ASSISTANT_REFERENCE_DB_PATH=str(settings.reference_db_path),
        ASSISTANT_INDEX_DIR=str(settings.index_dir),
        ASSISTANT_DATA_DIR=str(settings.data_dir),
    )


def test_export_gives_the_vectors_sentence_transformers_gives(small_real: Settings) -> None:
    onnx, torch = load_embedder(small_real), load_embedder(small_real, runtime="torch")
    assert (getattr(onnx, "runtime", ""), getattr(torch, "runtime", "")) == ("onnx", "torch")
    assert onnx.name == torch.name and onnx.dim == torch.dim == 384
    for batch in (TEXTS, TEXTS[:1], list(reversed(TEXTS))):
        a, b = onnx.embed(batch), torch.embed(batch)
        assert a.shape == b.shape == (len(batch), 384)
        assert np.min(np.sum(a * b, axis=1)) > 0.9999
        assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert onnx.embed([]).shape == (0, 384)


def test_a_stale_or_missing_export_is_never_used(small_real: Settings, tmp_path: Path) -> None:
    other = small_real.model_copy(update={"index_dir": tmp_path / "index"})
    name = load_embedder(small_real).name
    with pytest.raises(NotReady) as missing:
        load_embedder(other, runtime="onnx")
    assert missing.value.field == "embed_runtime" and "index build" in (missing.value.fix or "")
    shutil.copytree(export_dir(small_real, name), export_dir(other, name))
    assert getattr(load_embedder(other), "runtime", "") == "onnx"
    info_path = export_dir(other, name) / EXPORT_FILE
    info = json.loads(info_path.read_text())
    info_path.write_text(json.dumps({**info, "source_sha256": "0" * 64}))  # the model changed since
    assert getattr(load_embedder(other), "runtime", "") == "torch"
    with pytest.raises(NotReady):
        load_embedder(other, runtime="onnx")


def test_serving_on_the_export_never_imports_torch(small_real: Settings) -> None:
    code = (
        "import json, sys\n"
        "from assistant.config import get_settings\n"
        "from assistant.app.container import Container\n"
        "from assistant.suggest.schemas import SuggestRequest\n"
        "r = Container(get_settings()).suggester.suggest(SuggestRequest(text='Acute maxillary sinusitis'))\n"
        "print(json.dumps({'codes': [s.code for s in r.suggestions], 'torch': 'torch' in sys.modules,\n"
        "  'st': 'sentence_transformers' in sys.modules}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=_env(small_real), capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout.strip().splitlines()[-1])
    assert doc["torch"] is False and doc["st"] is False
    assert doc["codes"][0].startswith("J01.0")


class _CountingSession:
    """An onnxruntime session that counts the texts (rows) it is asked to run."""

    def __init__(self, session: Any) -> None:
        self.session, self.rows = session, 0

    def run(self, names: Any, feeds: dict[str, np.ndarray]) -> Any:
        self.rows += len(feeds["input_ids"])
        return self.session.run(names, feeds)


def test_texts_the_tokenizer_reads_alike_are_run_once(small_real: Settings) -> None:
    embedder = load_embedder(small_real)
    assert getattr(embedder, "runtime", "") == "onnx"
    texts = ["Cough", "cough", "Acute maxillary sinusitis", "acute MAXILLARY sinusitis", "fever", "COUGH"]
    counting = _CountingSession(embedder.session)  # type: ignore[attr-defined]
    embedder.session = counting  # type: ignore[attr-defined]
    got = embedder.embed(texts)
    assert counting.rows == 3  # the uncased model reads "Cough", "cough" and "COUGH" alike
    assert got[0].tobytes() == got[1].tobytes() == got[5].tobytes()
    assert got[2].tobytes() == got[3].tobytes()
    apart = np.stack([embedder.embed([t])[0] for t in texts])
    np.testing.assert_allclose(got, apart, atol=1e-6)
    assert not np.allclose(got[0], got[4])


def test_hnsw_and_flat_search_agree_on_a_small_index(small_real: Settings) -> None:
    from assistant.suggest.service import SuggestionService

    embedder = load_embedder(small_real)
    answers = {}
    for search in ("hnsw", "flat"):
        service = SuggestionService.from_settings(
            small_real.model_copy(update={"dense_search": search}), None, embedder
        )
        assert service.index.search == search
        vectors = embedder.embed(["acute sinusitis", "cough", "type 2 diabetes with hyperglycemia"])
        answers[search] = service._dense_search(["a", "b", "c"], vectors)
    for q in ("a", "b", "c"):
        assert [r for r, _ in answers["hnsw"][q][:5]] == [r for r, _ in answers["flat"][q][:5]]


def test_bench_cli_prints_the_contract_and_compares_configurations(
    small_real: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in _env(small_real).items():
        if key.startswith("ASSISTANT_"):
            monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["bench", "--json", "--notes", "3"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output[result.output.index("{") :])
    for key in ("note_latency_ms", "embedding_floor_ms", "retrieval_ms"):
        assert 0 < doc[key]["p50"] <= doc[key]["p95"]
    assert doc["ratio_p50"] == round(doc["note_latency_ms"]["p50"] / doc["embedding_floor_ms"]["p50"], 2)
    assert doc["embed_runtime"] == "onnx" and doc["dense_search"] == "hnsw"
    assert doc["warm_start_s"] > 0 and doc["peak_rss_mb"] > 100
    assert doc["torch_imported_when_serving"] is False
    assert doc["batch_notes_per_s"] > 0 and doc["index_codes"] > 50
    pairs = {(c["embed_runtime"], c["dense_search"]) for c in doc["configurations"]}
    assert pairs == {("onnx", "hnsw"), ("onnx", "flat"), ("torch", "hnsw"), ("torch", "flat")}
    assert set(doc["warm_start_by_runtime"]) == {"onnx", "torch"}
    assert 0.0 <= doc["dense_index_compare"]["hnsw_recall_at_30_vs_flat"] <= 1.0


def test_int8_is_one_setting_for_build_and_queries(small_real: Settings) -> None:
    from assistant.suggest.embedder import configured_model_name
    from assistant.suggest.index_build import build_needed

    int8 = small_real.model_copy(update={"embed_precision": "int8"})
    assert configured_model_name(int8) == configured_model_name(small_real) + "-int8"
    # The fp32 index no longer serves: the index records its variant, so switching means a rebuild.
    assert "model" in (build_needed(int8) or "")
    with pytest.raises(NotReady, match="int8"):
        load_embedder(int8)  # no int8 copy made yet
    ensure_onnx_export(int8)
    embedder = load_embedder(int8)
    assert embedder.name.endswith("-int8") and getattr(embedder, "runtime", "") == "onnx"
    fp32 = load_embedder(small_real, runtime="onnx").embed(TEXTS)
    got = embedder.embed(TEXTS)
    agreement = np.sum(got * fp32, axis=1)
    assert np.min(agreement) > 0.85 and np.mean(agreement) > 0.9  # close to the fp32 vectors, not equal
    with pytest.raises(NotReady, match="onnxruntime only"):
        load_embedder(int8, runtime="torch")

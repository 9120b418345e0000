"""The same sentence-transformers model run by onnxruntime: one verified export, no torch at serving time.

``export_onnx`` traces the model (transformer + pooling + normalisation, exactly as sentence-transformers
runs it) once, checks the export against sentence-transformers on sample texts, and writes
``model.onnx`` with ``export.json`` naming the source model's fingerprint. ``OnnxEmbedder.load`` accepts
only an export whose fingerprint matches the installed model, so the vectors always agree with the index.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import warnings
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel

from assistant.suggest.index_manifest import read_document
from assistant.suggest.schemas import FusedOperators

EXPORT_FORMAT = 1
EXPORT_FILE = "export.json"
MODEL_FILE = "model.onnx"
# The export is used only when every sample agrees with sentence-transformers to this cosine.
MIN_COSINE = 0.9999
SAMPLE_TEXTS = (
    "Type 2 diabetes mellitus with diabetic chronic kidney disease",
    "cough",
    "Displaced fracture of shaft of right femur, initial encounter for closed fracture",
    "personal history of nicotine dependence",
    "essential (primary) hypertension",
    "Acute on chronic systolic (congestive) heart failure with reduced ejection fraction " * 12,
    "status post left total knee arthroplasty",
    "Wheelchair, standard, fixed full length arms, swing away detachable footrests",
)


def export_dir(settings: Any, name: str) -> Path:
    """Where the export for model ``name`` lives: beside the index, under ``indexes/models/``."""
    return Path(settings.index_dir).parent / "models" / name


def model_fingerprint(model_path: str) -> str:
    """sha256 over every file of the model folder (names and bytes), so any change retires the export."""
    root = Path(model_path)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts):
        digest.update(str(path.relative_to(root)).encode())
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


class OnnxExport(BaseModel):
    """An export's ``export.json``: the model it was traced from and what the runtime needs to serve it."""

    format: int
    source: str
    source_sha256: str
    dimension: int
    max_seq_length: int
    pad_id: int
    pad_token: str
    torch: str
    opset: int
    exported_at: str
    verified_min_cosine: float | None = None

    def write(self, folder: Path) -> None:
        (folder / EXPORT_FILE).write_text(self.model_dump_json(indent=2))


def read_export(folder: Path) -> OnnxExport | None:
    info = read_document(folder / EXPORT_FILE, OnnxExport)
    if info is None or info.format != EXPORT_FORMAT or not (folder / MODEL_FILE).exists():
        return None
    return info


def current_export(folder: Path, model_path: str) -> OnnxExport | None:
    """The export's export.json when it was made from the model now installed, else None."""
    info = read_export(folder)
    if info is None or info.source_sha256 != model_fingerprint(model_path):
        return None
    return info


class OnnxEmbedder:
    """Tokenizer (``tokenizers``) + onnxruntime session; vectors equal sentence-transformers' to 1e-4."""

    runtime = "onnx"

    def __init__(
        self,
        folder: Path,
        info: OnnxExport,
        model_path: str,
        name: str,
        batch_size: int = 64,
        threads: int | None = None,
    ) -> None:
        """``info``: the export's export.json (``current_export`` or ``read_export``); ``threads``: the
        session's intra-op threads (default: every core)."""
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.folder, self.info, self.model_path = folder, info, model_path
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or max(1, os.cpu_count() or 1)
        if threads is not None:
            options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle worker threads would otherwise spin after each run and slow the retrieval that follows
        # (measured: retrieval per note 52 -> 31 ms, embedding time unchanged).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=info.max_seq_length)
        # tokenizer.json may carry a fixed padding (128 tokens for this model): off, so each text keeps its
        # own length and a batch is padded by hand to its longest text (9x less work on short queries).
        self.tokenizer.no_padding()
        self.pad_id = info.pad_id  # batches are padded by hand to their longest text
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.name = name
        self.dim = info.dimension
        self.batch_size = batch_size

    @classmethod
    def load(
        cls, folder: Path, model_path: str, name: str, batch_size: int = 64, threads: int | None = None
    ) -> OnnxEmbedder | None:
        """The embedder when a current export exists, else None."""
        info = current_export(folder, model_path)
        return None if info is None else cls(folder, info, model_path, name, batch_size, threads)

    def token_lengths(self, texts: list[str]) -> list[int]:
        """Tokens per text after truncation (the length each one pads a batch to)."""
        return [len(e.ids) for e in self._encode(texts)]

    def _encode(self, texts: list[str]) -> list[Any]:
        return list(self.tokenizer.encode_batch(texts))

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        encoded = self._encode(texts)
        # Texts the tokenizer reads alike (the model is uncased: "Gout" and "gout") are run once: the
        # same input gives the same vector (a note asks for ~9% such repeats).
        first: dict[tuple[int, ...], int] = {}
        source = [first.setdefault(tuple(e.ids), i) for i, e in enumerate(encoded)]
        # Batches of equal token length pad nothing (sentence-transformers sorts by characters only).
        order = sorted(first.values(), key=lambda i: len(encoded[i].ids))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            width = max(len(encoded[i].ids) for i in rows)
            feeds = {
                "input_ids": np.full((len(rows), width), self.pad_id, dtype=np.int64),
                "attention_mask": np.zeros((len(rows), width), dtype=np.int64),
                "token_type_ids": np.zeros((len(rows), width), dtype=np.int64),
            }
            for r, i in enumerate(rows):
                e = encoded[i]
                n = len(e.ids)
                feeds["input_ids"][r, :n] = e.ids
                feeds["attention_mask"][r, :n] = e.attention_mask
                feeds["token_type_ids"][r, :n] = e.type_ids
            out[rows] = self.session.run(None, {k: feeds[k] for k in self.inputs})[0]
        out = out[source]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return np.ascontiguousarray(out / norms, dtype=np.float32)


def quantize_int8(folder: Path, out_folder: Path) -> Path:
    """A dynamic int8 copy of the export in ``out_folder`` (used when ``embed_precision`` is int8)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out_folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(folder / EXPORT_FILE, out_folder / EXPORT_FILE)
    quantize_dynamic(str(folder / MODEL_FILE), str(out_folder / MODEL_FILE), weight_type=QuantType.QInt8)
    return out_folder


def fused_graph(folder: Path, model_path: str, out_folder: Path) -> Path:
    """A copy of the export in ``out_folder`` with onnxruntime's transformer fusions (Attention,
    SkipLayerNormalization, BiasGelu, EmbedLayerNormalization: ``optimize_model``, model type "bert").

    Measured only (``index bench-build``): the build and serving keep the plain export, which is as fast on
    this model (the matrix products are ~85% of its time and the fused kernels do not run them faster).
    The Attention fusion needs an export traced with eager attention (``export_onnx(attention="eager")``).
    """
    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((Path(model_path) / "config.json").read_text())
    out_folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(folder / EXPORT_FILE, out_folder / EXPORT_FILE)
    model = optimize_model(
        str(folder / MODEL_FILE),
        model_type="bert",
        num_heads=int(config["num_attention_heads"]),
        hidden_size=int(config["hidden_size"]),
        opt_level=0,  # the graph rewrites only; the session applies its own optimizations on load
    )
    model.save_model_to_file(str(out_folder / MODEL_FILE))
    return out_folder


def fused_operators(folder: Path) -> FusedOperators:
    """How many nodes of each fused transformer operator the graph in ``folder`` holds."""
    import onnx

    graph = onnx.load(str(folder / MODEL_FILE), load_external_data=False).graph
    count = Counter(node.op_type for node in graph.node)
    return FusedOperators(
        attention=count["Attention"],
        skip_layer_normalization=count["SkipLayerNormalization"],
        bias_gelu=count["BiasGelu"],
        embed_layer_normalization=count["EmbedLayerNormalization"],
    )


def export_onnx(model_path: str, folder: Path, attention: str | None = None) -> OnnxExport:
    """Trace the sentence-transformers model to ONNX in ``folder`` and verify it; returns export.json.

    ``attention``: transformers' attention implementation to trace (default: the library's, sdpa; "eager"
    gives the graph onnxruntime's Attention fusion recognizes). Raises RuntimeError (and leaves no export)
    when the traced model disagrees with sentence-transformers.
    """
    import torch
    from sentence_transformers import SentenceTransformer

    kwargs = {"attn_implementation": attention} if attention else None
    model = SentenceTransformer(model_path, device="cpu", model_kwargs=kwargs).eval()

    class Traced(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            features = {
                "input_ids": input_ids,
                "attention_mask": attention_mask,
                "token_type_ids": token_type_ids,
            }
            return self.model(features)["sentence_embedding"]

    tmp = folder.with_name(folder.name + ".exporting")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        info = _trace_and_verify(model, Traced().eval(), model_path, tmp)
    except Exception:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return info


def _trace_and_verify(model: Any, traced: Any, model_path: str, tmp: Path) -> OnnxExport:
    import torch

    tokenize = getattr(model, "preprocess", None) or model.tokenize
    sample = tokenize(list(SAMPLE_TEXTS[:2]))
    args = tuple(sample[k] for k in ("input_ids", "attention_mask", "token_type_ids"))
    axes = {0: "batch", 1: "tokens"}
    # The tracer's warnings are about shapes the verification below checks for real.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            traced,
            args,
            str(tmp / MODEL_FILE),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["sentence_embedding"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "token_type_ids": axes,
                "sentence_embedding": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
    tokenizer = model.tokenizer
    info = OnnxExport(
        format=EXPORT_FORMAT,
        source=model_path,
        source_sha256=model_fingerprint(model_path),
        dimension=int(model.encode(["x"]).shape[1]),
        max_seq_length=int(model.max_seq_length),
        pad_id=int(tokenizer.pad_token_id),
        pad_token=str(tokenizer.pad_token),
        torch=str(torch.__version__),
        opset=17,
        exported_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    texts = list(SAMPLE_TEXTS)
    expected = model.encode(texts, normalize_embeddings=True, batch_size=4)
    got = OnnxEmbedder(tmp, info, model_path, "check").embed(texts)
    worst = float(np.min(np.sum(expected * got, axis=1)))
    if worst < MIN_COSINE:
        raise RuntimeError(f"the ONNX export disagrees with sentence-transformers (cosine {worst:.6f})")
    info.verified_min_cosine = round(worst, 7)
    info.write(tmp)
    return info

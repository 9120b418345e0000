"""A linear query adapter on the frozen embedder: q' = normalise(W q), for queries only (index unchanged).

W (dim x dim) is learned from ICD-10-CM's own synonyms (Alphabetic Index paths and tabular inclusion terms ->
the code's indexed vector); the recipe is evals/train_adapter.py (``make train-adapter``) and the artifact
``data/query_adapter.npy`` (float16, see data/README.md). ``AdaptedEmbedder`` wraps any embedder so every
query the engine embeds passes through W; the index build never uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.suggest.embedder import Embedder, token_lengths

DEFAULT_PATH = Path(__file__).parent / "data" / "query_adapter.npy"
# The adapter learned from short code-set terms (Index paths, inclusion terms). Per-query dense recall on the
# CodiEsp-en dev split (60 notes, gold codes in each mention's top 30): 1-3 words 90 -> 105 with the adapter,
# 4-6 words 143 -> 130, 7-9 words 149 -> 118, 10+ words 210 -> 202. Longer queries keep the plain vector.
MAX_WORDS = 3


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(matrix / norms, dtype=np.float32)


@dataclass(frozen=True)
class QueryAdapter:
    """``weight`` (dim x dim): a query vector q becomes normalise(weight @ q)."""

    weight: np.ndarray
    path: str = ""
    max_words: int = MAX_WORDS  # queries with more words keep their plain vector (0: every query adapted)

    @property
    def dim(self) -> int:
        return int(self.weight.shape[0])

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.size == 0:
            return vectors
        out = normalise_rows(vectors @ self.weight.T)
        out[~np.any(vectors, axis=1)] = 0.0  # a zero vector (keyword-only serving) stays zero
        return out


def load_query_adapter(path: Path = DEFAULT_PATH) -> QueryAdapter | None:
    """The adapter stored at ``path`` (a square float .npy, no pickles), or None when there is none."""
    if not Path(path).exists():
        return None
    weight = np.load(path, allow_pickle=False).astype(np.float32)
    if weight.ndim != 2 or weight.shape[0] != weight.shape[1]:
        raise ValueError(f"{path}: a query adapter is a square matrix, got shape {weight.shape}")
    return QueryAdapter(weight, str(path))


class AdaptedEmbedder:
    """``base`` with every vector passed through the adapter; same name and width, so the index still fits."""

    def __init__(self, base: Embedder, adapter: QueryAdapter) -> None:
        if adapter.dim != base.dim:
            raise ValueError(f"query adapter width {adapter.dim} != embedder width {base.dim}")
        self.base = base
        self.adapter = adapter
        self.name = base.name
        self.dim = base.dim
        self.runtime = getattr(base, "runtime", "")

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = self.base.embed(texts)
        limit = self.adapter.max_words
        short = [i for i, t in enumerate(texts) if not limit or len(t.split()) <= limit]
        if short:
            vectors = np.array(vectors, dtype=np.float32)
            vectors[short] = self.adapter.apply(vectors[short])
        return vectors

    def token_lengths(self, texts: list[str]) -> list[int]:
        return token_lengths(self.base, texts)


def with_query_adapter(embedder: Embedder, enabled: bool, path: Path = DEFAULT_PATH) -> Embedder:
    """``embedder`` wrapped by the stored adapter when ``enabled`` and one fits it, else as it is."""
    if not enabled or isinstance(embedder, AdaptedEmbedder):
        return embedder
    adapter = load_query_adapter(path)
    if adapter is None or adapter.dim != embedder.dim:
        return embedder
    return AdaptedEmbedder(embedder, adapter)


def adapter_in_use(embedder: Embedder) -> str | None:
    """The adapter file an embedder applies (for manifests and eval reports), else None."""
    if not isinstance(embedder, AdaptedEmbedder):
        return None
    return embedder.adapter.path or "in memory"


def describe_query_adapter(settings: object, path: Path = DEFAULT_PATH) -> str:
    """Whether the engine for ``settings`` applies the query adapter (eval reports record it)."""
    if not getattr(settings, "suggest_query_adapter", False):
        return "off (ASSISTANT_SUGGEST_QUERY_ADAPTER unset or false)"
    if not Path(path).exists():
        return f"off (no {Path(path).name})"
    return f"on ({Path(path).name})"

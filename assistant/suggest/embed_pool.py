"""The index build's embedder: the verified ONNX export run in worker processes, one thread each.

On a small machine one onnxruntime session spread over every core spends much of each short batch
waiting on its own threads; one single-threaded session per core, each given whole batches, keeps every
core busy (``assistant index bench-build`` measures both in one run). Serving keeps the in-process
``OnnxEmbedder``: a query is one small batch.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from assistant.suggest.onnx_embedder import OnnxEmbedder, OnnxExport

_worker: OnnxEmbedder | None = None


def _start_worker(folder: str, info: OnnxExport, model_path: str, name: str, batch: int) -> None:
    global _worker
    _worker = OnnxEmbedder(Path(folder), info, model_path, name, batch, threads=1)


def _embed_in_worker(texts: list[str]) -> np.ndarray:
    if _worker is None:  # the pool's initializer sets it; a plain call would be a programming error
        raise RuntimeError("the embedding worker was not started")
    return _worker.embed(texts)


def rechunk(blocks: Iterable[np.ndarray], chunk: int) -> Iterator[np.ndarray]:
    """The rows of ``blocks`` (in order) regrouped ``chunk`` rows at a time; the last group may be short."""
    held: list[np.ndarray] = []
    rows = 0
    for block in blocks:
        held.append(block)
        rows += len(block)
        while rows >= chunk:
            joined = np.concatenate(held)
            yield joined[:chunk]
            held, rows = [joined[chunk:]], rows - chunk
    if rows:
        yield np.concatenate(held)


class ProcessPoolEmbedder:
    """``OnnxEmbedder``'s vectors, computed by ``workers`` processes; ``close()`` stops them."""

    runtime = "onnx"

    def __init__(self, local: OnnxEmbedder, workers: int, batch_size: int) -> None:
        self.local = local  # tokenizes (token_lengths) in this process
        self.name, self.dim, self.batch_size, self.workers = local.name, local.dim, batch_size, workers
        # spawn, not fork: the parent already holds an onnxruntime session and its thread pool.
        self.pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(str(local.folder), local.info, local.model_path, local.name, batch_size),
        )

    def token_lengths(self, texts: list[str]) -> list[int]:
        return self.local.token_lengths(texts)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Rows in the order given; each worker gets whole batches of ``batch_size`` texts."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        lengths = self.local.token_lengths(texts)
        order = sorted(range(len(texts)), key=lambda i: lengths[i])
        batches = [order[k : k + self.batch_size] for k in range(0, len(order), self.batch_size)]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for rows, vectors in zip(
            batches, self.pool.map(_embed_in_worker, [[texts[i] for i in b] for b in batches]), strict=True
        ):
            out[rows] = vectors
        return out

    def embed_stream(self, texts: list[str], chunk: int) -> Iterator[np.ndarray]:
        """Vectors of ``texts[k : k + chunk]`` for k = 0, chunk, 2 chunk..., in order, with rows in the order
        given (``texts`` should come sorted by token length: each batch is the next ``batch_size`` texts).

        Every batch is queued at once, so the workers never wait while the caller stores a chunk or
        tokenizes the next one (``embed`` per chunk left both workers idle at each chunk's end).
        """
        batches = [texts[k : k + self.batch_size] for k in range(0, len(texts), self.batch_size)]
        return rechunk(self.pool.map(_embed_in_worker, batches), chunk)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

"""``assistant index bench-build``: texts/s of each way to embed the index, measured in one run.

The same random sample of real corpus texts (kept in corpus order) goes through: torch in corpus order
(the build before onnx), torch sorted by token length, ONNX sorted, ONNX sorted + deduplicated, and a
dynamic int8 ONNX copy (measured only: the build never uses it). The machine is shared and noisy, so
each step is also given as a ratio to the first one, measured minutes apart in the same process.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.errors import NotReady
from assistant.suggest.corpus import corpus_for
from assistant.suggest.embed_pool import ProcessPoolEmbedder
from assistant.suggest.embedder import (
    Embedder,
    build_embedder,
    build_workers,
    close_embedder,
    load_embedder,
    model_location,
    token_lengths,
)
from assistant.suggest.index_build import _embed_all, index_texts
from assistant.suggest.onnx_embedder import OnnxEmbedder, current_export, export_dir, quantize_int8

WARM_UP = 16


def sample_texts(settings: Any, sample: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """(``sample`` dense texts drawn at random and kept in corpus order, every dense text of the corpus)."""
    _, dense, _ = index_texts(list(corpus_for(None, settings).records()))
    if not dense:
        raise NotReady("no code is loaded", fix="run `assistant codesets load`")
    rows = sorted(random.Random(seed).sample(range(len(dense)), min(sample, len(dense))))
    return [dense[i] for i in rows], dense


def padded_tokens(lengths: list[int], batch: int) -> int:
    """Tokens a model runs over when each batch of ``batch`` texts (in this order) pads to its longest."""
    chunks = [lengths[i : i + batch] for i in range(0, len(lengths), batch)]
    return sum(max(c) * len(c) for c in chunks)


def _min_mean_cosine(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    cos = np.sum(a * b, axis=1)
    return round(float(np.min(cos)), 6), round(float(np.mean(cos)), 6)


def _measure(
    steps: list[tuple[str, Embedder, bool, bool, int]], texts: list[str], rounds: int
) -> tuple[list[float], list[np.ndarray]]:
    """(seconds per step, vectors per step): every step embeds each of ``rounds`` slices in turn."""
    for _, embedder, _, _, _ in steps:
        embedder.embed(texts[:WARM_UP])
    seconds = [0.0] * len(steps)
    vectors: list[list[np.ndarray]] = [[] for _ in steps]
    cut = max(1, -(-len(texts) // max(1, rounds)))
    for start in range(0, len(texts), cut):
        part = texts[start : start + cut]
        for k, (_, embedder, sort, dedup, chunk) in enumerate(steps):
            t0 = time.perf_counter()
            vectors[k].append(_embed_all(embedder, part, False, chunk, sort=sort, dedup=dedup))
            seconds[k] += time.perf_counter() - t0
    return seconds, [np.concatenate(v) for v in vectors]


def bench_build(
    settings: Any, sample: int = 2000, seed: int = 0, int8: bool = True, rounds: int = 5
) -> dict[str, Any]:
    """Embed one sample every way; returns the figures (``index bench-build --json``).

    The sample is cut into ``rounds`` slices and every step embeds each slice in turn, so that a change
    in the machine's load falls on all steps alike rather than on whichever ran last.
    """
    texts, corpus = sample_texts(settings, sample, seed)
    batch = int(getattr(settings, "embed_batch_size", 64))
    path, name = model_location(settings)
    torch = load_embedder(settings, runtime="torch")
    onnx = build_embedder(
        settings.model_copy(update={"build_embed_runtime": "onnx", "build_embed_workers": 1}), progress=False
    )
    if not isinstance(onnx, OnnxEmbedder):
        raise NotReady(f"no current ONNX export of {name}", fix="run `assistant index build`")
    workers = build_workers(settings)
    pool = ProcessPoolEmbedder(onnx, workers, int(getattr(settings, "build_embed_batch_size", 16)))
    # (name, embedder, sorted, dedup, chunk): the unsorted step hands the model one batch at a time in
    # corpus order (sentence-transformers sorts only within what it is given).
    steps: list[tuple[str, Embedder, bool, bool, int]] = [
        ("torch, corpus order", torch, False, False, batch),
        ("torch, sorted by tokens", torch, True, False, 256),
        ("onnx, sorted by tokens", onnx, True, False, 256),
        ("onnx, sorted + dedup, one process over every core (the build before)", onnx, True, True, 256),
        (f"onnx, sorted + dedup, {workers} processes x 1 thread (the build now)", pool, True, True, 256),
    ]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if int8:
                info = current_export(export_dir(settings, name), path)
                if info is None:
                    raise NotReady(f"no current ONNX export of {name}", fix="run `assistant index build`")
                quantized = quantize_int8(export_dir(settings, name), Path(tmp) / "int8")
                small = OnnxEmbedder(quantized, info, path, f"{name}-int8", batch)
                steps.append(("onnx int8, sorted + dedup (measured only)", small, True, True, 256))
            seconds, full = _measure(steps, texts, rounds)
    finally:
        close_embedder(pool)
    cosine: dict[str, Any] = {
        "onnx_vs_torch": _min_mean_cosine(full[3], full[0]),
        "processes_vs_one": _min_mean_cosine(full[4], full[3]),
    }
    if int8:
        cosine["int8_vs_fp32"] = _min_mean_cosine(full[5], full[3])
    cut = max(1, -(-len(texts) // max(1, rounds)))
    lengths = token_lengths(torch, texts)
    rates = [len(texts) / max(s, 1e-9) for s in seconds]
    return {
        "sample": len(texts),
        "sample_unique": len(set(texts)),
        "corpus_texts": len(corpus),
        "corpus_unique": len(set(corpus)),
        "batch_size": batch,
        "build_workers": workers,
        "build_batch_size": pool.batch_size,
        "rounds": -(-len(texts) // cut),
        "padded_tokens": {
            "real": sum(lengths),
            "corpus_order": padded_tokens(lengths, batch),
            "sorted": padded_tokens(sorted(lengths), batch),
        },
        "steps": [
            {
                "step": label,
                "runtime": getattr(embedder, "runtime", type(embedder).__name__),
                "sorted": sort,
                "dedup": dedup,
                "seconds": round(sec, 2),
                "texts_per_s": round(rate, 1),
                "ratio": round(rate / max(rates[0], 1e-9), 2),
            }
            for (label, embedder, sort, dedup, _), sec, rate in zip(steps, seconds, rates, strict=True)
        ],
        "cosine_min_mean": cosine,
    }

"""``assistant index bench-build``: texts/s of each way to embed the index, measured in one run.

The same random sample of real corpus texts (kept in corpus order) goes through: torch in corpus order
(the build before onnx), torch sorted by token length, ONNX sorted, ONNX sorted + deduplicated, the
worker processes fed one chunk at a time (the build before) and with every batch queued at once (the
build now), and, measured only (the build never uses them): one-thread sessions on the export and on a
copy with onnxruntime's transformer fusions, and a dynamic int8 copy. The machine is shared and noisy,
so each step is also given as a ratio to the first one, measured minutes apart in the same process.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from dataclasses import dataclass
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
from assistant.suggest.onnx_embedder import (
    OnnxEmbedder,
    current_export,
    export_dir,
    export_onnx,
    fused_graph,
    fused_operators,
    quantize_int8,
)
from assistant.suggest.schemas import (
    BuildBenchReport,
    BuildBenchStep,
    EmbeddingCeiling,
    FusedOperators,
    PaddedTokens,
)

WARM_UP = 64  # four batches of 16: both worker processes start their sessions


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


@dataclass
class Step:
    label: str
    embedder: Embedder
    sort: bool = True
    dedup: bool = True
    chunk: int = 256  # texts per call (the build's chunk); the unsorted torch step: one batch per call
    stream: bool = True  # worker processes: the whole plan queued at once (False: one call per chunk)


def _measure(
    steps: list[Step], texts: list[str], rounds: int
) -> tuple[list[float], list[float], list[np.ndarray]]:
    """(wall seconds, this process's CPU seconds, vectors) per step: every step embeds each of ``rounds``
    slices in turn, the order reversed every other round."""
    for step in steps:
        step.embedder.embed(texts[:WARM_UP])
    seconds, cpu = [0.0] * len(steps), [0.0] * len(steps)
    vectors: list[list[np.ndarray]] = [[] for _ in steps]
    cut = max(1, -(-len(texts) // max(1, rounds)))
    for r, start in enumerate(range(0, len(texts), cut)):
        part = texts[start : start + cut]
        order = list(range(len(steps)))
        for k in order if r % 2 == 0 else order[::-1]:
            step = steps[k]
            t0, c0 = time.perf_counter(), time.process_time()
            vectors[k].append(
                _embed_all(
                    step.embedder,
                    part,
                    False,
                    step.chunk,
                    sort=step.sort,
                    dedup=step.dedup,
                    stream=step.stream,
                )
            )
            seconds[k] += time.perf_counter() - t0
            cpu[k] += time.process_time() - c0
    return seconds, cpu, [np.concatenate(v) for v in vectors]


def weight_flops_per_token(model_path: str) -> int:
    """Floating-point operations of the model's weight products for one token (the attention projections
    and the feed-forward layers; the attention scores add ~1% at these lengths and are left out)."""
    config = json.loads((Path(model_path) / "config.json").read_text())
    h, inner = int(config["hidden_size"]), int(config["intermediate_size"])
    return 2 * int(config["num_hidden_layers"]) * (4 * h * h + 2 * h * inner)


def gemm_flops_per_cpu_second(rows: int, h: int, inner: int, seconds: float = 2.0) -> float:
    """What onnxruntime's one-thread matrix product ([rows, h] x [h, inner], the feed-forward shape of a
    batch) does per CPU second on this machine: the most a one-thread session of the model can reach."""
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    weights = np.random.default_rng(0).standard_normal((h, inner)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        "gemm",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["rows", h])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["rows", inner])],
        initializer=[numpy_helper.from_array(weights, "w")],
    )
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    session = ort.InferenceSession(
        helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString(),
        options,
        providers=["CPUExecutionProvider"],
    )
    x = np.random.default_rng(1).standard_normal((rows, h)).astype(np.float32)
    session.run(None, {"x": x})
    runs, start = 0, time.thread_time()
    while time.thread_time() - start < seconds:
        session.run(None, {"x": x})
        runs += 1
    return 2.0 * rows * h * inner * runs / (time.thread_time() - start)


def fp32_ceiling(model_path: str, lengths: list[int], batch: int, workers: int) -> EmbeddingCeiling:
    """The most texts/s ``workers`` one-thread processes can embed in fp32 (batches of ``batch`` sorted
    texts of these token ``lengths``): see ``EmbeddingCeiling``."""
    config = json.loads((Path(model_path) / "config.json").read_text())
    per_token = weight_flops_per_token(model_path)
    tokens = padded_tokens(sorted(lengths), batch) / max(1, len(lengths))
    rows = batch * max(1, round(tokens))
    rate = gemm_flops_per_cpu_second(rows, int(config["hidden_size"]), int(config["intermediate_size"]))
    return EmbeddingCeiling(
        weight_flops_per_token=per_token,
        tokens_per_text=round(tokens, 2),
        gemm_gflops_per_cpu_second=round(rate / 1e9, 1),
        texts_per_cpu_second=round(rate / (per_token * tokens), 1),
        texts_per_s=round(workers * rate / (per_token * tokens), 1),
    )


def bench_build(
    settings: Any, sample: int = 2000, seed: int = 0, int8: bool = True, rounds: int = 5, fused: bool = True
) -> BuildBenchReport:
    """Embed one sample every way; returns the figures (``index bench-build --json``).

    The sample is cut into ``rounds`` slices and every step embeds each slice in turn (in reverse order
    every other round), so that a change in the machine's load falls on all steps alike rather than on
    whichever ran last. ``cpu_texts_per_s`` (texts per CPU second of this process) is given for the steps
    that embed in this process: on a shared machine it moves far less than the wall-clock rate.
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
    info = current_export(export_dir(settings, name), path)
    if info is None:
        raise NotReady(f"no current ONNX export of {name}", fix="run `assistant index build`")
    workers = build_workers(settings)
    pool = ProcessPoolEmbedder(onnx, workers, int(getattr(settings, "build_embed_batch_size", 16)))
    # The unsorted torch step hands the model one batch at a time in corpus order (sentence-transformers
    # sorts only within what it is given).
    steps = [
        Step("torch, corpus order", torch, sort=False, dedup=False, chunk=batch),
        Step("torch, sorted by tokens", torch, dedup=False),
        Step("onnx, sorted by tokens", onnx, dedup=False),
        Step("onnx, sorted + dedup, one process over every core", onnx),
        Step(
            f"onnx, {workers} processes x 1 thread, one call per chunk (the build before)", pool, stream=False
        ),
        Step(f"onnx, {workers} processes x 1 thread, every batch queued at once (the build now)", pool),
    ]
    graphs: dict[str, FusedOperators] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if fused:
                one = OnnxEmbedder(onnx.folder, info, path, name, batch, threads=1)
                eager = Path(tmp) / "eager"
                export_onnx(path, eager, attention="eager")
                graph = fused_graph(eager, path, Path(tmp) / "fused")
                graphs = {"export": fused_operators(onnx.folder), "fused": fused_operators(graph)}
                steps.append(Step("onnx export, 1 thread", one))
                steps.append(
                    Step(
                        "onnx fused graph (eager export + transformers optimizer), 1 thread (measured only)",
                        OnnxEmbedder(graph, info, path, f"{name}-fused", batch, threads=1),
                    )
                )
            if int8:
                quantized = quantize_int8(export_dir(settings, name), Path(tmp) / "int8")
                small = OnnxEmbedder(quantized, info, path, f"{name}-int8", batch)
                steps.append(Step("onnx int8, sorted + dedup (measured only)", small))
            seconds, cpu, full = _measure(steps, texts, rounds)
    finally:
        close_embedder(pool)
    at = {step.label: k for k, step in enumerate(steps)}
    cosine: dict[str, tuple[float, float]] = {
        "onnx_vs_torch": _min_mean_cosine(full[3], full[0]),
        "processes_vs_one": _min_mean_cosine(full[5], full[3]),
        "streamed_vs_per_chunk": _min_mean_cosine(full[5], full[4]),
    }
    if fused:
        cosine["fused_vs_export"] = _min_mean_cosine(full[7], full[6])
    if int8:
        cosine["int8_vs_fp32"] = _min_mean_cosine(
            full[at["onnx int8, sorted + dedup (measured only)"]], full[3]
        )
    cut = max(1, -(-len(texts) // max(1, rounds)))
    lengths = token_lengths(torch, texts)
    ceiling = fp32_ceiling(path, lengths, pool.batch_size, workers)
    rates = [len(texts) / max(s, 1e-9) for s in seconds]
    return BuildBenchReport(
        sample=len(texts),
        sample_unique=len(set(texts)),
        corpus_texts=len(corpus),
        corpus_unique=len(set(corpus)),
        batch_size=batch,
        build_workers=workers,
        build_batch_size=pool.batch_size,
        rounds=-(-len(texts) // cut),
        padded_tokens=PaddedTokens(
            real=sum(lengths),
            corpus_order=padded_tokens(lengths, batch),
            sorted=padded_tokens(sorted(lengths), batch),
        ),
        fused_operators=graphs,
        fp32_ceiling=ceiling,
        steps=[
            BuildBenchStep(
                step=step.label,
                runtime=getattr(step.embedder, "runtime", type(step.embedder).__name__),
                sorted=step.sort,
                dedup=step.dedup,
                seconds=round(sec, 2),
                texts_per_s=round(rate, 1),
                ratio=round(rate / max(rates[0], 1e-9), 2),
                cpu_texts_per_s=None if step.embedder is pool else round(len(texts) / max(c, 1e-9), 1),
            )
            for step, sec, c, rate in zip(steps, seconds, cpu, rates, strict=True)
        ],
        cosine_min_mean=cosine,
    )

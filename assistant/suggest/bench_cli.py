"""``assistant bench``: latency, embedding floor, retrieval, warm start, memory and batch throughput.

The headline figures are the configured engine's (``embed_runtime`` x ``dense_search``); warm start and
peak RSS come from a fresh process serving that configuration alone. ``configurations`` repeats the
latency figures for every runtime x dense-search pair in the same run, on the same notes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import typer

from assistant.app.container import Container
from assistant.cli.common import console, handles_errors, print_json
from assistant.config import get_settings
from assistant.suggest import skipped_tail
from assistant.suggest.bench_notes import synthetic_notes
from assistant.suggest.embedder import load_embedder
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.service import SuggestionService
from assistant.suggest.store import LoadedIndex

# Run in a fresh interpreter: time from start to the first answer, then peak RSS after `notes` notes.
_FRESH_PROCESS = """
import json, resource, sys, time
start = float(sys.argv[1])
from assistant.config import get_settings
from assistant.app.container import Container
from assistant.suggest.schemas import SuggestRequest
service = Container(get_settings()).suggester
service.suggest(SuggestRequest(text="cough"))
warm = time.time() - start
from assistant.suggest.bench_notes import synthetic_notes
service.suggest_many([SuggestRequest(text=t) for t in synthetic_notes(int(sys.argv[2]))])
print(json.dumps({
    "warm_start_s": warm,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "runtime": getattr(service.embedder, "runtime", "?"),
    "torch_imported": "torch" in sys.modules,
}))
"""


def _pct(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0}
    arr = np.asarray(values)
    return {"p50": round(float(np.percentile(arr, 50)), 2), "p95": round(float(np.percentile(arr, 95)), 2)}


def fresh_process(notes: int, runtime: str | None = None) -> dict[str, Any]:
    """Warm start and peak RSS of a new process serving the configured engine (``runtime`` overrides)."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    if runtime:
        env["ASSISTANT_EMBED_RUNTIME"] = runtime
    out = subprocess.run(
        [sys.executable, "-c", _FRESH_PROCESS, str(time.time()), str(notes)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    doc: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    doc["warm_start_s"] = round(doc["warm_start_s"], 2)
    doc["peak_rss_mb"] = round(doc["peak_rss_mb"], 1)
    return doc


def measure(service: Any, requests: list[Any]) -> dict[str, Any]:
    """Per-note latency, the embedding floor of the same notes' queries, and retrieval time."""
    service.suggest(requests[0])  # warm-up
    latency, floor, retrieval_note, retrieval_query = [], [], [], []
    for req in requests:
        t0 = time.perf_counter()
        service.suggest(req)
        latency.append((time.perf_counter() - t0) * 1000)
        plan = service._plan(req, service.read(req.text))
        queries = service.embedded_texts([plan])
        t1 = time.perf_counter()
        vecs = service.embedder.embed(queries)
        floor.append((time.perf_counter() - t1) * 1000)
        searched = [q for _, q, _ in plan if q is not None] + [q for _, q, _ in skipped_tail.queries(plan)]
        qobjs = {q.text: q for q in searched}
        t2 = time.perf_counter()
        hits = service._dense_search(queries, vecs)
        for i, text in enumerate(queries):
            t3 = time.perf_counter()
            service.retrieve(qobjs[text], vecs[i], hits[text], "full")
            retrieval_query.append((time.perf_counter() - t3) * 1000)
        retrieval_note.append((time.perf_counter() - t2) * 1000)
    lat, flo = _pct(latency), _pct(floor)
    return {
        "note_latency_ms": lat,
        "embedding_floor_ms": flo,
        "ratio_p50": round(lat["p50"] / flo["p50"], 2) if flo["p50"] else None,
        "retrieval_ms": _pct(retrieval_query),
        "retrieval_per_note_ms": _pct(retrieval_note),
        "sequential_notes_per_s": round(1000 * len(latency) / sum(latency), 2),
    }


def _variants(product: Any, settings: Any) -> list[tuple[str, str, Any]]:
    """(runtime, dense_search, service) for every pair, sharing loaded parts with the product engine."""
    embedders = {getattr(product.embedder, "runtime", "?"): product.embedder}
    for runtime in ("onnx", "torch"):
        if runtime not in embedders:
            try:
                embedders[runtime] = load_embedder(settings, runtime=runtime)
            except Exception as exc:  # noqa: BLE001 - a runtime that cannot load is reported, not fatal
                console.print(f"[yellow]{runtime} runtime not compared: {exc}")
    indexes = {product.index.search: product.index}
    for search in ("hnsw", "flat"):
        if search not in indexes:
            indexes[search] = LoadedIndex(
                Path(settings.index_dir), product.index.manifest, search, settings.hnsw_ef_search
            )
    out = []
    for runtime, embedder in embedders.items():
        for search, index in indexes.items():
            same = embedder is product.embedder and index is product.index
            service = (
                product if same else SuggestionService(index, embedder, product.reference, product.config)
            )
            out.append((runtime, search, service))
    return out


def dense_compare(flat: Any, hnsw: Any, vectors: Any, k: int = 30) -> dict[str, Any]:
    """The HNSW graph against the exact search on the bench's own query vectors."""
    t1 = time.perf_counter()
    _, exact = flat.search(vectors, k)
    flat_ms = (time.perf_counter() - t1) * 1000 / len(vectors)
    t2 = time.perf_counter()
    _, approx = hnsw.search(vectors, k)
    hnsw_ms = (time.perf_counter() - t2) * 1000 / len(vectors)
    return {
        "queries": len(vectors),
        "flat_ms_per_query": round(flat_ms, 3),
        "hnsw_ms_per_query": round(hnsw_ms, 3),
        "hnsw_ef_search": int(hnsw.hnsw.efSearch),
        "hnsw_recall_at_30_vs_flat": round(
            float(np.mean([len(set(a) & set(b)) / k for a, b in zip(exact, approx, strict=True)])), 3
        ),
        "hnsw_top1_agrees": round(float(np.mean(exact[:, 0] == approx[:, 0])), 3),
    }


@handles_errors
def bench(
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    notes: int = typer.Option(30, "--notes", min=2, help="How many synthetic ~300-word notes."),
    warm_start: bool = typer.Option(True, help="Measure warm start and peak RSS in a fresh process."),
    compare: bool = typer.Option(True, help="Also time every embedding runtime x dense search pair."),
) -> None:
    """Measure the engine on synthetic notes (targets: latency <= 1.3x floor, retrieval <= 10 ms)."""
    settings = get_settings()
    product = Container(settings).suggester
    texts = synthetic_notes(notes)
    requests = [SuggestRequest(text=t) for t in texts]
    headline = measure(product, requests)
    t4 = time.perf_counter()
    product.suggest_many(requests)
    batch_s = time.perf_counter() - t4
    manifest = product.index.manifest
    fresh = fresh_process(notes) if warm_start else {}
    result: dict[str, Any] = {
        "notes": len(requests),
        "mean_words": round(sum(len(t.split()) for t in texts) / len(texts)),
        "embed_runtime": getattr(product.embedder, "runtime", "?"),
        "dense_search": product.index.search,
        **headline,
        "index_build_s": manifest.build_seconds,
        "index_embed_s": manifest.embed_seconds,
        "index_vectors_reused": manifest.vectors_reused,
        "index_codes": manifest.count,
        "warm_start_s": fresh.get("warm_start_s"),
        "peak_rss_mb": fresh.get("peak_rss_mb"),
        "torch_imported_when_serving": fresh.get("torch_imported"),
        "batch_notes_per_s": round(len(requests) / batch_s, 2),
    }
    if compare:
        variants = _variants(product, settings)
        result["configurations"] = [
            {"embed_runtime": runtime, "dense_search": search, **measure(service, requests)}
            for runtime, search, service in variants
        ]
        if warm_start:
            result["warm_start_by_runtime"] = {
                runtime: fresh_process(2, runtime)["warm_start_s"] for runtime in ("onnx", "torch")
            }
        by_search = {search: service.index.dense for _, search, service in variants}
        if {"flat", "hnsw"} <= by_search.keys():
            queries = list(
                dict.fromkeys(
                    q.text
                    for r in requests
                    for _, q, _ in product._plan(r, product.read(r.text))
                    if q is not None
                )
            )
            vectors = np.ascontiguousarray(product.embedder.embed(queries))
            result["dense_index_compare"] = dense_compare(by_search["flat"], by_search["hnsw"], vectors)
    if as_json:
        print_json(result)
    else:
        console.print_json(json.dumps(result))

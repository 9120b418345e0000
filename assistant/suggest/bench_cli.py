"""``assistant bench``: latency, embedding floor, retrieval, warm start, memory and batch throughput."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

import typer

from assistant.cli.common import console, handles_errors, print_json
from assistant.config import get_settings


def _pct(values: list[float]) -> dict[str, float]:
    import numpy as np

    if not values:
        return {"p50": 0.0, "p95": 0.0}
    arr = np.asarray(values)
    return {"p50": round(float(np.percentile(arr, 50)), 2), "p95": round(float(np.percentile(arr, 95)), 2)}


def _warm_start_s() -> float:
    code = (
        "import time,sys; t=float(sys.argv[1]);"
        "from assistant.config import get_settings; from assistant.core.container import Container;"
        "c=Container(get_settings()); s=c.suggester;"
        "from assistant.suggest.schemas import SuggestRequest; s.suggest(SuggestRequest(text='cough'));"
        "print(time.time()-t)"
    )
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    out = subprocess.run(
        [sys.executable, "-c", code, str(time.time())], capture_output=True, text=True, env=env, check=True
    )
    return round(float(out.stdout.strip().splitlines()[-1]), 2)


def _hnsw_compare(service: Any, vectors: Any) -> dict[str, Any]:
    import faiss
    import numpy as np

    index = service.index.dense
    n = index.ntotal
    base = np.vstack([index.reconstruct_n(s, min(20000, n - s)) for s in range(0, n, 20000)])
    t0 = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(index.d, 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efSearch = 64
    hnsw.add(base)
    build_s = time.perf_counter() - t0
    del base
    k = 30
    t1 = time.perf_counter()
    _, flat_rows = index.search(vectors, k)
    flat_ms = (time.perf_counter() - t1) * 1000 / len(vectors)
    t2 = time.perf_counter()
    _, hnsw_rows = hnsw.search(vectors, k)
    hnsw_ms = (time.perf_counter() - t2) * 1000 / len(vectors)
    overlap = np.mean([len(set(a) & set(b)) / k for a, b in zip(flat_rows, hnsw_rows, strict=True)])
    return {
        "flat_ms_per_query": round(flat_ms, 3),
        "hnsw_ms_per_query": round(hnsw_ms, 3),
        "hnsw_build_s": round(build_s, 1),
        "hnsw_recall_at_30_vs_flat": round(float(overlap), 3),
    }


@handles_errors
def bench(
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    notes: int = typer.Option(30, "--notes", min=2, help="How many synthetic ~300-word notes."),
    warm_start: bool = typer.Option(True, help="Measure warm start in a fresh process."),
    compare_hnsw: bool = typer.Option(True, help="Also time an HNSW index against the flat one."),
) -> None:
    """Measure the engine on synthetic notes (targets: latency <= 1.3x floor, retrieval <= 10 ms)."""
    import numpy as np

    from assistant.core.container import Container
    from assistant.suggest.bench_notes import synthetic_notes
    from assistant.suggest.reader import read_note
    from assistant.suggest.schemas import SuggestRequest

    settings = get_settings()
    service = Container(settings).suggester
    texts = synthetic_notes(notes)
    requests = [SuggestRequest(text=t) for t in texts]
    service.suggest(requests[0])  # warm-up
    latency, floor, retrieval_note, retrieval_query = [], [], [], []
    all_vectors = []
    for req in requests:
        t0 = time.perf_counter()
        service.suggest(req)
        latency.append((time.perf_counter() - t0) * 1000)
        plan = service._plan(req, read_note(req.text))
        queries = list(dict.fromkeys(q.text for _, q, _ in plan if q is not None))
        t1 = time.perf_counter()
        vecs = service.embedder.embed(queries)
        floor.append((time.perf_counter() - t1) * 1000)
        all_vectors.append(vecs)
        qobjs = {q.text: q for _, q, _ in plan if q is not None}
        t2 = time.perf_counter()
        hits = service._dense_search(queries, vecs)
        for i, text in enumerate(queries):
            t3 = time.perf_counter()
            service.retrieve(qobjs[text], vecs[i], hits[text], "full")
            retrieval_query.append((time.perf_counter() - t3) * 1000)
        retrieval_note.append((time.perf_counter() - t2) * 1000)
    t4 = time.perf_counter()
    service.suggest_many(requests)
    batch_s = time.perf_counter() - t4
    lat, flo = _pct(latency), _pct(floor)
    result: dict[str, Any] = {
        "notes": len(requests),
        "mean_words": round(sum(len(t.split()) for t in texts) / len(texts)),
        "note_latency_ms": lat,
        "embedding_floor_ms": flo,
        "ratio_p50": round(lat["p50"] / flo["p50"], 2) if flo["p50"] else None,
        "retrieval_ms": _pct(retrieval_query),
        "retrieval_per_note_ms": _pct(retrieval_note),
        "index_build_s": service.index.manifest.get("build_seconds"),
        "index_codes": service.index.manifest.get("count"),
        "warm_start_s": _warm_start_s() if warm_start else None,
        "peak_rss_mb": None,
        "batch_notes_per_s": round(len(requests) / batch_s, 2),
        "sequential_notes_per_s": round(1000 * len(latency) / sum(latency), 2),
    }
    if compare_hnsw and service.index.dense.ntotal > 1000:
        result["dense_index_compare"] = _hnsw_compare(service, np.vstack(all_vectors))
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if as_json:
        print_json(result)
    else:
        console.print_json(json.dumps(result))

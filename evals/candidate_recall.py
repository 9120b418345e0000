"""Recall of the candidate pool per generator: which share of the gold codes each generator brings into a
note's top k (k = 100) before any ranking rule runs.

Generators, as the configured engine runs them for each mention's query: ``dense`` (faiss, its cosine),
``bm25`` (the lexical index, its score), ``walker`` (the Alphabetic Index walk, its score); ``union`` is
every code any of the three put in its top k; ``engine`` is the engine's own ranked list
(``suggest`` with top_k = k, rules applied). A gold code counts as found when a pooled code matches it
under the prefix rule (``metrics.code_matches``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.text import lexical_query, tokens
from evals import metrics
from evals.runner import Case

GENERATORS = ("dense", "bm25", "walker", "union", "engine")


def _top(scores: dict[str, float], k: int) -> list[str]:
    return [c for c, _ in sorted(scores.items(), key=lambda x: (-x[1], x[0]))[:k]]


def _keep(pool: dict[str, float], code: str, score: float) -> None:
    if score > pool.get(code, float("-inf")):
        pool[code] = score


def pools(service: Any, text: str, k: int = 100) -> dict[str, list[str]]:
    """The top-k candidate codes of each generator for one note (see the module docstring)."""
    request = SuggestRequest(text=text, top_k=min(k, 100))
    plan = service._plan(request, service.read(text))  # the engine's own queries (diagnostic use)
    queries = [q for _, q, _ in plan if q is not None]
    found: dict[str, dict[str, float]] = {"dense": {}, "bm25": {}, "walker": {}}
    if queries:
        texts = list(dict.fromkeys(q.text for q in queries))
        vectors = service.embedder.embed(texts)
        dense_hits = service._dense_search(texts, np.asarray(vectors))
        vec_of = dict(zip(texts, vectors, strict=True))
        for q in queries:
            if q.prefixes:  # history / family / status queries search their own code range
                rows, mat = service.index.subset(q.prefixes)
                sims = mat @ vec_of[q.text] if len(rows) else np.zeros(0, np.float32)
                order = np.argsort(-sims)[: service.config.k_dense]
                dense = [(int(rows[i]), float(sims[i])) for i in order]
                mask = service._mask(q.prefixes)
            else:
                dense, mask = dense_hits.get(q.text, []), None
            for row, score in dense:
                _keep(found["dense"], service.index.ids[row], score)
            qids = service.index.lexical.token_ids(tokens(lexical_query(q.text)))
            for row, score in service.index.lexical.top(qids, service.config.k_lexical, mask):
                _keep(found["bm25"], service.index.ids[row], float(score))
            for row, (score, _) in service.walk(q).items():
                _keep(found["walker"], service.index.ids[row], score)
    out = {name: _top(scores, k) for name, scores in found.items()}
    out["union"] = list(dict.fromkeys(out["dense"] + out["bm25"] + out["walker"]))
    out["engine"] = [s.code for s in service.suggest(request).suggestions][:k]
    return out


def recall(pooled: Sequence[str], gold: Sequence[str]) -> tuple[int, int]:
    """(gold codes found, gold codes) for one note."""
    gold = list(dict.fromkeys(gold))
    return sum(any(metrics.code_matches(p, g) for p in pooled) for g in gold), len(gold)


def evaluate(service: Any, cases: Sequence[Case], k: int = 100) -> dict[str, Any]:
    """Micro recall@k per generator over ``cases`` and the mean pool size."""
    hits = dict.fromkeys(GENERATORS, 0)
    sizes = dict.fromkeys(GENERATORS, 0)
    total = 0
    for case in cases:
        got = pools(service, case.text, k)
        for name in GENERATORS:
            found, n = recall(got[name], case.gold)
            hits[name] += found
            sizes[name] += len(got[name])
        total += len(dict.fromkeys(case.gold))
    n_cases = max(1, len(cases))
    return {
        "k": k,
        "cases": len(cases),
        "gold": total,
        "recall": {name: round(hits[name] / total, 4) if total else 0.0 for name in GENERATORS},
        "pool_size": {name: round(sizes[name] / n_cases, 1) for name in GENERATORS},
    }

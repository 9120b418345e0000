"""The query adapter's recipe (``make train-adapter``): ICD-10-CM synonyms -> frozen query vectors -> W.

Inputs, all from the code sets the product ships (public domain): Alphabetic Index paths (Index to Diseases
and Injuries and the External Cause index) and tabular inclusion terms, each paired with its code; the
target is that code's vector already in the built index (a category: the mean of its billable codes'
vectors), so the index is never rebuilt. The abbreviation table's expansions add pairs whose target is the
expansion's own vector. Nothing else is read: no ICD-9-CM GEM text, no CodiEsp, no us-notes.

Model: W = I + A (residual, A starts at zero), q' = normalise(W q); loss: in-batch negatives plus each
query's nearest wrong codes under the unadapted vector (MultipleNegativesRanking style, scale 20), plus
``decay`` * ||A||^2 so W stays near the identity and general English keeps its meaning. A held-out share of
the pairs reports R@1 / R@10 before and after. Fixed seed; artifact float16 (query_adapter.npy).

    python -m evals.train_adapter [--pairs 40000] [--out assistant/suggest/data/query_adapter.npy]
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import typer

from assistant.config import get_settings
from assistant.suggest.abbreviations import table as abbreviation_table
from assistant.suggest.corpus import SqlCorpus
from assistant.suggest.embedder import Embedder, configured_model_name, load_embedder
from assistant.suggest.query_adapter import DEFAULT_PATH, normalise_rows
from assistant.suggest.store import LoadedIndex

SEED = 13
ICD10CM = "ICD-10-CM"
_PAREN = re.compile(r"\s*\([^)]*\)")


@dataclass(frozen=True)
class Pair:
    text: str
    code: str  # "" for an abbreviation pair (its target is the expansion's own vector)
    source: str  # "index" | "inclusion" | "abbreviation"
    expansion: str = ""


def query_text(path: str) -> str:
    """An Index path as a query: commas read as spaces, nonessential modifiers (in parentheses) dropped."""
    text = _PAREN.sub("", path).replace(",", " ")
    return re.sub(r"\s+", " ", text).strip()


def synonym_pairs(records: Iterable[Any], indexed: set[str]) -> list[Pair]:
    """(text, code) for every Index path and inclusion term whose code the index holds (or its category)."""
    out: dict[tuple[str, str], Pair] = {}
    for rec in records:
        if rec.system != ICD10CM or rec.code not in indexed:
            continue
        for path in rec.index_terms:
            text = query_text(path)
            if len(text) >= 3:
                out.setdefault((text.lower(), rec.code), Pair(text, rec.code, "index"))
        for term in rec.inclusion_terms:
            text = query_text(term)
            if len(text) >= 3:
                out.setdefault((text.lower(), rec.code), Pair(text, rec.code, "inclusion"))
    return sorted(out.values(), key=lambda p: (p.code, p.text))


def abbreviation_pairs() -> list[Pair]:
    out = []
    for abbr, meanings in sorted(abbreviation_table().items()):
        for meaning in meanings[:1]:
            out.append(Pair(abbr, "", "abbreviation", meaning.expansion))
    return out


def code_targets(index: LoadedIndex, codes: list[str]) -> dict[str, np.ndarray]:
    """Each code's target vector: its own indexed vector, else the mean over its billable codes."""
    out: dict[str, np.ndarray] = {}
    for code in dict.fromkeys(codes):
        row = index.row_of.get(code)
        if row is not None:
            out[code] = np.asarray(index.vectors(np.array([row]))[0], dtype=np.float32)
            continue
        rows = [index.row_of[c] for c in index.catalog.leaves_under(code)[:200] if c in index.row_of]
        if rows:
            out[code] = normalise_rows(index.vectors(np.array(rows)).mean(axis=0, keepdims=True))[0]
    return out


def embed_cached(embedder: Embedder, texts: list[str], cache: Path) -> np.ndarray:
    key = hashlib.sha256(("\n".join(texts) + embedder.name).encode()).hexdigest()[:16]
    path = cache / f"queries-{key}.npy"
    if path.exists():
        return np.load(path, allow_pickle=False)
    started, parts = time.time(), []
    for i in range(0, len(texts), 512):
        parts.append(embedder.embed(texts[i : i + 512]))
        done = i + len(parts[-1])
        print(f"  embedded {done}/{len(texts)} ({done / max(time.time() - started, 1e-6):.0f}/s)", flush=True)
    vectors = np.concatenate(parts) if parts else np.zeros((0, embedder.dim), np.float32)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def hard_negatives(index: LoadedIndex, queries: np.ndarray, codes: list[str], k: int) -> np.ndarray:
    """Per query, the rows of its k nearest indexed codes (unadapted) that are not its own code."""
    rows = np.full((len(queries), k), -1, dtype=np.int64)
    for start in range(0, len(queries), 2048):
        _, found = index.dense.search(np.ascontiguousarray(queries[start : start + 2048]), k + 4)
        for i, hits in enumerate(found):
            code = codes[start + i]
            keep = [int(r) for r in hits if r >= 0 and not index.ids[r].startswith(code)][:k]
            rows[start + i, : len(keep)] = keep
    return rows


def train_weight(
    queries: np.ndarray,
    targets: np.ndarray,
    negatives: np.ndarray,
    epochs: int = 3,
    batch: int = 256,
    lr: float = 1e-3,
    decay: float = 0.1,
    scale: float = 20.0,
    seed: int = SEED,
) -> tuple[np.ndarray, list[float]]:
    """W = I + A minimising the in-batch contrastive loss (+ ``negatives``: per-query extra targets,
    shape (n, k, dim), may be empty in k) + decay * ||A||^2. Returns W and the mean loss per epoch."""
    import torch

    torch.set_num_threads(1)  # small matrices: one thread, no spinning on a shared machine
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    dim = queries.shape[1]
    q_all = torch.from_numpy(np.asarray(queries, np.float32))
    t_all = torch.from_numpy(np.asarray(targets, np.float32))
    n_all = torch.from_numpy(np.asarray(negatives, np.float32))
    delta = torch.zeros(dim, dim, requires_grad=True)
    optimiser = torch.optim.Adam([delta], lr=lr)
    eye = torch.eye(dim)
    losses: list[float] = []
    for _ in range(epochs):
        order = rng.permutation(len(queries))
        total, steps = 0.0, 0
        for start in range(0, len(order), batch):
            idx = torch.from_numpy(order[start : start + batch])
            if len(idx) < 2:
                continue
            q = torch.nn.functional.normalize(q_all[idx] @ (eye + delta).T, dim=1)
            t = t_all[idx]
            logits = [q @ t.T]
            if n_all.shape[1]:
                logits.append(torch.einsum("bd,bkd->bk", q, n_all[idx]))
            scores = scale * torch.cat(logits, dim=1)
            loss = torch.nn.functional.cross_entropy(scores, torch.arange(len(idx)))
            loss = loss + decay * (delta**2).sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total, steps = total + float(loss.detach()), steps + 1
        losses.append(total / max(steps, 1))
    return (eye + delta).detach().numpy(), losses


def recall_at(
    index: LoadedIndex, queries: np.ndarray, codes: list[str], ks: tuple[int, ...] = (1, 10)
) -> dict:
    """Share of held-out queries whose code (or a code under it) is in the exact top k of the index."""
    hits = dict.fromkeys(ks, 0)
    top = max(ks)
    for start in range(0, len(queries), 1024):
        sims = queries[start : start + 1024] @ index.matrix.T
        best = np.argpartition(-sims, top, axis=1)[:, :top]
        for i, row in enumerate(best):
            ranked = row[np.argsort(-sims[i, row])]
            code = codes[start + i]
            found = [j for j, r in enumerate(ranked) if index.ids[r].startswith(code)]
            for k in ks:
                hits[k] += bool(found and found[0] < k)
    return {f"R@{k}": round(hits[k] / max(len(queries), 1), 4) for k in ks}


def main(
    pairs: int = typer.Option(40000, help="Synonym pairs sampled for training (embedding them is the cost)."),
    holdout: int = typer.Option(2000, help="Pairs kept out to report held-out recall."),
    epochs: int = typer.Option(4),
    decay: float = typer.Option(0.005, help="Weight of ||W - I||^2 (higher: closer to the plain embedder)."),
    negatives: int = typer.Option(7, help="Hard negatives per query (nearest wrong codes, unadapted)."),
    out: Path = typer.Option(DEFAULT_PATH),
    cache: Path = typer.Option(Path("out/adapter-cache")),
) -> None:
    settings = get_settings()
    index = LoadedIndex.open(Path(settings.index_dir), model=configured_model_name(settings), search="hnsw")
    corpus = SqlCorpus.open(Path(settings.resolved_reference_db))
    indexed = set(index.catalog.codes)
    all_pairs = synonym_pairs(corpus.records(), indexed)
    rng = np.random.default_rng(SEED)
    chosen = [
        all_pairs[i] for i in sorted(rng.choice(len(all_pairs), min(pairs + holdout, len(all_pairs)), False))
    ]
    targets_of = code_targets(index, [p.code for p in chosen])
    chosen = [p for p in chosen if p.code in targets_of]
    rng.shuffle(chosen)  # type: ignore[arg-type]
    held, train = chosen[:holdout], chosen[holdout:]
    abbreviations = abbreviation_pairs()
    print(
        f"{len(all_pairs)} synonym pairs; training on {len(train)} (+{len(abbreviations)} abbreviations), "
        f"held out {len(held)}",
        flush=True,
    )
    embedder = load_embedder(settings)
    texts = [p.text for p in chosen] + [p.text for p in abbreviations] + [p.expansion for p in abbreviations]
    vectors = embed_cached(embedder, texts, cache)
    n, m = len(chosen), len(abbreviations)
    q_syn, q_abbr, t_abbr = vectors[:n], vectors[n : n + m], vectors[n + m :]
    q_held, q_train = q_syn[:holdout], q_syn[holdout:]
    t_train = np.stack([targets_of[p.code] for p in train])
    neg_rows = hard_negatives(index, q_train, [p.code for p in train], negatives)
    neg = index.vectors(np.maximum(neg_rows, 0)) * (neg_rows >= 0)[..., None]
    neg = np.concatenate([neg, np.zeros((m, negatives, neg.shape[2]), np.float32)])
    weight, losses = train_weight(
        np.concatenate([q_train, q_abbr]), np.concatenate([t_train, t_abbr]), neg, epochs=epochs, decay=decay
    )
    held_codes = [p.code for p in held]
    before = recall_at(index, q_held, held_codes)
    after = recall_at(index, normalise_rows(q_held @ weight.T), held_codes)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.save(out, weight.astype(np.float16))
    info = {
        "pairs_total": len(all_pairs),
        "pairs_trained": len(train),
        "abbreviation_pairs": m,
        "held_out": len(held),
        "epochs": epochs,
        "decay": decay,
        "hard_negatives": negatives,
        "seed": SEED,
        "loss_per_epoch": [round(x, 4) for x in losses],
        "held_out_before": before,
        "held_out_after": after,
        "model": embedder.name,
        "index_count": len(index.ids),
        "bytes": out.stat().st_size,
    }
    out.with_suffix(".json").write_text(json.dumps(info, indent=2) + "\n")
    print(json.dumps(info, indent=2))


if __name__ == "__main__":
    typer.run(main)

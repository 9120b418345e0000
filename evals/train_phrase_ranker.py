"""Train the learned phrase ranker (assistant/suggest/data/phrase_ranker.json) on ICD-10-CM's own synonyms.

    python -m evals.train_phrase_ranker [--queries 6000] [--out assistant/suggest/data/phrase_ranker.json]

Queries: the Tabular List's inclusion terms (reference DB, the ICD-10-CM release in force), each searched
as a one-phrase request by the real engine (full index) with its gold code the code it is listed under
(any descendant counts, the eval's prefix rule). A term listed under more than one code is left out.
Inclusion terms are part of the lexical index's text (not of the dense text, which is title and parents,
nor of the Alphabetic Index the walker reads), so the lexical index is rebuilt for the run without the
chosen terms: a query never finds its own words in its gold's document. One fifth of the terms (by
sha1 of the term) is held out: the trees never see it, and the report gives its R@1 / R@10 / MRR under
the rule-based order and under the trees. No evaluation text (GEM, CodiEsp, us-notes) is read.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier

from assistant.config import get_settings
from assistant.suggest import phrase_ranker
from assistant.suggest.corpus import ICD10CM, CodeRecord, corpus_for
from assistant.suggest.index_build import index_texts
from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.lexical import LexicalIndex
from assistant.suggest.ranker import export_trees
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.text import tokens
from assistant.suggest.types import Candidate
from evals import metrics
from evals.cli import open_backend
from evals.phrase_statements import statement_queries

SEED = 13


def _h(text: str, salt: str = "") -> int:
    return int(hashlib.sha1((salt + text).encode()).hexdigest(), 16)


def synonym_queries(records: Sequence[CodeRecord], limit: int) -> list[tuple[str, str]]:
    """(inclusion term, its code) for ICD-10-CM terms listed under exactly one code, ``limit`` of them in
    hash order."""
    codes_of: dict[str, set[str]] = {}
    text_of: dict[str, str] = {}
    for r in records:
        if r.system != ICD10CM or r.kind in ("chapter", "block"):
            continue
        for term in r.inclusion_terms:
            key = " ".join(term.lower().split())
            if len(tokens(key)) < 1:
                continue
            codes_of.setdefault(key, set()).add(r.code)
            text_of.setdefault(key, term.strip())
    pairs = [(text_of[k], next(iter(v))) for k, v in codes_of.items() if len(v) == 1]
    pairs.sort(key=lambda p: _h(p[0], "phrase-ranker:"))
    return pairs[:limit]


def index_path_queries(rows: Sequence[Any], catalog: Any, limit: int) -> list[tuple[str, str]]:
    """(Alphabetic Index path, its code) for the Index's leaf subterms that name a code of the catalog
    (no "see", no table cell), ``limit`` of them in hash order; one path, one code."""
    out: dict[str, str] = {}
    for i, row in enumerate(rows):
        level = int(row["level"])
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        leaf = nxt is None or int(nxt["level"]) <= level
        code = (row["code"] or "").rstrip("-").rstrip(".")
        if row["source"] != "main" or level < 1 or not leaf or row["column"] or row["see"] or not code:
            continue
        if code in catalog:
            out.setdefault(row["path"], code)
    pairs = sorted(out.items(), key=lambda p: _h(p[0], "phrase-ranker:"))
    return pairs[:limit]


def masked_walker(reference: Any, paths: set[str]) -> IndexWalker:
    """The Index walker without the rows of ``paths`` (leaf subterms: nothing hangs below them)."""

    def fetch(first: int, end: int | None) -> list[Any]:
        return [r for r in reference.index_rows_between(first, end) if r["path"] not in paths]

    return IndexWalker(reference.index_roots(), fetch)


def held_out(term: str) -> bool:
    return _h(term) % 5 == 0


def masked_lexical(
    records: Sequence[CodeRecord], terms: set[str], paths: set[str], ids: Sequence[str]
) -> LexicalIndex:
    """The lexical index over ``ids`` rebuilt with ``terms`` taken out of every record's inclusion terms and
    ``paths`` out of its Index paths."""
    keys = {" ".join(t.lower().split()) for t in terms}
    masked = [
        replace(
            r,
            inclusion_terms=[t for t in r.inclusion_terms if " ".join(t.lower().split()) not in keys],
            index_terms=[t for t in r.index_terms if t not in paths],
        )
        for r in records
    ]
    chosen, _, lexical = index_texts(masked)
    text_of = {r.code: t for r, t in zip(chosen, lexical, strict=True)}
    return LexicalIndex.build([tokens(text_of.get(code, "")) for code in ids])


def collect(
    service: Any, queries: Sequence[tuple[str, str]], log: Any
) -> list[tuple[str, str, list[Candidate], np.ndarray]]:
    """Per query: (term, gold, the phrase's candidates in the rule-based order, their feature rows)."""
    window = service.config.phrase_window
    out: list[tuple[str, str, list[Candidate], np.ndarray]] = []
    per_request: list[list[tuple[str, list[Candidate]]]] = []
    phrase_orig, mention_orig = service._phrase_candidates, service._mention_candidates

    def mentions(*a: Any, **k: Any) -> Any:
        per_request.append([])  # one call a request, in the order of the batch
        return mention_orig(*a, **k)

    def phrases(q: Any, *a: Any, **k: Any) -> list[Candidate]:
        cands: list[Candidate] = phrase_orig(q, *a, **k)
        per_request[-1].append((q.text, [replace(c) for c in cands[:window]]))
        return cands

    service._phrase_candidates, service._mention_candidates = phrases, mentions
    for start in range(0, len(queries), 32):
        chunk = queries[start : start + 32]
        per_request.clear()
        service.suggest_many(
            [SuggestRequest(text=t, top_k=10, mode="full", systems=[ICD10CM]) for t, _ in chunk]
        )
        for (term, gold), got in zip(chunk, per_request, strict=True):
            if got:
                text, cands = got[0]
                out.append((term, gold, cands, phrase_ranker.features(cands, text, service.catalog)))
        if start % 640 == 0:
            log(f"{start + len(chunk)} / {len(queries)} queries")
    service._phrase_candidates, service._mention_candidates = phrase_orig, mention_orig
    return out


def ranks(
    rows: Sequence[tuple[str, str, list[Candidate], np.ndarray]], scores: Sequence[np.ndarray]
) -> dict[str, float]:
    """R@1 / R@10 / MRR of the gold among each query's candidates ordered by ``scores``."""
    r1 = r10 = mrr = 0.0
    for (_, gold, cands, _), s in zip(rows, scores, strict=True):
        order = sorted(range(len(cands)), key=lambda i: (-s[i], cands[i].code))
        rank = next((k + 1 for k, i in enumerate(order) if metrics.code_matches(cands[i].code, gold)), 0)
        r1 += rank == 1
        r10 += 0 < rank <= 10
        mrr += 1.0 / rank if rank else 0.0
    n = max(len(rows), 1)
    return {"R@1": round(r1 / n, 4), "R@10": round(r10 / n, 4), "MRR": round(mrr / n, 4), "n": len(rows)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--queries", type=int, default=6000)
    ap.add_argument("--out", type=Path, default=phrase_ranker.DEFAULT_PATH)
    ap.add_argument(
        "--source",
        choices=("inclusion", "index", "both", "statements", "statements+inclusion"),
        default="inclusion",
    )
    ap.add_argument("--hold-out", choices=("term", "code"), default="term", help="what the held-out fifth is")
    ap.add_argument(
        "--walker-masked",
        type=float,
        default=0.0,
        help="share of the statements whose own Index row (a leaf) the walker does not read",
    )
    ap.add_argument("--leaves", type=int, default=15)
    ap.add_argument("--iters", type=int, default=150)
    ap.add_argument("--cache", type=Path, help="also write the feature rows here (npz: codes' features only)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - t0:6.0f}s] {msg}", flush=True)

    settings = get_settings()
    service, reference = open_backend(settings)
    service.phrase_ranker = None  # collect the rule-based order
    records = list(corpus_for(reference, settings).records())
    terms = (
        synonym_queries(records, args.queries)
        if args.source in ("inclusion", "both", "statements+inclusion")
        else []
    )
    paths: list[tuple[str, str]] = []
    if args.source in ("index", "both"):
        rows_all = reference.index_rows_between(-1, None)
        paths = index_path_queries(rows_all, service.catalog, args.queries)
        service.walker = masked_walker(reference, {p for p, _ in paths})
    statements: list[tuple[str, str, str]] = []
    if args.source.startswith("statements"):
        rows_all = reference.index_rows_between(-1, None)
        statements = statement_queries(rows_all, service.catalog, args.queries)
        if args.walker_masked > 0:
            leaf = {
                str(r["path"])
                for i, r in enumerate(rows_all)
                if i + 1 == len(rows_all) or int(rows_all[i + 1]["level"]) <= int(r["level"])
            }
            cut = int(args.walker_masked * 1000)
            hidden = {p for t, _, p in statements if p in leaf and _h(t, "walker:") % 1000 < cut}
            service.walker = masked_walker(reference, hidden)
            log(f"the walker reads the Index without {len(hidden)} statements' own rows")
    queries = sorted(
        terms + paths + [(t, c) for t, c, _ in statements], key=lambda p: _h(p[0], "phrase-ranker:")
    )
    log(
        f"{len(terms)} inclusion-term, {len(paths)} Index-path and {len(statements)} statement queries, "
        "their own text masked from the lexical index"
    )
    service.index.lexical = masked_lexical(
        records,
        {t for t, _ in terms},
        {p for p, _ in paths} | {p for _, _, p in statements},
        service.index.ids,
    )
    rows = collect(service, queries, log)
    by_code = args.hold_out == "code"  # hold out a fifth of the codes, or of the terms

    def held(r: tuple[str, str, list[Candidate], np.ndarray]) -> bool:
        return held_out(r[1] if by_code else r[0])

    if args.cache:
        np.savez(
            args.cache,
            x=np.concatenate([r[3] for r in rows]),
            y=np.concatenate([[metrics.code_matches(c.code, r[1]) for c in r[2]] for r in rows]),
            g=np.concatenate([np.full(len(r[2]), i) for i, r in enumerate(rows)]),
            held=np.concatenate([np.full(len(r[2]), held(r)) for r in rows]),
        )
    train = [r for r in rows if not held(r)]
    check = [r for r in rows if held(r)]
    x = np.concatenate([r[3] for r in train])
    y = np.concatenate([[metrics.code_matches(c.code, r[1]) for c in r[2]] for r in train]).astype(int)
    log(f"{len(train)} training queries ({len(x)} rows, {int(y.sum())} positive), {len(check)} held out")
    model = HistGradientBoostingClassifier(
        max_leaf_nodes=args.leaves, max_iter=args.iters, learning_rate=0.1, random_state=SEED
    )
    model.fit(x, y)
    trees, baseline = export_trees(model)
    ranker = phrase_ranker.PhraseRanker(trees=trees, intercept=baseline)
    before = ranks(check, [-np.arange(len(r[2]), dtype=float) for r in check])
    after = ranks(check, [ranker.predict(r[3]) for r in check])
    log(f"held-out synonyms, rule-based order {before}; learned {after}")
    ranker.info = {
        "recipe": "python -m evals.train_phrase_ranker "
        f"--source {args.source} --queries {args.queries} --leaves {args.leaves} --iters {args.iters} "
        f"--hold-out {args.hold_out} --walker-masked {args.walker_masked}",
        "queries": f"ICD-10-CM {args.source} synonyms (inclusion terms: one code each; Index paths: leaf "
        "subterms; statements: Index paths reworded in English order, evals/phrase_statements.py), "
        "searched as phrases; own text masked from the lexical index (Index paths: and walker)",
        "release": service.index.manifest.release(ICD10CM) or "",
        "train_queries": len(train),
        "held_out_queries": len(check),
        "held_out_rule_based": before,
        "held_out_learned": after,
        "sklearn": sklearn.__version__,
    }
    ranker.save(args.out)
    log(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

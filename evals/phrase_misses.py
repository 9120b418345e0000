"""Why a short diagnosis phrase misses its gold code (gem-phrases, or any phrase set of gold alternatives).

``python -m evals.phrase_misses --limit 2000 [--out misses.jsonl]`` runs the full engine on each phrase (hash
order, as ``eval run --limit``) and records, per phrase: the rank of the first gold alternative in the answer
(1-10, or 0 when absent), where the gold sat in the retrieved candidate pool and which generator found it
(dense / BM25 / Index walker), and how the rank-1 code relates to the gold (exact, ancestor / descendant,
sibling in the category, same chapter, other). It prints the counts per class; ``--out`` writes one record a
phrase (codes and scores only: no phrase text, which is evaluation data).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from assistant.config import get_settings
from assistant.suggest.schemas import SuggestRequest
from evals import metrics, runner
from evals.cli import open_backend


def relation(code: str, gold: str, catalog: Any) -> str:
    """How a suggested code relates to a gold code (dots ignored)."""
    a, g = code.replace(".", ""), gold.replace(".", "")
    if a == g:
        return "exact"
    if a.startswith(g):
        return "descendant"
    if g.startswith(a):
        return "ancestor"
    if a[:3] == g[:3]:
        ga = catalog.parent(gold) if gold in catalog else None
        if ga is not None and catalog.parent(code) == ga if code in catalog else False:
            return "sibling"
        return "category"
    if a[:1] == g[:1] and a[:2] == g[:2]:
        return "block"
    if a[:1] == g[:1]:
        return "chapter"
    return "other"


def specificity(code: str, gold: str, catalog: Any) -> str:
    """Sibling detail: is the rank-1 code or the gold the unspecified / other one?"""
    t1, tg = catalog.title(code).lower(), catalog.title(gold).lower()
    if "unspecified" in tg and "unspecified" not in t1:
        return "gold unspecified"
    if "unspecified" in t1 and "unspecified" not in tg:
        return "top1 unspecified"
    if "other" in tg.split() and "other" not in t1.split():
        return "gold other"
    if "other" in t1.split() and "other" not in tg.split():
        return "top1 other"
    return "neither"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dataset", default="gem-phrases")
    ap.add_argument("--limit", type=int, default=2000)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    service, _ = open_backend(get_settings())
    catalog = service.catalog
    ds = runner.load_dataset(args.dataset)
    cases = runner.select_cases(ds.cases, "all", args.limit)
    pools: list[list[Any]] = []
    orig = service._mention_candidates

    def probe(*a: Any, **k: Any) -> Any:
        out = orig(*a, **k)
        pools.append([list(mc.cands) for mc in out])
        return out

    service._mention_candidates = probe  # type: ignore[method-assign]
    counts: Counter[str] = Counter()
    records: list[dict[str, Any]] = []
    for start in range(0, len(cases), 32):
        chunk = cases[start : start + 32]
        pools.clear()
        reqs = [SuggestRequest(text=c.text, top_k=10, mode="full", systems=list(ds.systems)) for c in chunk]
        for case, resp, pool in zip(chunk, service.suggest_many(reqs), pools, strict=True):
            ranked = [s.code for s in resp.suggestions]
            gold = case.gold
            rank = next(
                (i + 1 for i, c in enumerate(ranked) if any(metrics.code_matches(c, g) for g in gold)), 0
            )
            cands = [c for mc in pool for c in mc]
            prank = next(
                (i + 1 for i, c in enumerate(cands) if any(metrics.code_matches(c.code, g) for g in gold)), 0
            )
            hit = cands[prank - 1] if prank else None
            gens = []
            if hit is not None:
                gens = [
                    n
                    for n, on in (
                        ("dense", hit.dense_rank >= 0),
                        ("bm25", hit.lex_rank >= 0),
                        ("walker", hit.walk > 0),
                    )
                    if on
                ]
            bucket = "1" if rank == 1 else "2-10" if rank else ("pool" if prank else "absent")
            top = ranked[0] if ranked else ""
            rel = (
                min(
                    (relation(top, g, catalog) for g in gold),
                    key=lambda r: [
                        "exact",
                        "descendant",
                        "ancestor",
                        "sibling",
                        "category",
                        "block",
                        "chapter",
                        "other",
                    ].index(r),
                )
                if top
                else "none"
            )
            spec = (
                specificity(top, gold[0], catalog)
                if rel in ("sibling", "category") and gold[0] in catalog
                else ""
            )
            counts[f"rank {bucket}"] += 1
            if rank != 1:
                counts[f"miss rank {bucket} | top1 {rel}"] += 1
                if spec:
                    counts[f"miss {rel}: {spec}"] += 1
                counts[f"miss gold generators: {'+'.join(gens) or 'none'}"] += 1
                if prank:
                    counts[
                        f"miss pool rank {'1-10' if prank <= 10 else '11-30' if prank <= 30 else '31+'}"
                    ] += 1
            records.append(
                {
                    "id": case.id,
                    "gold": gold,
                    "ranked": ranked,
                    "rank": rank,
                    "pool_rank": prank,
                    "generators": gens,
                    "top1_relation": rel,
                    "specificity": spec,
                    "pool": [
                        [
                            c.code,
                            round(c.score, 4),
                            round(c.cos, 4),
                            round(c.coverage, 4),
                            round(c.title, 4),
                            round(c.walk, 4),
                            c.dense_rank,
                            c.lex_rank,
                            c.walk_path,
                        ]
                        for c in cands[:40]
                    ],
                }
            )
    n = len(records)
    ranks: list[int] = [r["rank"] for r in records]
    print(
        f"{n} phrases  R@1 {sum(r == 1 for r in ranks) / n:.3f}  R@10 {sum(r > 0 for r in ranks) / n:.3f}  "
        f"MRR {sum(1.0 / r for r in ranks if r) / n:.3f}"
    )
    for k, v in sorted(counts.items()):
        print(f"{v:6d} {v / n:6.3f}  {k}")
    if args.out:
        args.out.write_text("".join(json.dumps(r) + "\n" for r in records))


if __name__ == "__main__":
    main()

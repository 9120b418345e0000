"""Why a required code is missed, and where an extra or dangerous code comes from (us-notes, one split).

``python -m evals.misses --split tune [--out misses.json]`` runs the full engine on each annotated note with
light instrumentation (the mentions' candidate pools, their ranked heads, and the final set before the
coding rules) and classifies:

- every missed gold code: (a) never in any mention's candidate pool, (b) in a pool but below the final
  threshold or not the mention's first code, (c) final before the coding rules / consolidation and removed
  by them, (d) a sibling in the same category was chosen instead;
- every extra code (neither gold nor acceptable) and every dangerous code: "rule" (added by a coding rule),
  "sibling" (same category as a gold code), "uncoded mention" (a mention no gold code belongs to) or
  "duplicate" (its gold is also found).

It prints the counts per class and, with ``--out``, writes one record per note (codes only, no note text).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.codesets.repository import CodeSetRepository
from assistant.config import get_settings
from assistant.suggest import consolidate
from assistant.suggest.service import SuggestionService
from evals import metrics, runner


def _matches(code: str, gold: str) -> bool:
    return metrics.code_matches(code, gold)


class Probe:
    """Wraps one service instance's steps to record what each note went through."""

    def __init__(self, service: SuggestionService) -> None:
        self.service = service
        self.pool: list[set[str]] = []
        self.heads: list[dict[str, Any]] = []
        self.before_rules: set[str] = set()
        orig_mc = service._mention_candidates
        orig_lo = service._learned_order
        orig_absorb = consolidate.absorb_same_category

        def mention_candidates(*args: Any, **kwargs: Any) -> Any:
            out = orig_mc(*args, **kwargs)
            self.pool = [{c.code for c in mc.cands} for mc in out]
            return out

        def learned_order(*args: Any, **kwargs: Any) -> Any:
            out = orig_lo(*args, **kwargs)
            self.heads = [
                {
                    "text": mc.mention.text[:80],
                    "section": mc.mention.section,
                    "kind": mc.query.kind if mc.query else None,
                    "skipped": mc.skipped,
                    "top": [(c.code, round(c.score, 3)) for c in mc.cands[:3]],
                }
                for mc in out
            ]
            return out

        def absorb(picks: dict[str, Any], catalog: Any, note: str = "") -> None:
            self.before_rules = {p.code for p in picks.values() if p.final}
            orig_absorb(picks, catalog, note)

        service._mention_candidates = mention_candidates  # type: ignore[method-assign]
        service._learned_order = learned_order  # type: ignore[method-assign]
        consolidate.absorb_same_category = absorb  # type: ignore[assignment]


def classify_miss(gold: str, probe: Probe, final: list[str]) -> str:
    if any(_matches(c, gold) for c in probe.before_rules):
        return "c removed by rule"
    cat = metrics.norm(gold)[:3]
    if any(metrics.norm(c)[:3] == cat for c in [*final, *probe.before_rules]):
        return "d sibling chosen"
    if any(_matches(c, gold) for pool in probe.pool for c in pool):
        top1 = [h["top"][0][0] for h in probe.heads if h["top"]]
        if any(_matches(c, gold) for c in top1):
            return "b1 top-1 below threshold"
        return "b2 in pool, not top-1"
    return "a never in pool"


def classify_extra(code: str, gold: list[str], probe: Probe) -> str:
    if code not in probe.before_rules:
        return "rule-added"
    cat = metrics.norm(code)[:3]
    if any(metrics.norm(g)[:3] == cat for g in gold):
        return "sibling of gold"
    return "ranker final"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="tune")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--dataset", default="evals/datasets/us-notes")
    ap.add_argument("--source", help="keep cases whose source contains this (e.g. 'dev split')")
    ap.add_argument("--assessed-factor", type=float, help="EngineConfig.assessed_factor to try")
    args = ap.parse_args()
    settings = get_settings()
    reference = CodeSetRepository.open(settings.resolved_reference_db)
    service = SuggestionService.from_settings(settings, reference)
    if args.assessed_factor is not None:
        service.config.assessed_factor = args.assessed_factor
    probe = Probe(service)
    ds = runner.load_dataset(args.dataset)
    if args.source:
        ds = replace(ds, cases=runner.cases_from_source(ds, args.source))
    cases = runner.select_cases(ds.cases, args.split)  # type: ignore[arg-type]
    system = runner.ServiceSystem(service, "full")
    miss_cls: Counter[str] = Counter()
    extra_cls: Counter[str] = Counter()
    danger_cls: Counter[str] = Counter()
    records = []
    tot_req = tot_found = tot_final = tot_ok = 0
    for case in cases:
        out = system.run([case.text], ds.top_k, ds.kind, [runner.RequestContext.of(case, ds)])[0]
        conflicts = runner._sex_conflicts(case, out.final, reference) or []
        acceptable, forbidden = case.acceptable or [], case.forbidden or []
        cc = metrics.coder_counts(out.final, case.gold, acceptable, forbidden, case.sex, conflicts)
        tot_req += cc.required
        tot_found += cc.required_found
        tot_final += cc.final
        tot_ok += cc.final_ok
        misses = [
            (g, classify_miss(g, probe, out.final))
            for g in case.gold
            if not any(_matches(c, g) for c in out.final)
        ]
        ok = set(case.gold) | set(acceptable)
        extras = [
            (c, classify_extra(c, case.gold, probe)) for c in out.final if not any(_matches(c, g) for g in ok)
        ]
        dangerous = [(c, kind, classify_extra(c, case.gold, probe)) for c, kind in cc.dangerous]
        miss_cls.update(k for _, k in misses)
        extra_cls.update(k for _, k in extras)
        danger_cls.update(k for *_, k in dangerous)
        records.append(
            {
                "id": case.id,
                "gold": case.gold,
                "final": out.final,
                "misses": misses,
                "extras": extras,
                "dangerous": dangerous,
                "before_rules": sorted(probe.before_rules),
                "heads": probe.heads,
            }
        )
    p, r = tot_ok / max(tot_final, 1), tot_found / max(tot_req, 1)
    print(f"cases {len(cases)}  recall {r:.3f}  precision {p:.3f}  F1 {2 * p * r / max(p + r, 1e-9):.3f}")
    print("misses:", dict(sorted(miss_cls.items())), sum(miss_cls.values()))
    print("extras:", dict(sorted(extra_cls.items())), sum(extra_cls.values()))
    print("dangerous:", dict(sorted(danger_cls.items())), sum(danger_cls.values()))
    if args.out:
        args.out.write_text(json.dumps(records, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

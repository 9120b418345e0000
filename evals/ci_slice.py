"""The "ci-slice": a fixed, small configuration CI can afford, used by the baseline regression test.

* Cases: the first 150 cases (sha1 sample order, tune and holdout together, reported separately) of each
  phrase set, the first 40 CodiEsp dev-split notes and every us-notes check-split note (the coder's
  figures: required recall, precision, dangerous codes).
* Index: restricted to (1) every gold, acceptable and forbidden code of those cases, (2) every billable
  code in their 3-character categories (the siblings: the hard negatives) and (3) a deterministic
  sample of 3,000 other billable ICD-10-CM codes (sha1 order), built with the real embedding model.
  Categories with more than 60 billable codes (injuries with 7th characters) contribute the smallest
  enclosing subcategory instead.

Write or refresh the committed baseline on purpose only:
``python -m evals.ci_slice --write evals/baselines/ci-slice.json`` (see evals/README.md).
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.codesets.repository import CodeSetRepository
from assistant.config import Settings
from assistant.suggest import index_build
from assistant.suggest.service import SuggestionService
from evals import metrics, runner

PHRASE_SETS = ("gem-phrases", "icd10cm-inclusion-terms", "icd10cm-index-terms")
NOTE_SETS = ("codiesp-en", "us-notes")
DEV_SPLIT = "dev split"
US_NOTES_SPLIT: runner.Split = "check"
PHRASE_CASES = 150
NOTE_CASES = 40
RANDOM_CODES = 3000
MAX_SIBLINGS = 60
SYSTEMS = ("full", "bm25")
BASELINE_PATH = Path(__file__).resolve().parent / "baselines" / "ci-slice.json"
# What the regression test guards (absolute points on the "all" part; a metric the baseline lacks is skipped).
GUARDED = {
    "phrase": ("recall@1", "recall@10", "mrr"),
    "note": ("map", "r_precision", "micro_f1", "required_recall", "final_precision"),
}
TOLERANCE = 0.02
# Counts where fewer is better, with how many more than the baseline are tolerated.
GUARDED_COUNTS = {"dangerous": 1}


def slice_datasets() -> list[runner.Dataset]:
    out = []
    for name in (*NOTE_SETS, *PHRASE_SETS):
        ds = runner.load_dataset(name)
        if name == "us-notes":  # the check split, whole: the learned ranker trained on the tune split
            ds.cases = runner.select_cases(ds.cases, US_NOTES_SPLIT)
        else:
            if name in NOTE_SETS:  # the dev split only: the learned ranker trained on the train split's notes
                ds.cases = runner.cases_from_source(ds, DEV_SPLIT)
            n = NOTE_CASES if name in NOTE_SETS else PHRASE_CASES
            ds.cases = runner.select_cases(ds.cases, "all", n)
        out.append(ds)
    return out


def billable_icd10cm_codes() -> list[str]:
    """Every billable ICD-10-CM code (April 2026) from simple-icd-10-cm, the source of the code sets."""
    import simple_icd_10_cm as icd

    return sorted({c for c in icd.get_all_codes(True) if icd.is_leaf(c) and "-" not in c and not c.isdigit()})


def sibling_codes(gold: str, by_norm: dict[str, str], max_siblings: int = MAX_SIBLINGS) -> set[str]:
    """Billable codes near ``gold``: its whole 3-character category, or, where the category is larger
    than ``max_siblings`` (injury categories run to thousands), the smallest enclosing subcategory
    that fits."""
    g = metrics.norm(gold)
    for length in range(3, len(g) + 1):
        group = [code for n, code in by_norm.items() if n.startswith(g[:length])]
        if len(group) <= max_siblings:
            return set(group)
    return {by_norm[g]} if g in by_norm else set()


def slice_codes(
    datasets: Sequence[runner.Dataset], billable: Sequence[str], n_random: int = RANDOM_CODES
) -> set[str]:
    # Acceptable and forbidden codes too: a dangerous code can only be suggested if it is indexed.
    gold = {
        g for ds in datasets for c in ds.cases for g in (*c.gold, *(c.acceptable or ()), *(c.forbidden or ()))
    }
    by_cat: dict[str, dict[str, str]] = {}
    for code in billable:
        by_cat.setdefault(metrics.category(code), {})[metrics.norm(code)] = code
    chosen = set(gold)
    for g in gold:
        chosen |= sibling_codes(g, by_cat.get(metrics.category(g), {}))
    others = sorted(
        (c for c in billable if c not in chosen),
        key=lambda c: hashlib.sha1(f"ci-slice:{c}".encode()).hexdigest(),
    )
    return chosen | set(others[:n_random])


def build_slice_index(settings: Any, reference: Any, codes: set[str], progress: Any = None) -> None:
    """Build the restricted index through the engine's public builder."""
    index_build.build_index(settings, reference, _embedder(settings), codes, progress)


def _embedder(settings: Any) -> Any:
    """The engine's embedder (the real model); None lets build_index load its default."""
    for name in ("load_embedder", "make_embedder", "get_embedder"):
        factory = getattr(index_build, name, None)
        if factory is not None:
            return factory(settings)
    return None


def run_slice(settings: Any, reference: Any, systems: Sequence[str] = SYSTEMS) -> dict[str, Any]:
    """Build the slice index into ``settings.index_dir``, score the slice, return the baseline document."""
    datasets = slice_datasets()
    codes = slice_codes(datasets, billable_icd10cm_codes())
    t0 = time.perf_counter()
    build_slice_index(settings, reference, codes)
    build_s = time.perf_counter() - t0
    service = SuggestionService.from_settings(settings, reference)
    t1 = time.perf_counter()
    results = runner.evaluate(datasets, [runner.ServiceSystem(service, m) for m in systems], reference, "all")
    eval_s = time.perf_counter() - t1
    doc: dict[str, Any] = {
        "config": {
            "cases": {ds.name: len(ds.cases) for ds in datasets},
            "index_codes": len(codes),
            "random_codes": RANDOM_CODES,
            "sample_order": "sha1('eval-sample:'+id); codes: sha1('ci-slice:'+code)",
            "final_list": runner.FinalPolicy().describe(),
            "systems": list(systems),
        },
        "timing_s": {"build_index": round(build_s, 1), "evaluate": round(eval_s, 1)},
        "results": {},
    }
    for r in results:
        keep = {
            part: {k: v for k, v in m.items() if isinstance(v, int | float) and not isinstance(v, bool)}
            for part, m in r.parts.items()
        }
        doc["results"].setdefault(r.dataset, {"kind": r.kind})[r.system] = keep
    return doc


def regressions(current: dict[str, Any], baseline: dict[str, Any], system: str = "full") -> list[str]:
    """Guarded metrics of ``system`` that fell more than TOLERANCE below the baseline (part "all")."""
    problems = []
    for name, per_system in baseline["results"].items():
        base = per_system.get(system, {}).get("all", {})
        now = current["results"].get(name, {}).get(system, {}).get("all", {})
        for metric in GUARDED[per_system["kind"]]:
            if metric not in base:
                continue
            if metric not in now:
                problems.append(f"{name} {metric}: missing (baseline {base[metric]:.3f})")
            elif now[metric] < base[metric] - TOLERANCE:
                problems.append(
                    f"{name} {metric}: {now[metric]:.3f} < baseline {base[metric]:.3f} - {TOLERANCE}"
                )
        for metric, slack in GUARDED_COUNTS.items():
            if isinstance(base.get(metric), int) and now.get(metric, 0) > base[metric] + slack:
                problems.append(f"{name} {metric}: {now[metric]} > baseline {base[metric]} + {slack}")
    return problems


def main(argv: list[str]) -> int:
    import argparse
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", type=Path, help="write the baseline JSON here (on purpose only)")
    parser.add_argument("--index-dir", type=Path, help="keep the slice index here (default: a temp folder)")
    args = parser.parse_args(argv)
    base = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        settings = base.model_copy(update={"index_dir": args.index_dir or Path(tmp) / "index"})
        reference = CodeSetRepository.open(base.resolved_reference_db)
        doc = run_slice(settings, reference)
    text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
    if args.write:
        args.write.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

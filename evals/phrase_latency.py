"""Phrase-mode latency: ``python -m evals.phrase_latency [--n 200] [--dataset gem-phrases]``.

Times ``SuggestionService.suggest`` on the first ``n`` phrases (hash order, as ``eval run --limit``), one
request at a time, after 20 warm-up requests, and prints p50 / p90 in milliseconds (no phrase text).
``assistant bench`` times notes; this is its phrase counterpart for the phrase-mode reports.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from assistant.config import get_settings
from assistant.suggest.schemas import SuggestRequest
from evals import runner
from evals.cli import open_backend


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dataset", default="gem-phrases")
    ap.add_argument("--n", type=int, default=200)
    args = ap.parse_args(argv)
    service, _ = open_backend(get_settings())
    ds = runner.load_dataset(args.dataset)
    cases = runner.select_cases(ds.cases, "all", args.n + 20)
    requests = [SuggestRequest(text=c.text, top_k=10, mode="full", systems=list(ds.systems)) for c in cases]
    for r in requests[:20]:
        service.suggest(r)
    times = []
    for r in requests[20:]:
        start = time.perf_counter()
        service.suggest(r)
        times.append(1000 * (time.perf_counter() - start))
    p50, p90 = np.percentile(times, [50, 90])
    print(f"{len(times)} phrases  p50 {p50:.1f} ms  p90 {p90:.1f} ms")


if __name__ == "__main__":
    main()

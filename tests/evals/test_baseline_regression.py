"""Regression gate: the full pipeline on the ci-slice must not fall more than 2 points below the baseline.

Builds a restricted index (ci-slice gold codes, their siblings, 3,000 sampled billable codes) with the real
model once per session, then scores the slice through SuggestionService.suggest_many.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evals import ci_slice


@pytest.fixture(scope="session")
def ci_slice_run(tmp_path_factory: pytest.TempPathFactory, reference: Any) -> dict[str, Any]:
    from assistant.config import Settings
    from tests.conftest import reference_db

    pytest.importorskip("assistant.suggest.index_build", reason="suggestion engine not built yet")
    if not ci_slice.BASELINE_PATH.exists():
        pytest.fail(f"no committed baseline: run `python -m evals.ci_slice --write {ci_slice.BASELINE_PATH}`")
    root = tmp_path_factory.mktemp("ci-slice")
    settings = Settings(data_dir=root / "data", reference_db_path=reference_db(), index_dir=root / "index")
    return ci_slice.run_slice(settings, reference)


# The two tests of the slice run share one xdist worker, so its index is built once per run (xdist's
# loadgroup also hands out groups before single tests: the suite's longest unit starts early).
CI_SLICE_GROUP = pytest.mark.xdist_group("ci-slice")


@pytest.mark.slow
@CI_SLICE_GROUP
def test_ci_slice_configuration_is_the_committed_one(ci_slice_run: dict[str, Any]) -> None:
    baseline = json.loads(ci_slice.BASELINE_PATH.read_text())
    assert ci_slice_run["config"] == baseline["config"], "slice changed: refresh the baseline on purpose"


@pytest.mark.slow
@CI_SLICE_GROUP
def test_full_pipeline_not_below_baseline(ci_slice_run: dict[str, Any]) -> None:
    baseline = json.loads(Path(ci_slice.BASELINE_PATH).read_text())
    for name, per_system in ci_slice_run["results"].items():
        print(
            name,
            {
                m: round(per_system["full"]["all"].get(m, 0.0), 3)
                for m in ci_slice.GUARDED[per_system["kind"]]
            },
        )
    problems = ci_slice.regressions(ci_slice_run, baseline)
    assert not problems, "full pipeline regressed on the ci-slice:\n" + "\n".join(problems)


def test_regression_check_catches_a_drop() -> None:
    """The comparison itself: a 3-point drop is flagged, a 1-point drop is not."""
    base = {
        "results": {"s": {"kind": "phrase", "full": {"all": {"recall@1": 0.5, "recall@10": 0.8, "mrr": 0.6}}}}
    }
    worse = {
        "results": {
            "s": {"kind": "phrase", "full": {"all": {"recall@1": 0.47, "recall@10": 0.79, "mrr": 0.6}}}
        }
    }
    problems = ci_slice.regressions(worse, base)
    assert len(problems) == 1 and "recall@1" in problems[0]


def test_regression_check_catches_new_dangerous_codes_and_lost_recall() -> None:
    """The coder's figures (us-notes): more dangerous codes than the slack, or lost required recall."""
    figures = {"map": 0.6, "required_recall": 0.7, "final_precision": 0.7, "dangerous": 2}
    base = {"results": {"us-notes": {"kind": "note", "full": {"all": figures}}}}

    def now(**changes: float) -> dict[str, Any]:
        return {"results": {"us-notes": {"kind": "note", "full": {"all": {**figures, **changes}}}}}

    assert ci_slice.regressions(now(dangerous=3), base) == []  # one more is tolerated
    assert ci_slice.regressions(now(dangerous=4), base) == ["us-notes dangerous: 4 > baseline 2 + 1"]
    assert len(ci_slice.regressions(now(required_recall=0.6), base)) == 1
    assert ci_slice.regressions(now(dangerous=0, final_precision=0.9), base) == []


def test_slice_codes_are_gold_siblings_and_a_fixed_random_sample() -> None:
    from evals.runner import Case, Dataset

    billable = ["E11.9", "E11.65", "E11.69", "I10", "J18.9", "J45.909", "R51.9", "R51.0", "Z00.00", "Z00.01"]
    billable += [f"S82.{i:03d}A" for i in range(100)]  # a huge category
    ds = Dataset(
        name="x", path=Path("x"), cases=[Case("a", "t", ["E11.9", "R51"]), Case("b", "t", ["S82.001A"])]
    )
    codes = ci_slice.slice_codes([ds], billable, n_random=2)
    assert {"E11.9", "E11.65", "E11.69", "R51", "R51.0", "R51.9", "S82.001A"} <= codes
    core = ci_slice.slice_codes([ds], billable, n_random=0)
    assert len({c for c in core if c.startswith("S82")}) <= ci_slice.MAX_SIBLINGS  # big category: subcategory
    assert "S82.099A" not in core and "S82.009A" in core
    assert len(codes - core) == 2  # the random sample of other billable codes
    assert codes == ci_slice.slice_codes([ds], list(reversed(billable)), n_random=2)  # deterministic
    coded = Dataset(
        name="y", path=Path("y"), cases=[Case("c", "t", ["I10"], acceptable=["J18.9"], forbidden=["Z00.01"])]
    )
    assert {"I10", "J18.9", "Z00.00", "Z00.01"} <= ci_slice.slice_codes([coded], billable, n_random=0)

"""Load evaluation sets, run systems through the public suggestion API, score them.

The runner only talks to ``SuggestionService.suggest_many`` (the same call the web app and the CLI use)
and, for dangerous-error checks, to the ``ReferenceLookup`` protocol. It never imports engine internals.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from assistant.core.errors import InvalidInput
from assistant.suggest.schemas import SuggestRequest
from evals import metrics
from evals.metrics import CaseOutcome, GoldRule

DATASETS_DIR = Path(__file__).resolve().parent / "datasets"
Split = Literal["tune", "holdout", "all"]
SERVICE_MODES: tuple[str, ...] = ("full", "hybrid", "dense", "bm25")
PEER_NAME = "icd10-coder"
ALL_SYSTEMS: tuple[str, ...] = (*SERVICE_MODES, PEER_NAME)
ICD10CM = "ICD-10-CM"


# --------------------------------------------------------------------------- datasets
@dataclass
class Case:
    id: str
    text: str
    gold: list[str]
    negated: list[str] | None = None


@dataclass
class Dataset:
    name: str
    path: Path
    cases: list[Case]
    kind: Literal["phrase", "note"] = "phrase"
    gold_rule: GoldRule = "all"
    top_k: int = 10
    independence: str = ""
    smoke: bool = False


def is_tune(case_id: str) -> bool:
    """The tune/holdout split: a case is in the tune part unless sha1(id) % 5 == 0 (holdout, ~20%)."""
    return int(hashlib.sha1(case_id.encode("utf-8")).hexdigest(), 16) % 5 != 0


def part_of(case_id: str) -> str:
    return "tune" if is_tune(case_id) else "holdout"


def sample_key(case_id: str) -> str:
    """Deterministic order used by --limit (salted, so it is independent of the split hash)."""
    return hashlib.sha1(f"eval-sample:{case_id}".encode()).hexdigest()


def resolve_dataset_path(value: str | Path) -> Path:
    """A dataset folder, its dev.jsonl, or a bare name under evals/datasets/."""
    path = Path(value)
    if not path.exists() and (DATASETS_DIR / str(value)).exists():
        path = DATASETS_DIR / str(value)
    if path.is_dir():
        path = path / "dev.jsonl"
    return path


def load_dataset(value: str | Path) -> Dataset:
    path = resolve_dataset_path(value)
    if not path.is_file():
        raise InvalidInput(
            f"dataset not found: {value}",
            field="dataset",
            fix=f"pass a folder with dev.jsonl or one of: {', '.join(available_datasets())}",
        )
    meta_path = path.parent / "meta.json"
    meta: dict[str, Any] = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    cases: list[Case] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not row.get("gold") or not str(row.get("text", "")).strip():
                raise InvalidInput(
                    f"{path}:{lineno}: case without text or gold codes",
                    field="dataset",
                    fix="every line needs non-empty 'text' and 'gold'",
                )
            cases.append(
                Case(id=str(row["id"]), text=row["text"], gold=list(row["gold"]), negated=row.get("negated"))
            )
    name = path.parent.name if path.name == "dev.jsonl" else path.stem
    kind: Any = meta.get("kind") or ("note" if _mean_len(cases) > 300 else "phrase")
    return Dataset(
        name=name,
        path=path,
        cases=cases,
        kind=kind,
        gold_rule=meta.get("gold_rule", "all"),
        top_k=int(meta.get("top_k", 50 if kind == "note" else 10)),
        independence=meta.get("independence", ""),
        smoke=bool(meta.get("smoke", False)),
    )


def _mean_len(cases: Sequence[Case]) -> float:
    return sum(len(c.text) for c in cases) / len(cases) if cases else 0.0


def available_datasets() -> list[str]:
    return sorted(p.parent.name for p in DATASETS_DIR.glob("*/dev.jsonl"))


def select_cases(cases: Sequence[Case], split: Split = "all", limit: int | None = None) -> list[Case]:
    """Filter by split, then (with ``limit``) take the first N cases in hash order: deterministic."""
    chosen = [c for c in cases if split == "all" or part_of(c.id) == split]
    if limit is not None and limit < len(chosen):
        chosen = sorted(chosen, key=lambda c: sample_key(c.id))[:limit]
    return chosen


# --------------------------------------------------------------------------- systems
@dataclass
class SystemOutput:
    ranked: list[str]
    final: list[str]
    latency_s: float
    titles: dict[str, str] = field(default_factory=dict)


class System(Protocol):
    name: str

    def run(self, texts: list[str], top_k: int, kind: str) -> list[SystemOutput]: ...


@dataclass(frozen=True)
class FinalPolicy:
    """Which suggestions make the product's final list.

    Default: confidence "high" or "medium" (the engine's bands; "low" ones are shown as "consider" only).
    ``min_score`` (when set) replaces the band rule with a score threshold.
    """

    bands: tuple[str, ...] = ("high", "medium")
    min_score: float | None = None

    def select(self, suggestions: Sequence[Any]) -> list[str]:
        if self.min_score is not None:
            return [s.code for s in suggestions if s.score >= self.min_score]
        return [s.code for s in suggestions if s.confidence in self.bands]

    def describe(self) -> str:
        if self.min_score is not None:
            return f"score >= {self.min_score}"
        return "confidence in {" + ", ".join(self.bands) + "}"


class ServiceSystem:
    """One pipeline of the product (SuggestRequest.mode) called through SuggestionService.suggest_many.

    Latency is the wall time of a suggest_many batch divided by its size (amortised per case).
    """

    def __init__(self, service: Any, mode: str, batch_size: int = 32, policy: FinalPolicy | None = None):
        self.service = service
        self.mode = mode
        self.name = mode
        self.batch_size = batch_size
        self.policy = policy or FinalPolicy()

    def run(self, texts: list[str], top_k: int, kind: str) -> list[SystemOutput]:
        size = self.batch_size if kind == "phrase" else max(1, self.batch_size // 8)
        out: list[SystemOutput] = []
        for start in range(0, len(texts), size):
            chunk = texts[start : start + size]
            requests = [
                SuggestRequest(text=t, top_k=top_k, mode=self.mode, systems=[ICD10CM])  # type: ignore[arg-type]
                for t in chunk
            ]
            t0 = time.perf_counter()
            responses = self.service.suggest_many(requests)
            per_case = (time.perf_counter() - t0) / len(chunk)
            if len(responses) != len(chunk):
                raise RuntimeError(
                    f"suggest_many returned {len(responses)} responses for {len(chunk)} requests"
                )
            for resp in responses:
                sugg = [s for s in resp.suggestions if s.system == ICD10CM]
                out.append(
                    SystemOutput(
                        ranked=[s.code for s in sugg],
                        final=self.policy.select(sugg),
                        latency_s=per_case,
                        titles={s.code: s.title for s in sugg},
                    )
                )
        return out


# --------------------------------------------------------------------------- scoring
@dataclass
class RunResult:
    dataset: str
    system: str
    kind: str
    gold_rule: GoldRule
    parts: dict[str, dict[str, object]]  # "all" | "tune" | "holdout" -> metrics
    chapters: dict[str, dict[str, float]]
    frequency: dict[str, dict[str, float]]
    outcomes: list[CaseOutcome]
    titles: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "dataset": self.dataset,
            "system": self.system,
            "kind": self.kind,
            "gold_rule": self.gold_rule,
            "parts": self.parts,
            "by_chapter": self.chapters,
            "by_frequency": self.frequency,
        }


def _dangerous(final: list[str], reference: Any | None) -> tuple[int | None, int | None]:
    if reference is None:
        return None, None
    headers = 0
    for code in final:
        try:
            if not reference.is_billable(code, ICD10CM):
                headers += 1
        except Exception:  # an unknown code is not a header; it is simply wrong
            continue
    pairs = len(reference.excludes1_conflicts(final)) if len(final) > 1 else 0
    return headers, pairs


def score(
    dataset: Dataset,
    system_name: str,
    cases: Sequence[Case],
    outputs: Sequence[SystemOutput],
    reference: Any | None,
    split: Split,
) -> RunResult:
    outcomes: list[CaseOutcome] = []
    titles: dict[str, str] = {}
    for case, out in zip(cases, outputs, strict=True):
        headers, pairs = _dangerous(out.final, reference)
        titles.update(out.titles)
        outcomes.append(
            CaseOutcome(
                case_id=case.id,
                gold=case.gold,
                ranked=out.ranked,
                final=out.final,
                latency_s=out.latency_s,
                header_codes=headers,
                excludes1_pairs=pairs,
                negated=case.negated,
                text=case.text,
            )
        )
    rule = dataset.gold_rule
    max_k = max(10, min(dataset.top_k, 50))
    parts: dict[str, dict[str, object]] = {}
    if split == "all":
        parts["all"] = metrics.aggregate(outcomes, rule, max_k)
        for name in ("tune", "holdout"):
            parts[name] = metrics.aggregate([o for o in outcomes if part_of(o.case_id) == name], rule, max_k)
    else:
        parts[split] = metrics.aggregate(outcomes, rule, max_k)
    return RunResult(
        dataset=dataset.name,
        system=system_name,
        kind=dataset.kind,
        gold_rule=rule,
        parts=parts,
        chapters=metrics.breakdown(outcomes, rule, metrics.chapter),
        frequency=metrics.breakdown(outcomes, rule, metrics.frequency_key(outcomes)),
        outcomes=outcomes,
        titles=titles,
    )


def evaluate(
    datasets: Sequence[Dataset],
    systems: Sequence[System],
    reference: Any | None = None,
    split: Split = "all",
    limit: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[RunResult]:
    """Every dataset × system on the same selected cases."""
    results: list[RunResult] = []
    for ds in datasets:
        cases = select_cases(ds.cases, split, limit)
        texts = [c.text for c in cases]
        for system in systems:
            if progress:
                progress(f"{ds.name}: {system.name} on {len(cases)} cases")
            outputs = system.run(texts, ds.top_k, ds.kind)
            results.append(score(ds, system.name, cases, outputs, reference, split))
    return results

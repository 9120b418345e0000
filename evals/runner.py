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
Split = Literal["tune", "holdout", "check", "all"]
SPLIT_FILES: tuple[str, ...] = ("tune.jsonl", "check.jsonl")  # sets that ship their own split
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
    # Coder annotations (us-notes): defensible extras, dangerous codes, who the patient is.
    acceptable: list[str] | None = None
    forbidden: list[str] | None = None
    sex: str | None = None
    age: int | None = None
    setting: str | None = None
    specialty: str | None = None
    format: str | None = None
    part: str | None = None  # "tune" | "check" when the set ships its own split

    @property
    def annotated(self) -> bool:
        return self.forbidden is not None


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
    systems: tuple[str, ...] = (ICD10CM,)  # code systems requested and scored

    @property
    def part_names(self) -> tuple[str, str]:
        """("tune", "check") for a set with its own split files, else the hash rule's ("tune", "holdout")."""
        return ("tune", "check") if any(c.part for c in self.cases) else ("tune", "holdout")


def is_tune(case_id: str) -> bool:
    """The tune/holdout split: a case is in the tune part unless sha1(id) % 5 == 0 (holdout, ~20%)."""
    return int(hashlib.sha1(case_id.encode("utf-8")).hexdigest(), 16) % 5 != 0


def part_of(case_id: str) -> str:
    return "tune" if is_tune(case_id) else "holdout"


def case_part(case: Case) -> str:
    """The case's own split ("tune"/"check") when its set ships one, else the hash rule."""
    return case.part or part_of(case.id)


def in_split(case: Case, split: Split) -> bool:
    """``holdout`` and ``check`` name the same thing: the part that is never tuned on."""
    if split == "all":
        return True
    held = case_part(case) in ("holdout", "check")
    return held if split in ("holdout", "check") else not held


def sample_key(case_id: str) -> str:
    """Deterministic order used by --limit (salted, so it is independent of the split hash)."""
    return hashlib.sha1(f"eval-sample:{case_id}".encode()).hexdigest()


def resolve_dataset_path(value: str | Path) -> Path:
    """A dataset folder, its dev.jsonl, or a bare name under evals/datasets/.

    A folder without dev.jsonl but with tune.jsonl/check.jsonl (its own split) resolves to the folder.
    """
    path = Path(value)
    if not path.exists() and (DATASETS_DIR / str(value)).exists():
        path = DATASETS_DIR / str(value)
    if path.is_dir() and not (path / "dev.jsonl").exists() and _split_files(path):
        return path
    if path.is_dir():
        path = path / "dev.jsonl"
    return path


def _split_files(folder: Path) -> list[Path]:
    return [folder / name for name in SPLIT_FILES if (folder / name).is_file()]


def _case(row: dict[str, Any], part: str | None) -> Case:
    age = row.get("age")
    return Case(
        id=str(row["id"]),
        text=row["text"],
        gold=list(row["gold"]),
        negated=row.get("negated"),
        acceptable=list(row["acceptable"]) if "acceptable" in row else None,
        forbidden=list(row["forbidden"]) if "forbidden" in row else None,
        sex=row.get("sex"),
        age=int(age) if age is not None else None,
        setting=row.get("setting"),
        specialty=row.get("specialty"),
        format=row.get("format"),
        part=part or (row["split"] if row.get("split") in ("tune", "check") else None),
    )


def _read_cases(path: Path, part: str | None) -> list[Case]:
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
            cases.append(_case(row, part))
    return cases


def load_dataset(value: str | Path) -> Dataset:
    path = resolve_dataset_path(value)
    if not path.is_file() and not (path.is_dir() and _split_files(path)):
        raise InvalidInput(
            f"dataset not found: {value}",
            field="dataset",
            fix=f"pass a folder with dev.jsonl or one of: {', '.join(available_datasets())}",
        )
    folder = path if path.is_dir() else path.parent
    meta_path = folder / "meta.json"
    meta: dict[str, Any] = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    if path.is_dir():
        cases = [c for f in _split_files(path) for c in _read_cases(f, f.stem)]
        name = path.name
    else:
        part = path.stem if path.name in SPLIT_FILES else None
        cases = _read_cases(path, part)
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
        systems=tuple(meta.get("systems") or (ICD10CM,)),
    )


def _mean_len(cases: Sequence[Case]) -> float:
    return sum(len(c.text) for c in cases) / len(cases) if cases else 0.0


def available_datasets() -> list[str]:
    folders = (p for p in DATASETS_DIR.iterdir() if p.is_dir())
    return sorted(p.name for p in folders if (p / "dev.jsonl").exists() or _split_files(p))


def select_cases(cases: Sequence[Case], split: Split = "all", limit: int | None = None) -> list[Case]:
    """Filter by split, then (with ``limit``) take the first N cases in hash order: deterministic."""
    chosen = [c for c in cases if in_split(c, split)]
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
    systems: dict[str, str] = field(default_factory=dict)  # code -> its code system (ICD-10-CM if absent)


@dataclass(frozen=True)
class RequestContext:
    """What a case tells the request besides its text: setting, patient, code systems."""

    setting: str | None = None
    sex: str | None = None
    age: int | None = None
    systems: tuple[str, ...] = (ICD10CM,)

    @classmethod
    def of(cls, case: Case, dataset: Dataset) -> RequestContext:
        return cls(setting=case.setting, sex=case.sex, age=case.age, systems=dataset.systems)


class System(Protocol):
    name: str

    def run(
        self, texts: list[str], top_k: int, kind: str, contexts: Sequence[RequestContext] | None = None
    ) -> list[SystemOutput]: ...


def request_payload(text: str, top_k: int, mode: str, context: RequestContext, fields: Any) -> dict[str, Any]:
    """The SuggestRequest fields for one case. ``patient`` is sent only when the request model has it
    (``fields`` is ``SuggestRequest.model_fields``), so the runner works before and after it exists."""
    payload: dict[str, Any] = {"text": text, "top_k": top_k, "mode": mode, "systems": list(context.systems)}
    if context.setting and "setting" in fields:
        payload["setting"] = context.setting
    if "patient" in fields and (context.sex or context.age is not None):
        patient: dict[str, Any] = {"sex": context.sex or "U"}
        if context.age is not None:
            patient["age_years"] = context.age
        payload["patient"] = patient
    return payload


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

    def run(
        self, texts: list[str], top_k: int, kind: str, contexts: Sequence[RequestContext] | None = None
    ) -> list[SystemOutput]:
        size = self.batch_size if kind == "phrase" else max(1, self.batch_size // 8)
        contexts = list(contexts) if contexts is not None else [RequestContext()] * len(texts)
        fields = SuggestRequest.model_fields
        out: list[SystemOutput] = []
        for start in range(0, len(texts), size):
            chunk = texts[start : start + size]
            requests = [
                SuggestRequest.model_validate(request_payload(t, top_k, self.mode, ctx, fields))
                for t, ctx in zip(chunk, contexts[start : start + size], strict=True)
            ]
            t0 = time.perf_counter()
            responses = self.service.suggest_many(requests)
            per_case = (time.perf_counter() - t0) / len(chunk)
            if len(responses) != len(chunk):
                raise RuntimeError(
                    f"suggest_many returned {len(responses)} responses for {len(chunk)} requests"
                )
            for resp, ctx in zip(responses, contexts[start : start + size], strict=True):
                sugg = [s for s in resp.suggestions if s.system in ctx.systems]
                out.append(
                    SystemOutput(
                        ranked=[s.code for s in sugg],
                        final=self.policy.select(sugg),
                        latency_s=per_case,
                        titles={s.code: s.title for s in sugg},
                        systems={s.code: s.system for s in sugg},
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
    # Coder metrics per specialty / note format (annotated sets only): {"specialty": {name: metrics}}.
    groups: dict[str, dict[str, dict[str, object]]] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "dataset": self.dataset,
            "system": self.system,
            "kind": self.kind,
            "gold_rule": self.gold_rule,
            "parts": self.parts,
            "by_chapter": self.chapters,
            "by_frequency": self.frequency,
            **{f"by_{name}": table for name, table in self.groups.items()},
        }


def dangerous_counts(
    final: list[str], reference: Any | None, systems: dict[str, str] | None = None
) -> tuple[int | None, int | None]:
    """(non-billable codes, Excludes1 pairs) in a final list; each code checked in its own code system."""
    if reference is None:
        return None, None
    systems = systems or {}
    headers = 0
    for code in final:
        try:
            if not reference.is_billable(code, systems.get(code, ICD10CM)):
                headers += 1
        except Exception:  # an unknown code is not a header; it is simply wrong
            continue
    icd = [c for c in final if systems.get(c, ICD10CM) == ICD10CM]
    pairs = len(reference.excludes1_conflicts(icd)) if len(icd) > 1 else 0
    return headers, pairs


GROUPS: tuple[str, ...] = ("specialty", "format")
SEX_EDITS = {"Female_Only": "F", "Male_Only": "M"}


def _sex_conflicts(case: Case, final: list[str], reference: Any | None) -> list[str] | None:
    """Final-list codes whose MCE sex edit contradicts the case's patient (None: not checkable)."""
    if not case.annotated:
        return None
    if reference is None or not hasattr(reference, "mce_edits") or case.sex not in ("F", "M"):
        return []
    conflicts = []
    for code in final:
        sexes = {SEX_EDITS[e.edit_type] for e in reference.mce_edits(code) if e.edit_type in SEX_EDITS}
        if sexes and case.sex not in sexes:
            conflicts.append(code)
    return conflicts


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
        headers, pairs = dangerous_counts(out.final, reference, out.systems)
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
                acceptable=case.acceptable,
                forbidden=case.forbidden,
                sex=case.sex,
                sex_conflicts=_sex_conflicts(case, out.final, reference),
                groups={g: v for g in GROUPS if (v := getattr(case, g))},
            )
        )
    rule = dataset.gold_rule
    max_k = max(10, min(dataset.top_k, 50))
    parts: dict[str, dict[str, object]] = {}
    names = dataset.part_names
    if split == "all":
        parts["all"] = metrics.aggregate(outcomes, rule, max_k)
        part = {c.id: case_part(c) for c in cases}
        for name in names:
            parts[name] = metrics.aggregate([o for o in outcomes if part[o.case_id] == name], rule, max_k)
    else:
        parts[names[1] if split in ("holdout", "check") else split] = metrics.aggregate(outcomes, rule, max_k)
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
        groups={g: t for g in GROUPS if (t := metrics.coder_breakdown(outcomes, g))},
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
        contexts = [RequestContext.of(c, ds) for c in cases]
        for system in systems:
            if progress:
                progress(f"{ds.name}: {system.name} on {len(cases)} cases")
            outputs = system.run(texts, ds.top_k, ds.kind, contexts)
            results.append(score(ds, system.name, cases, outputs, reference, split))
    return results


def cases_from_source(ds: Any, source: str) -> list[Any]:
    """The cases whose ``source`` field contains ``source`` (e.g. "dev split": the CodiEsp dev notes)."""
    files = [ds.path] if ds.path.is_file() else sorted(ds.path.glob("*.jsonl"))
    sources = {
        str(row["id"]): str(row.get("source", ""))
        for f in files
        for row in map(json.loads, filter(str.strip, f.read_text(encoding="utf-8").splitlines()))
    }
    return [c for c in ds.cases if source in sources.get(c.id, "")]

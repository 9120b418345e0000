"""The wording battery: does one problem, worded as physicians write it, reach the final list in every note
shape?

Each line of ``evals/datasets/wordings/*.tsv``: wording <TAB> expected code [<TAB> sex <TAB> age]. Every
wording is put in three note shapes (a numbered "A/P:" line with its plan, an "Assessment:" line, a "#"
problem-list item) and passes when the expected code is in the final list (high or medium confidence) of
all three. The shapes are the product's own reading contract, so a wording that passes in one shape and
fails in another points at the reader, and one that fails in all three at retrieval or the rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.suggest.schemas import Patient, SuggestRequest

DEFAULT_DIR = Path(__file__).parent / "datasets" / "wordings"
SHAPES = {
    "ap": "A/P:\n1. {w} - continue current management.\n2. Follow up in 3 months.",
    "assessment": "Assessment: {w}.\nPlan: as discussed, return if worse.",
    "problem-list": "Problem list:\n# {w} - stable.\n",
}
FINAL = ("high", "medium")
DEFAULT_SEX, DEFAULT_AGE = "F", 45


@dataclass(frozen=True)
class Wording:
    group: str  # the file it came from
    text: str
    code: str
    sex: str = DEFAULT_SEX
    age: int = DEFAULT_AGE


@dataclass
class WordingResult:
    n: int = 0
    passed: int = 0
    by_shape: dict[str, int] = field(default_factory=dict)  # shape -> wordings passing in it
    by_group: dict[str, list[int]] = field(default_factory=dict)  # group -> [passed, n]
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.passed / self.n if self.n else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "passed": self.passed,
            "rate": round(self.rate, 4),
            "by_shape": {s: round(v / self.n, 4) if self.n else 0.0 for s, v in self.by_shape.items()},
            "by_group": {g: {"passed": p, "n": n} for g, (p, n) in sorted(self.by_group.items())},
            "failures": self.failures,
        }


def read_wordings(paths: Iterable[Path]) -> list[Wording]:
    """The wordings of the given TSV files (blank lines and "#" comments skipped)."""
    out: list[Wording] = []
    for path in sorted(paths):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) < 2 or not parts[0].strip() or not parts[1].strip():
                raise ValueError(f"{path.name} line {n}: expected 'wording<TAB>code[<TAB>sex<TAB>age]'")
            sex = parts[2].strip() if len(parts) > 2 and parts[2].strip() else DEFAULT_SEX
            age = int(parts[3]) if len(parts) > 3 and parts[3].strip() else DEFAULT_AGE
            out.append(Wording(path.stem, parts[0].strip(), parts[1].strip(), sex, age))
    return out


def requests_for(wording: Wording) -> list[SuggestRequest]:
    """The wording in each note shape, for the wording's patient."""
    patient = Patient.model_validate({"sex": wording.sex, "age_years": wording.age})
    return [SuggestRequest(text=shape.format(w=wording.text), patient=patient) for shape in SHAPES.values()]


def evaluate(service: Any, wordings: Sequence[Wording], batch_size: int = 64) -> WordingResult:
    """Run every wording in every shape through ``service.suggest_many`` (the product's public call)."""
    requests = [r for w in wordings for r in requests_for(w)]
    responses: list[Any] = []
    for start in range(0, len(requests), batch_size):
        responses.extend(service.suggest_many(requests[start : start + batch_size]))
    result = WordingResult(by_shape=dict.fromkeys(SHAPES, 0))
    shapes = list(SHAPES)
    for i, wording in enumerate(wordings):
        own = responses[i * len(shapes) : (i + 1) * len(shapes)]
        finals = [[s.code for s in r.suggestions if s.confidence in FINAL] for r in own]
        ok = [wording.code in f for f in finals]
        for shape, hit in zip(shapes, ok, strict=True):
            result.by_shape[shape] += hit
        group = result.by_group.setdefault(wording.group, [0, 0])
        group[1] += 1
        result.n += 1
        if all(ok):
            result.passed += 1
            group[0] += 1
        else:
            result.failures.append(
                {
                    "group": wording.group,
                    "wording": wording.text,
                    "expected": wording.code,
                    "passed_in": [s for s, hit in zip(shapes, ok, strict=True) if hit],
                    "got": finals[0][:4],
                }
            )
    return result

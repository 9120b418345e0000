"""The learned reranker and calibrator: a committed JSON artifact (no pickle) turned into probabilities.

The artifact (assistant/suggest/data/ranker.json, written by ``python -m assistant.suggest.train``) holds
the feature names, the model (a logistic regression over standardized features, or gradient-boosted trees),
a Platt calibration, the final-list threshold, the "high" confidence threshold and the code prior. When the
file is missing the engine keeps its rule-based scores (``load_ranker`` returns None).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.errors import AssistantError
from assistant.suggest.features import FEATURES, CodePrior
from assistant.suggest.forest import Forest

FORMAT = "assistant-ranker/1"
DEFAULT_PATH = Path(__file__).parent / "data" / "ranker.json"


@dataclass(frozen=True)
class Tree:
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf: np.ndarray
    value: np.ndarray
    depth: int

    def predict(self, x: np.ndarray) -> np.ndarray:
        node = np.zeros(len(x), dtype=np.int64)
        rows = np.arange(len(x))
        for _ in range(self.depth + 1):
            leaf = self.leaf[node]
            if leaf.all():
                break
            go_left = x[rows, self.feature[node]] <= self.threshold[node]
            node = np.where(leaf, node, np.where(go_left, self.left[node], self.right[node]))
        return self.value[node]

    def to_json(self) -> dict[str, Any]:
        return {
            "feature": self.feature.tolist(),
            "threshold": json_floats(self.threshold),
            "left": self.left.tolist(),
            "right": self.right.tolist(),
            "leaf": self.leaf.astype(int).tolist(),
            "value": json_floats(self.value),
            "depth": self.depth,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Tree:
        return cls(
            feature=np.asarray(d["feature"], dtype=np.int64),
            threshold=np.asarray(d["threshold"], dtype=np.float64),
            left=np.asarray(d["left"], dtype=np.int64),
            right=np.asarray(d["right"], dtype=np.int64),
            leaf=np.asarray(d["leaf"], dtype=bool),
            value=np.asarray(d["value"], dtype=np.float64),
            depth=int(d["depth"]),
        )


@dataclass(kw_only=True)
class ScoreModel:
    """A raw score: a logistic regression over standardized features, or gradient-boosted trees."""

    kind: str  # "logistic" | "trees"
    mean: np.ndarray = field(default_factory=lambda: np.zeros(0))
    scale: np.ndarray = field(default_factory=lambda: np.ones(0))
    coef: np.ndarray = field(default_factory=lambda: np.zeros(0))
    intercept: float = 0.0
    trees: list[Tree] = field(default_factory=list)
    _forest: Forest | None = field(default=None, init=False, repr=False)

    def raw(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if self.kind == "logistic":
            return ((x - self.mean) / self.scale) @ self.coef + self.intercept
        if not self.trees:
            return np.full(len(x), self.intercept)
        if self._forest is None:
            self._forest = Forest.from_trees(self.trees)  # every tree as one node table, built once
        return self._forest.leaf_values(x).sum(axis=1) + self.intercept

    def model_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "intercept": float(self.intercept)}
        if self.kind == "logistic":
            out |= {
                "mean": json_floats(self.mean),
                "scale": json_floats(self.scale),
                "coef": json_floats(self.coef),
            }
        else:
            out["trees"] = [t.to_json() for t in self.trees]
        return out

    @staticmethod
    def model_fields(data: Mapping[str, Any]) -> dict[str, Any]:
        """The constructor's model arguments from an artifact written with ``model_json``."""
        return {
            "kind": str(data["kind"]),
            "mean": np.asarray(data.get("mean", []), dtype=np.float64),
            "scale": np.asarray(data.get("scale", []), dtype=np.float64),
            "coef": np.asarray(data.get("coef", []), dtype=np.float64),
            "intercept": float(data.get("intercept", 0.0)),
            "trees": [Tree.from_json(t) for t in data.get("trees", [])],
        }


@dataclass(kw_only=True)
class Ranker(ScoreModel):
    """Calibrated probability that a candidate is one of the note's codes."""

    threshold: float  # final-list threshold (chosen on the dev splits for micro-F1)
    high_threshold: float  # "high" confidence from here up
    prior: CodePrior | None = None
    calibration: tuple[float, float] = (1.0, 0.0)  # p = sigmoid(a * raw + b)
    info: dict[str, Any] = field(default_factory=dict)

    def predict(self, x: np.ndarray) -> np.ndarray:
        if not len(x):
            return np.zeros(0)
        a, b = self.calibration
        return 1.0 / (1.0 + np.exp(-(a * self.raw(x) + b)))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": FORMAT,
            "features": list(FEATURES),
            "threshold": round(self.threshold, 4),
            "high_threshold": round(self.high_threshold, 4),
            "calibration": [float(v) for v in self.calibration],
            "info": self.info,
        } | self.model_json()
        if self.prior is not None:
            out["prior"] = self.prior.to_json()
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Ranker:
        if data.get("format") != FORMAT:
            raise AssistantError(
                f"ranker artifact format {data.get('format')!r} is not {FORMAT}",
                field="ranker",
                fix="rebuild it with `make train`",
            )
        if tuple(data.get("features", ())) != FEATURES:
            raise AssistantError(
                "ranker artifact was trained on other features than this code computes",
                field="ranker",
                fix="rebuild it with `make train`",
            )
        a, b = data.get("calibration", [1.0, 0.0])
        return cls(
            threshold=float(data["threshold"]),
            high_threshold=float(data["high_threshold"]),
            prior=CodePrior.from_json(data["prior"]) if "prior" in data else None,
            calibration=(float(a), float(b)),
            info=dict(data.get("info", {})),
            **cls.model_fields(data),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), separators=(",", ":")) + "\n", encoding="utf-8")


def export_trees(model: Any) -> tuple[list[Tree], float]:
    """A fitted scikit-learn HistGradientBoostingClassifier (binary) as plain trees and its baseline."""
    trees = []
    for (predictor,) in model._predictors:  # noqa: SLF001 - its fitted trees, read once at export
        nodes = predictor.nodes
        trees.append(
            Tree(
                feature=nodes["feature_idx"].astype(np.int64),
                threshold=nodes["num_threshold"].astype(np.float64),
                left=nodes["left"].astype(np.int64),
                right=nodes["right"].astype(np.int64),
                leaf=nodes["is_leaf"].astype(bool),
                value=nodes["value"].astype(np.float64),
                depth=int(nodes["depth"].max()),
            )
        )
    return trees, float(np.ravel(model._baseline_prediction)[0])  # noqa: SLF001


def json_floats(values: np.ndarray) -> list[float]:
    """Six significant digits: the committed artifacts stay small and their diffs readable."""
    return [float(f"{v:.6g}") for v in np.asarray(values, dtype=np.float64).tolist()]


def load_ranker(path: Path | None = None) -> Ranker | None:
    """The committed artifact, or None when it is missing (the engine then keeps its rule-based scores)."""
    path = path or DEFAULT_PATH
    if not path.is_file():
        return None
    return Ranker.from_json(json.loads(path.read_text(encoding="utf-8")))


def configured_ranker(settings: object) -> Ranker | None:
    """The ranker the settings ask for: none (``suggest_ranker`` off), the committed artifact, or the file
    ``suggest_ranker_path`` names (a named file that is missing is an error, not a silent rule-based run)."""
    if not getattr(settings, "suggest_ranker", True):
        return None
    path = getattr(settings, "suggest_ranker_path", None)
    if path is not None and not Path(path).is_file():
        raise FileNotFoundError(f"suggest_ranker_path: no ranker file at {path}")
    return load_ranker(Path(path) if path is not None else None)

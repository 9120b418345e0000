"""The mention-level gate: P(this mention's problem is coded), learned from gold (issue 13 §6).

The learned ranker's calibrated probability mixes two questions, "is this mention a coded problem?" and
"which code is it?". When a mention's candidates are near siblings ("migraine without aura": G43.009,
G43.109, G43.909) the probability is split among them and none passes the final-list threshold, though the
mention is plainly a coded problem. The gate answers the first question from the mention as a whole (its
section, context, place in the assessment, how often the note states it, the spread of its candidates'
probabilities, the Index walk and qualifier agreement of its first candidate); the code stays the
mention's first candidate after the engine's sibling choice.

One row of ``GATE_FEATURES`` per searched mention of a note (``note_rows``). The artifact
(assistant/suggest/data/mention_gate.json, ``python -m evals.train_gate``) is plain JSON: a logistic
regression or gradient-boosted trees (ranker.ScoreModel), its threshold and provenance. Missing file: no gate.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.errors import AssistantError
from assistant.suggest.features import CHAPTER_LETTERS, QUERY_KINDS, SECTIONS
from assistant.suggest.ranker import ScoreModel
from assistant.suggest.reader import ASSESSMENT_SECTIONS, Mention, clean_query
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import tokens
from assistant.suggest.types import Candidate, Query

FORMAT = "assistant-mention-gate/1"
DEFAULT_PATH = Path(__file__).parent / "data" / "mention_gate.json"
SPREAD = 5  # the first candidates whose probabilities describe the mention's spread

GATE_FEATURES: tuple[str, ...] = (
    "p1",
    "p2",
    "p3",
    "p_sum",
    "p_entropy",
    "p1_share",
    "category_mass",
    "category_count",
    "top_cos",
    "top_coverage",
    "top_title",
    "top_walk",
    "top_walked",
    "top_in_dense",
    "top_in_lexical",
    "top_q_agree",
    "top_q_conflicts",
    "top_billable",
    "top_hcpcs",
    "stated_code",
    "stated_category",
    "assessed",
    "problem",
    "ap_index",
    "ap_first",
    "ap_count",
    "note_position",
    "searched_mentions",
    "mention_tokens",
    "uncertain",
    "history",
    "family",
    "patient_known",
    *(f"section_{s}" for s in SECTIONS),
    *(f"kind_{k}" for k in QUERY_KINDS),
    *(f"chapter_{c}" for c in CHAPTER_LETTERS),
)
_COL = {name: i for i, name in enumerate(GATE_FEATURES)}


@dataclass(frozen=True)
class GateInput:
    """What the gate reads of one searched mention: its candidates as the ranker ordered them (scores are
    the calibrated probabilities) and their qualifier reasons."""

    mention: Mention
    query: Query
    cands: Sequence[Candidate]
    qualifier_reasons: Mapping[str, list[str]]


def note_rows(
    items: Sequence[GateInput], catalog: CodeCatalog, note_length: int, patient_known: bool
) -> np.ndarray:
    """One row of ``GATE_FEATURES`` per item (a searched mention with at least one candidate)."""
    out = np.zeros((len(items), len(GATE_FEATURES)), dtype=np.float64)
    if not items:
        return out
    tops = [it.cands[0].code for it in items]
    code_count: dict[str, int] = {}
    cat_count: dict[str, int] = {}
    for code in tops:
        code_count[code] = code_count.get(code, 0) + 1
        cat_count[code[:3]] = cat_count.get(code[:3], 0) + 1
    assessed = [_assessed(it.mention) for it in items]
    ap_total = sum(assessed)
    ap_seen = 0
    for i, it in enumerate(items):
        m, c0 = it.mention, it.cands[0]
        row = out[i]
        p = np.array([c.score for c in it.cands[:SPREAD]], dtype=np.float64)
        total = float(p.sum())
        row[_COL["p1"]] = p[0]
        row[_COL["p2"]] = p[1] if len(p) > 1 else 0.0
        row[_COL["p3"]] = p[2] if len(p) > 2 else 0.0
        row[_COL["p_sum"]] = total
        if total > 0:
            q = p[p > 0] / total
            row[_COL["p_entropy"]] = float(-(q * np.log(q)).sum())
            row[_COL["p1_share"]] = p[0] / total
        same = [c for c in it.cands[: 2 * SPREAD] if c.code[:3] == c0.code[:3]]
        row[_COL["category_mass"]] = sum(c.score for c in same)
        row[_COL["category_count"]] = len(same)
        row[_COL["top_cos"]] = c0.cos
        row[_COL["top_coverage"]] = c0.coverage
        row[_COL["top_title"]] = c0.title
        row[_COL["top_walk"]] = c0.walk
        row[_COL["top_walked"]] = float(c0.walk > 0)
        row[_COL["top_in_dense"]] = float(c0.dense_rank >= 0)
        row[_COL["top_in_lexical"]] = float(c0.lex_rank >= 0)
        reasons = it.qualifier_reasons.get(c0.code, ())
        conflicts = sum(r.startswith("qualifier conflict") for r in reasons)
        row[_COL["top_q_agree"]] = len(reasons) - conflicts
        row[_COL["top_q_conflicts"]] = conflicts
        known = c0.code in catalog
        system = catalog.system(c0.code) if known else "ICD-10-CM"
        row[_COL["top_billable"]] = float(catalog.billable(c0.code)) if known else 0.0
        row[_COL["top_hcpcs"]] = float(system != "ICD-10-CM")
        letter = c0.code[:1].upper()
        if system == "ICD-10-CM" and letter in CHAPTER_LETTERS:
            row[_COL[f"chapter_{letter}"]] = 1.0
        row[_COL["stated_code"]] = math.log1p(code_count[c0.code] - 1)
        row[_COL["stated_category"]] = math.log1p(cat_count[c0.code[:3]] - 1)
        row[_COL["assessed"]] = float(assessed[i])
        row[_COL["problem"]] = float(m.problem)
        if assessed[i]:
            row[_COL["ap_index"]] = math.log1p(ap_seen)
            row[_COL["ap_first"]] = float(ap_seen == 0)
            ap_seen += 1
        row[_COL["ap_count"]] = math.log1p(ap_total)
        row[_COL["note_position"]] = m.start / max(note_length, 1)
        row[_COL["searched_mentions"]] = math.log1p(len(items))
        row[_COL["mention_tokens"]] = math.log1p(len(tokens(clean_query(m.query))))
        row[_COL["uncertain"]] = float(m.uncertain)
        row[_COL["history"]] = float(m.history)
        row[_COL["family"]] = float(m.family)
        row[_COL["patient_known"]] = float(patient_known)
        section = m.section if m.section in SECTIONS else "other"
        row[_COL[f"section_{section}"]] = 1.0
        row[_COL[f"kind_{it.query.kind}"]] = 1.0
    return out


def decide(mode: str, ranker_final: bool, p: float, threshold: float) -> bool:
    """A mention's first code is final: the gate alone ("replace"), the gate or the ranker's own rule
    ("rescue"), the gate and the ranker's own rule ("veto")."""
    passes = p >= threshold
    if mode == "rescue":
        return passes or ranker_final
    if mode == "veto":
        return passes and ranker_final
    return passes


def _assessed(m: Mention) -> bool:
    return m.section in ASSESSMENT_SECTIONS or m.problem


@dataclass(kw_only=True)
class MentionGate(ScoreModel):
    """P(a mention's problem is coded) and the threshold from which its first code is final."""

    threshold: float
    info: dict[str, Any] = field(default_factory=dict)

    def predict(self, x: np.ndarray) -> np.ndarray:
        if not len(x):
            return np.zeros(0)
        return np.asarray(1.0 / (1.0 + np.exp(-self.raw(x))))

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "features": list(GATE_FEATURES),
            "threshold": round(self.threshold, 4),
            "info": self.info,
        } | self.model_json()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MentionGate:
        if data.get("format") != FORMAT or tuple(data.get("features", ())) != GATE_FEATURES:
            raise AssistantError(
                "mention gate artifact does not match the features this code computes",
                field="mention_gate",
                fix="rebuild it with `make train-gate`",
            )
        return cls(
            threshold=float(data["threshold"]), info=dict(data.get("info", {})), **cls.model_fields(data)
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), separators=(",", ":")) + "\n", encoding="utf-8")


def load_gate(path: Path | None = None) -> MentionGate | None:
    """The committed artifact, or None when it is missing (no gate: the ranker's threshold alone)."""
    path = path or DEFAULT_PATH
    if not path.is_file():
        return None
    return MentionGate.from_json(json.loads(path.read_text(encoding="utf-8")))

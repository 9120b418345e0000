"""Features of one (note, mention, candidate code) for the learned reranker (ranker.py, train.py).

Everything here is read from what the engine already computed for the mention: the retrievers' scores and
ranks, the Index walk, the qualifier agreement, the reader's section and context flags, whether the patient
is known, the code's place in the code set and a code prior learned from the training splits. (The MCE
patient edits are not a feature: the engine removes every code they forbid, before and after ranking.)
One row per candidate, columns in ``FEATURES`` order (the artifact stores the names, refuses a mismatch).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.suggest.reader import Mention, clean_query
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import tokens
from assistant.suggest.types import Candidate, Query

SECTIONS = ("assessment", "diagnosis", "hpi", "body", "pmh", "exam", "ros", "other")
QUERY_KINDS = ("current", "history", "status", "family", "service")
# ICD-10-CM chapters by first letter (D and H are split by the tabular list; the letter is close enough).
CHAPTER_LETTERS = tuple("ABCDEFGHIJKLMNOQRSTVWXYZ")
MISSING_RANK = 50

FEATURES: tuple[str, ...] = (
    "hand_score",
    "cos",
    "coverage",
    "title_overlap",
    "walk",
    "walked",
    "dense_rank",
    "lex_rank",
    "lex_score",
    "in_dense",
    "in_lexical",
    "rank",
    "gap_to_top",
    "cos_gap_to_top",
    "q_conflicts",
    "q_agree",
    "patient_known",
    "negated",
    "uncertain",
    "history",
    "family",
    "mention_tokens",
    "mention_count",
    "phrase",
    "billable",
    "depth",
    "hcpcs",
    "prior_code",
    "prior_category",
    "prior_seen",
    *(f"section_{s}" for s in SECTIONS),
    *(f"kind_{k}" for k in QUERY_KINDS),
    *(f"chapter_{c}" for c in CHAPTER_LETTERS),
)


@dataclass(frozen=True)
class CodePrior:
    """Smoothed gold-code frequencies of the training splits (code and its 3-character category).

    A gold code may be a category (the prefix rule), so a candidate leaf counts every gold code
    it falls under.
    """

    counts: Mapping[str, int]
    category_counts: Mapping[str, int]
    notes: int

    @classmethod
    def from_gold(cls, gold_lists: Sequence[Sequence[str]]) -> CodePrior:
        counts: dict[str, int] = {}
        cats: dict[str, int] = {}
        for gold in gold_lists:
            for code in dict.fromkeys(_norm(g) for g in gold):
                counts[code] = counts.get(code, 0) + 1
                cats[code[:3]] = cats.get(code[:3], 0) + 1
        return cls(counts, cats, len(gold_lists))

    def code(self, code: str) -> tuple[float, float, float]:
        """(log smoothed frequency of the code, of its category, seen in training 0/1)."""
        c = _norm(code)
        n = sum(self.counts.get(c[:i], 0) for i in range(3, len(c) + 1))
        cat = self.category_counts.get(c[:3], 0)
        denom = self.notes + 2.0
        return math.log((n + 0.5) / denom), math.log((cat + 0.5) / denom), float(n > 0)

    def without(self, gold: Sequence[str]) -> CodePrior:
        """The prior without one training note (its own gold must not describe its own rows: no leak)."""
        counts = dict(self.counts)
        cats = dict(self.category_counts)
        for code in dict.fromkeys(_norm(g) for g in gold):
            if counts.get(code, 0) > 0:
                counts[code] -= 1
                cats[code[:3]] -= 1
        return CodePrior(counts, cats, self.notes - 1)

    def to_json(self) -> dict[str, object]:
        return {"counts": dict(sorted(self.counts.items())), "notes": self.notes}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> CodePrior:
        counts = {str(k): int(v) for k, v in dict(data["counts"]).items()}  # type: ignore[call-overload]
        cats: dict[str, int] = {}
        for code, n in counts.items():
            cats[code[:3]] = cats.get(code[:3], 0) + n
        return cls(counts, cats, int(data["notes"]))  # type: ignore[call-overload]


def _norm(code: str) -> str:
    return code.replace(".", "").upper()


def mention_features(
    cands: Sequence[Candidate],
    mention: Mention,
    query: Query,
    *,
    catalog: CodeCatalog,
    prior: CodePrior | None,
    qualifier_reasons: Mapping[str, list[str]],
    patient_known: bool,
    mention_count: Mapping[str, int],
    phrase: bool,
) -> np.ndarray:
    """One row of ``FEATURES`` per candidate of one mention (in the candidates' order)."""
    n = len(cands)
    out = np.zeros((n, len(FEATURES)), dtype=np.float32)
    if not n:
        return out
    col = {name: i for i, name in enumerate(FEATURES)}
    top_score = cands[0].score
    top_cos = max(c.cos for c in cands)
    kind = "service" if query.kind == "service" else query.kind
    section = mention.section if mention.section in SECTIONS else "other"
    n_tokens = len(tokens(clean_query(mention.query)))
    flags = (float(mention.negated), float(mention.uncertain), float(mention.history), float(mention.family))
    for i, c in enumerate(cands):
        row = out[i]
        reasons = qualifier_reasons.get(c.code, [])
        conflicts = sum(r.startswith("qualifier conflict") for r in reasons)
        system = catalog.system(c.code) if c.code in catalog else "ICD-10-CM"
        p_code, p_cat, p_seen = prior.code(c.code) if prior is not None else (0.0, 0.0, 0.0)
        dense_rank = c.dense_rank if c.dense_rank >= 0 else MISSING_RANK
        lex_rank = c.lex_rank if c.lex_rank >= 0 else MISSING_RANK
        values = {
            "hand_score": c.score,
            "cos": c.cos,
            "coverage": c.coverage,
            "title_overlap": c.title,
            "walk": c.walk,
            "walked": float(c.walk > 0),
            "dense_rank": math.log1p(dense_rank),
            "lex_rank": math.log1p(lex_rank),
            "lex_score": math.log1p(max(c.lex_score, 0.0)),
            "in_dense": float(c.dense_rank >= 0),
            "in_lexical": float(c.lex_rank >= 0),
            "rank": math.log1p(i),
            "gap_to_top": top_score - c.score,
            "cos_gap_to_top": top_cos - c.cos,
            "q_conflicts": float(conflicts),
            "q_agree": float(len(reasons) - conflicts),
            "patient_known": float(patient_known),
            "negated": flags[0],
            "uncertain": flags[1],
            "history": flags[2],
            "family": flags[3],
            "mention_tokens": math.log1p(n_tokens),
            "mention_count": math.log1p(mention_count.get(c.code, 1) - 1),
            "phrase": float(phrase),
            "billable": float(catalog.billable(c.code)) if c.code in catalog else 0.0,
            "depth": float(len(_norm(c.code))),
            "hcpcs": float(system != "ICD-10-CM"),
            "prior_code": p_code,
            "prior_category": p_cat,
            "prior_seen": p_seen,
            f"section_{section}": 1.0,
            f"kind_{kind}": 1.0,
        }
        letter = c.code[:1].upper()
        if system == "ICD-10-CM" and letter in CHAPTER_LETTERS:
            values[f"chapter_{letter}"] = 1.0
        for name, value in values.items():
            j = col.get(name)
            if j is not None:
                row[j] = value
    return out

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


_COL = {name: i for i, name in enumerate(FEATURES)}
# The columns one value fills for a whole mention; set apart from the per-candidate rows below.
_MENTION_COLUMNS = ("patient_known", "negated", "uncertain", "history", "family", "mention_tokens", "phrase")
_ONE_HOT_PREFIXES = ("section_", "kind_", "chapter_")
# The columns that vary per candidate, in FEATURES order: the order mention_features builds each row in.
_CANDIDATE_COLS = [
    i
    for i, name in enumerate(FEATURES)
    if name not in _MENTION_COLUMNS and not name.startswith(_ONE_HOT_PREFIXES)
]


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


class StaticColumns:
    """The candidate columns that depend on the code alone (its place in the code set, its prior), each
    code's computed on first use and kept (neither the code set nor the prior changes while serving)."""

    def __init__(self, catalog: CodeCatalog, prior: CodePrior | None) -> None:
        self.catalog = catalog
        self.prior = prior
        self._memo: dict[str, tuple[tuple[float, ...], int]] = {}

    def of(self, code: str) -> tuple[tuple[float, ...], int]:
        """(billable, depth, hcpcs, the prior's three columns), and the chapter column (-1: none)."""
        got = self._memo.get(code)
        if got is None:
            catalog = self.catalog
            known = code in catalog
            system = catalog.system(code) if known else "ICD-10-CM"
            letter = code[:1].upper()
            chapter = _COL[f"chapter_{letter}"] if system == "ICD-10-CM" and letter in CHAPTER_LETTERS else -1
            got = (
                (
                    float(catalog.billable(code)) if known else 0.0,
                    float(len(_norm(code))),
                    float(system != "ICD-10-CM"),
                    *(self.prior.code(code) if self.prior is not None else (0.0, 0.0, 0.0)),
                ),
                chapter,
            )
            self._memo[code] = got
        return got


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
    statics: StaticColumns | None = None,
) -> np.ndarray:
    """One row of ``FEATURES`` per candidate of one mention (in the candidates' order). ``statics``: the
    engine's per-code columns for this catalog and prior (a fresh one when None or for another prior)."""
    n = len(cands)
    out = np.zeros((n, len(FEATURES)), dtype=np.float32)
    if not n:
        return out
    if statics is None or statics.prior is not prior or statics.catalog is not catalog:
        statics = StaticColumns(catalog, prior)
    top_score = cands[0].score
    top_cos = max(c.cos for c in cands)
    kind = "service" if query.kind == "service" else query.kind
    section = mention.section if mention.section in SECTIONS else "other"
    # the note-level columns, the same for every candidate of the mention
    out[:, _COL["patient_known"]] = float(patient_known)
    out[:, _COL["negated"]] = float(mention.negated)
    out[:, _COL["uncertain"]] = float(mention.uncertain)
    out[:, _COL["history"]] = float(mention.history)
    out[:, _COL["family"]] = float(mention.family)
    out[:, _COL["mention_tokens"]] = math.log1p(len(tokens(clean_query(mention.query))))
    out[:, _COL["phrase"]] = float(phrase)
    out[:, _COL[f"section_{section}"]] = 1.0
    out[:, _COL[f"kind_{kind}"]] = 1.0
    rows: list[tuple[float, ...]] = []
    chapters: list[tuple[int, int]] = []
    for i, c in enumerate(cands):
        reasons = qualifier_reasons.get(c.code, ())
        conflicts = sum(r.startswith("qualifier conflict") for r in reasons)
        dense_rank = c.dense_rank if c.dense_rank >= 0 else MISSING_RANK
        lex_rank = c.lex_rank if c.lex_rank >= 0 else MISSING_RANK
        static, chapter = statics.of(c.code)
        rows.append(
            (
                c.score,
                c.cos,
                c.coverage,
                c.title,
                c.walk,
                float(c.walk > 0),
                math.log1p(dense_rank),
                math.log1p(lex_rank),
                math.log1p(max(c.lex_score, 0.0)),
                float(c.dense_rank >= 0),
                float(c.lex_rank >= 0),
                math.log1p(i),
                top_score - c.score,
                top_cos - c.cos,
                float(conflicts),
                float(len(reasons) - conflicts),
                math.log1p(mention_count.get(c.code, 1) - 1),
                *static,
            )
        )
        if chapter >= 0:
            chapters.append((i, chapter))
    out[:, _CANDIDATE_COLS] = np.array(rows, dtype=np.float64)
    if chapters:
        at = np.array(chapters, dtype=np.int64)
        out[at[:, 0], at[:, 1]] = 1.0
    return out

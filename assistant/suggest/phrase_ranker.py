"""The learned order of a short diagnosis phrase's candidates (the engine's phrase mode).

A phrase's candidates (dense + BM25 + Index walker, already scored by the hand-set linear score and
``phrase_order``) are re-scored by small gradient-boosted trees over a few features per candidate: the
generators' scores and ranks, how much of the phrase the title covers (and the reverse), the specificity
words of title and phrase ("other", "unspecified", a side), the code's depth and how the candidate stands
among the others of its category. The trees learned from ICD-10-CM's own synonyms (tabular inclusion terms
searched as phrases, with their own text taken out of the lexical index: ``python -m
evals.train_phrase_ranker``); the artifact is ``assistant/suggest/data/phrase_ranker.json``. When the file is
missing the phrase keeps its rule-based order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.core.errors import AssistantError
from assistant.suggest.forest import Forest
from assistant.suggest.phrase_order import chapter_cue, kind_words, says_side, title_side
from assistant.suggest.ranker import Tree
from assistant.suggest.text import tokens
from assistant.suggest.types import Candidate

FORMAT = "assistant-phrase-ranker/1"
DEFAULT_PATH = Path(__file__).parent / "data" / "phrase_ranker.json"
MISSING_RANK = 99

FEATURES: tuple[str, ...] = (
    "score",  # the hand-set score after phrase_order
    "score_gap",  # score minus the best candidate's
    "rank",  # rank by that score
    "cos",
    "cos_gap",  # cosine minus the best cosine among the candidates
    "coverage",  # idf share of the phrase found in the code's lexical text
    "title_precision",  # share of the title's words in the phrase
    "title_recall",  # share of the phrase's words in the title
    "parent_recall",  # share of the phrase's words in the title or its parent's
    "walk",
    "walk_depth",  # steps of the Index path (0: not walked)
    "dense_rank",
    "lex_rank",
    "lex_share",  # BM25 score over the best BM25 score among the candidates
    "depth",  # characters of the code (dot removed)
    "title_words",
    "phrase_words",
    "title_other",
    "title_unspecified",
    "phrase_other",
    "phrase_unspecified",
    "title_side",
    "phrase_side",
    "chapter_cued",  # the phrase's setting cues a chapter and the code is in it
    "category_count",  # candidates of the same 3-character category
    "category_rank",  # rank among them (0: the category's best)
    "siblings_in_list",  # candidates under the same parent
)


@dataclass
class PhraseRanker:
    trees: list[Tree]
    intercept: float
    info: dict[str, Any] = field(default_factory=dict)
    _forest: Forest | None = field(default=None, init=False, repr=False)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Probability that each candidate is the phrase's code."""
        if not len(x):
            return np.zeros(0)
        if self._forest is None:
            self._forest = Forest.from_trees(self.trees)
        raw = self._forest.leaf_values(np.asarray(x, dtype=np.float64)).sum(axis=1) + self.intercept
        return 1.0 / (1.0 + np.exp(-raw))

    def to_json(self) -> dict[str, Any]:
        def floats(values: np.ndarray) -> list[float]:
            return [float(f"{v:.6g}") for v in np.asarray(values, dtype=np.float64).tolist()]

        return {
            "format": FORMAT,
            "features": list(FEATURES),
            "intercept": float(self.intercept),
            "info": self.info,
            "trees": [
                {
                    "feature": t.feature.tolist(),
                    "threshold": floats(t.threshold),
                    "left": t.left.tolist(),
                    "right": t.right.tolist(),
                    "leaf": t.leaf.astype(int).tolist(),
                    "value": floats(t.value),
                    "depth": t.depth,
                }
                for t in self.trees
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PhraseRanker:
        if data.get("format") != FORMAT or tuple(data.get("features", ())) != FEATURES:
            raise AssistantError(
                "the phrase ranker artifact does not match the features this code computes",
                field="phrase_ranker",
                fix="rebuild it with `python -m evals.train_phrase_ranker`",
            )
        return cls(
            trees=[Tree.from_json(t) for t in data["trees"]],
            intercept=float(data["intercept"]),
            info=dict(data.get("info", {})),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), separators=(",", ":")) + "\n", encoding="utf-8")


def load_phrase_ranker(path: Path | None = None) -> PhraseRanker | None:
    path = path or DEFAULT_PATH
    if not path.is_file():
        return None
    return PhraseRanker.from_json(json.loads(path.read_text(encoding="utf-8")))


_ARROW = re.compile(r"→|->")


class Titles(Protocol):
    def title(self, code: str) -> str: ...

    def title_tokens(self, code: str) -> set[str]: ...

    def parent(self, code: str) -> str | None: ...


def features(cands: Sequence[Candidate], phrase: str, catalog: Titles) -> np.ndarray:
    """One row of FEATURES per candidate (``cands`` best first by score)."""
    n = len(cands)
    x = np.zeros((n, len(FEATURES)), dtype=np.float64)
    if not n:
        return x
    q = set(tokens(phrase))
    q_other, q_unspecified = kind_words(phrase)
    q_side = says_side(phrase)
    cue = chapter_cue(phrase)
    best_score = max(c.score for c in cands)
    best_cos = max(c.cos for c in cands)
    best_lex = max((c.lex_score for c in cands), default=0.0) or 1.0
    category: dict[str, list[int]] = {}
    parents: dict[str | None, int] = {}
    for i, c in enumerate(cands):
        category.setdefault(c.code[:3], []).append(i)
        p = catalog.parent(c.code)
        parents[p] = parents.get(p, 0) + 1
    category_rank = {i: r for members in category.values() for r, i in enumerate(members)}
    for i, c in enumerate(cands):
        title = catalog.title(c.code)
        t = catalog.title_tokens(c.code)
        parent = catalog.parent(c.code)
        pt = t | catalog.title_tokens(parent) if parent else t
        t_other, t_unspecified = kind_words(title)
        x[i] = (
            c.score,
            c.score - best_score,
            i,
            c.cos,
            c.cos - best_cos,
            c.coverage,
            len(t & q) / len(t) if t else 0.0,
            len(t & q) / len(q) if q else 0.0,
            len(pt & q) / len(q) if q else 0.0,
            c.walk,
            len(_ARROW.findall(c.walk_path)) if c.walk_path else 0,
            c.dense_rank if c.dense_rank >= 0 else MISSING_RANK,
            c.lex_rank if c.lex_rank >= 0 else MISSING_RANK,
            c.lex_score / best_lex,
            len(c.code.replace(".", "")),
            len(t),
            len(q),
            t_other,
            t_unspecified,
            q_other,
            q_unspecified,
            title_side(title),
            q_side,
            bool(cue and c.code.startswith(cue)),
            len(category[c.code[:3]]),
            category_rank[i],
            parents[parent],
        )
    return x


def reorder(
    cands: list[Candidate],
    phrase: str,
    ranker: PhraseRanker,
    catalog: Titles,
    window: int,
    weight: float,
) -> list[Candidate]:
    """The candidates with ``weight`` times the ranker's log-odds added to the first ``window`` scores,
    best first. The trees learned from synonyms, not from phrases worded as the titles are, so they nudge
    the rule-based score rather than replace it (the weight was chosen on the gem-phrases dev sample)."""
    head = cands[:window]
    probs = np.clip(ranker.predict(features(head, phrase, catalog)), 1e-6, 1 - 1e-6)
    for c, logit in zip(head, np.log(probs / (1 - probs)).tolist(), strict=True):
        c.score += weight * logit
    return sorted(cands, key=lambda c: (-c.score, c.code))

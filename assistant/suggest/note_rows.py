"""The learned ranker's feature rows and probabilities of one note, built and scored once for both of their
uses: each mention's head (its first ``rank_scored`` candidates, which choose its final code) and the ranked
tail (its candidates up to ``tail_scored``, ranked_tail.py).

A head row is the deeper row of the same candidate except for one column: ``cos_gap_to_top`` is measured
from the best cosine among the rows built, so it differs only where a candidate past the head has a higher
cosine than every head candidate. So the deeper rows are built once, the head rows are copied from them with
that column recomputed the way ``mention_features`` computes it (a float64 difference stored as float32).
The head rows and the deeper rows past each head are then scored in one ranker call: the same rows the two
calls scored, so every probability is the same (the ranker scores each row on its own).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

import numpy as np

from assistant.suggest.features import FEATURES
from assistant.suggest.types import Candidate

COS_GAP = FEATURES.index("cos_gap_to_top")
M = TypeVar("M")


class Scorer(Protocol):
    def predict(self, x: np.ndarray) -> np.ndarray: ...


def build(
    features: Callable[[int], list[tuple[M, np.ndarray]]], ranker: Scorer, config: Any, per_mention: int
) -> tuple[list[tuple[M, np.ndarray]], list[tuple[M, np.ndarray]], NoteScores]:
    """(head rows, deeper rows (none without the ranked tail), their scores) of one note; ``features(n)``:
    the engine's feature rows of each mention's first ``n`` candidates (``ranking_features``)."""
    if not (config.ranked_tail and config.tail_scored > config.rank_scored):
        rows = features(config.rank_scored)
        return rows, [], NoteScores(ranker, [x for _, x in rows], [])
    deep = features(config.tail_scored)
    if config.rank_scored:
        wanted = max(config.rank_scored, per_mention)
        rows = [(mc, head_rows(getattr(mc, "cands"), x, wanted)) for mc, x in deep]  # noqa: B009
    else:  # 0: the ranking window (the engine's own rule), built apart
        rows = features(0)
    return rows, deep, NoteScores(ranker, [x for _, x in rows], [x for _, x in deep])


def head_rows(cands: Sequence[Candidate], deep: np.ndarray, wanted: int) -> np.ndarray:
    """The rows ``mention_features`` gives for the first ``wanted`` of ``cands``, from the rows it gave for
    the first ``len(deep)`` of them."""
    n = min(wanted, len(deep))
    head = deep[:n].copy()
    if not n:
        return head
    top = max(c.cos for c in cands[:n])
    if top != max(c.cos for c in cands[: len(deep)]):
        cos = np.array([c.cos for c in cands[:n]], dtype=np.float64)
        head[:, COS_GAP] = (top - cos).astype(np.float32)
    return head


class NoteScores:
    """The ranker's probabilities for a note's head rows and for its deeper rows past each head, from one
    ranker call over both (the rows the two separate calls scored). ``predict`` answers
    ranked_tail.beyond_head's call (the rows past each head, in order) from them; any other rows are
    scored afresh."""

    def __init__(self, ranker: Scorer, heads: Sequence[np.ndarray], deep: Sequence[np.ndarray]) -> None:
        self.ranker = ranker
        rest = [d[len(h) :] for h, d in zip(heads, deep, strict=True)] if deep else []  # []: no tail
        blocks = [*heads, *rest]
        probs = ranker.predict(np.concatenate(blocks)) if blocks else np.zeros(0)
        split = sum(len(h) for h in heads)
        self.head_probs = probs[:split]
        self._tail_probs = probs[split:]
        self._tail_rows = np.concatenate(rest) if rest else np.zeros((0, len(FEATURES)), np.float32)

    def predict(self, x: np.ndarray) -> np.ndarray:
        if x.shape == self._tail_rows.shape and np.array_equal(x, self._tail_rows):
            return self._tail_probs
        return self.ranker.predict(x)

"""The learned ranker's feature rows and probabilities of one note, built and scored once for both of their
uses: each mention's head (its first ``rank_scored`` candidates, which choose its final code) and the ranked
tail (its candidates up to ``tail_scored``, ranked_tail.py).

A head row is the deeper row of the same candidate except for one column: ``cos_gap_to_top`` is measured
from the best cosine among the rows built, so it differs only where a candidate past the head has a higher
cosine than every head candidate. So the deeper rows are built once, the head rows are copied from them with
that column recomputed the way ``mention_features`` computes it (a float64 difference stored as float32),
and only the head rows that then differ from their deeper row are scored apart: every probability is the one
the two separate feature passes and ranker calls gave (the ranker scores each row on its own).
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
    ranker call over the distinct rows. ``predict`` answers ranked_tail.beyond_head's call (the rows past
    each head, in order) from them; any other rows are scored afresh."""

    def __init__(self, ranker: Scorer, heads: Sequence[np.ndarray], deep: Sequence[np.ndarray]) -> None:
        self.ranker = ranker
        if not deep:  # no ranked tail: the head rows alone
            self.head_probs = ranker.predict(np.concatenate(heads)) if heads else np.zeros(0)
            self._tail_probs = np.zeros(0)
            self._tail_rows = np.zeros((0, len(FEATURES)), np.float32)
            return
        own = [
            not (len(d) >= len(h) and np.array_equal(h, d[: len(h)]))
            for h, d in zip(heads, deep, strict=True)
        ]
        blocks = list(deep) + [h for h, o in zip(heads, own, strict=True) if o]
        probs = ranker.predict(np.concatenate(blocks)) if blocks else np.zeros(0)
        head_parts: list[np.ndarray] = []
        tail_parts: list[np.ndarray] = []
        rest: list[np.ndarray] = []
        start, extra = 0, sum(len(d) for d in deep)
        for h, d, o in zip(heads, deep, own, strict=True):
            if o:
                head_parts.append(probs[extra : extra + len(h)])
                extra += len(h)
            else:
                head_parts.append(probs[start : start + len(h)])
            tail_parts.append(probs[start + len(h) : start + len(d)])
            rest.append(d[len(h) :])
            start += len(d)
        self.head_probs = np.concatenate(head_parts) if head_parts else np.zeros(0)
        self._tail_probs = np.concatenate(tail_parts) if tail_parts else np.zeros(0)
        self._tail_rows = np.concatenate(rest) if rest else np.zeros((0, len(FEATURES)), np.float32)

    def predict(self, x: np.ndarray) -> np.ndarray:
        if x.shape == self._tail_rows.shape and np.array_equal(x, self._tail_rows):
            return self._tail_probs
        return self.ranker.predict(x)

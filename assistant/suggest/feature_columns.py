"""``features.mention_features`` built column by column: the same rows, from fewer Python steps.

The engine builds some 1,000 feature rows a note (every scored candidate of every mention, for the ranked
tail). ``features.mention_features`` builds each row as a tuple; here each column is read from all of a
mention's candidates at once and the arithmetic is numpy's float64 (the same IEEE operations as Python's
floats), with the logarithms of whole numbers (the ranks and counts) read from a table of ``math.log1p``.
Every value is the one the row-by-row build gives before it is stored as float32 (tests/suggest/
test_fast_paths.py switches this back and compares whole notes).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np

from assistant.suggest.features import (
    _CANDIDATE_COLS,
    _COL,
    _MENTION_COLUMNS,
    FEATURES,
    MISSING_RANK,
    SECTIONS,
    CodePrior,
    StaticColumns,
)
from assistant.suggest.reader import Mention, clean_query
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import tokens
from assistant.suggest.types import Candidate, Query

_LOG1P = np.array([math.log1p(i) for i in range(4096)], dtype=np.float64)
_CONFLICT = "qualifier conflict"
# Where each per-candidate column sits in the block written to ``out[:, _CANDIDATE_COLS]``.
_AT = {FEATURES[i]: k for k, i in enumerate(_CANDIDATE_COLS)}
_STATIC_FROM = _AT["billable"]  # StaticColumns' values fill the block from here on, in FEATURES order


def _log1p_counts(values: np.ndarray) -> np.ndarray:
    """``math.log1p`` of whole numbers (a table look-up from 0 to 4095; others computed as before)."""
    if len(values) and (values.max() >= len(_LOG1P) or values.min() < 0):
        return np.array([math.log1p(v) for v in values.tolist()], dtype=np.float64)
    return _LOG1P[values]


class MentionRows(NamedTuple):
    cands: Sequence[Candidate]
    mention: Mention
    query: Query
    qualifier_reasons: Mapping[str, list[str]]


def note_features(
    mentions: Sequence[MentionRows],
    *,
    catalog: CodeCatalog,
    prior: CodePrior | None,
    patient_known: bool,
    mention_count: Mapping[str, int],
    phrase: bool,
    statics: StaticColumns | None = None,
) -> list[np.ndarray]:
    """``features.mention_features`` of each mention of a note (one array each, views of one block)."""
    sizes = [len(m.cands) for m in mentions]
    total = sum(sizes)
    out = np.zeros((total, len(FEATURES)), dtype=np.float32)
    if not total:
        return [out[:0] for _ in mentions]
    if statics is None or statics.prior is not prior or statics.catalog is not catalog:
        statics = StaticColumns(catalog, prior)
    counts = np.array(sizes, dtype=np.int64)
    # the mention's own columns, the same for each of its candidates
    own = np.array(
        [
            (
                float(patient_known),
                float(m.mention.negated),
                float(m.mention.uncertain),
                float(m.mention.history),
                float(m.mention.family),
                math.log1p(len(tokens(clean_query(m.mention.query)))),
                float(phrase),
            )
            for m in mentions
        ],
        dtype=np.float64,
    )
    out[:, [_COL[name] for name in _MENTION_COLUMNS]] = np.repeat(own, counts, axis=0)
    one_hot = [
        (
            _COL[f"section_{m.mention.section if m.mention.section in SECTIONS else 'other'}"],
            _COL[f"kind_{'service' if m.query.kind == 'service' else m.query.kind}"],
        )
        for m in mentions
    ]
    rows = np.arange(total)
    out[rows, np.repeat([s for s, _ in one_hot], counts)] = 1.0
    out[rows, np.repeat([k for _, k in one_hot], counts)] = 1.0

    cands = [c for m in mentions for c in m.cands]
    codes = [c.code for c in cands]
    score = np.array([c.score for c in cands], dtype=np.float64)
    cos = np.array([c.cos for c in cands], dtype=np.float64)
    walk = np.array([c.walk for c in cands], dtype=np.float64)
    dense_rank = np.array([c.dense_rank for c in cands], dtype=np.int64)
    lex_rank = np.array([c.lex_rank for c in cands], dtype=np.int64)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    block = np.empty((total, len(_CANDIDATE_COLS)), dtype=np.float64)
    block[:, _AT["hand_score"]] = score
    block[:, _AT["cos"]] = cos
    block[:, _AT["coverage"]] = [c.coverage for c in cands]
    block[:, _AT["title_overlap"]] = [c.title for c in cands]
    block[:, _AT["walk"]] = walk
    block[:, _AT["walked"]] = walk > 0
    block[:, _AT["dense_rank"]] = _log1p_counts(np.where(dense_rank >= 0, dense_rank, MISSING_RANK))
    block[:, _AT["lex_rank"]] = _log1p_counts(np.where(lex_rank >= 0, lex_rank, MISSING_RANK))
    block[:, _AT["lex_score"]] = [math.log1p(max(c.lex_score, 0.0)) for c in cands]
    block[:, _AT["in_dense"]] = dense_rank >= 0
    block[:, _AT["in_lexical"]] = lex_rank >= 0
    block[:, _AT["rank"]] = _log1p_counts(rows - starts)  # the candidate's rank within its mention
    top_score = [m.cands[0].score for m in mentions if m.cands]
    block[:, _AT["gap_to_top"]] = np.repeat(top_score, counts[counts > 0]) - score
    top_cos = [max(c.cos for c in m.cands) for m in mentions if m.cands]
    block[:, _AT["cos_gap_to_top"]] = np.repeat(top_cos, counts[counts > 0]) - cos
    conflicts = np.zeros(total, dtype=np.float64)
    agree = np.zeros(total, dtype=np.float64)
    i = 0
    for m in mentions:
        reasons_of = m.qualifier_reasons
        if reasons_of:
            for j, c in enumerate(m.cands):
                reasons = reasons_of.get(c.code)
                if reasons:
                    k = sum(r.startswith(_CONFLICT) for r in reasons)
                    conflicts[i + j] = k
                    agree[i + j] = len(reasons) - k
        i += len(m.cands)
    block[:, _AT["q_conflicts"]] = conflicts
    block[:, _AT["q_agree"]] = agree
    others = np.array([mention_count.get(c, 1) - 1 for c in codes], dtype=np.int64)
    block[:, _AT["mention_count"]] = _log1p_counts(others)
    of = statics.of
    static = [of(c) for c in codes]
    block[:, _STATIC_FROM:] = [s for s, _ in static]
    out[:, _CANDIDATE_COLS] = block
    chapters = [(r, ch) for r, (_, ch) in enumerate(static) if ch >= 0]
    if chapters:
        at = np.array(chapters, dtype=np.int64)
        out[at[:, 0], at[:, 1]] = 1.0
    return np.split(out, np.cumsum(counts)[:-1])

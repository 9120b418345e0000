"""The lexical index: BM25 top-k and idf-weighted coverage, checked against plain Python recomputations."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.suggest.lexical import LexicalIndex

DOCS = [
    ["type", "2", "diabetes", "mellitus", "hyperglycemia"],
    ["essential", "hypertension"],
    ["chronic", "kidney", "disease", "stage", "3a"],
    ["type", "1", "diabetes", "mellitus", "ketoacidosis"],
    ["cough"],
    ["acute", "cough", "bronchitis"],
]
INDEX = LexicalIndex.build(DOCS)
VOCAB = sorted({t for d in DOCS for t in d})


def _expected_coverage(doc: list[str], query: list[str]) -> float:
    ids = INDEX.token_ids(query)
    total = sum(float(INDEX.idf[i]) for i in ids)
    inv = {i: t for t, i in INDEX.vocab.items()}
    got = sum(float(INDEX.idf[i]) for i in ids if inv[i] in doc)
    return got / total if total else 0.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([*VOCAB, "unknownword"]), min_size=0, max_size=5))
def test_coverage_many_equals_a_plain_recount(query: list[str]) -> None:
    ids = INDEX.token_ids(query)
    rows = np.arange(len(DOCS))
    got = INDEX.coverage_many(rows, ids)
    expected = [_expected_coverage(d, query) for d in DOCS]
    assert np.allclose(got, expected)
    assert all(INDEX.coverage(r, ids) == got[r] for r in rows)


def test_top_ranks_only_matching_documents_best_first_with_ties_by_row() -> None:
    hits = INDEX.top(INDEX.token_ids(["cough"]), 10)
    assert [r for r, _ in hits] == [4, 5]  # the shorter document scores higher; nothing without "cough"
    assert hits[0][1] > hits[1][1] > 0
    both = INDEX.top(INDEX.token_ids(["diabetes", "mellitus"]), 1)
    assert len(both) == 1 and both[0][0] in (0, 3)
    mask = np.zeros(len(DOCS), dtype=bool)
    mask[3] = True
    assert [r for r, _ in INDEX.top(INDEX.token_ids(["diabetes"]), 5, mask)] == [3]
    assert INDEX.top([], 5) == []

"""The lexical side: a bm25s index over pre-tokenised texts, plus per-token idf for coverage scoring."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


class LexicalIndex:
    def __init__(self, retriever: object, vocab: dict[str, int], n_docs: int) -> None:
        self.retriever = retriever
        self.vocab = vocab
        self.n_docs = n_docs
        scores = retriever.scores  # type: ignore[attr-defined]
        self.indptr = np.asarray(scores["indptr"])
        self.indices = np.asarray(scores["indices"])
        self.data = np.asarray(scores["data"])
        df = np.diff(self.indptr).astype(np.float64)
        self.idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)

    @classmethod
    def build(cls, corpus_tokens: list[list[str]]) -> LexicalIndex:
        import bm25s

        vocab: dict[str, int] = {}
        ids = [[vocab.setdefault(t, len(vocab)) for t in doc] for doc in corpus_tokens]
        retriever = bm25s.BM25()
        tokenized = bm25s.tokenization.Tokenized(ids=ids, vocab=vocab)
        retriever.index(tokenized, show_progress=False)
        return cls(retriever, dict(retriever.vocab_dict), len(corpus_tokens))

    def save(self, path: Path) -> None:
        self.retriever.save(str(path), show_progress=False)  # type: ignore[attr-defined]
        (Path(path) / "n_docs.json").write_text(json.dumps({"n_docs": self.n_docs}))

    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        import bm25s

        retriever = bm25s.BM25.load(str(path), show_progress=False)
        n_docs = json.loads((Path(path) / "n_docs.json").read_text())["n_docs"]
        return cls(retriever, dict(retriever.vocab_dict), n_docs)

    def token_ids(self, query_tokens: list[str]) -> list[int]:
        out = []
        for t in dict.fromkeys(query_tokens):
            i = self.vocab.get(t)
            if i is not None and self.indptr[i + 1] > self.indptr[i]:
                out.append(i)
        return out

    def scores(self, token_ids: list[int]) -> np.ndarray:
        """BM25 score of every document for the query (sum of the tokens' columns)."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        for t in token_ids:
            s, e = self.indptr[t], self.indptr[t + 1]
            _add(out, self, s, e)
        return out

    def top(self, token_ids: list[int], k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        if not token_ids or self.n_docs == 0:
            return []
        scores = self.scores(token_ids)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        hits = np.flatnonzero(scores > 0)  # usually a small share of the documents: rank only those
        if len(hits) > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        hits = hits[np.lexsort((hits, -scores[hits]))]
        return [(int(i), float(scores[i])) for i in hits]

    def coverage_many(self, docs: np.ndarray, token_ids: list[int]) -> np.ndarray:
        """For each document: the idf-weighted share of the query tokens it contains."""
        docs = np.asarray(docs, dtype=self.indices.dtype)
        out = np.zeros(len(docs), dtype=np.float64)
        total = 0.0
        for t in token_ids:
            s, e = int(self.indptr[t]), int(self.indptr[t + 1])
            total += float(self.idf[t])
            if e == s or not len(docs):
                continue
            column = self.indices[s:e]  # sorted document ids holding token t
            pos = np.minimum(np.searchsorted(column, docs), e - s - 1)
            out += (column[pos] == docs) * float(self.idf[t])
        return out / total if total else out

    def coverage(self, doc: int, token_ids: list[int]) -> float:
        """idf-weighted share of the query tokens found in the document."""
        return float(self.coverage_many(np.array([doc]), token_ids)[0])

    def idf_of(self, token_ids: list[int]) -> float:
        return float(sum(self.idf[t] for t in token_ids))


def _add(out: np.ndarray, index: LexicalIndex, s: int, e: int) -> None:
    # Indices within one column are unique: fancy-index add is safe and much faster than add.at.
    out[index.indices[s:e]] += index.data[s:e]

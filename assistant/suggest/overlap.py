"""A note's embedding runs on a second thread while the engine's thread does the work that needs no vectors
(each query's BM25 top and Alphabetic Index walk); then both threads share the dense search.

onnxruntime and faiss release the GIL while they run, so on a machine with a free core the two overlap and
a note's wall time loses most of its lexical work. The answers are the same: the lexical side of a query is
computed by the same code with the same arguments, once per request (``request_memo.remembered``), and
``retrieve`` reads the kept value instead of computing it again; the vectors and dense hits are those the
engine's thread would have computed. Nothing outlives the request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

from assistant.suggest import request_memo, skipped_tail
from assistant.suggest.text import lexical_query, tokens
from assistant.suggest.types import Query

if TYPE_CHECKING:
    from assistant.suggest.schemas import SuggestRequest
    from assistant.suggest.service import Plan, SuggestionService

DENSE_THREAD = "suggest-dense"  # the name of the thread that embeds a note (its first and only worker)

LexicalSide = tuple[list[tuple[int, float]], dict[int, tuple[float, str]]]


def embed_and_search(
    service: SuggestionService, texts: list[str]
) -> tuple[np.ndarray, dict[str, list[tuple[int, float]]]]:
    """Every query's vector and its dense hits (what ``_prepare`` computed inline before)."""
    empty = np.zeros((0, service.index.dense.d), np.float32)
    vectors = service.embedder.embed(texts) if texts else empty
    return vectors, service._dense_search(texts, vectors)


def query_ids(service: SuggestionService, query: Query) -> list[int]:
    """The lexical index's token ids of a query (as ``retrieve`` reads them)."""
    return service.index.lexical.token_ids(tokens(lexical_query(query.text)))


def lexical_side(
    service: SuggestionService, query: Query, qids: list[int], mask: np.ndarray | None, mode: str
) -> LexicalSide:
    """A query's BM25 top (``k_lexical``, within ``mask``: its prefixes) and its Index walk, once per request.

    ``qids`` and ``mask`` are those of ``query`` (``query_ids``, ``service._mask(query.prefixes)``). The
    lists and dicts returned are shared by the request's readers: read them, never change them."""
    if mode == "dense":
        return [], {}

    def compute() -> LexicalSide:
        lexical = service.index.lexical.top(qids, service.config.k_lexical, mask)
        walked = service.walk(query) if mode == "full" else {}
        return lexical, walked

    return request_memo.remembered(
        (lexical_side, service), (query.text, query.prefixes, mode, query.phrase), compute
    )


def prefetch_lexical(
    service: SuggestionService, requests: Sequence[SuggestRequest], plans: Sequence[Plan]
) -> None:
    """Compute the lexical side of every planned query now (while the vectors are computed elsewhere), and
    of the negated and uncertain mentions' queries the ranked tail searches (full mode); a no-op outside a
    request, where nothing would be kept."""
    if not request_memo.active():
        return
    for request, plan in zip(requests, plans, strict=True):
        searched = [(q, request.mode) for _, q, _ in plan if q is not None]
        if request.mode == "full" and service._skipped_tail_on():
            searched += [(q, "full") for _, q, _ in skipped_tail.queries(plan)]
        for q, mode in searched:
            mask = service._mask(q.prefixes) if q.prefixes else None
            lexical_side(service, q, query_ids(service, q), mask, mode)


def dense_meanwhile(
    service: SuggestionService, texts: list[str], meanwhile: Callable[[], None]
) -> tuple[np.ndarray, dict[str, list[tuple[int, float]]]]:
    """``embed_and_search(texts)``: the embedding on a second thread while ``meanwhile()`` runs on this one,
    then the dense search shared by both threads (``_search_halves``)."""
    if not texts:
        meanwhile()
        return embed_and_search(service, texts)
    # leaving the block waits for the thread, also when meanwhile() raises
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix=DENSE_THREAD) as pool:
        pending = pool.submit(service.embedder.embed, texts)
        meanwhile()
        vectors = pending.result()
        return vectors, _search_halves(service, pool, texts, vectors)


def _search_halves(
    service: SuggestionService, pool: ThreadPoolExecutor, texts: list[str], vectors: np.ndarray
) -> dict[str, list[tuple[int, float]]]:
    """The dense hits of every query (``service._dense_search``): the first half searched on ``pool``'s
    thread while this one searches the rest. faiss releases the GIL and answers each query on its own, so
    the hits are those of one search over all the queries, in ``texts``' order."""
    half = (len(texts) + 1) // 2
    first = pool.submit(service._dense_search, texts[:half], vectors[:half])
    rest = service._dense_search(texts[half:], vectors[half:])
    return {**first.result(), **rest}

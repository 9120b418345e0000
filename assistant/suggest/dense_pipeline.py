"""A note's dense searches, run a few queries at a time in a worker thread while the engine goes on.

The engine retrieves a note's queries in order; the dense (faiss) search of the later queries needs no
Python and lets go of the interpreter lock, so it runs beside the engine's work on the first ones instead
of before all of it. Each query's hits are exactly those of one search over all the queries (a faiss
search answers each query on its own); asking for a query's hits waits for its chunk only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

Hits = list[tuple[int, float]]
Search = Callable[[list[str], np.ndarray], dict[str, Hits]]

CHUNK = 4  # queries a search: the first hits come soon, and a call's own cost stays small
# Shared by every engine of the process; its threads start on first use.
EXECUTOR = ThreadPoolExecutor(max_workers=2, thread_name_prefix="dense-search")


class DenseHits(Mapping[str, Hits]):
    """Query text -> its dense hits, searched chunk by chunk (in the texts' order) by ``executor``."""

    def __init__(
        self, search: Search, texts: list[str], vectors: np.ndarray, executor: ThreadPoolExecutor = EXECUTOR
    ) -> None:
        self._chunk_of = {t: i // CHUNK for i, t in enumerate(texts)}
        self._chunks: list[Future[dict[str, Hits]]] = [
            executor.submit(search, texts[i : i + CHUNK], vectors[i : i + CHUNK])
            for i in range(0, len(texts), CHUNK)
        ]

    def __getitem__(self, text: str) -> Hits:
        return self._chunks[self._chunk_of[text]].result()[text]

    def __iter__(self) -> Iterator[str]:
        return iter(self._chunk_of)

    def __len__(self) -> int:
        return len(self._chunk_of)

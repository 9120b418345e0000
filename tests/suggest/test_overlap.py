"""The embedding + dense search run on a second thread while the engine's thread computes each query's BM25
top and Index walk (overlap.py): the answers equal those of the sequential path, the work really moves to the
other thread, each query's lexical side is computed once a request, and an embedder's error still reaches the
caller."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

from assistant.suggest import overlap, request_memo
from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.schemas import Mode, SuggestRequest
from assistant.suggest.service import SuggestionService
from tests.suggest.conftest import EngineFactory
from tests.suggest.test_fast_paths import NOTES

MORE_NOTES = [
    "Chief complaint: left knee pain after a fall from a ladder at home. Assessment: sprain of left knee, "
    "initial encounter. History of hypertension. Hypertension - continue lisinopril.",
    "Impression: acute otitis media, right ear. Asthma, mild intermittent, uncomplicated. Asthma stable.",
]


class _ThreadRecordingEmbedder:
    """The fake embedder, noting which thread asked for each batch."""

    def __init__(self, base: HashingEmbedder) -> None:
        self.base = base
        self.name = base.name
        self.threads: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.threads.append(threading.current_thread().name)
        return self.base.embed(texts)


@pytest.fixture(scope="module")
def engine(full_engine: EngineFactory, fake_embedder: HashingEmbedder) -> SuggestionService:
    return full_engine(embedder=_ThreadRecordingEmbedder(fake_embedder))


def _answers(engine: SuggestionService, modes: tuple[Mode, ...] = ("full",)) -> list[Any]:
    requests = [SuggestRequest(text=t, top_k=15, mode=m) for t in NOTES + MORE_NOTES for m in modes]
    out: list[Any] = [engine.suggest(r).model_dump() for r in requests]
    out += [r.model_dump() for r in engine.suggest_many(requests)]
    return out


def _sequential(service: SuggestionService, texts: list[str], meanwhile: Any) -> Any:
    return overlap.embed_and_search(service, texts)  # no thread, no lexical work ahead


def test_overlapped_notes_answer_like_the_sequential_path(
    engine: SuggestionService, monkeypatch: pytest.MonkeyPatch
) -> None:
    modes: tuple[Mode, ...] = ("full", "hybrid", "bm25", "dense")
    fast = _answers(engine, modes)
    assert any(s["code"] for s in fast[0]["suggestions"])
    monkeypatch.setattr(overlap, "dense_meanwhile", _sequential)
    assert _answers(engine, modes) == fast
    monkeypatch.setattr(request_memo, "one_request", contextlib.nullcontext)
    assert _answers(engine, modes) == fast  # nor the lexical side kept for the request


def test_the_embedding_runs_on_another_thread(engine: SuggestionService) -> None:
    recorder = engine.embedder
    assert isinstance(recorder, _ThreadRecordingEmbedder)
    recorder.threads.clear()
    engine.suggest(SuggestRequest(text=NOTES[0]))
    assert recorder.threads[0] == "suggest-dense_0"
    assert threading.current_thread().name != "suggest-dense_0"


def test_each_querys_lexical_side_is_computed_once_a_request(
    engine: SuggestionService, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    walk = engine.walk

    def counted(query: Any) -> Any:
        seen.append(query.text)
        return walk(query)

    monkeypatch.setattr(engine, "walk", counted)
    note = "Assessment: hypertension. Plan: hypertension - continue lisinopril. Hypertension stable."
    engine.suggest(SuggestRequest(text=note))
    assert seen and len(seen) == len(set(seen))


def test_the_ranked_tails_negated_queries_are_walked_while_the_note_embeds(
    engine: SuggestionService, monkeypatch: pytest.MonkeyPatch
) -> None:
    ahead: list[bool] = []
    prefetching = [False]
    walk, prefetch = engine.walk, overlap.prefetch_lexical

    def counted(query: Any) -> Any:
        ahead.append(prefetching[0])
        return walk(query)

    def marked(*args: Any) -> None:
        prefetching[0] = True
        try:
            prefetch(*args)
        finally:
            prefetching[0] = False

    monkeypatch.setattr(engine, "walk", counted)
    monkeypatch.setattr(overlap, "prefetch_lexical", marked)
    assert engine._skipped_tail_on()
    note = "Assessment: community acquired pneumonia. Denies chest pain. No hematuria. Possible sepsis."
    engine.suggest(SuggestRequest(text=note, setting="outpatient"))
    assert len(ahead) >= 4 and all(ahead)  # the searched and the skipped mentions, none walked after


def test_an_embedders_error_reaches_the_caller(
    engine: SuggestionService, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(texts: list[str]) -> np.ndarray:
        raise RuntimeError("model gone")

    monkeypatch.setattr(engine.embedder, "embed", broken)
    with pytest.raises(RuntimeError, match="model gone"):
        engine.suggest(SuggestRequest(text=NOTES[0]))


def test_the_two_threads_dense_search_equals_one_search(engine: SuggestionService) -> None:
    texts = ["hypertension", "type 2 diabetes", "knee sprain", "otitis media", "asthma", "gout", "cough"]
    vectors = engine.embedder.embed(texts)
    for n in (1, 2, 5, 7):
        with ThreadPoolExecutor(max_workers=1) as pool:
            halves = overlap._search_halves(engine, pool, texts[:n], vectors[:n])
        whole = engine._dense_search(texts[:n], vectors[:n])
        assert halves == whole and list(halves) == texts[:n]
        assert all(halves[t] for t in texts[:n])  # the fixture index answers every query


def test_the_dense_search_is_shared_by_both_threads(
    engine: SuggestionService, monkeypatch: pytest.MonkeyPatch
) -> None:
    searched: list[tuple[str, int]] = []
    search = engine._dense_search

    def recorded(texts: list[str], vectors: np.ndarray) -> Any:
        searched.append((threading.current_thread().name, len(texts)))
        return search(texts, vectors)

    monkeypatch.setattr(engine, "_dense_search", recorded)
    engine.suggest(SuggestRequest(text=NOTES[0]))
    assert {name for name, _ in searched} == {"suggest-dense_0", threading.current_thread().name}
    assert all(n for _, n in searched)

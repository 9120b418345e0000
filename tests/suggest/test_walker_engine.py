"""The Index walk as a candidate generator inside the engine (fixture index, HashingEmbedder, small Index)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.ranker import load_ranker
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.service import EngineConfig, Query, SuggestionService
from assistant.suggest.store import LoadedIndex


def _row(level: int, path: str, code: str | None = None, **kw: Any) -> dict[str, Any]:
    return {"source": "main", "level": level, "path": path, "code": code, **kw}


ROWS = [
    _row(0, "Elevated, elevation"),
    _row(1, "Elevated, elevation, blood pressure", see="Hypertension"),
    _row(0, "Hypertension, hypertensive", "I10"),
    _row(0, "Pyrexia", "R50.9"),
]


def _service(index: Path, embedder: HashingEmbedder, w_walker: float = 0.15) -> SuggestionService:
    loaded = LoadedIndex.open(index, model=embedder.name)
    return SuggestionService(
        loaded, embedder, None, EngineConfig(w_walker=w_walker), walker=IndexWalker.from_rows(ROWS)
    )


def test_walk_adds_candidates_with_their_index_path(
    fixture_index: Path, fake_embedder: HashingEmbedder
) -> None:
    service = _service(fixture_index, fake_embedder)
    walked = service.walk(Query("elevated blood pressure"))
    row = service.index.row_of["I10"]
    assert walked[row][0] > 0.9
    assert (
        walked[row][1] == "Elevated, elevation -> blood pressure -> see -> Hypertension, hypertensive -> I10"
    )
    cands = service.retrieve(Query("pyrexia"), fake_embedder.embed(["pyrexia"])[0], [], "full")
    fever = next(c for c in cands if c.code == "R50.9")
    assert fever.walk == 1.0 and fever.walk_path == "Pyrexia -> R50.9"


def test_walk_score_raises_the_candidate_and_shows_in_reasons(
    fixture_index: Path, fake_embedder: HashingEmbedder
) -> None:
    text = "Assessment: elevated blood pressure."
    with_walk = _service(fixture_index, fake_embedder).suggest(SuggestRequest(text=text))
    without = _service(fixture_index, fake_embedder, w_walker=0.0).suggest(SuggestRequest(text=text))
    hit = next(s for s in with_walk.suggestions if s.code == "I10")
    assert any(r.startswith("Alphabetic Index: Elevated, elevation -> blood pressure") for r in hit.reasons)
    before = next((s.score for s in without.suggestions if s.code == "I10"), 0.0)
    assert hit.score > before
    assert not any(r.startswith("Alphabetic Index") for s in without.suggestions for r in s.reasons)


def test_history_queries_keep_their_prefixes(fixture_index: Path, fake_embedder: HashingEmbedder) -> None:
    service = _service(fixture_index, fake_embedder)
    assert service.walk(Query("pyrexia", prefixes=("Z85", "Z86", "Z87"), kind="history")) == {}


def test_the_code_the_index_gives_for_the_whole_problem_is_first_and_final(
    fixture_index: Path, fake_embedder: HashingEmbedder
) -> None:
    # a made-up Index entry whose code shares no word with the problem; the ranker prefers a title with one
    rows = [_row(0, "Fever"), _row(1, "Fever, kidney", "N39.0")]
    text = "Assessment:\n1. Kidney fever.\n2. Follow up in 2 weeks."

    def first(on: bool) -> tuple[str, str]:
        service = SuggestionService(
            LoadedIndex.open(fixture_index, model=fake_embedder.name),
            fake_embedder,
            None,
            EngineConfig(index_first=on, index_final=on),
            walker=IndexWalker.from_rows(rows),
            ranker=load_ranker(),
        )
        top = service.suggest(SuggestRequest(text=text)).suggestions[0]
        return top.code, top.confidence

    assert first(True) == ("N39.0", "medium")
    assert first(False)[0] != "N39.0"


def test_a_phrase_query_weighs_the_title_share_by_its_own_weight(
    fixture_index: Path, fake_embedder: HashingEmbedder
) -> None:
    # a one-phrase request's score leaves out the share of the title's words it says (w_title_phrase 0): that
    # share favours the shortest titles; a note's mention keeps it
    service = _service(fixture_index, fake_embedder)
    vector = fake_embedder.embed(["fever"])[0]
    note = {c.code: c for c in service.retrieve(Query("fever"), vector, [], "full")}
    phrase = {c.code: c for c in service.retrieve(Query("fever", phrase=True), vector, [], "full")}
    titled = next(code for code, c in note.items() if c.title > 0)
    cfg = service.config
    assert note[titled].score - phrase[titled].score == pytest.approx(
        (cfg.w_title - cfg.w_title_phrase) * note[titled].title
    )
    assert cfg.w_title_phrase < cfg.w_title

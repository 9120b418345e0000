"""A note whose mentions' first alternates cannot fill the list asked for lists more of each mention's
candidates (never as final codes); a long note or a short list keeps the configured alternates."""

from __future__ import annotations

from pathlib import Path

from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.service import EngineConfig, SuggestionService

NOTE = "Assessment: 1. Type 2 diabetes mellitus with hyperglycemia. 2. Chronic kidney disease stage 3."


def _service(fixture_index: Path, embedder: HashingEmbedder, fill: int) -> SuggestionService:
    return SuggestionService.from_index_dir(
        fixture_index, embedder, config=EngineConfig(fill_alternates=fill)
    )


def test_a_short_note_fills_the_list_with_more_alternates(
    fixture_index: Path, fake_embedder: HashingEmbedder
) -> None:
    request = SuggestRequest(text=NOTE, top_k=20)
    plain = _service(fixture_index, fake_embedder, 0).suggest(request).suggestions
    filled = _service(fixture_index, fake_embedder, 15).suggest(request).suggestions
    assert len(filled) > len(plain)
    assert [s.code for s in filled if s.confidence != "low"] == [
        s.code for s in plain if s.confidence != "low"
    ]
    assert {s.code for s in plain} <= {s.code for s in filled}


def test_a_small_top_k_keeps_the_configured_alternates(
    fixture_index: Path, fake_embedder: HashingEmbedder
) -> None:
    service = _service(fixture_index, fake_embedder, 15)
    assert service._alternates(SuggestRequest(text=NOTE, top_k=2), [(None, object(), None)] * 2) == 3  # type: ignore[list-item]
    assert service._alternates(SuggestRequest(text=NOTE, top_k=50), [(None, object(), None)] * 2) == 15  # type: ignore[list-item]
    assert service._alternates(SuggestRequest(text=NOTE, top_k=50), [(None, object(), None)] * 40) == 3  # type: ignore[list-item]

"""The codes of negated and uncertain mentions as options at the end of the ranked list (skipped_tail.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.codesets.repository import CodeSetRepository
from assistant.suggest import skipped_tail
from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.ranker import load_ranker
from assistant.suggest.reader import Mention
from assistant.suggest.schemas import Suggestion, SuggestRequest
from assistant.suggest.service import EngineConfig, SuggestionService
from assistant.suggest.store import LoadedIndex
from assistant.suggest.types import Query
from tests.suggest.conftest import EngineFactory

NOTE = (
    "58 yo M. HPI: cough and fever for 3 days, shortness of breath. He denies chest pain. No hematuria. "
    "PMH: GERD. Assessment and plan: 1. Community acquired pneumonia. 2. Essential hypertension. "
    "3. Possible urinary tract infection."
)


def _mention(text: str, start: int = 0, negated: bool = False, uncertain: bool = False) -> Mention:
    return Mention(start, start + len(text), text, text, negated=negated, uncertain=uncertain)


def test_only_negated_and_uncertain_mentions_of_a_note_are_searched_for_the_tail() -> None:
    chest = _mention("chest pain", negated=True)
    uti = _mention("possible urinary tract infection", uncertain=True)
    plan: list[tuple[Mention, Query | None, str | None]] = [
        (_mention("pneumonia"), Query("pneumonia"), None),
        (chest, None, "negated"),
        (uti, None, "uncertain (outpatient: code the symptoms)"),
        (_mention("follow up in 3 months"), None, "not a diagnosis (plan)"),
        (_mention("normal heart sounds"), None, "normal finding"),
    ]
    got = skipped_tail.queries(plan)
    assert [(m, why) for m, _, why in got] == [(chest, "negated"), (uti, "uncertain")]
    assert all(q.kind == "current" and q.prefixes is None for _, q, _ in got)
    assert skipped_tail.queries(plan[1:2]) == []  # a single phrase is a search, not a note
    stated = skipped_tail.as_stated(chest)
    assert not stated.negated and stated.text == chest.text and chest.negated


@pytest.fixture(scope="module")
def answers(full_engine: EngineFactory) -> dict[float, list[Suggestion]]:
    request = SuggestRequest(text=NOTE, top_k=100)
    return {
        # shallow pools: the fixture's 33 codes would all be found by the stated mentions
        w: full_engine(EngineConfig(w_skipped_tail=w, k_dense=2, k_lexical=2, k_walker=2))
        .suggest(request)
        .suggestions
        for w in (0.0, 0.5)
    }


def test_negated_and_uncertain_codes_are_options_after_the_same_final_list(
    answers: dict[float, list[Suggestion]],
) -> None:
    off, on = answers[0.0], answers[0.5]
    assert [(s.code, s.score) for s in on if s.confidence != "low"] == [
        (s.code, s.score) for s in off if s.confidence != "low"
    ]
    added = [s for s in on if s.code not in {x.code for x in off}]
    assert added, "the negated and uncertain mentions bring new options"
    for s in added:
        assert s.confidence == "low"
        assert s.reasons[0].startswith(("negated in the note", "uncertain in the note"))
        assert all(NOTE[e.start : e.end] == e.text for e in s.evidence)
    whys = {s.reasons[0].split(" in the note")[0] for s in added}
    assert whys == {"negated", "uncertain"}
    scores = [s.score for s in on if s.confidence == "low"]
    assert scores == sorted(scores, reverse=True)


def test_off_runs_no_query_of_a_skipped_mention(
    fixture_index: Path, fake_embedder: HashingEmbedder, reference: CodeSetRepository
) -> None:
    service = SuggestionService(
        LoadedIndex.open(fixture_index, model=fake_embedder.name),
        fake_embedder,
        reference,
        config=EngineConfig(w_skipped_tail=0.0),
        ranker=load_ranker(),
    )
    request = SuggestRequest(text=NOTE, top_k=100)
    plans, vec_of, _, _ = service._prepare([request])
    assert list(vec_of) == service.embedded_texts(plans)
    service.config.w_skipped_tail = 0.5
    plans, vec_on, _, _ = service._prepare([request])
    assert "hematuria" not in vec_of and "hematuria" in vec_on
    # what a note embeds is what `assistant bench` times as the note's embedding floor
    assert list(vec_on) == service.embedded_texts(plans)

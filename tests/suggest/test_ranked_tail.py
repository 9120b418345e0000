"""The ranked list beyond the final list: every scored candidate of every mention, one entry per code at its
best mention's probability (ranked_tail.py), with the final list chosen as before."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.suggest import ranked_tail
from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.reader import Mention
from assistant.suggest.schemas import Suggestion, SuggestRequest
from assistant.suggest.service import EngineConfig, SuggestionService
from assistant.suggest.types import Candidate, Pick
from tests.suggest.conftest import EngineFactory

NOTE = (
    "58 yo M. HPI: cough and fever for 3 days, shortness of breath, no chest pain. PMH: coronary artery "
    "disease, GERD. Assessment and plan: 1. Community acquired pneumonia. 2. Type 2 diabetes mellitus with "
    "hyperglycemia. 3. Essential hypertension. 4. Chronic kidney disease stage 3. 5. Acute cystitis."
)


def _mention(text: str, start: int) -> Mention:
    return Mention(start=start, end=start + len(text), text=text, query=text)


def test_a_code_keeps_its_best_mention_first_and_its_best_score() -> None:
    weak, strong = _mention("cough", 0), _mention("productive cough", 10)
    tail: dict[str, Pick] = {}
    ranked_tail.keep_best(tail, "R05.9", 0.2, weak)
    tail["R05.9"].reasons = ["from the weak mention"]
    ranked_tail.keep_best(tail, "R05.9", 0.6, strong)
    ranked_tail.keep_best(tail, "R05.9", 0.4, weak)
    pick = tail["R05.9"]
    assert pick.score == 0.6
    assert pick.mentions == [strong, weak]
    assert pick.reasons == []  # the caller fills the best mention's reasons
    assert not pick.final


def test_merge_keeps_listed_picks_and_raises_a_non_final_one_to_its_better_tail_score() -> None:
    a, b = _mention("pneumonia", 0), _mention("lung infection", 20)
    picks = {
        "J18.9": Pick("J18.9", 0.9, True, [a]),
        "J15.9": Pick("J15.9", 0.1, False, [a]),
        "J12.9": Pick("J12.9", 0.05, False, [a], vetoed=True),
    }
    tail = {
        "J18.9": Pick("J18.9", 0.95, False, [b]),
        "J15.9": Pick("J15.9", 0.3, False, [b]),
        "J12.9": Pick("J12.9", 0.5, False, [b]),
        "J22": Pick("J22", 0.2, False, [b]),
    }
    ranked_tail.merge(picks, tail)
    assert picks["J18.9"].score == 0.9 and picks["J18.9"].final  # a final code is left as chosen
    assert picks["J15.9"].score == 0.3 and picks["J15.9"].mentions == [b, a]
    assert picks["J12.9"].score == 0.05  # a code a rule ruled out is not raised
    assert picks["J22"] is tail["J22"]


@pytest.fixture(scope="module")
def engines(full_engine: EngineFactory) -> dict[bool, SuggestionService]:
    return {on: full_engine(EngineConfig(ranked_tail=on, fill_alternates=3)) for on in (False, True)}


def _final(suggestions: list[Suggestion]) -> list[tuple[str, float]]:
    return [(s.code, s.score) for s in suggestions if s.confidence != "low"]


def test_the_tail_is_ordered_by_probability_and_the_final_list_is_unchanged(
    engines: dict[bool, SuggestionService],
) -> None:
    request = SuggestRequest(text=NOTE, top_k=100)
    fill = engines[False].suggest(request).suggestions
    tail = engines[True].suggest(request).suggestions
    assert _final(tail) == _final(fill)
    codes = [s.code for s in tail]
    assert len(codes) == len(set(codes))
    rest = [s.score for s in tail if s.confidence == "low"]
    assert rest == sorted(rest, reverse=True)
    # every scored candidate may enter the tail: more codes than 3 a mention
    assert len(tail) > len(fill)
    for s in tail:
        assert s.evidence and all(NOTE[e.start : e.end] == e.text for e in s.evidence)


def test_the_rule_based_engine_keeps_the_fill(fixture_index: Path, fake_embedder: HashingEmbedder) -> None:
    request = SuggestRequest(text=NOTE, top_k=100)
    answers = [
        SuggestionService.from_index_dir(fixture_index, fake_embedder, config=EngineConfig(ranked_tail=on))
        .suggest(request)
        .model_dump()
        for on in (False, True)
    ]
    assert answers[0] == answers[1]


class _Half:
    def predict(self, x: np.ndarray) -> np.ndarray:
        return x[:, 0] / 2


def test_candidates_past_the_head_are_scored_from_the_deeper_rows_best_first() -> None:
    cands = [Candidate(code, i, 0.0) for i, code in enumerate(["A00", "B00", "C00", "D00", "E00"])]
    x = np.array([[0.9], [0.8], [0.1], [0.6], [0.3]])
    (later,) = ranked_tail.beyond_head([(cands, x)], [2], _Half())
    assert [c.code for c in later] == ["D00", "E00", "C00"]
    assert [c.score for c in later] == [0.3, 0.15, 0.05]
    assert cands[0].score == 0.0  # the head is left to the caller
    assert ranked_tail.beyond_head([], [2, 3], _Half()) == [[], []]


def test_the_score_floor_is_the_wanted_best_tail_code_not_listed_first() -> None:
    def cands(*pairs: tuple[str, float]) -> list[Candidate]:
        return [Candidate(code, i, score) for i, (code, score) in enumerate(pairs)]

    a = cands(("A00", 0.9), ("B00", 0.5), ("C00", 0.4))
    b = cands(("B00", 0.8), ("C00", 0.7), ("D00", 0.2), ("A00", 0.6))
    # listed first: A00, B00 (one each); the tail's other codes: C00 0.7, D00 0.2
    assert ranked_tail.score_floor([a, b], 1, 1) == 0.7
    assert ranked_tail.score_floor([a, b], 1, 2) == 0.2
    assert ranked_tail.score_floor([a, b], 1, 3) == 0.0


def test_a_short_list_is_the_head_of_a_long_one(engines: dict[bool, SuggestionService]) -> None:
    long = engines[True].suggest(SuggestRequest(text=NOTE, top_k=100)).suggestions
    short = engines[True].suggest(SuggestRequest(text=NOTE, top_k=8)).suggestions
    assert [(s.code, s.score) for s in short] == [(s.code, s.score) for s in long[:8]]


def test_codes_folded_into_another_stay_as_options_and_replaced_ones_do_not() -> None:
    dm, ht, smoke = _mention("type 2 diabetes", 0), _mention("hypertension", 20), _mention("ex-smoker", 40)
    combo = Pick("E11.65", 0.9, True, [dm])
    combo.notes["combination"] = ["combination code: E11.9 + R73.9 -> E11.65 (I.A.15)"]
    picks = {
        "E11.65": combo,
        "I12.9": Pick("I12.9", 0.8, True, [ht]),
        "Z87.891": Pick("Z87.891", 0.6, True, [smoke]),
    }
    dropped = {
        "E11.9": Pick("E11.9", 0.85, True, [dm]),  # named by the combination code
        "I10": Pick("I10", 0.7, True, [ht]),  # absorbed by a same-category sibling
        "F17.210": Pick("F17.210", 0.5, True, [smoke]),  # replaced as the wrong status: not an option
        "E11.6": Pick("E11.6", 0.4, True, [dm], vetoed=True),  # a rule said "not coded"
    }
    got = ranked_tail.folded(dropped, picks, absorbed={"I10"})
    assert sorted(p.code for p in got) == ["E11.9", "I10"]
    tail = {"I10": Pick("I10", 0.9, False, [ht])}
    ranked_tail.keep_folded(tail, got)
    assert tail["E11.9"].score == 0.85 and not tail["E11.9"].final
    assert tail["I10"].score == 0.9  # the tail's better entry stays
    assert "F17.210" not in tail and "E11.6" not in tail


def test_a_folded_code_joins_the_list_below_the_final_codes(full_engine: EngineFactory) -> None:
    # without the CKD line: with it, the diabetes and the CKD make E11.22 and nothing is folded
    request = SuggestRequest(text=NOTE.replace(" 4. Chronic kidney disease stage 3.", ""), top_k=100)
    off, on = (
        full_engine(EngineConfig(tail_folded=flag)).suggest(request).suggestions for flag in (False, True)
    )
    assert _final(on) == _final(off)
    added = {s.code for s in on} - {s.code for s in off}
    assert added and all(s.confidence == "low" for s in on if s.code in added)
    finals = [s for s in on if s.confidence != "low"]
    for code in added:  # each says a fact a final code now codes (a combination naming it, a sibling)
        assert any(code in " ".join(s.reasons) or s.code[:3] == code[:3] for s in finals)

"""A risk the Index lists ("At risk, for, falling"), a risk rated low, a blood group with its Rh factor,
and the low back pain of a lumbar disc disorder. Index rows shaped like the CDC files; notes written for
these tests."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.symptoms import integral_to
from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.reader import read_note
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.service import SuggestionService, matches_only_history
from assistant.suggest.sibling_guard import _trades_with_clause
from assistant.suggest.types import Candidate


def _row(level: int, path: str, code: str | None = None) -> dict[str, Any]:
    return {"source": "main", "level": level, "path": path, "code": code}


ROWS = [
    _row(0, "At risk"),
    _row(1, "At risk, for"),
    _row(2, "At risk, for, falling", "Z91.81"),
    _row(0, "Falling, falls", "R29.6"),
    _row(0, "Blood"),
    _row(1, "Blood, type"),
    _row(2, "Blood, type, O", "Z67.40"),
    _row(3, "Blood, type, O, Rh negative", "Z67.41"),
]


@pytest.fixture(scope="module")
def walker() -> IndexWalker:
    return IndexWalker.from_rows(ROWS)


@pytest.mark.parametrize("said", ["fall risk", "at risk for falls", "risk of falling"])
def test_a_risk_of_falling_walks_to_the_index_entry_for_it(walker: IndexWalker, said: str) -> None:
    assert walker.walk(said)[0].code == "Z91.81"


def test_falls_alone_are_no_risk(walker: IndexWalker) -> None:
    assert walker.walk("recurrent falls")[0].code == "R29.6"


@pytest.mark.parametrize("chunk", ["Fall risk", "At risk for falls", "high fall risk"])
def test_a_risk_the_index_lists_is_read(chunk: str) -> None:
    assert why_not_coded(chunk) is None


@pytest.mark.parametrize(
    ("chunk", "why"),
    [
        ("risk of pneumonia", "prevention"),
        ("Low fall risk", "low probability"),
        ("fall risk low", "low probability"),
        ("falls risk minimal", "low probability"),
    ],
)
def test_other_risks_and_a_low_risk_code_nothing(chunk: str, why: str) -> None:
    assert why_not_coded(chunk) == why


def test_a_risk_rated_not_increased_is_denied() -> None:
    note = "A/P:\n# Fall risk - not increased, up from chair unaided.\n# Hypothyroidism - on levothyroxine."
    fall = next(m for m in read_note(note) if m.text.startswith("Fall"))
    assert fall.negated


@pytest.mark.parametrize(
    "said", ["Blood type O neg", "BLOOD GROUP: O NEGATIVE", "type O Rh-", "O Rh negative"]
)
def test_a_blood_group_carries_its_negative_rh_factor(said: str) -> None:
    assert expand_text(said).endswith("blood type O Rh negative")


def test_a_positive_rh_factor_is_left_to_the_groups_default() -> None:
    assert expand_text("Blood type B pos") == "Blood type B pos"


def test_a_letter_with_negative_is_no_blood_group_without_type_or_rh() -> None:
    assert expand_text("A negative stress test") == "A negative stress test"


def test_an_rh_negative_blood_group_is_neither_denied_nor_the_positive_code(walker: IndexWalker) -> None:
    note = "Prenatal visit, feels well. Blood type O negative, antibody screen negative. Anti-D given."
    blood = next(m for m in read_note(note) if m.text.startswith("Blood"))
    assert not blood.negated
    assert walker.walk(blood.query)[0].code == "Z67.41"


def test_low_back_pain_is_part_of_a_lumbar_disc_disorder_but_not_of_a_cervical_one() -> None:
    assert integral_to("M54.50", ["M51.17", "I10"]) == "M51.17"
    assert integral_to("M54.50", ["M50.10", "I10"]) is None


def test_the_rash_of_lyme_disease_is_part_of_it() -> None:
    assert integral_to("A26.0", ["A69.20"]) == "A69.20"
    assert integral_to("A26.0", ["L03.115"]) is None


def test_a_gland_removed_is_searched_among_the_postprocedural_states_too(service: SuggestionService) -> None:
    note = "A/P:\n1. s/p total thyroidectomy 2012, euthyroid on replacement.\n2. Seasonal allergies."
    plan = service._plan(SuggestRequest(text=note), read_note(note))
    query = next(q for m, q, _ in plan if q is not None and m.text.startswith("s/p"))
    assert query.kind == "status"
    assert query.prefixes is not None and "E89" in query.prefixes and "Z90" in query.prefixes


def test_a_weak_urinary_stream_is_the_index_s_poor_stream() -> None:
    assert "poor urinary stream" in expand_text("nocturia, weak stream, straining")
    assert "poor urinary stream" not in expand_text("weak grip strength")


def test_a_history_code_that_matches_only_the_word_history_names_another_condition() -> None:
    frame_only = Candidate("Z87.891", 0, 0.6, matched=["history", "personal"])
    assert matches_only_history(frame_only, "personal history of alcohol use")
    assert not matches_only_history(frame_only, "personal history of tobacco")  # nicotine, in its title
    named = Candidate("Z87.891", 0, 0.6, matched=["history", "nicotine"])
    assert not matches_only_history(named, "personal history of nicotine dependence")
    walked = Candidate("Z86.73", 0, 0.6, matched=["history"], walk=1.0, walk_path="History -> Z86.73")
    assert not matches_only_history(walked, "personal history of stroke")


@pytest.mark.parametrize(
    ("chunk", "why"),
    [
        ("She continues to have moderate persistent asthma", None),
        ("He continues to report neck pain", None),
        ("continue amlodipine", "plan"),
        ("Continue to monitor A1c", "plan"),
    ],
)
def test_a_condition_that_continues_is_no_plan(chunk: str, why: str | None) -> None:
    assert why_not_coded(chunk) == why


def test_completing_a_code_keeps_its_with_clause() -> None:
    inflamed = "Varicose veins of unspecified lower extremity with inflammation"
    assert _trades_with_clause(
        inflamed, "Varicose veins of bilateral lower extremities with pain", {"bilateral"}
    )
    assert _trades_with_clause(inflamed, "Asymptomatic varicose veins of bilateral lower extremities", set())
    assert not _trades_with_clause(
        inflamed, "Varicose veins of left lower extremity with inflammation", set()
    )
    said = {"bilateral", "pain"}
    assert not _trades_with_clause(inflamed, "Varicose veins of bilateral lower extremities with pain", said)


def test_an_ampersand_between_two_conditions_lists_two_problems() -> None:
    assert [m.text for m in read_note("F/u asthma & eczema.\nWeight stable.")][:2] == ["F/u asthma", "eczema"]
    note = "Seen today.\nA/P: Nausea & vomiting - ondansetron."
    assert "Nausea & vomiting" in [m.text for m in read_note(note)]

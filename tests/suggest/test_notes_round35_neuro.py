"""Reading rules from the thirty-fifth hand's notes (usn-1685 … usn-1700: dictated neurology, sleep-medicine
and pain / PM&R notes)."""

from __future__ import annotations

import pytest

from assistant.suggest.history import history_cue
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.reader import read_note
from assistant.suggest.text import expand_abbreviations


def _mention(note: str, start: str):  # type: ignore[no-untyped-def]
    return next(m for m in read_note(note) if m.text.startswith(start))


@pytest.mark.parametrize(
    ("note", "whole"),
    [
        (
            "A/P:\n1. Parkinson's disease with motor fluctuations (wearing off) and peak-dose dyskinesia -"
            " add amantadine.",
            "Parkinson's disease with motor fluctuations (wearing off) and peak-dose dyskinesia",
        ),
        ("A: Migraine with aura and status migrainosus.", "Migraine with aura and status migrainosus"),
    ],
)
def test_a_feature_after_and_continues_the_with_list(note: str, whole: str) -> None:
    assert _mention(note, whole.split()[0]).text == whole


def test_a_condition_after_and_is_its_own_mention() -> None:
    # a condition, not a feature the titles subdivide by, after "and"
    texts = [m.text for m in read_note("A: Parkinson's disease with fluctuations and constipation.")]
    assert "constipation" in texts
    # a feature after "and" with no "with" list before it stays apart
    texts = [m.text for m in read_note("A: Parkinson's disease and dyskinesia.")]
    assert "dyskinesia" in texts


@pytest.mark.parametrize(
    ("note", "negated"),
    [
        ("Vascular claudication excluded.", True),
        ("Depression not present.", True),
        # a sentence that goes on after the word is no answer
        ("Adenopathy not present on the 2019 film.", False),
        ("DVT excluded, duplex today.", False),
    ],
)
def test_an_answer_word_that_ends_the_sentence_denies_the_condition(note: str, negated: bool) -> None:
    assert read_note(note)[0].negated is negated


def test_a_dated_event_with_full_recovery_is_history_though_prevention_follows() -> None:
    sentence = "PMH: HTN, TIA 2019 with full recovery on aspirin 81, BPH."
    assert history_cue(sentence, "TIA 2019 with full recovery on aspirin 81") == "full recovery"
    assert history_cue(sentence, "TIA 2019 with full recovery") == "full recovery"
    # an undated one, or one still unrecovered, is not closed by the sentence
    assert history_cue("TIA with full recovery on aspirin.", "TIA with full recovery on aspirin") is None
    sentence = "Stroke 2025 with residual weakness on aspirin."
    assert history_cue(sentence, "Stroke 2025 with residual weakness") is None


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Home sleep apnea test 9/2026", "test"),
        ("Home sleep apnea test 9/2026: AHI 3.1", "test"),
        ("Sleep apnea test", "test"),
        # what a test found is a finding, coded
        ("Obstructive sleep apnea 9/2026", None),
        ("Home sleep apnea test: severe OSA", None),
    ],
)
def test_a_test_named_with_its_date_and_values_is_the_test(text: str, why: str | None) -> None:
    assert why_not_coded(text) == why


def test_criteria_not_met_denies_the_disorder_whatever_the_manual() -> None:
    mention = _mention("HPI: does not meet DSM-5 criteria for opioid use disorder.", "does not")
    assert mention.negated


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        (
            "Degenerative spondylolisthesis L4-5, grade 1",
            "Degenerative spondylolisthesis lumbar L4-5, grade 1",
        ),
        ("Spinal stenosis L3-L5", "Spinal stenosis lumbar L3-L5"),
        ("L5-S1 retrolisthesis", "lumbosacral L5-S1 retrolisthesis"),
        # a level with no spine condition near it names no region
        ("L4-5 fusion 2019", "L4-5 fusion 2019"),
    ],
)
def test_a_spinal_level_names_the_region_of_a_spine_condition(text: str, expanded: str) -> None:
    assert expand_abbreviations(text) == expanded


def test_a_doubt_that_ends_the_sentence_is_no_denial() -> None:
    assert not read_note("Gout not excluded.")[0].negated
    assert not read_note("PE cannot be excluded.")[0].negated

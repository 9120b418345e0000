"""The episode of a past hospital stay, a stroke's named deficit, and the patient's hand beside the
affected side. Notes written for these tests."""

from __future__ import annotations

import pytest

from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.reader import read_note
from assistant.suggest.sibling_guard import settle
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick


def _mention(note: str, words: str):  # type: ignore[no-untyped-def]
    return next(m for m in read_note(note) if words in m.text)


@pytest.mark.parametrize(
    "note",
    [
        "Seen after a recent admission for asthma exacerbation, now at baseline.\nA/P: asthma - inhaler.",
        "Hospitalized 10 days ago for COPD flare, finished prednisone.\nA/P: COPD stable.",
        "Here following his hospital stay for AF with RVR.\nA/P: AF - rate controlled.",
    ],
)
def test_the_episode_of_a_past_stay_is_over_and_the_condition_goes_on(note: str) -> None:
    m = next(
        m for m in read_note(note) if m.section != "assessment" and "episode of a past stay" in m.triggers
    )
    assert not m.negated and not m.history
    assert "exacerbation" not in m.query.lower() and "flare" not in m.query.lower()
    assert "exacerbation" not in m.qualifiers.with_


@pytest.mark.parametrize(
    "note",
    [
        "Admitted for COPD exacerbation, on IV steroids.",  # the stay of this note: current
        "Recent URI; today COPD exacerbation with wheezing.",
    ],
)
def test_an_exacerbation_of_this_visit_stays_current(note: str) -> None:
    m = _mention(note, "exacerbation")
    assert "episode of a past stay" not in m.triggers and "exacerbation" in m.qualifiers.with_


def test_an_ended_episode_completes_no_other_mention_of_the_condition() -> None:
    titles = {
        "J44.0": "Chronic obstructive pulmonary disease with (acute) lower respiratory infection",
        "J44.1": "Chronic obstructive pulmonary disease with (acute) exacerbation",
        "J44.9": "Chronic obstructive pulmonary disease, unspecified",
    }
    codes = {c: ["ICD-10-CM", t, True, "J44", "code"] for c, t in titles.items()}
    codes["J44"] = ["ICD-10-CM", "Other chronic obstructive pulmonary disease", False, None, "category"]
    catalog = CodeCatalog({"codes": codes})
    for note, code in (
        ("71F w/ COPD, seen after a recent admission for COPD exacerbation.\nA/P: COPD - inhalers.", "J44.9"),
        ("71F w/ COPD, seen today for COPD exacerbation.\nA/P: COPD - prednisone.", "J44.1"),
    ):
        mentions = [m for m in read_note(note) if "COPD" in m.text]
        picks = {"J44.9": Pick("J44.9", 0.8, True, mentions, heads=list(mentions))}
        settle(picks, note, catalog)
        assert [c for c, p in picks.items() if p.final] == [code]


@pytest.mark.parametrize(
    ("chunk", "plan"),
    [
        ("admit for observation", True),  # a disposition, not an encounter for observation (Z04.-)
        ("admit to telemetry", True),
        ("observation overnight", True),
        ("admitted for pneumonia last year", False),  # a stay told: its condition is read
    ],
)
def test_an_admission_order_is_the_plan(chunk: str, plan: bool) -> None:
    assert (why_not_coded(chunk) is not None) is plan

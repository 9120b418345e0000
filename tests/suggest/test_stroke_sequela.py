"""A deficit stated after a stroke is a sequela (I69.-), current, never the acute stroke (I.C.9.d)."""

from __future__ import annotations

import pytest

from assistant.suggest.cause_link import cause_is_part
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.stroke_sequela import stroke_sequelae
from assistant.suggest.history import sequela_of_stroke
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import expand_abbreviations
from assistant.suggest.types import Pick

ICD = "ICD-10-CM"
TITLES = {
    "I63.9": "Cerebral infarction, unspecified",
    "I69.320": "Aphasia following cerebral infarction",
    "Z86.73": "Personal history of transient ischemic attack (TIA), and cerebral infarction without residual "
    "deficits",
}
CATALOG = CodeCatalog({"codes": {c: [ICD, t, True, c[:3], "code"] for c, t in TITLES.items()}})


def _history(note: str, words: str) -> bool:
    return next(m for m in read_note(note) if words in m.text).history


def test_a_deficit_after_a_stroke_is_current_whatever_the_stroke_date() -> None:
    assert not _history("A/P: Expressive aphasia after his stroke in March 2023. Speech therapy.", "aphasia")
    assert not _history("A/P: Right arm weakness following a prior CVA. PT.", "weakness")
    # the stroke alone, dated or prior, is history
    assert _history("PMH: stroke 2 years ago, no residual deficits.", "stroke")
    assert _history("A/P: Prior CVA, on aspirin.", "CVA")


def test_the_stroke_a_deficit_came_from_is_read_with_it() -> None:
    assert cause_is_part(None, None, "left hemiparesis", "old CVA")
    assert not cause_is_part(None, None, "acute kidney injury", "dehydration")
    assert not cause_is_part(None, None, "flank pain", "R CVA tenderness")  # costovertebral angle


def _final(mention: str, extra: tuple[Mention, ...] = ()) -> list[str]:
    said = Mention(0, len(mention), mention, mention)
    picks = {
        "I63.9": Pick("I63.9", 0.8, True, [said, *extra]),
        "I69.320": Pick("I69.320", 0.3, False, [said]),
    }
    stroke_sequelae(picks, NoteContext(note=mention), CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


def test_the_sequela_replaces_the_acute_stroke() -> None:
    assert _final("Aphasia after stroke last year") == ["I69.320"]
    # a stroke cared for now, named on its own as well, stays the acute stroke
    acute = Mention(40, 61, "acute ischemic stroke", "acute ischemic stroke")
    assert _final("Aphasia after stroke", (acute,)) == ["I63.9"]
    assert _final("Acute ischemic stroke with aphasia") == ["I63.9"]


def test_one_sided_weakness_after_a_stroke_is_hemiparesis() -> None:
    # unilateral weakness stated as a stroke's residual is its hemiparesis (I69.35-, by side and dominance)
    assert expand_abbreviations("left-sided weakness from prior CVA").startswith("left hemiparesis from")
    assert "right hemiparesis" in expand_abbreviations("R sided weakness after stroke in 2022")
    assert "left hemiparesis" in expand_abbreviations("old stroke, residual left sided weakness")
    # the weakness of a stroke being worked up now is a symptom, not a sequela
    assert "hemiparesis" not in expand_abbreviations("acute left-sided weakness x 2 hours, code stroke")
    assert "hemiparesis" not in expand_abbreviations("left sided weakness since the fall")


SYMPTOM_TITLES = {
    "R29.810": "Facial weakness",
    "R20.0": "Anesthesia of skin",
    "I69.392": "Facial weakness following cerebral infarction",
    "I69.398": "Other sequelae of cerebral infarction",
}
SYMPTOM_CATALOG = CodeCatalog(
    {
        "codes": {c: [ICD, t, True, c[:3], "code"] for c, t in SYMPTOM_TITLES.items()},
        "notes": {"I69.398": {"use_additional": ["code to identify the sequelae"]}},
    }
)


def _symptom_final(mention: str, symptom: str, sequela: str) -> list[str]:
    said = Mention(0, len(mention), mention, mention)
    picks = {symptom: Pick(symptom, 0.8, True, [said]), sequela: Pick(sequela, 0.3, False, [said])}
    stroke_sequelae(picks, NoteContext(note=mention), SYMPTOM_CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


def test_a_symptom_stated_after_a_stroke_is_its_sequela() -> None:
    assert _symptom_final("facial weakness from prior stroke", "R29.810", "I69.392") == ["I69.392"]
    # "other sequelae" asks for the code that names the sequela: the symptom stays beside it
    assert _symptom_final("numbness since the stroke", "R20.0", "I69.398") == ["I69.398", "R20.0"]
    # the symptom alone is no sequela
    assert _symptom_final("facial weakness", "R29.810", "I69.392") == ["R29.810"]


@pytest.mark.parametrize(
    ("mention", "sequela"),
    [
        ("hx of CVA with R hemiparesis", True),  # a past stroke with a deficit named at once: what it left
        ("remote stroke w/ mild dysarthria", True),
        ("old cerebral infarct with left facial droop", True),
        ("prior CVA with R hemiparesis that resolved", False),  # gone: history only (Z86.73)
        ("acute stroke with left hemiparesis", False),  # the stroke cared for now: not a sequela
        ("hx of CVA with hypertension", False),  # not a deficit
    ],
)
def test_a_past_stroke_with_a_named_deficit_is_a_sequela(mention: str, sequela: bool) -> None:
    assert sequela_of_stroke(mention) is sequela

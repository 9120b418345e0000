"""A poisoning whose intent a phrase does not state is accidental (guideline I.C.19.e.5.b)."""

from __future__ import annotations

from assistant.suggest.phrase_intent import intent_agreement, stated_intent, stated_intent_agreement
from assistant.suggest.phrase_order import UNDETERMINED_CUE, chapter_cue

ACCIDENTAL = "Poisoning by aspirin, accidental (unintentional), initial encounter"
UNDETERMINED = "Poisoning by aspirin, undetermined, initial encounter"
ADVERSE = "Adverse effect of aspirin, initial encounter"


def test_an_unstated_intent_is_accidental() -> None:
    assert intent_agreement("Aspirin poisoning", ACCIDENTAL) == 1
    assert intent_agreement("Aspirin poisoning", UNDETERMINED) == -1
    assert intent_agreement("Toxic effect of a solvent", "Toxic effect of benzene, assault") == -1
    assert intent_agreement("Aspirin poisoning", ADVERSE) == -1


def test_a_stated_intent_or_no_poisoning_moves_nothing() -> None:
    assert intent_agreement("Aspirin overdose, intentional self-harm", ACCIDENTAL) == 0
    assert intent_agreement("Aspirin poisoning, undetermined intent", UNDETERMINED) == 0
    assert intent_agreement("Gastritis due to aspirin", ADVERSE) == 0
    assert intent_agreement("Staphylococcal food poisoning", ACCIDENTAL) == 0


def test_a_stated_intent_takes_the_titles_of_that_intent() -> None:
    undetermined = stated_intent("Stab wound, undetermined whether accidentally or purposely inflicted")
    assert undetermined == "undetermined"
    assert stated_intent_agreement(undetermined, "Contact with knife, undetermined intent") == 1
    assert stated_intent_agreement(undetermined, "Intentional self-harm by knife") == -1
    assert stated_intent_agreement(undetermined, "Assault by knife") == -1
    assert stated_intent_agreement(stated_intent("Burn, self-inflicted"), "Assault by fire") == -1
    assert stated_intent_agreement(stated_intent("Accidental overdose of aspirin"), ACCIDENTAL) == 1


def test_no_stated_intent_or_a_title_naming_none_moves_nothing() -> None:
    assert stated_intent("Motor vehicle accident") is None  # an accident is no stated accidental intent
    assert stated_intent_agreement(None, "Assault by knife") == 0
    assert stated_intent_agreement("assault", "Contact with knife") == 0


def test_an_injury_of_undetermined_intent_cues_the_undetermined_events_not_a_poisoning() -> None:
    cue = chapter_cue("Injury by a knife, undetermined whether accidentally or purposely inflicted")
    assert cue == UNDETERMINED_CUE and "Y28" in cue and "Y34" not in cue
    assert chapter_cue("Poisoning by aspirin, undetermined intent") is None  # the T code's intent character
    assert chapter_cue("Injury by a knife") is None

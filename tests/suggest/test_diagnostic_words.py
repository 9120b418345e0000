"""A chunk after a plan or a medication that names a diagnosis by its suffix ("osteoarthritis", "neuropathy")
starts a new problem; one that names none continues the plan."""

from __future__ import annotations

from assistant.suggest.reader import read_note


def _not_coded(note: str) -> dict[str, str | None]:
    return {m.text: m.not_coded for m in read_note(note)}


def test_a_diagnosis_named_by_its_suffix_is_a_new_problem() -> None:
    assert _not_coded("Plan: continue naproxen, hip osteoarthritis.")["hip osteoarthritis"] is None
    assert _not_coded("Meds: duloxetine 60 mg, painful neuropathy.")["painful neuropathy"] is None


def test_a_chunk_without_a_diagnosis_continues_the_plan() -> None:
    assert _not_coded("Plan: continue naproxen, hip stretches.")["hip stretches"] == "plan"

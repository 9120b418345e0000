"""A food allergy kept as a problem is the allergy status (Z91.01-), not a reaction now (T78.0-)."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.food_allergy import food_allergy_status
from assistant.suggest.reader import Mention
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog

# Titles as in the ICD-10-CM tabular (public domain).
CATALOG = hierarchy_catalog(
    {
        "Z91.010": "Allergy to peanuts",
        "Z91.0120": "Allergy to eggs, unspecified",
        "Z91.013": "Allergy to seafood",
        "Z91.018": "Allergy to other foods",
        "T78.05XA": "Anaphylactic reaction due to tree nuts and seeds, initial encounter",
        "I10": "Essential (primary) hypertension",
    },
    {
        "Z91": "Risk factors",
        "Z91.0": "Allergy status",
        "Z91.01": "Food allergy status",
        "T78": "Adverse effects",
    },
)


def _finals(note: str, said: str | None = None) -> list[str]:
    picks = {"I10": Pick("I10", 0.8, True, [Mention(0, 3, "HTN", "HTN")])}
    if said is not None:
        at = note.index(said)
        picks["T78.05XA"] = Pick("T78.05XA", 0.5, True, [Mention(at, at + len(said), said, said)])
    food_allergy_status(picks, NoteContext(note=note), CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("2. Tree nut allergy (cashew) - strict avoidance, EpiPen renewed.", "Z91.018"),
        ("2. Allergy to shellfish.", "Z91.013"),
        ("2. Peanut allergy - EpiPen.", "Z91.010"),
        ("2. Allergic to eggs.", "Z91.0120"),
    ],
)
def test_a_food_allergy_kept_as_a_problem_is_its_status(line: str, code: str) -> None:
    assert _finals(f"A/P: 1. HTN.\n{line}") == sorted(["I10", code])


def test_the_status_replaces_an_anaphylaxis_read_from_the_same_sentence() -> None:
    note = "A/P: 1. HTN.\n2. Allergy to tree nuts."
    assert _finals(note, "Allergy to tree nuts") == ["I10", "Z91.018"]


@pytest.mark.parametrize(
    "line",
    [
        # the reaction now
        "2. Anaphylaxis after eating cashews today, IM epinephrine given; tree nut allergy.",
        "2. No known food allergy.",
        "2. Son has a peanut allergy.",
    ],
)
def test_a_reaction_now_a_denial_or_a_relative_s_allergy_is_no_status(line: str) -> None:
    assert _finals(f"A/P: 1. HTN.\n{line}") == ["I10"]


@pytest.mark.parametrize(
    "line", ["Asked about egg allergy - none, eats eggs.", "Milk allergy, outgrown at 4."]
)
def test_an_allergy_denied_or_outgrown_after_its_name_is_no_status(line: str) -> None:
    assert _finals(f"A/P: 1. HTN.\n{line}") == ["I10"]

"""A measure a phrase states (weeks, grams, hours, percent) against the bands a code title states."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.suggest.phrase_numbers import measures, number_agreement
from assistant.suggest.phrase_order import prefer_specificity


def test_the_bands_a_text_states_by_unit() -> None:
    assert measures("25-26 completed weeks of gestation") == (("week", (25.0, 26.0)),)
    assert measures("Burns involving 20-29% of body surface") == (("percent", (20.0, 29.0)),)
    assert measures("Newborn light for dates, 1,000-1,249 grams") == (("gram", (1000.0, 1249.0)),)
    assert measures("Twin pregnancy, first trimester") == ()


def test_a_title_whose_bands_miss_the_phrases_value_contradicts_it() -> None:
    phrase = "24 completed weeks of gestation"
    assert number_agreement(phrase, "26 weeks gestation of pregnancy") == -1
    assert number_agreement(phrase, "Extreme immaturity of newborn, gestational age 24 completed weeks") == 0
    assert number_agreement(phrase, "24 weeks gestation of pregnancy") == 0
    assert number_agreement(phrase, "Preterm newborn, unspecified weeks of gestation") == 0  # no band stated
    assert number_agreement("Low birth weight, 1,000-1,249 grams", "Extreme immaturity, 1000-1249 grams") == 0
    assert number_agreement("Low birth weight, 1000-1249 grams", "Newborn, 750-999 grams") == -1


@dataclass
class Cand:
    code: str
    score: float


def test_the_code_of_the_phrases_week_is_not_passed_by_the_other_weeks() -> None:
    titles = {
        "Z3A.26": "26 weeks gestation of pregnancy",
        "P07.23": "Extreme immaturity of newborn, gestational age 24 completed weeks",
    }
    cands = [Cand("Z3A.26", 0.56), Cand("P07.23", 0.52)]
    ranked = prefer_specificity(cands, "24 completed weeks of gestation", titles.__getitem__)
    assert [c.code for c in ranked] == ["P07.23", "Z3A.26"]

"""A phrase that says "without X" is the "without" sibling (phrase_without.py, phrase_order.py)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.suggest.phrase_order import prefer_specificity
from assistant.suggest.phrase_without import category_excluded, title_agreement, without_stems

TITLES = {
    "K26.4": "Chronic or unspecified duodenal ulcer with hemorrhage",
    "K26.7": "Chronic duodenal ulcer without hemorrhage or perforation",
    "K92.2": "Gastrointestinal hemorrhage, unspecified",
    "K26": "Duodenal ulcer",
    "K92": "Other diseases of digestive system",
}


@dataclass
class Cand:
    code: str
    score: float


def test_the_words_a_phrase_is_without() -> None:
    assert without_stems("Duodenal ulcer, chronic, without mention of bleeding or perforation") == {
        "bleedi",
        "perfor",
    }
    assert without_stems("Migraine without aura, not intractable") == {"aura"}
    assert without_stems("Duodenal ulcer with bleeding") == set()


def test_a_title_with_the_word_contradicts_and_one_without_it_agrees() -> None:
    stems = without_stems("Duodenal ulcer without hemorrhage")
    assert title_agreement(stems, TITLES["K26.4"]) == -1
    assert title_agreement(stems, TITLES["K92.2"]) == -1
    assert title_agreement(stems, TITLES["K26.7"]) == 1
    assert title_agreement(stems, "Duodenal ulcer, no hemorrhage") == 1
    assert title_agreement(stems, "Duodenal ulcer, unspecified") == 0


def test_the_phrase_order_takes_the_without_sibling() -> None:
    cands = [Cand("K26.4", 1.0), Cand("K92.2", 0.95), Cand("K26.7", 0.9)]
    ranked = prefer_specificity(cands, "Chronic duodenal ulcer without hemorrhage", TITLES.__getitem__)
    assert [c.code for c in ranked] == ["K26.7", "K26.4", "K92.2"]


def test_except_names_what_the_phrase_is_not() -> None:
    stems = without_stems("Laceration of foot except toes")
    assert stems == {"toes"}
    assert title_agreement(stems, "Laceration of unspecified toes") == -1
    assert title_agreement(stems, "Laceration of unspecified foot") == 0
    assert title_agreement(stems, "Laceration of lower limb, except toes") == 1


def test_a_clause_word_said_first_is_what_the_phrase_is_without() -> None:
    # "complication" also ends a clause ("without X complicating pregnancy"), but not when it is the first
    # word after "without": then it is the thing the phrase is without.
    stems = without_stems("Gout without complication, chronic")
    assert stems == {"compli"}
    assert title_agreement(stems, "Gout with unspecified complications") == -1
    assert title_agreement(stems, "Gout without complications") == 1
    assert without_stems("Edema without proteinuria complicating pregnancy") == {"protei"}


def test_other_than_names_what_the_phrase_is_not() -> None:
    stems = without_stems("Rider of a vehicle other than a bicycle")
    assert "bicycl" in stems
    assert title_agreement(stems, "Bicycle rider injured in a fall") == -1
    assert title_agreement(stems, "Rider of a vehicle other than a bicycle, injured") == 1
    assert title_agreement(stems, "Car driver injured in a fall") == 0
    assert without_stems("Other bicycle rider") == set()


def test_a_category_the_phrase_is_without_is_excluded_whatever_its_codes_say() -> None:
    stems = without_stems("Depressed fracture of the skull without intracranial injury, with brief coma")
    assert category_excluded(stems, "Intracranial injury")
    assert not category_excluded(stems, "Fracture of skull and facial bones")
    assert not category_excluded(
        without_stems("Fracture of the skull with brief coma"), "Intracranial injury"
    )
    # a category's "not elsewhere classified" is no word of what it is
    assert category_excluded(
        without_stems("Strangulated hernia without gangrene"), "Gangrene, not elsewhere classified"
    )


def test_the_phrase_order_leaves_out_the_excluded_category() -> None:
    titles = {
        "S06.0X1A": "Concussion with loss of consciousness of 30 minutes or less, initial encounter",
        "S06": "Intracranial injury",
        "S02.91XA": "Unspecified fracture of skull, initial encounter for closed fracture",
        "S02": "Fracture of skull and facial bones",
    }
    cands = [Cand("S06.0X1A", 1.0), Cand("S02.91XA", 0.85)]
    ranked = prefer_specificity(
        cands, "Skull fracture without intracranial injury, brief loss of consciousness", titles.__getitem__
    )
    assert [c.code for c in ranked] == ["S02.91XA", "S06.0X1A"]
    cands = [Cand("S06.0X1A", 1.0), Cand("S02.91XA", 0.85)]
    ranked = prefer_specificity(cands, "Skull fracture with brief loss of consciousness", titles.__getitem__)
    assert [c.code for c in ranked] == ["S06.0X1A", "S02.91XA"]


def test_outside_the_injury_chapter_the_category_is_not_excluded() -> None:
    # the Index may class the phrase's own condition in the category it says it is without
    titles = {
        "M86.9": "Osteomyelitis, unspecified",
        "M86": "Osteomyelitis",
        "M89.9": "Disorder of bone, unspecified",
    }
    titles["M89"] = "Other disorders of bone"
    cands = [Cand("M86.9", 1.0), Cand("M89.9", 0.85)]
    ranked = prefer_specificity(cands, "Inflamed periosteum without osteomyelitis", titles.__getitem__)
    assert ranked[0].code == "M86.9" and ranked[0].score > 0.85

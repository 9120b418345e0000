"""A short diagnosis phrase read as the code titles are worded (phrase_order.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from assistant.suggest.phrase_order import (
    SCREENING_CUE,
    chapter_cue,
    cued_query,
    negation_is_term,
    phrase_query,
    prefer_drug_table,
    prefer_specificity,
    share_walk,
    walk_text,
)
from assistant.suggest.reader import walk_query
from assistant.suggest.types import Query

TITLES = {
    "H44.821": "Luxation of globe, right eye",
    "H44.823": "Luxation of globe, bilateral",
    "H44.829": "Luxation of globe, unspecified eye",
    "K59.00": "Constipation, unspecified",
    "K59.09": "Other constipation",
    "M25.879": "Other specified joint disorders, unspecified ankle and foot",
    "M25.9": "Joint disorder, unspecified",
    "O99.211": "Obesity complicating pregnancy, first trimester",
    "O99.214": "Obesity complicating childbirth",
    "O99.215": "Obesity complicating the puerperium",
    "E66.9": "Obesity, unspecified",
}


@dataclass
class Cand:
    code: str
    score: float


def order(phrase: str, scored: dict[str, float]) -> list[str]:
    cands = [Cand(c, s) for c, s in scored.items()]
    return [c.code for c in prefer_specificity(cands, phrase, TITLES.__getitem__)]


def test_without_mention_of_reads_as_without_and_the_phrase_keeps_its_words() -> None:
    assert phrase_query("Personal history of malaria") == "Personal history of malaria"
    assert phrase_query("Spina bifida without mention of hydrocephalus, dorsal region") == (
        "Spina bifida without hydrocephalus, dorsal region"
    )
    assert phrase_query("Triplet pregnancy, delivered, with or without mention of antepartum condition") == (
        "Triplet pregnancy, delivered"
    )


def test_a_phrase_without_a_side_takes_the_unspecified_side() -> None:
    scored = {"H44.823": 0.80, "H44.829": 0.78, "H44.821": 0.76}
    assert order("Luxation of globe", scored)[0] == "H44.829"
    assert order("Luxation of globe, bilateral", scored)[0] == "H44.823"


def test_other_takes_the_other_code_and_unspecified_the_unspecified_one() -> None:
    scored = {"K59.00": 1.0, "K59.09": 0.93}
    assert order("Other constipation", scored)[0] == "K59.09"
    assert order("Constipation", scored)[0] == "K59.00"
    scored = {"M25.879": 0.9, "M25.9": 0.85}
    assert order("Unspecified disorder of joint", scored)[0] == "M25.9"


def test_a_pregnancy_or_newborn_setting_cues_its_chapter() -> None:
    assert chapter_cue("Anemia of mother, antepartum condition or complication") == ("O",)
    assert chapter_cue("Varicose veins complicating pregnancy") == ("O",)
    assert chapter_cue("Fetus or newborn affected by maternal hypertension") == ("P",)
    assert chapter_cue("Anemia, unspecified") is None


def test_a_negation_word_inside_a_diagnosis_term_does_not_negate_a_phrase() -> None:
    assert negation_is_term("Other septicemia due to gram-negative organisms", ["negated:negative"])
    assert negation_is_term("Absence of menstruation", ["negated:absence of"])
    assert not negation_is_term("no chest pain", ["negated:no"])
    assert not negation_is_term("denies fever", ["negated:denies"])
    assert not negation_is_term("Chest pain", [])


def test_numbers_are_written_as_the_titles_write_them() -> None:
    assert phrase_query("Extreme immaturity, 1,000-1,249 grams") == "Extreme immaturity, 1000-1249 grams"


def test_a_vaccination_asked_for_is_the_encounter_and_not_of_newborn_cues_nothing() -> None:
    assert chapter_cue("Need for prophylactic vaccination and inoculation against poliomyelitis") == ("Z23",)
    assert chapter_cue("Reaction to vaccination against influenza") is None
    assert chapter_cue("Jaundice, unspecified, not of newborn") is None
    assert chapter_cue("Neonatal jaundice") == ("P",)
    titles = {"Z23": "Encounter for immunization", "A80.9": "Acute poliomyelitis, unspecified"}
    cands = [Cand("A80.9", 0.9), Cand("Z23", 0.3)]
    ranked = prefer_specificity(cands, "Vaccination against poliomyelitis", titles.__getitem__)
    assert [c.code for c in ranked] == ["Z23", "A80.9"]


def test_a_screening_asked_for_is_the_encounter_and_its_result_is_not() -> None:
    assert chapter_cue("Screening for colon cancer") == SCREENING_CUE
    assert chapter_cue("Screening examination for tuberculosis") == SCREENING_CUE
    assert chapter_cue("Abnormal findings on screening for hearing loss") is None
    assert chapter_cue("Cystic fibrosis") is None
    titles = {"Z13.6": "Encounter for screening for cardiovascular disorders", "I25.10": "Coronary disease"}
    cands = [Cand("I25.10", 0.9), Cand("Z13.6", 0.4)]
    ranked = prefer_specificity(cands, "Screening for coronary disease", titles.__getitem__)
    assert [c.code for c in ranked] == ["Z13.6", "I25.10"]


@dataclass
class WalkCand:
    code: str
    score: float
    walk: float = 0.0


def test_the_index_walk_credits_its_category_so_the_words_choose_the_code() -> None:
    # The walk stopped at "Neoplasm, colon" (C18.9); the phrase's words name the ascending colon (C18.2).
    walked = WalkCand("C18.9", 0.70 + 0.3 * 0.75, walk=0.75)
    named = WalkCand("C18.2", 0.88)
    elsewhere = WalkCand("D12.2", 0.89)  # another category: the walk says nothing of it
    share_walk([walked, named, elsewhere], w_walker=0.3, share=1.0)
    assert named.score == pytest.approx(0.88 + 0.3 * 0.75)
    assert walked.score == pytest.approx(0.925) and elsewhere.score == pytest.approx(0.89)
    assert max([walked, named, elsewhere], key=lambda c: c.score) is named


def test_without_a_walked_code_in_the_category_nothing_moves() -> None:
    cands = [WalkCand("H11.9", 1.0), WalkCand("H11.89", 0.9), WalkCand("H10.9", 0.8, walk=1.0)]
    share_walk(cands, w_walker=0.3)
    assert [c.score for c in cands] == [1.0, 0.9, 0.8]


def test_the_episode_of_care_a_pregnancy_phrase_names_chooses_the_pregnancy_code() -> None:
    scored = {"O99.211": 0.9, "O99.214": 0.9, "O99.215": 0.9, "E66.9": 0.95}
    assert order("Obesity of the mother, postpartum condition", scored)[0] == "O99.215"
    assert order("Obesity of the mother, delivered", scored)[0] == "O99.214"
    assert order("Obesity of the mother, antepartum complication", scored)[0] == "O99.211"
    # no episode named: the chapter cue alone, the three pregnancy codes stay level
    top = order("Obesity of the mother", scored)
    assert top[0] in {"O99.211", "O99.214", "O99.215"} and top[-1] == "E66.9"
    # an episode the title contradicts costs it the chapter cue's bonus
    assert order("Obesity of the mother, delivered", {"O99.215": 0.9, "E66.9": 0.95})[0] == "E66.9"


def test_a_suspicion_ruled_out_is_the_observation_encounter() -> None:
    from assistant.suggest.phrase_order import RULED_OUT_CUE, uncertainty_is_term

    assert chapter_cue("Suspected appendicitis, not found") == RULED_OUT_CUE
    assert chapter_cue("Observation for suspected sepsis") == RULED_OUT_CUE
    assert chapter_cue("Suspected appendicitis") is None
    assert uncertainty_is_term("Suspected appendicitis, not found")
    assert uncertainty_is_term("Maternal care for (suspected) fetal heart anomaly")
    assert not uncertainty_is_term("suspected appendicitis")


def test_a_negation_set_off_by_a_comma_or_bracket_is_walked_as_a_negation() -> None:
    # the reader keeps an inner negation for the walk only after a word; a phrase sets it off with punctuation
    hernia = "Umbilical hernia (not specified as recurrent)"
    assert "not specified as recurrent" in walk_query(walk_text(hernia))
    assert "not of newborn" in walk_query(walk_text("Anemia, unspecified, not of newborn"))
    assert "not" not in walk_query(hernia).split()
    # NOS and NEC are no negation: left as the reader leaves them
    assert walk_text("Anemia, not otherwise specified") == "Anemia, not otherwise specified"
    assert walk_text("Arthritis, not elsewhere classified") == "Arthritis, not elsewhere classified"
    # the walk reads the phrase as the classification words it, as its search does
    assert "type 2" in walk_text("Diabetes with hyperosmolarity, type II")
    # a limb region is walked with its joint (ICD-10 chapter XIII site table); a burn's region is its surface
    assert walk_text("Gouty arthritis, lower leg").endswith("lower leg, knee")
    assert "knee" not in walk_text("Burn of lower leg")
    assert walk_text("Gastric ulcer, with or without mention of obstruction") == "Gastric ulcer"
    assert walk_text("Gastric ulcer without mention of bleeding") == "Gastric ulcer without bleeding"


def test_a_negation_reaches_the_words_behind_a_bracketed_modifier_and_other_than_is_a_negation() -> None:
    # "without (severe) pain": the bracket keeps the negation from the words it covers unless it goes
    assert walk_query(walk_text("Gastritis without (severe) bleeding")) == "Gastritis without severe bleeding"
    assert "without" not in walk_query("Gastritis without (severe) bleeding").split()
    # "X other than Y" is an X that is not Y
    assert walk_query(walk_text("Anemia other than iron deficiency")) == "Anemia not iron deficiency"
    assert walk_text("Anemia of other origin") == "Anemia of other origin"


@dataclass
class TableCand:
    code: str
    score: float
    walk: float = 0.0
    walk_path: str = ""


def test_the_drug_tables_cell_outranks_class_titles_the_other_words_match() -> None:
    # the substance's row of the Table of Drugs and Chemicals names its class code; a class title that
    # shares a generic word of the phrase ("salts") does not
    cell = TableCand("T42.6X1A", 0.60, 0.75, "Sedative drug X -> Poisoning, Accidental -> T42.6X1A")
    lexical = TableCand("T45.4X1A", 0.70)
    shallow = TableCand("T42.71XA", 0.55, 0.5, "Sedative -> Poisoning, Accidental -> T42.71XA")
    prefer_drug_table([cell, lexical, shallow])
    assert cell.score > lexical.score
    assert shallow.score == 0.55  # only the best table walk
    # a walk that never reached the table, or one that accounts for too little of the phrase, gains nothing
    elsewhere = TableCand("F13.10", 0.5, 0.9, "Abuse -> sedative -> F13.10")
    weak = TableCand("T50.991A", 0.5, 0.4, "Drug NEC -> Poisoning, Accidental -> T50.991A")
    prefer_drug_table([elsewhere, weak])
    assert (elsewhere.score, weak.score) == (0.5, 0.5)


def test_the_cued_chapter_is_searched_with_the_phrases_own_reading() -> None:
    query = Query("Anemia complicating pregnancy", walk_text="Anemia in pregnancy", phrase=True)
    cued = cued_query(query, ("O",))
    assert cued.prefixes == ("O",)
    assert cued.phrase and cued.walk_text == "Anemia in pregnancy" and cued.text == query.text


def test_an_injury_s_unspecified_part_of_a_site_walks_as_the_site_nos() -> None:
    assert walk_text("Crush injury of unspecified part of the forearm") == "Crush injury of the forearm"
    assert walk_text("Laceration of the eyelid, part unspecified") == "Laceration of the eyelid"
    assert walk_text("Contusion of the thigh, site unspecified") == "Contusion of the thigh"
    # not an injury: the words stay (a neoplasm's unspecified part is its own Index subterm)
    text = "Malignant neoplasm of unspecified part of bronchus"
    assert walk_text(text) == text

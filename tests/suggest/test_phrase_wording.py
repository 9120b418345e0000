"""Statement wordings the classification says another way (phrase_wording.py, phrase_order.py)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.suggest.phrase_order import kind_words, phrase_query, prefer_specificity
from assistant.suggest.phrase_wording import (
    as_classified,
    elsewhere_agreement,
    names_site_other,
    opposite_kind_agreement,
    residual_site_agreement,
    title_said,
    trauma_agreement,
    without_closed,
)


@dataclass
class Cand:
    code: str
    score: float


def test_a_count_of_two_or_more_is_multiple() -> None:
    assert as_classified("Closed fracture of three ribs") == "Closed fracture of multiple ribs"
    assert as_classified("Burn of two or more toes") == "Burn of multiple toes"
    assert as_classified("Fracture of one rib") == "Fracture of one rib"
    # a duration or a weight is no count of parts
    assert as_classified("Fever for three days") == "Fever for three days"


def test_a_share_below_a_bound_is_the_titles_first_band() -> None:
    assert as_classified("Corrosion of skin, less than 10 percent") == "Corrosion of skin, 0% to 9%"
    assert as_classified("Scald, less than 20% of body") == "Scald, 0% to 19% of body"
    assert as_classified("Scald, 10-19 percent") == "Scald, 10-19 percent"


def test_a_loss_of_consciousness_is_said_in_the_titles_bands() -> None:
    assert (
        as_classified("Head injury with coma of more than 24 hours")
        == "Head injury with coma of greater than 24 hours"
    )
    assert as_classified("Syncope, less than one hour") == "Syncope, 30 minutes or less"
    assert as_classified("Stupor for 1-24 hours") == "Stupor for 1 hour to 5 hours 59 minutes"
    assert as_classified("Stupor for 2 hours") == "Stupor for 2 hours"


def test_what_is_not_stated_is_not_searched() -> None:
    assert as_classified("Gout of knee, not stated as chronic") == "Gout of knee"
    assert as_classified("Gout of knee, not stated as chronic, left") == "Gout of knee, left"
    assert as_classified("Chronic gout of knee") == "Chronic gout of knee"


def test_a_diabetes_type_in_roman_numerals_is_the_titles_number() -> None:
    assert phrase_query("Diabetes with coma, type II") == "Diabetes with coma, type 2"
    assert phrase_query("Diabetic cataract, type I") == "Diabetic cataract, type 1"
    # elsewhere the titles keep Roman numerals ("open fracture type I or II")
    assert phrase_query("Open fracture of tibia, type II") == "Open fracture of tibia, type II"


def test_other_sites_of_an_organ_name_a_site_not_a_kind() -> None:
    phrase = "Benign tumor of other parts of spleen"
    assert names_site_other(phrase) and not names_site_other("Other benign tumor of spleen")
    assert kind_words(phrase, site_other=True) == (False, False)
    assert kind_words(phrase) == (True, False)
    assert residual_site_agreement(phrase, "Benign tumor of overlapping sites of spleen") == 1
    assert residual_site_agreement(phrase, "Benign tumor of other parts of spleen") == 1
    assert residual_site_agreement(phrase, "Benign tumor of spleen, unspecified") == -1
    assert residual_site_agreement(phrase, "Other benign tumor of spleen") == 0
    assert residual_site_agreement("Benign tumor of spleen", "Benign tumor of spleen, unspecified") == 0


def test_the_residual_site_code_comes_before_the_unspecified_one_and_an_ill_defined_site() -> None:
    titles = {
        "X1.8": "Malignant tumor of overlapping sites of spleen",
        "X1.9": "Malignant tumor of spleen, unspecified",
        "X9.8": "Malignant tumor of other specified ill-defined sites",
    }
    cands = [Cand("X9.8", 1.0), Cand("X1.9", 1.0), Cand("X1.8", 0.95)]
    ranked = prefer_specificity(
        cands, "Malignant tumor of other specified sites of spleen", titles.__getitem__
    )
    assert [c.code for c in ranked][0] == "X1.8"
    # without the site wording, "other" is the kind: the "other" title is preferred as before
    cands = [Cand("X9.8", 1.0), Cand("X1.9", 1.0), Cand("X1.8", 0.95)]
    ranked = prefer_specificity(cands, "Other malignant tumor of spleen", titles.__getitem__)
    assert ranked[0].code == "X9.8"


def test_a_burn_named_by_its_depth_is_a_burn_of_that_degree() -> None:
    assert as_classified("Epidermal loss [second degree] of ankle") == "Burn of second degree of ankle"
    assert as_classified("Full thickness skin loss (fourth degree) of knee") == "Burn of third degree of knee"
    assert as_classified("Erythema [first degree], chin") == "Burn of first degree chin"
    # the depth words without a degree, or a degree that is no burn, stay as they are
    assert as_classified("Blisters of both heels") == "Blisters of both heels"
    assert as_classified("Third degree heart block") == "Third degree heart block"
    assert as_classified("Burn of knee, erythema [first degree]") == "Burn of knee, erythema [first degree]"


def test_a_manifestation_in_a_disease_coded_elsewhere_takes_that_kind_of_code() -> None:
    phrase = "Arthritis of knee in infectious diseases classified elsewhere"
    assert elsewhere_agreement(phrase, "Knee disorders in diseases classified elsewhere") == 1
    assert elsewhere_agreement(phrase, "Infective arthritis of knee") == 0
    assert elsewhere_agreement(phrase, "Other arthritis of knee, not elsewhere classified") == 0
    assert elsewhere_agreement("Arthritis of knee", "Knee disorders in diseases classified elsewhere") == 0
    titles = {"K1": "Infective arthritis of knee", "K2": "Knee disorders in diseases classified elsewhere"}
    ranked = prefer_specificity([Cand("K1", 1.0), Cand("K2", 0.95)], phrase, titles.__getitem__)
    assert ranked[0].code == "K2"


def test_an_induced_abortion_is_no_spontaneous_one() -> None:
    phrase = "Induced abortion, incomplete, with sepsis"
    assert opposite_kind_agreement(phrase, "Sepsis following incomplete spontaneous abortion") == -1
    assert opposite_kind_agreement(phrase, "Sepsis following (induced) termination of pregnancy") == 1
    assert opposite_kind_agreement(phrase, "Sepsis, unspecified organism") == 0
    spontaneous = "Spontaneous abortion with sepsis"
    assert opposite_kind_agreement(spontaneous, "Sepsis following induced abortion") == -1
    assert opposite_kind_agreement("Abortion with sepsis", "Sepsis following spontaneous abortion") == 0


def test_a_dislocation_has_no_closed_axis() -> None:
    # open / closed is a fracture's 7th character; a dislocation's "closed" names nothing its codes split on
    assert "closed" not in without_closed("Closed dislocation of ankle").lower()
    assert "closed" not in without_closed("Dislocation of wrist, closed").lower()
    assert without_closed("Closed fracture of ulna") == "Closed fracture of ulna"
    assert without_closed("Closed angle glaucoma") == "Closed angle glaucoma"


def test_a_condition_after_an_injury_is_no_nontraumatic_one() -> None:
    phrase = "Bleeding into the brain after an injury"
    assert trauma_agreement(phrase, "Nontraumatic intracerebral hemorrhage, unspecified") == -1
    assert trauma_agreement(phrase, "Traumatic hemorrhage of cerebrum, unspecified") == 0
    assert trauma_agreement("Non-traumatic brain bleed", "Traumatic hemorrhage of cerebrum") == -1
    assert trauma_agreement("Brain bleed", "Nontraumatic intracerebral hemorrhage, unspecified") == 0


def test_a_fracture_or_dislocation_is_traumatic_unless_the_phrase_says_otherwise() -> None:
    assert trauma_agreement("Dislocation of knee", "Pathological dislocation of knee") == -1
    assert trauma_agreement("Fracture of wrist", "Stress fracture, wrist") == -1
    assert trauma_agreement("Fracture of wrist", "Fracture of lower end of radius") == 0
    assert trauma_agreement("Stress fracture of wrist", "Stress fracture, wrist") == 0
    assert trauma_agreement("Sprain of knee", "Pathological dislocation of knee") == 0


def test_a_phrase_that_is_a_codes_title_names_that_code() -> None:
    assert title_said("Gout of the knee, left", "Gout of the knee - left")
    assert not title_said("Gout of the knee", "Gout of the knee, left")
    assert not title_said("Other gout of the knee", "Gout of the knee")
    # the phrase order takes the title's code over a near one with more of the other signals
    cands = [Cand("M10.9", 1.0), Cand("M10.062", 0.85)]
    titles = {"M10.9": "Gout, unspecified", "M10.062": "Idiopathic gout, left knee"}
    ranked = prefer_specificity(cands, "Idiopathic gout, left knee", titles.__getitem__)
    assert [c.code for c in ranked] == ["M10.062", "M10.9"]


def test_the_manifestation_code_outranks_the_etiology_the_walk_reached() -> None:
    # the walk through "in" reached the disease's own code, 0.15 ahead; the phrase names the manifestation
    titles = {"B1": "Unspecified infectious disease", "K2": "Knee disorders in diseases classified elsewhere"}
    ranked = prefer_specificity(
        [Cand("B1", 1.0), Cand("K2", 0.85)],
        "Knee disorder in infectious diseases classified elsewhere",
        titles.__getitem__,
    )
    assert [c.code for c in ranked] == ["K2", "B1"]

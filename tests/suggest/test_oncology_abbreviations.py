"""Oncology shorthand: lung lobes only beside a neoplasm word, lesions written as plural abbreviations."""

from __future__ import annotations

from assistant.suggest.text import expand_abbreviations


def test_a_lobe_is_the_lung_site_of_a_cancer() -> None:
    assert (
        expand_abbreviations("adenocarcinoma of the RUL") == "adenocarcinoma of the right upper lobe of lung"
    )
    assert expand_abbreviations("NSCLC, LLL").endswith("lung, left lower lobe of lung")


def test_a_lobe_beside_no_neoplasm_word_is_left_as_written() -> None:
    assert expand_abbreviations("RLL consolidation") == "RLL consolidation"
    assert expand_abbreviations("RUL nodule 6 mm") == "RUL nodule 6 mm"


def test_plural_lesion_abbreviations_read_as_the_singular_title() -> None:
    assert expand_abbreviations("6 AKs face") == "6 actinic keratosis face"
    assert expand_abbreviations("SKs trunk") == "seborrheic keratosis trunk"


def test_hcc_is_the_liver_cancer_only_beside_liver_words() -> None:
    assert expand_abbreviations("HCC with cirrhosis") == "hepatocellular carcinoma with cirrhosis"
    assert (
        expand_abbreviations("HCC risk score updated for the payer") == "HCC risk score updated for the payer"
    )


def test_b12_is_the_vitamin_unless_the_note_already_says_vitamin() -> None:
    assert expand_abbreviations("B12 deficiency") == "vitamin b12 deficiency"
    assert expand_abbreviations("vitamin B12 deficiency") == "vitamin B12 deficiency"


def test_leukemia_shorthand_in_the_index_wording() -> None:
    # "Leukemia, chronic myelogenous C92.1-": the Index's own word for CML
    assert expand_abbreviations("CML on imatinib") == "chronic myelogenous leukemia on imatinib"
    # "ALL" is the leukemia beside a hematology-oncology word, else the English word
    assert expand_abbreviations("ALL, newly diagnosed, heme-onc referral").startswith("acute lymphoblastic")
    assert expand_abbreviations("ALL, induction chemo").startswith("acute lymphoblastic leukemia")
    assert expand_abbreviations("ALL labs normal") == "ALL labs normal"


def test_dcis_and_lcis_are_the_index_morphology_words() -> None:
    # the Index files ductal carcinoma in situ of the breast under "Carcinoma, intraductal" (D05.1-)
    assert expand_abbreviations("DCIS, right breast") == "intraductal carcinoma in situ, right breast"
    assert expand_abbreviations("LCIS left breast") == "lobular carcinoma in situ left breast"
    assert expand_abbreviations("CIS of the cervix") == "CIS of the cervix"

"""The thirty-first hand (dermatology, ENT, allergy and eye clinics): a skin lesion's site after a comma,
eyelid codes by eye and lid, allergen kinds sharing one noun, a mention another code only ranks behind,
sinusitis of several sinuses, Index wordings and a biologic's Z79 code. Notes written for these tests."""

from __future__ import annotations

import re

import pytest

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.eyelids import eyelid_by_eye_and_lid
from assistant.suggest.coding_rules.partners import DRUG_CLASSES
from assistant.suggest.coding_rules.sinuses import sinuses_together
from assistant.suggest.consolidate import absorb_same_category
from assistant.suggest.reader import Mention, qualifies_previous, read_note
from assistant.suggest.text import expand_abbreviations
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog


@pytest.mark.parametrize(
    ("chunk", "joins"),
    [
        ("left nasal ala", True),
        ("R dorsal hand", True),
        ("upper back", True),
        ("mid upper back", True),
        ("scalp", True),
        ("right cheek", True),
        ("L temple", True),
        ("continue lisinopril", False),
        ("back pain", False),
        ("hypertension", False),
    ],
)
def test_a_lesion_site_after_a_comma_completes_the_lesion(chunk: str, joins: bool) -> None:
    assert qualifies_previous(chunk) is joins


def test_the_site_after_the_comma_is_searched_with_the_lesion() -> None:
    note = (
        "A/P:\n1. BCC, left nasal ala - refer Mohs.\n2. Melanoma in situ, upper back - WLE.\n3. HTN, stable."
    )
    texts = [m.text for m in read_note(note) if not m.not_coded]
    assert "BCC, left nasal ala" in texts and "Melanoma in situ, upper back" in texts


# Titles as in the ICD-10-CM tabular (public domain).
BLEPHARITIS = hierarchy_catalog(
    {
        "H01.001": "Unspecified blepharitis right upper eyelid",
        "H01.002": "Unspecified blepharitis right lower eyelid",
        "H01.003": "Unspecified blepharitis right eye, unspecified eyelid",
        "H01.004": "Unspecified blepharitis left upper eyelid",
        "H01.005": "Unspecified blepharitis left lower eyelid",
        "H01.006": "Unspecified blepharitis left eye, unspecified eyelid",
        "H01.009": "Unspecified blepharitis unspecified eye, unspecified eyelid",
        "H01.00A": "Unspecified blepharitis right eye, upper and lower eyelids",
        "H01.00B": "Unspecified blepharitis left eye, upper and lower eyelids",
    },
    {"H01": "Other inflammation of eyelid", "H01.0": "Blepharitis", "H01.00": "Unspecified blepharitis"},
)


def _eyelid(line: str) -> list[str]:
    note = f"Problem list:\n- {line}\nRTC 6 wk."
    start = note.index(line)
    words = line.split(" - ")[0]
    mention = Mention(start, start + len(words), words, words, "assessment", start, start + len(line))
    picks = {"H01.009": Pick("H01.009", 0.8, True, [mention], heads=[mention])}
    eyelid_by_eye_and_lid(picks, NoteContext(note), BLEPHARITIS)
    return sorted(c for c, p in picks.items() if p.final)


@pytest.mark.parametrize(
    ("line", "codes"),
    [
        ("Anterior blepharitis, upper and lower lids, both eyes - lid spray", ["H01.00A", "H01.00B"]),
        ("Blepharitis of both upper eyelids OU", ["H01.001", "H01.004"]),
        ("Blepharitis, L lower lid - warm compresses", ["H01.005"]),
        ("Blepharitis OD, upper and lower lids", ["H01.00A"]),
        ("Blepharitis, both eyes - lid scrubs", ["H01.009"]),  # no lid said: left to the side rules
        ("Blepharitis - lid scrubs", ["H01.009"]),  # no eye said
    ],
)
def test_an_eyelid_condition_is_coded_by_eye_and_lid(line: str, codes: list[str]) -> None:
    assert _eyelid(line) == codes


def test_allergen_kinds_sharing_one_noun_stay_one_mention() -> None:
    note = "Assessment:\n1. Seasonal allergic rhinitis due to tree and grass pollen.\n2. Asthma and eczema."
    texts = [m.text for m in read_note(note) if not m.not_coded]
    assert any(t.endswith("tree and grass pollen") for t in texts) and "grass pollen" not in texts
    assert "Asthma" in texts and "eczema" in texts  # two conditions still part


TINEA = hierarchy_catalog(
    {"B35.2": "Tinea manuum", "B35.3": "Tinea pedis", "B35.9": "Dermatophytosis, unspecified"},
    {"B35": "Dermatophytosis"},
)


def test_a_mention_another_code_only_ranks_behind_it_keeps_its_own_code() -> None:
    feet = Mention(0, 21, "Tinea pedis, both feet", "Tinea pedis, both feet", "assessment")
    hand = Mention(23, 50, "+ tinea manuum R hand", "+ tinea manuum right hand", "assessment")
    picks = {
        "B35.3": Pick("B35.3", 0.8, True, [feet, hand], heads=[feet]),
        "B35.2": Pick("B35.2", 0.5, True, [hand], heads=[hand]),
    }
    absorb_same_category(picks, TINEA)
    assert sorted(c for c, p in picks.items() if p.final) == ["B35.2", "B35.3"]
    # the same words under the higher code's own head mention: one condition, coded once
    both = Mention(0, 21, "tinea manuum", "tinea manuum", "assessment")
    picks = {
        "B35.2": Pick("B35.2", 0.8, True, [both], heads=[both]),
        "B35.9": Pick("B35.9", 0.5, True, [both], heads=[both]),
    }
    absorb_same_category(picks, TINEA)
    assert sorted(c for c, p in picks.items() if p.final) == ["B35.2"]


SINUSES = hierarchy_catalog(
    {
        "J32.0": "Chronic maxillary sinusitis",
        "J32.1": "Chronic frontal sinusitis",
        "J32.2": "Chronic ethmoidal sinusitis",
        "J32.3": "Chronic sphenoidal sinusitis",
        "J32.4": "Chronic pansinusitis",
        "J32.8": "Other chronic sinusitis",
        "J32.9": "Chronic sinusitis, unspecified",
    },
    {"J32": "Chronic sinusitis"},
)


@pytest.mark.parametrize(
    ("coded", "expected"),
    [
        (["J32.0", "J32.2"], ["J32.8"]),  # maxillary + ethmoid: more than one sinus, not all
        (["J32.0", "J32.1", "J32.2", "J32.3"], ["J32.4"]),  # all four: pansinusitis
        (["J32.0"], ["J32.0"]),  # one sinus keeps its code
    ],
)
def test_sinusitis_of_several_sinuses_is_the_other_code(coded: list[str], expected: list[str]) -> None:
    line = Mention(0, 30, "Chronic rhinosinusitis", "Chronic rhinosinusitis", "assessment")
    picks = {c: Pick(c, 0.8, True, [line], heads=[line]) for c in coded}
    sinuses_together(picks, NoteContext("A/P: Chronic rhinosinusitis - maxillary + ethmoid."), SINUSES)
    assert sorted(c for c, p in picks.items() if p.final) == expected


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("Acute vestibular neuritis, left", "vestibular neuronitis"),
        ("Female pattern hair loss (androgenetic alopecia)", "androgenic alopecia"),
    ],
)
def test_clinical_names_take_the_index_wording(said: str, read: str) -> None:
    assert read in expand_abbreviations(said).lower()


def test_other_neuritis_keeps_its_name() -> None:
    assert "optic neuritis" in expand_abbreviations("Optic neuritis, right").lower()


def test_a_tnf_blocker_is_an_immunosuppressive_biologic() -> None:
    words = dict(DRUG_CLASSES)["Z79.620"]
    assert re.search(rf"\b(?:{words})\b", "PsA on MTX + adalimumab 40 mg q2wk", re.IGNORECASE)
    assert re.search(rf"\b(?:{words})\b", "Crohn's - Humira since 2024", re.IGNORECASE)
    assert not re.search(rf"\b(?:{words})\b", "RA on methotrexate and folic acid", re.IGNORECASE)


def test_a_benign_nevus_is_the_index_nevus() -> None:
    assert expand_abbreviations("Benign nevus L forearm - reassured").lower().startswith("nevus left forearm")
    assert "benign neoplasm" in expand_abbreviations("Benign neoplasm of skin").lower()

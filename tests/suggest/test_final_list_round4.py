"""Fourth round of final-list rules found on new office notes (a ninth hand: "2/2", "c/w", routes and
single-letter sides): each with a note it must code and one it must not. Notes here are written for these
tests; titles are the ICD-10-CM tabular's (public domain)."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.adverse_effects import drug_adverse_effects
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.qualifiers import compare, read_qualifiers
from assistant.suggest.reader import Mention, qualifies_previous, read_note
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick


def _mention(note: str, text: str) -> Mention:
    start = note.index(text)
    return Mention(start, start + len(text), text, text, "assessment", 0, len(note))


# ------------------------------------------------------------ a side written as one capital letter
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # after a comma at the end of any diagnosis, not only one with a condition's ending
        ("2. Hallux rigidus, R\nP: insert", "2. Hallux rigidus, right\nP: insert"),
        ("Carpal tunnel syndrome, L - night splint", "Carpal tunnel syndrome, left - night splint"),
        # before an interspace named by its ordinal
        ("Morton's neuroma, L 3rd interspace", "Morton's neuroma, left 3rd interspace"),
        # a lab's low flag, a volume, a spinal level: left as written
        ("Albumin 2.9 (L)\nHgb 9.8 L", "Albumin 2.9 (L)\nHgb 9.8 L"),
        ("paracentesis removed 3 L, cytology +", "paracentesis removed 3 L, cytology +"),
        ("Labs: Na 131, L", "Labs: Na 131, L"),
    ],
)
def test_one_capital_letter_is_a_side_only_beside_a_diagnosis_or_a_site(text: str, expected: str) -> None:
    assert expand_text(text) == expected


# ------------------------------------------------------------ the bone after a fracture's comma
@pytest.mark.parametrize(
    ("chunk", "completes"),
    [
        (" R calcaneus", True),  # "Closed displaced intra-articular fracture, R calcaneus"
        (" L distal radius", True),
        (" right 5th metatarsal", True),
        (" calcaneus spur excision planned", False),  # no side: a chunk of its own
        (" R heel pain", False),
    ],
)
def test_a_side_and_a_bone_after_the_comma_complete_the_fracture(chunk: str, completes: bool) -> None:
    assert qualifies_previous(chunk) is completes


# ------------------------------------------------------------ "ca screening" is a screening
def test_ca_before_screening_is_the_cancer_screened_for_not_a_malignant_neoplasm() -> None:
    assert (
        expand_text("Colon ca screening: colonoscopy 2022 normal")
        == "Colon cancer screening: colonoscopy 2022 normal"
    )
    assert expand_text("prostate ca screen - PSA drawn") == "prostate cancer screen - PSA drawn"
    # the cancer itself, as before
    assert "malignant neoplasm" in expand_text("Colon ca s/p resection 2021")


# ------------------------------------------------------------ bleeding denied by its history
def test_no_history_of_bleeding_denies_it() -> None:
    without = read_qualifiers("Esophageal varices without bleeding", title=True)
    for phrase in (
        "Esophageal varices, small, no history of bleeding",
        "esophageal varices, no h/o bleeding",
        "Varices, never bled",
        "Esophageal varices - no prior bleeding",
    ):
        assert not read_qualifiers(phrase).bleeding and not compare(read_qualifiers(phrase), without)[0]
    # a past bleed still stated is bleeding
    stated = read_qualifiers("Esophageal varices, history of bleeding 2024, banded")
    assert stated.bleeding and compare(stated, without)[0]


# ------------------------------------------------------------ a condition its item calls cured
@pytest.mark.parametrize(
    ("note", "history"),
    [
        ("A/P:\n4. Hepatitis C - cured (SVR), no further tx.\n", True),
        ("Active Problems:\n  * Chronic hepatitis C, genotype 1a - treated, SVR12 (2019)\n", True),
        # under treatment, or a cure only hoped for at the end of a longer sentence: current
        ("A/P:\n4. Hepatitis C - on sofosbuvir/velpatasvir wk 6, RNA pending.\n", False),
        (
            "A/P:\n1. Hepatitis C, genotype 1a, viral load 2 million, treat next month, hope for a cure.\n",
            False,
        ),
    ],
)
def test_a_condition_whose_item_says_cured_is_history_without_an_h_o(note: str, history: bool) -> None:
    first = next(m for m in read_note(note) if "epatitis C" in m.text)
    assert first.history is history


# ------------------------------------------------------------ drug-induced conditions (I.C.19.e.5.a)
AE_TITLES = {
    "B37.0": ("Candidal stomatitis", True, "B37"),
    "J98.01": ("Acute bronchospasm", True, "J98.0"),
    "T38.0X5A": ("Adverse effect of glucocorticoids and synthetic analogues, initial encounter", True,
                 "T38.0X5"),
    "T41.0X5A": ("Adverse effect of inhaled anesthetics, initial encounter", True, "T41.0X5"),
    "N14.1": ("Nephropathy induced by other drugs, medicaments and biological substances", False, "N14"),
    "N14.11": ("Contrast-induced nephropathy", True, "N14.1"),
    "N14.19": ("Nephropathy induced by other drugs, medicaments and biological substances", True, "N14.1"),
    "T50.8X5A": ("Adverse effect of diagnostic agents, initial encounter", True, "T50.8X5"),
    "D64": ("Other anemias", False, None),
    "D64.2": ("Secondary sideroblastic anemia due to drugs and toxins", True, "D64"),
    "D64.8": ("Other specified anemias", False, "D64"),
    "D64.81": ("Anemia due to antineoplastic chemotherapy", True, "D64.8"),
    "D64.89": ("Other specified anemias", True, "D64.8"),
    "D64.9": ("Anemia, unspecified", True, "D64"),
    "G62": ("Other and unspecified polyneuropathies", False, None),
    "G62.0": ("Drug-induced polyneuropathy", True, "G62"),
    "G62.9": ("Polyneuropathy, unspecified", True, "G62"),
    "T45.1X5A": ("Adverse effect of antineoplastic and immunosuppressive drugs, initial encounter", True,
                 "T45.1X5"),
}  # fmt: skip
# The engine's retrieval of "adverse effect of <drug>" within the Drug table's codes, as a stand-in (the
# scores are the real index's for these words).
DRUG_TABLE = {
    "inhaled": [("T41.0X5S", 0.79), ("T41.0X5A", 0.77)],  # the route word alone finds the inhaled anesthetics
    "glucocorticoid": [("T38.0X5A", 1.06)],
    "contrast medium, radiography": [("T50.8X5A", 0.60)],
    "antineoplastic drug": [("T45.1X5A", 0.83)],
}


def _search(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
    assert all(p.startswith("T") for p in prefixes)
    return DRUG_TABLE.get(text.removeprefix("adverse effect of ").lower(), [("T47.5X5S", 0.47)])


@pytest.fixture(scope="module")
def ae_catalog() -> CodeCatalog:
    codes = {c: ["ICD-10-CM", t, b, p, "code"] for c, (t, b, p) in AE_TITLES.items()}
    return CodeCatalog({"codes": codes, "refs": {}})


@pytest.mark.parametrize(
    ("note", "condition", "code", "expected"),
    [
        # the route is not the drug: the inhaled steroid is a glucocorticoid, not an inhaled anesthetic
        ("2. Oral thrush due to inhaled corticosteroid - nystatin, rinse after Trelegy.", "Oral thrush",
         "B37.0", {"B37.0", "T38.0X5A"}),
        ("2. Bronchospasm due to inhaled smoke in a house fire - albuterol.", "Bronchospasm", "J98.01",
         {"J98.01"}),
        # contrast is the Drug table's "Contrast medium, radiography"; a denied one adds nothing
        ("1. Contrast-induced nephropathy - AKI on CKD 3a after the cath.", "nephropathy", "N14.11",
         {"N14.11", "T50.8X5A"}),
        ("1. No contrast-induced nephropathy; creatinine stable after the cath.", "nephropathy", "N14.11",
         {"N14.11"}),
        # the drug-induced member one level down (D64.8 -> D64.81); a cause that is no drug changes nothing
        ("4 Anemia 2/2 chemo - Hgb 10.9, observe.", "Anemia", "D64.9", {"D64.81", "T45.1X5A"}),
        ("4 Anemia 2/2 menorrhagia - iron.", "Anemia", "D64.9", {"D64.9"}),
        # the kind of neuropathy between the antineoplastic and the condition
        ("3 Paclitaxel peripheral neuropathy, grade 1 - monitor.", "peripheral neuropathy", "G62.9",
         {"G62.0", "T45.1X5A"}),
        ("3 Idiopathic peripheral neuropathy, grade 1 - monitor.", "peripheral neuropathy", "G62.9",
         {"G62.9"}),
    ],
)  # fmt: skip
def test_a_route_a_contrast_and_a_deeper_drug_induced_form(
    note: str, condition: str, code: str, expected: set[str], ae_catalog: CodeCatalog
) -> None:
    picks = {code: Pick(code, 0.8, True, [_mention(note, condition)])}
    drug_adverse_effects(picks, NoteContext(note=note, search=_search), ae_catalog)
    assert {c for c, p in picks.items() if p.final} == expected

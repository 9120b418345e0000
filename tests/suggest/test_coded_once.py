"""A problem is coded once, at its most specific: the unspecified code of a condition a code of the same
block names word for word (I.A.9), and joint pain beside the polyarthritis it belongs to (I.B.5)."""

from __future__ import annotations

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.symptoms import drop_integral_symptoms, integral_to
from assistant.suggest.consolidate import drop_unspecified_twins
from assistant.suggest.not_coded import treatment_tail, why_not_coded
from assistant.suggest.reader import clean_query
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

ICD = "ICD-10-CM"
BLOCKS = {"M05": "M05-M14", "M06": "M05-M14", "F41": "F40-F48", "F43": "F40-F48"}
TITLES = {
    "M05.89": "Other rheumatoid arthritis with rheumatoid factor of multiple sites",
    "M06.9": "Rheumatoid arthritis, unspecified",
    "F41.9": "Anxiety disorder, unspecified",
    "F43.23": "Adjustment disorder with mixed anxiety and depressed mood",
}
CODES = {c: [ICD, t, True, c[:3], "code"] for c, t in TITLES.items()}
CODES |= {c: [ICD, c, False, block, "category"] for c, block in BLOCKS.items()}
CODES |= {b: [ICD, b, False, None, "block"] for b in set(BLOCKS.values())}
CATALOG = CodeCatalog({"codes": CODES})


def _finals(*codes: str) -> list[str]:
    picks = {c: Pick(c, 0.8, True, []) for c in codes}
    drop_unspecified_twins(picks, CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


def test_an_unspecified_condition_named_by_a_code_of_its_block_is_coded_there() -> None:
    assert _finals("M06.9", "M05.89") == ["M05.89"]


def test_a_code_that_only_shares_words_with_it_leaves_the_unspecified_code() -> None:
    assert _finals("F41.9", "F43.23") == ["F41.9", "F43.23"]


def test_joint_pain_belongs_to_a_polyarthritis_and_to_an_arthritis_of_unspecified_joints() -> None:
    assert integral_to("M25.50", ["M05.89"]) == "M05.89"
    assert integral_to("F51.5", ["F43.12"]) == "F43.12"  # nightmares of PTSD
    assert integral_to("F51.5", ["F41.1"]) is None
    assert integral_to("M25.561", ["M06.9"]) == "M06.9"
    assert integral_to("M25.50", ["M17.11"]) == "M17.11"
    # the pain of another joint than the one an osteoarthritis is coded for stays
    assert integral_to("M25.561", ["M19.011"]) is None


def test_a_bmi_value_beside_its_condition_is_not_searched_as_the_condition() -> None:
    assert clean_query("Obesity body mass index 34") == "Obesity"
    assert clean_query("Overweight, BMI 27.5") == "Overweight"
    assert clean_query("body mass index 34") == "body mass index 34"  # alone, the value is all there is
    assert "97th" in clean_query("Obesity, BMI 97th percentile")  # a child's percentile stays


def test_a_target_is_a_plan() -> None:
    for chunk in ("weight loss goal 10%", "A1c goal < 7", "BP target 130/80"):
        assert why_not_coded(chunk) == "plan", chunk
    assert why_not_coded("Hypertension not at goal") is None


def test_shorthand_read_by_its_context() -> None:
    assert "pneumonia" in expand_text("Dx: CAP, RLL - amoxicillin")
    assert "pneumonia" not in expand_text("FibroScan: CAP 320, stiffness 7.1 kPa")
    assert expand_text("MASH with F2 fibrosis").startswith("metabolic dysfunction associated steatohepatitis")


def test_a_symptom_the_diagnosis_asks_for_stays_beside_it() -> None:
    titles = {
        "N40.1": "Benign prostatic hyperplasia with lower urinary tract symptoms",
        "R35.1": "Nocturia",
        "R30.0": "Dysuria",
    }
    catalog = CodeCatalog(
        {
            "codes": {c: [ICD, t, True, c[:3], "code"] for c, t in titles.items()},
            "refs": {"N40.1": {"use_additional": ["R35.1", "R39.12"]}},
        }
    )
    picks = {c: Pick(c, 0.8, True, []) for c in titles}
    drop_integral_symptoms(picks, NoteContext("A/P: BPH with LUTS (nocturia x3), dysuria."), catalog)
    # N40.1's note asks for nocturia (I.B.5 yields to the classification); dysuria is still routine
    assert sorted(c for c, p in picks.items() if p.final) == ["N40.1", "R35.1"]


def test_an_abbreviation_in_the_plural_is_the_condition() -> None:
    assert expand_text("Hx recurrent UTIs") == "history of recurrent urinary tract infection"
    assert "transient ischemic attack" in expand_text("2 TIAs last year")
    assert expand_text("IVs placed") == "IVs placed"  # no table row: left as written


def test_the_pain_of_a_foot_gout_flare_is_the_gout() -> None:
    assert integral_to("M79.674", ["M10.071"]) == "M10.071"
    assert integral_to("M79.674", ["M17.11"]) is None


def test_a_supplement_after_the_condition_is_its_treatment() -> None:
    assert treatment_tail("Osteopenia on calcium/D") == len("Osteopenia")
    assert treatment_tail("Osteoporosis on alendronate") == len("Osteoporosis")

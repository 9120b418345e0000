"""A stated cause: split off as a second condition, or kept where one code names both (issue 13 §2, §4)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from assistant.suggest.cause_link import agent_apart, cause_is_part, tail_is_subterm, with_is_part
from assistant.suggest.index_walker import IndexWalker, WalkHit
from assistant.suggest.reader import read_note


def _row(level: int, path: str, code: str | None = None) -> dict[str, Any]:
    return {"source": "main", "level": level, "path": path, "code": code}


WALKER = IndexWalker.from_rows(
    [
        _row(0, "Rhinitis", "J31.0"),
        _row(1, "Rhinitis, allergic", "J30.9"),
        _row(2, "Rhinitis, allergic, due to"),
        _row(3, "Rhinitis, allergic, due to, pollen", "J30.1"),
        _row(0, "Anemia", "D64.9"),
        _row(1, "Anemia, due to"),
        _row(2, "Anemia, due to, antineoplastic chemotherapy", "D64.81"),
        _row(1, "Anemia, iron deficiency", "D50.9"),
        _row(1, "Anemia, blood loss (chronic)", "D50.0"),
        _row(0, "Menorrhagia", "N92.0"),
        _row(0, "Injury, kidney, acute", "N17.9"),
        _row(0, "Dehydration", "E86.0"),
        _row(0, "Diabetes", "E11.9"),
        _row(1, "Diabetes, with"),
        _row(2, "Diabetes, with, chronic kidney disease", "E11.22"),
        _row(0, "Disease, kidney, chronic", "N18.9"),
        _row(0, "Disease, pulmonary, chronic obstructive", "J44.9"),
        _row(0, "Failure, respiratory, chronic", "J96.10"),
        _row(0, "Sprain, ankle", "S93.409A"),
        _row(0, "Cellulitis", "L03.90"),
        _row(1, "Cellulitis, leg", "L03.116"),
        _row(0, "Abscess", "L02.91"),
        _row(1, "Abscess, leg", "L02.416"),
        _row(0, "Pneumonia", "J18.9"),
        _row(1, "Pneumonia, due to"),
        _row(2, "Pneumonia, due to, Staphylococcus, aureus, methicillin resistant", "J15.212"),
    ]
)


class _Titles:
    """The slice of the tabular list ``with_is_part`` reads: code -> [system, title, ...]."""

    codes = {
        "J96.01": ["ICD-10-CM", "Acute respiratory failure with hypoxia"],
        "J96.10": ["ICD-10-CM", "Chronic respiratory failure, unspecified"],
        "J44.9": ["ICD-10-CM", "Chronic obstructive pulmonary disease, unspecified"],
        "E11.9": ["ICD-10-CM", "Type 2 diabetes mellitus without complications"],
        "E11.22": ["ICD-10-CM", "Type 2 diabetes mellitus with diabetic chronic kidney disease"],
        "N18.9": ["ICD-10-CM", "Chronic kidney disease, unspecified"],
        "S93.409A": ["ICD-10-CM", "Sprain of unspecified ligament of unspecified ankle, initial encounter"],
        "L03.90": ["ICD-10-CM", "Cellulitis, unspecified"],
        "L03.116": ["ICD-10-CM", "Cellulitis of left lower limb"],
        "L02.91": ["ICD-10-CM", "Cutaneous abscess, unspecified"],
        "L02.416": ["ICD-10-CM", "Cutaneous abscess of left lower limb"],
    }

    def __contains__(self, code: str) -> bool:
        return code in self.codes

    def billable(self, code: str) -> bool:
        return True

    def children(self, code: str) -> list[str]:
        return []

    def title(self, code: str) -> str:
        return self.codes[code][1]

    def excludes1(self, code: str) -> list[tuple[str, str]]:
        return []

    def titles(self) -> dict[str, str]:
        return {code: row[1] for code, row in self.codes.items()}


def combined(condition: str, tail: str) -> bool:
    return with_is_part(WALKER, _Titles(), condition, tail)


def joined(condition: str, cause: str) -> bool:
    return cause_is_part(WALKER, None, condition, cause)


NOTE = "Seen today, doing fine.\n"  # a note, not a phrase (a one-line phrase is read whole)


def texts(line: str) -> list[str]:
    return [m.text for m in read_note(NOTE + line, joined)][2:]


def test_a_cause_that_is_a_condition_of_its_own_is_a_second_mention() -> None:
    assert texts("A/P: AKI due to dehydration, IV fluids") == ["AKI", "dehydration", "IV fluids"]
    assert texts("Asthma exacerbation triggered by URI.") == ["Asthma exacerbation", "URI"]
    assert texts("Chronic HFrEF secondary to ischemic cardiomyopathy.") == [
        "Chronic HFrEF",
        "ischemic cardiomyopathy",
    ]
    # the shorthand links: "d/t" (due to), "2/2" (secondary to)
    assert texts("A/P: AKI d/t dehydration, IV fluids") == ["AKI", "dehydration", "IV fluids"]
    assert texts("# ATN 2/2 rhabdomyolysis") == ["ATN", "rhabdomyolysis"]


def test_a_cause_the_index_lists_under_the_condition_stays_with_it() -> None:
    assert texts("Seasonal allergic rhinitis due to pollen.") == ["Seasonal allergic rhinitis due to pollen"]
    assert texts("Anemia due to antineoplastic chemotherapy.") == [
        "Anemia due to antineoplastic chemotherapy"
    ]


class _BloodLossWalk:
    """An Index walk that reads menorrhagia as a blood loss, as the real walker's synonyms do."""

    def walk(self, text: str, tabular: object, depth: int) -> list[WalkHit]:
        return [WalkHit("D50.0", ["Anemia", "blood loss (chronic)"], 0.9)]


def test_a_cause_the_index_reaches_only_by_a_synonym_is_a_condition_of_its_own() -> None:
    # "blood loss" is the Index's subterm; menorrhagia, read as a blood loss, is its own condition (N92.0)
    assert joined("Iron deficiency anemia", "chronic blood loss")
    assert cause_is_part(_BloodLossWalk(), None, "Anemia", "chronic blood loss")  # type: ignore[arg-type]
    assert not cause_is_part(_BloodLossWalk(), None, "Anemia", "menorrhagia")  # type: ignore[arg-type]
    assert texts("A: Iron deficiency anemia due to menorrhagia.") == ["Iron deficiency anemia", "menorrhagia"]


def test_the_cause_of_a_cause_is_judged_on_its_own() -> None:
    assert texts("A: Iron deficiency anemia from chronic blood loss due to menorrhagia, start iron.") == [
        "Iron deficiency anemia from chronic blood loss",
        "menorrhagia",
        "start iron",
    ]
    assert texts("Seasonal allergic rhinitis due to pollen.") == ["Seasonal allergic rhinitis due to pollen"]


def test_an_organism_is_the_agent_not_a_second_condition() -> None:
    assert joined("Cellulitis of left leg", "MRSA")
    assert joined("Pyelonephritis", "Klebsiella pneumoniae")
    assert texts("Cellulitis of left leg due to MRSA.") == ["Cellulitis of left leg due to MRSA"]


def test_without_a_judge_the_reader_splits_every_stated_cause() -> None:
    read = [m.text for m in read_note(NOTE + "Allergic rhinitis due to pollen.")][2:]
    assert read == ["Allergic rhinitis", "pollen"]
    assert not cause_is_part(None, None, "Allergic rhinitis", "pollen")


# ------------------------------------------------------------ "with" (I.A.15): one code or two conditions
def with_texts(line: str) -> list[str]:
    return [m.text for m in read_note(NOTE + line, joined, combined)][2:]


def test_with_joining_two_conditions_the_index_does_not_combine_reads_two_mentions() -> None:
    assert with_texts("A: COPD with chronic hypoxemic respiratory failure - stable.") == [
        "COPD",
        "chronic hypoxemic respiratory failure",
        "stable",  # a course, not coded
    ]
    assert with_texts("A: COPD w/ chronic respiratory failure.") == ["COPD", "chronic respiratory failure"]


def test_with_in_the_narrative_is_left_whole() -> None:
    """Only a diagnosis line (assessment, problem list) is cut: the narrative's "with" joins a patient, a
    treatment or a presentation to its condition as often as two conditions."""
    assert with_texts("COPD w/ chronic respiratory failure.") == ["COPD w/ chronic respiratory failure"]


def test_with_that_the_index_or_a_tabular_title_combines_stays_one_mention() -> None:
    assert with_texts("A: Diabetes with CKD stage 3.") == ["Diabetes with CKD stage 3"]
    assert with_texts("A: Acute respiratory failure with hypoxia.") == [
        "Acute respiratory failure with hypoxia"
    ]


def test_with_before_a_qualifier_or_without_a_walker_stays_whole() -> None:
    assert with_texts("A: Ankle sprain with swelling.") == ["Ankle sprain with swelling"]
    assert with_is_part(None, None, "COPD", "chronic respiratory failure")
    assert [m.text for m in read_note(NOTE + "COPD with chronic respiratory failure.")][2:] == [
        "COPD with chronic respiratory failure"
    ]


def test_an_agent_named_first_is_searched_apart_unless_the_index_combines_it() -> None:
    assert agent_apart(WALKER, None, "MRSA cellulitis of right arm") == "cellulitis of right arm"
    whole = "methicillin resistant staphylococcus aureus pneumonia"
    assert agent_apart(WALKER, None, whole) == whole  # J15.212 names both
    assert agent_apart(WALKER, None, "cellulitis of right arm") == "cellulitis of right arm"
    assert agent_apart(None, None, "MRSA cellulitis") == "MRSA cellulitis"
    assert agent_apart(WALKER, None, "helicobacter pylori gastritis") == "gastritis"
    # a result names no condition: the agent is all the mention says
    assert agent_apart(WALKER, None, "helicobacter pylori positive") == "helicobacter pylori positive"


def test_a_chunk_after_the_comma_that_the_index_lists_under_the_condition_completes_it() -> None:
    walker = IndexWalker.from_rows(
        [
            _row(0, "Rhinitis", "J31.0"),
            _row(1, "Rhinitis, allergic", "J30.9"),
            _row(0, "Anemia", "D64.9"),
            _row(0, "Disease, kidney, chronic", "N18.9"),
        ]
    )

    def subterm(condition: str, chunk: str) -> bool:
        return tail_is_subterm(walker, None, condition, chunk)

    def read(line: str) -> list[str]:
        return [m.text for m in read_note(f"{NOTE}A/P:\n1. {line}", subterm=subterm)][2:]

    assert subterm("Rhinitis", "allergic") and read("Rhinitis, allergic - stable.")[0] == "Rhinitis, allergic"
    assert not subterm("CKD", "anemia")  # a condition of its own: two problems
    assert read("CKD, anemia - iron studies.")[:2] == ["CKD", "anemia"]
    assert not tail_is_subterm(None, None, "Rhinitis", "allergic")  # no Index: no judge
    # a bracketed remark after the subterm is the note's evidence, not a word the Index must list
    assert read("Rhinitis, allergic (cat dander).")[0] == "Rhinitis, allergic (cat dander)"
    assert read("CKD, anemia (Hgb 9.1).")[:2] == ["CKD", "anemia (Hgb 9.1)"]


def test_a_subterm_whose_code_title_says_the_rest_or_an_index_and_subterm_completes_the_condition() -> None:
    walker = IndexWalker.from_rows(
        [
            _row(0, "Embolism", "I74.9"),
            _row(1, "Embolism, pulmonary", "I26.99"),
            _row(2, "Embolism, pulmonary, subsegmental NOS", "I26.93"),
            _row(0, "Sarcoidosis", "D86.9"),
            _row(1, "Sarcoidosis, lung", "D86.0"),
            _row(2, "Sarcoidosis, lung, and lymph nodes", "D86.2"),
            _row(1, "Sarcoidosis, lymph nodes", "D86.1"),
            _row(0, "Hypertension", "I10"),
        ]
    )

    class Titles(_Titles):
        codes = {
            "I26.93": ["ICD-10-CM", "Single subsegmental pulmonary embolism without acute cor pulmonale"],
            "I26.99": ["ICD-10-CM", "Other pulmonary embolism without acute cor pulmonale"],
            "I74.9": ["ICD-10-CM", "Embolism and thrombosis of unspecified artery"],
            "D86.0": ["ICD-10-CM", "Sarcoidosis of lung"],
            "D86.1": ["ICD-10-CM", "Sarcoidosis of lymph nodes"],
            "D86.2": ["ICD-10-CM", "Sarcoidosis of lung with sarcoidosis of lymph nodes"],
            "D86.9": ["ICD-10-CM", "Sarcoidosis, unspecified"],
            "I10": ["ICD-10-CM", "Essential (primary) hypertension"],
        }

    def subterm(condition: str, chunk: str) -> bool:
        return tail_is_subterm(walker, Titles(), condition, chunk)

    def read(line: str) -> list[str]:
        return [m.text for m in read_note(f"{NOTE}A/P:\n1. {line}", subterm=subterm)][2:]

    assert read("Pulmonary embolism, single subsegmental.") == ["Pulmonary embolism, single subsegmental"]
    assert read("Sarcoidosis of the lungs and intrathoracic lymph nodes.") == [
        "Sarcoidosis of the lungs and intrathoracic lymph nodes"
    ]
    # "and" a condition of its own, or a site the Index does not join with "and": two mentions
    assert read("Sarcoidosis of the lungs and hypertension.") == ["Sarcoidosis of the lungs", "hypertension"]
    assert read("Pulmonary embolism and hypertension.") == ["Pulmonary embolism", "hypertension"]


_TIED = """
from assistant.suggest.index_walker import IndexWalker
rows = [
    {"source": "main", "level": 0, "path": "Dependence", "code": "F19.20"},
    {"source": "main", "level": 1, "path": "Dependence, alcohol", "code": "F10.20"},
    {"source": "main", "level": 2, "path": "Dependence, alcohol, with"},
    {"source": "main", "level": 3, "path": "Dependence, alcohol, with, intoxication", "code": "F10.229"},
    {"source": "main", "level": 0, "path": "Intoxication"},
    {"source": "main", "level": 1, "path": "Intoxication, alcohol", "code": "F10.129"},
    {"source": "main", "level": 2, "path": "Intoxication, alcohol, with"},
    {"source": "main", "level": 3, "path": "Intoxication, alcohol, with, dependence", "code": "F10.229"},
]
hit = IndexWalker.from_rows(rows).walk("alcohol intoxication with alcohol dependence")[0]
print(hit.code, hit.path)
"""


def test_two_equal_index_paths_resolve_the_same_way_in_every_process() -> None:
    runs = {
        subprocess.run(
            [sys.executable, "-c", _TIED],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(6)
    }
    assert len(runs) == 1 and runs.pop().startswith("F10.229 ['Dependence'")


def test_a_site_both_conditions_name_is_no_combination() -> None:
    # "Abscess, leg" continues the abscess's path through the leg, the cellulitis's site, not its name
    assert not combined("left leg cellulitis", "abscess")
    assert combined("Type 2 diabetes", "chronic kidney disease")


def test_a_stroke_with_the_deficit_it_left_is_one_sequela() -> None:
    walker = IndexWalker.from_rows(
        [_row(0, "Stroke", "I63.9"), _row(0, "Weakness", "R53.1"), _row(0, "Aphasia", "R47.01")]
    )
    assert with_is_part(walker, None, "Remote stroke", "residual right arm weakness")
    assert with_is_part(walker, None, "h/o CVA", "persistent expressive aphasia")
    assert not with_is_part(walker, None, "Stroke", "weakness of both legs")  # no deficit it left


class _OrganismTitles:
    """The Tabular's titles, as cause_link reads them (``codes``: code -> (system, title, ...))."""

    codes = {
        "G00.1": ("ICD-10-CM", "Pneumococcal meningitis"),
        "K65.9": ("ICD-10-CM", "Peritonitis, unspecified"),
    }

    def __contains__(self, code: str) -> bool:
        return code in self.codes

    def title(self, code: str) -> str:
        return self.codes[code][1]


def test_an_agent_a_tabular_title_names_with_the_condition_stays_with_it() -> None:
    titles: Any = _OrganismTitles()
    assert agent_apart(WALKER, titles, "pneumococcal meningitis") == "pneumococcal meningitis"  # G00.1
    assert agent_apart(WALKER, titles, "pneumococcal peritonitis") == "peritonitis"  # no title names both

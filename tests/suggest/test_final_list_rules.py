"""Coding rules of the recall round (b): which final codes survive consolidation, which sibling the note
names, and the first-listed diagnosis of a note. Each rule has a note where it applies and one where it must
not (notes written for these tests)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.consolidate import absorb_same_category
from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.index_build import build_index
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.service import SuggestionService
from assistant.suggest.sibling_choice import prefer_named_sibling
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick
from tests.suggest.rules_corpus import rules_corpus


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> SuggestionService:
    emb = HashingEmbedder(256)
    target = tmp_path_factory.mktemp("final-list") / "idx"
    build_index(target, rules_corpus(), emb, progress=False)
    return SuggestionService.from_index_dir(target, emb)


@pytest.fixture(scope="module")
def catalog(svc: SuggestionService) -> CodeCatalog:
    return svc.catalog


def _head(code: str, text: str, score: float, start: int = 0, problem: bool = False) -> Pick:
    m = Mention(start, start + len(text), text, text, "assessment", 0, 200)
    m.problem = problem
    return Pick(code, score, True, [m], heads=[m])


# ------------------------------------------------------------ consolidation keeps the specific code
def test_a_specific_code_is_not_folded_into_its_unspecified_sibling(catalog: CodeCatalog) -> None:
    picks = {
        "E11.40": _head("E11.40", "type 2 diabetes with diabetic neuropathy", 0.8),
        "E11.42": _head("E11.42", "type 2 diabetes neuropathy", 0.6, start=60),
    }
    absorb_same_category(picks, catalog)
    assert "E11.42" in picks and picks["E11.42"].final


def test_a_vague_repeat_is_still_folded_into_the_specific_code(catalog: CodeCatalog) -> None:
    picks = {
        "E11.42": _head("E11.42", "type 2 diabetes with diabetic polyneuropathy", 0.8),
        "E11.40": _head("E11.40", "diabetes type 2", 0.6, start=60),
    }
    absorb_same_category(picks, catalog)
    assert "E11.40" not in picks and picks["E11.42"].final


@pytest.mark.parametrize("problem", [True, False])
def test_two_problem_lines_of_one_category_are_two_problems(catalog: CodeCatalog, problem: bool) -> None:
    picks = {
        "E11.65": _head("E11.65", "DM2 with hyperglycemia", 0.8, problem=problem),
        "E11.42": _head("E11.42", "stocking glove sensory loss", 0.6, start=40, problem=problem),
    }
    absorb_same_category(picks, catalog)
    assert ("E11.42" in picks) is problem


# ------------------------------------------------------------ the sibling whose own words the note names
@dataclass
class Cand:
    code: str
    score: float
    title: float = 0.0


TITLES = {
    "D70.9": "Neutropenia, unspecified",
    "D70.1": "Agranulocytosis secondary to cancer chemotherapy",
    "S61.218A": "Laceration without foreign body of other finger without damage to nail, initial encounter",
    "S61.211A": "Laceration without foreign body of left index finger without damage to nail, "
    "initial encounter",
    "S61.210A": "Laceration without foreign body of right index finger without damage to nail, "
    "initial encounter",
    "I25.9": "Chronic ischemic heart disease, unspecified",
    "I25.5": "Ischemic cardiomyopathy",
}


@pytest.mark.parametrize(
    ("note", "cands", "first"),
    [
        ("low neutrophil count after her chemotherapy", [("D70.9", 0.7), ("D70.1", 0.1)], "D70.1"),
        ("neutropenia, cause not yet clear", [("D70.9", 0.7), ("D70.1", 0.1)], "D70.9"),
        (
            "cut to the L index finger, no foreign body",
            [("S61.218A", 0.3), ("S61.210A", 0.05), ("S61.211A", 0.04)],
            "S61.211A",
        ),
        (
            "cut to a finger, no foreign body",
            [("S61.218A", 0.3), ("S61.210A", 0.05), ("S61.211A", 0.04)],
            "S61.218A",
        ),
        ("weak heart muscle from ischemic cardiomyopathy", [("I25.9", 0.7), ("I25.5", 0.3)], "I25.5"),
        ("stable ischemic heart disease", [("I25.9", 0.7), ("I25.5", 0.3)], "I25.9"),
    ],
)
def test_a_residual_first_code_gives_way_to_the_sibling_the_note_names(
    note: str, cands: list[tuple[str, float]], first: str
) -> None:
    ranked = [Cand(code, score) for code, score in cands]
    prefer_named_sibling(ranked, {}, TITLES.__getitem__, note)
    assert ranked[0].code == first


def test_a_named_sibling_the_ranker_finds_unlikely_does_not_win() -> None:
    ranked = [Cand("D70.9", 0.9), Cand("D70.1", 0.05)]
    assert prefer_named_sibling(ranked, {}, TITLES.__getitem__, "neutropenia after chemotherapy") is None
    assert ranked[0].code == "D70.9"


# ------------------------------------------------------------ reading "status post" and sides
def _mentions(note: str) -> dict[str, Mention]:
    return {m.text: m for m in read_note(note)}


def test_what_a_condition_is_status_post_is_history_and_the_condition_current() -> None:
    got = _mentions("Cardiology visit.\nA/P: CAD s/p remote MI 2015, stable on aspirin.\nHTN controlled.")
    assert not got["CAD"].history
    assert got["s/p remote MI 2015"].history


def test_a_cancer_and_its_treatment_stay_one_mention() -> None:
    got = _mentions("PMH: Colon cancer s/p hemicolectomy, no evidence of recurrence.\nHTN.")
    assert got["Colon cancer s/p hemicolectomy"].history


@pytest.mark.parametrize("prefix", ["62M", "58 yo F"])
def test_an_age_and_sex_prefix_does_not_hide_a_history_cue(prefix: str) -> None:
    got = _mentions(f"{prefix} s/p NSTEMI in March, now without chest pain.\nA/P: CAD.")
    (m,) = [m for t, m in got.items() if "NSTEMI" in t]
    assert m.history


def test_a_condition_before_the_cue_keeps_the_chunk_current() -> None:
    got = _mentions("Follow-up.\nDiabetes without complications, on metformin.\nHTN.")
    assert not got["Diabetes without complications"].history


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("laceration L index finger", "laceration left index finger"),
        ("R 5th metatarsal fracture", "right 5th metatarsal fracture"),
        ("contusion L ring finger", "contusion left ring finger"),
    ],
)
def test_a_side_letter_before_a_digit_or_bone_is_the_side(text: str, expected: str) -> None:
    assert expand_text(text) == expected


def test_a_letter_without_a_body_site_is_not_a_side() -> None:
    assert expand_text("Vitamin L level") == "Vitamin L level"

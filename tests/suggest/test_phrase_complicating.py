"""A condition of another chapter in pregnancy coded to the pregnancy chapter's subcategory that takes
it (O98, O99, O9A "Conditions in ..."); the Index's "History, personal" categories; an age bound is no
date."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assistant.suggest.corpus import CodeRecord, MemoryCorpus
from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.index_build import build_index
from assistant.suggest.phrase_complicating import (
    Ranges,
    coded_prefixes,
    complicating,
    conditions_in,
    sent_to_pregnancy_code,
    subcategory_for,
    with_complicating,
)
from assistant.suggest.reader import read_note
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.service import SuggestionService


@dataclass
class Cand:
    code: str
    score: float
    walk: float = 0.0
    walk_path: str = ""


@dataclass
class Catalog:
    titles: dict[str, str]
    kids: dict[str, list[str]] = field(default_factory=dict)
    refs: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def title(self, code: str) -> str:
        return self.titles.get(code, "")

    def children(self, code: str) -> list[str]:
        return self.kids.get(code, [])

    def refs_for(self, code: str, kind: str) -> list[str]:
        return self.refs.get(code, {}).get(kind, [])


RANGES = Ranges(
    [
        ("O98.6", ("B50-B64",), ()),
        ("O99.2", ("E00-E89",), ()),
        ("O99.8", ("D00-D48", "H00-H95", "M00-N99", "Q00-Q99"), ()),
        ("O9A.2", ("S00-T88",), ("T74", "T76")),
    ]
)
COMPLICATING = "complicating pregnancy, childbirth and the puerperium"
CATALOG = Catalog(
    titles={
        "O99.2": f"Endocrine, nutritional and metabolic diseases {COMPLICATING}",
        "O99.21": f"Obesity {COMPLICATING}",
        "O99.28": f"Other endocrine, nutritional and metabolic diseases {COMPLICATING}",
        "O99.8": f"Other specified diseases and conditions {COMPLICATING}",
        "O99.81": f"Abnormal glucose {COMPLICATING}",
        "O99.89": f"Other specified diseases and conditions {COMPLICATING}",
    },
    kids={"O99.2": ["O99.21", "O99.28"], "O99.8": ["O99.81", "O99.89"]},
    refs={"N88.3": {"excludes1": ["O34.3-"]}, "E07.9": {"excludes2": ["O00-O9A"]}},
)


def test_an_inclusion_term_names_the_codes_a_subcategory_takes() -> None:
    assert conditions_in("Conditions in A80-B09, B25-B34, R87.81-") == (("A80-B09", "B25-B34", "R87.81-"), ())
    assert conditions_in("Conditions in F01-F09, F20-F52 and F54-F99") == (
        ("F01-F09", "F20-F52", "F54-F99"),
        (),
    )
    assert conditions_in("Conditions in S00-T88, except T74 and T76") == (("S00-T88",), ("T74", "T76"))
    assert conditions_in("Varicose veins NOS in pregnancy") is None  # an inclusion term of a condition


def test_the_subcategory_taking_a_code() -> None:
    assert subcategory_for("B54", RANGES) == "O98.6"
    assert subcategory_for("E07.9", RANGES) == "O99.2"
    assert subcategory_for("Q28.9", RANGES) == "O99.8"
    assert subcategory_for("S31.40XA", RANGES) == "O9A.2"
    assert subcategory_for("T74.11XA", RANGES) is None  # left out: abuse has its own subcategories
    assert subcategory_for("B34.9", RANGES) is None  # no range of ours takes it


def test_the_child_repeating_the_subcategorys_title_is_where_it_leads() -> None:
    assert coded_prefixes("O99.2", CATALOG) == ("O99.28",)  # "Other endocrine ...", not obesity
    assert coded_prefixes("O99.8", CATALOG) == ("O99.89",)  # not abnormal glucose
    assert coded_prefixes("O98.6", CATALOG) == ("O98.6",)  # no children known: the subcategory


def test_a_condition_the_tabular_sends_to_its_own_pregnancy_code_is_not_taken() -> None:
    assert sent_to_pregnancy_code("N88.3", CATALOG)
    assert not sent_to_pregnancy_code("E07.9", CATALOG)  # the whole chapter's Excludes2 names no code


def test_a_walked_condition_outside_the_chapter_gives_its_subcategory() -> None:
    cands = [Cand("E07.9", 0.6, 0.67, "Dysfunction -> thyroid -> E07.9"), Cand("O26.899", 0.5)]
    condition, sub = complicating(cands, RANGES, CATALOG)
    assert condition is cands[0] and sub == "O99.2"
    found = [Cand("O99.280", 0.45), Cand("O99.283", 0.44)]
    out = with_complicating(cands, found, cands[0])
    assert [c.code for c in sorted(out, key=lambda c: -c.score)][:3] == ["E07.9", "O99.280", "O99.283"]
    assert all(c.score == pytest.approx(0.6) for c in out if c.code.startswith("O99"))


def test_the_indexs_own_pregnancy_entry_an_unwalked_or_excluded_condition_give_none() -> None:
    own = [Cand("E07.9", 0.6, 0.67), Cand("O99.285", 0.5, 1.0, "Pregnancy -> complicated by -> ...")]
    assert complicating(own, RANGES, CATALOG) == (None, None)
    unwalked = [Cand("E07.9", 0.6, 0.0)]
    assert complicating(unwalked, RANGES, CATALOG) == (None, None)
    excluded = [Cand("N88.3", 0.6, 0.67)]
    assert complicating(excluded, RANGES, CATALOG) == (None, None)
    assert complicating([Cand("E07.9", 0.6, 0.67)], Ranges(), CATALOG) == (None, None)  # no reference


def _r(code: str, title: str, parent: str | None, billable: bool = True) -> CodeRecord:
    return CodeRecord("ICD-10-CM", code, title, billable, parent)


HISTORY_CODES = [
    _r("Z87", "Personal history of other diseases and conditions", None, False),
    _r("Z87.892", "Personal history of anaphylaxis", "Z87"),
    _r("Z88", "Allergy status to drugs, medicaments and biological substances", None, False),
    _r("Z88.0", "Allergy status to penicillin", "Z88"),
    _r("T36", "Poisoning by, adverse effect of and underdosing of systemic antibiotics", None, False),
    _r("T36.0X5A", "Adverse effect of penicillins, initial encounter", "T36"),
]


@pytest.fixture(scope="module")
def history_engine(tmp_path_factory: pytest.TempPathFactory) -> SuggestionService:
    emb = HashingEmbedder(128)
    target: Path = tmp_path_factory.mktemp("history-index")
    corpus = MemoryCorpus(HISTORY_CODES, {"ICD-10-CM": {"release": "2026-04-01", "sha256": "t"}})
    build_index(target, corpus, emb, progress=False)
    return SuggestionService.from_index_dir(target, emb)


def test_a_history_of_a_drug_allergy_is_searched_among_the_allergy_status_codes(
    history_engine: SuggestionService,
) -> None:
    # Index: History, personal, allergy, penicillin Z88.0 (the history search admits Z88)
    said = history_engine.suggest(SuggestRequest(text="History of penicillin allergy")).suggestions
    codes = [s.code for s in said]
    assert "Z88.0" in codes
    assert "T36.0X5A" not in codes  # a current adverse effect is no history category


@pytest.mark.parametrize(
    ("note", "history"),
    [
        ("Egg donor, under age 35, anonymous recipient", False),
        ("Egg donor, age 35 and over, designated recipient", False),
        ("Screening colonoscopy, patient over age 45", False),
        ("PMH: Appendicitis at age 10.", True),
    ],
)
def test_an_age_bound_is_an_age_group_not_a_date(note: str, history: bool) -> None:
    assert read_note(note)[0].history is history

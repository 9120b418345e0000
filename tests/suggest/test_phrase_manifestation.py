"""The manifestation code of a condition "in" a disease, found from the Tabular's "code first" notes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from assistant.suggest.phrase_manifestation import (
    MANIFESTATION_BONUS,
    bracketed,
    manifestation_categories,
    with_bracket,
)


@dataclass
class Cand:
    code: str
    score: float
    walk: float = 0.0
    walk_path: str = ""


@dataclass
class Catalog:
    titles: dict[str, str]
    refs: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def title(self, code: str) -> str:
        return self.titles.get(code, "")


CATALOG = Catalog(
    titles={
        "L99": "Other disorders of skin in diseases classified elsewhere",
        "L98.9": "Disorder of the skin, unspecified",
        "B44.9": "Aspergillosis, unspecified",
        "E11.9": "Type 2 diabetes mellitus without complications",
    },
    refs={
        "L99": {"code_first": ["B35-B49", "A30.-"]},
        "L98.9": {"excludes1": ["B35-B49"]},  # no "code first": no manifestation category
    },
)


def test_the_categories_whose_code_first_note_covers_the_disease() -> None:
    code_first = {"L99": ["B35-B49"], "G63": ["E08-E13"]}
    assert manifestation_categories("B44.9", code_first) == ("L99",)
    assert manifestation_categories("E11.9", code_first) == ("G63",)
    assert manifestation_categories("J18.9", code_first) == ()


def test_a_walk_through_in_to_the_disease_gives_the_bracketed_category() -> None:
    walked = Cand("B44.9", 0.8, 0.9, "Dermatosis -> in -> aspergillosis -> B44.9")
    etiology, cats = bracketed([Cand("L98.9", 0.9), walked], CATALOG)
    assert etiology is walked and cats == ("L99",)
    # the disease walked on its own ("Aspergillosis -> B44.9") names no manifestation
    alone = Cand("B44.9", 0.8, 1.0, "Aspergillosis -> B44.9")
    assert bracketed([alone], CATALOG) == (None, ())
    # a disease no "code first" note names
    diabetes = Cand("E11.9", 0.8, 0.9, "Dermatosis -> in -> diabetes -> E11.9")
    assert bracketed([diabetes], CATALOG) == (None, ())


def test_the_manifestation_takes_the_etiologys_walk_and_comes_first() -> None:
    etiology = Cand("B44.9", 0.7, 0.9, "Dermatosis -> in -> aspergillosis -> B44.9")
    found = [Cand("L99", 0.5)]
    out = with_bracket([etiology], found, etiology, w_walker=0.3)
    manifestation = out[-1]
    assert manifestation.code == "L99" and manifestation.walk == 0.9
    assert manifestation.walk_path.endswith("[L99]")
    assert manifestation.score == pytest.approx(0.5 + 0.3 * 0.9 + MANIFESTATION_BONUS)
    assert manifestation.score > etiology.score


def test_the_category_an_index_entry_points_to_is_the_bracket() -> None:
    catalog = Catalog(
        titles={
            **CATALOG.titles,
            "M71": "Bursopathies in other diseases classified elsewhere",
            "C92": "Myeloid leukemia",
        },
        refs=CATALOG.refs,
    )
    # no "code first" note covers the disease: the Index's own pointer names the category
    walked = Cand("E11.9", 0.8, 0.6, "Bursopathy -> in -> diabetes -> E11.9 [see category M71]")
    etiology, cats = bracketed([walked], catalog)
    assert etiology is walked and cats == ("M71",)
    # a pointer to a category that is no manifestation ("see also category C92") gives none
    leukemia = Cand("C92.90", 0.8, 0.6, "Leukemia -> granulocytic -> C92.90 [see category C92]")
    assert bracketed([leukemia], catalog) == (None, ())


def test_the_indexs_own_pointer_places_the_manifestation_above_its_disease() -> None:
    def run(path: str) -> list[Cand]:
        etiology = Cand("B35.9", 0.9, 0.6, path)
        found = [Cand("M71.10", 0.3), Cand("M71.19", 0.05)]
        out = with_bracket([etiology], found, etiology, w_walker=0.3)
        return sorted(out, key=lambda c: -c.score)

    pointed = run("Bursopathy -> in -> ringworm -> B35.9 [see category M71]")
    assert [c.code for c in pointed] == ["M71.10", "B35.9", "M71.19"]  # the runner-up keeps its distance
    # found from a "code first" note only: the credit alone, the disease's stronger match stays first
    noted = run("Bursopathy -> in -> ringworm -> B35.9")
    assert noted[0].code == "B35.9"

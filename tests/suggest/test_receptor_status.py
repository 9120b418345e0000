"""Z17 receptor status beside the breast cancer whose note asks for it: one code for each receptor stated,
a combined code only when no single receptor is."""

from __future__ import annotations

import pytest

from assistant.suggest.coding_rules import NoteContext
from assistant.suggest.coding_rules.receptor_status import (
    add_receptor_status,
    receptor_codes,
    stated_receptors,
)
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

TITLES = {
    "C50.411": "Malignant neoplasm of upper-outer quadrant of right female breast",
    "Z85.3": "Personal history of malignant neoplasm of breast",
    "I10": "Essential (primary) hypertension",
    "Z17.0": "Estrogen receptor positive status [ER+]",
    "Z17.1": "Estrogen receptor negative status [ER-]",
    "Z17.21": "Progesterone receptor positive status",
    "Z17.22": "Progesterone receptor negative status",
    "Z17.31": "Human epidermal growth factor receptor 2 positive status",
    "Z17.32": "Human epidermal growth factor receptor 2 negative status",
    "Z17.421": "Hormone receptor negative with human epidermal growth factor receptor 2 negative status",
}


@pytest.fixture(scope="module")
def catalog() -> CodeCatalog:
    codes = {c: ["ICD-10-CM", t, True, c[:3], "code"] for c, t in TITLES.items()}
    codes["C50"] = ["ICD-10-CM", "Malignant neoplasm of breast", False, "", "category"]
    refs = {"C50": {"use_additional": ["Z17.-"]}}
    return CodeCatalog({"codes": codes, "refs": refs})


def _codes(note: str) -> list[str]:
    return [code for code, _ in receptor_codes(stated_receptors(note))]


@pytest.mark.parametrize(
    ("note", "codes"),
    [
        ("IDC R breast, ER+/PR-/HER2+", ["Z17.0", "Z17.22", "Z17.31"]),
        ("breast ca (IDC, ER+)", ["Z17.0"]),
        ("ER/PR positive, HER2 negative", ["Z17.0", "Z17.21", "Z17.32"]),
        ("estrogen receptor negative, progesterone receptor negative", ["Z17.1", "Z17.22"]),
        ("triple negative breast cancer", ["Z17.421"]),
        ("HR+/HER2- breast cancer", ["Z17.411"]),
        ("ER-positive tumor", ["Z17.0"]),
    ],
)
def test_each_stated_receptor_has_its_code(note: str, codes: list[str]) -> None:
    assert _codes(note) == codes


@pytest.mark.parametrize(
    "note", ["seen in the ER, positive for flu", "HER2 pending", "ER status unknown", "PR interval normal"]
)
def test_no_status_without_a_stated_receptor(note: str) -> None:
    assert _codes(note) == []


def _pick(code: str, note: str, words: str) -> Pick:
    start = note.index(words)
    mention = Mention(start, start + len(words), words, words, "assessment", 0, len(note))
    return Pick(code, 0.8, True, [mention])


def test_the_status_joins_the_cancer_that_asks_for_it(catalog: CodeCatalog) -> None:
    note = "A/P: Ca of R breast, upper outer quadrant, ER+/PR-/HER2+, cycle 3 today."
    picks = {"C50.411": _pick("C50.411", note, "Ca of R breast")}
    add_receptor_status(picks, NoteContext(note=note), catalog)
    assert {c for c, p in picks.items() if p.final} == {"C50.411", "Z17.0", "Z17.22", "Z17.31"}
    assert note[picks["Z17.0"].mentions[0].start :].startswith("ER+")
    # a history of the cancer, or no cancer at all: its code does not ask for the status
    note = "PMH: breast cancer (ER+) 2015, NED.\nA/P: HTN."
    picks = {"Z85.3": _pick("Z85.3", note, "breast cancer"), "I10": _pick("I10", note, "HTN")}
    add_receptor_status(picks, NoteContext(note=note), catalog)
    assert set(picks) == {"Z85.3", "I10"}

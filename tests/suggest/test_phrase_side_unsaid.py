"""A one-phrase request that names no side: the sibling guard completes its code with a sibling of the
unspecified side, never with the right or the left one. Titles as in the ICD-10-CM tabular (public domain);
phrases written for these tests."""

from __future__ import annotations

from assistant.suggest import sibling_guard
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

ICD = "ICD-10-CM"
LEAVES = {
    "I87.001": "Postthrombotic syndrome without complications of right lower extremity",
    "I87.009": "Postthrombotic syndrome without complications of unspecified extremity",
    "I87.011": "Postthrombotic syndrome with ulcer of right lower extremity",
    "I87.019": "Postthrombotic syndrome with ulcer of unspecified lower extremity",
    "I87.031": "Postthrombotic syndrome with ulcer and inflammation of right lower extremity",
    "I87.039": "Postthrombotic syndrome with ulcer and inflammation of unspecified lower extremity",
}
HEADERS = {
    "I87": "Other disorders of veins",
    "I87.0": "Postthrombotic syndrome",
    "I87.00": "Postthrombotic syndrome without complications",
    "I87.01": "Postthrombotic syndrome with ulcer",
    "I87.03": "Postthrombotic syndrome with ulcer and inflammation",
}


def _catalog() -> CodeCatalog:
    codes: dict[str, list[object]] = {"9": [ICD, "A chapter", False, None, "chapter"]}
    codes["I80-I89"] = [ICD, "Diseases of veins", False, "9", "block"]
    for code, title in HEADERS.items():
        parent = "I80-I89" if len(code) == 3 else code[:-1].rstrip(".")
        codes[code] = [ICD, title, False, parent, "category" if len(code) == 3 else "subcategory"]
    for code, title in LEAVES.items():
        codes[code] = [ICD, title, True, code[:-1].rstrip("."), "code"]
    return CodeCatalog({"codes": codes})


def _settle(text: str, code: str, phrase: bool) -> list[str]:
    head = Mention(start=0, end=len(text), text=text, query=text, problem=True)
    picks = {code: Pick(code, 0.6, True, [head], heads=[head])}
    sibling_guard.settle(picks, text, _catalog(), phrase=phrase)
    return sorted(c for c, p in picks.items() if p.final)


def test_a_phrase_naming_no_side_keeps_the_unspecified_side() -> None:
    text = "Postthrombotic syndrome with ulcer"
    assert _settle(text, "I87.019", phrase=True) == ["I87.019"]
    # a phrase that names its side is completed to it
    assert _settle("Postthrombotic syndrome with ulcer, right leg", "I87.019", phrase=True) == ["I87.011"]

"""A one-phrase request's limb region names its joints and bones: the sibling guard does not trade a code
whose title names the region's joint for the "unspecified joint" code because the phrase says "joint".
Titles as in the ICD-10-CM tabular (public domain); phrases written for these tests."""

from __future__ import annotations

from assistant.suggest import sibling_guard
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

ICD = "ICD-10-CM"
LEAVES = {
    "M24.50": "Contracture, unspecified joint",
    "M24.521": "Contracture, right elbow",
    "M24.522": "Contracture, left elbow",
    "M24.529": "Contracture, unspecified elbow",
}
HEADERS = {
    "M24": "Other specific joint derangements",
    "M24.5": "Contracture of joint",
    "M24.52": "Contracture, elbow",
}


def _catalog() -> CodeCatalog:
    codes: dict[str, list[object]] = {"13": [ICD, "A chapter", False, None, "chapter"]}
    codes["M20-M25"] = [ICD, "Other joint disorders", False, "13", "block"]
    for code, title in HEADERS.items():
        parent = "M20-M25" if len(code) == 3 else code[:-1].rstrip(".")
        codes[code] = [ICD, title, False, parent, "category" if len(code) == 3 else "subcategory"]
    for code, title in LEAVES.items():
        codes[code] = [ICD, title, True, code[:-1].rstrip("."), "code"]
    return CodeCatalog({"codes": codes})


def _settle(text: str, code: str, phrase: bool) -> list[str]:
    head = Mention(start=0, end=len(text), text=text, query=text, problem=True)
    picks = {code: Pick(code, 0.6, True, [head], heads=[head])}
    sibling_guard.settle(picks, text, _catalog(), phrase=phrase)
    return sorted(c for c, p in picks.items() if p.final)


def test_a_phrase_region_keeps_the_code_naming_its_joint() -> None:
    text = "Contracture in a joint of the upper arm"
    assert _settle(text, "M24.529", phrase=True) == ["M24.529"]  # the upper arm's joint: the elbow
    assert _settle(text, "M24.529", phrase=False) == ["M24.50"]  # a note's line: "joint" names the site
    # a phrase that names no region is read as before
    assert _settle("Contracture in a joint", "M24.529", phrase=True) == ["M24.50"]

"""The sibling a final code ends on: its problem line decides (sibling_guard), the bilateral twin of a
one-side title (rules.laterality_variant), and the stated diagnosis over the narrative's in an Excludes1
pair. Titles as in the ICD-10-CM tabular (public domain); notes written for these tests."""

from __future__ import annotations

from assistant.suggest import rules
from assistant.suggest.store import CodeCatalog

ICD = "ICD-10-CM"


def _catalog(leaves: dict[str, str], headers: dict[str, str], refs: dict | None = None) -> CodeCatalog:
    codes: dict[str, list[object]] = {"5": [ICD, "A chapter", False, None, "chapter"]}
    codes["B-B"] = [ICD, "A block", False, "5", "block"]
    for code, title in headers.items():
        parent = "B-B" if len(code) == 3 else code[:-1].rstrip(".")
        codes[code] = [ICD, title, False, parent, "category" if len(code) == 3 else "subcategory"]
    for code, title in leaves.items():
        parent = code[:-1].rstrip(".")
        codes[code] = [ICD, title, True, parent, "code"]
    return CodeCatalog({"codes": codes, "refs": refs or {}})


def test_bilateral_twin_of_a_title_that_names_the_organ() -> None:
    ears = _catalog(
        {
            "H66.004": "Acute suppurative otitis media without spontaneous rupture of ear drum, recurrent, "
            "right ear",
            "H66.005": "Acute suppurative otitis media without spontaneous rupture of ear drum, recurrent, "
            "left ear",
            "H66.006": "Acute suppurative otitis media without spontaneous rupture of ear drum, recurrent, "
            "bilateral",
            "H66.007": "Acute suppurative otitis media without spontaneous rupture of ear drum, recurrent, "
            "unspecified ear",
        },
        {
            "H66": "Suppurative and unspecified otitis media",
            "H66.0": "Acute suppurative otitis media",
            "H66.00": "Acute suppurative otitis media without spontaneous rupture of ear drum",
        },
    )
    assert rules.laterality_variant(ears, "H66.007", {"bilateral"}) == ("H66.006", None)
    assert rules.laterality_variant(ears, "H66.007", {"left"}) == ("H66.005", None)
    code, warning = rules.laterality_variant(ears, "H66.007", set())
    assert code == "H66.007" and warning  # no side documented: the unspecified ear, with the warning

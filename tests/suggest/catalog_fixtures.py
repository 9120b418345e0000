"""Small code catalogs with the tabular's hierarchy (chapter, block, category, code) for tests."""

from __future__ import annotations

from assistant.suggest.store import CodeCatalog

ICD = "ICD-10-CM"


def hierarchy_catalog(
    leaves: dict[str, str], headers: dict[str, str], refs: dict | None = None
) -> CodeCatalog:
    """Billable ``leaves`` under non-billable ``headers``, each a child of the code one character shorter."""
    codes: dict[str, list[object]] = {"5": [ICD, "A chapter", False, None, "chapter"]}
    codes["B-B"] = [ICD, "A block", False, "5", "block"]
    for code, title in headers.items():
        parent = "B-B" if len(code) == 3 else code[:-1].rstrip(".")
        codes[code] = [ICD, title, False, parent, "category" if len(code) == 3 else "subcategory"]
    for code, title in leaves.items():
        parent = code[:-1].rstrip(".")
        codes[code] = [ICD, title, True, parent, "code"]
    return CodeCatalog({"codes": codes, "refs": refs or {}})

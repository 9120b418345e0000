"""A cancer of the past or of a family member by its site: the site's primary code from the Neoplasm table,
then the history code of that site ("history of rectal cancer": C20, Z85.048; "family history of colon
cancer": C18.9, digestive organs C15-C26, Z80.0). The Index lists only a few organs under "History,
personal / family, malignant neoplasm", so the walk had stopped at Z85.9 / Z80.9 for most sites.

The tables are the Tabular's own structure: the Z80 and Z85 titles against chapter 2's categories."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.suggest.index_walker import WalkHit

# The family-history (Z80-Z84) and personal-history (Z85-Z87) categories: each of their codes is one
# condition or site of a relative's or the patient's past.
FAMILY_HISTORY = ("Z80", "Z81", "Z82", "Z83", "Z84")
PERSONAL_HISTORY = ("Z85", "Z86", "Z87")

# (first category, last category, code), the more specific first.
_FAMILY: tuple[tuple[str, str, str], ...] = (
    ("C57.0", "C57.0", "Z80.44"),  # fallopian tube
    ("C15", "C26", "Z80.0"),  # digestive organs
    ("C33", "C34", "Z80.1"),  # trachea, bronchus and lung
    ("C30", "C39", "Z80.2"),  # other respiratory and intrathoracic organs
    ("C50", "C50", "Z80.3"),  # breast
    ("C56", "C56", "Z80.41"),  # ovary
    ("C61", "C61", "Z80.42"),  # prostate
    ("C62", "C62", "Z80.43"),  # testis
    ("C51", "C63", "Z80.49"),  # other genital organs
    ("C64", "C64", "Z80.51"),  # kidney
    ("C67", "C67", "Z80.52"),  # bladder
    ("C65", "C68", "Z80.59"),  # other urinary tract organs
    ("C91", "C95", "Z80.6"),  # leukemia
    ("C81", "C96", "Z80.7"),  # other lymphoid, hematopoietic and related tissues
    ("C00", "C75", "Z80.8"),  # other organs or systems
)
_PERSONAL: tuple[tuple[str, str, str], ...] = (
    ("C15", "C15", "Z85.01"),
    ("C16", "C16", "Z85.028"),
    ("C17", "C17", "Z85.068"),
    ("C18", "C18", "Z85.038"),
    ("C19", "C21", "Z85.048"),
    ("C22", "C22", "Z85.05"),
    ("C25", "C25", "Z85.07"),
    ("C23", "C26", "Z85.09"),
    ("C30", "C31", "Z85.22"),
    ("C32", "C32", "Z85.21"),
    ("C33", "C33", "Z85.12"),
    ("C34", "C34", "Z85.118"),
    ("C37", "C37", "Z85.238"),
    ("C38", "C39", "Z85.29"),
    ("C50", "C50", "Z85.3"),
    ("C53", "C53", "Z85.41"),
    ("C54", "C55", "Z85.42"),
    ("C56", "C56", "Z85.43"),
    ("C57.0", "C57.0", "Z85.4A"),
    ("C51", "C58", "Z85.44"),
    ("C61", "C61", "Z85.46"),
    ("C62", "C62", "Z85.47"),
    ("C63.0", "C63.0", "Z85.48"),
    ("C60", "C63", "Z85.49"),
    ("C64", "C64", "Z85.528"),
    ("C65", "C65", "Z85.53"),
    ("C66", "C66", "Z85.54"),
    ("C67", "C67", "Z85.51"),
    ("C68", "C68", "Z85.59"),
    ("C91", "C95", "Z85.6"),
    ("C81", "C81", "Z85.71"),
    ("C82", "C86", "Z85.72"),
    ("C88", "C96", "Z85.79"),
    ("C01", "C02", "Z85.810"),
    ("C00", "C14", "Z85.818"),
    ("C43", "C43", "Z85.820"),
    ("C44", "C44", "Z85.828"),
    ("C40", "C41", "Z85.830"),
    ("C46", "C46", "Z85.831"),
    ("C49", "C49", "Z85.831"),
    ("C69", "C69", "Z85.840"),
    ("C71", "C71", "Z85.841"),
    ("C70", "C72", "Z85.848"),
    ("C73", "C73", "Z85.850"),
    ("C74", "C75", "Z85.858"),
)
# A past carcinoma or melanoma in situ (D00-D09) is no past malignancy: Z86.00- by the in-situ site.
_PERSONAL_IN_SITU: tuple[tuple[str, str, str], ...] = (
    ("D00", "D00", "Z86.003"),
    ("D01", "D01", "Z86.004"),
    ("D02", "D02", "Z86.005"),
    ("D03", "D03", "Z86.006"),
    ("D04", "D04", "Z86.007"),
    ("D05", "D05", "Z86.000"),
    ("D06", "D06", "Z86.001"),
    ("D07", "D07", "Z86.002"),
    ("D09", "D09", "Z86.008"),
)
UNSPECIFIED = {"family": "Z80.9", "history": "Z85.9"}
# A family member's condition other than cancer by its block (the Z81-Z84 titles against the chapters'
# blocks), the more specific first: "father with MI at 55" walks to I21.9, ischemic heart disease, Z82.49.
_FAMILY_CONDITIONS: tuple[tuple[str, str, str], ...] = (
    ("F70", "F79", "Z81.0"),
    ("F10", "F10", "Z81.1"),
    ("F17", "F17", "Z81.2"),
    ("F11", "F19", "Z81.3"),
    ("F01", "F99", "Z81.8"),
    ("G00", "G99", "Z82.0"),
    ("H54", "H54", "Z82.1"),
    ("H90", "H91", "Z82.2"),
    ("H40", "H40", "Z83.511"),
    ("H00", "H59", "Z83.518"),
    ("H60", "H95", "Z83.52"),
    ("I60", "I69", "Z82.3"),
    ("I00", "I99", "Z82.49"),
    ("J40", "J47", "Z82.5"),
    ("J00", "J99", "Z83.6"),
    ("M80", "M81", "Z82.62"),
    ("M00", "M19", "Z82.61"),
    ("M00", "M99", "Z82.69"),
    ("Q61", "Q61", "Z82.71"),
    ("Q00", "Q99", "Z82.79"),
    ("B20", "B20", "Z83.0"),
    ("A00", "B99", "Z83.1"),
    ("D50", "D89", "Z83.2"),
    ("E08", "E13", "Z83.3"),
    ("E78.01", "E78.01", "Z83.42"),
    ("E78", "E78", "Z83.438"),
    ("E00", "E89", "Z83.49"),
    ("K63.5", "K63.5", "Z83.719"),
    ("K00", "K95", "Z83.79"),
    ("L00", "L99", "Z84.0"),
    ("N00", "N29", "Z84.1"),
    ("N30", "N99", "Z84.2"),
)


def _in_blocks(table: tuple[tuple[str, str, str], ...], code: str) -> str | None:
    """The table's code for the first row whose category range (or code prefix) holds ``code``."""
    category = code[:3]
    for first, last, found in table:
        if "." in first:
            if code.startswith(first):
                return found
        elif first <= category <= last:
            return found
    return None


def _lookup(table: tuple[tuple[str, str, str], ...], primary: str) -> str | None:
    if not primary.startswith("C") or not primary[1:3].isdigit():
        return None  # C4A, C7A, C7B and other codes outside the site-specific blocks
    return _in_blocks(table, primary)


def family_code(primary: str) -> str | None:
    """The Z80 code for a family member's cancer whose primary code is ``primary``; None outside C00-C96's
    site-specific blocks (C76-C80: ill-defined, secondary or unspecified site)."""
    return _lookup(_FAMILY, primary)


def family_condition_code(code: str) -> str | None:
    """The Z81-Z84 code for a family member's condition (not a cancer) whose own code is ``code``."""
    if code[:1] in "CZRSTVWXY" or not code[1:3].isdigit():
        return None
    return _in_blocks(_FAMILY_CONDITIONS, code)


def personal_code(primary: str) -> str | None:
    """The Z85 code for the patient's own past cancer whose primary code is ``primary`` (not a carcinoid:
    those are coded from their own Index entry), the Z86.00- code for a past neoplasm in situ (D00-D09);
    None where no site-specific code exists."""
    if primary.startswith("D0") and primary[1:3].isdigit():
        return _in_blocks(_PERSONAL_IN_SITU, primary)
    return _lookup(_PERSONAL, primary)


def history_code(kind: str, primary: str) -> str | None:
    """``family_code`` or ``personal_code`` by the query's kind ("family" / "history")."""
    if kind == "family":
        return family_code(primary)
    if kind == "history":
        return personal_code(primary)
    return None


def by_site(kind: str, hits: Sequence[WalkHit]) -> tuple[str, WalkHit] | None:
    """(history code, the walk hit that placed the cancer) for the first hit with a site-specific code; for
    a family member's other condition, the block's Z81-Z84 code where the walk found no family-history code
    of its own ("History, family, diabetes")."""
    for hit in hits:
        code = history_code(kind, hit.code)
        if code:
            return code, hit
    if kind == "family" and not any(hit.code.startswith(FAMILY_HISTORY) for hit in hits):
        for hit in hits:
            code = family_condition_code(hit.code)
            if code:
                return code, hit
    return None


_SEARCH_KIND = (
    ("family", re.compile(r"\bfamily\s+history\b|\bfhx?\b", re.IGNORECASE)),
    ("history", re.compile(r"\bhistory\s+of\b|\bh/o\b|\bhx\b", re.IGNORECASE)),
)


def kind_of(text: str) -> str | None:
    """ "family" or "history" when a search text asks for a family or a personal history."""
    return next((kind for kind, rx in _SEARCH_KIND if rx.search(text)), None)

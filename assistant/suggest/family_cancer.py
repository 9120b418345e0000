"""Family history of a cancer by its site (Z80): the site's primary code from the Neoplasm table, then the Z80
code of the chapter 2 block that code sits in ("family history of colon cancer": C18.9, digestive organs
C15-C26, Z80.0). The Index lists only a few organs under "History, family, malignant neoplasm", so the walk
had stopped at Z80.9 for colon, pancreas, ovary, melanoma or lymphoma."""

from __future__ import annotations

# (first category, last category, Z80 code), the more specific first (the Z80 titles against the blocks).
_BY_CATEGORY: tuple[tuple[str, str, str], ...] = (
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
_FALLOPIAN_TUBE = ("C57.0", "Z80.44")


def family_code(primary: str) -> str | None:
    """The Z80 code for a family member's cancer whose primary code is ``primary``; None outside C00-C96's
    site-specific blocks (C76-C80: ill-defined, secondary or unspecified site)."""
    if primary.startswith(_FALLOPIAN_TUBE[0]):
        return _FALLOPIAN_TUBE[1]
    category = primary[:3]
    if not category.startswith("C") or not category[1:].isdigit():
        return None
    return next((z for first, last, z in _BY_CATEGORY if first <= category <= last), None)

"""A cancer's site said as an adjective ("gastric cancer", "pancreatic adenocarcinoma") read as the organ the
Neoplasm table lists ("stomach", "pancreas"). The table is by organ noun, so the adjective found no site and
the walk fell back to "Malignant Primary" C80.1 (or a near word: "pancreatic" in "peripancreatic")."""

from __future__ import annotations

import re

from assistant.suggest.organ_adjectives import ORGAN_NOUNS

NOUNS: dict[str, str] = {
    **ORGAN_NOUNS,
    "oesophageal": "esophagus",
    "endometrial": "endometrium",
    "bronchogenic": "bronchus",
    "tonsillar": "tonsil",
    "adrenal": "adrenal gland",
    "vulvar": "vulva",
    "penile": "penis",
    "anal": "anus",
}
# The neoplasm words below as plain text, one of which a match holds (lower case).
NEOPLASM_WORDS = ("cancer", "carcinoma", "malignan", "neoplasm", "tumo", "sarcoma")
_NEOPLASM = r"(?:cancer|carcinoma|adenocarcinoma|malignancy|malignant\s+neoplasm|neoplasm|tumou?r|sarcoma)s?"
# The adjective, then at most two words, then the neoplasm word ("pancreatic ductal adenocarcinoma").
PATTERN = re.compile(
    r"\b("
    + "|".join(sorted(NOUNS, key=len, reverse=True))
    + r")(?=\s+(?:[a-z-]+\s+){0,2}?"
    + _NEOPLASM
    + r"\b)",
    re.IGNORECASE,
)


def noun(adjective: str) -> str:
    """The organ noun of a site adjective (PATTERN's group 1)."""
    return NOUNS[adjective.lower()]

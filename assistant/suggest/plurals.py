"""Classical (Latin and Greek) plurals read as the singular the code sets use ("seborrheic keratoses" ->
"seborrheic keratosis", "renal calculi" -> "renal calculus"). The light stemmer only strips an English "s",
which leaves "keratos" beside "keratosis" and loses the Index entry, the title words and the vector."""

from __future__ import annotations

import re

IRREGULAR: dict[str, str] = {
    "calculi": "calculus",
    "emboli": "embolus",
    "thrombi": "thrombus",
    "nevi": "nevus",
    "naevi": "naevus",
    "bronchi": "bronchus",
    "fungi": "fungus",
    "bacilli": "bacillus",
    "menisci": "meniscus",
    "metatarsi": "metatarsus",
    "varices": "varix",
    "appendices": "appendix",
    "cervices": "cervix",
    "apices": "apex",
    "phalanges": "phalanx",
    "diverticula": "diverticulum",
    "bacteria": "bacterium",
    "atria": "atrium",
    "ganglia": "ganglion",
    "condylomata": "condyloma",
    "foramina": "foramen",
    "vertebrae": "vertebra",
    "bursae": "bursa",
    "fistulae": "fistula",
    "metastases": "metastasis",
    "candidiases": "candidiasis",
}
# English plurals that change their vowel or take "-en" ("flat feet" ~ "Flat, foot"): read as the singular by
# the Index walker's word keys, on both the mention's and the Index's side.
ENGLISH_IRREGULAR: dict[str, str] = {
    "feet": "foot",
    "teeth": "tooth",
    "children": "child",
    "women": "woman",
    "men": "man",
    "lice": "louse",
    "mice": "mouse",
    "geese": "goose",
    # a participle that says the Index's "with obstruction" axis ("obstructing CBD stone")
    "obstructing": "obstruction",
}
# "-oses" -> "-osis" ("keratoses", "stenoses", "exostoses", "thromboses"); "-itides" -> "-itis". English
# "-poses" verbs ("exposes") and short words ("doses", "noses") are left alone.
_OSES = re.compile(r"(?<![a-z])([a-z]{3,}(?<!p))oses(?![a-z])")
_ITIDES = re.compile(r"(?<![a-z])([a-z]{3,})itides(?![a-z])")

PATTERN = re.compile(
    r"\b(?:"
    + "|".join(sorted(IRREGULAR, key=len, reverse=True))
    + r"|[a-z]{3,}(?<!p)oses|[a-z]{3,}itides)\b",
    re.IGNORECASE,
)


def singular(word: str) -> str:
    """The singular of a classical plural (case of the first letter kept); other words unchanged."""
    lower = word.lower()
    out = IRREGULAR.get(lower) or _ITIDES.sub(r"\1itis", _OSES.sub(r"\1osis", lower))
    return out[:1].upper() + out[1:] if word[:1].isupper() else out

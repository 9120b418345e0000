"""Tokenising for the lexical index and hand-written clinical shorthand (our own list, no eval text)."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.suggest.abbreviations import default_expansions, expand_text

STOPWORDS = frozenset(
    """a an and are as at be by for from has have he her his in into is it its of on or she that the their
    there this to was were which who will with patient pt presents presented presenting reports reported
    noted note also due""".split()  # noqa: SIM905
)
# "with" and "due" carry meaning in ICD titles but appear everywhere; coverage uses content words only.

_TOKEN = re.compile(r"[a-z0-9]+")
# Diabetes as notes name it: the one condition whose control the Alphabetic Index codes ("Diabetes, poorly
# controlled": with hyperglycemia).
DIABETES_WORDS = r"diabet|\bDM\s?[12I]*\b|\bT[12]DM\b|\bN?IDDM\b"
# The endings of a diagnosis word ("arthritis", "stenosis", "anemia", "neuropathy", "arthralgia").
DIAGNOSTIC_SUFFIXES = r"itis|osis|emia|aemia|pathy|algia"

# The clinical abbreviation table (assistant/suggest/data/abbreviations.tsv): context-free meanings.
ABBREVIATIONS: dict[str, str] = default_expansions()


def expand_abbreviations(text: str) -> str:
    """Expand clinical shorthand: ``HTN`` -> hypertension, "CKD 3a" -> chronic kidney disease stage 3a."""
    return expand_text(text)


@lru_cache(maxsize=131072)
def stem(word: str) -> str:
    """A light suffix stripper (no PyStemmer offline): plurals and a few common endings."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, repl in (
        ("ies", "y"),
        ("sses", "ss"),
        ("itis", "itis"),
        ("ous", "ous"),
        ("ss", "ss"),
        ("us", "us"),
        ("is", "is"),
        ("s", ""),
    ):
        if word.endswith(suffix):
            return word[: len(word) - len(suffix)] + repl
    return word


def tokens(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Lower-cased, lightly stemmed word tokens."""
    out = []
    for word in _TOKEN.findall(text.lower()):
        if not keep_stopwords and word in STOPWORDS:
            continue
        out.append(stem(word))
    return out


# Lexical-side synonyms (hand-written): lay or clinical words -> the wording the tabular list uses.
SYNONYMS: dict[str, str] = {
    "cancer": "malignant neoplasm",
    "carcinoma": "malignant neoplasm",
    "malignancy": "malignant neoplasm",
    "tumor": "neoplasm",
    "tumour": "neoplasm",
    "colon": "large intestine colon",
    "heart attack": "myocardial infarction",
    "stroke": "cerebral infarction",
    "kidney": "kidney renal",
    "renal": "renal kidney",
    "smoker": "nicotine dependence tobacco",
    "smoking": "nicotine dependence tobacco",
    "high blood pressure": "hypertension",
    "sugar": "diabetes",
}
_SYN_RE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, SYNONYMS), key=len, reverse=True)) + r")\b", re.IGNORECASE
)


def lexical_query(text: str) -> str:
    """The query with the tabular-list wording added next to lay words (for BM25 only)."""
    extra = [SYNONYMS[m.group(1).lower()] for m in _SYN_RE.finditer(text)]
    return text + (" " + " ".join(extra) if extra else "")

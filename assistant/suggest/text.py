"""Tokenising for the lexical index and hand-written clinical shorthand (our own list, no eval text)."""

from __future__ import annotations

import re
from functools import lru_cache

STOPWORDS = frozenset(
    """a an and are as at be by for from has have he her his in into is it its of on or she that the their
    there this to was were which who will with patient pt presents presented presenting reports reported
    noted note also due""".split()  # noqa: SIM905
)
# "with" and "due" carry meaning in ICD titles but appear everywhere; coverage uses content words only.

_TOKEN = re.compile(r"[a-z0-9]+")

# Hand-written clinical abbreviations -> expansion (whole-token, case-insensitive unless noted).
ABBREVIATIONS: dict[str, str] = {
    "htn": "hypertension",
    "dm": "diabetes mellitus",
    "dm1": "type 1 diabetes mellitus",
    "dm2": "type 2 diabetes mellitus",
    "t1dm": "type 1 diabetes mellitus",
    "t2dm": "type 2 diabetes mellitus",
    "iddm": "type 1 diabetes mellitus",
    "niddm": "type 2 diabetes mellitus",
    "ckd": "chronic kidney disease",
    "esrd": "end stage renal disease",
    "aki": "acute kidney injury",
    "arf": "acute kidney failure",
    "copd": "chronic obstructive pulmonary disease",
    "chf": "congestive heart failure",
    "hf": "heart failure",
    "hfref": "heart failure with reduced ejection fraction systolic heart failure",
    "hfpef": "heart failure with preserved ejection fraction diastolic heart failure",
    "cad": "coronary artery disease atherosclerotic heart disease",
    "mi": "myocardial infarction",
    "stemi": "st elevation myocardial infarction",
    "nstemi": "non st elevation myocardial infarction",
    "afib": "atrial fibrillation",
    "af": "atrial fibrillation",
    "a-fib": "atrial fibrillation",
    "aflutter": "atrial flutter",
    "gerd": "gastro-esophageal reflux disease",
    "uti": "urinary tract infection",
    "uri": "upper respiratory infection",
    "urti": "upper respiratory infection",
    "cap": "community acquired pneumonia",
    "pna": "pneumonia",
    "dvt": "deep vein thrombosis",
    "pe": "pulmonary embolism",
    "cva": "cerebral infarction stroke",
    "tia": "transient ischemic attack",
    "osa": "obstructive sleep apnea",
    "bph": "benign prostatic hyperplasia",
    "oa": "osteoarthritis",
    "ra": "rheumatoid arthritis",
    "sle": "systemic lupus erythematosus",
    "ibs": "irritable bowel syndrome",
    "ibd": "inflammatory bowel disease",
    "hld": "hyperlipidemia",
    "hlp": "hyperlipidemia",
    "hypothyroid": "hypothyroidism",
    "mdd": "major depressive disorder",
    "gad": "generalized anxiety disorder",
    "adhd": "attention deficit hyperactivity disorder",
    "ptsd": "post-traumatic stress disorder",
    "sob": "shortness of breath",
    "doe": "dyspnea on exertion",
    "cp": "chest pain",
    "n/v": "nausea and vomiting",
    "abd": "abdominal",
    "lbp": "low back pain",
    "ha": "headache",
    "hx": "history",
    "h/o": "history of",
    "s/p": "status post",
    "r/o": "rule out",
    "fh": "family history",
    "fhx": "family history",
    "pmh": "past medical history",
    "hiv": "human immunodeficiency virus hiv disease",
    "hcv": "hepatitis c",
    "hbv": "hepatitis b",
    "tb": "tuberculosis",
    "ca": "cancer malignant neoplasm",
    "mets": "metastases secondary malignant neoplasm",
    "bmi": "body mass index",
    "rle": "right lower extremity",
    "lle": "left lower extremity",
    "rue": "right upper extremity",
    "lue": "left upper extremity",
    "rlq": "right lower quadrant",
    "llq": "left lower quadrant",
    "ruq": "right upper quadrant",
    "luq": "left upper quadrant",
    "fx": "fracture",
    "sz": "seizure",
    "etoh": "alcohol",
    "aaa": "abdominal aortic aneurysm",
    "pvd": "peripheral vascular disease",
    "pad": "peripheral arterial disease",
    "ards": "acute respiratory distress syndrome",
    "dka": "diabetic ketoacidosis",
    "ckd3": "chronic kidney disease stage 3",
    "ckd3a": "chronic kidney disease stage 3a",
    "ckd3b": "chronic kidney disease stage 3b",
    "ckd4": "chronic kidney disease stage 4",
    "ckd5": "chronic kidney disease stage 5",
}

_ABBREV_PATTERN = re.compile(
    r"(?<![A-Za-z0-9/])("
    + "|".join(sorted((re.escape(k) for k in ABBREVIATIONS), key=len, reverse=True))
    + r")(?![A-Za-z0-9/])",
    re.IGNORECASE,
)
# Words that are ordinary English when lower-case: expand only when written in capitals.
_CAPS_ONLY = frozenset(
    {"ca", "pe", "ha", "cap", "af", "mi", "pad", "ra", "oa", "cp", "dm", "hf", "tb", "sob"}
)


def expand_abbreviations(text: str) -> str:
    """Expand clinical shorthand: ``HTN`` -> hypertension, "CKD 3a" -> chronic kidney disease stage 3a."""

    def repl(match: re.Match[str]) -> str:
        word = match.group(1)
        key = word.lower()
        if key in _CAPS_ONLY and not word.isupper():
            return word
        return ABBREVIATIONS[key]

    text = re.sub(r"(?i)\bckd\s*(?:stage\s*)?([1-5][ab]?)\b", lambda m: f"CKD{m.group(1)}", text)
    text = re.sub(r"(?i)\bstage\s+(iii|iv|ii|i|v)\b", lambda m: "stage " + _roman(m.group(1)), text)
    return _ABBREV_PATTERN.sub(repl, text)


def _roman(value: str) -> str:
    return {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}[value.lower()]


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

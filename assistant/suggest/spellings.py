"""Spelling read as the code sets spell it: British forms ("haemorrhoid", "oesophagus", "anaemia",
"diarrhoea") become the American ones ICD-10-CM uses, and a diagnosis word mistyped by one letter
("hypertention", "diabetis", "asthama", "pnuemonia") becomes the word. The engine's word keys, Index walk and
lexical search match spellings exactly, so "anaemia" was no anemia and "hypertention" no hypertension."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.suggest.request_memo import per_request

# British roots -> American (inside a word: "haem" in "haematuria", "aemi" in "ischaemic", "septicaemia").
_BRITISH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), american)
    for pattern, american in (
        (r"haem", "hem"),
        (r"aemi", "emi"),
        (r"^oesophag", "esophag"),
        (r"^oedem", "edem"),
        (r"^oestr", "estr"),
        (r"paed", "ped"),
        (r"gynaec", "gynec"),
        (r"^foet", "fet"),
        (r"^coeliac", "celiac"),
        (r"^faec(?=al$|es$)", "fec"),
        (r"^caec(?=um|al)", "cec"),
        (r"tumour", "tumor"),
        (r"anaesth", "anesth"),
        (r"rrhoea", "rrhea"),
        (r"pnoea", "pnea"),
        (r"^labour", "labor"),
        (r"^sulph", "sulf"),
    )
)
# Latin names keep their spelling ("Haemophilus", "Schistosoma haematobium", "Neisseria gonorrhoeae")
_LATIN = re.compile(r"(?:ae|ii|ens|ica|icus|ium|ilus|omum)$", re.IGNORECASE)
_BRITISH_WORD = re.compile(
    r"\b[a-z]*(?:haem|aemi|oesophag|oedem|oestr|paed|gynaec|foet|coeliac|faec|caec|tumour|anaesth|rrhoea"
    r"|pnoea|labour|sulph)[a-z]*\b",
    re.IGNORECASE,
)

# Frequent diagnosis words of office notes (our own list), as the code sets spell them: a word one letter away
# from one of them (a letter added, dropped, changed or two swapped) is read as it.
DIAGNOSIS_WORDS: frozenset[str] = frozenset(
    (
        "hypertension",
        "hypotension",
        "diabetes",
        "hyperlipidemia",
        "hypercholesterolemia",
        "hypertriglyceridemia",
        "hypothyroidism",
        "hyperthyroidism",
        "asthma",
        "pneumonia",
        "bronchitis",
        "bronchiolitis",
        "sinusitis",
        "pharyngitis",
        "tonsillitis",
        "laryngitis",
        "conjunctivitis",
        "cellulitis",
        "dermatitis",
        "gastritis",
        "gastroenteritis",
        "diverticulitis",
        "diverticulosis",
        "appendicitis",
        "cholecystitis",
        "pancreatitis",
        "hepatitis",
        "cirrhosis",
        "cystitis",
        "pyelonephritis",
        "prostatitis",
        "prostate",
        "osteoarthritis",
        "osteoporosis",
        "osteopenia",
        "fibromyalgia",
        "tendinitis",
        "bursitis",
        "sciatica",
        "radiculopathy",
        "neuropathy",
        "migraine",
        "headache",
        "seizure",
        "epilepsy",
        "dementia",
        "alzheimer",
        "parkinson",
        "depression",
        "anxiety",
        "schizophrenia",
        "bipolar",
        "insomnia",
        "anemia",
        "leukemia",
        "lymphoma",
        "melanoma",
        "carcinoma",
        "hemorrhoid",
        "hemorrhoids",
        "constipation",
        "diarrhea",
        "esophagitis",
        "gastroparesis",
        "hematuria",
        "incontinence",
        "pregnancy",
        "hyperemesis",
        "preeclampsia",
        "endometriosis",
        "psoriasis",
        "eczema",
        "rosacea",
        "urticaria",
        "impetigo",
        "scabies",
        "shingles",
        "influenza",
        "emphysema",
        "tuberculosis",
        "fracture",
        "concussion",
        "laceration",
        "hypoglycemia",
        "hyperglycemia",
        "hyperkalemia",
        "hypokalemia",
        "hyponatremia",
        "obesity",
        "neuralgia",
        "vertigo",
        "tinnitus",
        "glaucoma",
        "cataract",
        "retinopathy",
        "nephropathy",
        "cardiomyopathy",
        "arrhythmia",
        "fibrillation",
        "tachycardia",
        "bradycardia",
        "palpitations",
        "angina",
        "infarction",
        "thrombosis",
        "embolism",
        "aneurysm",
        "atherosclerosis",
        "stenosis",
        "hyperparathyroidism",
        "hypogonadism",
        "hyperuricemia",
        "cholesterol",
        "pneumothorax",
        "hypoxemia",
        "bronchiectasis",
        "sarcoidosis",
        "rhinitis",
        "hypothyroid",
        "hyperthyroid",
    )
)
_MIN_LENGTH = 7
# Endings of a word that is another form of a diagnosis word, not a slip ("sciatic", "anginal"), or a Latin
# name's genitive ("Streptococcus pneumoniae", "Haemophilus influenzae")
_OTHER_FORM = re.compile(r"(?:ic|al|ed|ly|ing|ae)$")
_WORD = re.compile(rf"\b[A-Za-z]{{{_MIN_LENGTH},}}\b")


@lru_cache(maxsize=1)
def _by_deletion() -> dict[str, tuple[str, ...]]:
    """Each diagnosis word and each of its one-letter deletions -> the words it comes from."""
    out: dict[str, set[str]] = {}
    for word in DIAGNOSIS_WORDS:
        for key in {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}:
            out.setdefault(key, set()).add(word)
    return {key: tuple(sorted(words)) for key, words in out.items()}


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one added, dropped or changed letter, or two swapped neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def diagnosis_word(word: str) -> str | None:
    """The diagnosis word ``word`` mistypes: exactly one is a letter away and ``word`` is not a form of it."""
    low = word.lower()
    if low in DIAGNOSIS_WORDS or _OTHER_FORM.search(low) or low.removesuffix("s") in DIAGNOSIS_WORDS:
        return None
    keys = {low, *(low[:i] + low[i + 1 :] for i in range(len(low)))}
    found = {
        w
        for key in keys
        for w in _by_deletion().get(key, ())
        if w[0] == low[0] and w + "s" != low and _one_edit(low, w)
    }
    return found.pop() if len(found) == 1 else None


def american(word: str) -> str:
    """``word`` with its British roots spelled the American way ("haemorrhoids" -> "hemorrhoids")."""
    out = word
    for regex, repl in _BRITISH:
        out = regex.sub(repl, out)
    return out


def corrections(text: str) -> list[tuple[int, int, str]]:
    """(start, end, spelling) of each British or mistyped diagnosis word in ``text``."""
    out: list[tuple[int, int, str]] = []
    for m in _BRITISH_WORD.finditer(text):
        if _LATIN.search(m.group(0)):
            continue
        respelled = american(m.group(0))
        if respelled != m.group(0):
            out.append((m.start(), m.end(), respelled))
    taken = {start for start, _, _ in out}
    for m in _WORD.finditer(text):
        if m.start() in taken:
            continue
        fixed = diagnosis_word(m.group(0))
        if fixed is not None:
            out.append((m.start(), m.end(), fixed))
    out.sort()
    return out


@per_request
def respelled(text: str) -> str:
    """``text`` with each British or mistyped diagnosis word spelled as the code sets spell it."""
    parts: list[str] = []
    pos = 0
    for start, end, spelling in corrections(text):
        parts.append(text[pos:start])
        parts.append(spelling)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)

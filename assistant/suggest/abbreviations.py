"""Clinical abbreviations expanded (and typos corrected, ``spelling``) before retrieval, with an offset map
back to the note as written.

The table is data (``data/abbreviations.tsv``, our own expansions). Ambiguous abbreviations ("MS", "PE",
"CA") carry a context regex per meaning; without a matching context they are left as written. Lower-case
ordinary words ("pe", "ca", "all") expand only when the table says any case is fine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.suggest import neoplasm_sites, plurals
from assistant.suggest.request_memo import per_request
from assistant.suggest.spelling import MIN_LENGTH, correction

TABLE_PATH = Path(__file__).with_name("data") / "abbreviations.tsv"
_LONG_WORD = re.compile(rf"\b[A-Za-z]{{{MIN_LENGTH},}}\b")  # a word the spelling correction may read
_CONTEXT_CHARS = 40


@dataclass(frozen=True)
class Meaning:
    expansion: str
    caps_only: bool
    context: re.Pattern[str] | None


@dataclass(frozen=True)
class Expansion:
    """Expanded text; ``origin[i]`` is the note offset of expanded character ``i`` (one extra at the end)."""

    text: str
    origin: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The note span behind ``text[start:end]`` (a replaced abbreviation maps to the whole of it)."""
        if end <= start:
            return self.origin[start], self.origin[start]
        return self.origin[start], self._end_of(end - 1)

    def _end_of(self, i: int) -> int:
        j = i + 1
        while j < len(self.origin) - 1 and self.origin[j] == self.origin[i]:
            j += 1
        return self.origin[j] if self.origin[j] > self.origin[i] else self.origin[i] + 1


@lru_cache(maxsize=1)
def table() -> dict[str, list[Meaning]]:
    """abbreviation (lower case) -> its meanings in the table's order."""
    out: dict[str, list[Meaning]] = {}
    for n, line in enumerate(TABLE_PATH.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 3 or cols[2] not in ("any", "caps"):
            raise ValueError(f"{TABLE_PATH.name} line {n}: expected abbreviation, expansion, any|caps")
        context = re.compile(cols[3]) if len(cols) > 3 and cols[3] else None
        out.setdefault(cols[0].lower(), []).append(Meaning(cols[1], cols[2] == "caps", context))
    return out


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    """Any table key as a whole word, the longest that fits first: the keys as one character trie (the
    regex engine then reads each word once instead of trying some 300 alternatives at every letter)."""
    return re.compile(
        r"(?<![A-Za-z0-9/])(" + _trie_regex(list(table())) + r")(?![A-Za-z0-9/])", re.IGNORECASE
    )


def _trie_regex(keys: list[str]) -> str:
    """A regex matching exactly ``keys``; where several match at a place, longer ones are tried first.

    Keys are lower case and distinct, so at each trie node at most one child fits the next character;
    the child is tried before the key that ends at the node (greedy), which is the longest-first order
    of a plain alternation sorted by length.
    """
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:  # type: ignore[type-arg]
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return "(?:" + body + ")?"
        return body

    return build(trie)


_SCADDING = {"1": "of lymph nodes", "2": "of lung and lymph nodes", "3": "of lung", "4": "of lung"}


def _roman(value: str) -> str:
    return {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}[value.lower()]


def _number(value: str) -> str:
    """A count in digits or roman numerals, in digits ("II" -> "2")."""
    return value if value.isdigit() else _roman(value)


_SEX = {"m": "male", "f": "female"}
# An eponym said alone in the possessive ("Crohn's - on Humira", "Graves'", "Parkinson's, stable") names
# its condition: the Index's noun after it (our own short list of everyday eponyms).
EPONYM_NOUNS = {
    "addison": "disease",
    "alzheimer": "disease",
    "asperger": "syndrome",
    "baker": "cyst",
    "barrett": "esophagus",
    "behcet": "disease",
    "bell": "palsy",
    "bowen": "disease",
    "buerger": "disease",
    "conn": "syndrome",
    "crohn": "disease",
    "cushing": "syndrome",
    "de quervain": "tenosynovitis",
    "dupuytren": "contracture",
    "graves": "disease",
    "hashimoto": "thyroiditis",
    "hirschsprung": "disease",
    "hodgkin": "lymphoma",
    "huntington": "disease",
    "kaposi": "sarcoma",
    "marfan": "syndrome",
    "meniere": "disease",
    "ménière": "disease",
    "morton": "neuroma",
    "osgood-schlatter": "disease",
    "paget": "disease of bone",
    "parkinson": "disease",
    "peyronie": "disease",
    "raynaud": "disease",
    "scheuermann": "disease",
    "sever": "disease",
    "sjogren": "syndrome",
    "sjögren": "syndrome",
    "still": "disease",
    "tietze": "syndrome",
    "tourette": "syndrome",
    "wilson": "disease",
}


def _possessive(name: str) -> str:
    return name + ("'" if name.endswith("s") else "'s")


_EPONYM_ALONE = re.compile(
    r"\b(" + "|".join(sorted((re.escape(e) for e in EPONYM_NOUNS), key=len, reverse=True)) + r")"
    r"(?:'s|’s|s'|s’|'|’)(?=\s*(?:$|[-–—,.;:()/]|\b(?:on|with|w/|in|s/p|since|dx|diagnosed|flares?|flaring|"
    r"exacerbation|stable|controlled|well|and|or|f/u|follow\w*|hx|history|remission|active|quiescent)\b))",
    re.IGNORECASE,
)
# Ordinals as the Index writes them in digits and as the titles write them in words ("2nd degree", "second")
ORDINAL_WORDS = {"1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth"}
_GRADE = "IV|III|II|I|[1-4]"


def _degree(grade: str) -> str:
    """A grade in digits or roman numerals as its degree's word ("II" -> "second")."""
    return list(ORDINAL_WORDS.values())[int(_number(grade)) - 1]


# One disease named by three sites ("Disease, hand, foot and mouth" B08.4): one term, never three chunks.
SITES_OF_ONE_DISEASE = re.compile(r"\bhand[\s,-]+foot[\s,-]+(?:and|&)?[\s-]*mouth\b", re.IGNORECASE)
# a menopause named before the hot flashes ("Perimenopausal, irregular menses. Hot flashes."): N95.1's
_MENOPAUSE_BEFORE = re.compile(r"\b(?:peri|post)?-?menopaus\w*", re.IGNORECASE)
# "fall" the season ("spring and fall allergies", "fall/winter", "every fall"), not a fall; group 1 is the
# season or word written before it
# A spinal level beside a disc word names its region, as the Index's disc entries are divided ("L4-5 disc
# herniation": lumbar region; "L5-S1": lumbosacral; "T12-L1": thoracolumbar; "C5-6": cervical), and so are
# the other spine entries (Spondylolisthesis, Spondylosis, Stenosis, spinal: "lumbar region").
_SPINAL_LEVEL = re.compile(r"\b([CTL])(\d{1,2})\s*[-/]\s*([CTLS])?(\d{1,2})\b")
_DISC_WORDS = ("disc", "disk", "herniat", "hnp", "protrus", "extrus", "bulg", "listhes", "spondyl", "stenos")
_DISC_NEAR = re.compile(
    r"\b(?:dis[ck]s?|herniat\w*|hnp|protrusions?|extrusions?|bulg\w*|\w*listhesis|spondylo\w*|stenosis)\b",
    re.IGNORECASE,
)
_REGIONS = {
    ("L", "L"): "lumbar",
    ("L", "S"): "lumbosacral",
    ("T", "T"): "thoracic",
    ("T", "L"): "thoracolumbar",
    ("C", "C"): "cervical",
    ("C", "T"): "cervicothoracic",
}


def _disc_region(m: re.Match[str]) -> str:
    around = m.string[max(0, m.start() - 40) : m.end() + 40]
    region = _REGIONS.get((m.group(1).upper(), (m.group(3) or m.group(1)).upper()))
    if region is None or not _DISC_NEAR.search(around):
        return m.group(0)
    return f"{region} {m.group(0)}"


SEASON_FALL = re.compile(
    r"\b((?:spring|summer|winter)\s*(?:,|and|&|/|or)\s*|(?:last|next|every|each|early|late)\s+)?fall\b"
    r"(?(1)|(?=\s*(?:,|and|&|/|or)\s*(?:winter|spring|summer)\b|\s+(?:allerg\w*|pollen|season)\b))",
    re.IGNORECASE,
)
# Patterns read before the table: (regex, replacement builder, words needed). A shape matches no ASCII text
# that holds none of its words needed (lower case), so it is not run there; None: always run.
_SHAPES: list[tuple[re.Pattern[str], object, tuple[str, ...] | None]] = [
    (_EPONYM_ALONE, lambda m: _possessive(m.group(1)) + " " + EPONYM_NOUNS[m.group(1).lower()], ("'", "’")),
    # hemorrhoids by grade are the Index's hemorrhoids by degree ("2nd degree (grade/stage II)": K64.1)
    (
        re.compile(rf"\b(?:grade|gr\.?|stage)\s*({_GRADE})(?=\s+(?:\w+\s+)?hemorrhoids?\b)", re.IGNORECASE),
        lambda m: _degree(m.group(1)) + " degree",
        ("hemorrhoid",),
    ),
    (
        re.compile(
            rf"\b(hemorrhoids?(?:,?\s+(?:(?:with|w/|without|w/o)\s+bleeding|internal|external|mixed|bleeding))*"
            rf",?\s+\(?)(?:grade|gr\.?|stage)\s*({_GRADE})\b",
            re.IGNORECASE,
        ),
        lambda m: m.group(1) + _degree(m.group(2)) + " degree",
        ("hemorrhoid",),
    ),
    (
        re.compile(r"\bckd\s*(?:stage\s*|st\.?\s*)?([1-5][ab]?)\b", re.IGNORECASE),
        lambda m: f"chronic kidney disease stage {m.group(1).lower()}",
        ("ckd",),
    ),
    # a sarcoidosis's Scadding stage on chest imaging: I hilar nodes, II nodes and lung, III and IV lung only
    (
        re.compile(r"\bscadding\s+stage\s+(iv|iii|ii|i|[1-4])\b", re.IGNORECASE),
        lambda m: _SCADDING[_number(m.group(1))],
        ("scadding",),
    ),
    (
        re.compile(r"\bstage\s+(iii|iv|ii|i|v)\b", re.IGNORECASE),
        lambda m: "stage " + _roman(m.group(1)),
        ("stage",),
    ),
    # a Salter-Harris type is a physeal fracture's (Index: Fracture, traumatic, radius, lower end, physeal,
    # Salter-Harris, Type II), its type in roman numerals
    (
        re.compile(r"\bsalter[- ]harris\s*(?:type\s*)?(iv|iii|ii|i|[1-4])\b", re.IGNORECASE),
        lambda m: "physeal Salter-Harris Type " + ("I", "II", "III", "IV")[int(_number(m.group(1))) - 1],
        ("salter",),
    ),
    # obesity's class in roman numerals, as the E66.81- titles write it in digits ("Obesity, class 1")
    (
        re.compile(
            r"\b(?:(obesity,?\s*\(?class\s*)(iii|ii|i)\b|class\s*(iii|ii|i)(?=\s+(?:morbid\s+|severe\s+)?obesity\b))",
            re.IGNORECASE,
        ),
        lambda m: m.group(1) + _roman(m.group(2)) if m.group(1) else "class " + _roman(m.group(3)),
        ("class",),
    ),
    # "G2P1001" is gravida 2 with the TPAL counts (term, preterm, abortions, living): para = term + preterm
    (
        re.compile(r"\bG(\d{1,2})\s*P(?:(\d)(\d)(\d)(\d)|(\d{1,2})(?:-\d{1,2}){0,3})\b"),
        lambda m: f"gravida {m.group(1)} para {m.group(6) or int(m.group(2)) + int(m.group(3))}",
        None,
    ),
    (
        re.compile(r"\b(\d{1,3})\s*-?\s*(?:yo|y/o|y\.o\.?|yr old)\s*([MF])\b", re.IGNORECASE),
        lambda m: f"{m.group(1)} year old {_SEX[m.group(2).lower()]}",
        ("yo", "y/o", "y.o", "yr old"),
    ),
    # RA "seropositive" (rheumatoid factor / anti-CCP positive) is M05 "with rheumatoid factor"; seronegative
    # is M06.0- "without rheumatoid factor"
    (
        re.compile(r"\bsero-?(?:positive|\+)\s+(?:ra|rheumatoid\s+arthritis)\b", re.IGNORECASE),
        lambda m: "rheumatoid arthritis with rheumatoid factor",
        ("sero",),
    ),
    (
        re.compile(r"\bsero-?(?:negative|-)\s+(?:ra|rheumatoid\s+arthritis)\b", re.IGNORECASE),
        lambda m: "rheumatoid arthritis without rheumatoid factor",
        ("sero",),
    ),
    # ... and as the factor itself ("RA w/ positive RF", "rheumatoid arthritis, RF+")
    (
        re.compile(
            r"\b(?:ra|rheumatoid\s+arthritis)\s*(?:,|with|w/)?\s*(?:(?:positive|\+)\s*rf|rf\s*(?:positive|\+))"
            r"(?![\w+-])",
            re.IGNORECASE,
        ),
        lambda m: "rheumatoid arthritis with rheumatoid factor",
        ("rf",),
    ),
    # ... and said after it ("rheumatoid arthritis, seropositive, both hands")
    (
        re.compile(
            r"\b(?:ra|rheumatoid\s+arthritis)\s*,?\s*(?:rf\s+)?sero-?(positive|\+|negative|-)(?![\w+-])", re.I
        ),
        lambda m: (
            "rheumatoid arthritis "
            + ("without" if m.group(1).lower() in ("negative", "-") else "with")
            + " rheumatoid factor"
        ),
        ("sero",),
    ),
    # the toes by number, as the titles name them (great toe; lesser toe(s))
    (
        re.compile(r"\b(?:2nd|3rd|4th|5th|second|third|fourth|fifth|little|small|pinky)\s+toe\b", re.I),
        lambda m: "lesser toe (other toe)",
        ("toe",),
    ),
    (re.compile(r"\b(?:1st|first|big)\s+toe\b", re.IGNORECASE), lambda m: "great toe", ("toe",)),
    # burn depth and AV block by degree, as the titles spell it ("2nd-degree burn": "second degree")
    (
        re.compile(r"\b(1st|2nd|3rd)[- ]?(?=degree\b)", re.IGNORECASE),
        lambda m: ORDINAL_WORDS[m.group(1).lower()] + " ",
        ("degree",),
    ),
    # a peripheral (length-dependent, stocking-glove) neuropathy is a polyneuropathy (Index: Neuropathy,
    # peripheral - see also Polyneuropathy): "diabetic peripheral neuropathy" is E11.42
    (
        re.compile(
            r"\b(?:peripheral|length-dependent|stocking-glove)\s+((?:(?!autonomic\b)[a-z-]+\s+){0,2}?)"
            r"neuropathy\b",
            re.IGNORECASE,
        ),
        lambda m: f"peripheral {m.group(1)}polyneuropathy",
        ("neuropathy",),
    ),
    # a control the note denies, in the Index's words ("Diabetes, poorly controlled")
    (
        re.compile(r"\bnot\s+(?:well|adequately|optimally)\s+controlled\b", re.IGNORECASE),
        lambda m: "poorly controlled",
        ("controlled",),
    ),
    # a blood group with a negative Rh factor ("blood type O neg", "B Rh-"): the Index's "Blood type, O, Rh
    # negative"; said without "Rh", the walk would stop at the group's default, the Rh positive code
    (
        re.compile(
            r"\b(?:((?i:blood\s+(?:type|group)|type))\s*:?\s+)?(AB|A|B|O)\s*(?:((?i:rh))\s*)?-?\s*"
            r"((?i:neg(?:ative)?|pos(?:itive)?)|[-+])(?![\w+-])",
        ),
        lambda m: _blood_type(m),
        None,
    ),
    (SITES_OF_ONE_DISEASE, lambda m: "hand-foot-and-mouth", ("mouth",)),
    # hot flashes not said to be menopausal are the Index's flushing (R23.2): "Hot flashes" has a code only
    # under "menopausal" (N95.1)
    (
        re.compile(r"(?<!menopausal\s)\bhot\s+flash(?:es)?\b(?![^.;\n]{0,40}\bmenopaus)", re.IGNORECASE),
        lambda m: (
            m.group(0)
            if _MENOPAUSE_BEFORE.search(m.string, max(0, m.start() - 80), m.start())
            else "flushing"
        ),
        ("flash",),
    ),
    # the season, not a fall ("spring and fall allergies", "fall/winter", "every fall"): no external cause
    (SEASON_FALL, lambda m: (m.group(1) or "") + "autumn", ("fall",)),
    # a stroke scale's total as the R29.7- titles write it ("NIHSS 12", "NIHSS of 7", "NIHSS=4")
    (
        re.compile(r"\bNIHSS\s*(?:score\s*)?(?:of\s*|=\s*|:\s*|was\s*)?(\d{1,2})\b", re.IGNORECASE),
        lambda m: f"NIHSS score {int(m.group(1))}",
        ("nihss",),
    ),
    # a weak or slow urinary stream is the Index's "poor stream" (Difficulty, micturition, poor stream R39.12)
    (
        re.compile(r"\b(?:weak|weakened|slow|decreased|diminished|reduced)\s+(?:urinary\s+)?stream\b", re.I),
        lambda m: "poor urinary stream",
        ("stream",),
    ),
    (_SPINAL_LEVEL, _disc_region, _DISC_WORDS),
    (plurals.PATTERN, lambda m: plurals.singular(m.group(0)), (*plurals.IRREGULAR, "oses", "itides")),
    (neoplasm_sites.PATTERN, lambda m: neoplasm_sites.noun(m.group(1)), neoplasm_sites.NEOPLASM_WORDS),
]


def _blood_type(m: re.Match[str]) -> str:
    if not (m.group(1) or m.group(3)) or not m.group(4).lower().startswith(("neg", "-")):
        return m.group(0)  # "A negative" alone may be any finding; Rh positive is the Index's default
    return f"blood type {m.group(2)} Rh negative"


_PLURAL_CAPS = re.compile(r"(?<![A-Za-z0-9/])([A-Z]{2,6})s(?![A-Za-z0-9/])")


def _meaning(text: str, match: re.Match[str]) -> str | None:
    word = match.group(1)
    lo, hi = max(0, match.start() - _CONTEXT_CHARS), min(len(text), match.end() + _CONTEXT_CHARS)
    around = text[lo:hi]
    for meaning in table()[word.lower()]:
        if meaning.caps_only and not word.isupper():
            continue
        if meaning.context is None or meaning.context.search(around):
            return meaning.expansion
    return None


def _edits(text: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) of each shorthand in ``text``, in order."""
    edits: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    low = text.lower() if text.isascii() else None
    for regex, build, needed in _SHAPES:
        if low is not None and needed is not None and not any(map(low.__contains__, needed)):
            continue
        for m in regex.finditer(text):
            if free(m.start(), m.end()):
                edits.append((m.start(), m.end(), build(m)))  # type: ignore[operator]
                taken.append((m.start(), m.end()))
    for m in _pattern().finditer(text):
        if not free(m.start(), m.end()):
            continue
        expansion = _meaning(text, m)
        if expansion is not None:
            edits.append((m.start(), m.end(), expansion))
            taken.append((m.start(), m.end()))
    # "recurrent UTIs", "2 TIAs": the condition, as for "UTI" (an ASCII text without capitals has none)
    plural_caps = _PLURAL_CAPS.finditer(text) if low is None or low != text else ()
    for m in plural_caps:
        if m.group(1).lower() in table() and free(m.start(), m.end()):
            expansion = _meaning(text, m)
            if expansion is not None:
                edits.append((m.start(), m.end(), expansion))
                taken.append((m.start(), m.end()))
    for m in _LONG_WORD.finditer(text):
        fixed = correction(m.group(0)) if free(m.start(), m.end()) else None
        if fixed is not None:
            edits.append((m.start(), m.end(), fixed))
    edits.sort()
    return edits


def expand(text: str) -> Expansion:
    """Expand shorthand ("HTN" -> hypertension, "CKD 3b", "G2P1", "58yo M") keeping the offset map."""
    parts: list[str] = []
    origin: list[int] = []
    pos = 0
    for start, end, repl in _edits(text):
        parts.append(text[pos:start])
        origin.extend(range(pos, start))
        parts.append(repl)
        origin.extend([start] * len(repl))
        pos = end
    parts.append(text[pos:])
    origin.extend(range(pos, len(text)))
    origin.append(len(text))
    return Expansion("".join(parts), tuple(origin))


@per_request  # a sentence is expanded for each of its mentions: once per request
def expand_text(text: str) -> str:
    """``expand(text).text`` without the offset map (the engine expands every mention several times)."""
    parts: list[str] = []
    pos = 0
    for start, end, repl in _edits(text):
        parts.append(text[pos:start])
        parts.append(repl)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


@per_request
def _sentence_edits(text: str) -> tuple[tuple[int, int, str], ...]:
    return tuple(_edits(text))


def expand_span(text: str, start: int, end: int) -> str:
    """``text[start:end]`` expanded, each shorthand's meaning read in the whole of ``text`` ("CDI" in "CDI,
    on vancomycin" is the infection although the mention ends before the drug)."""
    parts: list[str] = []
    pos = start
    for a, b, repl in _sentence_edits(text):
        if start <= a and b <= end:
            parts.append(text[pos:a])
            parts.append(repl)
            pos = b
    parts.append(text[pos:end])
    return "".join(parts)


def initial_starts_term(text: str, i: int) -> bool:
    """Whether the letter and period at ``text[i]`` begin a table term ("C. diff", "E. coli", "H. pylori":
    a genus initial), so they are not a lettered list marker ("C. asthma")."""
    match = _pattern().match(text, i)
    return match is not None and match.end() > i + 2 and "." in match.group(1)


def default_expansions() -> dict[str, str]:
    """abbreviation -> its context-free expansion (the table's default meaning), for lexical search."""
    out: dict[str, str] = {}
    for key, meanings in table().items():
        default = next((m for m in meanings if m.context is None), None)
        if default is not None:
            out[key] = default.expansion
    return out

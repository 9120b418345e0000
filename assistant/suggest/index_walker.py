"""Walk the ICD-10-CM Alphabetic Index the way a coder does, as a candidate generator.

A mention ("acute cystitis with hematuria") is matched to a main term ("Cystitis"), then the walker descends
the subterms whose words the mention holds ("acute" -> "with hematuria"), follows "see" / "see also"
cross-references, routes neoplasm and drug references to their tables, and ends on a code. A code the
Index gives as a category ("N30.0-") is completed by the tabular list (``Tabular``): the child whose title
the mention's words fit best, else the unspecified / "without" default, else the first child (7th character
"A", initial encounter, when the mention says nothing).

Each candidate carries its path as evidence: "Cystitis -> acute -> with hematuria -> N30.01".
The Index data comes from the reference DB (``CodeSetRepository.index_entries``); nothing here builds SQL.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from os.path import commonprefix
from typing import Any, NamedTuple, Protocol

from assistant.core.errors import NoReleaseForDate, NotReady
from assistant.suggest.abbreviations import ORDINAL_WORDS
from assistant.suggest.organ_adjectives import ORGAN_NOUNS
from assistant.suggest.phrase_sites import CHAPTER13_REGION
from assistant.suggest.plurals import ENGLISH_IRREGULAR
from assistant.suggest.qualifiers import TITLE_UNSAID
from assistant.suggest.text import stem

# Words that join subterms and never identify one ("with", "in", "due to" ...); "without" / "no" negate.
CONNECTORS = frozenset(
    "with in of due to by the and or a an as on for from during following after at other than not".split()  # noqa: SIM905
)
NEGATORS = frozenset({"without", "no", "absence", "absent", "non", "not"})
# Never a word of the condition: the "s" of a possessive ("Crohn's disease", "athlete's foot"), NOS and NEC,
# the Index's "not otherwise specified" and "not elsewhere classified" (the default: "Tinnitus NOS" is the
# tinnitus a note names bare, "Rhinitis, allergic, seasonal NEC" the seasonal rhinitis).
# Words the Index never walks: a plural's "s", NOS / NEC, and a lung lobe written as its letters ("RLL
# pneumonia": the Index codes pneumonia by kind, not by lobe; a lobe's cancer reads the lobe's words)
UNSPOKEN = frozenset({"s", "nos", "nec", "rll", "lll", "rul", "lul", "rml"})
# Subterms a note never says in words: a connector ("Pregnancy, complicated by, anemia") and the patient's
# sex ("Cystocele, female, midline").
_CONNECTOR_TERMS = frozenset({"complicated by"})
_NOT_TERM = re.compile(r"not\s", re.IGNORECASE)
_SEX_TERMS = frozenset({"female", "male"})
# A tissue level the Index puts between a lesion and its sites ("Nevus, skin, back"): a note names the site
# ("nevus of the back") and leaves the tissue unsaid, as a coder reads it.
_TISSUE_LEVELS = frozenset({"skin", "upper end", "lower end"})
# So is a joint between a sign and the joint it is of ("Pain, joint, knee": "left knee pain"), where no
# subterm beside it names that site ("Pain, shoulder"; "Pain, finger - see Pain, limb, upper").
_JOINT_LEVELS = frozenset({"joint"})
# "Lipoma, site classification, trunk": a level that only announces the sites below it
_SITE_LEVELS = frozenset({"site classification"})
# ... a bone's end likewise, when the note names a part of it and no end ("tibial plateau": Fracture, tibia,
# upper end, plateau); a note saying which end ("distal radius") takes that end's own path
_END_LEVELS = frozenset({"upper end", "lower end"})
# A cause the mention states ("rhinitis due to pollen"): the Index may list it under a type it implies.
_CAUSE_SAID = re.compile(r"\b(?:due\s+to|secondary\s+to|caused\s+by|d/t|2/2)\s", re.IGNORECASE)
# Prefixes that make a word its opposite: "nonseasonal" does not contain "seasonal" for the walk.
OPPOSITE = frozenset({"non", "un", "in", "im", "ir", "il", "dis", "anti", "a", "an"})
# Morphology words that name the in-situ (noninfiltrating) form: "intraductal" carcinoma is in situ (D05.1-),
# "ductal" carcinoma invasive; a mention's "ductal" is not found inside them.
IN_SITU_FORMS = frozenset({"intraductal", "intraepithelial"})
_NEGATED_SPAN = 3  # words after a negator that it covers ("without gross hematuria")
SEE_SKIP = re.compile(r"^(condition|specific condition)$", re.IGNORECASE)
_BY = re.compile(r",?\s*\bby (?:site|type|body region)\b.*$", re.IGNORECASE)  # "Ulcer, pressure, by site"
# "Arthritis, in, helminthiasis B83.9, see category M01": the code of the manifestation in that disease
_SEE_CATEGORY = re.compile(r"(?:sub)?category\s+([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]+)?)-?", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+")
_OR = re.compile(r"\s+or\s+|\s*/\s*", re.IGNORECASE)
NEOPLASM_COLUMNS = (  # words in a "see Neoplasm, ..." reference or in the mention -> table column
    ("secondary", "Malignant Secondary"),
    ("metasta", "Malignant Secondary"),
    ("in situ", "Ca in situ"),
    ("uncertain", "Uncertain Behavior"),
    ("benign", "Benign"),
    ("malignan", "Malignant Primary"),
    ("cancer", "Malignant Primary"),
    ("carcinoma", "Malignant Primary"),
)
# "Metastatic lung cancer" is a lung primary that has spread; the site is secondary only where the note
# says the spread went there ("metastatic to liver", "bone metastases", "mets"; Index: Metastasis,
# metastatic, cancer from / to specified site).
METASTATIC_PRIMARY = re.compile(r"\bmetastatic\b(?!\s+(?:to|in|into|from)\b)", re.IGNORECASE)
SECONDARY_SITE = re.compile(
    r"\bsecondary\b|\bmetastas[ie]s\b|\bmets?\b|\bmetastatic\s+(?:to|in|into)\b|\bspread\s+to\b|"
    r"\bmetastatic\s+(?:[a-z]+\s+){1,2}?(?:to|into)\b",  # "metastatic cancer to liver"
    re.IGNORECASE,
)
DRUG_COLUMNS = (
    ("adverse", "Adverse effect"),
    ("side effect", "Adverse effect"),
    ("underdos", "Underdosing"),
    ("suicid", "Poisoning, Intentional self-harm"),
    ("self harm", "Poisoning, Intentional self-harm"),
    ("intentional", "Poisoning, Intentional self-harm"),
    ("assault", "Poisoning, Assault"),
    ("undetermined", "Poisoning, Undetermined"),
    ("poison", "Poisoning, Accidental"),
    ("overdose", "Poisoning, Accidental"),
    ("toxicity", "Poisoning, Accidental"),
    ("toxic effect", "Poisoning, Accidental"),  # the table's poisoning columns give T51-T65's toxic effects
)
MAX_HOPS = 2
# The parts of a "see Neoplasm, ..." reference that name no site: the behaviour, "by site", "neoplastic".
_NOT_SITE = re.compile(
    r"(?:by site|neoplastic|malignant|benign|secondary|in situ|uncertain behaviou?r|unspecified behaviou?r)$",
    re.IGNORECASE,
)
_NOT_A_SITE = frozenset({"nec", "site", "specified", "unspecified", "other", "part", "overlapping", "lesion"})
_PLURAL_MARK = re.compile(r"\(s\)$")  # "Bite(s)": the main term's "(s)", which our Index copy moved out
_SITE_SAID = re.compile(r"(un)?specified site", re.IGNORECASE)
_UNSAID = re.compile(r"(?:not specified|unspecified) as\b(?: to\b)?", re.IGNORECASE)
# Everyday words -> the words the Index uses (our own short list; the abbreviation table is separate).
WORD_ALIASES: dict[str, tuple[str, ...]] = {
    "both": ("bilateral",),  # "OA of both knees": Osteoarthritis, knee, bilateral
    # "postsurgical hypoparathyroidism": Hypoparathyroidism, postprocedural
    "postsurgical": ("postprocedural",),
    "postoperative": ("postprocedural",),
    "cancer": ("malignant", "neoplasm"),
    "carcinoma": ("malignant", "neoplasm"),
    "malignancy": ("malignant", "neoplasm"),
    "tumor": ("neoplasm",),
    "tumour": ("neoplasm",),
    "kidney": ("renal",),
    "renal": ("kidney",),
    "heart": ("cardiac",),
    "cardiac": ("heart",),
    "lung": ("pulmonary",),
    "pulmonary": ("lung",),
    "stomach": ("gastric",),
    "gastric": ("stomach",),  # "gastric ulcer": Ulcer, stomach
    # "Bleeding - see Hemorrhage": "gastric ulcer with bleeding" is Ulcer, stomach, with hemorrhage
    "bleeding": ("hemorrhage",),
    "bleed": ("hemorrhage", "bleeding"),
    # and the other way: "diverticulosis w/ hemorrhage" is Diverticulosis, large intestine, with bleeding
    "hemorrhage": ("bleeding",),
    # "diverticular bleed": the bleeding of a diverticulosis (Diverticulosis, with bleeding)
    "diverticular": ("diverticulosis",),
    "liver": ("hepatic",),
    "exam": ("examination",),
    "thickened": ("thickening",),  # "thickened endometrium": Thickening, endometrium (R93.89)
    "strep": ("streptococcal",),
    "diabetes": ("mellitus",),  # "screening for diabetes": Screening, diabetes mellitus
    "heel": ("calcaneal", "calcaneus"),  # "heel spur": Spur, bone, calcaneal
    "hypoxemia": ("hypoxia",),  # "hypoxemic respiratory failure": Failure, respiratory, with hypoxia
    "hypoxemic": ("hypoxia",),
    "lumbar": ("back",),  # "lumbar strain": Strain, back (the Index's low back is the lumbar region)
    "lumbosacral": ("back",),
    "back": ("trunk",),  # "lipoma of the back": Lipoma, site classification, trunk
    "vulvovaginal": ("vulvovaginitis",),  # "vulvovaginal candidiasis": Candidiasis, vulvovaginitis (B37.31)
    # "speech delay", "language delay": Delay, delayed, development, speech (F80.9); a delay of a child's
    # skill is of its development
    "delay": ("development",),
    "toe": ("foot",),  # "gout of the great toe": Gout, idiopathic, foot joint (the toes are of the foot)
    "toenail": ("nail",),  # nail disorders (L60) are one site for finger and toe
    "fingernail": ("nail",),
    "forearm": ("arm",),  # where the Index names no forearm, its arm (Cellulitis, arm: see upper limb)
    # "Cellulitis L upper extremity": Cellulitis, upper limb (the Index's word for an extremity)
    "extremity": ("limb",),
    "extremities": ("limb",),
    # "aftercare following TKA": Aftercare, following surgery, joint replacement
    "arthroplasty": ("surgery", "joint", "replacement"),
    # heavy menstrual bleeding is a chronic blood loss ("anemia secondary to menorrhagia": Anemia, iron
    # deficiency, secondary to blood loss)
    "menorrhagia": ("blood", "loss"),
    # "heavy menses", "heavy menstrual bleeding": Periods, heavy (N92.0); "painful menses": Menstruation,
    # painful
    "menses": ("periods", "menstruation"),
    "menstrual": ("periods", "menstruation"),
    # "recurrent falls": Falling, falls (repeated) R29.6
    "recurrent": ("repeated",),
    # "fall risk", "at risk for falls": At risk, for, falling (Z91.81); the Index says "falling" for a fall
    "fall": ("falling",),
    "frequent": ("repeated",),
    # the colon is the large intestine (Neoplasm table: intestine, large, colon, sigmoid)
    "colon": ("intestine", "large"),
    "sigmoid": ("colon", "intestine", "large"),  # "sigmoid diverticulosis": Diverticulosis, intestine, large
    # a bone named by its adjective, where the Index names the bone ("femoral neck fracture": Fracture,
    # femur, neck; "calcaneal fracture": Fracture, calcaneus)
    "femoral": ("femur",),
    "femur": ("femoral",),  # the Index's "femur, femoral" names the bone both ways
    "radial": ("radius",),
    "ulnar": ("ulna",),
    "humeral": ("humerus",),
    "tibial": ("tibia",),
    "fibular": ("fibula",),
    "calcaneal": ("calcaneus",),
    "metatarsal": ("metatarsus",),
    "metacarpal": ("metacarpus",),
    "clavicular": ("clavicle",),
    "scapular": ("scapula",),
    "patellar": ("patella",),
    "vertebral": ("vertebra",),  # "vertebral fracture": the titles' "vertebra(e)" (M80.08, M48.5-)
    # the thumb is a digit of the hand: where the Index names no thumb, its finger ("Cellulitis, digit,
    # finger" for a paronychia of the thumb)
    "thumb": ("finger",),
    # DSM's amphetamine-type substances are the Index's stimulants NEC ("Disorder, stimulant use, moderate or
    # severe" F15.20); the Index's own "amphetamine" entries read too
    "methamphetamine": ("amphetamine", "stimulant"),
    "amphetamine": ("stimulant",),
    # the Index lists gonorrhea's sites under its organism ("rectal gonorrhea": Gonococcus, gonococcal,
    # rectum A54.6; "gonococcal pharyngitis"), its main term "Gonorrhea" only some
    "gonorrhea": ("gonococcus", "gonococcal"),
}
# A skin carcinoma by kind without a site (C44.91, C44.92, C44.99) and a skin site of unspecified kind
# (C44.309, C44.602, C44.1092): the walk for the site reads the rest of the mention under the table's "skin".
_SKIN_KIND = re.compile(r"C44\.9[1-9]$")
_SKIN_SITE = re.compile(r"C44\.[0-8]0")
SKIN_NEOPLASM = "malignant neoplasm of skin of"
SKIN_SITE_CREDIT = 0.05  # the two readings together account for more of the mention than either
# An organism a phrase names by its noun, where the Index's subterm is its adjective ("meningitis due to
# bacterium": Meningitis, bacterial; "pneumonia due to streptococcus": Pneumonia, streptococcal), phrases.
ORGANISM_ADJECTIVES: dict[str, tuple[str, ...]] = {
    "bacterium": ("bacterial",),
    "bacteria": ("bacterial",),
    "streptococcus": ("streptococcal",),
    "streptococci": ("streptococcal",),
    "staphylococcus": ("staphylococcal",),
    "staphylococci": ("staphylococcal",),
    "pneumococcus": ("pneumococcal",),
    "meningococcus": ("meningococcal",),
    "gonococcus": ("gonococcal",),
    "virus": ("viral",),
    "fungus": ("fungal",),
    "fungi": ("fungal",),
    "protozoa": ("protozoal",),
}
QUALIFIER_PENALTY = 0.05
SITE_BESIDE_PENALTY = 0.005  # more than the aliases a site path may take, less than a word left unread
ALIAS_PENALTY = 0.001  # breaks a tie only: "contusion of forearm" is Contusion, forearm before Contusion, arm
ALIAS_DEPTH_CREDIT = 0.1  # of ALIAS_PENALTY, per alias word a path reads
# A phrase the Index lists only under the syndrome it names ("dry eye", "carpal tunnel": Syndrome, dry eye):
# the coder reads the main term into a phrase of two words or more when no entry of its own words accounts
# for all of them.
IMPLIED_MAIN_TERMS = ("Syndrome",)
IMPLIED_PENALTY = 0.05
# A one-phrase request's "other X" names a kind of X the Index does not list by name: the Index's own
# subterm for it is "X, specified NEC" / "specified type NEC" (its Tabular code the "Other specified X" one).
# The walk takes that subterm where no subterm names the kind; "other" adds nothing to the walk's credit.
OTHER = "other"
_OTHER_KIND = re.compile(r"^\s*other\b(?!\s+than\b)|,\s*other\s*$", re.IGNORECASE)
# The letter A naming a type or group ("paratyphoid fever A", "vitamin A", "group A"), not the article: a
# capital A after a word of the phrase. The Index lists it as a subterm of its own ("Fever, paratyphoid, A").
_LETTER_A = re.compile(r"(?<=[A-Za-z0-9]\s)A\b(?![.'\u2019-])")
LETTER_A = "letter:a"
_KIND_NEC = re.compile(
    r"(?:other )?specified"
    r"(?: (?:type|kind|form|variety|disease|disorder|condition|organism|pathology))?(?: NEC)?",
    re.IGNORECASE,
)
SIDE_WORDS = frozenset({"right", "left", "bilateral"})  # the Tabular List's laterality, not an Index word


class Tabular(Protocol):
    """What completion needs from the tabular list (``CodeCatalog`` has it; so does a repository adapter)."""

    def __contains__(self, code: str) -> bool: ...

    def billable(self, code: str) -> bool: ...

    def children(self, code: str) -> list[str]: ...

    def title(self, code: str) -> str: ...

    def excludes1(self, code: str) -> list[tuple[str, str]]:
        """(term, excluded code) of the Excludes1 notes written at ``code``."""
        ...

    def titles(self) -> Mapping[str, str]:
        """Every code's title (code -> title): where the Index lost a term's code, the title names it."""
        ...


# An organ said as an adjective matches the Index's noun and the reverse ("rectal bleeding" ~ "Hemorrhage,
# rectum"; "kidney failure" ~ "Failure, renal").
ORGAN_OF_ADJECTIVE = {
    **ORGAN_NOUNS,
    "renal": "kidney",
    "cutaneous": "skin",
    "tracheal": "trachea",
    "splenic": "spleen",
    "pulmonary": "lung",
    "cardiac": "heart",
    "cerebral": "brain",
    "urinary": "urine",
}


@lru_cache(maxsize=262144)
def _folded(text: str) -> str:
    """Lower case without diacritics: the Index's "Sjögren" is the note's "Sjogren"."""
    low = text.lower()
    if low.isascii():
        return low
    return unicodedata.normalize("NFKD", low).encode("ascii", "ignore").decode("ascii")


@lru_cache(maxsize=262144)  # a pure function of one word, called ~1,000 times a note
def word_key(word: str) -> str:
    """One form per word for matching: plurals (irregular ones too: "feet" ~ "foot"), "-ness", "-ed" and a
    final "e" go ("fractured" ~ "fracture")."""
    lower = word.lower()
    word = ORGAN_OF_ADJECTIVE.get(lower) or ENGLISH_IRREGULAR.get(lower) or ORDINAL_WORDS.get(lower, word)
    w = stem(word)
    if len(w) > 7 and w.endswith("iness"):  # "dizziness" ~ "dizzy"
        w = w[:-5] + "y"
    elif len(w) > 7 and w.endswith("ness"):  # "homelessness" ~ "homeless", "shortness" ~ "short"
        w = w[:-4]
    if len(w) > 5 and w.endswith("ed"):
        w = w[:-2]
    if len(w) > 7 and w.endswith("osis"):  # "osteoporosis" ~ "osteoporotic", "stenosis" ~ "stenotic"
        w = w[:-4] + "otic"
    # "hypertensive" ~ "hypertension", "diabetic" ~ "diabetes", "hypoxic" ~ "hypoxia"
    for suffix in ("ive", "ion", "ic", "ia"):
        if len(w) - len(suffix) >= 5 and w.endswith(suffix):
            w = w[: -len(suffix)]
            break
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w


# A fracture is traumatic unless documented as pathological or stress (guideline I.C.13.c, I.C.19.c): the
# main term "Fracture, traumatic" is the default, so its qualifier costs nothing when the note is silent.
DEFAULT_QUALIFIERS = frozenset({"traumat"})  # word_key("traumatic")
# ... unless the mention says why the bone broke without trauma (I.C.13.d: osteoporosis, pathological)
_NOT_TRAUMATIC = frozenset(
    word_key(w)
    for w in ("pathological", "pathologic", "osteoporotic", "osteoporosis", "fragility", "insufficiency")
)
NOT_DEFAULT_PENALTY = 0.25
# ... and a fracture's nontraumatic main terms ("Fracture, pathological", "Fracture, nontraumatic") need a
# word that says why the bone broke: "hip fracture" alone is traumatic (Fracture, traumatic, hip), whatever
# site the pathological term lists too.
_NONTRAUMATIC_ROOTS = frozenset(word_key(w) for w in ("pathological", "nontraumatic"))
_SAYS_NONTRAUMATIC = _NOT_TRAUMATIC | frozenset(
    word_key(w) for w in ("nontraumatic", "stress", "atypical", "spontaneous", "due")
)


# A site subterm's generic word ("hand joint", "lumbar region", "distal end"): a mention naming the site says
# it. "end" only beside a position word ("end stage" is no site).
IMPLIED_SITE_WORDS = frozenset({"joint", "region", "end"})
_POSITION_WORDS = frozenset({"distal", "proximal", "lower", "upper"})
_ACUTE = frozenset({word_key("acute")})
_OPEN_OR_CLOSED = frozenset({word_key("closed"), word_key("open")})
_FRACTURE = word_key("fracture")
_INJURY_TERMS = frozenset(
    word_key(w) for w in ("strain", "sprain", "contusion", "laceration", "dislocation", "fracture", "wound")
)
# A cause named without its generic noun is the Index's "due to, X disorder"
_DISORDER = "disorder"


_ALIAS_KEYS = {word_key(w): tuple(word_key(a) for a in alts) for w, alts in WORD_ALIASES.items()}
# A noun said in the singular names one: "pulmonary nodule" is Nodule, lung, solitary (R91.1); "nodules" is
# no solitary one (the Index's "multiple" subterm, R91.8).
_SINGULAR_ALIASES: dict[str, tuple[str, ...]] = {"nodule": (word_key("solitary"),)}
_BOTH_SIDES = frozenset({word_key("right"), word_key("left")})
_UNILATERAL, _BILATERAL = word_key("unilateral"), word_key("bilateral")


def keys(text: str) -> list[str]:
    return [word_key(w) for w in _WORD.findall(_folded(text)) if w not in UNSPOKEN]


def content_keys(text: str) -> frozenset[str]:
    return frozenset(k for k in keys(text) if k not in CONNECTORS and k not in NEGATORS)


@dataclass(eq=False)
class Entry:
    """One Index term with its subterms."""

    term: str
    source: str
    code: str | None = None
    see: str | None = None
    see_also: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # Drug / Neoplasm table cells
    parent: Entry | None = None
    children: list[Entry] = field(default_factory=list)
    words: frozenset[str] = frozenset()
    alts: tuple[frozenset[str], ...] = ()  # the words of each alternative ("atrial or auricular")
    forms: tuple[frozenset[str], ...] = ()  # one word's forms a subterm lists ("anus, anal"): phrase walks
    negative: bool = False  # "without ...", "no ..."
    id: int = 0
    end: int | None = None  # a main term's subterms lie between its id and ``end``
    loaded: bool = True
    by_word: dict[str, list[int]] | None = None  # a large entry's subterms by word (and word ending)

    @property
    def path(self) -> list[str]:
        out: list[str] = []
        node: Entry | None = self
        while node is not None:
            out.append(node.term)
            node = node.parent
        return out[::-1]


@dataclass
class WalkHit:
    code: str
    path: list[str]  # Index terms from the main term down, then the code
    score: float  # share of the mention's words the path accounts for (0..1)
    source: str = "main"
    index_code: str = ""  # the code as the Index gives it (a category before completion)
    bracket: str = ""  # the category the entry's "see category" names: its bracketed manifestation (phrases)

    @property
    def evidence(self) -> str:
        said = " -> ".join([*self.path, self.code])
        return f"{said} [see category {self.bracket}]" if self.bracket else said


@dataclass
class _Mention:
    words: frozenset[str]  # the mention's word keys and their aliases
    negated: frozenset[str]
    text: str
    base: frozenset[str] = frozenset()  # the mention's own word keys (what the score counts)
    origin: dict[str, str] = field(default_factory=dict)  # alias -> the mention word it stands for
    long: tuple[str, ...] = ()  # words long enough to be found inside a longer Index word
    plain: frozenset[str] = frozenset()  # word keys said outside any negation
    phrase: bool = False  # a one-phrase request: a subterm's listed forms match one by one

    def unused(self, used: frozenset[str]) -> frozenset[str]:
        """The mention's own words a path has not matched."""
        return self.base - {self.origin.get(w, w) for w in used}

    def credit(self, used: frozenset[str], half: frozenset[str]) -> float:
        full = {self.origin.get(w, w) for w in used} & self.base
        part = {self.origin.get(w, w) for w in half} & self.base - full
        return (len(full) + 0.5 * len(part)) / max(1, len(self.base))


MentionWords = _Mention  # what read_mention returns, for callers outside this module


def read_mention(text: str) -> _Mention:
    raw = [w for w in _WORD.findall(_folded(text)) if w not in UNSPOKEN]
    words: set[str] = set()
    negated: set[str] = set()
    plain: set[str] = set()  # said outside any negation
    origin: dict[str, str] = {}
    left = 0
    previous: str | None = None
    for w in raw:
        k = word_key(w)
        if w in NEGATORS or w == "w/o":
            left, previous = _NEGATED_SPAN, None
            continue
        if k in CONNECTORS:
            previous = None
            continue
        if k in SIDE_WORDS:
            left = 0  # a side ends what a negation covers ("without foreign body, left palm")
        words.add(k)
        aliases = [*_ALIAS_KEYS.get(k, ()), *_SINGULAR_ALIASES.get(w.lower(), ())]
        if previous is not None:  # a compound written as two words ("chicken pox" ~ "chickenpox")
            aliases.append(word_key(previous + w))
        for alias in aliases:
            origin.setdefault(alias, k)
        if left:
            negated.add(k)
            negated.update(aliases)
            left -= 1
        else:
            plain.add(k)
        previous = w
    for k in words:
        origin.pop(k, None)
    base = frozenset(words) - _levels_restating_region(words)
    every = frozenset(words) | frozenset(origin)
    long = tuple(sorted((w for w in every if len(w) >= 6), key=lambda w: (-len(w), w)))  # same in any process
    return _Mention(every, frozenset(negated), text, base, origin, long, frozenset(plain))


# A spinal level beside its region's word ("lumbar DDD L4-L5"): the level only restates the region the titles
# name, so it is no word a path must read.
_SPINAL_LEVEL = re.compile(r"([ctls])\d{1,2}")
_REGION_OF_LEVEL = {
    "c": word_key("cervical"),
    "t": word_key("thoracic"),
    "l": word_key("lumbar"),
    "s": word_key("sacral"),
}


def _levels_restating_region(words: set[str]) -> frozenset[str]:
    return frozenset(
        w
        for w in words
        if (m := _SPINAL_LEVEL.fullmatch(w)) is not None and _REGION_OF_LEVEL[m.group(1)] in words
    )


_ORGANISM_KEYS = {word_key(w): tuple(word_key(a) for a in alts) for w, alts in ORGANISM_ADJECTIVES.items()}


def _with_organism_adjectives(mention: _Mention) -> _Mention:
    """A phrase's organism nouns also read as the Index's adjectives (ORGANISM_ADJECTIVES)."""
    added = {a: k for k in mention.base for a in _ORGANISM_KEYS.get(k, ()) if a not in mention.words}
    if not added:
        return mention
    return replace(mention, words=mention.words | set(added), origin={**added, **mention.origin})


Fetch = Callable[[int, int | None], Sequence[Mapping[str, Any]]]


class IndexWalker:
    """Main terms are read at start; a main term's subterms are read on first use (warm start stays fast)."""

    def __init__(self, roots: Iterable[Mapping[str, Any]], fetch: Fetch) -> None:
        """``roots``: the level-0 rows (id, source, path, code, see, see_also, column) in document order;
        ``fetch(first_id, end_id)``: the rows with first_id < id < end_id (None: to the end), in order."""
        self.fetch = fetch
        self.roots: dict[str, list[Entry]] = {}
        self.by_head: dict[str, list[tuple[frozenset[str], Entry]]] = {}
        # a long head list ("disease": some 350 main terms) by its terms' second word: position lists
        self._by_second: dict[str, dict[str, list[int]]] = {}
        self._by_name: dict[tuple[str, str], list[Entry]] = {}
        self._lock = threading.Lock()
        self._see_memo: dict[tuple[str, str], Entry | None] = {}  # the Index does not change: each ref once
        # a tabular list's titles by their words (``_titled``), for the titles mapping it was built from
        self._title_codes: tuple[Mapping[str, str], dict[frozenset[str], str]] | None = None
        self._site_words: frozenset[str] | None = None  # the Neoplasm table's site words (``_sites_beside``)
        previous: Entry | None = None
        for row in roots:
            if previous is not None and (previous.source, previous.term) == (row["source"], row["path"]):
                _add_cell(previous, row)
                continue
            if previous is not None:
                previous.end = int(row["id"])
            node = _entry(row, row["path"], None)
            node.id = int(row["id"])
            node.loaded = False
            self.roots.setdefault(node.source, []).append(node)
            self._register_main(node)
            previous = node
        self.size = sum(len(v) for v in self.roots.values())
        for head, entries in self.by_head.items():
            if len(entries) > LONG_HEAD:
                index: dict[str, list[int]] = {}
                for i, (words, _) in enumerate(entries):
                    second = min(words - {head}, default="")
                    index.setdefault(second, []).append(i)
                self._by_second[head] = index

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[str, Any]]) -> IndexWalker:
        """A walker over rows held in memory (tests, small data); ids are the rows' positions."""
        numbered = [{**row, "id": i} for i, row in enumerate(rows)]

        def fetch(first: int, end: int | None) -> Sequence[Mapping[str, Any]]:
            return numbered[first + 1 : end]

        return cls([r for r in numbered if int(r["level"]) == 0], fetch)

    @classmethod
    def from_reference(cls, reference: Any) -> IndexWalker:
        """The walker over the reference DB's Index release (``CodeSetRepository``)."""
        return cls(reference.index_roots(), reference.index_rows_between)

    def children(self, node: Entry) -> list[Entry]:
        if node.loaded:
            return node.children
        with self._lock:
            if not node.loaded:
                self._load(node)
        return node.children

    def _load(self, root: Entry) -> None:
        stack: list[Entry] = [root]
        last: tuple[int, str] | None = None
        for row in self.fetch(root.id, root.end):
            level, path = int(row["level"]), row["path"]
            if level < 1:  # the main term's own other table cells
                continue
            if (level, path) == last:
                _add_cell(stack[-1], row)
                continue
            last = (level, path)
            del stack[level:]
            parent = stack[-1]
            node = _entry(row, path[len(_joined(parent)) + 2 :], parent)
            parent.children.append(node)
            stack.append(node)
        root.loaded = True

    # ------------------------------------------------------------------ construction helpers
    def _register_main(self, node: Entry) -> None:
        variants = _variants(node.term)
        for variant in [*variants, *(a for v in variants for a in _named_alternatives(v))]:
            words = content_keys(variant)
            if not words:
                continue
            head = min(words)
            self.by_head.setdefault(head, []).append((words, node))
        for name in {node.term.lower(), *(v.lower() for v in variants)}:
            self._by_name.setdefault((node.source, name), []).append(node)

    # ------------------------------------------------------------------ lookups
    def find(self, path: str, source: str = "main") -> Entry | None:
        """The entry a "see" reference names ("Cystitis, chronic, interstitial", "Fracture, arm")."""
        parts = [p.strip() for p in path.split(",") if p.strip()]
        partial: Entry | None = None
        for k in range(len(parts), 0, -1):  # main terms hold commas themselves ("Diabetes, diabetic")
            for root in self._named(source, ", ".join(parts[:k]).lower()):
                node, rest = self._descend_named(root, parts[k:])
                if not rest:
                    return node
                partial = partial or node
        if partial is None and len(parts) == 1 and " " in parts[0]:  # "Otitis media" -> Otitis, media
            return self.find(", ".join(parts[0].split(" ", 1)), source)
        return partial

    def _named(self, source: str, name: str) -> list[Entry]:
        """The main terms of that name; a reference may name one in the plural the Index keeps apart
        ("see Complications, ..." and "see Bite(s), ..." name the main terms "Complication" and "Bite")."""
        found = self._by_name.get((source, name))
        if found:
            return found
        singular = _PLURAL_MARK.sub("", name)
        if singular == name and name.endswith("s"):
            singular = name[:-1]
        return self._by_name.get((source, singular), []) if singular != name else []

    def _descend_named(self, node: Entry, parts: list[str]) -> tuple[Entry, list[str]]:
        todo = list(parts)
        while todo:
            want = todo[0].lower()
            kids = self.children(node)
            child = next((c for c in kids if c.term.lower() == want), None)
            if child is None:
                child = next((c for c in kids if c.term.lower().startswith(want)), None)
            if child is None and " " in want:
                # a reference that runs two levels together ("see Hypertension, complicating pregnancy":
                # complicating, then pregnancy)
                first, rest = todo[0].split(" ", 1)
                child = next((c for c in kids if c.term.lower() == first.lower()), None)
                if child is not None:
                    node, todo = child, [rest, *todo[1:]]
                    continue
            if child is None:
                return node, todo
            node = child
            todo = todo[1:]
        return node, []

    def main_terms(self, mention: _Mention) -> list[tuple[frozenset[str], Entry]]:
        seen: set[int] = set()
        out = []
        for word in sorted(mention.words):  # in a fixed order: equal paths must not tie by hash order
            for words, node in self._head_entries(word, mention.words):
                if id(node) in seen or not words <= mention.words:
                    continue
                seen.add(id(node))
                out.append((words, node))
        return out

    def _head_entries(self, head: str, words: frozenset[str]) -> list[tuple[frozenset[str], Entry]]:
        """The head's main terms that may lie within ``words``, in the head list's order."""
        entries = self.by_head.get(head, [])
        index = self._by_second.get(head)
        if index is None:
            return entries
        positions = list(index.get("", ()))
        for w in words:
            if w != head:
                positions.extend(index.get(w, ()))
        return [entries[i] for i in sorted(positions)]

    # ------------------------------------------------------------------ the walk
    def walk(
        self, text: str, tabular: Tabular | None = None, limit: int = 10, other_is_nec: bool = False
    ) -> list[WalkHit]:
        """Candidates for one mention, best first (one per code). ``other_is_nec`` (one-phrase requests):
        "other X" is walked to X's "specified NEC" subterm (see _KIND_NEC), and a subterm listing one word's
        forms ("anus, anal") matches either form."""
        mention = read_mention(text)
        if not mention.words:
            return []
        if other_is_nec:
            mention = replace(mention, phrase=True)
        if other_is_nec and _OTHER_KIND.search(text):
            mention = replace(mention, words=mention.words | {OTHER})
        if other_is_nec:
            mention = _with_organism_adjectives(mention)
        if other_is_nec and _LETTER_A.search(text):
            mention = replace(mention, words=mention.words | {LETTER_A}, base=mention.base | {LETTER_A})
        found: dict[str, WalkHit] = {}
        for words, root in self.main_terms(mention):
            if _denied(root, mention):
                continue  # "without diagnosis of hypertension": the note denies the main term
            if not mention.phrase and _acronym_unsaid(root.term, mention.text):
                continue  # "hearing aids", "walking aids": the word, not the acronym AIDS
            penalty = QUALIFIER_PENALTY * len(_qualifiers(root.term) - mention.words)
            for node, state in self._descend(root, mention, _State(words, frozenset(), 0, penalty)):
                self._emit(node, state, mention, tabular, found)
        if len(mention.base - SIDE_WORDS) > 1 and not any(h.score >= 1.0 for h in found.values()):
            self._implied(mention, tabular, found)
        if tabular is not None:
            self._skin_site(text, tabular, found)
        hits = sorted(found.values(), key=lambda h: (-h.score, len(h.path), h.code))
        return hits[:limit]

    def _skin_site(self, text: str, tabular: Tabular, found: dict[str, WalkHit]) -> None:
        """A skin carcinoma's kind read without its site ("basal cell carcinoma of left cheek": Carcinoma,
        basal cell C44.91) takes the site the Neoplasm table's "skin" lists for the rest of the mention
        (C44.309): C44's fifth character is the kind (0 unspecified, 1 basal cell, 2 squamous cell, 9
        other),
        so the two readings make one code (C44.319), and the kind's code without the site is no reading of
        the mention ("see also Neoplasm, skin, malignant")."""
        kind = max(
            (h for h in found.values() if _SKIN_KIND.match(h.code)), key=lambda h: h.score, default=None
        )
        if kind is None:
            return
        said = content_keys(" ".join(kind.path))
        rest = " ".join(w for w in _WORD.findall(_folded(text)) if word_key(w) not in said)
        for site in self.walk(f"{SKIN_NEOPLASM} {rest}", tabular, limit=3):
            if not _SKIN_SITE.match(site.code):
                continue
            code = site.code[:5] + kind.code[5] + site.code[6:]
            if code in tabular and code not in found:
                score = min(1.0, max(kind.score, site.score) + SKIN_SITE_CREDIT)
                found[code] = WalkHit(code, [*kind.path, *site.path[1:]], round(score, 4), kind.source, code)
                found.pop(kind.code)
            return

    def _implied(self, mention: _Mention, tabular: Tabular | None, found: dict[str, WalkHit]) -> None:
        """Hits under an implied main term whose subterms account for every word of the mention."""
        for term in IMPLIED_MAIN_TERMS:
            root = self.find(term)
            if root is None or content_keys(term) & mention.words:
                continue
            implied: dict[str, WalkHit] = {}
            for node, state in self._descend(
                root, mention, _State(frozenset(), frozenset(), 0, IMPLIED_PENALTY)
            ):
                self._emit(node, state, mention, tabular, implied)
            every = mention.credit(mention.base - SIDE_WORDS, frozenset()) - IMPLIED_PENALTY - 1e-9
            for code, hit in implied.items():
                old = found.get(code)
                if hit.score >= every and (old is None or hit.score > old.score):
                    found[code] = hit

    def _descend(
        self, node: Entry, mention: _Mention, state: _State, negative: bool = False
    ) -> list[tuple[Entry, _State]]:
        """Every entry reachable from ``node`` through subterms the mention matches, ``node`` included."""
        out = [(node, state)]
        if node.see and not node.code and state.hops < MAX_HOPS:
            target = self._see_target(node.see, node.source)
            if target is not None and not _denied(target, mention):
                gained = state._replace(
                    used=state.used | target.words & mention.words,
                    hops=state.hops + 1,
                    trail=(*state.trail, *node.path, "see"),
                    behaviour=_column_for(node.see, NEOPLASM_COLUMNS, state.behaviour),
                )
                out.extend(self._descend(target, mention, gained))
        matched_child = False
        candidates = self._candidates(node, mention)
        for child in candidates:
            # a phrase's subterm "not X" ("not associated with childbirth") is the one the phrase denies X of
            denies = mention.phrase and bool(_NOT_TERM.match(child.term))
            child_negative = negative or child.negative or denies
            if mention.phrase and child.term.strip() == "A":  # the letter A ("Fever, paratyphoid, A")
                if LETTER_A in mention.words:
                    matched_child = True
                    lettered = state._replace(used=state.used | {LETTER_A})
                    out.extend(self._descend(child, mention, lettered, negative))
                continue
            if not child.words:  # a connector level ("with", "in", "without")
                if child.term.lower().startswith(("without", "no ")):
                    child_negative = True
                if self.children(child):
                    deeper = self._descend(child, mention, state, child_negative)[1:]
                    matched_child = matched_child or bool(deeper)
                    out.extend(deeper)
                continue
            site = _SITE_SAID.fullmatch(child.term)
            if site:  # "Glioblastoma, unspecified site" where the mention names none, "specified site" else
                if bool(mention.unused(state.used) - SIDE_WORDS) == (site.group(1) is None):
                    matched_child = True
                    out.extend(self._descend(child, mention, state, negative))
                continue
            unsaid = _UNSAID.match(child.term)
            if unsaid:  # "not specified as recurrent": the default where the mention does not say it
                if not content_keys(child.term[unsaid.end() :]) & (mention.words - mention.negated):
                    matched_child = True
                    out.extend(self._descend(child, mention, state, negative))
                continue
            matched = _match(child, mention) or _sides_said(child, mention)
            if matched is None and self._implied_level(child, candidates, mention):
                # "Cystocele, female, midline": the patient's sex, not a word of the note (the sex edits
                # keep the right branch); "Nevus, skin, back": the tissue the site implies
                deeper = self._descend(child, mention, state, negative)[1:]
                matched_child = matched_child or bool(deeper)
                out.extend(deeper)
                continue
            if (
                matched is None
                and child.negative
                and not child.words & mention.words
                and self.children(child)
            ):
                # "RA, seropositive, without organ involvement, hand joint": what the note never mentions is
                # absent, as a coder reads it; only a deeper subterm the note names is taken
                deeper = self._descend(child, mention, state, negative)[1:]
                matched_child = matched_child or bool(deeper)
                out.extend(deeper)
                continue
            if matched is None:
                continue
            full, half = matched
            if child_negative != bool(child.words & mention.negated):
                continue  # "with hematuria" for "without hematuria" and the reverse: never the opposite
            matched_child = True
            step = state._replace(used=state.used | full, half=state.half | half)
            out.extend(self._descend(child, mention, step, negative))
        if not matched_child and OTHER in mention.words and OTHER not in state.used:
            # "other X" where no subterm names the kind: X, specified NEC
            nec = next((c for c in self.children(node) if _KIND_NEC.fullmatch(c.term)), None)
            if nec is not None:
                matched_child = True
                out.extend(self._descend(nec, mention, state._replace(used=state.used | {OTHER}), negative))
        if not matched_child and _CAUSE_SAID.search(mention.text):
            out.extend(self._cause_under_a_type(node, mention, state, negative))
        if node.see_also and state.hops < MAX_HOPS and (not matched_child or node.parent is None):
            target = self._see_target(node.see_also, node.source)
            if target is not None and target is not node and not _denied(target, mention):
                crossed = state._replace(
                    hops=state.hops + 1,
                    trail=(*state.trail, *node.path, "see also"),
                    behaviour=_column_for(node.see_also, NEOPLASM_COLUMNS, state.behaviour),
                )
                further = self._descend(target, mention, crossed)
                if node.code:  # the entry has its own code: take the reference only where it goes further
                    further = [x for x in further[1:] if (x[1].used, x[1].half) != (state.used, state.half)]
                if matched_child:
                    # "Stone, salivary gland or duct" matched by the "duct" of "bile duct stone": the main
                    # term's see-also entry (Calculus, bile duct) is taken where it reads more of the mention
                    most = max(len(x[1].used) for x in out[1:])
                    further = [x for x in further if len(x[1].used) > most]
                out.extend(further)
        return out

    def _cause_under_a_type(
        self, node: Entry, mention: _Mention, state: _State, negative: bool
    ) -> list[tuple[Entry, _State]]:
        """A stated cause the Index lists only under one type of the condition ("Rhinitis, allergic, due to,
        pollen"): the cause implies the type, as a coder reads "rhinitis due to pollen" (J30.1). Only paths
        that match the cause's words, each a little below a path the mention names in full."""
        out: list[tuple[Entry, _State]] = []
        implied = state._replace(penalty=state.penalty + IMPLIED_PENALTY)
        for kind in self.children(node):
            if not kind.words or kind.negative:
                continue
            for level in self.children(kind):
                if level.words or not level.term.lower().startswith("due to"):
                    continue
                deeper = self._descend(level, mention, implied, negative)[1:]
                out.extend(x for x in deeper if x[1].used - state.used)
        return out

    def _implied_level(self, child: Entry, siblings: list[Entry], mention: _Mention) -> bool:
        """A level the note leaves unsaid and the walk passes through: the patient's sex, a tissue, a
        site heading, a bone's end the note names no position of, a joint no sibling names."""
        term = child.term.lower()
        if term in _JOINT_LEVELS:
            return self._joint_unsaid(child, siblings, mention)
        return (
            term in (_SEX_TERMS | _TISSUE_LEVELS | _SITE_LEVELS)
            and not (term in _END_LEVELS and _POSITION_WORDS & mention.words)
            and bool(self.children(child))
        )

    def _joint_unsaid(self, joint: Entry, siblings: list[Entry], mention: _Mention) -> bool:
        """The mention names a joint the level lists and no sibling subterm names it too."""
        inner = {w for kid in self.children(joint) if _match(kid, mention) is not None for w in kid.words}
        beside = {
            w for kid in siblings if kid is not joint and _match(kid, mention) is not None for w in kid.words
        }
        return bool(inner) and not inner & beside

    def _candidates(self, node: Entry, mention: _Mention) -> list[Entry]:
        """The subterms that may match: all of a small entry's; a large entry's through its word index."""
        kids = self.children(node)
        if len(kids) <= SMALL_ENTRY:
            return kids
        if node.by_word is None:
            node.by_word = _word_index(kids)
        index = node.by_word
        picked = set(index.get("", ()))
        for w in mention.words:
            picked.update(index.get(w, ()))
        for w in mention.long:
            picked.update(index.get("~" + w, ()))
        return [kids[i] for i in sorted(picked)]

    def _see_target(self, ref: str, source: str) -> Entry | None:
        key = (ref, source)
        if key not in self._see_memo:
            self._see_memo[key] = self._find_target(ref, source)
        return self._see_memo[key]

    def _find_target(self, ref: str, source: str) -> Entry | None:
        ref = ref.strip()
        if ref.lower().startswith(("neoplasm", "table of neoplasms")):
            root = self._neoplasm_root()
            site = [
                p for p in (" ".join(x.split()) for x in ref.split(",")[1:]) if p and not _NOT_SITE.match(p)
            ]
            if root is None or not site:
                return root
            node, rest = self._descend_named(root, site)  # "Neoplasm, meninges, benign": the meninges
            return root if rest else node
        ref = _BY.sub("", ref).strip(" ,")
        if not ref or SEE_SKIP.match(ref):
            return None
        return self.find(ref, source) or self.find(ref, "main")

    def _neoplasm_root(self) -> Entry | None:
        roots = self.roots.get("neoplasm", [])
        return roots[0] if roots else None

    def _emit(
        self,
        node: Entry,
        state: _State,
        mention: _Mention,
        tabular: Tabular | None,
        found: dict[str, WalkHit],
    ) -> None:
        column = self._column(node, mention, state.behaviour) if node.columns and not node.code else None
        code = node.code or (node.columns.get(column) if column else None)
        if not code and tabular is not None and _lost(node, self.children(node)):
            code = self._titled(node, tabular)
        if not code:
            return
        path = [*state.trail, *node.path]
        full = (
            complete(code, _with_path(mention, path), tabular, node.path)
            if tabular is not None
            else code.rstrip(".-")
        )
        if full is None:
            return
        used = state.used
        if column:  # the table column the mention's words chose ("overdose" -> Poisoning, Accidental)
            cue = next(
                (w for w, c in NEOPLASM_COLUMNS + DRUG_COLUMNS if c == column and w in mention.text.lower()),
                "",
            )
            used = used | (content_keys(f"{column} {cue}") & mention.words)
            path.append(column)
        if _OPEN_OR_CLOSED & mention.base and _FRACTURE in content_keys(node.path[0]):
            used = used | (_OPEN_OR_CLOSED & mention.base)  # a fracture's 7th character reads it (I.C.19.c.1)
        if _ACUTE & mention.base and not _ACUTE & used:
            if _INJURY_TERMS & content_keys(node.path[0]):
                used = used | _ACUTE  # an injury is acute by nature: "acute lumbar strain" is Strain, back
            elif not self._acuity_classified(node):
                used = used | _ACUTE  # "acute paronychia": the Index has no acute kind to choose
        beside = frozenset[str]()
        if not node.columns and not self.children(node):  # an entry with no subterms: no site choice
            beside = self._sites_beside(mention.unused(used))
            used = used | beside
        # a word read as its alias: a direct entry wins; of two paths through one word's aliases, the one
        # that reads more of them ("colon": Diverticulitis, intestine, large before Diverticulitis,
        # intestine); a word the path also reads as itself costs nothing ("trigger thumb": Trigger finger,
        # thumb)
        aliases = [w for w in used if w not in mention.base and w != OTHER]
        origins = {mention.origin.get(w, w) for w in aliases} - used
        aliased = len(origins) - ALIAS_DEPTH_CREDIT * len(aliases)
        score = mention.credit(used, state.half) - 0.01 * state.hops - state.penalty - ALIAS_PENALTY * aliased
        if beside:  # an entry that names the site wins ("gastric ulcer with bleeding": Ulcer, stomach, ...)
            score -= SITE_BESIDE_PENALTY
        if tabular is not None and _title_leaves_unsaid(tabular, full, mention):
            score -= QUALIFIER_PENALTY
        root_words = content_keys(node.path[0])
        if _NOT_TRAUMATIC & mention.words and "traumat" in root_words:
            score -= NOT_DEFAULT_PENALTY  # "fragility fracture", "osteoporotic fracture": not the default
        elif _NONTRAUMATIC_ROOTS & root_words and not _SAYS_NONTRAUMATIC & mention.words:
            score -= NOT_DEFAULT_PENALTY
        old = found.get(full)
        if (
            old is None
            or score > old.score
            or (score == old.score and (len(path), path) < (len(old.path), old.path))
        ):
            seen = _SEE_CATEGORY.fullmatch(node.see_also or "") if mention.phrase else None
            bracket = seen.group(1).upper() if seen else ""
            found[full] = WalkHit(full, path, round(score, 4), node.source, code, bracket)

    def _acuity_classified(self, node: Entry) -> bool:
        """Whether the entry or a level above it offers an acute subterm to choose (Bronchitis, acute)."""
        at: Entry | None = node
        while at is not None:
            if any(_ACUTE & child.words for child in self.children(at)):
                return True
            at = at.parent
        return False

    def _sites_beside(self, unused: frozenset[str]) -> frozenset[str]:
        """The mention's unmatched words where all are body sites (the Neoplasm table's site list): at an
        Index entry with no subterms the code holds for any site ("numbness of feet": Numbness R20.0)."""
        if not unused:
            return unused
        if self._site_words is None:  # built once; two threads building it build the same set
            root = self._neoplasm_root()
            kids = self.children(root) if root is not None else []
            self._site_words = frozenset(w for kid in kids for w in kid.words) - _NOT_A_SITE
        sites = unused - SIDE_WORDS
        return unused if sites and sites <= self._site_words else frozenset()

    def _titled(self, node: Entry, tabular: Tabular) -> str | None:
        """The category an Index term that lost its code names word for word in its title ("Otalgia": H92.0
        Otalgia; "Dysfunction, labyrinthine": H83.2 Labyrinthine dysfunction), the shortest where several do;
        the Index's own "see category" reference, which our copy of the Index dropped."""
        titles = tabular.titles()
        with self._lock:
            if self._title_codes is None or self._title_codes[0] is not titles:
                by_words: dict[frozenset[str], str] = {}
                for code, title in titles.items():
                    words = content_keys(title)
                    if words and (words not in by_words or len(code) < len(by_words[words])):
                        by_words[words] = code
                self._title_codes = (titles, by_words)
        return self._title_codes[1].get(content_keys(" ".join(node.path)))

    def _column(self, node: Entry, mention: _Mention, behaviour: str = "") -> str | None:
        if node.source == "neoplasm":
            if METASTATIC_PRIMARY.search(mention.text) and not SECONDARY_SITE.search(mention.text):
                return "Malignant Primary"
            return _column_for(mention.text, NEOPLASM_COLUMNS, behaviour or "Unspecified Behavior")
        # a drug named without poisoning, adverse effect or underdosing is no Drug-table code
        return _column_for(mention.text, DRUG_COLUMNS, "") or None


SMALL_ENTRY = 12
LONG_HEAD = 24  # head lists longer than this are indexed by their terms' second word


_SPECIFIED_WORDS = content_keys("specified unspecified")


def _title_leaves_unsaid(tabular: Tabular, code: str, mention: _Mention) -> bool:
    """The code's title is the kind "not specified as" a word the mention says (qualifiers.TITLE_UNSAID): a
    mention that says the word ("traumatic full-thickness rotator cuff tear") is not that code (Index: Tear,
    rotator cuff, traumatic)."""
    title = tabular.title(code) if code in tabular else ""
    found = TITLE_UNSAID.search(title)
    if found is None:
        return False
    # the title's own condition words are no qualifier ("PROM, unspecified as to length of time between
    # rupture and onset of labor": "rupture" is the condition)
    unsaid = content_keys(found.group(1)) - content_keys(title[: found.start()])
    if _SPECIFIED_WORDS & mention.base:  # a phrase "unspecified as to acute or chronic" says neither
        return False
    return bool(unsaid & (mention.base - mention.negated))


def _word_index(kids: list[Entry]) -> dict[str, list[int]]:
    """word -> positions of the subterms holding it; "~ending" for endings of 6+ letters of longer words;
    "" for connector levels (no words of their own) and for a tissue level a site implies."""
    index: dict[str, list[int]] = {}
    for i, kid in enumerate(kids):
        words = {w for alt in (*kid.alts, *kid.forms) for w in alt}
        keys = (
            set(words) if words and kid.term.lower() not in _TISSUE_LEVELS | _JOINT_LEVELS else {""} | words
        )
        keys.update("~" + w[j:] for w in words for j in range(1, len(w) - 5))
        for key in keys:
            index.setdefault(key, []).append(i)
    return index


def _sides_said(entry: Entry, mention: _Mention) -> tuple[frozenset[str], frozenset[str]] | None:
    """The Index's "unilateral" where the note says one side ("Osteoarthritis, knee, unilateral M17.1-" for
    "right knee OA"), its "bilateral" where it says both; the side words are what the level matches."""
    sides = mention.words & _BOTH_SIDES
    one, both = entry.words == {_UNILATERAL}, entry.words == {_BILATERAL}
    if (one and len(sides) == 1) or (both and len(sides) == 2):
        return frozenset(sides), frozenset()
    return None


def _match(entry: Entry, mention: _Mention) -> tuple[frozenset[str], frozenset[str]] | None:
    """The mention words an entry's term matches (whole, and inside a longer word), or None: every word of
    one of the term's alternatives ("atrial or auricular") must be there."""
    best: tuple[frozenset[str], frozenset[str]] | None = None
    for alt in (*entry.alts, *entry.forms) if mention.phrase else entry.alts:
        if len(alt) > 1 and IMPLIED_SITE_WORDS & alt:  # "hand joint" is the site "hand"
            implied = IMPLIED_SITE_WORDS if alt & _POSITION_WORDS else IMPLIED_SITE_WORDS - {"end"}
            alt = alt - (implied - mention.words)
        if len(alt) > 1 and _DISORDER in alt and entry.parent is not None and entry.parent.term == "due to":
            alt = alt - {_DISORDER}  # "insomnia due to anxiety": Insomnia, due to, anxiety disorder
        missing = alt - mention.words
        if missing and (len(missing) == len(alt) > 1 or not mention.long):
            continue
        # a 6+ letter mention word (mention.long) found as the ending of a longer Index word, unless the
        # longer word is its opposite ("seasonal" is not "nonseasonal", "symptomatic" not "asymptomatic")
        parts = [
            next(
                (
                    w
                    for w in mention.long
                    if len(cw) > len(w)
                    and cw.endswith(w)
                    and cw[: -len(w)] not in OPPOSITE
                    and cw not in IN_SITU_FORMS
                ),
                None,
            )
            for cw in missing
        ]
        if None in parts:
            continue
        full, half = alt - missing, frozenset(w for w in parts if w is not None)
        if best is None or len(full) + 0.5 * len(half) > len(best[0]) + 0.5 * len(best[1]):
            best = (full, half)
    return best


class _State(NamedTuple):
    used: frozenset[str]  # the mention's words the path matched
    half: frozenset[str]  # mention words found inside a longer Index word ("neuropathy" in "polyneuropathy")
    hops: int  # cross-references followed
    penalty: float  # main-term qualifiers the mention lacks
    trail: tuple[str, ...] = ()  # the Index path walked before a cross-reference, "see" included
    behaviour: str = ""  # the table column a "see Neoplasm, malignant" reference names


@lru_cache(maxsize=65536)
def _qualifiers(term: str) -> frozenset[str]:
    """A main term's comma parts that are not spelling variants ("Fracture, pathological" -> pathological)."""
    variants = {v.lower() for v in _variants(term)}
    parts = [p.strip() for p in re.sub(r"\([^)]*\)", "", term).split(",") if p.strip()]
    words = {k for p in parts if p.lower() not in variants for k in content_keys(p)}
    return frozenset(words - DEFAULT_QUALIFIERS)


def _column_for(text: str, table: tuple[tuple[str, str], ...], default: str) -> str:
    lowered = text.lower()
    return next((column for word, column in table if word in lowered), default)


# An abbreviation the Index writes in brackets after its term ("prostate specific antigen [PSA]",
# "tumor specific antigens [TSA] NEC"): a note says the abbreviation alone.
_ABBREVIATION = re.compile(r"\[([A-Z][A-Z0-9/-]*(?: \d+)?)\]")


def _bracket_alias(term: str) -> tuple[frozenset[str], ...]:
    out = []
    for m in _ABBREVIATION.finditer(term):
        rest = _ABBREVIATION.sub(" ", term[m.end() :])
        words = content_keys(f"{m.group(1)} {rest}")
        if words:
            out.append(words)
    return tuple(out)


def _entry(row: Mapping[str, Any], term: str, parent: Entry | None) -> Entry:
    node = Entry(term, row["source"], see=row.get("see"), see_also=row.get("see_also"), parent=parent)
    if row.get("column"):
        _add_cell(node, row)
    else:
        node.code = row.get("code")
    node.negative = term.lower().startswith(("without ", "no ", "non-", "absence "))
    # "Pregnancy, complicated by, anemia": a note says "anemia in pregnancy", never the connector's words
    connector = term.lower() in _CONNECTOR_TERMS
    node.words = frozenset() if connector else content_keys(term)
    parts = [] if connector else _OR.split(_ABBREVIATION.sub(" ", term))
    if len(parts) > 1 and "," in parts[0]:  # "neuritis, radiculitis, radiculopathy or sciatica": one of them
        parts = [*parts[0].split(","), *parts[1:]]
    node.alts = tuple(a for a in (content_keys(part) for part in parts) if a) or (node.words,)
    node.alts += _bracket_alias(term)
    spellings = [p.strip().lower() for p in term.split(",") if p.strip()]
    one_word = len(spellings) > 1 and all(_spelling_of(p, spellings[0]) for p in spellings)
    if parent is not None and one_word:  # spellings of one word: "uterus, uteri, uterine", "fall, falling"
        node.alts = tuple(a for a in (content_keys(p) for p in spellings) if a)
    elif parent is not None and len(spellings) > 1 and _forms_of_one_word(spellings):
        node.forms = tuple(a for a in (content_keys(p) for p in spellings) if a)
    included = _INCLUDING.search(term)
    if parent is not None and included and content_keys(term[: included.start()]):
        # "lower limb, including hip": the site is named without what it includes
        node.forms += (content_keys(term[: included.start()]),)
    return node


def _lost(node: Entry, children: list[Entry]) -> bool:
    """An Index term with no code, no cross-reference, no table cell and no subterm: our copy of the Index
    lost its "see category" target ("Otalgia", "Earache", "Pain, ear")."""
    return not (node.code or node.see or node.see_also or node.columns or children)


def _acronym_unsaid(term: str, text: str) -> bool:
    """A short acronym main term ("AIDS", "ARC", "DISH") a note writes in small letters: the English word."""
    head = term.split(",")[0].strip()
    if not (head.isalpha() and head.isupper() and len(head) <= 5) or text == text.upper():
        return False
    return head not in text or re.search(rf"\b{head}\b", text) is None  # (the walk's hot path: no regex)


def _denied(target: Entry, mention: _Mention) -> bool:
    """A cross-reference to a main term the mention denies ("elevated blood pressure without diagnosis of
    hypertension": see also Hypertension) is not followed."""
    words = content_keys(target.term.split(",")[0])
    return bool(words) and words <= mention.negated - mention.plain


def _add_cell(node: Entry, row: Mapping[str, Any]) -> None:
    if row.get("column") and row.get("code"):
        node.columns[row["column"]] = row["code"]


def _joined(node: Entry | None) -> str:
    return ", ".join(node.path) if node is not None else ""


def _variants(term: str) -> list[str]:
    """Spelling variants of a main term: "Diabetes, diabetic" -> both; "Fracture, traumatic" -> "Fracture"
    only (there the second part is a qualifier)."""
    term = re.sub(r"\([^)]*\)", "", term).strip()
    parts = [p.strip() for p in term.split(",") if p.strip()]
    if not parts:
        return []
    first = parts[0].lower()
    out = [parts[0]]
    out.extend(p for p in parts[1:] if _spelling_of(p.lower(), first))
    return out


def _named_alternatives(term: str) -> list[str]:
    """ "Osgood-Schlatter disease or osteochondrosis", "Asperger's disease or syndrome": a named main term's
    last word has alternatives; each is the name with that word ("Osgood-Schlatter disease", "Osgood-Schlatter
    osteochondrosis"). A one-word first alternative ("Bicornate or bicornis uterus") names nothing alone."""
    first, *others = _OR.split(term)
    name = first.split()
    if not others or len(name) < 2:
        return []
    return [first] + [" ".join([*name[:-1], other]) for other in others if other.strip()]


def _spelling_of(part: str, first: str) -> bool:
    """Whether a comma part of an Index term is another spelling of its first word: the same first four
    letters ("Diabetes, diabetic"), or a three-letter word it extends ("Sty, stye", "Fat, fatty")."""
    if len(first) == 3 and first.isalpha():
        return part.startswith(first)
    return part[:4] == first[:4]


_INCLUDING = re.compile(r",?\s*\bincluding\b", re.IGNORECASE)


def _forms_of_one_word(parts: Sequence[str]) -> bool:
    """A subterm that lists one word's forms, noun and adjective ("anus, anal", "femur, femoral", "vein,
    venous"): single words that differ only in their last two letters or their ending past the shortest
    one's. An inverted qualifier ("colon, congenital", "mandible, maxilla") shares less."""
    if any(not p.isalpha() for p in parts):
        return False
    shortest = min(len(p) for p in parts)
    shared = len(commonprefix(list(parts)))
    return shared >= max(2, shortest - 2)


def walker_for(reference: Any) -> IndexWalker | None:
    """The walker over a reference repository's Index release, or None where none is loaded."""
    if reference is None or not hasattr(reference, "index_roots"):
        return None
    try:
        return IndexWalker.from_reference(reference)
    except (NotReady, NoReleaseForDate):
        return None


# ---------------------------------------------------------------------- tabular completion
# "initial": the 7th character A; "not having achieved remission": a leukemia, myeloma or lymphoma whose
# remission the note does not state (C90-C95 5th/6th character 0)
# "accidental": a poisoning or toxic effect of unstated intent is accidental (guideline I.C.19.e.5.b)
DEFAULT_WORDS = (
    "initial",
    "unspecified",
    "without",
    "not specified",
    "not having achieved remission",
    "accidental",
)


def _with_path(mention: _Mention, path: list[str]) -> _Mention:
    """The mention with the words of the Index path that led to a code: a "see" reference's target names the
    site the Tabular's children spell ("Cellulitis, arm" -> "upper limb": L03.113, not the axilla)."""
    said = content_keys(" ".join(path)) - mention.words - mention.negated
    return replace(mention, words=mention.words | said) if said else mention


def complete(code: str, mention: _Mention | str, tabular: Tabular, entry: Sequence[str] = ()) -> str | None:
    """The billable code the tabular list gives for an Index code (a category "N30.0-" included) reached
    through the Index ``entry`` (its main term and subterms)."""
    if isinstance(mention, str):
        mention = read_mention(mention)
    base = code.rstrip("-").rstrip(".")
    if base not in tabular:
        return None
    current = _sent_on(base, entry, tabular)
    for _ in range(5):
        if tabular.billable(current):
            return current
        kids = tabular.children(current)
        if not kids:
            return None
        current = _best_child(kids, mention, tabular)
    return current if tabular.billable(current) else None


def _sent_on(code: str, entry: Sequence[str], tabular: Tabular) -> str:
    """Verifying in the Tabular List: an Excludes1 note at the Index's code that names the Index entry itself
    sends the coder to the excluded code (an older Index's entry for a term a later release moved elsewhere:
    "Fasciitis, plantar M72.2" against FY2027's "Excludes1: plantar fasciitis (M67.A0-)")."""
    said = _plain_words(" ".join(entry))
    if len(said) < 2:
        return code
    for term, excluded in tabular.excludes1(code):
        if _plain_words(term) == said and excluded in tabular:
            return excluded
    return code


def _plain_words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(_folded(text)))


_FIRST_NEGATOR = re.compile(r"\b(?:without|no|not|w/o)\b")


def title_words(title: str) -> frozenset[str]:
    """A tabular title's word keys (read once per title)."""
    return _title_words(title)[0]


@lru_cache(maxsize=65536)
def _title_words(title: str) -> tuple[frozenset[str], frozenset[str]]:
    """A tabular title's word keys and the negated ones (read once per title)."""
    read = read_mention(title)
    # a word the title says before its negation is not denied by it ("lumbar region without mention of
    # lumbar back pain": the region stays said)
    said_first = read_mention(_FIRST_NEGATOR.split(title, maxsplit=1)[0]).words
    return read.words, read.negated - said_first


_REGION_OF_KEY = {word_key(w): region for w, region in CHAPTER13_REGION.items()}


def regions_titled(words: Iterable[str], code: str, title: str) -> frozenset[str]:
    """The word keys among ``words`` naming a bone or joint whose chapter 13 region a chapter M ``title``
    names as its site ("hip" in "..., left thigh")."""
    if not code.startswith("M"):
        return frozenset()
    low = title.lower()
    return frozenset(w for w in words if w in _REGION_OF_KEY and _names_region(low, _REGION_OF_KEY[w]))


def _names_region(title: str, region: str) -> bool:
    """Does a lower-case title name the region as its site?"""
    return re.search(rf"\b{region}\b", title) is not None


def _regions_said(mention: _Mention, kids: list[str]) -> frozenset[str]:
    """The chapter 13 regions whose bones or joints a mention names, for a chapter M site axis ("osteopenia
    of the left hip": thigh; "... of the lumbar spine": other site)."""
    if not kids or not kids[0].startswith("M"):
        return frozenset()
    return frozenset(_REGION_OF_KEY[w] for w in mention.base - mention.negated if w in _REGION_OF_KEY)


def _best_child(kids: list[str], mention: _Mention, tabular: Tabular) -> str:
    regions = _regions_said(mention, kids)

    def rank(code: str) -> tuple[int, int, tuple[int, ...], int, int, str]:
        title = tabular.title(code).lower()
        words, negated = _title_words(title)
        fit = len(words & mention.words)
        clash = len(negated & (mention.words - mention.negated)) + len((words - negated) & mention.negated)
        # the region of a site the title does not name itself: a tie of the direct words is broken by it
        region = sum(1 for r in regions if _names_region(title, r))
        # the default words the title holds, in their order of precedence ("unspecified, not having
        # achieved remission" before "unspecified, in remission")
        default = (*(i for i, w in enumerate(DEFAULT_WORDS) if w in title), len(DEFAULT_WORDS))
        extra = len(words - mention.words)  # fewest words the mention did not say ("recurrent")
        return (-(fit - 2 * clash), -region, default, -title.count("unspecified"), extra, code)

    return min(sorted(kids), key=rank)

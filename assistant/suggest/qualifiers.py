"""Qualifiers inside a diagnosis phrase choose the sibling code, and never the opposite one.

The note's words (with/without X, intractable, in remission, controlled, acute/chronic, recurrent/single
episode, severity, persistence, stage, trimester) are read into ``Qualifiers``; each candidate title is read
the same way, and ``rerank`` demotes a title that asserts the opposite of the note below the agreeing sibling,
bringing that sibling in from the code set when retrieval missed it. Our own rules, from the code titles'
structure (ICD-10-CM's "with"/"without" and axis words).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Protocol, TypeVar

from assistant.suggest.phrase_intent import stated_intent, title_intent
from assistant.suggest.request_memo import per_request
from assistant.suggest.text import stem

_WITH_RE = re.compile(
    r"\b(?P<pol>with|without|w/o|w/|no|not|denies|negative\s+for)\s+"
    r"(?P<what>(?:(?!(?:with|without|and|or|no|not|but)\b)\(?[a-z][a-z-]*\)?\s*){1,4})",
    re.IGNORECASE,
)
_STOP_WORDS = (
    "and or of the a an to in on at for by as is was but other unspecified mention not any "
    "acute chronic mild moderate severe left right bilateral status symptom sign history past known prior "
    "previous his her their patient diagnosis diagnosed disorder disorders disease condition specified "
    "induced"
)
# "Diabetic" before a complication ("without diabetic macular edema", "with ... diabetic retinopathy") says
# the cause a diabetes code's own head names, never which complication: no concept of a with / without phrase.
_STOP_CONCEPT = frozenset(_STOP_WORDS.split()) | {"diabetic"}
_WITHOUT_MENTION = re.compile(r"\bwithout\s+mention\s+of\s+", re.IGNORECASE)
_STOP_AT = re.compile(r"\b(?:and|or|with|without|but|due|in|on|of|not|no)\b|[,;:.]", re.IGNORECASE)
_PAREN = re.compile(r"\([^)]*\)")
_EXACERBATION = re.compile(r"\b(?:exacerbation|exacerbated|flare|flare-up)\b", re.I)
# "without exacerbation", "no acute flare", "not in exacerbation", "no current flare": the exacerbation is
# denied, not stated; "exacerbation resolved", "flare now over": the episode ended, the lasting disease goes
# on without it.
_NO_EXACERBATION = re.compile(
    r"\b(?:without|w/o|no|not|denies|negative\s+for)\s+"
    r"(?:(?:an?|any|acute|recent|current(?:ly)?|active|in|having|signs?\s+of|evidence\s+of)\s+)*"
    r"(?:exacerbations?|exacerbated|flares?|flare-ups?)\b|"
    r"\b(?:exacerbations?|flares?|flare-ups?)\s+(?:(?:has|have|is|now)\s+)?(?:resolved|over|ended)\b",
    re.I,
)
# An exacerbation dated weeks or more before this visit ("with exacerbation 2 wk ago", "flare last month"):
# not the current episode, so no "with" of the sibling's title.
_PAST_EPISODE = re.compile(
    r"(?:\b(?:with|w/)\s*)?(?:\b(?:an?|acute)\s+)*\b(?:exacerbations?|exacerbated|flares?|flare-ups?)\s+"
    r"(?:\w+\s+){0,2}?(?:(?:\d+|a|one|two|three|few|several)\s*(?:wks?|weeks?|mos?|months?|yrs?|years?)\s+ago|"
    r"last\s+(?:week|month|year|yr|winter|spring|summer|fall))\b",
    re.I,
)
# "COPD, stable", "asthma at baseline": a course that says there is no exacerbation now.
_STABLE = re.compile(r"\b(?:stable|(?:at|back\s+to)\s+(?:her\s+|his\s+)?baseline)\b", re.I)
# "Bleeding duodenal ulcer", "hemorrhagic gastritis": the note states bleeding, which a "without hemorrhage" /
# "without bleeding" sibling contradicts (the titles say either word); "no bleeding", "no history of
# bleeding", "never bled" deny it.
_BLEEDING = re.compile(r"\b(?:bleed\w*|bled|hemorrhag\w*)", re.I)
_NO_BLEEDING = re.compile(
    r"\b(?:without|w/o|no|not|never|denies|negative\s+for)\s+(?:(?:an?|any|active|acute|recent|gross|signs?\s+of|"
    r"evidence\s+of|mention\s+of|(?:a\s+)?history\s+of|h/o|hx\s+of|prior|previous|past)\s+)*"
    r"(?:bleed\w*|bled|hemorrhag\w*)|"
    # a bleeding risk or precaution is no bleeding ("bleeding precautions", "risk of bleeding")
    r"\b(?:bleed\w*|hemorrhag\w*)\s+(?:precautions?|risk|time)\b|\brisk\s+of\s+(?:bleed\w*|hemorrhag\w*)",
    re.I,
)
_BLEEDING_CONCEPTS = frozenset({"hemorrhage", "bleeding"})
_INTRACTABLE_NO = re.compile(
    r"\b(?:not\s+(?:intractable|refractory|pharmacoresistant)|non-?intractable|without\s+(?:mention\s+of\s+)?(?:intractab|refractory))",
    re.I,
)
# G40/G43: "pharmacoresistant (pharmacologically resistant), treatment resistant, refractory (medically) and
# poorly controlled" are equivalent to intractable; "drug-resistant" is the pharmacoresistance said plainly
_INTRACTABLE_YES = re.compile(
    r"\b(?:intractable|refractory|pharmacoresistant|"
    r"(?:medically|pharmacologically|drug|treatment)[- ]resistant)\b",
    re.I,
)
# An adjective that says the "with" clause of a title ("tophaceous": with tophus (tophi)).
_ADJECTIVE_WITH = ((re.compile(r"\btophaceous\b", re.I), "tophus tophi"),)
_STATUS_NO = re.compile(r"\b(?:without|w/o|no|not\s+in)\s+status\b", re.I)
_STATUS_YES = re.compile(r"\bstatus\s+(?:migrainosus|epilepticus|asthmaticus)\b", re.I)
_REMISSION_NO = re.compile(r"\bnot\s+(?:having\s+achieved|in)\s+remission\b", re.I)
_RELAPSE = re.compile(r"\b(?:in\s+relapse|relapsed)\b", re.I)
# "in partial or unspecified remission": in remission, of a kind not settled
_REMISSION = re.compile(
    r"\b(?:in\s+(?:(?P<kind>full|partial|early|sustained|complete)\s+)?|(?P<bare>full|partial|early|sustained|complete)\s+)"
    r"(?P<either>or\s+unspecified\s+)?remission\b",
    re.I,
)
_UNCONTROLLED = re.compile(  # "not stated as uncontrolled" says nothing of control (as _RECURRENT)
    r"(?<!stated as )(?<!specified as )"
    r"\b(?:uncontrolled|poorly\s+controlled|not\s+(?:well\s+)?controlled|out\s+of\s+control|inadequately\s+"
    r"controlled|suboptimally\s+controlled)\b",
    re.I,
)
_CONTROLLED = re.compile(r"\b(?:well\s+|adequately\s+)?controlled\b", re.I)
# "Type 1 diabetes", "type II DM", "T1DM", "DM2", "IDDM": which type (after the abbreviation table).
_DIABETES_TYPE = re.compile(
    r"\btype\s*(?P<n>1|2|i{1,2})\b(?=\s+(?:diabetes|diabetic|dm\b))|\bt(?P<t>[12])dm\b|\bdm\s*(?P<d>[12])\b",
    re.I,
)


def diabetes_type(text: str) -> str | None:
    """The one type of diabetes a text names ("1" or "2"), None when it names none or both."""
    found = set()
    for m in _DIABETES_TYPE.finditer(text):
        n = (m.group("n") or m.group("t") or m.group("d")).lower()
        found.add({"i": "1", "ii": "2"}.get(n, n))
    return found.pop() if len(found) == 1 else None


_ACUTE_ON_CHRONIC = re.compile(r"\bacute\s+(?:on|and)\s+chronic\b", re.I)  # a title's "Acute and chronic" too
_ACUTE = re.compile(r"\b(?:acute|acutely)\b", re.I)
_CHRONIC = re.compile(r"\bchronic\b", re.I)
# What controls a diabetes: insulin first, then oral drugs, then diet (guideline I.C.15.g: insulin and an
# oral drug together are coded insulin controlled).
_NOTE_CONTROL = (
    ("insulin", re.compile(r"\binsulin\b", re.I)),
    (
        "oral",
        re.compile(
            r"\b(?:metformin|glyburide|glipizide|oral\s+(?:agents?|hypoglycemics?|medications?))\b", re.I
        ),
    ),
    ("diet", re.compile(r"\bdiet(?:[- ]controlled|\s+alone|\s+only|\s+and\s+exercise)\b", re.I)),
)
_TITLE_CONTROL = (
    ("insulin", re.compile(r"\binsulin controlled\b", re.I)),
    ("oral", re.compile(r"\bcontrolled by oral hypoglycemic", re.I)),
    ("diet", re.compile(r"\bdiet controlled\b", re.I)),
)


# A treatment the note denies ("never on insulin or metformin", "no insulin needed") controls nothing: the
# denial runs to the end of its clause.
_DENIED_CONTROL = re.compile(r"\b(?:never|not|no|without|off)\b[^.;,()\n]*", re.I)


def _control(text: str, title: bool) -> str | None:
    if not title:
        text = _DENIED_CONTROL.sub(" ", text)
    return next((name for name, rx in (_TITLE_CONTROL if title else _NOTE_CONTROL) if rx.search(text)), None)


_UNCOMPLICATED = re.compile(r"\buncomplicated\b", re.I)
_NAMED_CHRONIC = re.compile(
    r"\bchronic\s+(?:obstructive\s+(?:pulmonary|lung|airways?)\s+disease|kidney\s+disease)\b", re.IGNORECASE
)
# "(acute) (chronic)": each in its own parentheses, the nonessential modifiers a title lists as alternatives
# (ICD-10-CM conventions, I.A.7 parentheses), so either acuity, not an acute episode on a chronic one
_EITHER_ACUITY = re.compile(r"\((?:acute|chronic)\)\s*\((?:acute|chronic)\)", re.IGNORECASE)
# "acute hypoxic failure (not hypercapnic, not chronic)": an acuity the note denies is not said
_DENIED_ACUITY = re.compile(r"\b(?:not|no|non)[\s-]+(?:acute|chronic)\b", re.IGNORECASE)
_RECURRENT = re.compile(r"(?<!specified as )(?<!stated as )\b(?:recurrent|recurring)\b", re.I)
# "Recurrent and persistent hematuria" (N02, IgA nephropathy among them) names a kind, not a recurrence.
_KIND_NAME = re.compile(r"\brecurrent\s+and\s+persistent\b", re.I)
_SINGLE = re.compile(r"\bsingle\s+episode\b", re.I)
_SEVERITY = re.compile(r"\b(mild|moderate|severe)\b", re.I)
_NOT_SEVERE = re.compile(
    r"\b(?:without|w/o|no|not|non)[- ]+(mild|moderate|severe)\b", re.I
)  # "without severe features"
_PERSISTENCE = re.compile(r"\b(intermittent|persistent)\b", re.I)
_STAGE = re.compile(r"\bstage\s+(\d[ab]?)\b", re.I)
_TRIMESTER = re.compile(r"\b(first|second|third|1st|2nd|3rd)\s+trimester\b", re.I)
_TRIMESTER_NUM = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}
_UNSPECIFIED_TRIMESTER = re.compile(r"\bunspecified\s+trimester\b", re.I)
# The episode of care after the trimesters: a condition present at the delivery ("Mild to moderate
# pre-eclampsia, complicating childbirth"), read on the trimester's axis.
CHILDBIRTH = 4
_CHILDBIRTH_TITLE = re.compile(r"^(?!.*\bpregnancy\b).*\b(?:complicating|in)\s+childbirth\b", re.I)
# The kind of a condition a title names by its cause ("Alcoholic fatty liver", "Rheumatoid bursitis", "Gouty
# arthropathy", "Other infective bursitis"): (kind, the title's word, the note's words for it). A title of
# that kind needs the note to say it (the Index's default is the plain condition).
KIND_UNSAID = "title names"  # the start of the conflict a kind the note does not state makes
_KINDS: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    (
        "alcohol",
        re.compile(r"\balcohol", re.I),
        re.compile(
            r"\b(?:alcohol\w*|etoh|ethanol|drink\w*|drank|beers?|wine|liquor|intoxicat\w*|drunk|binge\w*)\b",
            re.I,
        ),
    ),
    ("rheumatoid", re.compile(r"\brheumatoid\b", re.I), re.compile(r"\brheumat\w*|\bra\b", re.I)),
    (
        "infective",
        re.compile(r"\binfective\b|\bpyogenic\b", re.I),
        re.compile(r"\binfect\w*|\bseptic\b|\bpyo\w*|\bbacter\w*|\babscess\w*|\bpurulent\b|\bpus\b", re.I),
    ),
)


@dataclass(frozen=True)
class Qualifiers:
    """What a phrase asserts about its condition; None means it says nothing on that axis."""

    with_: frozenset[str] = frozenset()
    without: frozenset[str] = frozenset()
    intractable: bool | None = None
    status: bool | None = None  # status migrainosus / epilepticus / asthmaticus
    # "any" | full | partial | early | sustained | "no" (not having achieved remission) | "relapse"
    remission: str | None = None
    controlled: bool | None = None
    acuity: str | None = None  # acute | chronic | acute on chronic
    recurrent: bool | None = None
    severity: str | None = None
    denied_severity: str | None = None  # a note's "without severe features": a severe title is the opposite
    persistence: str | None = None
    stage: str | None = None
    trimester: int | None = None
    uncomplicated: bool | None = None
    control: str | None = None  # diabetes control: insulin | oral | diet (gestational diabetes titles)
    diabetes_type: str | None = None  # "1" | "2": the type of diabetes named
    kinds: frozenset[str] = frozenset()  # causes named (_KINDS): alcohol, rheumatoid, infective
    head: frozenset[str] = frozenset()  # a code title's own condition (its words before "with"/"without")
    excluded: frozenset[str] = frozenset()  # a note's "without X" phrases, whole (stemmed words)
    bleeding: bool | None = None  # a note's phrase states bleeding ("bleeding duodenal ulcer")
    said: frozenset[str] = frozenset()  # a note's own words (stemmed), to tell a title's condition is named
    # the mention's sentence says "recurrent" outside the mention ("MDD recurrent, in full remission"): a
    # recurrent title is then no conflict (never an agreement: the word may be another condition's)
    recurrent_nearby: bool = field(default=False, compare=False)
    # the intent of a poisoning or toxic effect: a note's stated one, a Drug-table title's own
    intent: str | None = None
    # the note states a poisoning intent other than accidental somewhere else: accidental is no default here
    intent_elsewhere: bool = field(default=False, compare=False)
    notes: list[str] = field(default_factory=list, compare=False)

    @property
    def empty(self) -> bool:
        return self == Qualifiers()


_WORD_RE = re.compile(r"[a-z0-9]+")


def words_said(text: str) -> frozenset[str]:
    """The stemmed words of a note's phrase (``Qualifiers.said``)."""
    return frozenset(stem(w) for w in _WORD_RE.findall(text.lower()))


def _concepts(words: str) -> set[str]:
    cut = _STOP_AT.search(words)
    part = words[: cut.start()] if cut else words
    return {stem(w) for w in re.findall(r"[a-z]+", part.lower().replace("-", " ")) if w not in _STOP_CONCEPT}


@lru_cache(maxsize=65536)  # a code title's reading, kept for the process (code-set text)
def with_phrases(title: str) -> tuple[frozenset[str], ...]:
    """The concepts of each "with X" phrase of a code title, one set per phrase."""
    low = _PAREN.sub(lambda m: m.group(0)[1:-1], title)
    out = []
    for m in _WITH_RE.finditer(low):
        if m.group("pol").lower() in ("with", "w/") and (concepts := _concepts(m.group("what"))):
            out.append(frozenset(concepts))
    return tuple(out)


def read_qualifiers(text: str, *, title: bool = False) -> Qualifiers:
    """The qualifiers a diagnosis phrase (or a code title, ``title=True``) asserts."""
    low = _PAREN.sub(lambda m: m.group(0)[1:-1], text) if title else text
    # a title's "without mention of fluctuations" (G20.A1) excludes them; a note's past episode is gone
    low = _WITHOUT_MENTION.sub("without ", low) if title else _PAST_EPISODE.sub(" ", low)
    with_: set[str] = set()
    without: set[str] = set()
    excluded: set[str] = set()
    for m in _WITH_RE.finditer(low):
        pol = m.group("pol").lower()
        if pol in ("not",) and re.match(r"intractable|in\s+remission|having", m.group("what"), re.I):
            continue
        concepts = _concepts(m.group("what"))
        (with_ if pol in ("with", "w/") else without).update(concepts)
        if pol in ("without", "w/o", "not", "no") and not title:  # "IgA nephropathy, not nephrotic"
            excluded.add(" ".join(_phrase_stems(m.group("what"))))
    if not title:  # "tophaceous gout" is gout with tophi
        for rx, concept in _ADJECTIVE_WITH:
            if rx.search(low):
                with_.update(_concepts(concept))
    denied = [m.span() for m in _NO_EXACERBATION.finditer(low)]
    if any(not any(lo <= m.start() < hi for lo, hi in denied) for m in _EXACERBATION.finditer(low)):
        with_.add("exacerbation")
    elif denied or (not title and _STABLE.search(low)):
        without.add("exacerbation")
    if title and re.search(r"\buncomplicated\b", low, re.I):
        without.add("exacerbation")
    denied_bleeding = [m.span() for m in _NO_BLEEDING.finditer(low)]
    bleeding = not title and any(
        not any(lo <= m.start() < hi for lo, hi in denied_bleeding) for m in _BLEEDING.finditer(low)
    )
    intractable = False if _INTRACTABLE_NO.search(low) else True if _INTRACTABLE_YES.search(low) else None
    status = False if _STATUS_NO.search(low) else True if _STATUS_YES.search(low) else None
    remission: str | None = None
    if _REMISSION_NO.search(low):
        remission = "no"
    elif _RELAPSE.search(low):
        remission = "relapse"
    elif (rm := _REMISSION.search(low)) is not None:
        kind = "any" if rm.group("either") else (rm.group("kind") or rm.group("bare") or "any").lower()
        remission = "full" if kind == "complete" else kind
    controlled = False if _UNCONTROLLED.search(low) else True if _CONTROLLED.search(low) else None
    acu = _NAMED_CHRONIC.sub(" ", low)  # "chronic" inside a disease's name says nothing of this episode
    if not title:  # a phrase that copies a title's alternatives says neither
        acu = _DENIED_ACUITY.sub(" ", _EITHER_ACUITY.sub(" ", acu))
    if _ACUTE_ON_CHRONIC.search(acu):
        acuity: str | None = "acute on chronic"
    elif _ACUTE.search(acu) and _CHRONIC.search(acu) and not title:
        acuity = "acute on chronic"
    else:
        acuity = "acute" if _ACUTE.search(acu) else "chronic" if _CHRONIC.search(acu) else None
    recurrent = True if _RECURRENT.search(low) else False if _SINGLE.search(low) else None
    severities = {
        x.lower() for x in _SEVERITY.findall(_PAREN.sub(" ", text) if title else _NOT_SEVERE.sub(" ", low))
    }
    persistences = {x.lower() for x in _PERSISTENCE.findall(low)}
    not_severe = _NOT_SEVERE.search(low)
    stage = _STAGE.search(low)
    tri = _TRIMESTER.search(low)
    trimester = (
        _TRIMESTER_NUM[tri.group(1).lower()] if tri else (0 if _UNSPECIFIED_TRIMESTER.search(low) else None)
    )
    if trimester is None and title and _CHILDBIRTH_TITLE.search(low):
        trimester = CHILDBIRTH
    return Qualifiers(
        with_=frozenset(with_ - without),
        without=frozenset(without - with_),
        intractable=intractable,
        status=status,
        remission=remission,
        controlled=controlled,
        acuity=acuity,
        recurrent=recurrent,
        severity=severities.pop() if len(severities) == 1 else None,  # two severities: say nothing
        denied_severity=None if title or not not_severe else not_severe.group(1).lower(),
        persistence=persistences.pop() if len(persistences) == 1 else None,
        stage=stage.group(1).lower() if stage else None,
        trimester=trimester,
        uncomplicated=True if _UNCOMPLICATED.search(low) else None,
        control=_control(low, title),
        diabetes_type=diabetes_type(low),
        kinds=frozenset(
            kind for kind, in_title, in_note in _KINDS if (in_title if title else in_note).search(low)
        ),
        head=frozenset(_phrase_stems(_before_qualifiers(low))) if title else frozenset(),
        excluded=frozenset(e for e in excluded if e),
        bleeding=True if bleeding else None,
        said=frozenset() if title else words_said(low),
        intent=title_intent(low) if title else stated_intent(low),
    )


_HEAD_END = re.compile(r"\b(?:with|without|w/|w/o|due\s+to|in|of)\b|[,;:(\[]", re.IGNORECASE)


def _before_qualifiers(title: str) -> str:
    """The condition a title names before its qualifiers ("Agoraphobia with panic disorder": agoraphobia)."""
    cut = _HEAD_END.search(title)
    return title[: cut.start()] if cut else title


_ARTICLES = frozenset(["a", "an", "the", "any", "of"])


def _phrase_stems(words: str) -> list[str]:
    cut = _STOP_AT.search(words)
    part = words[: cut.start()] if cut else words
    return [stem(w) for w in re.findall(r"[a-z]+", part.lower().replace("-", " ")) if w not in _ARTICLES]


@lru_cache(maxsize=65536)
def title_qualifiers(title: str) -> Qualifiers:
    """A code title's qualifiers (cached: titles repeat across mentions and notes)."""
    return read_qualifiers(title, title=True)


@lru_cache(maxsize=65536)
def title_names_only_its_head(title: str) -> bool:
    """The title asserts nothing on any axis, only its condition (``head``): ``compare`` then reads no
    more of it than ``names_excluded`` does (cached with ``title_qualifiers``)."""
    return replace(title_qualifiers(title), head=frozenset()) == Qualifiers()


_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")


# "un-" words whose stripped form is no opposite the note would say ("unspecified" is the code set's own
# word for a residual code, "unknown" an origin, not a negated "known").
UN_NOT_NEGATION = frozenset({"unspecified", "unknown", "unilateral", "underdosing", "understanding"})


@per_request  # a mention is read against each of its candidates' titles
def _non_words(note: str) -> tuple[frozenset[str], frozenset[str]]:
    return _prefixed_words(note)


@lru_cache(maxsize=65536)  # a code title's reading, kept for the process (code-set text)
def _title_non_words(title: str) -> tuple[frozenset[str], frozenset[str]]:
    return _prefixed_words(title)


def _prefixed_words(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(words the text says with a "non" or "un" prefix, stripped; the other words) of ``text``
    ("nontoxic" -> toxic, "unstable" -> stable)."""
    nons: set[str] = set()
    plain: set[str] = set()
    for w in _WORD.findall(text.lower()):
        if w.startswith("non") and len(w) > 6:
            nons.add(w[3:].lstrip("-"))
        elif w.startswith("un") and len(w) > 6 and w not in UN_NOT_NEGATION:
            nons.add(w[2:].lstrip("-"))
        else:
            plain.add(w)
    return frozenset(nons), frozenset(plain)


def prefix_conflict(note: str, title: str) -> str | None:
    """ "Toxic multinodular goiter" against "Nontoxic multinodular goiter", "stable angina" against "unstable
    angina" (and the reverse): the title negates with "non-" / "un-" a word the note says plainly, or says
    plainly what the note negates."""
    note_non, note_plain = _non_words(note)
    title_non, _ = _title_non_words(title)
    for word in sorted((title_non & note_plain) - note_non):
        return f'title negates "{word}", the note says it'
    return plain_where_negated(note, title)


_TITLE_NOT = re.compile(r"\bnot\s+(?:specified\s+as\s+)?([a-z]+)", re.IGNORECASE)


def plain_where_negated(note: str, title: str) -> str | None:
    """The title says plainly a word the note negates with "non-" / "un-" ("Displaced fracture" where the
    note says "nondisplaced", "Rheumatic aortic stenosis" where it says "nonrheumatic")."""
    for word in plain_words_negated(note, title):
        return f'title says "{word}", the note negates it'
    return None


def plain_words_negated(note: str, title: str) -> list[str]:
    """The title's plain words that the note says with "non-" / "un-" (sorted)."""
    note_non, _ = _non_words(note)
    title_non, title_plain = _title_negations(title)
    return sorted((note_non & title_plain) - title_non)


@lru_cache(maxsize=65536)  # a code title's reading, kept for the process (code-set text)
def _title_negations(title: str) -> tuple[frozenset[str], frozenset[str]]:
    """(the words a title negates, its plain words less the examples before an "and other")."""
    title_non, title_plain = _title_non_words(title)
    title_non |= {m.group(1).lower() for m in _TITLE_NOT.finditer(title)}  # "not specified as traumatic"
    group = _AND_OTHER.search(title)  # "ischemic heart disease and other diseases of ...": one example
    examples = _title_non_words(title[: group.start()])[1] if group else frozenset()
    return title_non, title_plain - examples


_AND_OTHER = re.compile(r"\band\s+other\b", re.IGNORECASE)


def trimester_of_weeks(weeks: int | None, delivered: bool = False) -> int | None:
    """Trimesters counted from the first day of the last menstrual period (ICD-10-CM chapter 15 note); a
    note of the delivery itself reads as the childbirth episode."""
    if weeks is None:
        return None
    if delivered:
        return CHILDBIRTH
    return 1 if weeks < 14 else 2 if weeks < 28 else 3


def compare(note: Qualifiers, title: Qualifiers) -> tuple[list[str], list[str]]:
    """(conflicts, agreements) of a code title against what the note says."""
    conflicts: list[str] = []
    agree: list[str] = []
    for said, opposite, title_word, note_word in (
        (title.without, note.with_, "without", "with"),
        (title.with_, note.without, "with", "without"),
    ):
        if said & opposite:
            words = " ".join(sorted(said & opposite))
            conflicts.append(f'title says "{title_word} {words}", the note "{note_word}"')
    conflicts += names_excluded(note, title)
    if note.bleeding and title.without & _BLEEDING_CONCEPTS:  # a conflict only: no agreement is added
        conflicts.append('title says "without hemorrhage", the note states bleeding')
    agree += [f"with {c}" for c in title.with_ & note.with_]
    agree += [f"without {c}" for c in title.without & note.without]
    if "complication" in title.without and note.with_ - {"exacerbation"}:
        conflicts.append('title says "without complications", the note names one')
    if note.controlled is False and "hyperglycemia" in title.with_:
        agree.append("uncontrolled diabetes is coded with hyperglycemia")
    _axis(conflicts, agree, "intractable", note.intractable, title.intractable)
    if title.remission is not None or note.remission is not None:
        n, t = note.remission, title.remission
        if remitted(t) and not remitted(n):
            conflicts.append("title says in remission, the note does not")
        elif t in _NOT_REMITTED and remitted(n):
            conflicts.append("title says not in remission, the note says in remission")
        elif t in _NOT_REMITTED and n in _NOT_REMITTED and t != n:
            # "in relapse" (it came back after a remission) is not "not having achieved remission"
            conflicts.append(f"title says {_REMISSION_WORDS[t]}, the note {_REMISSION_WORDS[n]}")
        elif remitted(n) and remitted(t):
            if n != "any" and t != "any" and n != t:
                conflicts.append(f"title says {t} remission, the note {n}")
            else:
                agree.append("in remission")
    if note.acuity and title.acuity:
        if note.acuity == title.acuity:
            agree.append(note.acuity)
        else:
            conflicts.append(f"title says {title.acuity}, the note {note.acuity}")
    _axis(conflicts, agree, "recurrent", note.recurrent, title.recurrent)
    if note.uncomplicated and title.uncomplicated:
        agree.append("uncomplicated")
    if note.control and title.control:
        if note.control == title.control:
            agree.append(f"{note.control} controlled")
        else:
            conflicts.append(f"title says {title.control} controlled, the note {note.control}")
    # Only the opposite type counts: an agreement would shift the ranker's qualifier features it never saw.
    if note.diabetes_type and title.diabetes_type and note.diabetes_type != title.diabetes_type:
        conflicts.append(
            f"title says type {title.diabetes_type} diabetes, the note type {note.diabetes_type}"
        )
    for kind in sorted(title.kinds - note.kinds):
        conflicts.append(f"{KIND_UNSAID} {kind}, the note does not (that form needs it stated)")
    for name in ("severity", "persistence", "stage"):
        n, t = getattr(note, name), getattr(title, name)
        if n and t:
            if n == t:
                agree.append(f"{name} {n}")
            elif name == "stage" and n[0] == t:
                continue  # "stage 3" for a note's "3a": less specific, not opposite
            else:
                conflicts.append(f"title says {name} {t}, the note {n}")
    if note.denied_severity and title.severity == note.denied_severity:
        conflicts.append(f"title says {title.severity}, the note says without {note.denied_severity}")
    # Only the opposite intent counts (as the diabetes type): "accidental" for a note's "accidental".
    if note.intent and title.intent and note.intent != title.intent:
        conflicts.append(f"title says {title.intent}, the note {note.intent}")
    if note.trimester and title.trimester is not None:
        if title.trimester == note.trimester:
            agree.append("trimester")
        elif title.trimester != 0:
            conflicts.append(f"title says trimester {title.trimester}, the note {note.trimester}")
    return conflicts, agree


def names_excluded(note: Qualifiers, title: Qualifiers) -> list[str]:
    """Conflicts: the title names a condition the note says "without" (not where the title says "without"
    it too: "tubal pregnancy without intrauterine pregnancy" for a note's "no IUP")."""
    if not note.excluded:
        return []
    return [
        f'title names {phrase}, the note says "without {phrase}"'
        for phrase in sorted(note.excluded)
        if set(phrase.split()) <= title.head and not set(phrase.split()) <= title.without
    ]


def unnamed_condition(note: Qualifiers, title: Qualifiers) -> str | None:
    """ "Rectal bleeding" against "Ulcerative (chronic) rectosigmoiditis with rectal bleeding": the note names
    only what the title's "with" clause says, never the condition the title codes with it."""
    if not (note.said and title.with_):  # most titles say no "with": nothing more to read
        return None
    named = title.head - _STOP_CONCEPT
    if not named or named & note.said:
        return None
    if not note.said <= title.with_ | _STOP_CONCEPT:
        return None
    return f"title codes {' '.join(sorted(named))} with it, the note names only what it has"


def default_conflicts(note: Qualifiers, title: Qualifiers) -> list[str]:
    """A title asserting what the note leaves at its default: intractable (the Tabular's "not intractable"
    covers a migraine, epilepsy or headache not stated intractable: "Epilepsy NOS" G40.909) and a status
    migrainosus / epilepticus / asthmaticus never stated ("without status" is its NOS)."""
    out = []
    if note.intractable is None and title.intractable:
        out.append("title says intractable, the note does not (not intractable is the default)")
    if note.status is None and title.status:
        out.append("title says with status, the note does not (without status is the default)")
    return out


# The stage a title names where its category has a "stage unspecified" code (macular degeneration, glaucoma).
_TITLE_STAGE = re.compile(
    r"\b(?P<words>(?:early|intermediate)\s+dry|advanced\s+atrophic|mild|moderate|severe|indeterminate)\s+stage\b|"
    r"\bwith\s+(?P<cnv>(?:active|inactive)\s+choroidal\s+neovascularization|inactive\s+scar)|"
    r"\b(?P<atrophic>advanced\s+atrophic\s+(?:with|without)\s+subfoveal\s+involvement)",
    re.IGNORECASE,
)
_STAGE_FILLER = frozenset({"dry", "with", "without", "involvement", "choroidal", "neovascularization"})


def unstated_stage(note: Qualifiers, title: str) -> str | None:
    """A title naming a stage (or an activity) of which the note says no word: "stage unspecified" is the
    sibling for a stage never documented ("dry AMD": H35.3110, not "advanced atrophic")."""
    stage = _stage_named(title)
    if stage is None or not note.said:
        return None
    named = words_said(stage) - _STAGE_FILLER - {"stage"}
    if named & note.said:
        return None
    return f'title says "{stage.lower()}", the note names no stage (stage unspecified is the default)'


@lru_cache(maxsize=65536)  # a code title's reading, kept for the process (code-set text)
def _stage_named(title: str) -> str | None:
    m = _TITLE_STAGE.search(title)
    return None if m is None else m.group(0)


_NOT_REMITTED = ("no", "relapse")
_REMISSION_WORDS = {"no": "not having achieved remission", "relapse": "in relapse"}


def remitted(value: str | None) -> bool:
    """A remission read from the words (any kind), not its absence nor a relapse."""
    return value not in (None, *_NOT_REMITTED)


def _axis(conflicts: list[str], agree: list[str], name: str, note: bool | None, title: bool | None) -> None:
    if note is None or title is None:
        return
    if note == title:
        agree.append(name if note else f"not {name}")
    else:
        conflicts.append(
            f"title says {'' if title else 'not '}{name}, the note {'' if note else 'not '}{name}"
        )


class _Cand(Protocol):
    code: str
    score: float  # re-scored in place (the engine builds fresh candidates per query)


C = TypeVar("C", bound=_Cand)
CONFLICT_FACTOR = 0.5
AGREE_BONUS = 0.03


def says_recurrent(text: str) -> bool:
    """The text calls a condition recurrent."""
    return _RECURRENT.search(text) is not None


def unstated_intent(note: Qualifiers, title: Qualifiers) -> bool:
    """A poisoning or toxic effect coded as self-harm, assault or undetermined where neither the mention nor
    the rest of the note states an intent: "If the intent of the poisoning is unknown or unspecified, code
    the intent as accidental" (guideline I.C.19.e.5.b)."""
    return title.intent not in (None, "accidental") and note.intent is None and not note.intent_elsewhere


_INTENT_WORDS = re.compile(
    r",\s*(?:accidental \(unintentional\)|intentional self-harm|assault|undetermined)(?=,|$)", re.IGNORECASE
)


def accidental_twin(
    code: str, title_of: Callable[[str], str], siblings_of: Callable[[str], list[str]]
) -> str:
    """The code of the same poisoning or toxic effect, accidental (itself when there is none)."""
    plain = _INTENT_WORDS.sub("", title_of(code))
    for sib in siblings_of(code):
        title = title_of(sib)
        if (
            sib[-1] == code[-1]
            and title_intent(title) == "accidental"
            and _INTENT_WORDS.sub("", title) == plain
        ):
            return sib
    return code


def _default_intent(
    cands: Sequence[C],
    note: Qualifiers,
    title_of: Callable[[str], str],
    siblings_of: Callable[[str], list[str]],
    make: Callable[[str, float], C],
) -> list[C]:
    """A poisoning or toxic effect the note gives no intent is accidental: a candidate of another intent
    becomes its accidental twin in its place (the twin's own, lower place is dropped)."""
    placed: set[str] = set()
    out: list[C] = []
    for c in cands:
        if unstated_intent(note, title_qualifiers(title_of(c.code))):
            twin = accidental_twin(c.code, title_of, siblings_of)
            if twin != c.code:
                c = _recoded(c, twin, make)
        if c.code not in placed:
            placed.add(c.code)
            out.append(c)
    return out


def _recoded(c: C, code: str, make: Callable[[str, float], C]) -> C:
    """``c`` under another code, its retrieval features kept (the twins' titles differ in the intent only)."""
    new = make(code, c.score)
    for name, value in vars(c).items():
        if name not in ("code", "row"):
            setattr(new, name, value)
    return new


# A title defined by a word it leaves unsaid ("Complete rotator cuff tear or rupture not specified as
# traumatic", "Gastric ulcer, unspecified as acute or chronic"): a note that says the word is not that code
# (Index: Tear, rotator cuff, traumatic S46.01-). The index walker reads titles with it too.
TITLE_UNSAID = re.compile(r"\b(?:not specified|unspecified) as\b(?: to\b)? ([^,]+)", re.IGNORECASE)
_UNSAID_CONNECTORS = frozenset({"or", "and", "versus", "as", "to", "the", "of", "between"})
_SPECIFIED = words_said("specified unspecified")


def unsaid_word_said(title: str, said: frozenset[str]) -> str | None:
    """The word a title leaves unsaid that the note's phrase says, if any (not the title's own condition
    words: "PROM, unspecified as to length of time between rupture and onset of labor")."""
    found = TITLE_UNSAID.search(title)
    if found is None or not said or said & _SPECIFIED:  # "unspecified as to acute or chronic" says neither
        return None
    own = words_said(title[: found.start()])
    hit = [
        w
        for w in _WORD_RE.findall(found.group(1).lower())
        if w not in _UNSAID_CONNECTORS and stem(w) not in own and stem(w) in said
    ]
    return " ".join(hit) or None


def _nothing_to_weigh(note: Qualifiers, cands: Sequence[_Cand], title_of: Callable[[str], str]) -> bool:
    """The note says nothing on any axis (its own words aside), and no title asserts what such a note never
    implies (a remission, a recurrence, a cause in _KINDS) or codes a condition with what the note names: the
    order stands."""
    if not replace(note, said=frozenset()).empty:
        return False
    for c in cands:
        said = title_qualifiers(title_of(c.code))
        if remitted(said.remission) or said.kinds or said.recurrent or unstated_intent(note, said):
            return False
        if not getattr(c, "walk", 0.0) and unnamed_condition(note, said):
            return False
        if unsaid_word_said(title_of(c.code), note.said):
            return False
    return True


def rerank(
    cands: Sequence[C],
    note: Qualifiers,
    title_of: Callable[[str], str],
    siblings_of: Callable[[str], list[str]],
    make: Callable[[str, float], C],
) -> tuple[list[C], dict[str, list[str]]]:
    """Candidates re-scored by qualifier agreement; the top one's agreeing sibling joins when missing.

    Returns the re-sorted candidates and, per code, the reasons (conflicts and agreements) shown to the coder.
    """
    if not cands:
        return list(cands), {}
    if _nothing_to_weigh(note, cands, title_of):
        return list(cands), {}
    cands = _default_intent(cands, note, title_of, siblings_of, make)
    reasons: dict[str, list[str]] = {}
    out: list[C] = []
    for c in cands:
        title = title_of(c.code)
        said = title_qualifiers(title)
        conflicts, agree = (
            (names_excluded(note, said), []) if title_names_only_its_head(title) else compare(note, said)
        )
        unnamed = None if getattr(c, "walk", 0.0) else unnamed_condition(note, said)  # the Index may say so
        if unnamed:
            conflicts.append(unnamed)
        unsaid = unsaid_word_said(title, note.said)
        if unsaid:
            conflicts.append(f'title is "not specified as {unsaid}", the note says it')
        if (
            said.recurrent
            and note.recurrent is None
            and not note.recurrent_nearby
            and not getattr(c, "walk", 0.0)
            and not _KIND_NAME.search(title)
        ):
            conflicts.append("title says recurrent, the note does not")  # ("Canker sore": the Index's K12.0)
        c.score = c.score * (CONFLICT_FACTOR if conflicts else 1.0) + AGREE_BONUS * len(agree)
        out.append(c)
        if conflicts or agree:
            reasons[c.code] = [f"qualifier conflict: {x}" for x in conflicts] + [
                f"qualifier: {x}" for x in agree
            ]
    top = cands[0]
    top_score = top.score / CONFLICT_FACTOR
    if reasons.get(top.code, [""])[0].startswith("qualifier conflict"):
        present = {c.code for c in cands}
        best: tuple[int, str] | None = None
        for sib in siblings_of(top.code):
            if sib in present:
                continue
            conflicts, agree = compare(note, title_qualifiers(title_of(sib)))
            if not conflicts and agree and (best is None or len(agree) > best[0]):
                best = (len(agree), sib)
                reasons[sib] = [f"qualifier: {x}" for x in agree]
        if best is not None:
            out.append(make(best[1], top_score + AGREE_BONUS * best[0]))
    out.sort(key=lambda c: (-c.score, c.code))
    return out, reasons

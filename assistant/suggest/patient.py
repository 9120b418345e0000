"""Who the note is about: sex, age and pregnancy, from the request or read from the note itself.

The request's ``patient`` wins over what the note says; the note fills what the request leaves out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from assistant.suggest.schemas import Patient
from assistant.suggest.spoken_numbers import spoken_digits

Sex = Literal["F", "M", "U"]

_AGE_UNIT = (
    r"(?:-|\s)?(?:y/o|y\.o\.?|yo|yrs?[- ]old|years?[- ]old|"
    r"(?P<young>months?|mos?|weeks?|wks?|days?)[- ]old)"
)
_AGE_RE = re.compile(
    rf"(?<![\w.])(?P<n>\d{{1,3}})\s*{_AGE_UNIT}(?![\w/])|\bage[d:]?\s+(?P<n2>\d{{1,3}})\b", re.IGNORECASE
)
_SEX_WORDS: dict[str, Sex] = {
    "male": "M", "man": "M", "gentleman": "M", "boy": "M", "m": "M", "gent": "M",
    "female": "F", "woman": "F", "lady": "F", "girl": "F", "f": "F",
}  # fmt: skip
# The sex word right after the age ("58 y/o male", "58yo F", "4 year old girl").
_SEX_AFTER_AGE = re.compile(
    r"\s*(?:,\s*)?(?:(?:african[- ]american|caucasian|white|black|hispanic|asian|obese|healthy|pregnant)\s+)?"
    r"(?P<w>male|man|gentleman|gent|boy|female|woman|lady|girl|[MF])(?![\w'])",
    re.IGNORECASE,
)
_AGE_SEX_COMPACT = re.compile(r"(?<![\w.,/:])(\d{1,3})\s?([MF])(?![\w'])")
_TEMPERATURE = re.compile(r"(?:temp\w*|t|tmax|fever\w*|°)\s*(?:of|:|=)?\s*$", re.IGNORECASE)
_INFANT_RE = re.compile(
    r"\b(?:newborn|neonate|neonatal\s+visit|day\s+of\s+life\s+\d+|DOL\s*\d+)\b|"
    r"\b(?P<months>\d{1,2})[- ]?(?:months?|mos?|mo)[- ](?:old|well|wcc|wcv|visit|check)\b",
    re.IGNORECASE,
)
_SEX_WORD_RE = re.compile(r"\b(male|female|boy|girl|man|woman|gentleman|lady)\b", re.IGNORECASE)
_RELATIVE_BEFORE = re.compile(
    r"\b(?:mother|father|mom|dad|parents?|brother|sister|son|daughter|wife|husband|partner|aunt|uncle|"
    r"grand\w+|family|with\s+a|another|other)\W+(?:\w+\W+)?$",
    re.IGNORECASE,
)
_HE = re.compile(r"\b(?:he|him|his)\b", re.IGNORECASE)
_SHE = re.compile(r"\b(?:she|her|hers)\b", re.IGNORECASE)
_SEX_ALONE = re.compile(
    r"\b(?:sex|gender)\s*:\s*(?P<w>male|female|[MF])\b|\b(?P<t>mr|mrs|ms|miss)\.?\s+[A-Z]", re.IGNORECASE
)
_PREGNANCY_CUES = re.compile(
    r"\bG\d{1,2}\s*P\d{1,4}(?:-\d+){0,3}\b|\bpregnan(?:t|cy)\b|\bgestation(?:al)?\b|\bIUP\b|\btrimester\b|"
    r"\bprenatal\b(?!\s+vitamins?\b)|\bantepartum\b|\bpostpartum\b|\bpuerper\w*|\b\d{1,2}w\d d\b|\bEGA\b|"
    r"\bgravid\w*|"
    r"\b(?:in\s+)?labou?r\b(?!\s+(?:force|market|union))|\bdeliver(?:y|ed)\b|\babortion\b|\bmiscarriage\b|"
    r"\bectopic\b|\bplacenta\w*|\b(?:pre-?)?eclampsia\b|\bhyperemesis\b|\bobstetric\w*|\bcesarean\b|"
    r"\bc-section\b|\bamniotic\b|\bchorioamnionitis\b|\bfetus\b|\bmaternal\b|\bn?svd\b|\bPP\s+(?:visit|check)\b",
    re.IGNORECASE,
)
# A pregnancy denied, tested for, or only planned or supposed ("call if planning pregnancy", "avoid pregnancy
# on isotretinoin", "pregnancy planned next year", "raise the dose once pregnancy is confirmed") is not
# documented; nor is a prenatal vitamin, which women take before conceiving.
_PREG_NEGATION = re.compile(
    r"\b(?:not|no|non|denies|negative|ruled\s+out|possible|possibly|could\s+be|test|if|planning|plans?|"
    r"considering|future|avoid|avoiding|prevent|preventing|once|upon|trying|"
    # a pregnancy of the past ("PMH: gestational hypertension", "h/o preeclampsia")
    r"pmh|h/o|hx|history|prior|previous|past|remote)\b[^.\n;]{0,25}$",
    re.IGNORECASE,
)
# "with her first pregnancy", "after her last delivery": another pregnancy than a current one.
_ANOTHER = (
    r"(?:with|during|in|after)\s+(?:her\s+)?(?:first|second|third|last|prior|previous|\d(?:st|nd|rd|th))"
)
_PREG_NEGATION_AFTER = re.compile(
    r"^[^.\n;]{0,15}\b(?:test\s+)?(?:negative|neg)\b|^\s*(?:test|testing|planned|planning|prevention)\b|"
    rf"^[^.\n;]{{0,25}}\b{_ANOTHER}\s+(?:pregnancy|child|baby|delivery)|"
    r"^[^.\n;]{0,25}\b(?:in\s+(?:19|20)\d\d|years?\s+ago)\b",
    re.IGNORECASE,
)  # "pregnancy test if no period" orders a test: it documents no pregnancy
_ANOTHER_PREGNANCY = re.compile(rf"\b{_ANOTHER}\s+$", re.IGNORECASE)
_FRACTION = r"(?:\s*\+\s*\d|\s+and\s+\d/7|\s+\d/7)?"
# The delivery itself in a note that also gives the weeks it happened at ("admitted at 37w2d ... SVD of a
# liveborn male"): the stay's conditions are those "complicating childbirth".
_DELIVERY = re.compile(
    r"\b(?:delivered|n?svd|vaginal\s+delivery|cesarean\s+(?:delivery|section)|c-section|liveborn|live-born)\b",
    re.I,
)
# A delivery of another time: a previous one ("prior low transverse C-section 2022"), a planned one.
_OTHER_DELIVERY_BEFORE = re.compile(
    r"\b(?:prior|previous|prev|hx|h/o|history|last|s/p|plan\w*|scheduled|desires?|will|for|consider\w*|"
    r"repeat|tolac|vbac|first|second)\b[^.;\n]{0,25}$",
    re.I,
)
_DATED_AFTER = re.compile(r"^[^.;\n]{0,40}\b(?:19|20)\d\d\b|^[^.;\n]{0,20}\bago\b", re.I)


def _delivery_now(note: str) -> bool:
    """The note records a delivery of this stay, not a previous or a planned one."""
    return any(
        not _OTHER_DELIVERY_BEFORE.search(note[max(0, m.start() - 40) : m.start()])
        and not _DATED_AFTER.search(note[m.end() : m.end() + 30])
        for m in _DELIVERY.finditer(note)
    )


def _past_delivery_before(note: str, at: int) -> bool:
    """A dated delivery ("SVD 10/22/2026", "delivered 3 weeks ago") named earlier on the line that gives
    the weeks: they are the weeks that delivery came at, not a current gestation."""
    line = note[note.rfind("\n", 0, at) + 1 : at]
    return any(_DATED_AFTER.search(line[m.end() :]) for m in _DELIVERY.finditer(line))


_POSTPARTUM_NOTE = re.compile(r"\bpost-?partum\b|\bpuerper\w*|\bdelivered\b|\bSVD\b|\bNSVD\b", re.I)
_WEEKS_RE = re.compile(
    r"\b(?:EGA|GA|gestational\s+age)\s*(?:of|:|is)?\s*(?P<a>\d{1,2})(?=\s*(?:weeks?|wks?|w\d|\+|\d/7))"
    rf"|\b(?P<b>\d{{1,2}})w\d\s*d\b"
    rf"|\b(?P<c>\d{{1,2}}){_FRACTION}\s*(?:-\s*)?(?:weeks?|wks?)(?:\s+(?:and\s+)?\d\s*days?)?\s*(?:of\s+)?"
    r"(?:gestation|gestational|pregnant|pregnancy|GA\b|EGA\b|IUP\b)"
    # "G2P1 at 24 weeks 3 days", "at 36w", "28 week visit", "OB visit, 33 weeks" (read only in a documented
    # pregnancy)
    rf"|\b(?:at|IUP)\s+~?(?P<d>\d{{1,2}}){_FRACTION}(?:\s*(?:weeks?|wks?)|w)\b"
    r"|\b(?P<e>\d{1,2})[- ]?(?:weeks?|wks?)\s+(?:visit|OB|prenatal|check)\b"
    r"|\b(?:OB|prenatal|antenatal)\s+(?:visit|f/u|follow-up)\W{1,3}(?P<f>\d{1,2})\s*(?:weeks?|wks?)\b"
    # "Pregnant 8 wks", "pregnant, at 12 weeks", "Pregnancy, 12 weeks" (not "a pregnancy 12 weeks ago")
    rf"|\bpregnan(?:t|cy)\W{{0,3}}(?:at\s+)?~?(?P<g>\d{{1,2}}){_FRACTION}\s*(?:weeks?|wks?|w)\b(?!\s+ago)"
    # the weeks beside the obstetric formula ("28 wk G2P1 presenting with ...", "G3P2, 31 weeks")
    rf"|\b(?P<h>\d{{1,2}}){_FRACTION}\s*(?:weeks?|wks?|w)\W{{1,3}}G\d{{1,2}}\s*P\d"
    rf"|\bG\d{{1,2}}\s*P\d{{1,4}}\W{{1,3}}(?P<i>\d{{1,2}}){_FRACTION}\s*(?:weeks?|wks?|w)\b(?!\s+ago)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class NoteDemographics:
    """What the note itself says about the patient (spans on the original note)."""

    sex: Sex = "U"
    age_years: int | None = None
    pregnant: bool = False
    weeks: int | None = None
    weeks_span: Span | None = None
    pregnancy_span: Span | None = None
    delivered: bool = False  # the note records the delivery itself (a delivery stay's note)


@dataclass(frozen=True)
class PatientFacts:
    """The patient the engine codes for: the request's patient over the note's demographics."""

    sex: Sex = "U"
    age_years: int | None = None
    pregnant: bool = False
    weeks: int | None = None
    weeks_span: Span | None = None
    delivered: bool = False  # the delivery is part of this encounter: conditions "complicating childbirth"
    phrase: bool = False  # a search phrase, not a note: the phrase itself is all the documentation
    sex_source: str = "unknown"  # request | note | unknown
    age_source: str = "unknown"
    date_of_service: date | None = None  # the MCE edits in force on that date (today when None)

    @property
    def known(self) -> bool:
        return self.sex != "U" or self.age_years is not None


def read_demographics(note: str) -> NoteDemographics:
    """Age, sex and a documented pregnancy (with its weeks of gestation) as the note writes them."""
    sex: Sex = "U"
    age: int | None = None
    spelled = next((m for m in _AGE_RE.finditer(note) if int(m.group("n") or m.group("n2")) <= 130), None)
    compact = next(
        (
            m
            for m in _AGE_SEX_COMPACT.finditer(note)
            if not _TEMPERATURE.search(note[max(0, m.start() - 14) : m.start()])
        ),
        None,
    )  # "71M", "72 F" (not "Temp 100 F")
    if compact is not None and (spelled is None or compact.start() < spelled.start()):
        age, sex = int(compact.group(1)), _SEX_WORDS[compact.group(2).lower()]
    elif spelled is not None:
        age = 0 if spelled.group("young") else int(spelled.group("n") or spelled.group("n2"))
        after = _SEX_AFTER_AGE.match(note, spelled.end())
        if after:
            sex = _SEX_WORDS[after.group("w").lower()]
    if age is None:
        infant = _INFANT_RE.search(note)  # "newborn", "day of life 5", "15 month well child visit"
        if infant:
            age = int(infant.group("months")) // 12 if infant.group("months") else 0
    if sex == "U":
        sex = _sex_from_words(note)
    if sex == "U":
        alone = _SEX_ALONE.search(note)
        if alone and alone.group("w"):
            sex = _SEX_WORDS[alone.group("w").lower()]
        elif alone and alone.group("t"):
            sex = "M" if alone.group("t").lower() == "mr" else "F"
    preg = _documented_pregnancy(note)
    weeks, weeks_span = None, None
    if preg is not None:
        wm = _WEEKS_RE.search(spoken_digits(note))  # "at thirty four weeks" as "at 34 weeks"
        if wm and _POSTPARTUM_NOTE.search(note) and not any(wm.group("a", "b", "c")):
            wm = None  # "CBC at the 6-wk visit" after a delivery is the postpartum visit, not a gestation
        if wm and _POSTPARTUM_NOTE.search(note) and _past_delivery_before(note, wm.start()):
            wm = None  # "SVD 10/22 at 39w1d" at the postpartum visit: the weeks the delivery came at
        if wm:
            value = int(next(g for g in wm.group("a", "b", "c", "d", "e", "f", "g", "h", "i") if g))
            if 1 <= value <= 45:
                weeks, weeks_span = value, Span(wm.start(), wm.end())
    if preg is not None and sex == "U":
        sex = "F"  # a documented pregnancy ("G2P1", "28 weeks pregnant") is a female patient
    delivered = weeks is not None and _delivery_now(note)
    return NoteDemographics(sex, age, preg is not None, weeks, weeks_span, preg, delivered)


def _sex_from_words(note: str) -> Sex:
    """ "Boy here with mother", "Term male": a sex word about the patient (not a relative), else pronouns."""
    for m in _SEX_WORD_RE.finditer(note):
        if not _RELATIVE_BEFORE.search(note[max(0, m.start() - 25) : m.start()]):
            return _SEX_WORDS[m.group(1).lower()]
    he = len(_HE.findall(note))
    she = len(_SHE.findall(note))
    if he >= 2 and she == 0:
        return "M"
    if she >= 2 and he == 0:
        return "F"
    return "U"


# The obstetric formula: gravida, then para as one count ("G2P2") or as term-preterm-abortions-living
# ("G2P1011", "G3 P1-0-1-1").
_OB_FORMULA = re.compile(r"G(?P<g>\d{1,2})\s*P(?P<p>\d{1,4})(?:-(?P<pre>\d+)-(?P<ab>\d+)(?:-\d+)?)?\b", re.I)


def _formula_closed(cue: str) -> bool:
    """A formula whose outcomes add up to its gravidity ("G2P2", "G2P2002", "G3P0030") counts only past
    pregnancies: every pregnancy has ended, so none is current (the gravidity counts a current one)."""
    m = _OB_FORMULA.fullmatch(cue)
    if m is None:
        return False
    p = m.group("p")
    if m.group("pre") is not None:
        outcomes = int(p) + int(m.group("pre")) + int(m.group("ab"))
    elif len(p) == 4:
        outcomes = sum(int(d) for d in p[:3])
    else:
        outcomes = int(p)
    return outcomes >= int(m.group("g"))


def _documented_pregnancy(note: str) -> Span | None:
    for m in _PREGNANCY_CUES.finditer(note):
        before = note[max(0, m.start() - 40) : m.start()]
        if (
            _formula_closed(m.group(0))
            or _PREG_NEGATION.search(before)
            or _PREG_NEGATION_AFTER.search(note[m.end() : m.end() + 25])
            or _ANOTHER_PREGNANCY.search(before)
        ):
            continue
        return Span(m.start(), m.end())
    return None


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def resolve_patient(
    requested: Patient | None, note: NoteDemographics, date_of_service: date | None = None
) -> PatientFacts:
    """The request's sex and age win; the note fills the gaps. Pregnancy is read from the note only."""
    sex: Sex = note.sex
    sex_source = "note" if note.sex != "U" else "unknown"
    age, age_source = note.age_years, ("note" if note.age_years is not None else "unknown")
    if requested is not None:
        if requested.sex != "U":
            sex, sex_source = requested.sex, "request"
        if requested.age_years is not None:
            age, age_source = requested.age_years, "request"
        elif requested.date_of_birth is not None:
            age, age_source = age_on(requested.date_of_birth, date_of_service or date.today()), "request"
    pregnant = note.pregnant and sex != "M"
    return PatientFacts(
        sex=sex,
        age_years=age,
        pregnant=pregnant,
        weeks=note.weeks if pregnant else None,
        weeks_span=note.weeks_span if pregnant else None,
        delivered=pregnant and note.delivered,
        sex_source=sex_source,
        age_source=age_source,
        date_of_service=date_of_service,
    )

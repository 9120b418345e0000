"""Who the note is about: sex, age and pregnancy, from the request or read from the note itself.

The request's ``patient`` wins over what the note says; the note fills what the request leaves out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from assistant.suggest.schemas import Patient

Sex = Literal["F", "M", "U"]

_AGE_UNIT = (
    r"(?:-|\s)?(?:y/o|y\.o\.?|yo|yrs?(?:[- ]old)?|years?[- ]old|year|years|"
    r"(?P<young>months?|mos?|weeks?|wks?|days?)[- ]old)"
)
_AGE_RE = re.compile(rf"(?<![\w.])(?P<n>\d{{1,3}})\s*{_AGE_UNIT}(?![\w/])", re.IGNORECASE)
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
_SEX_ALONE = re.compile(
    r"\b(?:sex|gender)\s*:\s*(?P<w>male|female|[MF])\b|\b(?P<t>mr|mrs|ms|miss)\.?\s+[A-Z]", re.IGNORECASE
)
_PREGNANCY_CUES = re.compile(
    r"\bG\d{1,2}\s*P\d{1,4}(?:-\d+){0,3}\b|\bpregnan(?:t|cy)\b|\bgestation(?:al)?\b|\bIUP\b|\btrimester\b|"
    r"\bprenatal\b|\bantepartum\b|\bpostpartum\b|\bpuerperium\b|\b\d{1,2}w\d d\b|\bEGA\b",
    re.IGNORECASE,
)
_PREG_NEGATION = re.compile(
    r"\b(?:not|no|non|denies|negative|ruled\s+out|possible|possibly|could\s+be|test)\b[^.\n;]{0,25}$",
    re.IGNORECASE,
)
_PREG_NEGATION_AFTER = re.compile(r"^[^.\n;]{0,15}\b(?:test\s+)?(?:negative|neg)\b", re.IGNORECASE)
_FRACTION = r"(?:\s*\+\s*\d|\s+and\s+\d/7|\s+\d/7)?"
_WEEKS_RE = re.compile(
    r"\b(?:EGA|GA|gestational\s+age)\s*(?:of|:|is)?\s*(?P<a>\d{1,2})(?=\s*(?:weeks?|wks?|w\d|\+|\d/7))"
    rf"|\b(?P<b>\d{{1,2}})w\d\s*d\b"
    rf"|\b(?P<c>\d{{1,2}}){_FRACTION}\s*(?:-\s*)?(?:weeks?|wks?)(?:\s+(?:and\s+)?\d\s*days?)?\s*(?:of\s+)?"
    r"(?:gestation|gestational|pregnant|pregnancy|GA\b|EGA\b|IUP\b)",
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


@dataclass(frozen=True)
class PatientFacts:
    """The patient the engine codes for: the request's patient over the note's demographics."""

    sex: Sex = "U"
    age_years: int | None = None
    pregnant: bool = False
    weeks: int | None = None
    weeks_span: Span | None = None
    sex_source: str = "unknown"  # request | note | unknown
    age_source: str = "unknown"

    @property
    def known(self) -> bool:
        return self.sex != "U" or self.age_years is not None


def read_demographics(note: str) -> NoteDemographics:
    """Age, sex and a documented pregnancy (with its weeks of gestation) as the note writes them."""
    sex: Sex = "U"
    age: int | None = None
    for m in _AGE_RE.finditer(note):
        n = int(m.group("n"))
        if n > 130:
            continue
        age = 0 if m.group("young") else n
        after = _SEX_AFTER_AGE.match(note, m.end())
        if after:
            sex = _SEX_WORDS[after.group("w").lower()]
        break
    if age is None:
        compact = next(
            (
                m
                for m in _AGE_SEX_COMPACT.finditer(note)
                if not _TEMPERATURE.search(note[max(0, m.start() - 14) : m.start()])
            ),
            None,
        )  # "71M", "72 F" (not "Temp 100 F")
        if compact:
            age, sex = int(compact.group(1)), _SEX_WORDS[compact.group(2).lower()]
    if sex == "U":
        alone = _SEX_ALONE.search(note)
        if alone and alone.group("w"):
            sex = _SEX_WORDS[alone.group("w").lower()]
        elif alone and alone.group("t"):
            sex = "M" if alone.group("t").lower() == "mr" else "F"
    preg = _documented_pregnancy(note)
    weeks, weeks_span = None, None
    if preg is not None:
        wm = _WEEKS_RE.search(note)
        if wm:
            value = int(wm.group("a") or wm.group("b") or wm.group("c"))
            if 1 <= value <= 45:
                weeks, weeks_span = value, Span(wm.start(), wm.end())
    if preg is not None and sex == "U":
        sex = "F"  # a documented pregnancy ("G2P1", "28 weeks pregnant") is a female patient
    return NoteDemographics(sex, age, preg is not None, weeks, weeks_span, preg)


def _documented_pregnancy(note: str) -> Span | None:
    for m in _PREGNANCY_CUES.finditer(note):
        before = note[max(0, m.start() - 40) : m.start()]
        if _PREG_NEGATION.search(before) or _PREG_NEGATION_AFTER.search(note[m.end() : m.end() + 25]):
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
        sex_source=sex_source,
        age_source=age_source,
    )

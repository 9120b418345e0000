"""A short diagnosis phrase (one mention, the engine's phrase mode) read as the code sets word their titles.

Two steps, both our own rules from the way ICD-10-CM titles are written:

- ``phrase_query``: the search text of a phrase. Diagnosis statements say "without mention of X" where the
  titles say "without X", and "with or without mention of X" qualifies nothing. The reader's trigger words
  are context in a note but part of the diagnosis in one phrase: "spina bifida without hydrocephalus",
  "personal history of malaria" (Z86.13) are searched as written.
- ``prefer_specificity``: among the retrieved codes, the one whose title agrees with what the phrase says
  about specificity. A phrase that names no side takes the unspecified-side code (guideline I.B.13), not
  a right / left / bilateral one; "other" (a specified kind the titles do not list) takes the "Other ..."
  code rather than the unspecified one; "unspecified" / "NOS" takes the unspecified code rather than an
  "other" one. A phrase set in a pregnancy (antepartum, postpartum, delivered, "in the mother",
  "complicating pregnancy") is a pregnancy-chapter code (guideline I.C.15.a.1: chapter 15 codes come first
  for a condition in pregnancy, as the Index's "Pregnancy, complicated by" does), a perinatal one (newborn,
  fetus or newborn) a chapter 16 code: ``chapter_cue`` names the chapter, searched on its own as well.
  Within the pregnancy chapter, the episode of care the phrase names (postpartum, delivered, antepartum)
  takes the code whose title names the same one (the puerperium, childbirth, a trimester).
- ``share_walk``: the Index walk's credit reaches the other candidates of the category it led to.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol, TypeVar

from assistant.suggest import (
    phrase_aircraft,
    phrase_intent,
    phrase_numbers,
    phrase_scope,
    phrase_sites,
    phrase_transport,
    phrase_vision,
    phrase_without,
    phrase_wording,
)
from assistant.suggest.index_walker import DRUG_COLUMNS
from assistant.suggest.types import Query

_WITH_OR_WITHOUT = re.compile(r"\bwith or without (?:mention of )?[^,;]*", re.IGNORECASE)
_WITHOUT_MENTION = re.compile(r"\bwithout mention of\b", re.IGNORECASE)
_SIDE = re.compile(r"\b(?:right|left|bilateral|both|rt|lt|unilateral)\b", re.IGNORECASE)
_TITLE_SIDE = re.compile(r"\b(?:right|left|bilateral)\b", re.IGNORECASE)
_OTHER = re.compile(r"\bother\b(?!\s+than)", re.IGNORECASE)
_UNSPECIFIED = re.compile(r"\bunspecified\b|\bNOS\b|\bnot otherwise specified\b", re.IGNORECASE)
# "unspecified" naming a site or side is about laterality / site, not the kind of condition
_UNSPECIFIED_SITE = re.compile(
    r"\bunspecified\s+(?:side|site|sites|laterality|eye|ear|[a-z]+\s+(?:limb|arm|leg|hand|foot))\b|"
    r",\s*unspecified\s+[a-z ]+$",
    re.IGNORECASE,
)

_PREGNANCY = re.compile(
    r"\b(?:antepartum|postpartum|puerper\w*|delivered|childbirth|in the mother|maternal|trimester|"
    r"(?:complicating|in|of) pregnancy|labou?r and delivery|obstetric\w*|of (?:the )?mother|"
    r"as to episode of care)\b",
    re.IGNORECASE,
)
# The episode of care a pregnancy phrase names, and the one a pregnancy-chapter title names. Postpartum is
# the puerperium (guideline I.C.15.o: the six weeks after delivery), "delivered" is childbirth, an
# antepartum condition one of the pregnancy itself (the trimester codes, guideline I.C.15.a.3).
_EPISODE = (
    ("puerperium", re.compile(r"\bpostpartum (?:condition|complication)s?\b", re.IGNORECASE)),
    ("pregnancy", re.compile(r"\bantepartum (?:condition|complication)s?\b", re.IGNORECASE)),
    ("childbirth", re.compile(r"\bdelivered\b", re.IGNORECASE)),
)
_TITLE_EPISODE = (
    ("puerperium", re.compile(r"\bthe puerperium\b", re.IGNORECASE)),
    ("childbirth", re.compile(r"\bcomplicating childbirth\b", re.IGNORECASE)),
    ("pregnancy", re.compile(r"\btrimester\b", re.IGNORECASE)),
)
_PERINATAL = re.compile(
    r"(?<!\bnot of )(?<!\bnot in )(?<!\bnot )\b(?:newborn|neonat\w*|perinatal|fetus or newborn)\b",
    re.IGNORECASE,
)
# A vaccination the phrase asks for (not its reaction, complication or omission) is the encounter (the
# Index: "Vaccination, encounter for" Z23); the disease named after "against" is the vaccine's target.
_VACCINATION = re.compile(
    r"\b(?:vaccination|inoculation|immunization)\b[^,;]*\b(?:against|for)\b", re.IGNORECASE
)
_NOT_ENCOUNTER = re.compile(
    r"\b(?:reaction|complication|not (?:done|carried out|given)|delayed|underimmuniz\w*)\b", re.IGNORECASE
)
VACCINATION_CUE = ("Z23",)
# A screening the phrase asks for is the encounter for screening (the Index: "Screening (for)" Z11-Z13, Z36;
# guideline I.C.21.c.5), not the disease screened for; a screening's result or finding is not the encounter.
_SCREENING = re.compile(r"\bscreening\b(?:\s+examination)?\s+for\b", re.IGNORECASE)
_SCREENING_RESULT = re.compile(r"\b(?:abnormal|findings?|results?|positive|negative)\b", re.IGNORECASE)
SCREENING_CUE = ("Z11", "Z12", "Z13", "Z36")
# A suspected condition observed and ruled out (or not found) is the observation encounter, not the condition
# (guideline I.C.21.c.6; Z03.- adults, Z05.- newborns)
_RULED_OUT = re.compile(
    r"\bsuspected\b.*\b(?:not found|ruled out)\b|\bobservation (?:and evaluation )?for suspected\b",
    re.IGNORECASE,
)
RULED_OUT_CUE = ("Z03", "Z05")
# An injury the phrase says is of undetermined intent is caused by an event of undetermined intent (Y21-Y33;
# guideline I.C.20.h: only where the record says the intent cannot be determined); a poisoning's intent is
# its own code's character (T36-T65), no external cause.
UNDETERMINED_CUE = tuple(f"Y{n}" for n in range(21, 34))
# A pathological fracture is the Index's "Fracture, pathological" (M84.4-; due to neoplastic disease M84.5-,
# to another disease M84.6-; guideline I.C.13.c), whatever bone and encounter the phrase names.
_PATHOLOGICAL_FRACTURE = re.compile(r"\bpathologic(?:al)?\s+fractures?\b", re.IGNORECASE)
PATHOLOGICAL_FRACTURE_CUE = ("M84.4", "M84.5", "M84.6")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")

# Score moves, chosen on the gem-phrases dev sample (evals/reports/phrases-2026-11-30.md).
SIDE_PENALTY = 0.1
KIND_BONUS = 0.1
EPISODE_BONUS = 0.1
SITE_BONUS = 0.1
WITHOUT_BONUS = 0.1
# A code of a category the phrase says it is without (phrase_without.category_excluded): no other word of
# the phrase outweighs it ("skull fracture without intracranial injury, with loss of consciousness" is no
# S06 code, however many of its words the S06 titles share)
CATEGORY_WITHOUT_PENALTY = 0.3
_INJURY_CHAPTER = ("S", "T")
# A phrase saying its condition is "in diseases classified elsewhere" names the manifestation code (I.A.13);
# over the Index walk's etiology code too (the first 3,000: 0.1 -> 0.2, 8 better, 0 worse)
ELSEWHERE_BONUS = 0.2
# A phrase that is a code's title word for word names that code (guideline I.A: the Tabular List's own title)
TITLE_BONUS = 0.2
CHAPTER_BONUS = 0.1
# A vaccination encounter is the phrase's code, not a bonus among others: the vaccine's target disease is
# not what the phrase reports (guideline I.C.21.c.2, Z23).
ENCOUNTER_BONUS = 1.0
CUED_CANDIDATES = 10  # codes of the cued chapter added to a phrase's candidates


# Negation words that are also the Index's main terms of a diagnosis ("Absence of menstruation": N91.2)
_TERM_NEGATION = ("absence of", "absent", "absence")


def negation_is_term(phrase: str, triggers: Sequence[str]) -> bool:
    """A one-phrase request's negation trigger is part of its diagnosis, not a denial: a word inside the
    term, or a main term of the Index ("Absence of vertebra"). A phrase that starts with a denial ("no
    chest pain") stays negated. (A "negative" that names a kind, "gram-negative organism", the reader
    itself does not read as a denial.)"""
    words = [t.split(":", 1)[1] for t in triggers if t.startswith("negated:")]
    lead = phrase.strip().lower()
    return bool(words) and all(w in _TERM_NEGATION or not lead.startswith(w) for w in words)


# Codes whose titles carry the suspicion themselves (a one-phrase request that names one is no uncertain
# diagnosis): a suspected condition ruled out or not found (Z03.-, "Encounter for observation for suspected
# ... ruled out"), a (suspected) exposure or carrier (Z20.-, Z22.-, Z77.-), maternal care for (suspected)
# damage to the fetus (O35.-).
_SUSPICION_CODED = re.compile(
    rf"{_RULED_OUT.pattern}|\(suspected\)|\bsuspected (?:exposure|carrier)\b|"
    r"\bsuspected (?:damage to (?:the )?fetus|fetal)\b",
    re.IGNORECASE,
)


def uncertainty_is_term(phrase: str) -> bool:
    """A one-phrase request's uncertainty word is part of what a code names (see _SUSPICION_CODED)."""
    return bool(_SUSPICION_CODED.search(phrase))


def phrase_query(text: str) -> str:
    """The search text of a one-phrase request (see the module docstring)."""
    return phrase_sites.with_joint(_worded(text))


def _worded(text: str) -> str:
    text = _WITH_OR_WITHOUT.sub(" ", text)
    text = _WITHOUT_MENTION.sub("without", text)
    text = _THOUSANDS.sub("", text)  # "1,500-1,749 grams": the titles write 1500-1749
    text = phrase_vision.as_h54(phrase_wording.as_classified(text))
    return re.sub(r"\s+", " ", text).strip(" ,;:-") or text.strip()


# A negation set off by a comma or a bracket ("hernia, bilateral (not specified as recurrent)", "jaundice, not
# of newborn"): in one phrase it is part of the diagnosis, as an inner negation is (reader.walk_query keeps
# those for the Index walk); without its punctuation the walk reads it so.
# "Not otherwise / further specified", "not elsewhere classified" are NOS and NEC, no negation.
_SET_OFF_NEGATION = re.compile(
    r"(?<=\w)\s*[,(\[]\s*(?=(?:not|without|no)\s+(?!(?:otherwise|further|elsewhere)\b)\w)", re.IGNORECASE
)


# A negation whose first words are a nonessential modifier in brackets ("without (acute) exacerbation"):
# the brackets go, so that the negation reaches the words it covers.
_NEGATED_BRACKET = re.compile(r"\b(without|not|no)\s+[(\[]([^)\]]*)[)\]]", re.IGNORECASE)
# "X other than Y" names an X that is not Y ("megacolon other than congenital"): read as the negation it is
_OTHER_THAN = re.compile(r"\bother\s+than\b", re.IGNORECASE)


# Injuries and burns name a limb region as the body surface: its joint is another site (S, T codes).
_SURFACE = re.compile(
    r"\b(?:burn|corrosion|frostbite|injur|wound|lacerat|contusion|abrasion|fracture|dislocat|sprain|crush|"
    r"amputat|bite|blister)",
    re.IGNORECASE,
)


# "Unspecified part of the radius", "ear, part unspecified", "unspecified site of the back": the site NOS,
# which the Index lists as the site's own subterm ("Fracture, radius" S52.9-; guideline I.A.9.a: NOS is
# unspecified); the words name no subterm of their own.
_UNSAID_PART = re.compile(
    r",?\s*\b(?:unspecified (?:part|site)s?(?:\s+of)?|(?:part|site)s? unspecified)\b", re.IGNORECASE
)


def walk_text(text: str) -> str:
    """The phrase as its Index walk reads it: worded as its search is (``phrase_query``: "without mention of"
    is "without", "type II" diabetes type 2, a burn named by its depth a burn of that degree ...), a
    limb region with its joint (phrase_sites, not for injuries and burns), and a negation after a comma or
    an opening bracket joined to the words before it, so that reader.walk_query keeps it."""
    worded = _worded(text)
    if not _SURFACE.search(worded):  # a limb region's joint (chapter XIII); a burn's region is its surface
        worded = phrase_sites.with_joint(worded)
    else:  # an injury's "unspecified part / site" of a region is the region NOS, the Index's bare subterm
        worded = re.sub(r"\s+", " ", _UNSAID_PART.sub(" ", worded)).strip()
    worded = _OTHER_THAN.sub("not", _NEGATED_BRACKET.sub(r"\1 \2", worded))
    return _SET_OFF_NEGATION.sub(" ", worded)


class Scored(Protocol):
    code: str
    score: float


C = TypeVar("C", bound=Scored)


class Walked(Scored, Protocol):
    walk: float


W = TypeVar("W", bound=Walked)

# Share of a walked code's Index credit that its category's other candidates receive (see share_walk),
# chosen on the gem-phrases dev sample (first 3,000): 0 / 0.3 / 0.5 / 0.7 / 1.0 -> R@1 0.703 / 0.709 / 0.709 /
# 0.704 / 0.693 (the walk does choose the right "unspecified cause" / "uncomplicated" code often enough).
WALK_SHARE = 0.3


def share_walk(cands: Sequence[W], w_walker: float, share: float = WALK_SHARE) -> None:
    """The Index walk leads to a category; the Tabular List then chooses its code (guideline I.A: the Index
    is verified in the Tabular List). A walk that stops at a main term or a short path ends on the
    category's default (often "unspecified") code, and the phrase's remaining words name a more specific
    code of the same category that the walk never reached. Each candidate the walk did not reach gets the
    best walk score of its category's walked candidates times ``share``, so the Index weighs less in the
    choice between the codes of its own category and the words (cosine, coverage, title) more."""
    best: dict[str, float] = {}
    for c in cands:
        if c.walk > 0:
            cat = c.code[:3]
            best[cat] = max(best.get(cat, 0.0), c.walk)
    if not best:
        return
    for c in cands:
        if c.walk <= 0 and c.code[:3] in best:
            c.score += w_walker * share * best[c.code[:3]]


class TableWalked(Walked, Protocol):
    walk_path: str


T = TypeVar("T", bound=TableWalked)

# The Table of Drugs and Chemicals gives a substance's T36-T65 code (guideline I.C.19.e): a phrase whose walk
# reached the table through its substance takes that cell's code over the class titles its other words match
# ("compounds", "other"), chosen on the gem-phrases dev sample (first 3,000: 0.1 / 0.2).
TABLE_BONUS = 0.2
_TABLE_STEP = tuple(f" -> {column} -> " for column in dict(DRUG_COLUMNS).values())
TABLE_WALK = 0.6  # the walk must account for most of the phrase's words


def prefer_drug_table(cands: Sequence[T], bonus: float = TABLE_BONUS) -> None:
    """The best-walked candidates reached through a Table of Drugs and Chemicals cell gain ``bonus``."""
    table = [c for c in cands if c.walk >= TABLE_WALK and any(step in c.walk_path for step in _TABLE_STEP)]
    if not table:
        return
    best = max(c.walk for c in table)
    for c in table:
        if c.walk >= best - 1e-9:
            c.score += bonus


def kind_words(title: str, site_other: bool = False) -> tuple[bool, bool]:
    """(says "other", says "unspecified" about the kind of condition) for a code title or a phrase;
    ``site_other``: its "other sites / parts" name a site, not a kind (where the phrase names one so)."""
    unsite = _UNSPECIFIED_SITE.sub(" ", title)
    kind = phrase_wording.SITE_OTHER.sub(" ", title) if site_other else title
    return bool(_OTHER.search(kind)), bool(_UNSPECIFIED.search(unsite))


def says_side(phrase: str) -> bool:
    """The phrase names a side (right, left, bilateral ...)."""
    return bool(_SIDE.search(phrase))


def title_side(title: str) -> bool:
    """The title is side-specific (right, left, bilateral)."""
    return bool(_TITLE_SIDE.search(title))


def chapter_cue(phrase: str) -> tuple[str, ...] | None:
    """The chapter a phrase's setting words call for: pregnancy ("O"), perinatal ("P"), an encounter for a
    vaccination ("Z23") or a screening (Z11-Z13, Z36), an observation for a suspected condition ruled out
    ("Z03", "Z05"), an event of undetermined intent (Y21-Y33), a pathological fracture (M84.4-M84.6), else
    None."""
    if _VACCINATION.search(phrase) and not _NOT_ENCOUNTER.search(phrase):
        return VACCINATION_CUE
    if _SCREENING.search(phrase) and not _SCREENING_RESULT.search(phrase):
        return SCREENING_CUE
    if _RULED_OUT.search(phrase):
        return RULED_OUT_CUE
    if phrase_intent.stated_intent(phrase) == "undetermined" and not phrase_intent.names_poisoning(phrase):
        return UNDETERMINED_CUE
    if _PERINATAL.search(phrase):
        return ("P",)
    if _PREGNANCY.search(phrase):
        return ("O",)
    if _PATHOLOGICAL_FRACTURE.search(phrase):
        return PATHOLOGICAL_FRACTURE_CUE
    return None


def cued_query(query: Query, cue: tuple[str, ...]) -> Query:
    """The phrase's query searched within its cued chapter: read as the phrase is (its walk text, its phrase
    weights), only the codes limited to the chapter."""
    return replace(query, prefixes=cue)


def episode_of(phrase: str) -> str | None:
    """The episode of care a pregnancy phrase names (puerperium, pregnancy, childbirth), else None."""
    return next((name for name, rx in _EPISODE if rx.search(phrase)), None)


def title_episode(title: str) -> str | None:
    """The episode of care a pregnancy-chapter title names, else None (the title is not episode-specific)."""
    return next((name for name, rx in _TITLE_EPISODE if rx.search(title)), None)


def prefer_specificity(cands: Sequence[C], phrase: str, title_of: Callable[[str], str]) -> list[C]:
    """The candidates re-scored by specificity agreement with the phrase, best first."""
    sided = bool(_SIDE.search(phrase))
    site_other = phrase_wording.names_site_other(phrase)
    q_other, q_unspecified = kind_words(phrase, site_other)
    cue = chapter_cue(phrase)
    episode = episode_of(phrase) if cue == ("O",) else None
    without = phrase_without.without_stems(phrase)
    person = phrase_transport.injured_person(phrase)
    intent = phrase_intent.stated_intent(phrase)
    nontraumatic = phrase_wording.nontraumatic_bone(phrase)
    for c in cands:
        title = title_of(c.code)
        if episode and c.code.startswith("O"):
            said = title_episode(title)
            c.score += EPISODE_BONUS * ((said == episode) - (said is not None and said != episode))
        if cue and c.code.startswith(cue):
            c.score += ENCOUNTER_BONUS if cue in (VACCINATION_CUE, SCREENING_CUE) else CHAPTER_BONUS
        c.score += SITE_BONUS * phrase_sites.site_agreement(phrase, c.code, title)
        c.score += SITE_BONUS * phrase_wording.residual_site_agreement(phrase, title)
        c.score += ELSEWHERE_BONUS * phrase_wording.elsewhere_agreement(phrase, title)
        c.score += KIND_BONUS * phrase_wording.opposite_kind_agreement(phrase, title)
        c.score += KIND_BONUS * phrase_wording.trauma_agreement(phrase, title)
        if nontraumatic and c.code.startswith("S"):
            c.score -= KIND_BONUS
        c.score += KIND_BONUS * phrase_intent.intent_agreement(phrase, title)
        c.score += KIND_BONUS * phrase_transport.person_agreement(person, title)
        c.score += KIND_BONUS * phrase_aircraft.aircraft_agreement(phrase, title, c.code)
        c.score += KIND_BONUS * phrase_intent.stated_intent_agreement(intent, title, c.code)
        c.score += TITLE_BONUS * phrase_wording.title_said(phrase, title)
        c.score += KIND_BONUS * phrase_numbers.number_agreement(phrase, title)
        if without:
            c.score += WITHOUT_BONUS * phrase_without.title_agreement(without, title)
            # an injury category (by site and kind); elsewhere the Index may class the phrase's own condition
            # in the category it is without ("Periostitis - see also Osteomyelitis": M86)
            if c.code.startswith(_INJURY_CHAPTER) and phrase_without.category_excluded(
                without, title_of(c.code[:3])
            ):
                c.score -= CATEGORY_WITHOUT_PENALTY
        if not sided and _TITLE_SIDE.search(title):
            c.score -= SIDE_PENALTY
        kind_title = phrase_scope.scoped_title(phrase, title) if q_other else title
        if q_unspecified and not q_other:
            kind_title = phrase_scope.condition_title(phrase, kind_title)
        t_other, t_unspecified = kind_words(kind_title, site_other)
        if q_other and not q_unspecified:
            c.score += KIND_BONUS * (t_other - (t_unspecified and not t_other))
        elif q_unspecified and not q_other:
            c.score += KIND_BONUS * (t_unspecified - (t_other and not t_unspecified))
    return sorted(cands, key=lambda c: (-c.score, c.code))

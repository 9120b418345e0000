"""Diagnosis-statement wordings that ICD-10-CM's titles and Index say another way (one-phrase requests only).

- A count of two or more ("three ribs", "two or more digits") is what the classification calls "multiple"
  (Index: "Fracture, rib, multiple"; titles: "Multiple fractures of ribs", "multiple fingers").
- "not stated as X" says X is not documented: the code is the one without X, as the Index's "not specified
  as" subterms are the default where a note is silent; the words of X are not searched.
- "other (specified) sites / parts of X" is about the site within X, not about the kind of condition: the
  residual site code of X's category ("... of other parts of X", "... of overlapping sites of X") rather
  than "X, unspecified" (a phrase that names "other parts" has said which parts are not meant) or an "other
  specified" code of another category.
"""

from __future__ import annotations

import re

_COUNT = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten)(?:\s+or\s+more)?\s+"
    r"(?!(?:weeks|days|hours|months|years|minutes|times|grams)\b)(?=[a-z]+s\b)",
    re.IGNORECASE,
)
# Diabetes mellitus type 1 / type 2 (the Index: "Diabetes, type 1"; older statements say "type I" / "type II")
_DIABETES = re.compile(r"\bdiabet", re.IGNORECASE)
_ROMAN_TYPE = re.compile(r"\btype\s+(II|I)\b")
# A share below a bound as the titles' first band says it ("less than 10 percent": "0% to 9%", T31-T32)
_BELOW = re.compile(r"\bless than (\d+)\s*(?:percent|%)", re.IGNORECASE)
# A loss of consciousness as long as the titles' bands say it (S06.-: "30 minutes or less", "1 hour to 5 hours
# 59 minutes", "greater than 24 hours"); an interval that spans bands is read as its first band
_CONSCIOUSNESS_BANDS = (
    (re.compile(r"\b(?:more|greater|longer) than 24 hours\b", re.IGNORECASE), "greater than 24 hours"),
    (re.compile(r"\bless than (?:one|1) hour\b", re.IGNORECASE), "30 minutes or less"),
    (re.compile(r"\b1\s*(?:-|to)\s*24 hours\b", re.IGNORECASE), "1 hour to 5 hours 59 minutes"),
)
_UNSTATED = re.compile(r",?\s*\bnot stated as [^,;()\[\]]+", re.IGNORECASE)
# The Index's burn depths ("Burn, erythema / blisters / epidermal loss / full thickness skin loss / deep
# necrosis of underlying tissue - code as Burn, first / second / third degree, by site")
_DEPTH = re.compile(
    r"\b(?:erythema(?:tous)?|blisters?|epidermal loss|full[- ]thickness skin loss|"
    r"deep necrosis of underlying tissues?)\b,?",
    re.IGNORECASE,
)
_DEGREE = re.compile(r"\b(first|second|third|fourth) degree\b", re.IGNORECASE)
_DEGREE_NOTE = re.compile(r"[\[(][^\])]*\bdegree\b[^\])]*[\])]", re.IGNORECASE)
_BURN = re.compile(r"\b(?:burns?|burned|corrosions?|scalds?)\b", re.IGNORECASE)
SITE_OTHER = re.compile(
    r"\bother\s+(?:(?:specified|(?:and|or)\s+(?:multiple|unspecified|combined))\s+)?"
    r"(?:sites?|parts?|regions?|organs?)\b",
    re.IGNORECASE,
)
_TITLE_RESIDUAL_SITE = re.compile(
    r"\bother\s+(?:specified\s+)?(?:sites?|parts?|regions?|organs?)\b|\boverlapping\s+(?:sites|lesion)\b",
    re.IGNORECASE,
)
_TITLE_UNSPECIFIED_SITE = re.compile(
    r"\bunspecified\s+(?:sites?|parts?)\b|\b(?:site|part)\s+unspecified\b|,\s*unspecified$", re.IGNORECASE
)


# Open / closed is a fracture's axis (its 7th character); a dislocation has none in ICD-10-CM, so a closed
# dislocation's "closed" only pulls toward fracture titles ("... initial encounter for closed fracture").
_CLOSED_DISLOCATION = re.compile(
    r"\bclosed\b(?=[^;]*\bdislocation)|(?<=dislocation)\b([^;]*?),?\s*\bclosed\b", re.I
)
_FRACTURE = re.compile(r"\bfracture", re.IGNORECASE)


def without_closed(text: str) -> str:
    """A dislocation phrase (naming no fracture) without its word "closed"."""
    if _FRACTURE.search(text):
        return text
    return _CLOSED_DISLOCATION.sub(lambda m: m.group(1) or "", text)


def as_classified(text: str) -> str:
    """The phrase with counts read as "multiple", a share "less than N percent" as the titles' first band,
    its "not stated as X" clauses left out, a diabetes type in Roman numerals written as the titles write
    it and a burn named by its depth named a burn."""
    text = _COUNT.sub("multiple ", text)
    text = _BELOW.sub(lambda m: f"0% to {int(m.group(1)) - 1}%", text)
    for pattern, band in _CONSCIOUSNESS_BANDS:
        text = pattern.sub(band, text)
    if _DIABETES.search(text):
        text = _ROMAN_TYPE.sub(lambda m: f"type {len(m.group(1))}", text)
    return burn_by_depth(_UNSTATED.sub("", without_closed(text)))


def burn_by_depth(text: str) -> str:
    """A burn named by the depth of the skin it took and its degree ("full-thickness skin loss [third
    degree] of hand") as the Index codes it: "Burn of third degree of hand" (Index: "Burn, full thickness
    skin loss - code as Burn, third degree, by site"; a fourth degree is coded as third)."""
    degree = _DEGREE.search(text)
    if degree is None or _BURN.search(text) or not _DEPTH.search(text):
        return text
    rest = _DEGREE_NOTE.sub(" ", _DEPTH.sub(" ", text))
    for opening, closing in ("()", "[]"):  # a closing bracket left without its opening one
        if rest.count(closing) > rest.count(opening):
            rest = rest.replace(closing, " ")
    rest = re.sub(r"\s+", " ", rest).strip(" ,;")
    named = "third" if degree.group(1).lower() == "fourth" else degree.group(1).lower()
    return f"Burn of {named} degree {rest}".strip()


def names_site_other(text: str) -> bool:
    """The text says "other (specified) sites / parts / regions": a site word, not a kind."""
    return bool(SITE_OTHER.search(text))


def residual_site_agreement(phrase: str, title: str) -> int:
    """For a phrase naming other sites / parts of something: +1 for a title naming the residual site ("other
    parts of", "overlapping sites of"), -1 for one whose site is unspecified; 0 otherwise."""
    if not names_site_other(phrase):
        return 0
    if _TITLE_RESIDUAL_SITE.search(title):
        return 1
    return -1 if _TITLE_UNSPECIFIED_SITE.search(title) else 0


# A manifestation in a disease the classification codes elsewhere (guideline I.A.13: "in diseases classified
# elsewhere" codes, listed after the underlying condition); "not elsewhere classified" is the other kind.
_ELSEWHERE = re.compile(r"(?<!\bnot )\b(?:diseases?|conditions?) classified elsewhere\b", re.IGNORECASE)


def classified_elsewhere(text: str) -> bool:
    """The text says "in diseases / conditions classified elsewhere" (a manifestation code's title)."""
    return bool(_ELSEWHERE.search(text))


def elsewhere_agreement(phrase: str, title: str) -> int:
    """+1 for an "in diseases classified elsewhere" title where the phrase says so, else 0."""
    return int(classified_elsewhere(phrase) and classified_elsewhere(title))


# Kinds the classification keeps apart as opposites: an induced abortion (termination of pregnancy, O04,
# Z33.2) is no spontaneous one (O03), whatever else the phrase says of it ("incomplete", "complete").
_OPPOSITE_KINDS = (("induced", "spontaneous"),)


def opposite_kind_agreement(phrase: str, title: str) -> int:
    """-1 for a title that names the opposite of a kind the phrase names, +1 for one naming the same kind
    (its opposite not), 0 otherwise."""
    low, tlow = phrase.lower(), title.lower()
    for a, b in _OPPOSITE_KINDS:
        for said, other in ((a, b), (b, a)):
            if re.search(rf"\b{said}\b", low) and not re.search(rf"\b{other}\b", low):
                if re.search(rf"\b{other}\b", tlow) and not re.search(rf"\b{said}\b", tlow):
                    return -1
                return int(bool(re.search(rf"\b{said}\b", tlow)))
    return 0


# Trauma: a condition the phrase says follows an injury (or calls traumatic) is not one whose title says
# nontraumatic (I60-I62 against S06.-), and a nontraumatic one is no traumatic title's.
_TRAUMATIC = re.compile(
    r"(?<!non)(?<!non-)\btraumatic\b|\bpost-?traumatic\b|\b(?:following|due to|after|from) (?:an? )?injury\b",
    re.IGNORECASE,
)
_NONTRAUMATIC = re.compile(r"\bnon-?traumatic\b", re.IGNORECASE)


# A fracture or dislocation is traumatic unless the phrase says why the bone gave way without trauma
# (guideline I.C.19.c.1, I.C.13.c-d; the Index's "Fracture, traumatic" and "Dislocation" lead to injuries).
_BONE_INJURY = re.compile(r"\b(?:fracture|dislocation)", re.IGNORECASE)
_WITHOUT_TRAUMA = re.compile(
    r"\b(?:pathological|pathologic|stress|fatigue|osteoporotic|insufficiency|recurrent|habitual|congenital)\b",
    re.IGNORECASE,
)


def nontraumatic_bone(phrase: str) -> bool:
    """The phrase names a fracture or dislocation of a kind that is no injury (pathological, stress,
    recurrent ...): the Index leads it to chapter 13 (M80, M84.3-M84.6, M24.4-), never to an injury code."""
    return bool(_BONE_INJURY.search(phrase) and _WITHOUT_TRAUMA.search(phrase))


def trauma_agreement(phrase: str, title: str) -> int:
    """-1 for a title that says nontraumatic where the phrase says traumatic or after an injury, for a
    traumatic title where the phrase says nontraumatic, and for a fracture or dislocation title of a
    nontraumatic kind (pathological, stress, recurrent ...) the phrase does not name; 0 otherwise."""
    if _BONE_INJURY.search(phrase) and not _WITHOUT_TRAUMA.search(phrase) and _WITHOUT_TRAUMA.search(title):
        return -1
    if _TRAUMATIC.search(phrase) and not _NONTRAUMATIC.search(phrase):
        return -int(bool(_NONTRAUMATIC.search(title)))
    if _NONTRAUMATIC.search(phrase):
        return -int(bool(_TRAUMATIC.search(title)))
    return 0


def _spelled(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", text.lower()))


def title_said(phrase: str, title: str) -> bool:
    """The phrase is the code's Tabular title, word for word (case and punctuation aside): the classification
    names that code so."""
    return _spelled(phrase) == _spelled(title)

"""Typos a busy clinician makes ("hypertention", "depresion", "anxeity", "prediabetis", "oesophagitis"),
corrected before retrieval to the word of the code sets they are one slip from.

A word is left as written when it is short, holds a digit, is a word of the code sets or an English word
(``data/spelling_*.txt``, written by ``make spelling``), or when two words of the code sets are equally
close (forms of one word, "diabetes" and "diabetic", are one word). Otherwise it becomes the code-set word
one slip away: a letter left out or typed twice, two letters swapped, or a letter changed late in a long
word; the edits that as often make another word ("hyper"/"hypo", "mitosis"/"miosis") are not made. The
first letter is kept. British spellings ("haem", "oesophag", "tumour") are read as the US ones, Latin names
("Haemophilus influenzae") as written.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from os.path import commonprefix
from pathlib import Path

from rapidfuzz.distance import OSA
from rapidfuzz.process import extract

DATA = Path(__file__).with_name("data")
MIN_LENGTH = 6  # shorter words are too often another word, or an abbreviation, one letter away
# a changed letter is a slip only in a long word, past its first letters (where "hyper"/"hypo" differ)
_LATE_CHANGE_LENGTH = 8
_LATE_CHANGE_FROM = 6
_DERIVED = ("ic", "al", "ous", "ed", "ing", "ly", "ive", "ar", "ary")  # endings that make another form


# British roots -> American, inside a word ("haem" in "haematuria", "aemi" in "ischaemic"); Latin names keep
# theirs ("Haemophilus", "Neisseria gonorrhoeae").
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
_LATIN = re.compile(r"(?:ae|ii|ens|ica|icus|ium|ilus|omum)$", re.IGNORECASE)


def american(word: str) -> str:
    """``word`` with its British roots spelled the American way ("haemorrhoids" -> "hemorrhoids")."""
    out = word
    for regex, repl in _BRITISH:
        out = regex.sub(repl, out)
    return out


@lru_cache(maxsize=1)
def _lists() -> tuple[frozenset[str], dict[tuple[str, int], list[str]]]:
    targets = (DATA / "spelling_targets.txt").read_text(encoding="utf-8").split()
    known = (DATA / "spelling_known.txt").read_text(encoding="utf-8").split()
    buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
    for word in targets:
        buckets[(word[0], len(word))].append(word)
    return frozenset(targets) | frozenset(known), dict(buckets)


def _known(word: str, known: frozenset[str]) -> bool:
    return word in known or (word.endswith("s") and word[:-1] in known)


@lru_cache(maxsize=8192)
def correction(word: str) -> str | None:
    """The code-set word ``word`` is a typo of, or None (spelled right, or no single close word)."""
    low = word.lower()
    if len(low) < MIN_LENGTH or not low.isalpha() or _LATIN.search(low):
        return None
    us = american(low)
    if us != low:
        return us
    known, buckets = _lists()
    if _known(low, known):
        return None
    candidates = [w for n in (len(low) - 1, len(low), len(low) + 1) for w in buckets.get((low[0], n), [])]
    found = extract(low, candidates, scorer=OSA.distance, score_cutoff=1, limit=8)
    slips = sorted((slip, str(w)) for w, _, _ in found if (slip := _slip(low, str(w))) is not None)
    if not slips:
        return None
    best = [w for slip, w in slips if slip == slips[0][0]]
    # forms of one word ("prediabetes", "prediabetic") leave no doubt about the word
    if len(best) > 1 and len(commonprefix(best)) < len(low) - 2:
        return None
    if low.endswith(_DERIVED) and len(commonprefix([low, best[0]])) >= len(low) - 3:
        return None  # "osteoporotic" is a form of "osteoporosis", not a slip
    return best[0]


def _slip(typed: str, word: str) -> int | None:
    """How usual the one-edit slip from ``word`` to ``typed`` is (lower is likelier), None for an edit that
    as often makes another word: a letter left out, typed twice or a vowel slipped in (0); two letters
    swapped (1); a letter changed late in a long word (2, "hypertention"). A changed letter early ("hyper" /
    "hypo", "macro" / "micro") or an added consonant ("mitosis" / "miosis") is another word."""
    if len(word) == len(typed) + 1:
        return 0
    if len(typed) == len(word) + 1:  # a letter typed twice, or a vowel slipped in ("asthama")
        added = [i for i in range(len(typed)) if typed[:i] + typed[i + 1 :] == word]
        slipped = any((i and typed[i] == typed[i - 1]) or typed[i] in "aeiou" for i in added)
        return 0 if slipped else None
    if sorted(word) == sorted(typed):
        return 1
    changed = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
    return 2 if len(typed) >= _LATE_CHANGE_LENGTH and changed[0] >= _LATE_CHANGE_FROM else None

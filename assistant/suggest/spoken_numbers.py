"""Numbers a dictated note spells out ("thirty four weeks and two days", "forty milligrams", "nine point
six"), written as digits in a copy of the same length, so that what reads a number reads it either way and a
span found on the copy is the same span on the note."""

from __future__ import annotations

import re

_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
_DIGIT_WORDS = {k: v for k, v in _ONES.items() if v < 10}
_ONE = "|".join(sorted(_ONES, key=len, reverse=True))
_TEN = "|".join(_TENS)
_UNDER_100 = rf"(?:(?:{_TEN})(?:[\s-]+(?:{'|'.join(_DIGIT_WORDS)}))?|{_ONE})"
_NUMBER = re.compile(
    rf"(?<![\w-])(?P<n>(?:(?:{_ONE})\s+hundred(?:\s+(?:and\s+)?{_UNDER_100})?|{_UNDER_100}))"
    rf"(?:\s+point\s+(?P<d>(?:{'|'.join(_DIGIT_WORDS)})(?:\s+(?:{'|'.join(_DIGIT_WORDS)}))*))?(?![\w-])",
    re.IGNORECASE,
)


def _value(words: str) -> int:
    total = 0
    for word in re.split(r"[\s-]+", words.lower()):
        if word == "hundred":
            total *= 100
        elif word in _TENS:
            total += _TENS[word]
        elif word in _ONES:
            total += _ONES[word]
    return total


def _digits(m: re.Match[str]) -> str:
    written = str(_value(m.group("n")))
    if m.group("d"):
        written += "." + "".join(str(_DIGIT_WORDS[w.lower()]) for w in m.group("d").split())
    return written.ljust(len(m.group(0)))


def spoken_digits(text: str) -> str:
    """``text`` with each spelled-out number as digits, padded with spaces to the words' length."""
    return _NUMBER.sub(_digits, text)

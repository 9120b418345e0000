"""The aircraft of an air transport accident that a phrase names, and the kind of accident it leaves unsaid.

V95-V96 code an accident by the aircraft first (V95.0 helicopter, V95.1 ultralight, microlight or powered
glider, V95.2 other private fixed-wing aircraft, V95.3 commercial fixed-wing aircraft, V95.4 spacecraft; V96.0
balloon, V96.1 hang-glider, V96.2 glider), then by the kind of accident (the 5th character: unspecified,
crash, forced landing, collision, fire, explosion, other). A phrase that names the aircraft ("... injuring the
occupant of a commercial aircraft") is coded in that aircraft's subcategory, not to the unspecified aircraft
(V95.9) or another aircraft's; where it names no kind of accident, the coder takes the unspecified accident
(guideline I.B.18) and the other kinds of the same aircraft are the alternatives listed right after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_KINDS = (
    ("helicopter", re.compile(r"\bhelicopter", re.IGNORECASE)),
    ("ultralight", re.compile(r"\bultralight|\bmicrolight|\bpowered[- ]glider", re.IGNORECASE)),
    ("private", re.compile(r"\bprivate\b", re.IGNORECASE)),
    ("commercial", re.compile(r"\bcommercial\b", re.IGNORECASE)),
    ("spacecraft", re.compile(r"\bspacecraft|\bspace shuttle", re.IGNORECASE)),
    ("balloon", re.compile(r"\bballoon", re.IGNORECASE)),
    ("hang-glider", re.compile(r"\bhang[- ]?glider", re.IGNORECASE)),
    ("glider", re.compile(r"(?<!powered-)(?<!powered )(?<!hang-)(?<!hang )\bglider", re.IGNORECASE)),
)
_AIRCRAFT_CODE = re.compile(r"^V9[56]")
_ACCIDENT_KIND = re.compile(
    r"\bcrash\w*|\bforced landing|\bcollision|\bcollid\w*|\bfire\b|\bexplo\w*", re.IGNORECASE
)
_KIND_CHILD = re.compile(r"^V9[56]\.\d\d")


def aircraft_of(text: str) -> str | None:
    """The one kind of aircraft a text names (commercial, spacecraft, helicopter ...), else None."""
    kinds = {name for name, rx in _KINDS if rx.search(text)}
    return kinds.pop() if len(kinds) == 1 else None


def aircraft_agreement(phrase: str, title: str, code: str) -> int:
    """+1 for an aircraft accident code of the aircraft the phrase names, -1 for another aircraft's, 0 where
    either names none."""
    if not _AIRCRAFT_CODE.match(code):
        return 0
    said, titled = aircraft_of(phrase), aircraft_of(title)
    if said is None or titled is None:
        return 0
    return 1 if said == titled else -1


def accident_siblings(best: str, phrase: str, leaves_of: Callable[[str], Sequence[str]]) -> list[str]:
    """The other kinds of accident to ``best``'s aircraft (its subcategory's codes, the unspecified first),
    where the phrase names no kind of accident; else []."""
    if not _KIND_CHILD.match(best) or _ACCIDENT_KIND.search(phrase):
        return []
    codes = [c for c in leaves_of(best[:5]) if c != best and c[-1] == best[-1]]
    return sorted(codes, key=lambda c: (c[5] != "0", c))

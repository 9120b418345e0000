"""The axes of a category that a phrase leaves unsaid: the codes that differ from its best code in that axis.

Some categories code one more fact on an axis of their own, with a value for "unspecified": an open wound
(S01, S11 ... S91) is an unspecified open wound, a laceration or a puncture wound, each with or without a
foreign body, or an open bite; a water transport accident (V90-V94) names the kind of watercraft; a collision
with a motor vehicle in "other and unspecified transport accidents" (V09, V19 ... V79) is with an unspecified
or another motor vehicle. Where the phrase says nothing on the axis, the coder takes the unspecified value
(guideline I.B.18: a code for the documented detail only), and the codes of the other values are the
alternatives weighed next, once the record says more: ``axis_siblings`` lists them right after the phrase's
best code, before the codes of other conditions. A value the phrase states narrows the alternatives to that
value ("laceration of the forearm" lists the forearm's lacerations with and without a foreign body, not its
puncture wounds or bites).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Value:
    """One value of an axis: its words in a code title, and the phrase words that state it (None: no
    phrase word states this value alone, e.g. "unspecified", "other")."""

    title: re.Pattern[str]
    said: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Axis:
    """An axis of the categories whose title ``category`` matches, for a phrase that ``names`` their
    condition: one or more parts, each a set of values (the unspecified value first)."""

    category: re.Pattern[str]
    names: re.Pattern[str]
    parts: tuple[tuple[Value, ...], ...]


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_WOUND_KIND = (
    Value(_rx(r"\bunspecified open wound\b")),
    Value(_rx(r"\blaceration\b"), _rx(r"\blacerat\w*|\bcuts?\b")),
    Value(_rx(r"\bpuncture wound\b"), _rx(r"\bpunctur\w*")),
    Value(_rx(r"\bopen bite\b"), _rx(r"\bbit(?:e|es|ten)\b")),
)
_FOREIGN_BODY = (
    Value(_rx(r"\bwithout foreign body\b"), _rx(r"\b(?:without|no) (?:mention of )?(?:a )?foreign bod")),
    Value(_rx(r"\bwith foreign body\b"), _rx(r"(?<!without )(?<!no )(?<!of )\bforeign bod(?:y|ies)\b")),
)
_WATERCRAFT = (
    Value(_rx(r"\bunspecified watercraft\b")),
    Value(_rx(r"\bmerchant ship\b"), _rx(r"\bmerchant\b")),
    Value(_rx(r"\bpassenger ship\b"), _rx(r"\bpassenger (?:ship|vessel|liner)|\bferry|\bcruise ship")),
    Value(_rx(r"\bfishing boat\b"), _rx(r"\bfishing (?:boat|vessel)")),
    Value(_rx(r"\bother powered watercraft\b"), _rx(r"\bmotor ?boat|\bspeed ?boat|\bjet[- ]?ski")),
    Value(_rx(r"\bsailboat\b"), _rx(r"\bsail ?boat|\bsailing\b|\byacht")),
    Value(_rx(r"\bcanoe or kayak\b"), _rx(r"\bcanoe|\bkayak")),
    Value(_rx(r"\(nonpowered\) inflatable craft\b"), _rx(r"\binflatable\b|\braft\b")),
    Value(_rx(r"\bother unpowered watercraft\b"), _rx(r"\brow ?boat|\bpaddle ?board")),
)
# "Other and unspecified motor vehicles" (V09.2-, V19.4-, V29.4-, ... V49.4-): the other party of a collision
_MOTOR_VEHICLES = (
    Value(_rx(r"\bunspecified motor vehicles\b")),
    Value(_rx(r"\bother motor vehicles\b"), _rx(r"(?<!an)\bother (?:specified )?motor vehicles?\b")),
)
AXES = (
    Axis(
        _rx(r"^open wound\b"),
        _rx(r"\bwound|\blacerat|\bpunctur|\bbit(?:e|es|ten)\b|\bcuts?\b"),
        (_WOUND_KIND, _FOREIGN_BODY),
    ),
    Axis(
        _rx(r"\bwatercraft\b|\bwater transport\b"),
        _rx(r"\bwater(?:craft| transport)|boat\b|\bship|\bcanoe|\bkayak|\bferry|\braft\b|\bvessel|\byacht"),
        (_WATERCRAFT,),
    ),
    Axis(
        _rx(r"\bother and unspecified transport accidents\b"),
        _rx(r"\bmotor vehicles?\b"),
        (_MOTOR_VEHICLES,),
    ),
)
# What a phrase says it is without names nothing ("injury of the appendix without open wound")
_WITHOUT = _rx(r"\b(?:without|no|not|except)\b[^,;()]*")
STEP = 1e-4  # each sibling just below the one before: after the best code, before any other


def _value(part: Sequence[Value], title: str) -> int | None:
    return next((i for i, v in enumerate(part) if v.title.search(title)), None)


def _key(axis: Axis, title: str) -> str:
    """The title with the axis's words left out (what the siblings share)."""
    for part in axis.parts:
        for v in part:
            title = v.title.sub(" ", title)
    return re.sub(r"[\s,]+", " ", title).strip().lower()


def _stated(part: Sequence[Value], phrase: str) -> set[int]:
    return {i for i, v in enumerate(part) if v.said is not None and v.said.search(phrase)}


def axis_siblings(
    best: str,
    phrase: str,
    title_of: Callable[[str], str],
    leaves_of: Callable[[str], Sequence[str]],
) -> list[str]:
    """The codes of ``best``'s category that differ from it only in the values of an axis the phrase leaves
    unsaid (or in the value it states), the axis's unspecified value first, then in the order of the values
    and the codes; [] where no axis applies."""
    title = title_of(best)
    named = _WITHOUT.sub(" ", phrase)
    for axis in AXES:
        if not axis.category.search(title_of(best[:3])) or not axis.names.search(named):
            continue
        if all(_value(part, title) is None for part in axis.parts):
            continue
        stated = [_stated(part, phrase) for part in axis.parts]
        key = _key(axis, title)
        out: list[tuple[list[int], str]] = []
        for code in leaves_of(best[:3]):
            if code == best:
                continue
            other = title_of(code)
            if _key(axis, other) != key:
                continue
            values = [_value(part, other) for part in axis.parts]
            if all(not said or v in said for said, v in zip(stated, values, strict=True)):
                order = [len(part) if v is None else v for part, v in zip(axis.parts, values, strict=True)]
                out.append((order, code))
        return [code for _, code in sorted(out)]
    return []

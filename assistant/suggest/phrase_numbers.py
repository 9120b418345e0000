"""A measure a short diagnosis phrase states (weeks of gestation, grams, hours, percent) against a title's.

Titles that differ only in a measured band ("24 weeks gestation of pregnancy", "25 weeks ...", "Newborn light
for dates, 1000-1249 grams", "loss of consciousness of 1 hour to 5 hours 59 minutes") name the phrase's code
only where the band holds the phrase's value: a title whose bands in the phrase's unit all miss the phrase's
values contradicts it (one-phrase requests only).
"""

from __future__ import annotations

import re

_MEASURE = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)(?:\s*%?\s*(?:-|to|through)\s*(\d+(?:\.\d+)?))?\s*(?:completed\s+)?"
    r"(weeks?|grams?|hours?|minutes?|days?|percent\b|%)",
    re.IGNORECASE,
)

_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")  # "1,500-1,749 grams": the titles write 1500-1749

Band = tuple[float, float]


def measures(text: str) -> tuple[tuple[str, Band], ...]:
    """(unit, (low, high)) for each band the text states ("25-26 completed weeks": ("week", (25, 26)))."""
    out: list[tuple[str, Band]] = []
    for m in _MEASURE.finditer(_THOUSANDS.sub("", text)):
        low = float(m.group(1))
        high = float(m.group(2)) if m.group(2) else low
        unit = m.group(3).lower().rstrip("s")
        out.append(("percent" if unit == "%" else unit, (min(low, high), max(low, high))))
    return tuple(out)


def number_agreement(phrase: str, title: str) -> int:
    """-1 when the title states a unit the phrase measures in and none of its bands meets the phrase's; 0
    otherwise (a title that holds the value gains nothing: its other words decide)."""
    said = measures(phrase)
    if not said:
        return 0
    named = measures(title)
    units = {u for u, _ in said} & {u for u, _ in named}
    if not units:
        return 0
    meets = any(
        u == v and lo <= th and tl <= hi for u, (lo, hi) in said if u in units for v, (tl, th) in named
    )
    return 0 if meets else -1

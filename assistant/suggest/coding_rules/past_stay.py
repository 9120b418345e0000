"""The recap of a past hospital stay in an office, video or home visit (ICD-10-CM IV.J): "Hospital course
11/23-11/28: ...", "Hospital (Mercy, 11/19-11/22): ...", "Admitted 10/30-11/1 for ...". What the stay treated
and what resolved there (hypokalemia repleted, norovirus, an obstructing stone, a drug's AKI) is not a
condition that exists at this encounter: it is coded only where the visit itself names it again (its
assessment, its problem list). Status codes (a device placed in the stay) and HCPCS stay: they are current.
An inpatient note's hospital course is the stay being coded (Section III): the rule leaves it alone.
"""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, demote
from assistant.suggest.reader import sections
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_DATE = r"\d{1,2}/\d{1,2}(?:/\d{2,4})?"
# A line or a sentence opens with the stay, after a bullet or a short label ("Interval: admitted to L&D
# 11/20-11/22"): a hospital or inpatient course, a stay the line dates ("Hospital 11/3-11/12:", "Inpatient
# psychiatry 11/17-11/26", "Hospital course (Mercy, 11/19-11/22):") or an admission told in the past.
_STAY_LINE = re.compile(
    r"(?:^[ \t]*(?:[-*\u2022#]\s*)?|(?<=[.;])[ \t]+)(?:[a-z]+\s*:\s*)?"
    r"(?P<stay>(?:hospital|hosp\.?|inpatient|admission)\s+course\b|"
    r"(?:recent\s+)?(?:hospital(?:ization)?|hosp\.?|admission|inpatient(?:\s+[a-z]+)?)\s*"
    rf"(?:\([^()\n]{{0,40}}?{_DATE}[^()\n]{{0,20}}\)|{_DATE})|"
    r"(?:was\s+)?(?:admitted|hospitali[sz]ed)\b(?!\s+(?:today|now|to\s+(?:the\s+)?(?:floor|icu|hospital\s+today))))",
    re.IGNORECASE | re.MULTILINE,
)
# The visit's own time takes over from the recap ("... discharged HD3. Now: back to baseline").
_NOW = re.compile(
    r"[.;]\s+(?=(?:now|today|currently|since\s+(?:d/c|discharge)|interval|presents?|here\s+(?:for|today))\b)",
    re.IGNORECASE,
)
PAST_STAY = "named only in the recap of a past hospital stay: not a condition of this visit (IV.J)"
_STATUS_OR_SERVICE = ("Z",)
_ORGANISMS = ("B95", "B96", "B97")


def stay_spans(note: str) -> list[tuple[int, int]]:
    """(start, end) of each recap of a past stay: its line, or its whole section when the stay heads one."""
    spans = []
    # a section the stay's words head ("Hospital course: ..."), not the unlabelled text a note opens with
    heads = {start: end for start, end, name in sections(note) if name != "body"}
    for m in _STAY_LINE.finditer(note):
        start = m.start("stay")
        line_end = note.find("\n", start)
        end = line_end if line_end >= 0 else len(note)
        now = _NOW.search(note, start, end)
        end = now.start() + 1 if now else max(end, heads.get(start, end))
        spans.append((start, end))
    return spans


def _inside(spans: list[tuple[int, int]], start: int) -> bool:
    return any(a <= start < b for a, b in spans)


def past_stay_conditions(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """Not coded: a condition the note names only in the recap of a past stay (or, elsewhere, only as
    negated, uncertain or past)."""
    if ctx.setting == "inpatient" or ctx.phrase:
        return
    spans = stay_spans(ctx.note)
    if not spans:
        return
    for pick in picks.values():
        if pick.code.startswith(_STATUS_OR_SERVICE) or catalog.system(pick.code) != "ICD-10-CM":
            continue
        # an organism is named where its infection is (B95-B97, "use additional code"), not as a head
        evidence = pick.mentions if pick.code.startswith(_ORGANISMS) else pick.heads or pick.mentions
        if not evidence or not any(_inside(spans, m.start) for m in evidence):
            continue
        if not all(_inside(spans, m.start) or m.negated or m.uncertain or m.history for m in evidence):
            # the visit names it: the recap's words are no evidence of this visit's code (its episode, the
            # infection the stay treated)
            pick.mentions = [m for m in pick.mentions if not _inside(spans, m.start)] or pick.mentions
            pick.heads = [m for m in pick.heads if not _inside(spans, m.start)] or pick.heads
            continue
        if pick.final:
            demote(pick, PAST_STAY)
        else:
            pick.vetoed = True  # an option only: no pairing or Excludes1 rule makes it final later

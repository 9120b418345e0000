"""What the coding rules read besides the picks: the note, the patient's age (resolved by the engine), and
helpers to add a code."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from assistant.suggest.reader import ASSESSMENT_SECTIONS, Mention, sections
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# (text, code prefixes) -> [(code, score)] best first: the engine's own retrieval, limited to those codes.
CodeSearch = Callable[[str, tuple[str, ...]], list[tuple[str, float]]]


@dataclass
class NoteContext:
    note: str
    age: int | None = None
    setting: str = "outpatient"
    search: CodeSearch | None = None
    pregnant: bool = False  # a documented pregnancy (the request's patient or the note)
    weeks: int | None = None  # its weeks of gestation, when documented
    delivered: bool = False  # the note records the delivery itself
    phrase: bool = False  # a search phrase, not a note: the phrase itself is all the documentation
    visit_date: date | None = None  # the date of service (None: today)

    def sentence(self, m: Mention) -> str:
        return self.note[m.sentence_start : m.sentence_end] if m.sentence_end > m.sentence_start else m.text

    def mention(self, start: int, end: int) -> Mention:
        """A mention for a span the rules found (a BMI value, a drug name): evidence on the original text."""
        section = next((name for a, b, name in sections(self.note) if a <= start < b), "body")
        s_start = max(self.note.rfind("\n", 0, start), self.note.rfind(". ", 0, start)) + 1
        s_end = min(
            i for i in (self.note.find("\n", end), self.note.find(". ", end), len(self.note)) if i >= 0
        )
        text = self.note[start:end]
        return Mention(start, end, text, text, section, s_start, s_end)


def add_pick(
    picks: dict[str, Pick],
    catalog: CodeCatalog,
    code: str,
    score: float,
    mentions: list[Mention],
    reason: str,
) -> Pick | None:
    """Make ``code`` a final pick (new or existing) with the reason; None when the index lacks the code."""
    if code not in catalog or not catalog.billable(code):
        return None
    pick = picks.get(code)
    if pick is None:
        pick = picks[code] = Pick(code, score, True, list(mentions))
    else:
        pick.mentions.extend(m for m in mentions if m not in pick.mentions)
        pick.score = max(pick.score, score)
        pick.final = True
    if reason not in pick.reasons:
        pick.reasons.insert(0, reason)
    return pick


def best_score(picks: dict[str, Pick]) -> float:
    return max((p.score for p in picks.values() if p.final), default=0.6)


def demote(pick: Pick, warning: str) -> None:
    """A rule's "not coded": the pick stays as an option with the reason, and no later pairing revives it."""
    pick.final = False
    pick.vetoed = True
    if warning not in pick.warnings:
        pick.warnings.append(warning)


_DENIED_BEFORE = re.compile(
    r"\b(?:no|not|never|denies|denied|without|negative\s+for|neg\s+for)\b[^.;:\n]{0,40}$", re.IGNORECASE
)


def denied_before(before: str) -> bool:
    """Does the text just before a statement deny it ("no h/o pre-term labor", "denies IVF")?"""
    return _DENIED_BEFORE.search(before[-60:]) is not None


def head_lines(note: str, n: int = 3) -> str:
    """The note's first ``n`` non-empty lines, as a prefix of the note (offsets stay the note's)."""
    end, seen = 0, 0
    for line in re.finditer(r"[^\n]*\n?", note):
        if not line.group(0):
            break
        end = line.end()
        seen += bool(line.group(0).strip())
        if seen >= n:
            break
    return note[:end]


# "needs cardiac clearance", "will obtain pre-op eval", "RTC 1 mo / 12-mo WCC": another visit's
# examination, not this one.
ORDERED_ELSEWHERE = re.compile(
    r"\b(?:needs?|need\s+for|will|obtain|request\w*|refer\w*|pending|awaiting|schedul\w*|rtc|"
    r"return\s+(?:to\s+clinic|visit|in|for)|next\s+(?:visit|appt|appointment))\b",
    re.IGNORECASE,
)


# "a murmur was heard at his DOT physical", "found on her sports physical last spring": an earlier visit
# where something was found, told before the visit's name; not the visit of this note.
_EARLIER_VISIT = re.compile(
    r"\b(?:was|were|had|found|heard|noted|detected|seen|picked\s+up)\b[^.;\n]*\b(?:at|during|on)\s+"
    r"(?:(?:his|her|their|a|an|the|last|recent|prior|previous|routine)\s+){0,2}$",
    re.IGNORECASE,
)


def visits_named(rx: re.Pattern[str], ctx: NoteContext) -> list[re.Match[str]]:
    """Where the head of the note or its assessment names the visit (not where a line orders it, nor an
    earlier visit where something was found)."""
    head_end = len(head_lines(ctx.note, 4))
    found = []
    for m in rx.finditer(ctx.note):
        before = ctx.note[ctx.note.rfind("\n", 0, m.start()) + 1 : m.start()]
        if m.start() >= head_end and ctx.mention(m.start(), m.end()).section not in ASSESSMENT_SECTIONS:
            continue
        if not ORDERED_ELSEWHERE.search(before) and not _EARLIER_VISIT.search(before):
            found.append(m)
    return found


def visit_named(rx: re.Pattern[str], ctx: NoteContext) -> re.Match[str] | None:
    """The first place the head of the note or its assessment names the visit."""
    return next(iter(visits_named(rx, ctx)), None)

"""An infarction within four weeks is current (guideline I.C.9.e.1): I21.-, not I25.2 (old MI).

"Follow-up after NSTEMI 3 weeks ago" is still I21.4; I25.2 is for an MI healed and past that window, and an
infarction the note dates before it ("inferior MI 2019 (PCI)", "NSTEMI 3/2022") is old (I.C.9.e.4)."""

from __future__ import annotations

import calendar
import re
from datetime import date

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

OLD_MI = "I25.2"
_INFARCTION = re.compile(r"\b(?:n?stemi|myocardial\s+infarction|mi|heart\s+attack)\b", re.IGNORECASE)
_WITHIN_FOUR_WEEKS = re.compile(
    r"^[^.;]{0,30}?\b(?:(?:\d|1\d|2[0-7]|a|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|few|several)\s+days?|"
    r"(?:[1-4]|a|one|two|three|four|few)\s+weeks?)\s+ago\b|^[^.;]{0,30}?\b(?:last|this)\s+week\b|"
    r"^[^.;]{0,30}?\byesterday\b",
    re.IGNORECASE,
)
# The time put before the infarction: "3 weeks after his NSTEMI", "10 days post-MI", "two weeks out from
# the MI".
_WITHIN_FOUR_WEEKS_BEFORE = re.compile(
    r"\b(?:(?:\d|1\d|2[0-7]|a|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|few|several)\s+days?|"
    r"(?:[1-4]|a|one|two|three|four|few)\s+weeks?)\s+(?:after|since|post|following|out\s+from|s/p)\b"
    r"[^.;]{0,40}$",
    re.IGNORECASE,
)
# A calendar date beside the infarction ("NSTEMI 11/10/2026", "STEMI on 2026-11-02"): within four weeks of the
# visit it is current.
_DATE = re.compile(
    r"\b(?:(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>(?:19|20)?\d\d)|(?P<Y>(?:19|20)\d\d)-(?P<M>\d{1,2})-(?P<D>\d{1,2}))\b"
)
_DATE_REACH = 40  # characters between the infarction word and its date
RECENT_DAYS = 28


def dated_within_four_weeks(text: str, visit: date) -> bool:
    """A date in ``text`` that falls in the four weeks up to the visit."""
    for m in _DATE.finditer(text):
        try:
            if m.group("Y"):
                when = date(int(m.group("Y")), int(m.group("M")), int(m.group("D")))
            else:
                year = int(m.group("y"))
                when = date(year + 2000 if year < 100 else year, int(m.group("m")), int(m.group("d")))
        except ValueError:
            continue
        if 0 <= (visit - when).days <= RECENT_DAYS:
            return True
    return False


_NON_ST = re.compile(r"\bnstemi\b|\bnon[- ]?st\b", re.IGNORECASE)
_TYPE_2 = re.compile(r"\btype\s*(?:2|ii)\s+(?:mi|myocardial)|\bdemand\s+ischemi", re.IGNORECASE)


def _recent_code(sentence: str) -> str:
    if _TYPE_2.search(sentence):
        return "I21.A1"
    return "I21.4" if _NON_ST.search(sentence) else "I21.9"


def _said_recent(sentence: str, mi: re.Match[str], visit: date) -> bool:
    """The infarction word ``mi`` is dated within four weeks of the visit."""
    return bool(
        _WITHIN_FOUR_WEEKS.search(sentence[mi.end() :])
        or _WITHIN_FOUR_WEEKS_BEFORE.search(sentence[: mi.start()])
        or dated_within_four_weeks(sentence[mi.end() : mi.end() + _DATE_REACH], visit)
    )


def recent_infarction(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    old = picks.get(OLD_MI)
    if old is None:  # a past infarction read by the walk or the ranker, in the final list or below it
        return
    recent = []
    visit = ctx.visit_date or date.today()
    for m in old.mentions:
        sentence = ctx.sentence(m)
        if any(_said_recent(sentence, mi, visit) for mi in _INFARCTION.finditer(sentence)):
            recent.append(m)
    if not recent:
        return
    demote(old, "an infarction within four weeks is current: I21.- (guideline I.C.9.e.1), not old (I25.2)")
    if any(p.final and p.code.startswith("I21") for p in picks.values()):
        return
    code = _recent_code(" ".join(ctx.sentence(m) for m in recent))
    add_pick(picks, catalog, code, old.score, recent, "an infarction within four weeks (guideline I.C.9.e.1)")


# A month and year ("NSTEMI 3/2022") or a year alone ("inferior MI 2019"), and a time ago ("MI 5 years ago").
_MONTH_YEAR = re.compile(r"\b(?P<m>\d{1,2})/(?P<y>(?:19|20)\d\d)\b(?!/)")
_YEAR = re.compile(r"(?<![/\d-])(?P<y>(?:19|20)\d\d)\b(?![/-]\d)")
_LONG_AGO = re.compile(
    r"^[^.;]{0,30}?\b(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|several|many)\s+"
    r"(?:years?|yrs?|months?|mos?)\s+ago\b",
    re.IGNORECASE,
)


# An infarction the sentence calls old ("old MI", "prior inferior MI", "h/o NSTEMI").
_OLD_BEFORE = re.compile(
    r"\b(?:old|prior|previous|remote|past|h/o|hx|history\s+of)\s+(?:\w+\s+)?$", re.IGNORECASE
)


def dated_before_four_weeks(text: str, visit: date) -> bool:
    """A date in ``text`` (a full date, a month and year, or a year) whose last day is more than four weeks
    before the visit."""
    ends: list[date] = []
    for m in _DATE.finditer(text):
        try:
            if m.group("Y"):
                ends.append(date(int(m.group("Y")), int(m.group("M")), int(m.group("D"))))
            else:
                year = int(m.group("y"))
                ends.append(date(year + 2000 if year < 100 else year, int(m.group("m")), int(m.group("d"))))
        except ValueError:
            continue
    for m in _MONTH_YEAR.finditer(text):
        year, month = int(m.group("y")), int(m.group("m"))
        if 1 <= month <= 12:
            ends.append(date(year, month, calendar.monthrange(year, month)[1]))
    if not ends:
        ends = [date(int(m.group("y")), 12, 31) for m in _YEAR.finditer(text)]
    return bool(ends) and all((visit - end).days > RECENT_DAYS for end in ends)


def old_infarction(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """An acute-infarction code read from an infarction the note dates more than four weeks before the visit
    is the old MI (I25.2)."""
    visit = ctx.visit_date or date.today()
    for pick in [p for p in picks.values() if p.final and p.code.startswith("I21") and p.mentions]:
        dated = []
        for m in pick.mentions:
            sentence = ctx.sentence(m)
            words = list(_INFARCTION.finditer(sentence))
            if words and all(
                not _said_recent(sentence, mi, visit)
                and (
                    _OLD_BEFORE.search(sentence[max(0, mi.start() - 25) : mi.start()])
                    or dated_before_four_weeks(sentence[mi.end() : mi.end() + _DATE_REACH], visit)
                    or _LONG_AGO.search(sentence[mi.end() :])
                )
                for mi in words
            ):
                dated.append(m)
        if not dated or len(dated) < len(pick.mentions):
            continue
        demote(pick, "an infarction dated more than four weeks ago is old: I25.2 (guideline I.C.9.e.4)")
        add_pick(picks, catalog, OLD_MI, pick.score, dated, "an old infarction (guideline I.C.9.e.4)")

"""An infarction within four weeks is current (guideline I.C.9.e.1): I21.-, not I25.2 (old MI).

"Follow-up after NSTEMI 3 weeks ago" is still I21.4; I25.2 is for an MI healed and past that window."""

from __future__ import annotations

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


def recent_infarction(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    old = picks.get(OLD_MI)
    if old is None:  # a past infarction read by the walk or the ranker, in the final list or below it
        return
    recent = []
    visit = ctx.visit_date or date.today()
    for m in old.mentions:
        sentence = ctx.sentence(m)
        if any(
            _WITHIN_FOUR_WEEKS.search(sentence[mi.end() :])
            or _WITHIN_FOUR_WEEKS_BEFORE.search(sentence[: mi.start()])
            or dated_within_four_weeks(sentence[mi.end() : mi.end() + _DATE_REACH], visit)
            for mi in _INFARCTION.finditer(sentence)
        ):
            recent.append(m)
    if not recent:
        return
    demote(old, "an infarction within four weeks is current: I21.- (guideline I.C.9.e.1), not old (I25.2)")
    if any(p.final and p.code.startswith("I21") for p in picks.values()):
        return
    code = _recent_code(" ".join(ctx.sentence(m) for m in recent))
    add_pick(picks, catalog, code, old.score, recent, "an infarction within four weeks (guideline I.C.9.e.1)")

"""HCPCS Level II codes only for a service, supply or drug the note documents as given or performed.

A diagnosis phrase ("blood pressure"), an administrative sentence ("established patient") or a medication the
patient takes ("well controlled on lisinopril") never yields a HCPCS code: the sentence must say the thing was
done at this encounter (administered, given, injected, performed, dispensed, supplied, placed, ...).
"""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import tokens
from assistant.suggest.types import Pick

PERFORMED = re.compile(
    r"\b(?:administered|given|gave|injected|infused|performed|"
    r"vaccinated|immunized|dispensed|supplied|provided|placed|inserted|applied|fitted|issued|delivered|"
    r"drawn|collected|obtained|done|completed today|received (?:a|an|the|his|her)?\s*\w+\s*(?:dose|shot|"
    r"vaccine|injection))\b|"
    # a route only a clinician gives by, said for today ("intravitreal aflibercept 2 mg OD today")
    r"\b(?:intravitreal|intra-?articular|intralesional)\b(?:[^.;\n]|\.(?=\d)){0,60}\btoday\b|"
    r"\btoday\b(?:[^.;\n]|\.(?=\d)){0,60}\b(?:intravitreal|intra-?articular|intralesional)\b|"
    # the injection of the day, or one given by a route by the office's nurse ("6th injection today, 380 mg IM
    # R gluteal by RN")
    r"\b(?:\d+(?:st|nd|rd|th)\s+|#\s?\d+\s+)?(?:injection|infusion|shot)\s+today\b|"
    r"\b(?:im|iv|sq|sc|subq|intramuscular\w*|intravenous\w*|subcutaneous\w*)\b[^.;\n]{0,40}\bby\s+(?:the\s+)?"
    r"(?:rn|lpn|ma|nurse)\b|"
    # a clinic's treatment heading with a route only a clinician gives by ("Tx: ketorolac 30 mg IV", "Tx in
    # clinic: DuoNeb x2"); "Rx:" is a prescription
    r"^\W*(?:tx|treatment|treated|meds?\s+given)(?:\s+(?:in|at)\s+(?:the\s+)?(?:clinic|office|uc|urgent\s+care))?\s*:"
    r"(?=.*\b(?:im|iv|ivp|sq|sc|subq|neb\w*|intramuscular\w*|intravenous\w*|subcutaneous\w*)\b)",
    re.IGNORECASE,
)
# The word "given" in "given his history" is a reason, not a service; a dose dated before the visit ("C4 given
# 11/20", "infused last week", "given 3 wk ago") is an earlier encounter's.
_NOT_A_SERVICE = re.compile(
    r"\bgiven\s+(?:his|her|their|the|that|this|its)\b|"
    r"\b(?:given|administered|infused|injected)\s+(?:on\s+)?(?:\d{1,2}/\d{1,2}\b|last\s+\w+|yesterday\b|"
    r"\d+\s+(?:days?|d|wks?|weeks?|mos?|months?)\s+ago\b)",
    re.IGNORECASE,
)


NOT_YET = re.compile(
    r"\b(?:will|would|consider\w*|plan(?:s|ned)?\s+to|next|recommend\w*|schedul\w*|due|declin\w*|refus\w*|"
    r"if|should|may)\b",
    re.IGNORECASE,
)


# A line headed as what was given ("Given: dexamethasone 12 mg IV; docetaxel 136 mg IV over 60 min"): each of
# its clauses is a drug given at the visit.
GIVEN_HEADING = re.compile(
    r"^\W*(?:given|administered|infused|(?:meds?|medications?|drugs?|treatment)\s+(?:given|administered))"
    r"(?:\s+(?:today|in\s+(?:the\s+)?(?:clinic|office)))?\s*:",
    re.IGNORECASE,
)


def on_given_line(note: str, at: int) -> bool:
    """Is ``at`` on a line headed "Given:" (and not a plan's)?"""
    start = note.rfind("\n", 0, at) + 1
    end = note.find("\n", at)
    line = note[start : end if end >= 0 else len(note)]
    return GIVEN_HEADING.match(line) is not None and NOT_YET.search(line) is None


def documents_service(sentence: str) -> bool:
    """Does the sentence say a service, supply or drug was given or done now (not planned, not declined)?"""
    text = _NOT_A_SERVICE.sub(" ", sentence)
    return PERFORMED.search(text) is not None and NOT_YET.search(text) is None


# G8xxx-G9xxx are quality-data (performance measure) codes: reported from measure logic, never from a note.
QUALITY_DATA = re.compile(r"^G[89]\d{3}$")


# The visit a note is written for, named on its first line ("Medicare annual wellness visit, subsequent"), is
# the service performed; one mentioned further down ("last AWV 11/2025") is not. Its title's ordinal (initial
# / subsequent visit) must be the one that line says.
_VISIT_TITLE = re.compile(r"\b(?:visit|examination)\b", re.IGNORECASE)
_VISIT_WORDS = frozenset(tokens("visit visits examination exam initial first subsequent encounter"))
_ORDINALS = {
    "initial": re.compile(r"\b(?:initial|first)\b", re.IGNORECASE),
    "subsequent": re.compile(r"\bsubsequent\b", re.IGNORECASE),
}


def _first_line_end(note: str) -> int:
    """Where the note's first non-empty line ends."""
    start = len(note) - len(note.lstrip())
    end = note.find("\n", start)
    return len(note) if end < 0 else end


def _visit_of_the_note(title: str, m: Mention, head_end: int, sentence: str) -> bool:
    """The mention names, on the note's first line, the visit the title is (not one planned or due)."""
    return (
        m.start < head_end
        and bool(_VISIT_TITLE.search(title) and _VISIT_TITLE.search(m.query))
        # a word of the visit's own ("wellness"), not only "initial visit"
        and bool((set(tokens(title)) & set(tokens(m.query))) - _VISIT_WORDS)
        and NOT_YET.search(sentence) is None
    )


def _ordinals(text: str) -> set[str]:
    """The visit ordinals (initial / subsequent) a text says."""
    return {name for name, rx in _ORDINALS.items() if rx.search(text)}


def _other_ordinal(title: str, said: set[str]) -> bool:
    """The title is an initial (subsequent) visit where the note's first line says only the other one."""
    titled = _ordinals(title)
    return len(said) == 1 and bool(titled) and not titled & said


def _same_ordinal(title: str, said: set[str]) -> bool:
    """The title's ordinal (initial / subsequent visit) is the one the note's first line says."""
    return len(said) == 1 and _ordinals(title) == said


def gate(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """Drop HCPCS picks none of whose mentions sits in a sentence documenting a service as done (or, for a
    visit, on the note's first line), and a visit of the ordinal the first line does not say."""
    head_end = _first_line_end(ctx.note)
    said = _ordinals(ctx.note[:head_end])
    visits: list[Pick] = []  # the first line's visit, of the ordinal it says: one is the note's service
    for code in [c for c, p in picks.items() if c in catalog and catalog.system(c) == "HCPCS"]:
        pick, title = picks[code], catalog.title(code)
        done = [
            m
            for m in pick.mentions
            if (
                documents_service(ctx.sentence(m))
                or on_given_line(ctx.note, m.start)
                or _visit_of_the_note(title, m, head_end, ctx.sentence(m))
            )
            and not (m.negated or m.uncertain or m.history or m.family)
        ]
        other_visit = _visit_of_the_note(
            title, pick.mentions[0], head_end, ctx.sentence(pick.mentions[0])
        ) and _other_ordinal(title, said)
        if QUALITY_DATA.match(code) or not done or other_visit:
            picks.pop(code)
        elif _same_ordinal(title, said) and any(
            _visit_of_the_note(title, m, head_end, ctx.sentence(m)) for m in done
        ):
            visits.append(pick)
    best = max(visits, key=lambda p: p.score, default=None)
    if best is not None and not any(p.final for p in visits):
        best.final = True  # "Medicare annual wellness visit, subsequent": the service this note bills
        best.reasons.append("the visit the note's first line names, of the same ordinal")

"""Follow-up after completed treatment (ICD-10-CM I.C.21.c.8): at a follow-up visit, a condition the note says
was treated and has resolved no longer exists. It is not coded; Z09 says why the patient came, with the
personal history code of the condition where one exists (Z87.01 pneumonia, Z87.440 urinary infection). A
condition still being treated, or one that came back, stays current and takes its own code.
"""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, best_score, demote, head_lines
from assistant.suggest.coding_rules.past_stay import PAST_STAY
from assistant.suggest.reader import BACKGROUND_SECTIONS, QUALIFIERS
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import expand_abbreviations, tokens
from assistant.suggest.types import Pick

FOLLOW_UP_AFTER_TREATMENT = "Z09"
HISTORY_OF_DISEASE = ("Z86", "Z87")
ORGANISMS = ("B95", "B96", "B97")
# The visit is a follow-up (its first lines say so), not a plan for one ("f/u in 2 weeks"; a heading's line
# ends before the next line's "10 mo M").
_FOLLOW_UP_VISIT = re.compile(
    r"(?<!pcp )\b(?:follow[- ]?up|f/u|re-?check|re-?evaluation)\b"
    r"(?![ \t]+(?:in|with|after|prn|next|one|two|\d))|"
    r"\bpost[- ]?(?:hospital(?:ization)?|discharge)\b|\btransitional\s+care\b|\bTCM\b",
    re.IGNORECASE,
)
# "well-healed scar": the look of a scar or an incision, not a condition gone
_OVER = re.compile(
    r"\b(?:resolved|cleared|(?<!well-)(?<!well\s)healed(?!\s+(?:\w+\s+){0,3}?(?:scars?|incisions?)\b)|"
    r"recovered|gone|"
    r"(?:treatment|course|therapy|antibiotics|abx)\s+(?:is\s+|was\s+)?(?:complete|completed|finished)|"
    r"(?:completed|finished)\s+(?:\w+\s+){0,3}?(?:course|treatment|therapy|antibiotics|abx))\b",
    re.IGNORECASE,
)
# The condition is not over: still there, partly better, back again, or its treatment still going on.
_STILL_CURRENT = re.compile(
    r"\b(?:not\s+(?:yet\s+|fully\s+|completely\s+)?(?:resolved|cleared|healed|gone)|unresolved|partial\w*|"
    r"incomplete\w*|still|persist\w*|ongoing|recurr\w*|relaps\w*|worse\w*|continu\w*|improving|residual|"
    r"day\s+\d+\s+of|remains?|(?:on|taking|takes)\s+(?!day\b|(?:its|his|her|their)\s+own\b)[a-z]+)\b",
    re.IGNORECASE,
)
# An episode of a chronic disease the note says is over ("HF exacerbation (resolved)"), and a code whose title
# names one ("Acute on chronic ...", "with (acute) exacerbation").
_FLARE = re.compile(r"\b(?:exacerbations?|flares?)\b", re.IGNORECASE)
_EPISODE_TITLE = re.compile(r"\b(?:exacerbations?|flares?|acute)\b", re.IGNORECASE)
# Gone without a treatment ("childhood asthma, outgrown, no tx"): over, but no treatment was completed, so
# it brings no follow-up-after-treatment code.
_NO_TREATMENT = re.compile(
    r"\b(?:no|without|never|not)\s+(?:tx|treatment|therapy|meds|medications?|rx)\b|\buntreated\b|\boutgrown\b|"
    r"\bspontaneous(?:ly)?\b|\bon\s+(?:its|his|her)\s+own\b",
    re.IGNORECASE,
)
# A sentence (or ";" clause) ends at . ; ! ? or a line break, not inside a genus's initial ("E. coli",
# "H. pylori") or a number ("39.2").
_SENTENCE = re.compile(r"(?:[^.;!?\n]|(?<=\b[A-Z])\.(?=[ \t]+[a-z])|\.(?=\d))+")
_HISTORY_WORDS = frozenset(tokens("personal history of other"))
_GENERIC = QUALIFIERS | frozenset(tokens("not specified"))
# A title's with / without clauses and the axes after its comma ("Diverticulitis of intestine, part
# unspecified, without perforation or abscess ..."): what the condition is, is said before them.
_TITLE_AXES = re.compile(r",|\b(?:with|without|due\s+to|in)\b", re.IGNORECASE)
# The Index's "History, personal, disease or disorder, <system>" code, by the condition's chapter, for a
# condition treated and resolved that no history code names (cellulitis: skin; diverticulitis: digestive
# system); a urinary tract infection has its own entry ("History, personal, infection, urinary (tract)").
URINARY_INFECTION = "Z87.440"
_ACUTE = re.compile(r"\bacute\b", re.IGNORECASE)
_SYSTEM_HISTORY: tuple[tuple[str, str, str], ...] = (
    ("N10", "N12", URINARY_INFECTION),
    ("N30", "N30", URINARY_INFECTION),
    ("N39.0", "", URINARY_INFECTION),
    ("N00", "N39", "Z87.448"),
    ("K00", "K95", "Z87.19"),
    ("L00", "L99", "Z87.2"),
    ("M00", "M99", "Z87.39"),
)


def _condition_words(pick: Pick, catalog: CodeCatalog) -> frozenset[str]:
    """The words of the code's title that its evidence wrote: the condition as the note names it (its
    title's with / without clauses only where nothing is left without them)."""
    said = {t for m in pick.mentions for t in tokens(m.query)}
    title = catalog.title(pick.code)
    core = frozenset(tokens(_TITLE_AXES.split(title, 1)[0])) - _HISTORY_WORDS - _GENERIC
    full = catalog.title_tokens(pick.code) - _HISTORY_WORDS - _GENERIC
    return frozenset(core & said) or frozenset(full & said)


def _system_history(code: str, title: str) -> str | None:
    """The body system's personal history code of the condition coded ``code`` (an acute episode over, as
    an acute kidney failure, is no disease or disorder of the patient's past)."""
    acute = _ACUTE.search(title) is not None
    for first, last, history in _SYSTEM_HISTORY:
        if acute and history != URINARY_INFECTION:
            continue
        if "." in first:
            if code.startswith(first):
                return history
        elif first <= code[:3] <= last:
            return history
    return None


def _said_over(words: frozenset[str], sentences: list[set[str]], over: list[bool]) -> bool:
    """A sentence names the condition and says it is over (treated and resolved)."""
    return any(o and words <= s for s, o in zip(sentences, over, strict=True))


def _history_code(pick: Pick, words: frozenset[str], ctx: NoteContext, catalog: CodeCatalog) -> str | None:
    """The personal history code of the condition, when one names it."""
    if ctx.search is None:
        return None
    found = ctx.search(f"personal history of {catalog.title(pick.code)}", HISTORY_OF_DISEASE)
    if found and words <= catalog.title_tokens(found[0][0]):
        return found[0][0]
    return _system_history(pick.code, catalog.title(pick.code))


def _current_condition_followed(picks: dict[str, Pick], at: int) -> bool:
    """The visit follows up a condition still coded ("f/u osteoporosis ... hx wrist fx, healed"): the visit
    is that condition's, not a follow-up after completed treatment."""
    return any(
        p.final
        and p.code[0] != "Z"
        and any(m.start <= at < m.end or at <= m.start < at + 12 for m in p.mentions)
        for p in picks.values()
    )


def completed_treatment_follow_up(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """Z09 with the history code in place of a condition treated and resolved, at a follow-up visit."""
    visit = _FOLLOW_UP_VISIT.search(head_lines(ctx.note, 2))
    if visit is None or ctx.setting == "inpatient":
        return
    spans = list(_SENTENCE.finditer(ctx.note))
    texts = [expand_abbreviations(s.group(0)) for s in spans]
    sentences = [set(tokens(t)) for t in texts]
    # a past problem the history lists as resolved is background, not what this visit follows up
    background = [ctx.mention(s.start(), s.end()).section in BACKGROUND_SECTIONS for s in spans]
    over = [
        bool(_OVER.search(t)) and not _STILL_CURRENT.search(t) and not b
        for t, b in zip(texts, background, strict=True)
    ]
    untreated = [bool(_NO_TREATMENT.search(t)) for t in texts]
    flare = [bool(_FLARE.search(t)) for t in texts]
    if not any(over):
        return
    resolved = False
    ended: set[tuple[int, int]] = set()
    # a condition the recap of the stay names (past_stay) is over too, when the visit says so
    stay = [p for p in picks.values() if p.final or PAST_STAY in p.warnings]
    for pick in [p for p in stay if catalog.system(p.code) == "ICD-10-CM"]:
        history = pick.code.startswith(HISTORY_OF_DISEASE)
        if pick.code[0] == "Z" and not history:
            continue
        words = _condition_words(pick, catalog)
        # an exacerbation over leaves the chronic disease current ("HF exacerbation (resolved)": I50.23 is
        # over, I50.22 and I11.0 are not)
        own = (
            over
            if _EPISODE_TITLE.search(catalog.title(pick.code))
            else [o and not f for o, f in zip(over, flare, strict=True)]
        )
        if not words or not _said_over(words, sentences, own):
            continue
        treated = _said_over(words, sentences, [o and not u for o, u in zip(own, untreated, strict=True)])
        if not history:
            demote(
                pick,
                "treated and resolved: not current at a follow-up after completed treatment (I.C.21.c.8)",
            )
            ended |= {(m.start, m.end) for m in pick.mentions}
        if pick.code[0] == "R" or not treated:  # a symptom gone, or a condition gone untreated: no follow-up
            continue
        code = None if history else _history_code(pick, words, ctx, catalog)
        if code is not None:
            why = "personal history of the condition treated and resolved, beside Z09 (I.C.21.c.8)"
            add_pick(picks, catalog, code, pick.score, pick.mentions[:1], why)
        resolved = True
    _organisms_of_ended(picks, ended)
    if not resolved or _current_condition_followed(picks, visit.start()):
        return
    for other in [p for p in picks.values() if not p.final and p.code.startswith(HISTORY_OF_DISEASE)]:
        demote(other, "not the history of the condition treated and resolved (Z09's partner, I.C.21.c.8)")
    why = "follow-up examination after completed treatment of a condition that has resolved (I.C.21.c.8)"
    add_pick(
        picks,
        catalog,
        FOLLOW_UP_AFTER_TREATMENT,
        best_score(picks) + 0.02,
        [ctx.mention(visit.start(), visit.end())],
        why,
    )


def _organisms_of_ended(picks: dict[str, Pick], ended: set[tuple[int, int]]) -> None:
    """The organism of an infection treated and resolved (B95-B97, "use additional code"), read inside its
    words, goes with it."""
    for pick in picks.values():
        inside = [any(a <= m.start and m.end <= b for a, b in ended) for m in pick.mentions]
        if pick.final and pick.code.startswith(ORGANISMS) and inside and all(inside):
            demote(pick, "the organism of an infection treated and resolved (I.C.21.c.8)")

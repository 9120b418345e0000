"""Tobacco by status (ICD-10-CM I.C.5.b, F17 and Z87.891): current use is F17.2- by product, "in remission"
is the 5th-digit 1, and a former user ("quit 10 years ago", "ex-smoker") is history, Z87.891."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.reader import RELATIVES, SUBJECTS, Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_TOBACCO = re.compile(
    r"(?:\d|\bone|\bhalf|\ba)\s*ppd\b|"  # packs per day only after an amount ("PPD#2": postpartum day 2)
    # "smoke" the noun ("can't smell coffee or smoke", "the smoke of a fire", "smoke-free car") is no one's
    # smoking
    r"\b(?:smok(?!e\b)\w*|(?<!\bor )(?<!\band )(?<!\bof )(?<!\bthe )(?<!\bsmell )smoke(?![- ]free)|"
    r"tobacco|cigarettes?|cigars?|nicotine|vap(?:e|es|ing)|e-cig\w*|pack[- ]years?|snuff|"
    r"chew(?:s|ing)? tobacco|dip(?:s|ping)? tobacco)\b",
    re.IGNORECASE,
)
_NEVER = re.compile(
    r"\b(?:never|non-?smoker|nonsmoker|denies|no (?:tobacco|smoking|history of (?:tobacco|smoking))|"
    r"(?:does|do|did)(?: not|n't) (?:smoke|use tobacco|use nicotine)|not an? (?:smoker|tobacco user))\b",
    re.I,
)
# "quit line", "quit date", "quit plan": the cessation help the plan offers, not a former user
_FORMER = re.compile(
    r"(?<!to )(?<!\bnot )\bquit\b(?![- ]?(?:line|date|plan|program|kit|aids?|resources?|attempts?)\b)|"
    r"\b(?:former|formerly|ex-?\s?smoker|ex-|stopped|used to|no longer|previous|"
    r"prior|h/o|history of|hx of|remote|years? ago|until \d{4})\b",
    re.IGNORECASE,
)
# "Smokes cannabis most days", "vapes THC": another smoked substance is not tobacco (F12.-, not F17.-) unless
# tobacco is named.
_OTHER_SMOKED = re.compile(
    r"\b(?:cannabis|marijuana|marihuana|weed|THC|pot|crack|cocaine|meth\w*|heroin|fentanyl|opium)\b", re.I
)
# Drinking a sentence names without any tobacco word: its "quit" is of alcohol, not a former smoker's
_ALCOHOL = re.compile(r"\b(?:alcohol\w*|etoh|drink\w*|beers?|wine|liquor)\b", re.IGNORECASE)
_TOBACCO_NAMED = re.compile(
    r"\b(?:tobacco|cigarettes?|cigars?|nicotine|ppd|pack[- ]years?|e-cig\w*|snuff|chew\w*)\b", re.I
)
_REMISSION = re.compile(
    r"\b(?:in (?:early |sustained )?remission|(?:early|sustained) remission)\b", re.IGNORECASE
)
_PRODUCT = (
    ("22", re.compile(r"\b(?:chew\w*|dip|snuff|smokeless)\b", re.I)),
    ("29", re.compile(r"\b(?:cigars?|pipe|vap\w*|e-cig\w*|hookah)\b", re.I)),
    ("21", re.compile(r"\b(?:cigarettes?|packs?|ppd|smok\w*)\b", re.I)),
)


# What a sentence says of the tobacco words stops at an arrow (the plan or course after it: "quit 2012 -> AAA
# US ordered (never had one)") or at a dictated run-on's next subject ("... in remission he smokes a pack a
# day ... his mother has ...").
_CLAUSE_BREAK = re.compile(rf"->|\u2192|\b{SUBJECTS}", re.IGNORECASE)


def status_clause(sentence: str, start: int, end: int) -> str:
    """The clause of ``sentence`` that holds the tobacco words at ``start:end``."""
    begin = max((m.start() for m in _CLAUSE_BREAK.finditer(sentence, 0, start)), default=0)
    after = _CLAUSE_BREAK.search(sentence, end)
    return sentence[begin : after.start() if after else len(sentence)]


def _product(text: str) -> str | None:
    return next((p for p, rx in _PRODUCT if rx.search(text)), None)


def note_product(note: str) -> str | None:
    """The tobacco product the note names for the patient anywhere ("smokes 1/2 ppd cigarettes"), so that
    "nicotine dependence" in the assessment takes it (F17.21-, not F17.20- unspecified)."""
    for m in re.finditer(r"[^.\n]+", note):
        sentence = m.group(0)
        if _TOBACCO.search(sentence) and not (
            _NEVER.search(sentence) or _SOMEONE_ELSE.search(sentence) or not_tobacco(sentence)
        ):
            product = _product(sentence)
            if product:
                return product
    return None


# "Tobacco use" with no product, amount or dependence anywhere in the note: the Index's "Use, tobacco" (Z72.0)
_USE_ONLY = re.compile(r"\btobacco\s+use\b(?!\s+disorder)", re.IGNORECASE)


# A withdrawal the sentence states (not denied) is the dependence now, however recently the patient quit:
# Dependence, drug, nicotine, with withdrawal (F17.2x3)
_WITHDRAWAL = re.compile(
    r"\b(?:nicotine|tobacco|smoking|cigarettes?)\s+withdrawal\b|"
    r"\bwithdrawal\s+(?:from|of)\s+(?:nicotine|tobacco|smoking|cigarettes?)\b",
    re.IGNORECASE,
)
_WITHDRAWAL_DENIED = re.compile(
    r"\b(?:no|not|without|w/o|denies|denied|negative\s+for)\s+(?:\w+\s+){0,3}withdrawal\b", re.IGNORECASE
)


def _in_withdrawal(sentence: str) -> bool:
    return _WITHDRAWAL.search(sentence) is not None and _WITHDRAWAL_DENIED.search(sentence) is None


def tobacco_code(sentence: str, note: str = "") -> str:
    """The code a tobacco sentence supports: Z87.891 (former), F17.2x1 (in remission), F17.2x0 (current),
    F17.2x3 (in withdrawal, a recent quit included), the product from the sentence, else from the rest of the
    note; Z72.0 for a use no product names."""
    if _in_withdrawal(sentence):
        return f"F17.{_product(sentence) or note_product(note) or '20'}3"
    if _FORMER.search(sentence) and not _REMISSION.search(sentence):
        return "Z87.891"
    product = _product(sentence) or note_product(note)
    if product is None and _USE_ONLY.search(sentence):
        return "Z72.0"
    return f"F17.{product or '20'}{'1' if _REMISSION.search(sentence) else '0'}"


def names_tobacco(text: str) -> bool:
    """The text names tobacco or its use ("hx tob", "smoker", "1 ppd")."""
    return _TOBACCO.search(text) is not None


def not_tobacco(sentence: str) -> bool:
    """The sentence's smoking is of another substance ("smokes cannabis daily", "smoking crack")."""
    return bool(_OTHER_SMOKED.search(sentence)) and not _TOBACCO_NAMED.search(sentence)


# Other people's tobacco smoke around the patient ("lives with 2 smokers", "secondhand smoke at home"): an
# exposure, Z77.22 (I.C.21.c.1), not the patient's own use and not the smoke of a fire (X08.-).
_SMOKE_AROUND = re.compile(
    r"\b(?:secondhand|second-hand|passive|environmental|household)\s+(?:tobacco\s+|cigarette\s+)?smok\w*|"
    r"\blives\s+with\s+(?:\w+\s+){0,2}smokers?\b|\bsmokers?\s+(?:at|in\s+the)\s+home\b|"
    r"\b(?:tobacco|cigarette)\s+smoke\s+exposure\b",
    re.IGNORECASE,
)
# A child's relative who smokes now ("Dad smokes in the car", "both parents smoke"): the smoke of the home the
# child lives in; not a relative who tells the story ("per mom, smokes 1 ppd").
_RELATIVE_SMOKES = re.compile(
    rf"(?<!\bper\s)\b{RELATIVES}\s+(?:also\s+|still\s+)?(?:smokes|smoke|vapes)\b", re.IGNORECASE
)
_DENIED_BEFORE = re.compile(r"\b(?:no|not|denies|without|never)\b[^.;\n]{0,30}$", re.IGNORECASE)


def secondhand_smoke(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """Z77.22 where the note says the patient breathes other people's tobacco smoke; a tobacco-use or
    fire-smoke pick read from those words goes."""
    around = list(_SMOKE_AROUND.finditer(ctx.note))
    if ctx.age is not None and ctx.age < 18:
        around += _RELATIVE_SMOKES.finditer(ctx.note)
    said = [
        m
        for m in around
        if not _DENIED_BEFORE.search(ctx.note[ctx.note.rfind("\n", 0, m.start()) + 1 : m.start()])
    ]
    if not said:
        return
    spans = [(m.start(), m.end()) for m in said]
    for code in [c for c in picks if c.startswith(("F17.2", "Z72.0", "X08"))]:
        if all(any(a < m.end and m.start < b for a, b in spans) for m in picks[code].mentions):
            picks.pop(code)
    reason = "exposure to environmental tobacco smoke (Z77.22, guideline I.C.21.c.1)"
    add_pick(picks, catalog, "Z77.22", 0.6, [ctx.mention(a, b) for a, b in spans], reason)


def tobacco_status(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """Each tobacco pick (F17.2-, Z87.891, Z72.0) becomes the code its sentence documents, and is final:
    smoking status stated anywhere in the note (social history included) is coded."""
    secondhand_smoke(picks, ctx, catalog)
    tobacco = [c for c in picks if c.startswith("F17.2") or c in ("Z87.891", "Z72.0")]
    by_sentence: dict[str, list[Pick]] = {}
    for code in tobacco:
        pick = picks[code]
        clauses = [_mention_clause(ctx, m) for m in pick.mentions]
        said = [c for c in clauses if _TOBACCO.search(c)]
        if said and (_NEVER.search(said[0]) or not_tobacco(said[0])):
            picks.pop(code)  # "never smoker", "smokes cannabis": no tobacco code at all
        elif not said and any(not_tobacco(c) or _ALCOHOL.search(c) for c in clauses):
            picks.pop(
                code
            )  # "h/o IV heroin use", "quit drinking 10 years ago": another substance, no tobacco
        elif said and not any(m.negated or m.family for m in pick.mentions):
            by_sentence.setdefault(_remission_first(said, ctx.note), []).append(pick)
    if not by_sentence:
        _from_the_note(picks, ctx, catalog)
    for sentence, group in by_sentence.items():
        wanted = tobacco_code(sentence, ctx.note)
        if wanted not in catalog:
            continue
        for pick in group:
            picks.pop(pick.code, None)
        best = max(group, key=lambda p: p.score)
        mentions = [m for p in group for m in p.mentions]
        mentions.sort(key=lambda m: _mention_clause(ctx, m) != sentence)  # the deciding clause's words first
        note = f"tobacco status from the note: {wanted} (guideline I.C.5.b; a former user is Z87.891)"
        add_pick(picks, catalog, wanted, max(best.score, 0.6), mentions, note)


def _remission_first(said: list[str], note: str) -> str:
    """The clause that decides a tobacco pick: one stating the dependence in remission wins over the quitting
    it follows from ("Quit cigs 4 mo ago" beside "Tobacco use d/o, cigarettes, early remission": F17.211, not
    the history Z87.891, which excludes the dependence)."""
    for clause in said:
        if _REMISSION.search(clause):
            return clause
    if _FORMER.search(said[0]):
        for m in re.finditer(r"[^.\n]+", note):
            if (
                _TOBACCO.search(m.group(0))
                and _REMISSION.search(m.group(0))
                and not _NEVER.search(m.group(0))
            ):
                return m.group(0)
    return said[0]


def _mention_clause(ctx: NoteContext, m: Mention) -> str:
    """The clause of the mention's sentence around its tobacco words (the sentence when it names none)."""
    sentence = ctx.sentence(m)
    at = m.start - m.sentence_start if m.sentence_end > m.sentence_start else 0
    found = _TOBACCO.search(sentence, max(at, 0)) or _TOBACCO.search(sentence)
    return status_clause(sentence, found.start(), found.end()) if found else sentence


_SOMEONE_ELSE = re.compile(
    rf"(?<!\bper\s)\b(?:{RELATIVES}|husband|wife|spouse|partner|household|secondhand|second-hand|passive|"
    r"exposure|exposed|FH|family|smokers|lives\s+with)\b",
    re.IGNORECASE,
)


def _from_the_note(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """No tobacco candidate was retrieved, but a sentence states the patient's use: code that status."""
    for m in re.finditer(r"[^.\n]+", ctx.note):
        for found in _TOBACCO.finditer(m.group(0)):
            clause = status_clause(m.group(0), found.start(), found.end())
            if _NEVER.search(clause) or _SOMEONE_ELSE.search(clause) or not_tobacco(clause):
                continue
            wanted = tobacco_code(clause, ctx.note)
            start = m.start() + found.start()
            note = f"tobacco status from the note: {wanted} (guideline I.C.5.b; a former user is Z87.891)"
            if add_pick(picks, catalog, wanted, 0.6, [ctx.mention(start, m.start() + found.end())], note):
                return

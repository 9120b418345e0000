"""Dementia due to a named disease (ICD-10-CM I.A.13 etiology/manifestation; tabular F02 "code first the
underlying physiological condition", G30 "use additional code to identify ... dementia"): "Alzheimer's
dementia" is G30.- first with F02.- for the dementia, not F03.- (unspecified dementia). The F02 code keeps
the severity and behaviour that the F03 code was chosen for, by the titles' own parallel wording."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# (etiology code, words, onset variants): the underlying diseases a note names beside a dementia.
_ETIOLOGY: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("G30.9", r"alzheimer'?s?", (("G30.0", r"early[- ]onset"), ("G30.1", r"late[- ]onset"))),
    ("G31.83", r"lewy\s+bod(?:y|ies)", ()),
    ("G20.C", r"parkinson'?s?|\bPD\b", ()),
)
# Diseases whose code the note's own mention chooses (G20.A1-G20.C: with dyskinesia, fluctuations): the
# dementia is theirs only where that code is final ("PD" is peritoneal dialysis too).
_CODED_BY_THEIR_MENTION = ("G20",)
_NOT_THE_PATIENTS = re.compile(
    r"\b(?:no|denies|not|rule\s+out|r/o|family|mother|father|sister|brother|parents?|grandm\w+|grandf\w+|FH)\b",
    re.IGNORECASE,
)
_UNSPECIFIED = "unspecified dementia"
_IN_OTHER_DISEASES = "dementia in other diseases classified elsewhere"


def _in_other_diseases(catalog: CodeCatalog, code: str) -> str | None:
    """F02's code for the severity and behaviour of an F03 code."""
    title = catalog.title(code).lower()
    if not title.startswith(_UNSPECIFIED):
        return None
    wanted = _IN_OTHER_DISEASES + title[len(_UNSPECIFIED) :]
    return next((c for c in catalog.leaves_under("F02") if catalog.title(c).lower() == wanted), None)


def _etiology(note: str) -> tuple[str, re.Match[str]] | None:
    for code, words, onsets in _ETIOLOGY:
        for m in re.finditer(rf"\b(?:{words})", note, re.IGNORECASE):
            line_start = max(note.rfind("\n", 0, m.start()), note.rfind(". ", 0, m.start())) + 1
            if _NOT_THE_PATIENTS.search(note[line_start : m.start()]):
                continue
            window = note[max(line_start, m.start() - 20) : m.end() + 40]
            onset = next((c for c, rx in onsets if re.search(rx, window, re.IGNORECASE)), code)
            return onset, m
    return None


def dementia_in_other_diseases(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    unspecified = [p for p in picks.values() if p.final and p.code.startswith("F03")]
    if not unspecified:
        return
    found = _etiology(ctx.note)
    if found is None:
        return
    etiology, m = found
    coded = any(p.final and p.code.startswith(etiology[:3]) for p in picks.values())
    if etiology.startswith(_CODED_BY_THEIR_MENTION) and not coded:
        return
    evidence = ctx.mention(m.start(), m.end())
    for pick in unspecified:
        manifestation = _in_other_diseases(catalog, pick.code)
        if manifestation is None:
            continue
        picks.pop(pick.code)
        if not coded:
            add_pick(
                picks,
                catalog,
                etiology,
                pick.score + 0.01,
                [evidence, *pick.mentions],
                "the disease causing the dementia, coded first (guideline I.A.13; F02 code first note)",
            )
        add_pick(
            picks,
            catalog,
            manifestation,
            pick.score,
            pick.mentions,
            f"dementia due to {m.group(0)}: {manifestation}, not {pick.code} (unspecified dementia; I.A.13)",
        )


# The F02 fifth and sixth characters by the behaviour a note names (titles: "with agitation", "with other
# behavioral disturbance" (sleep disturbance, disinhibition, wandering), "with psychotic disturbance" ...).
_BEHAVIOUR: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("11", re.compile(r"\bagitat\w*|\baggressi\w*|\bcombative|\bviolent", re.IGNORECASE)),
    ("2", re.compile(r"\bpsychotic|\bpsychosis|\bhallucinat\w*|\bdelusion\w*|\bparanoi\w*", re.IGNORECASE)),
    ("3", re.compile(r"\bmood\s+disturbance|\bdepress\w*|\bapath\w*", re.IGNORECASE)),
    ("4", re.compile(r"\banxiety|\banxious", re.IGNORECASE)),
    (
        "18",
        re.compile(
            r"\bbehaviou?ral\s+disturbance|\bwander\w*|\bsleep\s+disturbance|\bdisinhibit\w*", re.IGNORECASE
        ),
    ),
)
# a behaviour the note denies ("no behavioral disturbance", "without agitation or wandering") is not said
_DENIED_BEHAVIOUR = re.compile(r"\b(?:no|without|w/o|denies|not|negative\s+for)\b[^,.;()]*", re.IGNORECASE)
_SEVERITY = {"mild": "A", "moderate": "B", "severe": "C"}
_SEVERITY_WORD = re.compile(r"\b(mild|moderate|severe)\b", re.IGNORECASE)
_DEMENTIA_SAID = re.compile(r"\bdementia\b", re.IGNORECASE)
_NO_DEMENTIA = re.compile(r"\b(?:without|no|not|w/o)\s+(?:\w+\s+)?dementia\b", re.IGNORECASE)
_UNDERLYING = ("G30", "G31.83")


def _manifestation_code(words: str) -> str:
    """F02's code for the severity and behaviour ``words`` name (none named: F02.80)."""
    severity = _SEVERITY_WORD.search(words)
    said = _DENIED_BEHAVIOUR.sub(" ", words)
    behaviour = next((b for b, rx in _BEHAVIOUR if rx.search(said)), "")
    level = _SEVERITY[severity.group(1).lower()] if severity else "8"
    return f"F02.{level}{behaviour or '0'}"


def _with_its_onset(picks: dict[str, Pick], catalog: CodeCatalog, pick: Pick, sentence: str) -> Pick:
    """G30.9 for a sentence that states the onset ("Alzheimer's dementia, late onset") becomes G30.1."""
    for code, _, onsets in _ETIOLOGY:
        stated = next((c for c, rx in onsets if re.search(rx, sentence, re.IGNORECASE)), None)
        if pick.code == code and stated:
            why = f"the onset the note states ({stated})"
            swapped = add_pick(picks, catalog, stated, pick.score, pick.mentions, why)
            if swapped is None:
                return pick  # the onset's code is not in the index: the unspecified code stays
            picks.pop(pick.code)
            return swapped
    return pick


def dementia_of_the_disease(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """ "Alzheimer's dementia": G30.- with F02.- for the dementia (G30 "use additional code"), with the
    severity and behaviour the same sentence states. A disease named without dementia adds nothing."""
    if any(p.final and c.startswith(("F02", "F03")) for c, p in picks.items()):
        return  # the dementia is coded already (an F03 alternate the ranking doubted is not)
    for pick in [p for p in picks.values() if p.final and p.code.startswith(_UNDERLYING)]:
        for m in pick.mentions:
            sentence = ctx.sentence(m)
            if _DEMENTIA_SAID.search(sentence) and not _NO_DEMENTIA.search(sentence):
                pick = _with_its_onset(picks, catalog, pick, sentence)
                code = _manifestation_code(sentence)
                add_pick(
                    picks,
                    catalog,
                    code,
                    pick.score - 0.01,
                    [m],
                    "the dementia of the disease coded first (G30 use additional code; guideline I.A.13)",
                )
                return


_WITHOUT_BEHAVIOUR = re.compile(r"without\s+behaviou?ral\s+disturbance", re.IGNORECASE)
_BEHAVIOUR_DENIED = re.compile(r"\b(?:no|without|denies|w/o)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)


def dementia_behaviour(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """A dementia coded "without behavioral disturbance" whose sentence names one ("Dementia due to
    Parkinson's, severe, with psychotic disturbance"): the sibling with that behaviour (F01-F03 fifth and
    sixth characters), and the behaviour's own symptom code (R44.-, R45.1) is part of it."""
    for pick in [p for p in picks.values() if p.final and p.code.startswith(("F01", "F02", "F03"))]:
        if not _WITHOUT_BEHAVIOUR.search(catalog.title(pick.code)):
            continue
        sentences = {ctx.sentence(m) for m in pick.mentions}
        said = next(
            (
                (b, s, m)
                for s in sorted(sentences)
                for b, rx in _BEHAVIOUR
                for m in rx.finditer(s)
                if not _BEHAVIOUR_DENIED.search(s[: m.start()])
            ),
            None,
        )
        if said is None:
            continue
        behaviour, sentence, _ = said
        code = pick.code[:5] + behaviour
        why = f"the behaviour its sentence names: {code}, not {pick.code} (without behavioral disturbance)"
        if add_pick(picks, catalog, code, pick.score, pick.mentions, why) is None:
            continue
        demote(pick, f"{code}: the note names the behaviour")
        for symptom in [p for p in picks.values() if p.final and p.code.startswith(("R44", "R45.1"))]:
            if any(ctx.sentence(m) == sentence for m in symptom.mentions):
                demote(symptom, f"part of {code}'s behavioural disturbance")

"""Dementia due to a named disease (ICD-10-CM I.A.13 etiology/manifestation; tabular F02 "code first the
underlying physiological condition", G30 "use additional code to identify ... dementia"): "Alzheimer's
dementia" is G30.- first with F02.- for the dementia, not F03.- (unspecified dementia). The F02 code keeps
the severity and behaviour that the F03 code was chosen for, by the titles' own parallel wording."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# (etiology code, words, onset variants): the underlying diseases a note names beside a dementia.
_ETIOLOGY: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("G30.9", r"alzheimer'?s?", (("G30.0", r"early[- ]onset"), ("G30.1", r"late[- ]onset"))),
    ("G31.83", r"lewy\s+bod(?:y|ies)", ()),
)
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
            window = note[max(line_start, m.start() - 20) : m.end() + 20]
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
    evidence = ctx.mention(m.start(), m.end())
    for pick in unspecified:
        manifestation = _in_other_diseases(catalog, pick.code)
        if manifestation is None:
            continue
        picks.pop(pick.code)
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

"""A condition in a pregnant patient is coded first with its chapter 15 "complicating pregnancy" code
(ICD-10-CM guideline I.C.15.a.1), the condition's own code kept beside it for the detail (the O99 categories'
"use additional code" notes); the trimester comes from the note (words or weeks of gestation, I.C.15.a.3).

Left to the coder: a pregnancy the physician calls incidental (Z33.1), conditions with their own chapter 15
categories (diabetes O24, hypertension O10-O16, infections O98) and symptoms."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.patient import read_demographics
from assistant.suggest.qualifiers import trimester_of_weeks
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# (the condition's code prefixes, the O-category of its pregnancy codes); first match wins.
_COMPLICATING: tuple[tuple[tuple[str, ...], str], ...] = (
    (tuple(f"D{n}" for n in range(50, 65)), "O99.01"),  # anemia
    (tuple(f"D{n}" for n in range(65, 90)), "O99.11"),  # other blood and immune disorders
    (("E66",), "O99.21"),  # obesity
    (("E08", "E09", "E10", "E11", "E13", "E40", "E41", "E42", "E43", "E44", "E45", "E46"), ""),  # O24 / O25
    (("E",), "O99.28"),
    (("F10",), "O99.31"),
    (("F17",), "O99.33"),
    (("F11", "F12", "F13", "F14", "F15", "F16", "F18", "F19"), "O99.32"),
    (("F",), "O99.34"),
    (("G",), "O99.35"),
    (("I10", "I11", "I12", "I13", "I15", "I16", "I1A"), ""),  # hypertension: O10-O16
    (("I",), "O99.41"),
    (("J",), "O99.51"),
    (("K",), "O99.61"),
    (("L",), "O99.71"),
    (("C",), "O9A.11"),
)
_INCIDENTAL = re.compile(
    r"\bincidental(?:ly)?\b[^.\n]{0,30}\bpregnan|\bpregnan\w*[^.\n]{0,30}\bincidental", re.I
)
_TRIMESTER = re.compile(r"\b(first|second|third|1st|2nd|3rd)\s+tri(?:mester)?\b", re.I)
_ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}
_WORDS = {0: "unspecified", 1: "first", 2: "second", 3: "third"}


def _category_for(code: str) -> str:
    for prefixes, category in _COMPLICATING:
        if code.startswith(prefixes):
            return category
    return ""


def _trimester(note: str, weeks: int | None) -> int:
    said = {_ORDINAL[m.group(1).lower()] for m in _TRIMESTER.finditer(note)}
    if len(said) == 1:
        return said.pop()
    return trimester_of_weeks(weeks) or 0


def pregnancy_code(catalog: CodeCatalog, category: str, trimester: int) -> str | None:
    """The category's code for a pregnancy in that trimester (0: unspecified trimester)."""
    wanted = f"pregnancy, {_WORDS[trimester]} trimester"
    return next((c for c in catalog.children(category) if wanted in catalog.title(c).lower()), None)


def complicating_pregnancy(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    facts = read_demographics(ctx.note)
    if not facts.pregnant or facts.sex == "M" or _INCIDENTAL.search(ctx.note):
        return
    trimester = _trimester(ctx.note, facts.weeks)
    for pick in [p for p in picks.values() if p.final and p.code in catalog]:
        if catalog.system(pick.code) != "ICD-10-CM":
            continue
        category = _category_for(pick.code)
        code = pregnancy_code(catalog, category, trimester) if category else None
        if code is None or any(p.final and p.code.startswith(category) for p in picks.values()):
            continue
        add_pick(
            picks,
            catalog,
            code,
            pick.score + 0.001,
            pick.mentions,
            f"{pick.code} in a pregnancy: coded first as {code} (guideline I.C.15.a.1), "
            f"{pick.code} beside it",
        )

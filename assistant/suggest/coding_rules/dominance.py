"""Hemiplegia, hemiparesis and monoplegia by the dominant side (ICD-10-CM I.C.6.a): the note's "dominant" /
"nondominant", else the patient's handedness ("R-handed": the right side is dominant), else the default: an
ambidextrous patient's side is dominant, the right side is dominant and the left side nondominant."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# The tabular titles' wording: "... affecting left non-dominant side", "... affecting right dominant side".
_SIDED_TITLE = re.compile(r"affecting (left|right) (non-?dominant|dominant) side", re.IGNORECASE)
_UNSIDED_TITLE = re.compile(r"affecting unspecified side", re.IGNORECASE)
_SAID_DOMINANCE = re.compile(r"\b(non-?dominant|dominant)\b", re.IGNORECASE)
# The patient's hand: "right-handed", "R hand dominant", "dominant hand: left", "(dominant R)".
_HANDED = re.compile(
    r"\b(left|right|l|r)[- ]?hand(?:ed|ness|\s+dominant|\s+dominance)\b"
    r"|(?<!non-)(?<!non)\bdominan(?:t|ce)(?:\s+hand)?\s*(?:is\s+|:\s*|=\s*)?(left|right|l|r)\b"
    r"(?![- ]?(?:sided|side|hemi|arm|leg))",
    re.IGNORECASE,
)
_AMBIDEXTROUS = re.compile(r"\bambidextr\w*", re.IGNORECASE)
# The side written with the deficit itself ("left MCA stroke with right hemiparesis": the right side).
_DEFICIT = r"(?:hemipar\w+|hemipleg\w+|monopleg\w+|monopar\w+|weakness)"
_DEFICIT_SIDE = re.compile(
    rf"\b(left|right|l|r)[- ](?:sided\s+|side\s+)?{_DEFICIT}\b|"
    rf"\b{_DEFICIT}(?:\s+of\s+(?:the\s+)?|\s*,\s*|\s+)(left|right|l|r)\b",
    re.IGNORECASE,
)


def _dominant(side: str, sentence: str, note: str) -> bool:
    said = _SAID_DOMINANCE.search(_HANDED.sub(" ", sentence))
    if said:
        return not said.group(1).lower().startswith("non")
    if _AMBIDEXTROUS.search(note):
        return True
    handed = _HANDED.search(note)
    if handed:
        return (handed.group(1) or handed.group(2)).lower()[0] == side[0]
    return side == "right"


def _deficit_side(text: str) -> str | None:
    said = {(a or b).lower()[0] for a, b in _DEFICIT_SIDE.findall(text)}
    if len(said) != 1:
        return None
    return "left" if said == {"l"} else "right"


def _sibling(catalog: CodeCatalog, code: str, side: str, dominant: bool) -> str | None:
    """The code beside ``code`` (same parent) whose title names ``side`` with the wanted dominance."""
    for digit in "0123456789":
        other = code[:-1] + digit
        if other not in catalog or not catalog.billable(other):
            continue
        m = _SIDED_TITLE.search(catalog.title(other))
        if m and m.group(1).lower() == side and m.group(2).lower().startswith("non") != dominant:
            return other
    return None


def dominant_side(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    for pick in [p for p in picks.values() if p.final and p.code in catalog]:
        title = catalog.title(pick.code)
        m = _SIDED_TITLE.search(title)
        if (m is None and not _UNSIDED_TITLE.search(title)) or not pick.mentions:
            continue
        sentences = " ".join(ctx.sentence(x) for x in pick.mentions)
        side = _deficit_side(sentences) or (m.group(1).lower() if m else None)
        if side is None:
            continue  # no side written: the unspecified side stays
        wanted = _dominant(side, sentences, ctx.note)
        if m and side == m.group(1).lower() and m.group(2).lower().startswith("non") != wanted:
            continue  # already the side's dominance
        target = _sibling(catalog, pick.code, side, wanted)
        if target is None:
            continue
        reason = (
            f"{side} side {'dominant' if wanted else 'nondominant'} (guideline I.C.6.a: the note's "
            "dominance, else handedness, else right dominant and left nondominant)"
        )
        if add_pick(picks, catalog, target, pick.score, pick.mentions, reason) is not None:
            picks.pop(pick.code)

"""An eyelid condition coded by eye and by lid (H00-H02, D22.1-, D23.1-: "... right upper eyelid", "... left
eye, upper and lower eyelids"): the eyes and lids the note names pick the codes, one for each eye (I.B.13:
the categories have no bilateral code). "Blepharitis, upper and lower lids, both eyes" is H01.00A and H01.00B,
not H01.009."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.reader import LATERALITY, Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import expand_abbreviations
from assistant.suggest.types import Pick

_LID_TITLE = re.compile(
    r"^(?P<stem>.*?)[\s,]*(?:\bof\s+)?(?P<eye>right|left|unspecified)\s+(?:eye,\s+)?"
    r"(?P<lid>upper and lower eyelids|upper eyelid|lower eyelid|unspecified eyelid)\b",
    re.IGNORECASE,
)
_UPPER = re.compile(r"\bupper\b", re.IGNORECASE)
_LOWER = re.compile(r"\blower\b", re.IGNORECASE)
_LIDS = re.compile(r"\b(?:eye)?lids?\b", re.IGNORECASE)
_EYES = {
    "right": re.compile(r"\bOD\b|\bright\s+eye\b"),
    "left": re.compile(r"\bOS\b|\bleft\s+eye\b"),
    "bilateral": re.compile(r"\bOU\b|\bboth\s+eyes\b|\bbilateral\b|\bbilat\b", re.IGNORECASE),
}
_REASON = "I.B.13: an eyelid condition is coded by eye and lid; both eyes take one code each"


def _said(ctx: NoteContext, mention: Mention) -> str:
    return f"{mention.text} {ctx.sentence(mention)}"


def _eyes(text: str) -> list[str]:
    sides = {side for side, rx in _EYES.items() if rx.search(text)}
    sides |= {side for side, rx in LATERALITY.items() if rx.search(expand_abbreviations(text))}
    if "bilateral" in sides or {"right", "left"} <= sides:
        return ["right", "left"]
    return [s for s in ("right", "left") if s in sides]


def _lid(text: str) -> str | None:
    if not _LIDS.search(text):
        return None
    upper, lower = bool(_UPPER.search(text)), bool(_LOWER.search(text))
    if upper and lower:
        return "upper and lower eyelids"
    return "upper eyelid" if upper else "lower eyelid" if lower else None


def _variants(catalog: CodeCatalog, code: str) -> dict[tuple[str, str], str]:
    match = _LID_TITLE.match(catalog.title(code))
    parent = catalog.parent(code)
    if match is None or parent is None:
        return {}
    out: dict[tuple[str, str], str] = {}
    for leaf in catalog.leaves_under(parent):
        m = _LID_TITLE.match(catalog.title(leaf))
        if m and m["stem"].lower() == match["stem"].lower():
            out[(m["eye"].lower(), m["lid"].lower())] = leaf
    return out


def eyelid_by_eye_and_lid(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    for pick in [p for p in picks.values() if p.final and p.code in catalog]:
        variants = _variants(catalog, pick.code)
        if not variants or not pick.mentions:
            continue
        read = [
            (_eyes(_said(ctx, m)), _lid(_said(ctx, m)))
            for m in sorted(pick.mentions, key=lambda m: not m.problem)
        ]
        eyes, lid = next(((e, lid) for e, lid in read if e and lid), ([], None))
        if not eyes or lid is None:
            continue
        lids = [lid] if (eyes[0], lid) in variants else ["upper eyelid", "lower eyelid"]
        wanted = [variants.get((eye, one)) for eye in eyes for one in lids]
        if not all(wanted) or wanted == [pick.code]:
            continue
        picks.pop(pick.code)
        for code in wanted:
            assert code is not None
            add_pick(picks, catalog, code, pick.score, pick.mentions, _REASON)

"""Hormone and HER2 receptor status (Z17) beside the cancer whose tabular note asks for it (C50 breast, C56
ovary): one code for each receptor the note states, as the Z17 note says ("Use one code, as available, for
each receptor": ER Z17.0/Z17.1, PR Z17.21/Z17.22, HER2 Z17.31/Z17.32), and a combined code (Z17.4-) only
when the note gives no single receptor ("HR+/HER2-", "triple negative")."""

from __future__ import annotations

import re

from assistant.codesets.repository import ref_covers
from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_RECEPTOR = (
    r"(?:ER|PR|PgR|HER-?2(?:/neu)?|HR|[Ee]strogen[- ]receptor|[Pp]rogesterone[- ]receptor|"
    r"[Hh]ormone[- ]receptor)"
)
_SIGN = r"(?:\+|-(?![A-Za-z0-9])|−|[Pp]ositive|[Pp]os\b|[Nn]egative|[Nn]eg\b|\(\+\)|\(-\))"
# "ER+/PR+/HER2-", "ER/PR positive", "HER2 negative", "estrogen receptor positive", "HR-positive"
_STATED = re.compile(
    rf"\b(?P<names>{_RECEPTOR}(?:\s*/\s*{_RECEPTOR})*)(?:\s*status)?\s*(?::\s*|-(?=[Pp]os|[Nn]eg))?(?P<sign>{_SIGN})"
)
_NAME = re.compile(_RECEPTOR)
_TRIPLE_NEGATIVE = re.compile(r"\btriple[- ]negative\b|\bTNBC\b", re.IGNORECASE)

_SINGLE = {("ER", True): "Z17.0", ("ER", False): "Z17.1", ("PR", True): "Z17.21", ("PR", False): "Z17.22"}
_SINGLE |= {("HER2", True): "Z17.31", ("HER2", False): "Z17.32"}
# combined hormone-receptor status, then with HER2 where the note gives it
_COMBINED = {(True, None): "Z17.41", (True, True): "Z17.410", (True, False): "Z17.411"}
_COMBINED |= {(False, None): "Z17.42", (False, True): "Z17.420", (False, False): "Z17.421"}


def _receptor(name: str) -> str:
    low = name.lower()
    if low.startswith(("er", "estrogen")):
        return "ER"
    if low.startswith(("pr", "pgr", "progesterone")):
        return "PR"
    return "HER2" if low.startswith("her") else "HR"


def stated_receptors(note: str) -> dict[str, tuple[bool, tuple[int, int]]]:
    """Each receptor the note states: positive or not, and where it says so (the first statement wins)."""
    out: dict[str, tuple[bool, tuple[int, int]]] = {}
    for m in _STATED.finditer(note):
        positive = m.group("sign").lower().strip("()") in ("+", "positive", "pos")
        for name in _NAME.findall(m.group("names")):
            out.setdefault(_receptor(name), (positive, m.span()))
    triple = _TRIPLE_NEGATIVE.search(note)
    if triple and not {"ER", "PR", "HR"} & out.keys():
        out["HR"] = (False, triple.span())
        out.setdefault("HER2", (False, triple.span()))
    return out


def receptor_codes(stated: dict[str, tuple[bool, tuple[int, int]]]) -> list[tuple[str, tuple[int, int]]]:
    """The Z17 codes of the stated receptors: single receptors each, else the combined status."""
    singles = [(_SINGLE[(r, pos)], span) for r, (pos, span) in stated.items() if (r, pos) in _SINGLE]
    if "HR" not in stated or {"ER", "PR"} & stated.keys():
        return singles
    positive, span = stated["HR"]
    her2 = stated.get("HER2")
    return [(_COMBINED[(positive, her2[0] if her2 else None)], span)]


def add_receptor_status(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    owners = [
        p
        for p in picks.values()
        if p.final
        and p.code in catalog
        and any(ref_covers(r, "Z17.0") for r in catalog.refs_for(p.code, "use_additional"))
    ]
    if not owners:
        return
    owner = max(owners, key=lambda p: p.score)
    for code, (start, end) in receptor_codes(stated_receptors(ctx.note)):
        add_pick(
            picks,
            catalog,
            code,
            owner.score * 0.95,
            [ctx.mention(start, end)],
            f"use additional code for the receptor status with {owner.code} (Z17: a code for each receptor)",
        )

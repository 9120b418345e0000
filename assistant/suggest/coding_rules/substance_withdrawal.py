"""A substance use disorder in withdrawal is the disorder "with withdrawal" (Index: Dependence, alcohol, with,
withdrawal F10.23-; the same for abuse F1x.13- and use F1x.93-), not the uncomplicated code: "without
complications" said of the withdrawal is its 6th character (F10.230), not the disorder's (F10.20), nor an
intoxication's (F13.220) where the note names none."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# F1x.10 / F1x.20 / F1x.90 (uncomplicated): the "with withdrawal" stem is F1x.13 / F1x.23 / F1x.93
_UNCOMPLICATED = re.compile(r"^F1[0-9]\.[129]0$")
# F1x.12- / F1x.22- / F1x.92- (with intoxication; F17.2- is nicotine by product): read off a withdrawal's
# "uncomplicated" where the note names no intoxication
_INTOXICATION_CODE = re.compile(r"^F1[0-689]\.[129]2\d?$")
_INTOXICATION = re.compile(r"\bintox\w*|\bdrunk\b|\binebriat\w*", re.IGNORECASE)
_WITHDRAWAL = re.compile(r"\bwithdrawal\b|\bwithdrawing\b|\bdetox\w*\b", re.IGNORECASE)
_DENIED = re.compile(r"\b(?:no|not|without|w/o|denies|negative\s+for)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
# The withdrawal's own course -> the words of the leaf title that says it
_KINDS = (
    (re.compile(r"\bdelirium\b|\bDTs?\b|\bdelirium\s+tremens\b", re.IGNORECASE), "delirium"),
    (re.compile(r"\bhallucinat\w*|\bperceptual\b", re.IGNORECASE), "perceptual"),
    (
        re.compile(r"\buncomplicated\b|\b(?:without|w/o|no)\s+complications?\b", re.IGNORECASE),
        "uncomplicated",
    ),
)
REASON = "the disorder in withdrawal: its 'with withdrawal' code (Index: Dependence, with, withdrawal)"


def substance_withdrawal(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    for code, pick in list(picks.items()):
        if not pick.final:
            continue
        said = " ".join(m.text for m in pick.mentions)
        if not _UNCOMPLICATED.match(code) and not (
            _INTOXICATION_CODE.match(code) and not _INTOXICATION.search(said)
        ):
            continue
        found = next((m for m in _WITHDRAWAL.finditer(said) if not _DENIED.search(said[: m.start()])), None)
        if found is None:
            continue
        leaf = _withdrawal_leaf(catalog, code[:5] + "3", said)
        if leaf is None or add_pick(picks, catalog, leaf, pick.score, pick.mentions, REASON) is None:
            continue
        demote(pick, f"coded {leaf}: {REASON}")


def _withdrawal_leaf(catalog: CodeCatalog, stem: str, said: str) -> str | None:
    leaves = catalog.leaves_under(stem) if stem in catalog else []
    if len(leaves) <= 1:
        return leaves[0] if leaves else None
    kind = next((word for rx, word in _KINDS if rx.search(said)), "unspecified")
    return next((leaf for leaf in leaves if kind in catalog.title(leaf).lower()), None)

"""A condition the note ties to alcohol takes its alcohol-induced sibling (I.A.15, I.B.9: the provider links
the cause): "chronic pancreatitis, EtOH-related" is K86.0, not "Other chronic pancreatitis" (K86.1);
"alcoholic cardiomyopathy" I42.6, not I42.9.

Only a link written beside the condition counts ("alcoholic X", "X, alcohol-related", "X due to EtOH");
drinking told elsewhere in the note is no cause of the condition."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import tokens
from assistant.suggest.types import Pick

_ALCOHOL = r"(?:alcohol|etoh|ethanol)"
_LINKED_ADJECTIVE = rf"\b(?:alcoholic|{_ALCOHOL}[- ](?:induced|related|associated))\b"
_BEFORE = re.compile(rf"{_LINKED_ADJECTIVE}\s*$", re.IGNORECASE)
_IN_MENTION = re.compile(_LINKED_ADJECTIVE, re.IGNORECASE)
_AFTER = re.compile(
    rf"^[\s,(]*(?:{_LINKED_ADJECTIVE}|(?:due\s+to|from|2/2|d/t|secondary\s+to|related\s+to)\s+"
    rf"(?:{_ALCOHOL}\w*|drinking|heavy\s+drinking))",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r";|\s-\s|\.\s|\n")
_CAUSE_WORDS = frozenset(tokens("alcohol alcoholic induced related associated", keep_stopwords=True))
_RESIDUAL_WORDS = frozenset(tokens("other unspecified", keep_stopwords=True))


def _linked(note: str, m: Mention) -> bool:
    line_start = note.rfind("\n", 0, m.start) + 1
    end = _CLAUSE_END.search(note, m.end)
    after = note[m.end : end.start() if end else len(note)]
    return bool(
        _IN_MENTION.search(m.text) or _BEFORE.search(note[line_start : m.start]) or _AFTER.search(after)
    )


def _alcohol_sibling(catalog: CodeCatalog, code: str) -> str | None:
    """The leaf of ``code``'s category titled as alcohol-induced that says no more than ``code`` (its
    condition, its axes) besides the cause; the closest in words."""
    own = set(tokens(catalog.title(code), keep_stopwords=True))
    best: tuple[float, str] | None = None
    for leaf in catalog.leaves_under(code[:3]):
        title = catalog.title(leaf)
        if leaf == code or not re.search(r"\balcohol", title, re.IGNORECASE) or not catalog.billable(leaf):
            continue
        words = set(tokens(title, keep_stopwords=True)) - _CAUSE_WORDS
        if words - own:
            continue
        overlap = len(words & own) / max(len(words | (own - _RESIDUAL_WORDS)), 1)
        if best is None or overlap > best[0]:
            best = (overlap, leaf)
    return best[1] if best else None


def alcohol_induced(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    for code, pick in list(picks.items()):
        if not pick.final or picks.get(code) is not pick or code not in catalog:
            continue
        if catalog.system(code) != "ICD-10-CM" or re.search(r"\balcohol", catalog.title(code), re.IGNORECASE):
            continue
        if not any(_linked(ctx.note, m) for m in pick.mentions):
            continue
        sibling = _alcohol_sibling(catalog, code)
        reason = f"{sibling}: the note ties the condition to alcohol (I.A.15), not {code}"
        if sibling is not None and add_pick(picks, catalog, sibling, pick.score, pick.mentions, reason):
            picks.pop(code)

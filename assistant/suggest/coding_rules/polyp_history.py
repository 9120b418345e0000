"""Colon polyps taken out before this visit are a personal history (Index: History, personal, neoplasm,
benign, colon polyp: adenomatous or serrated Z86.0101, hyperplastic Z86.0102, unspecified Z86.0100), not the
polyp itself (D12.-, K63.5) and never the history of a malignant neoplasm (Z85.0-): an adenoma is benign."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, best_score, demote, head_lines
from assistant.suggest.reader import POLYP, Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_COLON = re.compile(r"\b(?:colon\w*|colonoscop\w*|rect\w*|sigmoid|cecal|cecum|bowel)\b", re.IGNORECASE)
_MALIGNANT = re.compile(
    r"\b(?:cancer|carcinoma|adenocarcinoma|malignan\w*|ca|crc|in\s+situ|invasive|metasta\w*)\b", re.IGNORECASE
)
_THIS_VISIT = re.compile(r"\b(?:today|this\s+(?:visit|procedure|exam|colonoscopy))\b", re.IGNORECASE)
_KINDS = (
    (
        re.compile(r"adenoma|adenomatous|tubul|villous|serrated|sessile|\bssa\b|\bssp\b", re.IGNORECASE),
        "Z86.0101",
    ),
    (re.compile(r"hyperplastic", re.IGNORECASE), "Z86.0102"),
)
UNSPECIFIED = "Z86.0100"
_REPLACED = ("Z85.0", "D12.", "K63.5", "K62.1", "D01.", "C18", "C19", "C20")
REASON = (
    "colon polyps removed before this visit: personal history (Index: History, personal, neoplasm, benign)"
)
# A colonoscopy the visit's first lines call surveillance ("Indication: surveillance colonoscopy - h/o
# adenomas"): the follow-up examination after the completed treatment (the polypectomy), Z09 beside the
# history code (I.C.21.c.8); not a screening (Z12.11) and not a cancer's follow-up (Z08, read elsewhere).
_SURVEILLANCE_COLONOSCOPY = re.compile(
    r"\bsurveillance\b[^.\n]{0,40}\bcolonoscop\w*|\bcolonoscop\w*[^.\n]{0,40}\bsurveillance\b|"
    r"\bindication\s*:\s*surveillance\b",
    re.IGNORECASE,
)
FOLLOW_UP = "Z09"


def surveillance_colonoscopy(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """Z09 for a surveillance colonoscopy after polyps removed, where the note codes no cancer history."""
    history = [p for c, p in picks.items() if p.final and c.startswith("Z86.010")]
    if not history or any(p.final and c.startswith(("Z85", "Z08", "C")) for c, p in picks.items()):
        return
    found = _SURVEILLANCE_COLONOSCOPY.search(head_lines(ctx.note, 3))
    if found is None:
        return
    reason = "surveillance colonoscopy after polyps removed: follow-up after completed treatment (I.C.21.c.8)"
    add_pick(picks, catalog, FOLLOW_UP, history[0].score, [ctx.mention(found.start(), found.end())], reason)


def _past_polyp(ctx: NoteContext, m: Mention) -> bool:
    sentence = ctx.sentence(m)
    return (
        m.history
        and not m.negated
        and not m.family
        and POLYP.search(m.text) is not None
        and _COLON.search(sentence) is not None
        and _MALIGNANT.search(sentence) is None
        and _THIS_VISIT.search(sentence) is None
    )


def _removed_polyps(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    past = {(m.start, m.end): m for p in picks.values() for m in p.mentions if _past_polyp(ctx, m)}
    if not past:
        return
    for code, pick in list(picks.items()):
        if pick.final and code.startswith(_REPLACED) and all((m.start, m.end) in past for m in pick.mentions):
            demote(pick, REASON)
    if any(p.final and c.startswith("Z86.010") for c, p in picks.items()):
        return
    mentions = list(past.values())
    said = " ".join(ctx.sentence(m) for m in mentions)
    code = next((c for rx, c in _KINDS if rx.search(said)), UNSPECIFIED)
    add_pick(picks, catalog, code, best_score(picks) * 0.8, mentions, REASON)


def polyp_history(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    _removed_polyps(picks, ctx, catalog)
    surveillance_colonoscopy(picks, ctx, catalog)

"""Insomnia the note attributes to a mental disorder it codes is the Index's "Insomnia, due to, mental
disorder" (F51.05, "code first the associated mental disorder"), not the organic insomnia G47.0- (whose
Excludes1 names it). Our own wording of how notes link the two."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import expand_abbreviations
from assistant.suggest.types import Pick

INSOMNIA_DUE_TO_MENTAL_DISORDER = "F51.05"
_ORGANIC = ("G47.00", "G47.09")
_INSOMNIA = re.compile(r"\binsomnia\b", re.IGNORECASE)
_LINK = re.compile(
    r"\s+(?:(?:is|are)\s+)?(?:due\s+to|secondary\s+to|from|2/2|d/t|caused\s+by|related\s+to|because\s+of)\s+"
    r"(?:(?:the|her|his|their|a|an|this)\s+)?(?P<cause>(?:[\w'-]+\s*){1,4})",
    re.IGNORECASE,
)
# A mental disorder (chapter 5), less the sleep disorders themselves and the substance-induced ones, which
# have insomnia codes of their own (F10.182, F11.182, ...).
_MENTAL = re.compile(r"^F(?!1\d|51)\d")
_GENERIC = frozenset({"disorder", "disorders", "disease", "the", "her", "his", "and", "with", "of"})


def _cause_words(sentence: str) -> set[str]:
    insomnia = _INSOMNIA.search(sentence)
    link = _LINK.match(sentence, insomnia.end()) if insomnia else None
    if link is None:
        return set()
    return _stems(expand_abbreviations(link.group("cause")))


def insomnia_due_to_mental_disorder(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    disorders = [p for p in picks.values() if p.final and _MENTAL.match(p.code)]
    if not disorders:
        return
    # A mention that starts with the insomnia ("Insomnia due to MDD") is about it, though its words may have
    # ranked the disorder first: its insomnia candidate is read too.
    for pick in [p for p in picks.values() if p.code in _ORGANIC]:
        linked = []
        for m in pick.mentions if pick.final else [m for m in pick.mentions if _INSOMNIA.match(m.text)]:
            cause = _cause_words(ctx.sentence(m))
            causes = [d for d in disorders if cause & _said(catalog, d)]
            if causes:
                linked.append((m, max(d.score for d in causes)))
        if not linked:
            continue
        reason = "Index: Insomnia, due to, mental disorder: the note links it to a coded mental disorder"
        score = pick.score if pick.final else max(s for _, s in linked)
        said = [m for m, _ in linked]
        if add_pick(picks, catalog, INSOMNIA_DUE_TO_MENTAL_DISORDER, score, said, reason) is not None:
            demote(pick, f"{INSOMNIA_DUE_TO_MENTAL_DISORDER}: the insomnia is due to a mental disorder")


def _said(catalog: CodeCatalog, pick: Pick) -> set[str]:
    """The disorder's own words: its mentions' and its title's."""
    return _stems(" ".join([catalog.title(pick.code), *(m.text for m in pick.mentions)]))


def _stems(text: str) -> set[str]:
    """Word stems ("depression" and "depressive" alike), without the words every disorder has."""
    return {w.lower()[:5] for w in re.findall(r"[A-Za-z]{4,}", text) if w.lower() not in _GENERIC}

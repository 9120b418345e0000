"""Split a note into plain and highlighted segments from the engine's evidence spans."""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.chat.schemas import Segment
from assistant.suggest.schemas import Suggestion

# Markup pasted with a note (from a web page or an EHR export): tags, comments and character references.
# Their text is shown as typed (escaped) but is never evidence.
MARKUP = re.compile(
    r"<!--.*?-->|</?[A-Za-z][^<>]*>|<![^<>]*>|&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});",
    re.S,
)


def markup_mask(note: str) -> list[bool]:
    """True for each character of ``note`` that belongs to markup."""
    mask = [False] * len(note)
    for m in MARKUP.finditer(note):
        mask[m.start() : m.end()] = [True] * (m.end() - m.start())
    return mask


def without_markup(text: str) -> str:
    """``text`` with its markup removed (an evidence phrase quoted on its own, away from the note)."""
    return " ".join(MARKUP.sub(" ", text).split())


def segments(note: str, suggestions: Iterable[Suggestion]) -> list[Segment]:
    """Segments covering ``note`` exactly; a marked segment lists the codes its words support.

    Spans outside the note or whose text does not match the note are ignored (never trusted blindly);
    characters inside markup (``<b>``, ``&nbsp;``) are never marked.
    """
    in_markup = markup_mask(note)
    owners: list[set[str]] = [set() for _ in note]
    for s in suggestions:
        for ev in s.evidence:
            start, end = max(0, ev.start), min(len(note), ev.end)
            if start >= end or note[start:end] != ev.text:
                continue
            for i in range(start, end):
                if not in_markup[i]:
                    owners[i].add(s.code)
    out: list[Segment] = []
    for i, ch in enumerate(note):
        codes = sorted(owners[i])
        if out and out[-1].codes == codes:
            out[-1].text += ch
        else:
            out.append(Segment(text=ch, mark=bool(codes), codes=codes))
    return out

"""Split a note into plain and highlighted segments from the engine's evidence spans."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.chat.schemas import Segment
from assistant.suggest.schemas import Suggestion


def segments(note: str, suggestions: Iterable[Suggestion]) -> list[Segment]:
    """Segments covering ``note`` exactly; a marked segment lists the codes its words support.

    Spans outside the note or whose text does not match the note are ignored (never trusted blindly).
    """
    owners: list[set[str]] = [set() for _ in note]
    for s in suggestions:
        for ev in s.evidence:
            start, end = max(0, ev.start), min(len(note), ev.end)
            if start >= end or note[start:end] != ev.text:
                continue
            for i in range(start, end):
                owners[i].add(s.code)
    out: list[Segment] = []
    for i, ch in enumerate(note):
        codes = sorted(owners[i])
        if out and out[-1].codes == codes:
            out[-1].text += ch
        else:
            out.append(Segment(text=ch, mark=bool(codes), codes=codes))
    return out

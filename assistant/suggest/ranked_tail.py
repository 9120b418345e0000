"""The ranked list beyond the final list (its "tail"): every scored candidate of every mention, one entry
per code, ordered across the note by the learned ranker's calibrated probability.

A note's ~40 mentions each bring their scored candidates; a fixed number per mention lets a weak mention's
third guess outrank a strong mention's fourth. The tail instead keeps each code once, at the probability of
its best mention, and that mention leads the code's evidence. Tail codes are never final: the final list is
chosen from each mention's first candidates as before (service.py), and the tail only orders what follows it.
"""

from __future__ import annotations

from assistant.suggest.reader import Mention
from assistant.suggest.types import Pick


def keep_best(tail: dict[str, Pick], code: str, score: float, mention: Mention) -> Pick:
    """Add ``code`` found by ``mention`` at ``score`` to the tail: a new code, or a better mention for a code
    already there (its score raised, the mention put first in its evidence). A pick whose reasons are empty
    takes the reasons of the mention just added (the caller fills them)."""
    pick = tail.get(code)
    if pick is None:
        pick = tail[code] = Pick(code, score, False, [mention])
        return pick
    if score > pick.score:
        pick.score = score
        pick.mentions = [mention] + [m for m in pick.mentions if m is not mention]
        pick.reasons = []
    elif mention not in pick.mentions:
        pick.mentions.append(mention)
    return pick


def raise_to_tail(picks: dict[str, Pick], tail: dict[str, Pick]) -> None:
    """A listed, non-final code that the tail also holds at a higher probability (another mention's later
    candidate) takes that probability and leads with that mention; a code a rule ruled out stays put."""
    for code, pick in picks.items():
        other = tail.get(code)
        if other is None or pick.final or pick.vetoed or other.score <= pick.score:
            continue
        pick.score = other.score
        best = other.mentions[0]
        pick.mentions = [best] + [m for m in pick.mentions if m is not best]


def merge(picks: dict[str, Pick], tail: dict[str, Pick]) -> None:
    """The tail's codes that the listed picks do not already hold join them (never final)."""
    raise_to_tail(picks, tail)
    for code, pick in tail.items():
        picks.setdefault(code, pick)

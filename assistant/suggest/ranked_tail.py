"""The ranked list beyond the final list (its "tail"): every scored candidate of every mention, one entry
per code, ordered across the note by the learned ranker's calibrated probability.

A note's ~40 mentions each bring their scored candidates; a fixed number per mention lets a weak mention's
third guess outrank a strong mention's fourth. The tail instead keeps each code once, at the probability of
its best mention, and that mention leads the code's evidence. Tail codes are never final: the final list is
chosen from each mention's first candidates as before (service.py), and the tail only orders what follows it.
A final code that the coding rules fold into another (a same-category sibling, a combination code) stays in
the tail as an option at its own probability (``folded``, ``keep_folded``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Protocol

import numpy as np

from assistant.suggest.reader import Mention
from assistant.suggest.types import Candidate, Pick


class Scorer(Protocol):
    def predict(self, x: np.ndarray) -> np.ndarray: ...


def beyond_head(
    deep: Sequence[tuple[list[Candidate], np.ndarray]],
    heads: Sequence[int],
    scorer: Scorer,
) -> list[list[Candidate]]:
    """Each mention's candidates past its first ``heads[i]`` (those that choose its first code, scored as
    before), scored from the deeper feature rows ``deep`` (its candidates, their rows), best first; one
    empty list a mention when there are no deeper rows."""
    if not deep:
        return [[] for _ in heads]
    rest = [x[h:] for (_, x), h in zip(deep, heads, strict=True)]
    probs = scorer.predict(np.concatenate(rest)).tolist() if any(len(x) for x in rest) else []
    out: list[list[Candidate]] = []
    start = 0
    for (cands, _), h, x in zip(deep, heads, rest, strict=True):
        later = cands[h : h + len(x)]
        for c, p in zip(later, probs[start : start + len(x)], strict=True):
            c.score = p
        start += len(x)
        later.sort(key=lambda c: (-c.score, c.code))
        out.append(later)
    return out


def score_floor(per_mention: Sequence[Sequence[Candidate]], listed: int, wanted: int) -> float:
    """The lowest score a tail candidate needs to matter: the ``wanted``-th best score among the tail's
    candidates (past each mention's first ``listed``) whose code no mention lists first, one per code; 0 when
    there are fewer. ``wanted`` (twice the list asked for) leaves room for the codes the rules merge or drop,
    so a candidate below it never reaches the list, and the rules need not run on it."""
    first = {c.code for cands in per_mention for c in cands[:listed]}
    best: dict[str, float] = {}
    for cands in per_mention:
        for c in cands[listed:]:
            if c.code not in first and c.score > best.get(c.code, -1.0):
                best[c.code] = c.score
    if len(best) < wanted:
        return 0.0
    return sorted(best.values(), reverse=True)[wanted - 1]


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
    elif all(m is not mention for m in pick.mentions):
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


_CODE = re.compile(r"\b[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?\b")


def folded(dropped: Mapping[str, Pick], picks: Mapping[str, Pick], absorbed: Collection[str]) -> list[Pick]:
    """The dropped picks that a remaining code now says for them: a same-category sibling absorbed them
    (``absorbed``) or a combination code names them ("E11.9 + R73.9 -> E11.65"). Codes a rule replaced as
    wrong (another tobacco status, CKD stage, 7th character or exam code) or vetoed are not among them."""
    named = {
        code
        for p in picks.values()
        for reason in p.notes.get("combination", [])
        for code in _CODE.findall(reason)
    }
    return [p for c, p in dropped.items() if not p.vetoed and (c in absorbed or c in named)]


def keep_folded(tail: dict[str, Pick], picks: Sequence[Pick]) -> None:
    """Folded codes stay in the ranked list as options (never final) at their own probability: the final
    code says the same fact, and the code folded into it is the next thing a coder would consider."""
    for pick in picks:
        pick.final = False
        other = tail.get(pick.code)
        if other is None or pick.score > other.score:
            tail[pick.code] = pick


def merge(picks: dict[str, Pick], tail: dict[str, Pick]) -> None:
    """The tail's codes that the listed picks do not already hold join them (never final)."""
    raise_to_tail(picks, tail)
    for code, pick in tail.items():
        picks.setdefault(code, pick)

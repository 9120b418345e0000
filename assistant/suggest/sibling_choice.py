"""After the learned ranking: the sibling the note names wins over the one it contradicts or leaves vague.

The ranker's probability says how likely a code family is the mention's; the qualifiers (qualifiers.py) say
which member of the family the words name. Two rules, on a mention's best-ranked candidates:

- the first candidate's title contradicts the note ("with" where the note says "without", another trimester,
  the condition the note excludes): the best candidate that does not contradict it takes its place;
- the first candidate's title is "unspecified" while a same-category candidate agrees with more of the
  note's qualifiers (trimester, acuity, severity, with/without) without contradicting any: that one does;
- the first candidate's title is "X, unspecified" while "X, uncomplicated" is a candidate the note does not
  contradict (it names no complication): the uncomplicated one;
- the first candidate is a residual code ("unspecified", "other ...") while a same-category candidate's own
  title words (those the first title lacks: a site, a side, a cause) are all named by the note,
  without contradicting it: the specific code the note documents wins (named_words).

The promoted code takes the displaced one's probability (the family is as likely; only the member changes);
the displaced one stays just below it, the mention's first alternate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from assistant.suggest import qualifiers
from assistant.suggest.abbreviations import expand_text
from assistant.suggest.plurals import ENGLISH_IRREGULAR
from assistant.suggest.request_memo import per_request
from assistant.suggest.text import stem, tokens

CONFLICT = "qualifier conflict"
WINDOW = 6  # candidates looked at below the first one
DISPLACED = 0.99  # the displaced first code's share of its place's probability
MIN_SHARE = 0.1  # a replacement the ranker finds this unlikely next to the first code is no replacement
# Of a specific sibling's own title words, the share the note must name (0.5 was tried: us-notes tune
# recall +0.005, CodiEsp dev MAP -0.003).
NAMED_SHARE = 1.0


class _Cand(Protocol):
    code: str
    score: float
    title: float  # share of the title's words found in the mention


C = TypeVar("C", bound=_Cand)


def conflicted(reasons: list[str]) -> bool:
    return any(r.startswith(CONFLICT) for r in reasons)


def _agreements(reasons: list[str]) -> int:
    return sum(1 for r in reasons if not r.startswith(CONFLICT))


AGREE = "qualifier: "
FAMILY_WINDOW = 15  # the scored head of a mention (EngineConfig.rank_scored)


def family_share(cands: Sequence[C], reasons: dict[str, list[str]]) -> float:
    """The first candidate's probability, or its category's when the note's qualifiers chose it among
    siblings: the ranker splits a mention's probability over siblings that differ only on axes the note
    states ("migraine without aura, not intractable": G43.009, G43.109, G43.019), so the family's mass is
    the code's when the first code agrees with the note, contradicts none of it, and a sibling among the
    scored ones is contradicted (the qualifiers, not the ranker, chose the member)."""
    top = cands[0]
    said = reasons.get(top.code, [])
    if conflicted(said) or not any(r.startswith(AGREE) for r in said):
        return top.score
    family = [c for c in cands[:FAMILY_WINDOW] if c.code[:3] == top.code[:3]]
    if not any(conflicted(reasons.get(c.code, [])) for c in family):
        return top.score
    return sum(c.score for c in family)


def _head_said(title: str, note: str) -> bool:
    """The note names the condition the title is about ("Nausea with vomiting" needs "nausea")."""
    head = qualifiers.title_qualifiers(title).head
    return not head or bool(head & {stem(w) for w in tokens(note)})


def _drops_named(title: str, other: str, note: str) -> bool:
    """``other`` lacks a word of ``title`` the note names: no completion of it ("Rheumatoid lung disease
    with rheumatoid arthritis of unspecified site" is not completed by plain "Rheumatoid arthritis with
    rheumatoid factor, unspecified" where the note says the lung disease)."""
    return bool((_title_stems(title) - _title_stems(other)) & _note_stems(note))


# Words that do not make a title more specific, and the ways a note says a title's "secondary".
_GENERIC = frozenset(
    {
        "other",
        "unspecified",
        "specified",
        "site",
        "region",
        "type",
        "without",
        "with",
        "not",
        "elsewhere",
        "induced",
    }
)
# A site named as a noun or as its adjective ("sacrum" / "sacral", "thorax" / "thoracic", "cervix" /
# "cervical", "pelvis" / "pelvic"): both come to one root before the titles' words are compared.
_SITE_ENDING = re.compile(r"(?:al|um|ic|is|ar)$")
_CAUSED = re.compile(r"\b(?:due\s+to|secondary\s+to|caused\s+by|induced|related|from|after)\b", re.IGNORECASE)
_RESIDUAL = re.compile(r"\bunspecified\b|\bother\b", re.IGNORECASE)


def _uncomplicated_twin(unspecified: str, other: str) -> bool:
    """ "X, uncomplicated" beside "X, unspecified": a note that documents no complication codes the first."""
    low = unspecified.lower()
    return low.endswith(", unspecified") and other.lower() == low[: -len("unspecified")] + "uncomplicated"


def residual(title: str) -> bool:
    """An "unspecified" or "other ..." title."""
    return _RESIDUAL.search(title) is not None


def root(word: str) -> str:
    """A word's site root (see _SITE_ENDING)."""
    if len(word) < 6:
        return word
    out = word[:-1] + "c" if word.endswith("x") else word
    while len(out) > 5 and (shorter := _SITE_ENDING.sub("", out)) != out:
        out = shorter
    return out


def _title_stems(title: str) -> set[str]:
    return {root(w) for w in tokens(title) if w not in _GENERIC and not w.isdigit()}


def _note_stems(note: str) -> set[str]:
    said = {root(w) for w in tokens(expand_text(note))}
    if _CAUSED.search(note):
        said.add(root(stem("secondary")))
    return said


@per_request  # a mention's words, read for each candidate of its window
def _said_stems(note: str) -> frozenset[str]:
    return frozenset(stem(ENGLISH_IRREGULAR.get(w, w)) for w in tokens(expand_text(note)))


_UNSPECIFIED_HEAD = re.compile(r"unspecified\b", re.IGNORECASE)


_OWN_DEFAULTS = frozenset(
    stem(w) for w in ["status", "intractable", "migrainosus", "epilepticus", "asthmaticus"]
)


def _with_unsaid(code: str, cands: Sequence[C], title_of: Callable[[str], str], note: str) -> str | None:
    """A title's "with X" that the note never names, while a sibling among the candidates says "without X"
    ("Parkinson's disease with dyskinesia, with fluctuations" for "PD with fluctuations": the note documents
    no dyskinesia, and "without dyskinesia, with fluctuations" is there), or is the category's unspecified
    code, which leaves X out ("Acute appendicitis with generalized peritonitis, without perforation" for
    "acute appendicitis without perforation": "Unspecified acute appendicitis" is there)."""
    phrases = qualifiers.with_phrases(title_of(code))
    if not phrases:
        return None
    said = _said_stems(note)
    # (no word of the phrase is in the note; status and intractability have their own default rule)
    for unsaid in [p for p in phrases if not p & said and not p & _OWN_DEFAULTS]:
        for other in cands:
            if other.code == code or other.code[:3] != code[:3]:
                continue
            other_title = title_of(other.code)
            without = qualifiers.title_qualifiers(other_title).without
            plain = not qualifiers.with_phrases(other_title) and _UNSPECIFIED_HEAD.match(other_title)
            if unsaid <= without or plain:
                words = " ".join(sorted(unsaid))
                return f'title says "with {words}", the note does not (its sibling says without)'
    return None


def prefer_named_sibling(
    cands: list[C],
    reasons: dict[str, list[str]],
    title_of: Callable[[str], str],
    note: str = "",
    stated: qualifiers.Qualifiers | None = None,
) -> str | None:
    """Reorder ``cands`` in place by the two rules; returns the reason when the first code changed.
    ``note``: the mention's words, for the "non-" prefix check (qualifiers.prefix_conflict); ``stated``: its
    qualifiers, for the axes a title asserts beyond their default (qualifiers.default_conflicts)."""
    if len(cands) < 2:
        return None
    for c in cands[: WINDOW + 1]:
        why_not = qualifiers.prefix_conflict(note, title_of(c.code)) if note else None
        if stated is not None and not why_not:
            beyond = qualifiers.default_conflicts(stated, qualifiers.title_qualifiers(title_of(c.code)))
            why_not = beyond[0] if beyond else qualifiers.unstated_stage(stated, title_of(c.code))
        if not why_not and note:
            why_not = _with_unsaid(c.code, cands[: WINDOW + 1], title_of, note)
        if why_not and not conflicted(reasons.get(c.code, [])):
            reasons.setdefault(c.code, []).append(f"{CONFLICT}: {why_not}")
    top = cands[0]
    top_reasons = reasons.get(top.code, [])
    window = list(enumerate(cands[1 : WINDOW + 1], 1))
    pick: int | None = None
    why = ""
    if conflicted(top_reasons):
        clean = [
            (i, c)
            for i, c in window
            if not conflicted(reasons.get(c.code, [])) and c.score >= MIN_SHARE * top.score
        ]
        if clean:
            said = _note_stems(note) if note else set()
            top_words = _title_stems(title_of(top.code))

            def unsaid(c: C) -> int:
                """The words a replacement's title adds (to the contradicted one's) that the note does not
                say: "refractory" for the "stable angina" that "unstable angina" contradicts."""
                return len(_title_stems(title_of(c.code)) - top_words - said) if note else 0

            pick, best = max(
                clean,
                key=lambda ic: (
                    _agreements(reasons.get(ic[1].code, [])),
                    -unsaid(ic[1]),
                    ic[1].title,
                    ic[1].code[:3] == top.code[:3],
                    ic[1].score,
                ),
            )
            why = f"{best.code} over {top.code}: the note contradicts {top.code}'s title"
    elif "unspecified" in title_of(top.code).lower():
        have = _agreements(top_reasons)
        better = [
            (i, c)
            for i, c in window
            if c.code[:3] == top.code[:3]
            and not conflicted(reasons.get(c.code, []))
            and _agreements(reasons.get(c.code, [])) > have
            and (not note or _head_said(title_of(c.code), note))
            and not (note and _drops_named(title_of(top.code), title_of(c.code), note))
        ]
        if better:
            pick, best = max(better, key=lambda ic: (_agreements(reasons.get(ic[1].code, [])), ic[1].score))
            why = f"{best.code} over {top.code}: the note names what {top.code} leaves unspecified"
        twin = [
            (i, c)
            for i, c in window
            if _uncomplicated_twin(title_of(top.code), title_of(c.code))
            and not conflicted(reasons.get(c.code, []))
            and c.score >= MIN_SHARE * top.score
        ]
        if pick is None and twin:
            pick, best = twin[0]
            why = f"{best.code} over {top.code}: no complication is documented"
    if pick is None and residual(title_of(top.code)) and note:
        said = _note_stems(note)
        top_words = _title_stems(title_of(top.code))
        named = []
        for i, c in window:
            if c.code[:3] != top.code[:3] or conflicted(reasons.get(c.code, [])):
                continue
            if c.score < MIN_SHARE * top.score or residual(title_of(c.code)):
                continue
            own = _title_stems(title_of(c.code)) - top_words
            hit = own & said
            if own and len(hit) >= NAMED_SHARE * len(own):
                named.append((len(hit), c.score, i, c))
        if named:
            _, _, pick, best = max(named, key=lambda t: (t[0], t[1]))
            why = f"{best.code} over {top.code}: the note names what {best.code}'s title adds"
    if pick is None:
        return None
    chosen = cands.pop(pick)
    # The displaced code stays right below as the first alternate (the ranked list keeps it near the top).
    chosen.score = max(chosen.score, top.score)
    top.score = chosen.score * DISPLACED
    cands.insert(0, chosen)
    reasons.setdefault(chosen.code, []).append(why)
    return why

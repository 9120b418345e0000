"""Benign prostatic hyperplasia with a lower urinary tract symptom the note names is the hyperplasia "with
lower urinary tract symptoms" (Index: Hyperplasia, prostate, with LUTS: N40.1; nodular N40.3), and N40.1's
own note asks for the symptom beside it ("use additional code for associated symptoms, if specified":
nocturia R35.1, frequency R35.0, ...). "BPH w/ nocturia" had been N40.0, the sibling without them."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

WITH_SYMPTOMS = {"N40.0": "N40.1", "N40.2": "N40.3"}
# Our words for the symptoms N40.1's note lists, with their codes.
_SYMPTOMS = (
    (r"nocturia|up\s+(?:\d|one|two|three|four)\w*\s*(?:x|times)?\s*(?:a\s+|at\s+|per\s+|/)?night", "R35.1"),
    (r"(?:urinary\s+)?frequency|frequent\s+urination", "R35.0"),
    (r"hesitancy", "R39.11"),
    (r"(?:weak|poor|slow|decreased)\s+(?:urinary\s+)?stream", "R39.12"),
    (r"incomplete\s+(?:bladder\s+)?emptying|sensation\s+of\s+incomplete", "R39.14"),
    (r"(?:urinary\s+)?urgency", "R39.15"),
    (r"straining(?:\s+to\s+void)?", "R39.16"),
    (r"(?:urinary\s+)?retention", "R33.8"),
    (r"dribbling|intermittency|luts|lower\s+urinary\s+tract\s+symptoms", None),
)
_SYMPTOM_RES = tuple((re.compile(rf"\b(?:{words})\b", re.IGNORECASE), code) for words, code in _SYMPTOMS)
_DENIED = re.compile(r"\b(?:no|denies|denied|without|w/o|not|negative\s+for)\b[^.;:]{0,30}$", re.IGNORECASE)
REASON = "hyperplasia of the prostate with a lower urinary tract symptom the note names (Index: with LUTS)"


# The unspecified code of a symptom whose code N40.1's note names ("retention" read as R33.9 beside BPH is
# R33.8, "other retention of urine": R33.8's own note codes the enlarged prostate first).
_UNSPECIFIED_OF = {"R33.8": "R33.9"}


def prostate_with_symptoms(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    for code, pick in list(picks.items()):
        if pick.final and code in WITH_SYMPTOMS.values():
            _named_symptoms(picks, ctx, catalog, pick)
        if not pick.final or code not in WITH_SYMPTOMS:
            continue
        said = [ctx.sentence(m) for m in pick.mentions]
        named = [
            (m, sym)
            for sentence in said
            for rx, sym in _SYMPTOM_RES
            for m in rx.finditer(sentence)
            if not _DENIED.search(sentence[: m.start()])
        ]
        if (
            not named
            or add_pick(picks, catalog, WITH_SYMPTOMS[code], pick.score, pick.mentions, REASON) is None
        ):
            continue
        demote(pick, f"coded {WITH_SYMPTOMS[code]}: {REASON}")
        for _, sym in named:
            if sym is not None:
                add_pick(
                    picks,
                    catalog,
                    sym,
                    pick.score * 0.9,
                    pick.mentions,
                    f"use additional code with {WITH_SYMPTOMS[code]}",
                )


def _named_symptoms(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog, pick: Pick) -> None:
    """BPH coded "with LUTS" already: a symptom its own sentences name, whose unspecified code was read in its
    place, takes the code N40.1's note names."""
    said = [ctx.sentence(m) for m in pick.mentions]
    for rx, sym in _SYMPTOM_RES:
        loose = _UNSPECIFIED_OF.get(sym or "")
        other = picks.get(loose) if loose else None
        if sym is None or other is None or not other.final:
            continue
        if not any(not _DENIED.search(s[: m.start()]) for s in said for m in rx.finditer(s)):
            continue
        reason = f"use additional code with {pick.code}: the symptom its note names ({sym})"
        if add_pick(picks, catalog, sym, other.score, other.mentions, reason) is not None:
            demote(other, f"coded {sym}: {reason}")

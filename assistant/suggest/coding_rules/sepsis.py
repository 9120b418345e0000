"""Sepsis due to a named organism is the organism's own sepsis code (ICD-10-CM I.C.1.d.1; Index: Sepsis,
Escherichia coli A41.51, Pseudomonas A41.52, Gram-negative NEC A41.59, Staphylococcus aureus A41.0-,
Streptococcus A40.-), not A41.9 "Sepsis, unspecified organism"."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.coding_rules.partners import ORGANISM_PATTERNS
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import tokens
from assistant.suggest.types import Pick

UNSPECIFIED = "A41.9"
# The organism's B95-B97 code -> its sepsis code.
SEPSIS_OF: dict[str, str] = {
    "B95.62": "A41.02",
    "B95.61": "A41.01",
    "B95.0": "A40.0",
    "B95.1": "A40.1",
    "B95.3": "A40.3",
    "B95.2": "A41.81",
    "B96.20": "A41.51",
    "B96.5": "A41.52",
    "B96.3": "A41.3",
    "B96.1": "A41.59",  # Klebsiella and Proteus: other Gram-negative sepsis
    "B96.4": "A41.59",
}
_SEPSIS = re.compile(r"\b(?:seps\w*|septic\w*|urosepsis)\b", re.IGNORECASE)


def organism_sepsis(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    unspecified = picks.get(UNSPECIFIED)
    if unspecified is None or not unspecified.final:
        return
    said = [m for p in picks.values() if p.final for m in p.mentions if _SEPSIS.search(m.text)]
    for organism, rx in ORGANISM_PATTERNS:
        code = SEPSIS_OF.get(organism)
        mention = next((m for m in said if rx.search(m.text)), None)
        if code is None or mention is None:
            continue
        why = f"sepsis due to a named organism: {catalog.title(code)} (I.C.1.d.1)"
        if add_pick(picks, catalog, code, unspecified.score, [mention], why) is not None:
            demote(unspecified, f"{code} names the sepsis' organism")
        return


_SYSTEMIC = ("A40", "A41", "R65", "R78", "B95", "B96", "B97")
_CAUSE = re.compile(r"\b(?:due\s+to|secondary\s+to|from|source|caused\s+by|with)\b", re.IGNORECASE)
_MIN_LOCAL = 0.3


def localized_infection(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """Sepsis and the localized infection it came from are both coded, the systemic infection first
    (I.C.1.d.4): "Sepsis due to E. coli urinary tract infection" is A41.51 and N39.0, though the Index's
    organism entry read the whole phrase as one code."""
    for sepsis in [p for c, p in picks.items() if p.final and c.startswith(("A40", "A41"))]:
        for mention in sepsis.mentions:
            text = mention.query  # shorthand expanded: "E. coli UTI" names a urinary tract infection
            cause = _CAUSE.search(text)
            if cause is None or not _SEPSIS.search(text, 0, cause.start()):
                continue
            said = set(tokens(text[cause.end() :]))
            local = [
                p
                for c, p in picks.items()
                if c[:1] not in "AB"  # an organ's infection; the organism is the sepsis code's (A41.51)
                and not c.startswith(_SYSTEMIC)
                and catalog.system(c) == "ICD-10-CM"
                and mention in p.mentions
                and p.score >= _MIN_LOCAL
                and not p.vetoed
                and {w for w in catalog.title_tokens(c) if len(w) > 4} & said
            ]
            if any(p.final for p in local):
                continue
            why = "the localized infection the sepsis came from (I.C.1.d.4)"
            if local:
                best = max(local, key=lambda p: p.score)
                add_pick(picks, catalog, best.code, best.score, [mention], why)
            elif (found := _searched(ctx, text[cause.end() :], said, catalog)) is not None:
                add_pick(picks, catalog, found, sepsis.score, [mention], why)


# The chapters of an organ's infection (nervous system to genitourinary)
_ORGAN_CHAPTERS = ("G", "H", "I", "J", "K", "L", "M", "N")
_MIN_SEARCHED = 0.5


def _searched(ctx: NoteContext, source: str, said: set[str], catalog: CodeCatalog) -> str | None:
    """The localized infection's own code, searched for the words after "due to" where the mention's
    candidates held none ("Sepsis due to E. coli pyelonephritis": N10)."""
    if ctx.search is None:
        return None
    for _, organism in ORGANISM_PATTERNS:  # the organ's words: "E. coli pneumonia" shares only its agent
        source = organism.sub(" ", source)
    organ = set(tokens(source)) & said
    for code, score in ctx.search(source, _ORGAN_CHAPTERS)[:1]:
        if score >= _MIN_SEARCHED and {w for w in catalog.title_tokens(code) if len(w) > 4} & organ:
            return code
    return None

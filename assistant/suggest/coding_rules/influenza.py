"""Influenza due to an identified virus (ICD-10-CM I.C.10.c; J09-J11 tabular): J11 is for influenza whose
virus is not identified. When the note names the virus type ("influenza A", "flu B positive", "H1N1") the
code is the J10 counterpart of the same manifestation (J11.1 -> J10.1), found by the titles' own parallel
("due to unidentified influenza virus" -> "due to other identified influenza virus")."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# A typed or subtyped influenza virus, as a result or a diagnosis ("influenza A", "flu B", "H3N2").
_TYPED = re.compile(
    r"\b(?:influenza|flu)\s*(?:type\s*)?(?P<type>[AB])\b|\bH\d{1,2}N\d{1,2}\b",
    re.IGNORECASE,
)
# A typed virus followed by a negative result is not identified ("flu A/B negative", "influenza A neg").
_NEGATIVE_AFTER = re.compile(
    r"^[\s/&,+and]*(?:B\s*)?(?:[:=-]\s*)?(?:neg\b|negative|not\s+detected|nondetect\w*|\(-\)|-(?:\s|$)|absent)",
    re.IGNORECASE,
)
_NEGATIVE_BEFORE = re.compile(r"\b(?:no|not|negative\s+for|neg\s+for|denies|ruled\s+out)\b[^.;\n]*$", re.I)
_UNIDENTIFIED = "due to unidentified influenza virus"
_IDENTIFIED = "due to other identified influenza virus"


def identified_virus(note: str) -> re.Match[str] | None:
    """The first place the note names an influenza virus type that was found (not a negative result)."""
    for m in _TYPED.finditer(note):
        after = note[m.end() : m.end() + 24]
        before = note[max(0, m.start() - 30) : m.start()]
        if _NEGATIVE_AFTER.match(after) or _NEGATIVE_BEFORE.search(before):
            continue
        if re.search(r"\b(?:vaccin\w*|shot|immuniz\w*)\b", note[m.end() : m.end() + 20], re.IGNORECASE):
            continue  # a vaccine names no infection
        return m
    return None


def identified_counterpart(catalog: CodeCatalog, code: str) -> str | None:
    """J10's code for the manifestation of a J11 code, by the titles' parallel wording."""
    title = catalog.title(code).lower()
    if _UNIDENTIFIED not in title:
        return None
    wanted = _OTHER.sub("", title.replace(_UNIDENTIFIED, _IDENTIFIED))
    # J10's "with other specified pneumonia" is J11's "with specified pneumonia" (its "other" is J10.01's)
    return next(
        (c for c in catalog.leaves_under("J10") if _OTHER.sub("", catalog.title(c).lower()) == wanted), None
    )


_OTHER = re.compile(r"(?<=with )other (?=specified)")


def identified_influenza(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    unidentified = [p for p in picks.values() if p.final and p.code.startswith("J11")]
    if not unidentified:
        return
    found = identified_virus(ctx.note)
    if found is None:
        return
    for pick in unidentified:
        counterpart = identified_counterpart(catalog, pick.code)
        if counterpart is None:
            continue
        picks.pop(pick.code)
        add_pick(
            picks,
            catalog,
            counterpart,
            pick.score,
            [*pick.mentions, ctx.mention(found.start(), found.end())],
            f'influenza virus identified ("{found.group(0)}"): {counterpart}, not {pick.code} '
            "(guideline I.C.10.c; J11 is for an unidentified virus)",
        )

"""Contact with and (suspected) exposure to a communicable disease (ICD-10-CM I.C.21.c.1, Z20.-): a disease
the note names only as what the patient was exposed to ("household exposure to influenza A", "exposed to TB
at work") is no infection of the patient. The Z20 code is the Index's "Exposure (to)" entry for the disease,
and for one the entry does not list, its kind: viral disease NEC Z20.828, bacterial disease NEC Z20.818,
specified NEC Z20.89."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# "household exposure to", "exposed to", "sick contact with", "close contact of"
_EXPOSED = re.compile(
    r"\b(?:exposures?|exposed|contacts?)\s+(?:to|with|of)\s+(?:(?:a|an|the|his|her|their|known|confirmed|"
    r"sick|positive)\s+)*",
    re.IGNORECASE,
)
_VACCINE = re.compile(r"\b(?:vaccin\w*|shots?|immuni[sz]\w*)\b", re.IGNORECASE)
# The Index's "Exposure (to)" entries by the disease's category (ICD-10-CM Index, Exposure / Contact).
_BY_CATEGORY: tuple[tuple[tuple[str, ...], str], ...] = (
    (("A15", "A16", "A17", "A18", "A19"), "Z20.1"),
    (tuple(f"A{n}" for n in range(50, 65)), "Z20.2"),
    (("A82",), "Z20.3"),
    (("B06",), "Z20.4"),
    (("B15", "B16", "B17", "B18", "B19"), "Z20.5"),
    (("B20", "Z21"), "Z20.6"),
    (("B85", "B86", "B87", "B88", "B89"), "Z20.7"),
    (("A22",), "Z20.810"),
    (("A39",), "Z20.811"),
    (("B01",), "Z20.820"),
    (("U07.1",), "Z20.822"),
    (tuple(f"A0{n}" for n in range(10)), "Z20.09"),
)
# Chapter 1's infections, COVID-19 and influenza: the diseases one is exposed to (not asthma "after exposure
# to cat dander", a J45 the exposure triggers).
_COMMUNICABLE = ("A", "B", "U07.1", "J09", "J10", "J11")
_VIRAL = re.compile(r"\bvir(?:us|al)\b|\binfluenza\b", re.IGNORECASE)
_BACTERIAL = re.compile(r"\bbacteri\w*|\bstrep\w*|\bstaph\w*", re.IGNORECASE)


def exposure_code(catalog: CodeCatalog, disease: str) -> str:
    """The Z20 code for an exposure to the disease coded ``disease``."""
    for prefixes, code in _BY_CATEGORY:
        if disease.startswith(prefixes):
            return code
    title = catalog.title(disease)
    if _VIRAL.search(title):
        return "Z20.828"
    if _BACTERIAL.search(title):
        return "Z20.818"
    return "Z20.89"


_EXPOSED_BEFORE = re.compile(rf"(?:{_EXPOSED.pattern})$", re.IGNORECASE)
_EXPOSED_FIRST = re.compile(rf"^(?:[\w/-]+\s+){{0,2}}(?:{_EXPOSED.pattern})(?=\w)", re.IGNORECASE)


def _exposed_to(ctx: NoteContext, m: Mention) -> bool:
    """The mention opens with the words of an exposure ("Household exposure to influenza A") or follows them
    ("exposed to | TB")."""
    before = ctx.note[max(m.sentence_start, m.start - 40) : m.start]
    return bool(_EXPOSED_FIRST.match(ctx.note[m.start : m.end]) or _EXPOSED_BEFORE.search(before))


def _others(ctx: NoteContext, m: Mention) -> bool:
    """The disease is another person's ("Husband dx'd w/ influenza A"): the patient's exposure, told apart."""
    return why_not_coded(ctx.note[m.sentence_start : m.end].strip()) == "another person's"


def exposures(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """A communicable disease read only where the note tells the patient was exposed to it becomes its Z20
    code (the patient's own disease, said anywhere else, keeps its code)."""
    for code, pick in list(picks.items()):
        if not pick.final or not code.startswith(_COMMUNICABLE):
            continue
        said = [
            m for m in pick.mentions if not _VACCINE.search(ctx.note[m.start : m.end]) and not _others(ctx, m)
        ]
        if not said or not all(_exposed_to(ctx, m) for m in said):
            continue
        wanted = exposure_code(catalog, code)
        reason = f"exposure to the disease, not the disease: {wanted} (guideline I.C.21.c.1)"
        if add_pick(picks, catalog, wanted, pick.score, said, reason):
            demote(pick, f"the note tells only an exposure to it ({wanted})")

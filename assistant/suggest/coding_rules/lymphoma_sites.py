"""A lymphoma in the nodes of two or more regions ("DLBCL, cervical, mediastinal and retroperitoneal
nodes") is coded to "lymph nodes of multiple sites" (5th character 8 of C81-C85), not to one region nor
to the unspecified site."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_LYMPHOMA = ("C81", "C82", "C83", "C84", "C85")
_MULTIPLE_SITES = "8"
# The nodal regions of the C81-C85 5th characters (1 head, face and neck ... 6 intrapelvic) in notes' words.
_REGIONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (digit, re.compile(rf"\b(?:{words})\b", re.IGNORECASE))
    for digit, words in (
        ("1", r"cervical|neck|supraclavicular|submandibular|occipital|pre-?auricular|tonsillar"),
        ("2", r"mediastin\w*|hilar|intrathoracic|paratracheal|subcarinal"),
        ("3", r"retroperitoneal|mesenteric|para-?aortic|intra-?abdominal|abdominal|celiac|porta\s+hepatis"),
        ("4", r"axilla\w*|epitrochlear"),
        ("5", r"inguinal|femoral"),
        ("6", r"pelvic|iliac|intrapelvic"),
    )
)
_NODES = re.compile(r"\b(?:lymph\s*)?nod(?:es?|al)\b|\b(?:lymph)?adenopathy\b|\bLNs?\b", re.IGNORECASE)
_SEVERAL = re.compile(
    r"\b(?:multiple|multifocal|several|diffuse|widespread|generali[sz]ed)\s+(?:nodal|lymph\s*node|"
    r"(?:lymph)?adenopathy)|\babove\s+and\s+below\s+(?:the\s+)?diaphragm|\bboth\s+sides\s+of\s+(?:the\s+)?diaphragm",
    re.IGNORECASE,
)


def regions_named(note: str) -> set[str]:
    """The nodal regions a line about lymph nodes names."""
    found: set[str] = set()
    for line in note.splitlines():
        if _NODES.search(line):
            found |= {digit for digit, rx in _REGIONS if rx.search(line)}
    return found


def lymphoma_of_multiple_sites(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    nodal = [
        p
        for p in picks.values()
        if p.final and p.code.startswith(_LYMPHOMA) and len(p.code) == 6 and p.code[-1] in "0123456"
    ]
    if not nodal or not (len(regions_named(ctx.note)) >= 2 or _SEVERAL.search(ctx.note)):
        return
    for pick in nodal:
        code = pick.code[:-1] + _MULTIPLE_SITES
        reason = "lymphoma in the lymph nodes of two or more regions: multiple sites (5th character 8)"
        if add_pick(picks, catalog, code, pick.score, pick.mentions, reason) is not None:
            demote(pick, f"the note names nodes of several regions: {code}")

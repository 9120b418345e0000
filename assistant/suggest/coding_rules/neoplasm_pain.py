"""Pain the note relates to a cancer or a tumor is G89.3, neoplasm related pain (ICD-10-CM I.C.6.b.5),
whatever its site, acute or chronic; the neoplasm is coded beside it."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, best_score, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_NEOPLASM = r"(?:cancer|tumou?r|malignan\w*|neoplasm|neoplastic|metasta\w*|carcinoma)"
_RELATED_PAIN = re.compile(
    rf"\b{_NEOPLASM}[- ](?:related|associated|induced)\s+(?:[a-z]+\s+){{0,4}}?pain\b|"
    rf"\bpain\s+(?:due\s+to|from|related\s+to|secondary\s+to|associated\s+with|caused\s+by)\s+"
    rf"(?:his\s+|her\s+|the\s+|known\s+)?(?:[a-z]+\s+){{0,2}}?{_NEOPLASM}\b",
    re.IGNORECASE,
)
# A pain title: "pain", "lumbago", or a word ending in a pain suffix ("Cervicalgia", "Myalgia", "Headache").
PAIN_TITLE = re.compile(r"\b(?:pain|lumbago|ache)\b|\w(?:algia|ache|dynia)\b", re.IGNORECASE)
_DENIED = re.compile(r"\b(?:no|denies|without|not)\b[^.;\n]*$", re.IGNORECASE)


def neoplasm_related_pain(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if not any(p.final and p.code.startswith(("C", "D0")) for p in picks.values()):
        return  # the pain's neoplasm is coded with it
    for m in _RELATED_PAIN.finditer(ctx.note):
        if _DENIED.search(ctx.note[max(0, m.start() - 30) : m.start()]):
            continue
        added = add_pick(
            picks,
            catalog,
            "G89.3",
            best_score(picks) * 0.9,
            [ctx.mention(m.start(), m.end())],
            "pain related to the neoplasm (guideline I.C.6.b.5: G89.3)",
        )
        if added is not None:
            _drop_site_pain(picks, catalog, m.start(), m.end())
        return


def _drop_site_pain(picks: dict[str, Pick], catalog: CodeCatalog, start: int, end: int) -> None:
    """The site of a pain G89.3 codes needs no code of its own (I.C.6.b.5: "it is not necessary to assign
    an additional code for the site of the pain")."""
    for p in picks.values():
        if (
            p.final
            and p.code != "G89.3"
            and PAIN_TITLE.search(catalog.title(p.code))
            and any(x.start < end and start < x.end for x in p.mentions)
        ):
            demote(p, "G89.3 codes this pain; its site takes no code of its own (guideline I.C.6.b.5)")

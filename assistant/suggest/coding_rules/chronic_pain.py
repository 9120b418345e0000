"""Pain the provider documents as chronic, at a site and without a definitive diagnosis of its cause, takes
G89.29 (other chronic pain) beside the site code when that pain is why the patient came (ICD-10-CM I.C.6.b.1:
G89 codes add that the pain is chronic; a visit for chronic low back pain is M54.50 with G89.29). Pain not
called chronic, whose cause is stated ("chronic knee pain due to osteoarthritis"), or only one problem of
several at the visit takes no G89 code."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, head_lines
from assistant.suggest.coding_rules.neoplasm_pain import PAIN_TITLE
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

OTHER_CHRONIC_PAIN = "G89.29"
_CHRONIC_PAIN = re.compile(r"\bchronic\s+(?:[a-z]+\s+){0,3}?pain\b", re.IGNORECASE)
# A definitive diagnosis of the pain's cause: the cause is coded, not G89 (I.C.6.b.1).
_CAUSE_STATED = re.compile(
    r"\bpain\b[^.;\n]{0,20}?\b(?:due\s+to|secondary\s+to|from|caused\s+by|related\s+to|d/t|2/2)\b",
    re.IGNORECASE,
)


def _chronic(m: Mention, ctx: NoteContext) -> bool:
    """The mention calls the pain chronic, its sentence states no cause, and the note's first lines (the
    visit's reason) name it."""
    return (
        m.start < len(head_lines(ctx.note, 2))
        and _CHRONIC_PAIN.search(m.text) is not None
        and _CAUSE_STATED.search(ctx.sentence(m)) is None
    )


def chronic_site_pain(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    sites = [
        p
        for p in picks.values()
        if not p.vetoed
        and not p.code.startswith("G89")
        and catalog.system(p.code) == "ICD-10-CM"
        and PAIN_TITLE.search(catalog.title(p.code))
        and any(_chronic(m, ctx) for m in p.mentions)
    ]
    if not sites:
        return
    site = max(sites, key=lambda p: (p.final, p.score))
    evidence = [m for m in site.mentions if _chronic(m, ctx)][:1]
    if not site.final:  # the visit's chronic pain is coded at its site too, not by G89.29 alone
        why = "chronic pain at a site, the visit's reason: the site code beside G89.29 (guideline I.C.6.b.1)"
        add_pick(picks, catalog, site.code, site.score, site.mentions, why)
    if any(p.final and p.code.startswith("G89") for p in picks.values()):
        return  # a chronic pain code is already there (G89.29 itself, G89.3 neoplasm, G89.4 syndrome)
    why = "pain documented as chronic, beside its site code (guideline I.C.6.b.1: G89.29)"
    add_pick(picks, catalog, OTHER_CHRONIC_PAIN, site.score * 0.95, evidence, why)

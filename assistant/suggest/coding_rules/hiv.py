"""HIV disease (B20) or asymptomatic HIV infection status (Z21), ICD-10-CM I.C.1.a.2.d: a patient who is HIV
positive with no documented symptoms, HIV-related illness or AIDS is Z21 ("known HIV", "HIV on ART");
B20 needs "AIDS", "HIV disease" or an HIV-related condition the note does not deny."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_HIV_DISEASE = re.compile(
    r"\b(?:aids|(?:hiv|human\s+immunodeficiency\s+virus)\]?\s+disease|hiv[- ](?:related|associated)|"
    r"opportunistic\s+infections?|"
    r"pneumocystis|pcp\s+pneumonia|kaposi\w*|cryptococc\w*|toxoplasm\w*|mac\s+infection|"
    r"wasting\s+syndrome|cd4\s*(?:count\s*)?(?:of\s*)?<\s*200|symptomatic\s+hiv)\b",
    re.IGNORECASE,
)
_DENIED = re.compile(r"\b(?:no|never|without|denies|not)\b[^.;\n]{0,40}$", re.IGNORECASE)


def _hiv_disease_documented(note: str) -> bool:
    return any(
        not _DENIED.search(note[max(0, m.start() - 50) : m.start()]) for m in _HIV_DISEASE.finditer(note)
    )


def hiv_status(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    b20 = picks.get("B20")
    if b20 is None or not b20.final or _hiv_disease_documented(ctx.note):
        return
    reason = "HIV infection without a documented HIV-related condition or AIDS (guideline I.C.1.a.2.d)"
    if add_pick(picks, catalog, "Z21", b20.score, b20.mentions, reason) is not None:
        demote(b20, f"no HIV-related condition or AIDS documented: {reason}")

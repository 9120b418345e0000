"""Taking less of a prescribed drug than prescribed (ICD-10-CM I.C.19.e.5.c): "missed her lisinopril for a
week", "ran out of levetiracetam", "stopped taking metformin on his own", "can't afford insulin". The
condition that relapsed is coded first; then the Drug table's underdosing code (sixth character 6, initial
encounter) and a noncompliance code that says why (Z91.12- intentional, Z91.13- unintentional, Z91.14-
other), never one without the other.
Our own wording of how notes say it; the drug is found by the engine's Drug-table search."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.adverse_effects import drug_table_code
from assistant.suggest.coding_rules.context import NoteContext, add_pick, best_score, denied_before
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_OWNER = r"(?:(?:her|his|their|the|all|any|some|several|multiple|a\s+few|\d+)\s+)*"
_TAKING_LESS = re.compile(
    r"\b(?:"
    rf"miss(?:ed|es|ing)\s+{_OWNER}(?:doses?\s+of\s+{_OWNER})?|skipp(?:ed|ing)\s+{_OWNER}(?:doses?\s+of\s+{_OWNER})?|"
    rf"(?:ran|run|runs|running)\s+out\s+of\s+{_OWNER}|"
    # "not taking X" alone may be a drug never prescribed ("not taking NSAIDs"): "not been taking" was
    rf"(?:has|have|had)\s*(?:\s+not|n't)\s+been\s+taking\s+{_OWNER}|not\s+been\s+taking\s+{_OWNER}|"
    rf"stopped\s+taking\s+{_OWNER}|self[- ]discontinued\s+{_OWNER}|"
    # "stopped his metformin 3 wk ago on his own": the patient's own stopping (a physician's "metformin
    # stopped (eGFR < 30)" is no underdosing)
    rf"stopped\s+(?:her|his|their)\s+(?=[A-Za-z-]{{4,31}}\b[^.\n]{{0,40}}\bon\s+(?:her|his|their)\s+own\b)|"
    rf"(?:could\s+not|couldn't|cannot|can't|unable\s+to)\s+afford\s+{_OWNER}|"
    rf"non-?complian(?:t|ce)\s+(?:with|to)\s+{_OWNER}|non-?adheren(?:t|ce)\s+(?:with|to)\s+{_OWNER}|"
    rf"not\s+adherent\s+(?:with|to)\s+{_OWNER}|under-?dos\w*\s+(?:(?:of|on|with)\s+)?{_OWNER}|"
    rf"taking\s+(?:only\s+)?(?:half|less)\s+(?:of\s+)?(?:the\s+)?{_OWNER}(?:dose\s+of\s+)?{_OWNER}|"
    rf"rationing\s+{_OWNER}"
    r")(?P<drug>[A-Za-z][A-Za-z-]{3,30})",
    re.IGNORECASE,
)
_FINANCIAL = re.compile(r"\b(?:afford\w*|cost\w*|expensive|copays?|insurance|financial\w*|money)\b", re.I)
_FORGOT = re.compile(r"\b(?:forg[eo]t\w*|memory|confus\w*|mixed\s+up)\b", re.IGNORECASE)
_BY_CHOICE = re.compile(
    r"\b(?:on\s+(?:her|his|their)\s+own|chose|decided|refus\w*|self[- ]discontinued|"
    r"did\s*n[o']t\s+want|does\s*n[o']t\s+want|side\s+effects?|did\s*n[o']t\s+like)\b",
    re.IGNORECASE,
)


_DEVICE_FAILED = re.compile(
    r"\b(?:pump|pod|cannula|infusion\s+set|catheter|device)\b[^.\n]{0,40}\b(?:malfunction\w*|fail\w*|occlu\w*|"
    r"kinked|dislodged|broke\w*)|\b(?:malfunction|failure|occlusion)\s+of\s+(?:the\s+|her\s+|his\s+)?(?:insulin\s+)?"
    r"(?:pump|pod|device)",
    re.IGNORECASE,
)


def _noncompliance(sentence: str) -> str:
    """The Z91.1- code of why less was taken: a cost is intentional underdosing for financial hardship,
    forgetting is unintentional, a choice is intentional; otherwise other noncompliance."""
    if _FINANCIAL.search(sentence):
        return "Z91.120"
    if _FORGOT.search(sentence):
        return "Z91.138"
    if _BY_CHOICE.search(sentence):
        return "Z91.128"
    return "Z91.148"


def underdosing(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    seen: set[str] = set()
    for m in _TAKING_LESS.finditer(ctx.note):
        if denied_before(ctx.note[max(0, m.start() - 40) : m.start()]):
            continue  # "denies missing doses"
        code = drug_table_code(ctx, catalog, m.group("drug"), "underdosing")
        if code is None or code in seen:
            continue
        seen.add(code)
        mention = ctx.mention(m.start(), m.end())
        score = best_score(picks) * 0.8
        reason = f'underdosing of a prescribed drug ("{m.group(0)}"), after the condition (I.C.19.e.5.c)'
        if add_pick(picks, catalog, code, score, [mention], reason) is None:
            continue
        if _DEVICE_FAILED.search(ctx.note):
            continue  # a pump that stopped is the device's complication (T85.6-), not the patient's choice
        why = _noncompliance(ctx.sentence(mention))
        add_pick(picks, catalog, why, score * 0.95, [mention], "why less was taken (I.C.19.e.5.c, Z91.1-)")
        for other in ("Z91.120", "Z91.128", "Z91.138", "Z91.148", "Z91.14", "Z91.141"):
            if other != why and other in picks and picks[other].final and not picks[other].vetoed:
                picks[other].final = False  # one reason for the same underdosing

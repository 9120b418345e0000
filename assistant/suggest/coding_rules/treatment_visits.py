"""Visits for a treatment's upkeep (ICD-10-CM chapter 21, Z51.-): therapeutic drug level monitoring (Z51.81,
"INR check", "lithium level", an anticoagulation clinic visit; the drug's long-term use Z79.- goes beside it)
and allergen immunotherapy (Z51.6, "allergy shots"), when the note names that visit or its assessment does.
"""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, best_score, head_lines, visit_named
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_MONITORED_DRUGS = (
    r"lithium|digoxin|vancomycin|valpro\w*|depakote|phenytoin|dilantin|tacrolimus|cyclosporine|"
    r"carbamazepine|tegretol|levetiracetam|aminoglycoside|gentamicin|tobramycin|theophylline|sirolimus"
)
ANTICOAGULATION_VISIT = re.compile(
    r"\b(?:INR|PT/INR|protime|coumadin|warfarin|anticoag\w*)\s+(?:check|monitoring|management|visit|clinic|"
    r"follow[- ]?up|f/u)\b|\btherapeutic\s+drug\s+(?:level\s+)?monitoring\b|\bdrug\s+level\s+monitoring\b",
    re.IGNORECASE,
)
# An anticoagulant monitored by a level: warfarin by its INR (apixaban or rivaroxaban have none to monitor).
_LEVEL_MONITORED = re.compile(r"\b(?:INR|PT/INR|protime|warfarin|coumadin|jantoven)\b", re.IGNORECASE)
# A drug level is the visit only where the note's first line says so ("Lithium level check"); in the plan
# ("lithium level q3 mo") it is a test of another visit.
DRUG_LEVEL_VISIT = re.compile(rf"\b(?:{_MONITORED_DRUGS})\s+(?:level|levels|trough)\b", re.IGNORECASE)
ALLERGEN_IMMUNOTHERAPY = re.compile(
    r"\b(?:allergy|allergen|allergenic)\s+(?:shots?|injections?|immunotherapy|extract\s+injections?)\b|"
    r"\b(?:subcutaneous|maintenance|build-?up)\s+immunotherapy\b|\bSCIT\b",
    re.IGNORECASE,
)
# "discussed starting allergy shots", "INR check next week": a later visit's treatment.
_LATER = re.compile(r"\b(?:discuss\w*|consider\w*|start\w*|next|will|plan\w*|refer\w*)\b[^.;\n]*$", re.I)
_LATER_AFTER = re.compile(
    r"[^.;\n]*?\b(?:next|due|schedul\w*|in\s+\d+\s*(?:d|days?|wks?|weeks?|mos?|months?)|q\s*\d+\s*\w*)\b",
    re.I,
)
MONITORING = "Z51.81"
DESENSITIZATION = "Z51.6"


def _named(rx: re.Pattern[str], ctx: NoteContext, first_line_only: bool = False) -> re.Match[str] | None:
    """The visit's name in the note's first sentence, or (unless ``first_line_only``) where its head or
    assessment names it; never where the line plans it for later."""
    if first_line_only:
        first = head_lines(ctx.note, 1)
        found = rx.search(first[: (first.find(". ") + 1) or len(first)])
    else:
        found = visit_named(rx, ctx)
    if found is None:
        return None
    before = ctx.note[ctx.note.rfind("\n", 0, found.start()) + 1 : found.start()]
    if _LATER.search(before) or _LATER_AFTER.match(ctx.note, found.end()):
        return None
    return found


def treatment_visits(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if ctx.setting == "inpatient":
        return
    score = best_score(picks) * 0.95
    monitoring = _named(DRUG_LEVEL_VISIT, ctx, first_line_only=True)
    if monitoring is None and _LEVEL_MONITORED.search(ctx.note):
        monitoring = _named(ANTICOAGULATION_VISIT, ctx)
    if monitoring is not None:
        why = "therapeutic drug level monitoring is the visit (Z51.81; the long-term drug Z79.- beside it)"
        add_pick(picks, catalog, MONITORING, score, [ctx.mention(monitoring.start(), monitoring.end())], why)
    shots = _named(ALLERGEN_IMMUNOTHERAPY, ctx)
    if shots is not None:
        why = "desensitization to allergens (allergen immunotherapy) is the visit (Z51.6)"
        add_pick(picks, catalog, DESENSITIZATION, score, [ctx.mention(shots.start(), shots.end())], why)

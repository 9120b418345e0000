"""Every encounter lists a diagnosis (ICD-10-CM guideline IV.A and IV.D: the first-listed diagnosis is the
reason for the visit, a symptom when nothing is confirmed). When no diagnosis code reached the final list,
the note's best-supported diagnosis code becomes final with the reason, if the ranker finds it at least
plausible (FLOOR); otherwise the list stays empty and the coder chooses."""

from __future__ import annotations

from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

DIAGNOSIS_SYSTEM = "ICD-10-CM"
# The ranker's probability below which a code is no diagnosis at all (chosen on the us-notes tune split:
# the right first-listed codes of notes without a final code scored 0.055-0.16, the wrong ones <= 0.04).
FLOOR = 0.05
WEEKS_WAITING = "coded only with a pregnancy"  # the weeks rule's warning (coding_rules.partners.add_weeks)
NEVER_FIRST = ("Z3A",)  # weeks of gestation only accompany a pregnancy code (I.C.15.b.4)
# Codes that do not stand alone for the visit: drug level monitoring is coded with the condition the drug
# treats, a chemotherapy or immunotherapy encounter with the malignancy it treats (I.C.2.e.2); a vaccine
# given during a visit for a problem is a secondary Z23 (I.C.21.c.2), so the problem still needs its code.
WITH_ITS_CONDITION = ("Z51.81", "Z51.1", "Z23")


def _release_weeks(picks: dict[str, Pick]) -> None:
    """The weeks of gestation that waited for a pregnancy code come with it."""
    for p in picks.values():
        if p.code.startswith("Z3A") and any(WEEKS_WAITING in w for w in p.warnings):
            p.final, p.vetoed = True, False
            p.warnings = [w for w in p.warnings if WEEKS_WAITING not in w]


def ensure_pregnancy_code(picks: dict[str, Pick], catalog: CodeCatalog) -> str | None:
    """A documented pregnancy (its Z3A weeks code waits for a chapter 15 code) is coded with a chapter 15
    code: I.C.15.a.1 makes chapter 15 codes sequenced first in a pregnant patient's record. When none
    reached the final list, the best plausible one (FLOOR) does, with the weeks; returns it (None: nothing
    changed)."""
    waiting = any(
        p.code.startswith("Z3A") and any(WEEKS_WAITING in w for w in p.warnings) for p in picks.values()
    )
    if not waiting:
        return None
    if any(p.final and p.code.startswith("O") for p in picks.values()):
        _release_weeks(picks)  # a pregnancy code became final after the weeks rule ran
        return None
    open_ = [
        p
        for p in picks.values()
        if p.code.startswith("O") and p.code in catalog and not p.vetoed and p.score >= FLOOR
    ]
    if not open_:
        return None
    best = max(open_, key=lambda p: (p.score, p.code))
    best.final = True
    _release_weeks(picks)
    best.reasons.append(
        "pregnancy documented with its weeks: the best-supported pregnancy (chapter 15) code is listed "
        "(guideline I.C.15.a.1)"
    )
    return best.code


def ensure_first_listed(picks: dict[str, Pick], catalog: CodeCatalog) -> str | None:
    """Make the best plausible diagnosis code final when none is; returns it (None: nothing changed)."""
    diagnoses = [
        p
        for p in picks.values()
        if p.code in catalog
        and catalog.system(p.code) == DIAGNOSIS_SYSTEM
        and not p.code.startswith(NEVER_FIRST)
    ]
    if any(p.final and not p.code.startswith(WITH_ITS_CONDITION) for p in diagnoses):
        return None
    open_ = [p for p in diagnoses if not p.vetoed and p.score >= FLOOR and not p.final]
    if not open_:
        return None
    best = max(open_, key=lambda p: (p.score, p.code))
    best.final = True
    if best.code.startswith("O"):
        _release_weeks(picks)
    best.reasons.append(
        "first-listed diagnosis: no other diagnosis code reached the final list, "
        "and every encounter lists one"
    )
    return best.code

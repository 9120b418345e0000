"""COPD with an acute lower respiratory infection (ICD-10-CM I.C.10.a; tabular J44.0 "code also to identify
the infection"): COPD beside a coded pneumonia, acute bronchitis or bronchiolitis is J44.0 with the
infection's own code. J44.0 replaces the plain J44.9; an exacerbation documented as well keeps J44.1."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

WITH_INFECTION = "J44.0"
# Pneumonia (J12-J18), acute bronchitis (J20), acute bronchiolitis (J21), unspecified acute lower respiratory
# infection (J22), and influenza with pneumonia (J09.X1, J10.0-, J11.0-).
_LOWER_RESPIRATORY_INFECTION = (
    "J12",
    "J13",
    "J14",
    "J15",
    "J16",
    "J17",
    "J18",
    "J20",
    "J21",
    "J22",
    "J09.X1",
    "J10.0",
    "J11.0",
)
_PLAIN_COPD = ("J44.1", "J44.9")
# The infection a COPD diagnosis names after its "with" ("COPD exacerbation w/ acute bronchitis") or before
# its "in" ("acute bronchitis in a COPD pt"), which no mention of its own codes: the Index's "with acute
# bronchitis" leads to J44.0, whose "code also" is J20.9.
_WITH = r"\b(?:with|w/)\s+(?:an?\s+)?"
_IN_COPD = (
    r"\s+in\s+(?:an?\s+|this\s+|the\s+|his\s+|her\s+)?(?:pt\s+|patient\s+)?(?:with\s+)?"
    r"(?:COPD|chronic\s+obstructive)"
)
_LRTI = r"lower\s+respiratory\s+(?:tract\s+)?infection"
_NAMED_INFECTION = (
    (re.compile(rf"{_WITH}acute\s+bronchitis\b|\bacute\s+bronchitis{_IN_COPD}", re.IGNORECASE), "J20.9"),
    (re.compile(rf"{_WITH}(?:acute\s+)?bronchiolitis\b|\bbronchiolitis{_IN_COPD}", re.IGNORECASE), "J21.9"),
    (re.compile(rf"{_WITH}(?:acute\s+)?{_LRTI}\b|\b{_LRTI}{_IN_COPD}", re.IGNORECASE), "J22"),
)


def _named_infection(picks: dict[str, Pick], catalog: CodeCatalog) -> None:
    """Code the acute lower respiratory infection a COPD diagnosis names after "with"."""
    if any(p.final and p.code.startswith(_LOWER_RESPIRATORY_INFECTION) for p in picks.values()):
        return
    for pick in [p for p in picks.values() if p.final and p.code in (*_PLAIN_COPD, WITH_INFECTION)]:
        for m in pick.mentions:
            for said, code in _NAMED_INFECTION:
                if said.search(m.query) or said.search(m.text):
                    reason = f"J44.0 code also: the infection the COPD diagnosis names ({code})"
                    add_pick(picks, catalog, code, pick.score * 0.9, [m], reason)
                    return


def copd_with_lower_respiratory_infection(
    picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog
) -> None:
    _named_infection(picks, catalog)
    copd = [p for p in picks.values() if p.final and p.code in _PLAIN_COPD]
    infections = [p for p in picks.values() if p.final and p.code.startswith(_LOWER_RESPIRATORY_INFECTION)]
    if not copd or not infections:
        return
    infection = max(infections, key=lambda p: p.score)
    mentions = [m for p in copd for m in p.mentions]
    reason = (
        f"I.C.10.a: COPD with an acute lower respiratory infection ({infection.code}) is {WITH_INFECTION}"
    )
    score = min(max(p.score for p in copd), infection.score)
    if add_pick(picks, catalog, WITH_INFECTION, score, mentions, reason) is None:
        return
    if "J44.9" in picks and picks["J44.9"].final:
        picks.pop("J44.9")

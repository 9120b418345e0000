"""The one adjustment policy: what a CAS adjustment (group + CARC [+ RARCs]) means for the practice.

Every domain asks here: the remit poster (is the claim denied?), the denial patterns and explanations
(is this a denial to explain or count?), the ledger (adjust it off, move it to the patient, or hold it
with insurance?) and the revenue reports (does it count in the denial rate?).

- ``patient``: group PR, the patient's share (PR-1 deductible, PR-2 coinsurance, PR-3 copay, other),
  routed to bill the patient.
- ``contractual``: the contract working as agreed (CARC 45 fee schedule, 42 fee schedule maximum, 131
  claim-specific discount, 253 sequestration) under any payer group: adjusted off, never a denial.
- ``prior-payer``: CARC 23 under a payer group, on a secondary payer's remittance: what the prior payer
  already paid or adjusted; settled elsewhere, so neither a denial nor money held with insurance.
- ``held``: every other payer-side adjustment (a denial or a reduction): kept with insurance, explained,
  counted as a denial when its amount is positive, until a person appeals, corrects or writes it off.

The category and route of a held adjustment come from the loaded CARC release when the caller passes
it (``known``), else from ``DEFAULT_CATEGORIES`` below, else from the CARC release shipped in
``codesets/adjustment-codes`` (so a report without the reference database names the same category as
an explanation), else ``other``/``no-action``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from assistant.config import get_settings

Treatment = Literal["patient", "contractual", "held", "prior-payer"]

CONTRACTUAL_CARCS = frozenset({"45", "42", "131", "253"})
# CARC 23 on a secondary payer's remittance: the part the prior payer already paid or adjusted. Nothing is
# denied and nothing waits with insurance for it: no ledger entry, no denial, no explanation.
PRIOR_PAYER_CARCS = frozenset({"23"})

# PR-1/2/3: the patient's share by kind; the word shown to people and the remit line column it fills.
PR_WORDS = {"1": "deductible", "2": "coinsurance", "3": "copay"}
PR_COLUMNS = {code: f"{word}_cents" for code, word in PR_WORDS.items()}

# CARC -> (category, route) used when the caller has no CARC release row for the code.
DEFAULT_CATEGORIES: dict[str, tuple[str, str]] = {
    "1": ("patient-responsibility", "bill-patient"),
    "2": ("patient-responsibility", "bill-patient"),
    "3": ("patient-responsibility", "bill-patient"),
    "4": ("modifier", "correct-and-resubmit"),
    "11": ("coding", "correct-and-resubmit"),
    "16": ("missing-information", "correct-and-resubmit"),
    "18": ("duplicate", "no-action"),
    "22": ("coordination-of-benefits", "bill-secondary"),
    "26": ("eligibility", "verify-eligibility"),
    "27": ("eligibility", "verify-eligibility"),
    "29": ("timely-filing", "appeal"),
    "42": ("contractual", "write-off"),
    "45": ("contractual", "write-off"),
    "50": ("medical-necessity", "appeal"),
    "96": ("non-covered", "write-off"),
    "97": ("bundling", "correct-and-resubmit"),
    "119": ("benefit-limit", "write-off"),
    "131": ("contractual", "write-off"),
    "167": ("non-covered", "correct-and-resubmit"),
    "197": ("authorization", "obtain-authorization"),
    "253": ("contractual", "write-off"),
    "B7": ("provider-enrollment", "write-off"),
}


@dataclass(frozen=True)
class Classification:
    category: str
    route: str
    treatment: Treatment

    @property
    def is_contractual(self) -> bool:
        return self.treatment == "contractual"


def classify_adjustment(
    group: str,
    carc: str,
    rarcs: Sequence[str] = (),
    *,
    known: tuple[str | None, str | None] | None = None,
) -> Classification:
    """(category, route, treatment) of one adjustment. ``known``: the CARC release's (category, route)."""
    del rarcs  # no RARC changes the treatment today; kept in the signature so callers pass them
    category, route = known or (None, None)
    default_category, default_route = (
        DEFAULT_CATEGORIES.get(carc) or shipped_carc_categories().get(carc) or ("other", "no-action")
    )
    if group == "PR":
        # the patient's share; a release category other than "other" says why (e.g. non-covered)
        category = category or default_category
        if carc in PR_WORDS or category == "other":
            category = "patient-responsibility"
        return Classification(category, "bill-patient", "patient")
    if carc in CONTRACTUAL_CARCS:  # adjusted off by the ledger: written off, nothing for a person to do
        return Classification("contractual", "write-off", "contractual")
    if carc in PRIOR_PAYER_CARCS:
        return Classification(category or default_category, "no-action", "prior-payer")
    # A release may call a held code "contractual" (e.g. 59, multiple-procedure reduction): it keeps that
    # category in explanations, but only the CARCs above are adjusted off without a person's review.
    return Classification(category or default_category, route or default_route, "held")


@lru_cache(maxsize=1)
def shipped_carc_categories() -> dict[str, tuple[str, str]]:
    """CARC -> (category, route) of the newest CARC release in the project's ``codesets`` folder."""
    releases = sorted((get_settings().codesets_dir / "adjustment-codes").glob("*-carc/carc.json"))
    if not releases:
        return {}
    rows = json.loads(releases[-1].read_text(encoding="utf-8"))
    return {str(r["code"]): (str(r["category"]), str(r["route"])) for r in rows if r.get("category")}


def is_denial(group: str, carc: str, amount_cents: int) -> bool:
    """A payer-side amount the payer did not pay and the contract does not explain (counted, explained)."""
    return amount_cents > 0 and classify_adjustment(group, carc).treatment == "held"


def pr_word(carc: str) -> str:
    return PR_WORDS.get(carc, "patient responsibility")


# ---------------------------------------------------------------- what a person can do about it

NextStep = Literal[
    "bill-patient",
    "bill-secondary",
    "corrected-claim",
    "appeal",
    "write-off",
    "verify-eligibility",
    "obtain-authorization",
]

STEP_LABELS: dict[str, str] = {
    "bill-patient": "Bill the patient",
    "bill-secondary": "Bill the secondary payer",
    "corrected-claim": "Build corrected claim",
    "appeal": "Draft appeal",
    "write-off": "Write off",
    "verify-eligibility": "Verify eligibility",
    "obtain-authorization": "Obtain authorization",
}

# The steps offered for each route, main step first, when the claim itself shows no error of ours.
_STEPS_BY_ROUTE: dict[str, tuple[NextStep, ...]] = {
    "bill-patient": ("bill-patient",),
    "bill-secondary": ("bill-secondary",),
    "appeal": ("appeal", "write-off"),
    # the payer asks for a correction but our claim shows no error to fix: argue, or let it go
    "correct-and-resubmit": ("appeal", "write-off"),
    "write-off": ("write-off",),
    "verify-eligibility": ("verify-eligibility", "corrected-claim"),
    "obtain-authorization": ("obtain-authorization", "appeal", "write-off"),
    "no-action": (),
}


def next_steps(route: str, *, own_error: bool = False, has_secondary: bool = False) -> list[str]:
    """The actions offered for an adjustment, main action first: the one policy behind the denial pages,
    the API and the chat.

    ``own_error``: the claim as we sent it shows the cause (a missing modifier, a wrong pointer, a missing
    field) and a correction can be applied: the route is a corrected claim, never an appeal.
    ``has_secondary``: the patient has secondary coverage in force on the date of service, so the
    patient's share (PR) is billed to the secondary payer before the patient.
    """
    if route in ("bill-patient", "bill-secondary"):
        return ["bill-secondary"] if has_secondary or route == "bill-secondary" else ["bill-patient"]
    if own_error:
        return ["corrected-claim", "write-off"]
    return list(_STEPS_BY_ROUTE.get(route, ("appeal", "write-off")))

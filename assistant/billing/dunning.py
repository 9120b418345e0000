"""Dunning: which notice a patient gets next, from the age of what they owe and their payment plan.

The sequence is configurable: a list of (stage, minimum age in days). A patient on a payment plan that
is current gets only the regular statement; a plan that is behind is dunned from its oldest missed
installment instead of from the age of the balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from assistant.billing.aging import patient_aging
from assistant.billing.plans import active_plan
from assistant.core.errors import InvalidInput


@dataclass(frozen=True)
class Step:
    stage: str
    min_days: int
    message: str


DEFAULT_SEQUENCE: tuple[Step, ...] = (
    Step("statement", 0, "Here is your statement."),
    Step("reminder", 31, "Reminder: this balance is past due. Please pay or call us to set up a plan."),
    Step(
        "final_notice", 61, "Final notice: please pay or call us within 30 days to avoid a collections hold."
    ),
    Step("collections_hold", 91, "Your account is on hold pending review for collections. Please call us."),
)


@dataclass
class DunningDecision:
    stage: str
    message: str
    age_days: int
    reason: str


def decide(
    session: Session,
    patient_id: int,
    as_of: date | None = None,
    sequence: tuple[Step, ...] = DEFAULT_SEQUENCE,
) -> DunningDecision:
    as_of = as_of or date.today()
    steps = sorted(sequence, key=lambda s: s.min_days)
    plan = active_plan(session, patient_id, as_of)
    if plan is not None and plan.status == "current":
        first = steps[0]
        return DunningDecision(first.stage, first.message, 0, f"payment plan {plan.id} is current")
    if plan is not None and plan.missed_installments:
        age = (as_of - plan.missed_installments[0].due_date).days
        reason = f"payment plan {plan.id} missed {len(plan.missed_installments)} installment(s)"
        steps = steps[1:] or steps  # a missed installment is at least a reminder
    else:
        age = patient_aging(session, patient_id, as_of).oldest_patient_days or 0
        reason = f"oldest balance is {age} days old"
    chosen = steps[0]
    for step in steps:
        if age >= step.min_days:
            chosen = step
    return DunningDecision(chosen.stage, chosen.message, age, reason)


def parse_sequence(text: str) -> tuple[Step, ...]:
    """``"statement:0,reminder:30,final_notice:60,collections_hold:90"`` -> steps (messages from defaults)."""
    known = {s.stage: s.message for s in DEFAULT_SEQUENCE}
    out = []
    for part in text.split(","):
        stage, _, days = part.strip().partition(":")
        if not days.strip().isdigit():
            raise InvalidInput(
                f"bad dunning step {part!r}", field="--dunning", fix="stage:days, e.g. reminder:30"
            )
        out.append(Step(stage.strip(), int(days), known.get(stage.strip(), f"Notice: {stage.strip()}")))
    return tuple(out)

"""Draft appeal letters from a Jinja2 template: claim facts and the rule that applies, never clinical facts.

Everything clinical (why the service was needed, what the notes say) is left as
``[TO BE COMPLETED BY PRACTICE]``; the letter only repeats data already on the claim and the remit.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from assistant.claims.schemas import ClaimImport
from assistant.core.money import dollars
from assistant.denials.knowledge import PLACEHOLDER
from assistant.denials.schemas import AppealLetter, Explanation

TEMPLATES = Path(__file__).resolve().parent / "templates"
_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    undefined=StrictUndefined,
    autoescape=False,
    keep_trailing_newline=True,
)


def draft_appeal(
    doc: ClaimImport, exp: Explanation, *, payer_claim_number: str | None = None, today: date | None = None
) -> AppealLetter:
    line = doc.lines[exp.line - 1] if exp.line and 1 <= exp.line <= len(doc.lines) else None
    person = doc.patient_person
    text = _env.get_template("appeal_letter.txt.j2").render(
        PH=PLACEHOLDER,
        today=(today or date.today()).isoformat(),
        payer_name=doc.payer.name,
        payer_id=doc.payer.payer_id,
        patient_name=f"{person.first_name} {person.last_name}",
        member_id=doc.subscriber.member_id,
        claim_id=doc.claim_id,
        payer_claim_number=payer_claim_number or doc.original_claim_number,
        dates=", ".join(sorted({str(ln.date_of_service) for ln in ([line] if line else doc.lines)})),
        line=exp.line,
        code=line.code if line else None,
        modifiers=line.modifiers if line else [],
        charge=dollars(line.charge_cents) if line else None,
        diagnoses=doc.diagnoses,
        linked=[doc.diagnoses[p - 1] for p in line.dx_pointers if p <= len(doc.diagnoses)] if line else [],
        group=exp.group,
        carc=exp.carc,
        rarcs=exp.rarcs,
        amount=dollars(exp.amount_cents) if exp.amount_cents else None,
        root_cause=exp.root_cause,
        evidence=exp.evidence,
        appeal_deadline=exp.deadline,
        billing_name=doc.billing_provider.name,
        billing_npi=doc.billing_provider.npi,
    )
    return AppealLetter(
        claim_id=doc.claim_id, text=text, placeholders=text.count(PLACEHOLDER), explanation=exp
    )

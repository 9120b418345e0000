"""Draft appeal letters that argue for the practice, from a Jinja2 template.

A letter states the practice's position on the adjustment, cites the facts on the claim that support it
and leaves everything clinical (why the service was needed, what the note says) as
``[TO BE COMPLETED BY PRACTICE]``. It never repeats the internal analysis (scrubber rule names, "the
provider absorbs this amount") and never concedes the denial. When the cause is on our own claim (a
missing modifier, a wrong pointer) the policy in ``assistant.core.adjustments.next_steps`` offers a
corrected claim instead, and no letter is drafted.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from assistant.claims.schemas import ClaimImport, ServiceLineIn
from assistant.core.adjustments import pr_word
from assistant.core.errors import Conflict
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
PH = PLACEHOLDER
_NCCI_PAIR = re.compile(r"^(\w{5}) is column 2 of (\w{5}) on (\S+), modifier indicator ([0-9])$")


def refusal(exp: Explanation) -> Conflict | None:
    """Why no appeal is drafted for this adjustment (None when an appeal is one of its next steps)."""
    if "appeal" in exp.next_steps:
        return None
    where = f"line {exp.line}" if exp.line else "the claim"
    if exp.group == "PR":
        return Conflict(
            f"{exp.group}-{exp.carc} is the patient's {pr_word(exp.carc)}: it is billed, not appealed",
            field="carc",
            fix="bill the secondary payer (secondary claim) if the patient has one, else the patient",
        )
    if "corrected-claim" in exp.next_steps:
        return Conflict(
            f"the cause of {exp.group}-{exp.carc} is on our claim ({where}): send a corrected claim, "
            "not an appeal",
            field="carc",
            fix="build the corrected claim (frequency 7) from the denial and send it",
        )
    return Conflict(
        f"{exp.group}-{exp.carc} is not appealed ({exp.route.replace('-', ' ')})",
        field="carc",
        fix="take the next step shown with the denial",
    )


def draft_appeal(
    doc: ClaimImport, exp: Explanation, *, payer_claim_number: str | None = None, today: date | None = None
) -> AppealLetter:
    refused = refusal(exp)
    if refused is not None:
        raise refused
    line = doc.lines[exp.line - 1] if exp.line and 1 <= exp.line <= len(doc.lines) else None
    person = doc.patient_person
    linked = [doc.diagnoses[p - 1] for p in line.dx_pointers if p <= len(doc.diagnoses)] if line else []
    text = _env.get_template("appeal_letter.txt.j2").render(
        PH=PH,
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
        linked=linked,
        group=exp.group,
        carc=exp.carc,
        rarcs=exp.rarcs,
        amount=dollars(exp.amount_cents) if exp.amount_cents else None,
        position=position(exp, doc, line, linked),
        facts=supporting_facts(exp, doc, line, linked),
        documents=documents(exp),
        distinct=exp.category in ("bundling", "modifier", "duplicate"),
        appeal_deadline=exp.deadline,
        billing_name=doc.billing_provider.name,
        billing_npi=doc.billing_provider.npi,
    )
    return AppealLetter(claim_id=doc.claim_id, text=text, placeholders=text.count(PH), explanation=exp)


def _service(line: ServiceLineIn | None, exp: Explanation) -> str:
    if line is None:
        return "the services on this claim"
    mods = f" with modifier(s) {', '.join(line.modifiers)}" if line.modifiers else ""
    return f"{line.code}{mods} on {line.date_of_service} (line {exp.line})"


def position(exp: Explanation, doc: ClaimImport, line: ServiceLineIn | None, linked: list[str]) -> str:
    """The practice's position on the adjustment, in its own voice (one paragraph)."""
    service = _service(line, exp)
    dx = ", ".join(linked) or ", ".join(doc.diagnoses)
    cat = exp.category
    if cat in ("medical-necessity", "coding", "non-covered"):
        return (
            f"{service} was medically necessary for this patient's condition, reported on the claim as "
            f"{dx}, and it was coded correctly for the service performed. It meets the plan's coverage "
            f"criteria for this service: {PH} (the coverage policy and the criteria the record meets)."
        )
    if cat == "bundling":
        others = sorted(
            {
                ln.code
                for ln in doc.lines
                if line is None or (ln.date_of_service == line.date_of_service and ln is not line)
            }
        )
        with_others = f" from {', '.join(others)} billed the same day" if others else ""
        return (
            f"{service} was a separate and distinct service{with_others} and is separately payable. "
            f"The record shows what made it distinct (separate site, session, encounter or problem): {PH}."
        )
    if cat == "modifier":
        return (
            f"{service} was reported with the procedure code and modifier(s) that describe the service "
            f"performed, and is payable as billed. The record shows the service as reported: {PH}."
        )
    if cat == "missing-information":
        named = f" (remark code(s) {', '.join(exp.rarcs)})" if exp.rarcs else ""
        return (
            f"The claim for {service} carried the information needed to process it. The item the "
            f"adjustment names{named} is confirmed here: {PH} (the value and where the record shows it). "
            "The claim is complete and payable as billed."
        )
    if cat == "timely-filing":
        return (
            f"The claim for {service} was filed within the plan's filing limit: it was first submitted on "
            f"{PH} (date), as the enclosed acceptance report shows."
        )
    if cat == "authorization":
        auth = doc.prior_authorization
        ref = f"authorization {auth}" if auth else f"authorization {PH} (number)"
        return (
            f"{service} was performed under {ref}, obtained before the service and covering this code, "
            "date and provider."
        )
    if cat == "duplicate":
        return (
            f"{service} is not a duplicate: it is a separate service from the one already processed, "
            f"as the record shows: {PH} (what distinguishes it: time, site, order)."
        )
    if cat == "eligibility":
        return (
            f"The patient was covered by this plan on the date of {service}, under member ID "
            f"{doc.subscriber.member_id}: {PH} (the eligibility response or card on file)."
        )
    return f"{service} was billed correctly and is payable under the patient's plan: {PH}."


def supporting_facts(
    exp: Explanation, doc: ClaimImport, line: ServiceLineIn | None, linked: list[str]
) -> list[str]:
    """Facts from the claim (and public code sets) that support the practice's position."""
    facts: list[str] = []
    if line is not None:
        facts.append(
            f"Line {exp.line} reports {line.code}"
            + (f" with modifier(s) {', '.join(line.modifiers)}" if line.modifiers else "")
            + f", {line.units} unit(s), on {line.date_of_service}, billed {dollars(line.charge_cents)}."
        )
        if linked:
            facts.append(f"The line points to diagnosis code(s) {', '.join(linked)}.")
    for ev in exp.evidence:
        m = _NCCI_PAIR.match(ev.detail)
        if ev.kind == "ncci-ptp" and m and m.group(4) == "1":
            col2, col1, when, _ = m.groups()
            facts.append(
                f"NCCI lists {col2} as column 2 of {col1} on {when} with modifier indicator 1: the pair is "
                "paid separately when the services are distinct."
            )
    if exp.category == "authorization" and doc.prior_authorization:
        facts.append(f"The claim carries prior authorization {doc.prior_authorization}.")
    return facts


def documents(exp: Explanation) -> list[str]:
    """What the practice encloses; each item names what the note must supply."""
    docs = [f"{PH} (progress note for the date of service, signed)"]
    if exp.category in ("bundling", "modifier", "duplicate"):
        docs.append(f"{PH} (procedure note showing the separate site, session or problem)")
    if exp.category in ("medical-necessity", "coding", "non-covered"):
        docs.append(f"{PH} (test results, prior treatment and the coverage policy section met)")
    if exp.category == "timely-filing":
        docs.append(f"{PH} (clearinghouse acceptance report for the first submission)")
    if exp.category == "authorization":
        docs.append(f"{PH} (authorization approval letter)")
    return docs

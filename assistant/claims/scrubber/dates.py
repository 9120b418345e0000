"""Dates of service against today and the patient's birth date; timely filing."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.claims.schemas import ClaimImport, Finding
from assistant.claims.scrubber.base import ScrubContext, error, numbered_lines, rule, warning

TIMELY_WARNING_DAYS = 30


@rule("dates")
def dates(claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
    """No future dates of service, none before the patient's birth, birth date not in the future."""
    dob = claim.patient_person.dob
    dob_field = "patient.dob" if claim.patient else "subscriber.dob"
    if dob > ctx.today:
        yield error(
            "dates", f"The birth date {dob} is in the future.", field=dob_field, fix="correct the birth date"
        )
    for n, line in numbered_lines(claim):
        field = f"lines[{n - 1}].date_of_service"
        if line.date_of_service > ctx.today:
            yield error(
                "dates",
                f"Line {n}: the date of service {line.date_of_service} is in the future.",
                line=n,
                field=field,
                fix="bill services only after they are performed; correct the date",
            )
        if line.date_of_service < dob:
            yield error(
                "dates",
                f"Line {n}: the date of service {line.date_of_service} is before the patient's "
                f"birth date {dob}.",
                line=n,
                field=field,
                fix="correct the date of service or birth date",
            )


@rule("timely-filing")
def timely_filing(claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
    """Days since the earliest date of service against the payer's filing limit."""
    limit = claim.payer.timely_filing_days or ctx.default_timely_filing_days
    earliest = min(line.date_of_service for line in claim.lines)
    if earliest > ctx.today:
        return
    age = (ctx.today - earliest).days
    n = next(i for i, line in numbered_lines(claim) if line.date_of_service == earliest)
    if age > limit:
        yield error(
            "timely-filing",
            f"Line {n}: the date of service {earliest} is {age} days old, past "
            f"{claim.payer.name}'s {limit}-day timely-filing limit by {age - limit} days.",
            line=n,
            field=f"lines[{n - 1}].date_of_service",
            fix="submit only with proof of timely filing (an earlier accepted submission) or a "
            "retro-eligibility reason; otherwise write the charge off",
        )
    elif age > limit - TIMELY_WARNING_DAYS:
        yield warning(
            "timely-filing",
            f"Line {n}: only {limit - age} days remain before {claim.payer.name}'s "
            f"{limit}-day timely-filing limit for the date of service {earliest}.",
            line=n,
            field=f"lines[{n - 1}].date_of_service",
            fix="submit this claim now",
        )

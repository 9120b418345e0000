"""Find a patient account by name, date of birth, member ID, account number or claim number."""

from __future__ import annotations

import re
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from assistant.billing import repository as repo
from assistant.billing.service import balance, patient_name

MIN_QUERY = 2
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y")


class AccountHit(BaseModel):
    patient_id: int
    patient_name: str
    dob: date
    member_ids: list[str]
    claim_numbers: list[str]
    patient_due_cents: int
    credit_cents: int
    insurance_pending_cents: int


class AccountSearch(BaseModel):
    query: str
    searched_as: list[str]
    hits: list[AccountHit]
    hint: str | None = None


def parse_dob(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def search_accounts(session: Session, query: str, *, limit: int = 25) -> AccountSearch:
    """Every account matching the query: a date is a date of birth, a lone token with digits an account,
    member or claim number, other words parts of the name (all must match, first or last name); a name
    and a date of birth together must both match."""
    text = " ".join(query.split())
    if len(text) < MIN_QUERY and not text.isdigit():  # an account number may be one digit
        return AccountSearch(
            query=text, searched_as=[], hits=[], hint=f"type at least {MIN_QUERY} characters"
        )
    tokens = [t for t in re.split(r"[\s,]+", text) if t]
    dates = [d for d in (parse_dob(t) for t in tokens) if d is not None]
    dob = dates[0] if len(dates) == 1 else None
    rest = [t for t in tokens if parse_dob(t) is None]
    number = rest[0] if len(tokens) == 1 and rest and re.search(r"\d", rest[0]) else None
    words = [] if number else rest
    searched_as = (
        (["date of birth"] if dob else [])
        + (["member ID", "claim number", "account number"] if number else [])
        + (["name"] if words else [])
    )
    ids = repo.search_patient_ids(session, words=words, dob=dob, number=number, limit=limit)
    hits = []
    for p in repo.patients_by_ids(session, ids):
        bal = balance(session, p, with_entries=False)
        hits.append(
            AccountHit(
                patient_id=p.id,
                patient_name=patient_name(p),
                dob=p.dob,
                member_ids=repo.member_ids(session, p.id),
                claim_numbers=repo.claim_numbers(session, p.id),
                patient_due_cents=bal.patient_due_cents,
                credit_cents=bal.credit_cents,
                insurance_pending_cents=bal.insurance_pending_cents,
            )
        )
    hint = None if hits else f"no account matches {text!r} by {', '.join(searched_as)}"
    return AccountSearch(query=text, searched_as=searched_as, hits=hits, hint=hint)

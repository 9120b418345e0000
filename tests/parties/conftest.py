"""Builders for the parties tests: payers and patients through the real service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from assistant.parties import service
from assistant.parties.schemas import AddressIn, CoverageIn, PatientIn, PayerIn

CLAIMS = Path(__file__).resolve().parent.parent / "fixtures" / "claims"


def payer(session: Session, payer_id: str = "87726", name: str = "Example Health Plan") -> str:
    service.add_payer(
        session,
        PayerIn(
            payer_id=payer_id,
            name=name,
            filing_indicator="CI",
            address=AddressIn(line1="PO Box 30555", city="Salt Lake City", state="UT", zip="84130"),
        ),
    )
    return payer_id


def person(**changes: Any) -> PatientIn:
    data: dict[str, Any] = {
        "first_name": "John",
        "last_name": "Doe",
        "dob": "1961-04-12",
        "sex": "M",
        "address": {"line1": "5 Oak Ave", "city": "Springfield", "state": "IL", "zip": "62704"},
        "phone": "(217) 555-0134",
        "email": "john.doe@example.org",
        "preferred_contact": "email",
    }
    data.update(changes)
    return PatientIn(**data)


def coverage(payer_id: str = "87726", member_id: str = "W123456789", **changes: Any) -> CoverageIn:
    return CoverageIn(payer_id=payer_id, member_id=member_id, **changes)

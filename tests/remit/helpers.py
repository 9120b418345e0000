"""Claims for the 835 fixtures, imported through the claims service (shared by remit and denials tests)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from assistant.claims import service as claims_service
from assistant.claims.schemas import parse_claim_document
from assistant.core.db import transaction
from assistant.parties.models import Coverage, Payer

PAYER = {"payer_id": "87726", "name": "Acme Health Plan", "filing_indicator": "CI"}


def claim_doc(
    claim_id: str,
    lines: list[dict[str, Any]],
    *,
    diagnoses: list[str] | None = None,
    payer: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "claim_id": claim_id,
        "billing_provider": {
            "npi": "1234567893",
            "name": "Sunrise Family Clinic",
            "tax_id": "371234567",
            "address": {"line1": "100 Main St", "city": "Springfield", "state": "IL", "zip": "627011234"},
        },
        "rendering_provider": {"npi": "1497758544", "first_name": "John", "last_name": "Smith"},
        "payer": payer or PAYER,
        "subscriber": {
            "member_id": f"MEM-{claim_id}",
            "first_name": "Jane",
            "last_name": "Doe",
            "dob": "1970-05-01",
            "sex": "F",
        },
        "place_of_service": "11",
        "diagnoses": diagnoses or ["M17.11", "I10"],
        "lines": [{"units": 1, "dx_pointers": [1], "modifiers": [], **line} for line in lines],
    }
    doc.update(extra)
    return doc


def submit(sessions: sessionmaker[Session], doc: dict[str, Any], status: str = "submitted") -> int:
    """Import a claim through the claims service and walk it to ``status`` by allowed transitions."""
    path = {
        "draft": [],
        "submitted": ["scrubbed", "ready", "submitted"],
        "paid": ["scrubbed", "ready", "submitted", "paid"],
        "denied": ["scrubbed", "ready", "submitted", "denied"],
    }[status]
    with transaction(sessions) as session:
        result = claims_service.import_claim(session, parse_claim_document(doc), actor="test")
        claim = claims_service.get_claim(session, result.id)
        for step in path:
            claims_service.transition(session, claim, step, actor="test")
        return result.id


FIXTURE_CLAIMS = [
    claim_doc(
        "CLM-1001",
        [
            {"date_of_service": "2026-03-02", "code": "99213", "modifiers": ["25"], "charge_cents": 15000},
            {"date_of_service": "2026-03-02", "code": "20610", "charge_cents": 10000},
        ],
    ),
    claim_doc(
        "CLM-1002",
        [
            {
                "date_of_service": "2026-03-03",
                "code": "97110",
                "modifiers": ["GP"],
                "units": 2,
                "charge_cents": 12000,
                "line_control_number": "PT-77",
            },
        ],
    ),
    claim_doc("CLM-1003", [{"date_of_service": "2026-02-10", "code": "99212", "charge_cents": 8000}]),
    claim_doc("CLM-1004", [{"date_of_service": "2026-03-05", "code": "99214", "charge_cents": 20000}]),
]


def load_fixture_claims(sessions: sessionmaker[Session]) -> dict[str, int]:
    out = {}
    for doc in FIXTURE_CLAIMS:
        out[doc["claim_id"]] = submit(sessions, doc, "paid" if doc["claim_id"] == "CLM-1003" else "submitted")
    return out


def add_secondary_coverage(
    sessions: sessionmaker[Session],
    claim_pk: int,
    *,
    member_id: str,
    group_number: str | None = None,
    ends: date | None = None,
) -> None:
    """Beta Insurance (BETA77) as the claim's patient's coverage of order 2, from 2026-01-01."""
    with transaction(sessions) as s:
        claim = claims_service.get_claim(s, claim_pk)
        payer = s.query(Payer).filter_by(payer_id="BETA77").one_or_none()
        if payer is None:
            payer = Payer(payer_id="BETA77", name="Beta Insurance", filing_indicator="CI")
            s.add(payer)
            s.flush()
        s.add(
            Coverage(
                patient_id=claim.patient_id,
                payer_pk=payer.id,
                order=2,
                member_id=member_id,
                group_number=group_number,
                relationship_to_subscriber="self",
                effective_from=date(2026, 1, 1),
                effective_to=ends,
            )
        )

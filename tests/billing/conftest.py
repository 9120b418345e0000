from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

HERE = Path(__file__).resolve().parent


def make_patient(
    session: Session, first: str = "Jane", last: str = "Doe", member_id: str | None = None
) -> int:
    """A patient (and, with ``member_id``, a coverage) created through the claims models."""
    from assistant.parties.models import Coverage, Patient, Payer

    p = Patient(
        first_name=first,
        last_name=last,
        dob=date(1970, 5, 1),
        sex="F",
        address_line1="1 Elm St",
        city="Springfield",
        state="IL",
        zip="62701",
    )
    session.add(p)
    session.flush()
    if member_id:
        payer = session.query(Payer).filter_by(payer_id="87726").one_or_none()
        if payer is None:
            payer = Payer(payer_id="87726", name="Acme Health Plan")
            session.add(payer)
            session.flush()
        session.add(Coverage(patient_id=p.id, payer_pk=payer.id, member_id=member_id))
        session.flush()
    return p.id


def make_owing_patient(session: Session, member_id: str) -> int:
    """A covered patient owing two visits: 100.00 on 2026-01-05 (Visit A), 50.00 on 2026-02-05 (Visit B)."""
    from assistant.billing.service import post_charge

    pid = make_patient(session, member_id=member_id)
    post_charge(session, pid, 10000, actor="t", service_date=date(2026, 1, 5), description="Visit A")
    post_charge(session, pid, 5000, actor="t", service_date=date(2026, 2, 5), description="Visit B")
    return pid


PR_FLOW_835 = HERE / "pr_flow.835"


def pr_flow_claim() -> dict[str, object]:
    """The claim the PR flow 835 pays: three lines on 2026-04-01 for Ann Lee (member MEM-2001)."""
    from tests.remit.helpers import claim_doc

    return claim_doc(
        "CLM-2001",
        [
            {
                "date_of_service": "2026-04-01",
                "code": "99214",
                "charge_cents": 20000,
                "line_control_number": "BL-2001-1",
            },
            {
                "date_of_service": "2026-04-01",
                "code": "99213",
                "charge_cents": 15000,
                "line_control_number": "BL-2001-2",
            },
            {
                "date_of_service": "2026-04-01",
                "code": "36415",
                "charge_cents": 3000,
                "line_control_number": "BL-2001-3",
            },
        ],
        subscriber={
            "member_id": "MEM-2001",
            "first_name": "Ann",
            "last_name": "Lee",
            "dob": "1980-02-03",
            "sex": "F",
        },
    )


@pytest.fixture
def pr_flow(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Claim submitted, 835 imported by the remit domain, which hands it to the ledger. Returns ids."""
    from assistant.core.db import transaction
    from assistant.remit.service import import_835_file
    from tests.remit.helpers import submit

    claim_pk = submit(sessions, pr_flow_claim())
    report = import_835_file(sessions, PR_FLOW_835)
    assert not report.ledger_errors
    assert report.ledger and report.ledger[0]["entries_posted"] > 0  # posted by the import itself
    with transaction(sessions) as s:
        from assistant.claims.models import Claim

        patient_id = s.get(Claim, claim_pk).patient_id  # type: ignore[union-attr]
    return {"claim_pk": claim_pk, "remit_id": report.remit_ids[0], "patient_id": patient_id}

"""PR-1/2/3 from a real-shaped 835, through the remit domain's poster, to the patient's balance."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from assistant.billing import service
from assistant.billing.models import LedgerEntry
from assistant.billing.payments import take_payment
from assistant.billing.remit_posting import post_all_remits, post_remit_to_ledger
from assistant.billing.schemas import PaymentIn
from assistant.core.db import transaction
from assistant.remit.service import import_835_file
from tests.billing.conftest import PR_FLOW_835
from tests.remit.helpers import load_fixture_claims


def _count(s: Session) -> int:
    return int(s.scalar(select(func.count(LedgerEntry.id))) or 0)


def test_pr_amounts_reach_the_patient_balance(
    sessions: sessionmaker[Session], pr_flow: dict[str, int]
) -> None:
    with transaction(sessions) as s:
        bal = service.balance(s, "MEM-2001")  # the member ID names the patient
        assert bal.patient_id == pr_flow["patient_id"]
        assert bal.patient_due_cents == 4000 + 2000 + 2500  # PR-1 + PR-2 + PR-3
        assert bal.insurance_pending_cents == 0  # 380 charged = 210 paid + 85 contractual + 85 PR
        assert bal.balance_cents == 8500
        kinds = sorted((e.kind, e.reason_code or "", e.amount_cents) for e in bal.entries)
        assert ("pr_transfer", "1", 4000) in kinds
        assert ("pr_transfer", "2", 2000) in kinds
        assert ("pr_transfer", "3", 2500) in kinds
        assert sum(a for k, _, a in kinds if k == "insurance_payment") == 21000
        assert sum(a for k, _, a in kinds if k == "contractual_adjustment") == 8500
        assert sum(a for k, _, a in kinds if k == "charge") == 38000
        # each entry links to its remittance and service line
        assert all(e.remit_id == pr_flow["remit_id"] for e in bal.entries if e.kind != "charge")
        assert all(e.service_line_id for e in bal.entries)


def test_posting_is_idempotent(sessions: sessionmaker[Session], pr_flow: dict[str, int]) -> None:
    with transaction(sessions) as s:
        before = _count(s)
    report = import_835_file(sessions, PR_FLOW_835)  # the remit poster skips it ...
    assert report.claims_posted == 0
    with transaction(sessions) as s:
        again = post_remit_to_ledger(s, pr_flow["remit_id"])  # ... and so does the ledger step
        assert again.entries_posted == 0 and again.entries_already_posted > 0
        post_all_remits(s)
        assert _count(s) == before
        assert service.balance(s, f"id:{pr_flow['patient_id']}").patient_due_cents == 8500


def test_patient_pays_the_statement_balance(sessions: sessionmaker[Session], pr_flow: dict[str, int]) -> None:
    with transaction(sessions) as s:
        receipt = take_payment(
            s, PaymentIn(patient="MEM-2001", amount_cents=8500, method="cash"), actor="desk"
        )
        assert sum(a.amount_cents for a in receipt.allocations) == 8500
        assert len(receipt.allocations) == 3  # one per service line that was owed
        bal = service.balance(s, "MEM-2001")
        assert (bal.patient_due_cents, bal.credit_cents, bal.balance_cents) == (0, 0, 0)


def test_denials_held_forwarded_pr_held_reversal_takes_back(sessions: sessionmaker[Session]) -> None:
    from pathlib import Path

    ids = load_fixture_claims(sessions)
    report = import_835_file(
        sessions, Path(__file__).resolve().parent.parent / "fixtures/x12/multi_claim.835"
    )
    with transaction(sessions) as s:
        out = post_remit_to_ledger(s, report.remit_ids[0])
        assert any("CLM-9999" in msg for msg in out.skipped)  # unmatched claim reported, not dropped
        assert any("81002" in msg for msg in out.skipped)  # unmatched line reported
        assert any("CLM-1004" in msg for msg in out.notes)  # forwarded to the secondary payer
        es = s.scalars(select(LedgerEntry)).all()
        by_claim: dict[int, list[LedgerEntry]] = {}
        for e in es:
            by_claim.setdefault(e.claim_pk or 0, []).append(e)
        c1002 = by_claim[ids["CLM-1002"]]  # denied CO-4: nothing adjusted off, all still with insurance
        assert sum(e.insurance_cents for e in c1002) == 12000
        assert not [e for e in c1002 if e.kind != "charge"]
        c1004 = by_claim[ids["CLM-1004"]]  # paid 160, PR 40 held for the secondary payer
        assert sum(e.insurance_cents for e in c1004) == 4000
        assert sum(e.patient_cents for e in c1004) == 0
        c1003 = by_claim[ids["CLM-1003"]]  # reversal: payment -60 and CO-45 -20 put 80 back on insurance
        assert sorted(e.amount_cents for e in c1003 if e.kind != "charge") == [-6000, -2000]
        assert sum(e.insurance_cents for e in c1003) == 8000 + 8000
        c1001 = by_claim[ids["CLM-1001"]]  # PR-2 20 to the patient; CO-97 100 held
        assert sum(e.patient_cents for e in c1001) == 2000
        assert sum(e.insurance_cents for e in c1001) == 10000
        assert service.conservation(s).difference_cents == 0


def test_denial_rate_by_payer_and_category(sessions: sessionmaker[Session]) -> None:
    from datetime import date
    from pathlib import Path

    from assistant.billing.reports import reports

    load_fixture_claims(sessions)
    import_835_file(sessions, Path(__file__).resolve().parent.parent / "fixtures/x12/multi_claim.835")
    with transaction(sessions) as s:
        rows = reports(s, start=date(2026, 1, 1), end=date(2026, 12, 31)).denial_rate
    by_cat = {r.category: r for r in rows if r.payer_id == "87726"}
    # adjudicated lines (reversal excluded): 99213, 20610, 81002, 97110, 99214, 36415 -> 6
    assert by_cat["all"].lines_adjudicated == 6
    assert by_cat["bundling"].lines_denied == 1 and by_cat["bundling"].denied_cents == 10000
    assert by_cat["modifier"].lines_denied == 1 and by_cat["modifier"].denied_cents == 12000
    assert by_cat["all"].denial_rate == round(2 / 6, 4)

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.claims.models import Claim
from assistant.config import PROJECT_ROOT
from assistant.remit import repository as repo
from assistant.remit.models import RemitLine, RemitProviderAdjustment
from assistant.remit.service import UnbalancedRemit, import_835_file, work_queue
from tests.remit.helpers import load_fixture_claims


def _status(sessions, claim_id: str) -> str:  # type: ignore[no-untyped-def]
    with sessions() as s:
        return s.scalar(select(Claim.status).where(Claim.claim_id == claim_id))  # type: ignore[no-any-return]


def test_posting_statuses_amounts_and_work_queue(sessions, x12: Path) -> None:  # type: ignore[no-untyped-def]
    load_fixture_claims(sessions)
    report = import_835_file(sessions, x12 / "multi_claim.835")
    assert (report.claims_posted, report.claims_skipped, report.provider_adjustments_posted) == (5, 0, 3)
    outcomes = {c.claim_id: c.outcome for c in report.claims}
    assert outcomes == {
        "CLM-1001": "partially_paid",
        "CLM-1002": "denied",
        "CLM-1003": "reversed",
        "CLM-1004": "forwarded",
        "CLM-9999": "paid",
    }
    assert _status(sessions, "CLM-1001") == "partially_paid"
    assert _status(sessions, "CLM-1002") == "denied"
    assert _status(sessions, "CLM-1003") == "reversed"  # reversal: status changed and a work item raised
    assert _status(sessions, "CLM-1004") == "paid"
    with sessions() as s:
        lines = {(rl.procedure_code): rl for rl in s.scalars(select(RemitLine))}
        e = lines["99213"]
        assert (e.paid_cents, e.contractual_cents, e.coinsurance_cents, e.patient_responsibility_cents) == (
            10000,
            3000,
            2000,
            2000,
        )
        f = lines["99214"]
        assert (f.deductible_cents, f.copay_cents, f.patient_responsibility_cents) == (2500, 1500, 4000)
        assert lines["97110"].match_method == "fuzzy-modifier"
        assert lines["99213"].match_method == "lcn" and lines["99213"].service_line_id is not None
        assert lines["81002"].match_method == "unmatched"
        assert s.scalar(select(Claim.payer_claim_number).where(Claim.claim_id == "CLM-1002")) == "PCN1002"
        kinds = sorted(w.kind for w in work_queue(s))
    assert kinds == ["fuzzy-match", "reversal", "unmatched-claim", "unmatched-line"]


def test_importing_twice_posts_nothing_the_second_time(sessions, x12: Path) -> None:  # type: ignore[no-untyped-def]
    load_fixture_claims(sessions)
    import_835_file(sessions, x12 / "multi_claim.835")
    with sessions() as s:
        before = repo.count_rows(s)
    again = import_835_file(sessions, x12 / "multi_claim.835")
    assert (again.claims_posted, again.claims_skipped, again.provider_adjustments_posted) == (0, 5, 0)
    # same payment re-sent in a new envelope (different ISA13, so a different file hash)
    resent = (x12 / "multi_claim.835").read_bytes().replace(b"000000101", b"000000202")
    from assistant.remit.service import import_835_bytes

    third = import_835_bytes(sessions, resent, filename="resent.835")
    assert third.claims_posted == 0 and third.provider_adjustments_posted == 0
    with sessions() as s:
        assert repo.count_rows(s) == before


def test_unbalanced_file_posts_nothing(sessions, x12: Path) -> None:  # type: ignore[no-untyped-def]
    load_fixture_claims(sessions)
    with pytest.raises(UnbalancedRemit) as err:
        import_835_file(sessions, x12 / "unbalanced.835")
    assert err.value.imbalances and "imbalances" in err.value.to_dict()
    with sessions() as s:
        assert set(repo.count_rows(s).values()) == {0}
    assert _status(sessions, "CLM-1001") == "submitted"


# The fault is injected from the test side: an engine event in the child process exits the moment the
# Nth remit claim row is inserted, inside its open transaction (the product carries no hook).
CRASH_SCRIPT = """
import os, sys
from pathlib import Path
from sqlalchemy import Engine, event
from assistant.core.db import make_engine, session_factory
from assistant.remit.service import import_835_file

crash_at = int(os.environ.get("CRASH_AT_REMIT_CLAIM", "0"))
inserted = 0

@event.listens_for(Engine, "after_cursor_execute")
def _crash(conn, cursor, statement, params, context, executemany):
    global inserted
    if crash_at and statement.lstrip().lower().replace('"', "").startswith("insert into remit_claims"):
        inserted += 1
        if inserted == crash_at:
            os._exit(75)

import_835_file(session_factory(make_engine(sys.argv[1])), Path(sys.argv[2]))
"""


def test_crash_mid_import_then_reimport_loses_and_doubles_nothing(sessions, tmp_settings, x12: Path) -> None:  # type: ignore[no-untyped-def]
    load_fixture_claims(sessions)
    url = tmp_settings.resolved_database_url
    env = {**os.environ, "CRASH_AT_REMIT_CLAIM": "3", "PYTHONPATH": str(PROJECT_ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", CRASH_SCRIPT, url, str(x12 / "multi_claim.835")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 75, proc.stderr
    with sessions() as s:
        assert repo.count_rows(s)["remit_claims"] == 2  # claims 1-2 committed, claim 3 rolled back whole
        assert repo.count_rows(s)["remit_provider_adjustments"] == 3
        assert s.scalar(select(RemitLine).where(RemitLine.procedure_code == "99214")) is None
    assert _status(sessions, "CLM-1001") == "partially_paid"
    env.pop("CRASH_AT_REMIT_CLAIM")
    proc = subprocess.run(
        [sys.executable, "-c", CRASH_SCRIPT, url, str(x12 / "multi_claim.835")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    with sessions() as s:
        counts = repo.count_rows(s)
        assert counts["remit_claims"] == 5 and counts["remits"] == 1
        assert counts["remit_provider_adjustments"] == 3
        assert len(list(s.scalars(select(RemitProviderAdjustment)))) == 3
        assert repo.list_remits(s)[0].status == "posted"
    assert _status(sessions, "CLM-1004") == "paid"


def test_reversal_then_readjudication_moves_claim_through_reversed(sessions, x12: Path) -> None:  # type: ignore[no-untyped-def]
    load_fixture_claims(sessions)  # CLM-1003 is on file as paid
    report = import_835_file(sessions, x12 / "reversal.835", actor="poster")
    assert [(c.claim_id, c.outcome, c.new_claim_status) for c in report.claims] == [
        ("CLM-1003", "reversed", "reversed"),
        ("CLM-1003", "paid", "paid"),
    ]
    with sessions() as s:
        claim = s.scalar(select(Claim).where(Claim.claim_id == "CLM-1003"))
        assert claim is not None and claim.status == "paid"
        steps = [(h.from_status, h.to_status, h.actor) for h in claim.history][-2:]
        assert steps == [("paid", "reversed", "poster"), ("reversed", "paid", "poster")]
        note = claim.history[-2].note or ""
        assert "CLP02 22" in note and "PCN1003" in note and "60.00" in note
    with sessions() as s:
        kinds = [w.kind for w in work_queue(s)]
    assert kinds.count("reversal") == 1
    again = import_835_file(sessions, x12 / "reversal.835", actor="poster")  # idempotent
    assert again.claims_posted == 0
    with sessions() as s:
        claim = s.scalar(select(Claim).where(Claim.claim_id == "CLM-1003"))
        assert claim is not None and len(claim.history) == len(steps) + 5  # no second reversal recorded


def test_reversal_of_a_corrected_claims_original_keeps_corrected(sessions, x12: Path) -> None:  # type: ignore[no-untyped-def]
    from assistant.claims import service as claims_service
    from assistant.core.db import transaction

    load_fixture_claims(sessions)
    with transaction(sessions) as s:
        claims_service.transition(s, claims_service.get_claim(s, "CLM-1003"), "corrected", actor="biller")
    report = import_835_file(sessions, x12 / "reversal.835")
    assert report.claims[0].outcome == "reversed" and report.claims[0].new_claim_status is None
    assert _status(sessions, "CLM-1003") == "corrected"
    with sessions() as s:
        assert "reversal" in {w.kind for w in work_queue(s)}

"""Secondary claims: the primary's 835 holds the patient's share for the secondary payer, the secondary
claim carries the primary's adjudication (837P 2320/2330B/2430, valid for pyx12), and only the
secondary's 835 moves what is left to the patient."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from assistant.billing import service as billing
from assistant.claims import service as claims_service
from assistant.claims.x12_837 import Envelope, build_837p
from assistant.claims.x12_validate import parse_837p, validate_x12
from assistant.core.db import transaction
from assistant.core.errors import Conflict
from assistant.denials.service import explain_remit
from assistant.remit.secondary import create_secondary_claim
from assistant.remit.service import import_835_file, work_queue
from tests.billing.conftest import PR_FLOW_835, pr_flow_claim
from tests.remit.helpers import add_secondary_coverage, submit

X12 = Path(__file__).resolve().parent.parent / "fixtures" / "x12"


def _add_secondary(sessions: sessionmaker[Session], claim_pk: int, *, ends: date | None = None) -> None:
    add_secondary_coverage(sessions, claim_pk, member_id="B-77", group_number="G-500", ends=ends)


def _balance(sessions: sessionmaker[Session], claim_pk: int) -> tuple[int, int]:
    with sessions() as s:
        b = billing.balance(s, f"id:{claims_service.get_claim(s, claim_pk).patient_id}")
        return b.insurance_pending_cents, b.patient_due_cents


def test_secondary_claim_from_primary_835_to_patient_balance(sessions: sessionmaker[Session]) -> None:
    claim_pk = submit(sessions, pr_flow_claim())
    _add_secondary(sessions, claim_pk)
    report = import_835_file(sessions, PR_FLOW_835)
    assert report.summary().posted == 1 and not report.ledger_errors
    # the primary paid 210.00 of 380.00, adjusted 85.00 off and left 85.00 (PR-1/2/3): held for Beta
    assert _balance(sessions, claim_pk) == (8500, 0)
    with sessions() as s:
        items = [w for w in work_queue(s, "open") if w.kind == "secondary-claim"]
    assert len(items) == 1 and "Beta Insurance" in items[0].reason and "$85.00" in items[0].reason

    with transaction(sessions) as s:
        out = create_secondary_claim(s, "CLM-2001", actor="biller")
    assert out.created and out.claim_id == "CLM-2001-S" and out.payer_id == "BETA77"
    assert (out.primary_paid_cents, out.balance_cents) == (21000, 8500)
    with transaction(sessions) as s:
        again = create_secondary_claim(s, "CLM-2001", actor="biller")
        assert not again.created and again.id == out.id  # idempotent
        assert not [w for w in work_queue(s, "open") if w.kind == "secondary-claim"]  # item resolved
        claim = claims_service.get_claim(s, "CLM-2001-S")
        doc = claims_service.to_document(claim)
        assert claim.coverage.order == 2 and doc.frequency_code == "1"
        assert doc.prior_payer is not None and doc.prior_payer.payer.payer_id == "87726"
        for step in ("scrubbed", "ready", "submitted"):
            claims_service.transition(s, claim, step, actor="biller")

    text = build_837p([doc], Envelope(interchange_control_number=7, group_control_number=7))
    assert validate_x12(text) == []
    back = parse_837p(text)[0]  # read back: the primary's adjudication survives the round trip
    assert back.prior_payer and back.prior_payer.claim_id is None  # our own claim ID is not sent
    assert back.prior_payer.model_dump(exclude={"claim_id"}) == doc.prior_payer.model_dump(
        exclude={"claim_id"}
    )
    assert (back.payer.payer_id, back.subscriber.member_id) == ("BETA77", "B-77")
    segs = text.split("~\n")
    assert "SBR*S*18*G-500******CI" in segs  # the secondary is the payer billed
    assert "NM1*PR*2*Beta Insurance*****PI*BETA77" in segs
    assert "SBR*P*18**" in "\n".join(segs) and "AMT*D*210" in segs and "AMT*EAF*85" in segs
    assert "OI***Y***Y" in segs and "NM1*PR*2*Acme Health Plan*****PI*87726" in segs
    assert "REF*F8*PCN2001" in segs  # the primary's claim number, in 2330B
    assert "SVD*87726*120*HC:99214**1" in segs and "CAS*PR*1*40" in segs and "CAS*CO*45*40" in segs
    assert segs.count("DTP*573*D8*20260410") == 3  # one per line (2430)
    assert any(s.startswith("CLM*CLM-2001-S*380*") and ":B:1*" in s for s in segs)

    # the secondary pays 60.00 and leaves a 25.00 copay: only now does the patient owe anything
    sec = import_835_file(sessions, X12 / "secondary_pays.835")
    assert sec.summary().posted == 1 and not sec.ledger_errors
    assert _balance(sessions, claim_pk) == (0, 2500)
    assert sec.ledger[0]["held_cents"] == 0  # OA-23 is the primary's share: settled, not held
    with sessions() as s:
        exps = explain_remit(s, sec.remit_ids[0], reference=None)
    assert [(e.group, e.carc) for e in exps] == [("PR", "3")]  # OA-23 is no denial to explain
    with sessions() as s:
        entries = billing.balance(s, f"id:{claims_service.get_claim(s, claim_pk).patient_id}").entries
    assert sum(e.amount_cents for e in entries if e.kind == "charge") == 38000  # charged once
    with transaction(sessions) as s:
        assert billing.post_sent_claim_charges(s, actor="biller") == 0  # the secondary adds no charge
    assert [e.amount_cents for e in entries if e.kind == "pr_transfer"] == [2500]


def test_no_secondary_claim_without_secondary_coverage_in_force(sessions: sessionmaker[Session]) -> None:
    claim_pk = submit(sessions, pr_flow_claim())
    _add_secondary(sessions, claim_pk, ends=date(2026, 3, 31))  # ended before the date of service
    import_835_file(sessions, PR_FLOW_835)
    assert _balance(sessions, claim_pk) == (0, 8500)  # PR goes to the patient as before
    with sessions() as s:
        assert not [w for w in work_queue(s, "open") if w.kind == "secondary-claim"]
    with transaction(sessions) as s, pytest.raises(Conflict) as err:
        create_secondary_claim(s, "CLM-2001", actor="biller")
    assert "no secondary coverage in force" in err.value.message


@pytest.fixture
def cli_container(tmp_settings, sessions, monkeypatch):  # type: ignore[no-untyped-def]
    import assistant.remit.cli as rcli
    from assistant.app.container import Container
    from tests.denials.fakes import DenialsFakeReference

    c = Container(tmp_settings)
    c.__dict__["reference"] = DenialsFakeReference()
    monkeypatch.setattr(rcli, "make_container", lambda: c)
    return c


def test_cli_claims_secondary(cli_container, sessions: sessionmaker[Session]) -> None:  # type: ignore[no-untyped-def]
    import json

    from typer.testing import CliRunner

    from assistant.cli.main import app as cli

    runner = CliRunner()
    claim_pk = submit(sessions, pr_flow_claim())
    _add_secondary(sessions, claim_pk)
    early = runner.invoke(cli, ["claims", "secondary", "CLM-2001"])
    assert early.exit_code != 0 and "import the primary payer's 835 first" in early.output
    res = runner.invoke(cli, ["remit", "import", str(PR_FLOW_835)])
    assert res.exit_code == 0 and "Imported: 1 claim(s) posted" in res.output, res.output
    made = runner.invoke(cli, ["claims", "secondary", "CLM-2001", "--json"])
    assert made.exit_code == 0, made.output
    out = json.loads(made.output)
    assert out["created"] is True and out["claim_id"] == "CLM-2001-S" and out["balance_cents"] == 8500
    again = runner.invoke(cli, ["claims", "secondary", "CLM-2001"])
    assert again.exit_code == 0 and "CLM-2001-S already exists for Beta Insurance" in again.output

"""The code sets in force on each date of service, end to end on the real reference data: the example
claim scrubs clean on 2026-03-02 (MCE validity dates) and 2026-11-20 (ICD-10-CM FY2027), is submitted and
its 835 posts to the ledger; after a code-set change, unsubmitted claims with invalid codes are flagged."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from assistant.claims import code_flags, service
from assistant.config import Settings
from assistant.core.db import transaction
from assistant.remit.service import import_835_file

SETTINGS = Settings()
TODAY = date(2026, 11, 30)


def _moved(
    data: dict[str, Any], dos: str, claim_id: str | None = None, diagnoses: list[str] | None = None
) -> dict[str, Any]:
    moved = copy.deepcopy(data)
    for line in moved["lines"]:
        line["date_of_service"] = dos
    if claim_id:
        moved["claim_id"] = claim_id
    if diagnoses:
        moved["diagnoses"] = diagnoses
    return moved


def _era(dos: str) -> str:
    d = dos.replace("-", "")
    body = [
        "ST*835*0001",
        "BPR*I*300.00*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20261125",
        "TRN*1*EFT0030001*1512345678",
        "DTM*405*20261125",
        "N1*PR*EXAMPLE HEALTH PLAN",
        "N3*PO BOX 1000",
        "N4*ATLANTA*GA*30301",
        "REF*2U*87726",
        "PER*BL*PROVIDER SERVICES*TE*8005551212",
        "N1*PE*MAIN STREET CLINIC*XX*1234567893",
        "N3*1 MAIN ST",
        "N4*SPRINGFIELD*IL*627011234",
        "REF*TJ*123456789",
        "LX*1",
        "CLP*C-1001*1*405.00*300.00*40.00*12*PCN1001*11*1",
        "NM1*QC*1*DOE*JOHN****MI*W123456789",
        f"DTM*232*{d}",
        "SVC*HC:99214:25*185.00*140.00**1",
        f"DTM*472*{d}",
        "CAS*CO*45*25.00",
        "CAS*PR*2*20.00",
        "SVC*HC:20610:RT*220.00*160.00**1",
        f"DTM*472*{d}",
        "CAS*CO*45*40.00",
        "CAS*PR*2*20.00",
    ]
    body.append(f"SE*{len(body) + 1}*0001")
    head = [
        "ISA*00*          *00*          *ZZ*87726          *ZZ*MAINSTREET     "
        "*261125*0930*^*00501*000000301*0*P*:",
        "GS*HP*87726*MAINSTREET*20261125*0930*301*X*005010X221A1",
    ]
    return "~\n".join([*head, *body, "GE*1*301", "IEA*1*000000301"]) + "~\n"


@pytest.mark.parametrize("dos", ["2026-03-02", "2026-11-20"])
def test_example_claim_scrubs_submits_and_its_835_posts(
    op_session_factory: sessionmaker[Session],
    example_data: dict[str, Any],
    reference: Any,
    tmp_path: Path,
    dos: str,
) -> None:
    with transaction(op_session_factory) as s:
        (result,) = service.import_json(s, json.dumps(_moved(example_data, dos)), actor="t")
        claim = service.get_claim(s, result.id)
        report = service.scrub_claim(s, claim, reference, SETTINGS, today=TODAY)
        assert report.clean, [f.message for f in report.errors]
        service.transition(s, claim, "ready", "t")
        service.batch(s, "87726", tmp_path, reference, SETTINGS, today=TODAY)
        assert claim.status == "submitted"
    era = tmp_path / "era.835"
    era.write_text(_era(dos))
    posted = import_835_file(op_session_factory, era, reference=reference)
    assert not posted.ledger_errors, posted.ledger_errors
    assert posted.ledger and posted.ledger[0]["entries_posted"] > 0
    with transaction(op_session_factory) as s:
        assert service.get_claim(s, result.id).status == "paid"


def test_unsubmitted_claims_with_invalid_codes_are_flagged(
    op_session_factory: sessionmaker[Session], example_data: dict[str, Any], reference: Any
) -> None:
    docs = [
        _moved(example_data, "2026-11-20", "C-HDR", ["D69.1", "I10"]),  # a header since 2026-10-01
        _moved(example_data, "2026-09-30", "C-NEW", ["D69.11", "I10"]),  # not valid before 2026-10-01
        _moved(example_data, "2026-11-20", "C-OK", ["D69.11", "I10"]),
    ]
    with transaction(op_session_factory) as s:
        for doc in docs:
            service.import_json(s, json.dumps(doc), actor="t")
        report = code_flags.flag_invalid_codes(s, reference)
    assert report.checked_claims == 3 and report.open_total == 2
    reasons = {f.claim_id: f.reason for f in report.opened}
    assert set(reasons) == {"C-HDR", "C-NEW"}
    assert "did you mean D69.11 / D69.19?" in reasons["C-HDR"]
    assert "D69.11 was not valid on 2026-09-30" in reasons["C-NEW"]
    with transaction(op_session_factory) as s:
        again = code_flags.flag_invalid_codes(s, reference)  # idempotent
        listed = {c.claim_id: c.code_flags for c in service.list_claims(s)}
    assert again.opened == [] and again.open_total == 2
    assert listed["C-OK"] == [] and listed["C-HDR"] and "D69.1" in listed["C-HDR"][0]
    fixed = _moved(example_data, "2026-11-20", "C-HDR", ["D69.19", "I10"])
    with transaction(op_session_factory) as s:
        service.import_json(s, json.dumps(fixed), actor="t")  # a draft is updated in place
        after = code_flags.flag_invalid_codes(s, reference)
        open_now = code_flags.open_flags(s)
    assert after.resolved == 1 and [f.claim_id for f in open_now] == ["C-NEW"]


def test_code_set_load_reports_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example_data: dict[str, Any]
) -> None:
    """`assistant claims flags --recheck` through the CLI on a real migrated database."""
    from assistant.app.container import Container
    from assistant.claims import cli as claims_cli
    from assistant.cli.main import app
    from tests.conftest import reference_db

    settings = Settings(
        data_dir=tmp_path / "data", reference_db_path=reference_db(), index_dir=tmp_path / "i"
    )
    monkeypatch.setattr(claims_cli, "make_container", lambda: Container(settings))
    (tmp_path / "c.json").write_text(
        json.dumps(_moved(example_data, "2026-11-20", diagnoses=["D69.1", "I10"]))
    )
    runner = CliRunner()
    assert runner.invoke(app, ["claims", "import", str(tmp_path / "c.json")]).exit_code == 0
    result = runner.invoke(app, ["claims", "flags", "--recheck"])
    assert result.exit_code == 0, result.output
    flags = json.loads(result.stdout)
    assert [(f["claim_id"], f["code"], f["status"]) for f in flags] == [("C-1001", "D69.1", "open")]
    report = code_flags.recheck_after_code_set_change(settings)
    assert report is not None and report.open_total == 1 and report.opened == []

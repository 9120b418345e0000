"""CLI (CliRunner on assistant.cli.main.app) and JSON API (TestClient on create_app): remits, denials."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.app.container import Container
from assistant.cli.main import app as cli
from tests.denials.fakes import DenialsFakeReference
from tests.remit.helpers import claim_doc, load_fixture_claims, submit


@pytest.fixture
def container(tmp_settings, sessions, monkeypatch):  # type: ignore[no-untyped-def]
    c = Container(tmp_settings)
    c.__dict__["reference"] = DenialsFakeReference()
    import assistant.denials.cli as dcli
    import assistant.remit.cli as rcli

    monkeypatch.setattr(rcli, "make_container", lambda: c)
    monkeypatch.setattr(dcli, "make_container", lambda: c)
    load_fixture_claims(sessions)
    return c


def test_cli_import_explain_and_work_queue(container, x12: Path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    res = runner.invoke(cli, ["remit", "import", str(x12 / "multi_claim.835"), "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert report["claims_posted"] == 5
    again = json.loads(runner.invoke(cli, ["remit", "import", str(x12 / "multi_claim.835"), "--json"]).output)
    assert (again["claims_posted"], again["claims_skipped"]) == (0, 5)
    rid = str(report["remit_ids"][0])
    exps = json.loads(runner.invoke(cli, ["remit", "explain", rid, "--json"]).output)
    assert {(e["claim_id"], e["carc"]) for e in exps} >= {("CLM-1001", "97"), ("CLM-1002", "4")}
    wq = json.loads(runner.invoke(cli, ["remit", "work-queue"]).output)
    assert {w["kind"] for w in wq} == {"fuzzy-match", "reversal", "unmatched-claim", "unmatched-line"}
    shown = json.loads(runner.invoke(cli, ["remit", "show", rid]).output)
    assert shown["payment_cents"] == 23250 and len(shown["provider_adjustments"]) == 3


def test_cli_refuses_bad_files_with_a_clear_error(container, x12: Path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    res = runner.invoke(cli, ["remit", "import", str(x12 / "unbalanced.835"), "--json"])
    assert res.exit_code == 2 and "does not balance" in res.output
    assert json.loads(res.output.split("\n}\n")[0] + "\n}")["imbalances"]
    res = runner.invoke(cli, ["remit", "import", str(x12 / "malformed.835")])
    assert res.exit_code == 2 and "malformed 835" in res.output


def test_cli_denials_explain_match_and_promote(container, sessions, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import assistant.denials.cli as dcli
    from tests.denials.test_actions import BagOfWords

    submit(
        sessions,
        claim_doc(
            "CLI-97",
            [
                {
                    "date_of_service": "2026-04-06",
                    "code": "20611",
                    "modifiers": ["RT"],
                    "charge_cents": 30000,
                },
                {"date_of_service": "2026-04-06", "code": "20610", "charge_cents": 10000},
            ],
        ),
    )
    runner = CliRunner()
    res = runner.invoke(
        cli,
        [
            "denials",
            "explain",
            "--group",
            "CO",
            "--carc",
            "97",
            "--rarc",
            "M15",
            "--claim",
            "CLI-97",
            "--line",
            "2",
            "--remit-date",
            "2026-04-20",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    exp = json.loads(res.output)
    assert exp["category"] == "bundling" and exp["deadline"] == "2026-07-19"
    assert exp["evidence"][0]["detail"].startswith("20610 is column 2 of 20611")
    monkeypatch.setattr(dcli, "make_embedder", lambda settings: BagOfWords())
    hits = json.loads(
        runner.invoke(cli, ["denials", "match", "procedure incidental to another", "--json"]).output
    )
    assert hits[0]["carc"] == "97"
    bad = runner.invoke(cli, ["denials", "explain", "--group", "XX", "--carc", "97"])
    assert bad.exit_code == 2 and "group" in bad.output


def test_api_remits_and_denials(container, x12: Path) -> None:  # type: ignore[no-untyped-def]
    from web.app import create_app

    with TestClient(create_app(container.settings, container=container, load_engine=False)) as client:
        from tests.web.auth import use_token

        use_token(client, "biller")
        r = client.post(
            "/api/remits",
            content=(x12 / "multi_claim.835").read_bytes(),
            headers={"Content-Type": "application/edi-x12", "X-Filename": "era.835"},
        )
        assert r.status_code == 201, r.text
        rid = r.json()["remit_ids"][0]
        assert (
            client.post(
                "/api/remits", files={"file": ("era.835", (x12 / "multi_claim.835").read_bytes())}
            ).json()["claims_skipped"]
            == 5
        )
        assert client.get("/api/remits").json()[0]["id"] == rid
        detail = client.get(f"/api/remits/{rid}").json()
        assert [c["outcome"] for c in detail["claims"]][:2] == ["partially_paid", "denied"]
        assert len(client.get("/api/remits/work-queue").json()) == 4
        exps = client.get(f"/api/remits/{rid}/explain").json()
        assert any(e["carc"] == "97" and e["category"] == "bundling" for e in exps)
        assert client.get("/api/remits/999").status_code == 404
        bad = client.post("/api/remits", content=(x12 / "unbalanced.835").read_bytes())
        assert bad.status_code == 422 and bad.json()["imbalances"]

        e = client.post(
            "/api/denials/explain", json={"group": "CO", "carc": "4", "claim_id": "CLM-1002", "line": 1}
        )
        assert e.status_code == 200 and e.json()["category"] == "modifier"
        line_id = next(
            ln["id"] for c in detail["claims"] for ln in c["lines"] if ln["procedure_code"] == "20610"
        )
        letter = client.post("/api/denials/appeal", json={"remit_line_id": line_id})
        assert letter.status_code == 200 and "[TO BE COMPLETED BY PRACTICE]" in letter.json()["text"]
        cc = client.post(
            "/api/denials/corrected-claim",
            json={"claim_id": "CLM-1001", "actions": [{"op": "add-modifier", "line": 2, "modifier": "XS"}]},
        )
        assert cc.status_code == 201, cc.text
        assert (cc.json()["frequency_code"], cc.json()["original_claim_number"]) == ("7", "PCN1001")
        pats = client.get("/api/denials/patterns").json()
        pid = next(p["id"] for p in pats if p["procedure_code"] == "97110")
        promoted = client.post(f"/api/denials/patterns/{pid}/promote", json={"modifiers": ["GP"]})
        assert promoted.status_code == 201 and promoted.json()["kind"] == "require-modifier"
        assert client.post("/api/denials/patterns/9999/promote", json={}).status_code == 404


def test_cli_and_api_resend_with_new_labels_is_a_possible_duplicate(container, x12: Path) -> None:  # type: ignore[no-untyped-def]
    """The same payments re-sent with other payer claim numbers (CLP07) and another trace (TRN02)."""
    from web.app import create_app

    original = (x12 / "multi_claim.835").read_bytes()
    resent = original.replace(b"*PCN100", b"*XPCN100").replace(b"EFT0012345", b"EFT0099999")
    assert resent != original
    runner = CliRunner()
    first = json.loads(runner.invoke(cli, ["remit", "import", str(x12 / "multi_claim.835"), "--json"]).output)
    assert first["claims_posted"] == 5
    with TestClient(create_app(container.settings, container=container, load_engine=False)) as client:
        from tests.web.auth import use_token

        use_token(client, "biller")
        r = client.post("/api/remits", content=resent, headers={"X-Filename": "resent.835"})
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["claims_posted"] == 0 and body["remit_ids"] == []
        assert body["claims_possible_duplicates"] == 5  # all of them: new trace, new CLP07s
        queue = client.get("/api/remits/work-queue").json()
        dupes = [w for w in queue if w["kind"] == "possible-duplicate"]
        assert len(dupes) == body["claims_possible_duplicates"]
        assert {w["remit_id"] for w in dupes} == set(first["remit_ids"])
        assert len(client.get("/api/remits").json()) == 1  # no second remittance

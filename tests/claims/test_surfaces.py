"""CLI (CliRunner on assistant.cli.main.app) and JSON API (TestClient on create_app) surfaces."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.claims.conftest import FIXTURES


def test_cli_import_scrub_status_x12(cli, tmp_path):
    clean = FIXTURES / "claim_clean.json"
    result = cli("import", str(clean), "--by", "alice")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["outcome"] == "created"
    assert json.loads(cli("import", str(clean)).output)[0]["outcome"] == "unchanged"

    result = cli("scrub", "C-2001", "--json")
    report = json.loads(result.output)
    assert result.exit_code == 0 and report["clean"] is True
    assert {"rule", "severity", "line", "field", "message", "fix"} <= set(report["findings"][0])

    assert cli("status", "C-2001", "paid", "--by", "bob").exit_code == 2
    assert json.loads(cli("status", "C-2001", "ready", "--by", "bob").output)["to"] == "ready"
    out = tmp_path / "c.x12"
    assert cli("x12", "C-2001", "-o", str(out)).exit_code == 0
    assert out.read_text().startswith("ISA*")
    listing = json.loads(cli("list", "--status", "ready").output)
    assert [c["claim_id"] for c in listing] == ["C-2001"]
    shown = json.loads(cli("show", "C-2001").output)
    assert [h["to_status"] for h in shown["history"]] == ["draft", "scrubbed", "ready"]
    pdf = tmp_path / "c.pdf"
    assert cli("cms1500", "C-2001", "-o", str(pdf)).exit_code == 0 and pdf.read_bytes()[:4] == b"%PDF"
    batch = cli("batch", "--payer", "87726", "--out-dir", str(tmp_path / "out"))
    assert batch.exit_code == 0, batch.output
    assert json.loads(batch.output)["claims"] == ["C-2001"]


def test_cli_errors_are_clean(cli, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"claim_id": ')
    result = cli("import", str(bad))
    assert result.exit_code == 2 and "not valid JSON" in result.output and "Traceback" not in result.output
    result = cli("scrub", str(FIXTURES / "claim_c1001.json"), "--json")
    assert result.exit_code == 1
    assert any(f["rule"] == "icd10cm-valid" for f in json.loads(result.output)["findings"])
    result = cli("x12", str(FIXTURES / "claim_c1001.json"))
    assert result.exit_code == 2 and "scrubber error" in result.output


def test_api(container):
    from web.app import create_app

    app = create_app(container=container, load_engine=False)
    doc = json.loads((FIXTURES / "claim_clean.json").read_text())
    with TestClient(app) as client:
        from tests.web.auth import use_token

        use_token(client, "biller")
        r = client.post("/api/claims", json=doc)
        assert r.status_code == 201 and r.json()["outcome"] == "created"
        r = client.post("/api/claims", content=b"{oops")
        assert r.status_code == 422 and "not valid JSON" in r.json()["message"]
        bad = dict(doc, lines=[dict(doc["lines"][0], charge_cents=0)])
        r = client.post("/api/claims", json=bad)
        assert r.status_code == 422
        assert "lines[0].charge_cents: must be a positive integer number of cents" in r.json()["message"]
        assert [c["claim_id"] for c in client.get("/api/claims").json()] == ["C-2001"]
        assert client.get("/api/claims/C-2001").json()["document"]["diagnoses"] == ["E11.65", "M17.11"]
        assert client.get("/api/claims/NOPE").status_code == 404
        r = client.post("/api/claims/scrub", json={"claim_id": "C-2001"})
        assert r.status_code == 200 and r.json()["clean"] is True
        example = json.loads((FIXTURES / "claim_c1001.json").read_text())
        r = client.post("/api/claims/scrub", json=example)
        assert r.json()["clean"] is False
        r = client.get("/api/claims/C-2001/x12")
        assert r.status_code == 200 and r.text.startswith("ISA*")
        assert client.get("/api/claims/C-2001/cms1500").json()["1a"] == "W123456789"
        assert client.get("/api/claims/C-2001/cms1500.pdf").content[:4] == b"%PDF"
        client.post("/api/claims", json=example)
        r = client.get("/api/claims/C-1001/x12")
        assert r.status_code == 409 and r.json()["findings"]

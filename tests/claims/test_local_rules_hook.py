"""The biller's local rules (promoted from denial patterns) run in every claims scrub by default:
CLI and API scrub, 837P export and batches."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from assistant.app.container import Container
from assistant.core.db import transaction
from assistant.denials.models import LocalRule
from tests.claims.conftest import FIXTURES

RULE_MESSAGE = "payer 87726 denies 20610 without XS (3 denial(s) CO-97 on file)"


def _add_rule(container: Container, active: bool = True) -> int:
    with transaction(container.sessions) as s:
        rule = LocalRule(
            payer_id="87726",
            procedure_code="20610",
            kind="require-modifier",
            modifiers=["XS"],
            severity="error",
            message=RULE_MESSAGE,
            active=active,
            created_by="test",
        )
        s.add(rule)
        s.flush()
        return rule.id


def _set_active(container: Container, rule_id: int, active: bool) -> None:
    with transaction(container.sessions) as s:
        rule = s.get(LocalRule, rule_id)
        assert rule is not None
        rule.active = active


def test_cli_scrub_x12_and_batch_apply_local_rules(cli: Any, container: Container, tmp_path: Any) -> None:
    clean = FIXTURES / "claim_clean.json"
    assert cli("import", str(clean)).exit_code == 0
    assert json.loads(cli("scrub", "C-2001", "--json").output)["clean"] is True
    assert cli("status", "C-2001", "ready").exit_code == 0

    rule_id = _add_rule(container)
    result = cli("scrub", str(clean), "--json")  # a file: scrubbed without storing, local rules still apply
    report = json.loads(result.output)
    assert result.exit_code == 1 and report["clean"] is False
    local = [f for f in report["findings"] if f["rule"] == f"local-{rule_id}"]
    assert len(local) == 1 and local[0]["line"] == 2 and RULE_MESSAGE in local[0]["message"]
    assert local[0]["fix"] == "add modifier XS to line 2 if it applies"

    result = cli("x12", "C-2001")
    assert result.exit_code == 2 and "scrubber error" in result.output
    result = cli("batch", "--payer", "87726", "--out-dir", str(tmp_path / "out"))
    assert result.exit_code == 1, result.output  # nothing could be sent: the claim is held back, with why
    held = json.loads(result.output)["held_back"]
    assert [h["claim_id"] for h in held] == ["C-2001"] and RULE_MESSAGE in held[0]["reasons"][0]
    assert json.loads(cli("show", "C-2001").output)["status"] == "draft"  # not submitted: back to draft
    assert cli("status", "C-2001", "ready").exit_code == 2  # ready needs a clean scrub

    _set_active(container, rule_id, False)  # a retired rule no longer fires
    assert cli("status", "C-2001", "scrubbed").exit_code == 0
    assert cli("status", "C-2001", "ready").exit_code == 0
    result = cli("batch", "--payer", "87726", "--out-dir", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert json.loads(cli("show", "C-2001").output)["status"] == "submitted"


def test_api_scrub_and_x12_apply_local_rules(container: Container) -> None:
    from web.app import create_app

    app = create_app(container=container, load_engine=False)
    doc = json.loads((FIXTURES / "claim_clean.json").read_text())
    with TestClient(app) as client:
        from tests.web.auth import use_token

        use_token(client, "biller")
        assert client.post("/api/claims", json=doc).status_code == 201
        assert client.post("/api/claims/scrub", json=doc).json()["clean"] is True
        rule_id = _add_rule(container)
        r = client.post("/api/claims/scrub", json=doc)
        assert r.status_code == 200 and r.json()["clean"] is False
        assert [f["rule"] for f in r.json()["findings"] if f["severity"] == "error"] == [f"local-{rule_id}"]
        r = client.post("/api/claims/scrub", json={"claim_id": "C-2001"})
        assert r.json()["clean"] is False
        assert client.get("/api/claims/C-2001").json()["status"] == "draft"
        r = client.get("/api/claims/C-2001/x12")
        assert r.status_code == 409 and any(f["rule"] == f"local-{rule_id}" for f in r.json()["findings"])
        fixed = dict(doc, lines=[doc["lines"][0], dict(doc["lines"][1], modifiers=["RT", "XS"])])
        assert client.post("/api/claims/scrub", json=fixed).json()["clean"] is True

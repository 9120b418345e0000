"""Issue 16: the chat's "Create draft claim" never overwrites a claim already on file."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOTE = "58 y/o with type 2 diabetes, A1c 9.2 and hyperglycemia on labs. Blood pressure high: hypertension."


def test_a_chat_draft_under_an_existing_claim_id_is_refused_and_the_claim_is_untouched(
    client: TestClient,
) -> None:
    clean = json.loads((FIXTURES / "claims" / "claim_clean.json").read_text())
    assert client.post("/api/claims", json=clean).status_code == 201
    other = {**clean, "claim_id": "C-3002"}
    other["subscriber"] = {**clean["subscriber"], "first_name": "Maria", "last_name": "Gonzalez"}
    other["subscriber"]["dob"] = "1975-09-30"
    assert client.post("/api/claims", json=other).status_code == 201
    before = client.get("/api/claims/C-3002").json()
    answer = client.post("/api/chat", json={"message": NOTE}).json()
    cid = answer["conversation_id"]
    for code in ("E11.65", "I10"):
        client.post(f"/api/chat/{cid}/decisions", json={"code": code, "decision": "accepted"})
    client.post(f"/api/chat/{cid}/decisions", json={"code": "99213", "system": "CPT", "decision": "accepted"})
    draft = {
        "template_claim_id": "C-2001",
        "new_claim_id": "C-3002",  # Maria Gonzalez's claim
        "date_of_service": "2026-05-04",
        "default_charge_cents": 12500,
    }
    refused = client.post(f"/api/chat/{cid}/draft-claim", json=draft)
    assert refused.status_code == 409 and refused.json()["field"] == "claim_id"
    page = client.post(
        f"/chat/{cid}/draft-claim",
        data={
            "template_claim_id": "C-2001",
            "new_claim_id": "C-3002",
            "date_of_service": "2026-05-04",
            "default_charge": "125.00",
        },
    )
    assert page.status_code == 409 and "never replaces another claim" in page.text
    after = client.get("/api/claims/C-3002").json()
    assert after["document"] == before["document"] and after["history"] == before["history"]
    assert after["document"]["subscriber"]["last_name"] == "Gonzalez"

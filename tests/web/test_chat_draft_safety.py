"""Issue 16: the chat's "Create draft claim" never overwrites a claim already on file."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOTE = "58 y/o with type 2 diabetes, A1c 9.2 and hyperglycemia on labs. Blood pressure high: hypertension."


def test_a_chat_draft_opens_the_form_and_never_touches_a_claim_on_file(
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
    # Whatever the request names, the chat only opens the claim form: it creates and replaces nothing.
    draft = {"template_claim_id": "C-2001", "new_claim_id": "C-3002", "date_of_service": "2026-05-04"}
    opened = client.post(f"/api/chat/{cid}/draft-claim", json=draft)
    assert opened.status_code == 200 and opened.json()["form_url"].startswith("/claims/new?")
    form = opened.json()["form"]
    assert [d["code"] if isinstance(d, dict) else d for d in form["diagnoses"]][:2] == ["E11.65", "I10"]
    assert "C-3002" not in json.dumps(form)  # the form's claim ID is generated on save, never typed
    after = client.get("/api/claims/C-3002").json()
    assert after["document"] == before["document"] and after["history"] == before["history"]
    assert after["document"]["subscriber"]["last_name"] == "Gonzalez"

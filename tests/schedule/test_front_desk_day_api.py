"""A day at the front desk through the JSON API (httpx on the app), step for step as the README's table
names the calls: patient and two coverages, book and check in, note and codes, the claim form filled
from the encounter with the fee and the E/M level, scrub, ready, the payer's batch (pyx12 accepts it),
the primary's 835 and the balance."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from assistant.claims.x12_validate import validate_x12
from tests.remit.era import primary_835
from tests.schedule.conftest import NOTE, bearer

FEES = b"code,modifier,charge_cents,effective_from,effective_to\n99214,,18500,2026-01-01,\n"
NORA = {
    "first_name": "Nora",
    "last_name": "Fields",
    "dob": "1958-06-20",
    "sex": "F",
    "address": {"line1": "40 Elm St", "city": "Springfield", "state": "IL", "zip": "62704"},
}


def _providers(client: TestClient, headers: dict[str, str]) -> int:
    """The practice's setup: the billing organisation and the rendering doctor (POST /api/providers)."""
    clinic = {
        "npi": "1234567893",
        "entity_type": "2",
        "name": "Main Street Clinic",
        "tax_id": "123456789",
        "address": {"line1": "1 Main St", "city": "Springfield", "state": "IL", "zip": "627011234"},
    }
    assert client.post("/api/providers", json=clinic, headers=headers).status_code == 201
    doctor = {"npi": "1245319599", "entity_type": "1", "first_name": "Ana", "last_name": "Lopez"}
    r = client.post("/api/providers", json=doctor, headers=headers)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_a_day_at_the_front_desk_through_the_api(app_client: TestClient) -> None:
    c, h = app_client, bearer(app_client, "admin")
    doctor = _providers(c, h)
    today = date.today().isoformat()

    def ok(method: str, url: str, **kw: Any) -> Any:
        r = c.request(method, url, headers=h, **kw)
        assert r.status_code in (200, 201), (url, r.text)
        return r.json()

    assert ok("POST", "/api/fees/import", content=FEES)
    for payer_id, name in (("87726", "Example Health Plan"), ("60054", "Aetna Commercial")):
        ok("POST", "/api/payers", json={"payer_id": payer_id, "name": name, "filing_indicator": "CI"})
    pid = ok("POST", "/api/patients", json=NORA)["patient"]["id"]
    for payer_id, member in (("87726", "NF100200300"), ("60054", "W900800700")):
        cov = {"payer_id": payer_id, "member_id": member, "effective_from": "2026-01-01", "copay_cents": 2500}
        ok("POST", f"/api/patients/{pid}/coverages", json=cov)

    appt = ok(
        "POST",
        "/api/schedule/appointments",
        json={"patient_id": pid, "provider_id": doctor, "starts_at": f"{today}T09:15"},
    )
    enc = ok("POST", f"/api/schedule/appointments/{appt['id']}/checkin")["encounter_id"]
    ok("POST", f"/api/encounters/{enc}/note", json={"note": NOTE + " Total time 35 minutes."})
    ok("POST", f"/api/encounters/{enc}/suggest")
    for code in ("E11.65", "I10"):
        ok("POST", f"/api/encounters/{enc}/decisions", json={"code": code, "decision": "accepted"})
    ok("POST", f"/api/encounters/{enc}/ready")

    form = ok("GET", f"/api/claims/new?encounter={enc}")
    assert form["diagnoses"] == ["E11.65", "I10"] and form["date_of_service"] == today
    level = ok("POST", "/api/em-level", json={"patient": "established", "total_minutes": 35})
    form["lines"] = [{"code": level["code"], "pointers": "AB"}]
    check = ok("POST", "/api/claims/new/check", json=form)
    assert check["fees"] == {"0": 18500} and not check["problems"]  # the fee schedule fills the charge
    claim_id = ok("POST", "/api/claims/new", json=form)["claim_id"]
    assert ok("GET", f"/api/encounters/{enc}")["claims"] == [{"claim_id": claim_id, "status": "draft"}]

    assert ok("POST", "/api/claims/scrub", json={"claim_id": claim_id})["clean"]
    ok("POST", f"/api/claims/{claim_id}/status", json={"to": "ready"})
    run = ok("POST", "/api/claims/batches", json={"payer_id": "87726"})
    assert run["claim_ids"] == [claim_id]
    x12 = c.get(f"/claims/exports/{run['file_name']}", headers=h).text
    assert validate_x12(x12) == []

    era = primary_835(x12, claim_id, paid=12000, contractual=4000, patient=2500)
    ok("POST", "/api/remits", content=era.encode())
    balance = ok("GET", "/api/billing/balance/NF100200300")
    # Nora has a secondary coverage: the copay waits on the secondary until its 835 (README step 10)
    assert (balance["patient_due_cents"], balance["insurance_pending_cents"]) == (0, 2500)
    secondary = ok("POST", f"/api/claims/{claim_id}/secondary")  # step 9
    assert secondary["claim_id"] == f"{claim_id}-S" and secondary["balance_cents"] == 2500
    assert validate_x12(c.get(f"/api/claims/{claim_id}-S/x12", headers=h).text) == []

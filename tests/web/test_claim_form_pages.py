"""The claim form, fee schedule and E/M helper pages and their JSON twins, through httpx on the app."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from assistant.claims import repository
from assistant.parties import service as parties

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FEES_CSV = (
    "code,modifier,charge_cents,effective_from,effective_to\n"
    "99214,,18500,2026-01-01,\n"
    "20610,RT,22000,2026-01-01,\n"
)


def _seed(client: TestClient) -> dict[str, Any]:
    doc = json.loads((FIXTURES / "claims" / "claim_clean.json").read_text())
    assert client.post("/api/claims", json=doc).status_code == 201
    r = client.post("/fees/import", files={"file": ("fees.csv", FEES_CSV.encode())})
    assert r.status_code == 200 and "Imported: 2 new" in r.text
    choices = client.get("/api/claims/new/choices").json()
    patient = choices["patients"][0]["id"]
    coverage = client.get(f"/api/claims/new/choices?patient_id={patient}").json()["coverages"][0]["id"]
    return {
        "patient_id": patient,
        "coverage_id": coverage,
        "billing_provider_id": choices["billing_providers"][0]["id"],
        "rendering_provider_id": choices["rendering_providers"][0]["id"],
    }


def _page_form(ids: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The fields the page posts (``dx`` repeated, ``line-N-...`` per row)."""
    data: dict[str, Any] = {
        "date_of_service": "2026-05-04",
        "place_of_service": "11",
        "dx": ["E11.65", "M17.11"] + [""] * 10,
        "line-0-code": "99214",
        "line-0-mod": ["25", "", "", ""],
        "line-0-units": "1",
        "line-0-charge": "",
        "line-0-pointers": "AB",
        "line-1-code": "20610",
        "line-1-mod": ["RT", "", "", ""],
        "line-1-units": "1",
        "line-1-charge": "220.00",
        "line-1-pointers": "B",
        "line-2-code": "",
        "line-2-charge": "",
        **{k: str(v) for k, v in ids.items()},
    }
    data.update(changes)
    return data


def test_claim_form_to_draft_and_keyed_equals_imported(client: TestClient) -> None:
    ids = _seed(client)
    page = client.get("/claims/new")
    assert page.status_code == 200 and "Save draft" in page.text and "Doe, John (1961-04-12)" in page.text
    check = client.post("/claims/new/check", data=_page_form(ids), headers={"HX-Request": "true"})
    assert check.status_code == 200
    fee = re.search(r'<input id="line-0-charge"[^>]*hx-swap-oob="true"[^>]*value="([^"]+)"', check.text, re.S)
    assert fee and fee.group(1) == "185.00"  # the fee schedule fills the blank charge
    r = client.post("/claims/new", data=_page_form(ids), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/claims/C-000001")
    keyed = client.get("/api/claims/C-000001").json()
    imported = client.get("/api/claims/C-2001").json()
    for doc in (keyed["document"], imported["document"]):
        doc.pop("claim_id")
        for line in doc["lines"]:
            line.pop("line_control_number")
    assert keyed["document"] == imported["document"]
    assert keyed["status"] == "draft" and keyed["history"][0]["note"] == "keyed on the claim form"
    # edit the draft on the same form
    edit = client.get("/claims/C-000001/edit")
    assert edit.status_code == 200 and 'value="185.00"' in edit.text
    assert '<option value="other" selected>' in edit.text  # a commercial payer (CI): prolonged time is 99417
    with client.app.state.container.sessions() as s:
        repository.payer_by_payer_id(s, "87726").filing_indicator = "MB"
        s.commit()
    assert '<option value="medicare" selected>' in client.get("/claims/C-000001/edit").text
    r = client.post(
        "/claims/C-000001/edit", data=_page_form(ids, **{"line-1-charge": "230.00"}), follow_redirects=False
    )
    assert r.status_code == 303
    assert client.get("/api/claims/C-000001").json()["total_charge_cents"] == 18500 + 23000


def test_bad_input_gets_a_message_on_its_field_and_nothing_is_saved(client: TestClient) -> None:
    ids = _seed(client)
    bad = _page_form(
        ids,
        dx=[
            "E11.65",
            "M17.11",
            "I10",
            "E11.9",
            "J45.909",
            "E10.9",
            "N39.0",
            "R51.9",
            "K21.9",
            "E78.5",
            "F41.1",
            "G47.00",
            "M54.50",
        ],
        **{"line-0-charge": "-185.00", "line-1-pointers": "D"},
    )
    r = client.post("/claims/new", data=bad, follow_redirects=False)
    assert r.status_code == 422
    assert re.search(r'class="field-error" id="err-diagnoses">13 diagnoses', r.text)
    assert 'id="err-lines-0-charge">a charge cannot be negative' in r.text
    assert 'value="M54.50"' in r.text  # what was typed stays on the form
    r = client.post("/claims/new", data=_page_form(ids, **{"line-1-pointers": "D"}), follow_redirects=False)
    assert r.status_code == 422
    assert 'id="err-lines-1-pointers">pointer D points at a diagnosis the claim does not have' in r.text
    with client.app.state.container.sessions() as s:  # a coverage that ended before the date of service
        parties.coverage_record(s, ids["coverage_id"]).effective_to = date(2026, 5, 1)
        s.commit()
    r = client.post("/claims/new", data=_page_form(ids), follow_redirects=False)
    assert (
        r.status_code == 422
        and 'id="err-coverage_id">the Example Health Plan coverage ended on 2026-05-01' in r.text
    )
    with client.app.state.container.sessions() as s:
        parties.coverage_record(s, ids["coverage_id"]).effective_to = None
        s.commit()
    api = client.post(
        "/api/claims/new",
        json={
            **ids,
            "date_of_service": "2026-05-04",
            "diagnoses": ["E11.65"],
            "lines": [{"code": "99214", "pointers": "B"}],
        },
    )
    assert api.status_code == 422
    assert {p["field"] for p in api.json()["problems"]} == {"lines[0].pointers"}
    assert [c["claim_id"] for c in client.get("/api/claims").json()] == ["C-2001"]
    good = client.post(
        "/api/claims/new",
        json={
            **ids,
            "date_of_service": "2026-05-04",
            "diagnoses": ["E11.65"],
            "lines": [{"code": "99214", "pointers": "A"}],
        },
    )
    assert good.status_code == 201 and good.json()["claim_id"] == "C-000001"
    assert client.get("/api/claims/C-000001/form").json()["lines"][0]["charge_cents"] == 18500


def test_dx_search_and_em_helper(client: TestClient) -> None:
    r = client.get(
        "/claims/new/dx-search", params={"dx": "E11.65", "target": "dx-0", "date_of_service": "2026-05-04"}
    )
    assert r.status_code == 200 and 'data-fill="dx-0"' in r.text and ">E11.65</button>" in r.text
    r = client.get(
        "/claims/em-helper",
        params={"patient": "established", "total_minutes": "35"},
        headers={"HX-Request": "true"},
    )
    assert '<strong class="em-code">99214</strong>' in r.text and "<html" not in r.text
    assert "meets the 30 min minimum of 99214" in r.text
    page = client.get("/claims/em-helper")
    assert page.status_code == 200 and "Propose level" in page.text
    api = client.post(
        "/api/em-level", json={"patient": "new", "total_minutes": 95, "payer": "medicare"}
    ).json()
    assert api["code"] == "99205" and api["prolonged"] == {
        "code": "G2212",
        "units": 1,
        "from_minutes": 89,
        "reason": api["prolonged"]["reason"],
    }
    assert client.post("/api/em-level", json={"patient": "old"}).status_code == 422


def test_fees_page_and_api(client: TestClient) -> None:
    assert client.post("/api/fees/import", content=FEES_CSV.encode()).json()["created"] == 2
    r = client.post(
        "/api/fees/import",
        content=b"code,modifier,charge_cents,effective_from,effective_to\n99214,,19000,2026-03-01,\n",
    )
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "effective_from"
    fees = client.get("/api/fees").json()
    assert [(f["code"], f["modifier"], f["charge_cents"]) for f in fees] == [
        ("20610", "RT", 22000),
        ("99214", "", 18500),
    ]
    assert (
        client.get("/api/fees/charge", params={"code": "99214", "on": "2026-05-04"}).json()["charge_cents"]
        == 18500
    )
    assert client.get("/api/fees/charge", params={"code": "99214", "on": "2025-05-04"}).status_code == 404
    page = client.get("/fees")
    assert page.status_code == 200 and "$185.00" in page.text
    r = client.post("/fees", data={"code": "99213", "charge": "-12.00", "effective_from": "2026-01-01"})
    assert r.status_code == 422 and "charge" in r.text
    r = client.post(
        "/fees",
        data={"code": "99213", "charge": "$125.50", "effective_from": "2026-01-01"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    added = [f for f in client.get("/api/fees?code=99213").json()]
    assert added[0]["charge_cents"] == 12550
    edited = client.put(f"/api/fees/{added[0]['id']}", json={**added[0], "charge_cents": 13000})
    assert edited.json()["charge_cents"] == 13000
    assert client.delete(f"/api/fees/{added[0]['id']}").status_code == 204

"""Patients, coverage and payers through the app: JSON API, pages and their forms, roles and audit."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.core.db import transaction
from assistant.security.models import AuditEntry
from tests.web.auth import token_for

JOHN = {
    "first_name": "John",
    "last_name": "Doe",
    "dob": "1961-04-12",
    "sex": "M",
    "address": {"line1": "5 Oak Ave", "city": "Springfield", "state": "IL", "zip": "62704"},
    "phone": "217-555-0134",
}


def _payers(client: TestClient) -> None:
    for pid, name in (("87726", "Example Health Plan"), ("00431", "Medicare Part B")):
        r = client.post("/api/payers", json={"payer_id": pid, "name": name, "filing_indicator": "CI"})
        assert r.status_code == 201, r.text


def _audit(client: TestClient) -> list[AuditEntry]:
    with transaction(client.app.state.container.sessions) as s:  # type: ignore[attr-defined]
        rows = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all())
        s.expunge_all()
    return rows


def test_api_register_duplicate_coverages_reorder_merge(client: TestClient) -> None:
    _payers(client)
    r = client.post("/api/patients", json=JOHN)
    assert r.status_code == 201, r.text
    john = r.json()["patient"]["id"]
    r = client.post("/api/patients", json=JOHN)
    assert r.status_code == 409
    body = r.json()
    assert body["field"] == "confirm_duplicate" and [d["id"] for d in body["duplicates"]] == [john]
    dup = client.post("/api/patients", json={**JOHN, "confirm_duplicate": True}).json()["patient"]["id"]
    r = client.post(
        f"/api/patients/{john}/coverages", json={"payer_id": "87726", "member_id": "W1", "copay_cents": 2500}
    )
    assert r.status_code == 201 and r.json()["order_name"] == "primary"
    sub = {"first_name": "Mary", "last_name": "Doe", "dob": "1963-02-02", "sex": "F"}
    r = client.post(
        f"/api/patients/{john}/coverages",
        json={"payer_id": "00431", "member_id": "MB1", "relationship": "01", "subscriber": sub},
    )
    assert r.status_code == 201 and r.json()["relationship_code"] == "01"
    second = r.json()["id"]
    r = client.get(f"/api/patients/{john}")
    first = r.json()["patient"]["coverages"][0]["id"]
    r = client.put(f"/api/patients/{john}/coverages/order", json={"coverage_ids": [second, first]})
    assert [c["payer"]["payer_id"] for c in r.json()["coverages"]] == ["00431", "87726"]
    r = client.get("/api/patients", params={"q": "W1"})
    assert [p["id"] for p in r.json()["patients"]] == [john]
    r = client.post(f"/api/patients/{john}/merge", json={"merge_id": dup})
    assert r.status_code == 200 and r.json()["merged_id"] == dup
    assert client.get(f"/api/patients/{dup}").json()["patient"]["merged_into_id"] == john
    entries = _audit(client)
    merge = [e for e in entries if e.action == "patient.merge"]
    assert len(merge) == 1 and json.loads(merge[0].detail)["merged_id"] == dup
    assert any(e.action == "phi.write" and e.target_id == str(john) for e in entries)  # registration named
    assert any(e.action == "phi.read" and e.target_id == str(john) for e in entries)


def test_api_refusals_name_the_field(client: TestClient) -> None:
    _payers(client)
    future = (date.today() + timedelta(days=2)).isoformat()
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("/api/patients", {**JOHN, "dob": future}, "dob"),
        ("/api/patients", {**JOHN, "sex": "Q"}, "sex"),
        ("/api/patients", {**JOHN, "email": "nope"}, "email"),
        ("/api/patients", {**JOHN, "address": {"state": "QQ"}}, "address.state"),
        ("/api/patients", {**JOHN, "address": {"zip": "12"}}, "address.zip"),
    ]
    for url, body, field in cases:
        r = client.post(url, json=body)
        assert r.status_code == 422 and r.json()["field"] == field, (field, r.text)
    pid = client.post("/api/patients", json=JOHN).json()["patient"]["id"]
    coverage_cases: list[tuple[dict[str, Any], str]] = [
        ({"payer_id": "NOPE", "member_id": "A"}, "payer_id"),
        (
            {
                "payer_id": "87726",
                "member_id": "A",
                "effective_from": "2026-02-01",
                "effective_to": "2026-01-01",
            },
            "effective_to",
        ),
        ({"payer_id": "87726", "member_id": "A", "copay_cents": -5}, "copay_cents"),
    ]
    for body, field in coverage_cases:
        r = client.post(f"/api/patients/{pid}/coverages", json=body)
        assert r.status_code in (400, 422) and r.json()["field"] == field, (field, r.text)
    assert client.get(f"/api/patients/{pid}").json()["patient"]["coverages"] == []
    assert client.get("/api/patients").json()["patients"][0]["id"] == pid  # only one John: nothing half-saved


def test_pages_register_warn_search_coverage_and_merge(client: TestClient) -> None:
    _payers(client)
    assert 'name="address.zip"' in client.get("/patients/new").text
    form = {"first_name": "Ann", "last_name": "Lee", "dob": "1980-01-31", "sex": "F", "address.zip": "123"}
    r = client.post("/patients", data=form)
    assert r.status_code == 422
    assert re.search(r'name="address.zip"[^>]*aria-invalid="true"', r.text) and 'value="Ann"' in r.text
    form["address.zip"] = "62701"
    r = client.post("/patients", data=form, follow_redirects=False)
    assert r.status_code == 303
    ann = int(r.headers["location"].split("/")[2].split("?")[0])
    r = client.post("/patients", data=form)
    assert r.status_code == 409 and "Possible duplicate" in r.text and f"/patients/{ann}" in r.text
    assert 'name="confirm_duplicate"' in r.text
    r = client.post("/patients", data={**form, "confirm_duplicate": "1"}, follow_redirects=False)
    dup = int(r.headers["location"].split("/")[2].split("?")[0])
    assert [d["id"] for d in client.get(f"/api/patients/{ann}").json()["possible_duplicates"]] == [dup]
    assert 'id="possible-duplicates"' in client.get(f"/patients/{ann}").text
    r = client.get("/patients", params={"q": "lee"}, headers={"HX-Request": "true"})
    assert "<html" not in r.text and f"/patients/{ann}" in r.text and f"/patients/{dup}" in r.text
    for payer, member in (("87726", "W1"), ("00431", "MB1")):
        r = client.post(
            f"/patients/{ann}/coverages",
            data={"payer_id": payer, "member_id": member, "copay": "20"},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
    r = client.post(f"/patients/{ann}/coverages", data={"payer_id": "87726", "member_id": "X", "order": "1"})
    assert r.status_code == 422 and re.search(r'name="order"[^>]*aria-invalid="true"', r.text)
    page = client.get(f"/patients/{ann}").text
    assert page.index("Example Health Plan") < page.index("Medicare Part B") and "$20.00" in page
    second = client.get(f"/api/patients/{ann}").json()["patient"]["coverages"][1]["id"]
    client.post(f"/patients/{ann}/coverages/{second}/up")
    page = client.get(f"/patients/{ann}").text
    assert page.index("Medicare Part B") < page.index("Example Health Plan")
    r = client.post(f"/patients/{ann}/merge", data={"merge_id": str(dup)})
    assert r.status_code == 422 and 'aria-invalid="true"' in r.text  # not confirmed
    r = client.post(
        f"/patients/{ann}/merge", data={"merge_id": str(dup), "confirm": "1"}, follow_redirects=False
    )
    assert r.status_code == 303
    assert "was merged into" in client.get(f"/patients/{dup}").text
    assert client.get(f"/api/patients/{ann}").json()["possible_duplicates"] == []


def test_payers_page_add_and_edit(client: TestClient) -> None:
    r = client.post(
        "/payers",
        data={"payer_id": "87726", "name": "Example", "address.state": "UT"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = client.post("/payers", data={"payer_id": "X1", "name": "Bad", "address.zip": "1"})
    assert r.status_code == 422 and "ZIP" in r.text
    r = client.post(
        "/payers/87726", data={"name": "Example Health", "filing_indicator": "BL"}, follow_redirects=False
    )
    assert r.status_code == 303
    payer = client.get("/api/payers").json()["payers"][0]
    assert (payer["name"], payer["filing_indicator"]) == ("Example Health", "BL")
    assert "Example Health" in client.get("/payers").text


def test_roles(anon: TestClient) -> None:
    headers = {
        role: {"Authorization": f"Bearer {token_for(anon, f'{role}-p', role)}"}
        for role in ("frontdesk", "coder", "biller", "trainee")
    }
    anon.post("/api/payers", json={"payer_id": "87726", "name": "Example"}, headers=headers["frontdesk"])
    r = anon.post("/api/patients", json=JOHN, headers=headers["frontdesk"])
    assert r.status_code == 201
    pid = r.json()["patient"]["id"]
    assert anon.get(f"/api/patients/{pid}", headers=headers["coder"]).status_code == 200
    assert anon.put(f"/api/patients/{pid}", json=JOHN, headers=headers["coder"]).status_code == 403
    assert (
        anon.put(f"/api/patients/{pid}", json={**JOHN, "phone": None}, headers=headers["biller"]).status_code
        == 200
    )
    assert anon.get(f"/api/patients/{pid}", headers=headers["trainee"]).status_code == 403
    assert anon.get("/api/payers", headers=headers["trainee"]).status_code == 403


def test_edit_patient_and_coverage_pages(client: TestClient) -> None:
    _payers(client)
    pid = client.post("/api/patients", json=JOHN).json()["patient"]["id"]
    cov = client.post(f"/api/patients/{pid}/coverages", json={"payer_id": "87726", "member_id": "W1"}).json()
    form = client.get(f"/patients/{pid}/edit").text
    assert 'value="Springfield"' in form and 'value="1961-04-12"' in form
    r = client.post(
        f"/patients/{pid}",
        data={
            **{k: v for k, v in JOHN.items() if isinstance(v, str)},
            "address.city": "Chatham",
            "guarantor.relationship": "parent",
            "guarantor.first_name": "Ed",
            "guarantor.last_name": "Doe",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    p = client.get(f"/api/patients/{pid}").json()["patient"]
    assert p["address"]["city"] == "Chatham" and p["address"]["line1"] is None  # the form is the whole record
    assert (p["guarantor"]["relationship"], p["guarantor"]["first_name"]) == ("parent", "Ed")
    page = client.get(f"/patients/{pid}/coverages/{cov['id']}/edit").text
    assert 'value="W1"' in page and '<option value="87726" selected>' in page
    r = client.post(
        f"/patients/{pid}/coverages/{cov['id']}",
        data={"payer_id": "00431", "member_id": "MB9", "effective_from": "2026-01-01", "copay": "0"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    r = client.put(
        f"/api/patients/{pid}/coverages/{cov['id']}",
        json={
            "payer_id": "00431",
            "member_id": "MB9",
            "effective_from": "2026-01-01",
            "effective_to": "2025-01-01",
        },
    )
    assert r.status_code == 422 and r.json()["field"] == "effective_to"
    c = client.get(f"/api/patients/{pid}").json()["patient"]["coverages"][0]
    assert (c["payer"]["payer_id"], c["member_id"], c["copay_cents"], c["effective_to"]) == (
        "00431",
        "MB9",
        0,
        None,
    )


def test_page_forms_refuse_a_future_birth_date_and_a_coverage_ending_before_it_starts(
    client: TestClient,
) -> None:
    _payers(client)
    future = (date.today() + timedelta(days=2)).isoformat()
    form = {"first_name": "Eve", "last_name": "Early", "dob": future, "sex": "F"}
    r = client.post("/patients", data=form)
    assert r.status_code == 422 and re.search(r'name="dob"[^>]*aria-invalid="true"', r.text)
    assert "future" in r.text and f'value="{future}"' in r.text  # the message and what was typed
    assert client.get("/api/patients", params={"q": "Early"}).json()["patients"] == []  # nothing saved
    r = client.post("/patients", data={**form, "dob": "1990-02-03"}, follow_redirects=False)
    pid = int(r.headers["location"].split("/")[2].split("?")[0])
    coverage = {
        "payer_id": "87726",
        "member_id": "E1",
        "effective_from": "2026-03-01",
        "effective_to": "2026-02-01",
    }
    r = client.post(f"/patients/{pid}/coverages", data=coverage)
    assert r.status_code == 422 and re.search(r'name="effective_to"[^>]*aria-invalid="true"', r.text)
    assert "before it starts" in r.text
    assert client.get(f"/api/patients/{pid}").json()["patient"]["coverages"] == []

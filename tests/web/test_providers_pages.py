"""The providers page and its JSON twin (issue 16): list, add and edit through the API and the form,
NPI and name errors on their field, and the roles (front desk and billers write, coders read)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.auth import token_for

CLINIC = {"npi": "1234567893", "entity_type": "2", "name": "Main Street Clinic", "tax_id": "123456789"}
DOCTOR = {"npi": "1245319599", "entity_type": "1", "first_name": "Ana", "last_name": "Lopez"}


def test_api_add_list_edit_and_refusals(client: TestClient) -> None:
    r = client.post("/api/providers", json=CLINIC)
    assert r.status_code == 201, r.text
    r = client.post("/api/providers", json=DOCTOR)
    assert r.status_code == 201, r.text
    doctor = r.json()["id"]
    r = client.post("/api/providers", json={**DOCTOR, "npi": "1245319598"})
    assert r.status_code == 422 and "check digit" in r.text
    r = client.post("/api/providers", json={**DOCTOR, "first_name": "Other"})
    assert r.status_code == 409 and r.json()["field"] == "npi" and r.json()["fix"]
    r = client.post("/api/providers", json={"npi": "1003000126", "entity_type": "1", "last_name": "Solo"})
    assert r.status_code == 422 and r.json()["field"] == "first_name"
    r = client.put(f"/api/providers/{doctor}", json={**DOCTOR, "taxonomy": "207Q00000X"})
    assert r.status_code == 200 and r.json()["taxonomy"] == "207Q00000X"
    r = client.put(f"/api/providers/{doctor}", json={**DOCTOR, "npi": "1003000126"})
    assert r.status_code == 422 and r.json()["field"] == "npi"
    listed = client.get("/api/providers").json()["providers"]
    assert [(p["npi"], p["display_name"], p["taxonomy"]) for p in listed] == [
        ("1234567893", "Main Street Clinic", None),
        ("1245319599", "Ana Lopez", "207Q00000X"),
    ]


def test_page_add_edit_and_errors_on_the_field(client: TestClient) -> None:
    page = client.get("/providers")
    assert page.status_code == 200 and "No providers yet" in page.text and 'href="/providers"' in page.text
    r = client.post("/providers", data={**DOCTOR, "address.state": "IL"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/providers"
    r = client.post("/providers", data={**DOCTOR, "npi": "1234567890", "first_name": "Bo"})
    assert r.status_code == 422 and "check digit" in r.text and 'aria-invalid="true"' in r.text
    assert 'value="Bo"' in r.text  # what was typed comes back
    r = client.post("/providers", data={"npi": "1234567893", "entity_type": "2"})
    assert r.status_code == 422 and "needs its name" in r.text
    pid = client.get("/api/providers").json()["providers"][0]["id"]
    assert client.get("/providers?edit=x").status_code == 200  # no such provider: the add form
    form = client.get(f"/providers?edit={pid}").text
    assert 'value="Lopez"' in form and f'action="/providers/{pid}"' in form and "cannot change" in form
    r = client.post(
        f"/providers/{pid}",
        data={"entity_type": "1", "first_name": "Ana", "last_name": "Lopez-Ruiz", "taxonomy": "207q00000x"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = client.post(f"/providers/{pid}", data={"entity_type": "1", "first_name": "Ana", "taxonomy": "12"})
    assert r.status_code == 422 and "NUCC" in r.text
    listing = client.get("/providers").text
    assert "Ana Lopez-Ruiz" in listing and "207Q00000X" in listing


def test_roles(anon: TestClient) -> None:
    headers = {
        role: {"Authorization": f"Bearer {token_for(anon, f'{role}-prov', role)}"}
        for role in ("frontdesk", "coder", "biller", "trainee")
    }
    assert anon.post("/api/providers", json=DOCTOR, headers=headers["frontdesk"]).status_code == 201
    assert anon.post("/api/providers", json=CLINIC, headers=headers["coder"]).status_code == 403
    assert anon.post("/api/providers", json=CLINIC, headers=headers["biller"]).status_code == 201
    assert anon.get("/api/providers", headers=headers["coder"]).status_code == 200
    assert anon.get("/api/providers", headers=headers["trainee"]).status_code == 403
    assert anon.get("/providers", follow_redirects=False).status_code == 303  # anonymous: to the sign-in


def test_booking_with_no_provider_on_file_points_to_the_providers_page(client: TestClient) -> None:
    patient = {"first_name": "Nora", "last_name": "Fields", "dob": "1958-06-20", "sex": "F"}
    pid = client.post("/api/patients", json=patient).json()["patient"]["id"]
    booking = {"patient_id": pid, "provider_id": 1, "starts_at": "2026-12-01T09:15"}
    r = client.post("/api/schedule/appointments", json=booking)
    assert r.status_code == 404 and r.json()["field"] == "provider_id"
    assert r.json()["fix_in_app"] == {"label": "Providers", "path": "/providers"}
    doctor = client.post("/api/providers", json=DOCTOR).json()["id"]
    r = client.post("/api/schedule/appointments", json={**booking, "provider_id": doctor})
    assert r.status_code == 201, r.text

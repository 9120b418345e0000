"""The schedule and encounter pages and their /api twins through httpx on the app, with the real
suggestion engine on the fixture index (HashingEmbedder), and who may do what."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.security.models import AuditEntry
from tests.schedule.conftest import NOTE, Office, bearer
from tests.web.auth import sign_in


def test_api_book_check_in_code_and_hand_to_billing(app_client: TestClient, office: Office) -> None:
    desk, coder, biller = (bearer(app_client, r) for r in ("frontdesk", "coder", "biller"))
    body = {
        "patient_id": office.jane,
        "provider_id": office.dr_smith,
        "starts_at": "2026-12-01T09:00",
        "visit_type": "telehealth_video",
        "patient_at_home": True,
    }
    r = app_client.post("/api/schedule/appointments", json=body, headers=desk)
    assert r.status_code == 201, r.text
    appt = r.json()
    assert (appt["place_of_service"], appt["modifier"]) == ("10", "95")
    r = app_client.post(
        "/api/schedule/appointments", json={**body, "starts_at": "2026-12-01T09:10"}, headers=desk
    )
    assert "double booking" in r.json()["warnings"][0]
    day = app_client.get(f"/api/schedule?day=2026-12-01&provider={office.dr_smith}", headers=desk).json()
    assert len(day["schedule"]["days"][0]["appointments"]) == 2
    assert (
        app_client.post(f"/api/schedule/appointments/{appt['id'] + 1}/cancel", headers=desk).json()["status"]
        == "cancelled"
    )
    r = app_client.post(f"/api/schedule/appointments/{appt['id']}/checkin", headers=desk)
    enc = r.json()["encounter_id"]
    # the front desk does no coding; the biller reads but does not code
    assert app_client.get(f"/api/encounters/{enc}", headers=desk).status_code == 403
    assert app_client.post(f"/api/encounters/{enc}/suggest", headers=biller).status_code == 403

    r = app_client.post(f"/api/encounters/{enc}/suggest", headers=coder)
    assert r.status_code == 422 and r.json()["field"] == "note"
    app_client.post(f"/api/encounters/{enc}/note", json={"note": NOTE}, headers=coder)
    r = app_client.post(f"/api/encounters/{enc}/suggest", headers=coder)
    assert {"E11.65", "I10"} <= {s["code"] for s in r.json()["encounter"]["suggestions"]}
    app_client.post(
        f"/api/encounters/{enc}/decisions", json={"code": "E11.65", "decision": "accepted"}, headers=coder
    )
    r = app_client.post(f"/api/encounters/{enc}/codes", json={"code": "Z79.84"}, headers=coder)
    assert r.json()["encounter"]["diagnoses"] == ["E11.65", "Z79.84"]
    hits = app_client.get(
        f"/api/encounters/{enc}/codes/search?q=long term oral hypoglycemic", headers=coder
    ).json()
    assert hits["date_of_service"] == "2026-12-01" and hits["hits"]
    r = app_client.post(f"/api/encounters/{enc}/codes", json={"code": "E11"}, headers=coder)
    assert r.status_code == 422 and r.json()["field"] == "code"
    assert (
        app_client.post(f"/api/encounters/{enc}/ready", headers=coder).json()["encounter"]["status"]
        == "ready_to_bill"
    )
    queue = app_client.get("/api/encounters?status=ready_to_bill", headers=biller).json()
    assert [e["id"] for e in queue["encounters"]] == [enc]
    assert (
        app_client.get(f"/api/encounters?provider={office.dr_jones}", headers=biller).json()["encounters"]
        == []
    )
    with app_client.app.state.container.sessions() as s:  # type: ignore[attr-defined]
        audited = {(e.actor, e.action, e.target_type) for e in s.scalars(select(AuditEntry))}
    assert ("frontdesk-x", "phi.write", "appointment") in audited
    assert ("coder-x", "phi.write", "encounter") in audited
    assert ("biller-x", "phi.read", "encounter") in audited


def test_pages_book_check_in_and_code_with_forms(app_client: TestClient, office: Office) -> None:
    sign_in(app_client, "ada", role="admin")
    page = app_client.get("/schedule?day=2026-12-01")
    assert page.status_code == 200 and "Book an appointment" in page.text and "Roe, Jane" in page.text
    r = app_client.post(
        "/schedule/appointments",
        data={
            "patient_id": office.jane,
            "provider_id": office.dr_smith,
            "date": "2026-12-01",
            "time": "09:30",
            "visit_type": "office",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and "booked=" in r.headers["location"]
    page = app_client.get(r.headers["location"])
    appt = int(re.search(r"Appointment (\d+) booked", page.text).group(1))  # type: ignore[union-attr]
    r = app_client.post(f"/schedule/appointments/{appt}/checkin", follow_redirects=True)
    enc = int(re.search(r"/encounters/(\d+)", r.text).group(1))  # type: ignore[union-attr]
    r = app_client.post(f"/encounters/{enc}/note", data={"note": NOTE, "run": "1"}, follow_redirects=True)
    assert r.status_code == 200 and "Accept E11.65" in r.text
    r = app_client.post(
        f"/encounters/{enc}/decisions", data={"code": "I10", "decision": "accepted"}, follow_redirects=True
    )
    assert re.search(r"<strong>A</strong> <code>I10</code>", r.text)
    search = app_client.get(f"/encounters/{enc}/codes/search?q=E11.65", headers={"HX-Request": "true"})
    assert "Add E11.65" in search.text and "<html" not in search.text
    r = app_client.post(f"/encounters/{enc}/codes", data={"code": "E11.65"}, follow_redirects=True)
    assert re.search(r"<strong>B</strong> <code>E11.65</code>", r.text)
    r = app_client.post(f"/encounters/{enc}/diagnoses/up", data={"code": "E11.65"}, follow_redirects=True)
    assert re.search(r"<strong>A</strong> <code>E11.65</code>", r.text)
    r = app_client.post(f"/api/encounters/{enc}/diagnoses/order", json={"codes": ["I10", "E11.65"]})
    assert r.json()["encounter"]["diagnoses"] == ["I10", "E11.65"]
    r = app_client.post(f"/encounters/{enc}/ready", follow_redirects=True)
    assert "ready to bill" in r.text
    queue = app_client.get("/encounters")
    assert f"Encounter {enc}" in queue.text


def test_bad_input_is_named_on_the_field(app_client: TestClient, office: Office) -> None:
    desk = bearer(app_client, "frontdesk")
    r = app_client.post(
        "/api/schedule/appointments",
        json={"patient_id": 999, "provider_id": office.dr_smith, "starts_at": "2026-12-01T09:00"},
        headers=desk,
    )
    assert r.status_code == 404 and r.json()["field"] == "patient_id"
    r = app_client.post(
        "/api/schedule/appointments",
        json={
            "patient_id": office.pos_only,
            "provider_id": office.dr_smith,
            "starts_at": "2026-12-01T09:00",
            "visit_type": "telehealth_audio",
        },
        headers=desk,
    )
    assert r.status_code == 422 and r.json()["field"] == "visit_type"
    r = app_client.get("/api/schedule?day=someday", headers=desk)
    assert r.status_code == 422 and r.json()["field"] == "day"
    r = app_client.post("/api/schedule/appointments/1/explode", headers=desk)
    assert r.status_code == 422 and r.json()["field"] == "action"


def test_page_forms_reschedule_cancel_and_show_the_week(app_client: TestClient, office: Office) -> None:
    sign_in(app_client, "desk", role="frontdesk")
    ids = []
    for at in ("09:00", "09:00", "11:00"):
        r = app_client.post(
            "/schedule/appointments",
            data={
                "patient_id": office.jane,
                "provider_id": office.dr_smith,
                "date": "2026-12-01",
                "time": at,
            },
            follow_redirects=False,
        )
        ids.append(int(r.headers["location"].split("booked=")[1]))
    day = app_client.get(f"/schedule?day=2026-12-01&provider={office.dr_smith}")
    assert day.text.count("double booking") == 2  # each of the two 09:00 visits names the other
    assert "Book an appointment" in day.text and "Ready to bill" not in day.text
    r = app_client.post(
        f"/schedule/appointments/{ids[1]}/reschedule",
        data={"date": "2026-12-03", "time": "14:30"},
        follow_redirects=True,
    )
    assert "Thursday 2026-12-03" in r.text and "14:30–14:45" in r.text
    app_client.post(f"/schedule/appointments/{ids[2]}/noshow")
    week = app_client.get(f"/schedule?day=2026-12-02&week=1&provider={office.dr_smith}")
    assert "Monday 2026-11-30" in week.text and "Sunday 2026-12-06" in week.text
    assert "double booking" not in week.text and "no show" in week.text
    r = app_client.post(f"/schedule/appointments/{ids[2]}/cancel")
    assert r.status_code == 409 and "no show" in r.text
    assert "Encounters" not in app_client.get("/schedule").text.split("</nav>")[0]  # no coding for the desk

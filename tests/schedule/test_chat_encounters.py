"""The chat codes each note on its own, and a note joins the encounter the user picks or starts: its
suggestions attach to that encounter and accepting a code makes it the encounter's diagnosis."""

from __future__ import annotations

import re
from datetime import datetime

from fastapi.testclient import TestClient

from assistant.core.db import transaction
from assistant.parties.models import Provider
from assistant.schedule import service as schedule
from assistant.schedule.schemas import AppointmentIn
from tests.schedule.conftest import NOTE, Office, bearer
from tests.web.auth import sign_in

OTHER_NOTE = "Follow-up visit. Essential hypertension, blood pressure controlled on lisinopril."


def _checked_in(client: TestClient, office: Office) -> int:
    with transaction(client.app.state.container.sessions) as s:  # type: ignore[attr-defined]
        appt = schedule.book(
            s,
            AppointmentIn(
                patient_id=office.jane, provider_id=office.dr_smith, starts_at=datetime(2026, 12, 1, 9)
            ),
            actor="desk",
        )
        return schedule.check_in(s, appt.id, actor="desk").encounter_id


def test_each_note_keeps_its_own_decisions(app_client: TestClient, office: Office) -> None:
    coder = bearer(app_client, "coder")
    first = app_client.post("/api/chat", json={"message": NOTE}, headers=coder).json()
    cid = first["conversation_id"]
    second = app_client.post(
        "/api/chat", json={"message": OTHER_NOTE, "conversation_id": cid}, headers=coder
    ).json()
    r = app_client.post(
        f"/api/chat/{cid}/decisions",
        json={"code": "I10", "decision": "accepted", "turn_id": first["turn_id"]},
        headers=coder,
    )
    assert [d["code"] for d in r.json()["accepted"]] == ["I10"]
    r = app_client.post(
        f"/api/chat/{cid}/decisions",
        json={"code": "I10", "decision": "rejected", "turn_id": second["turn_id"]},
        headers=coder,
    )
    assert r.json()["accepted"] == []  # the panel shows the second note now: I10 rejected there
    decisions = {(d["turn_id"], d["decision"]) for d in r.json()["decisions"] if d["code"] == "I10"}
    assert decisions == {(first["turn_id"], "accepted"), (second["turn_id"], "rejected")}


def test_a_note_joins_an_encounter(app_client: TestClient, office: Office) -> None:
    coder, biller = bearer(app_client, "coder"), bearer(app_client, "biller")
    enc = _checked_in(app_client, office)
    r = app_client.post("/api/chat", json={"message": NOTE, "encounter_id": enc}, headers=biller)
    assert r.status_code == 403  # billers read encounters but do not code them
    r = app_client.post("/api/chat", json={"message": NOTE, "encounter_id": enc}, headers=coder).json()
    cid, turn = r["conversation_id"], r["turn_id"]
    assert f"encounter {enc}" in r["answer"]["text"]
    shown = app_client.get(f"/api/encounters/{enc}", headers=coder).json()["encounter"]
    assert shown["note"] == NOTE.strip() and {"E11.65", "I10"} <= {s["code"] for s in shown["suggestions"]}
    app_client.post(
        f"/api/chat/{cid}/decisions",
        json={"code": "E11.65", "decision": "accepted", "turn_id": turn},
        headers=coder,
    )
    assert app_client.get(f"/api/encounters/{enc}", headers=coder).json()["encounter"]["diagnoses"] == [
        "E11.65"
    ]
    # a second note alone in the same conversation does not see the encounter's decisions
    alone = app_client.post("/api/chat", json={"message": NOTE, "conversation_id": cid}, headers=coder).json()
    r = app_client.post(
        f"/api/chat/{cid}/decisions",
        json={"code": "I10", "decision": "accepted", "turn_id": alone["turn_id"]},
        headers=coder,
    )
    assert [d["code"] for d in r.json()["accepted"]] == ["I10"]
    assert app_client.get(f"/api/encounters/{enc}", headers=coder).json()["encounter"]["diagnoses"] == [
        "E11.65"
    ]
    started = app_client.post(
        f"/api/chat/{cid}/encounter",
        json={
            "patient_id": office.medi,
            "rendering_provider_id": office.dr_jones,
            "date_of_service": "2026-12-02",
        },
        headers=coder,
    )
    assert started.status_code == 201
    new = started.json()["encounter_id"]
    assert (
        app_client.get(f"/api/encounters/{new}", headers=coder).json()["encounter"]["patient_age_years"] == 76
    )


def test_chat_page_offers_the_encounter_picker_to_coders_only(app_client: TestClient, office: Office) -> None:
    enc = _checked_in(app_client, office)
    sign_in(app_client, "cody", role="coder")
    page = app_client.get("/")
    assert "Encounter this note belongs to" in page.text and f"Encounter {enc} — Roe, Jane" in page.text
    r = app_client.post("/chat", data={"message": NOTE, "encounter_id": str(enc)}, follow_redirects=True)
    assert f"Encounter {enc} codes" in r.text and 'name="turn_id"' in r.text
    turn = re.search(r'name="turn_id" value="([0-9a-f]+)"', r.text).group(1)  # type: ignore[union-attr]
    r = app_client.post(
        f"/chat/{r.url.params['c']}/decisions",
        data={"code": "I10", "decision": "accepted", "turn_id": turn},
        headers={"HX-Request": "true"},
    )
    assert re.search(
        r"<code>I10</code> <span class=\"badge\">A</span>", r.text
    )  # the encounter's diagnosis A
    assert f'hx-swap-oob="innerHTML:.status-{turn}-i10"' in r.text  # only this note's card changes
    app_client.post("/logout")
    sign_in(app_client, "bill", role="biller")
    assert "Encounter this note belongs to" not in app_client.get("/").text


def test_the_chats_draft_claim_opens_the_encounters_form_and_its_claim_bills_it(
    app_client: TestClient, office: Office
) -> None:
    coder, admin = bearer(app_client, "coder"), bearer(app_client, "admin")
    with transaction(app_client.app.state.container.sessions) as s:  # type: ignore[attr-defined]
        s.add(
            Provider(
                npi="1679576722",
                entity_type="2",
                name="Roe Family Clinic",
                tax_id="123456789",
                address_line1="1 Main St",
                city="Springfield",
                state="IL",
                zip="62701",
            )
        )
    enc = _checked_in(app_client, office)
    # an admin codes in the chat (a conversation is its user's own) and drafts the claim
    r = app_client.post("/api/chat", json={"message": NOTE, "encounter_id": enc}, headers=admin).json()
    cid = r["conversation_id"]
    app_client.post(
        f"/api/chat/{cid}/decisions",
        json={"code": "E11.65", "decision": "accepted", "turn_id": r["turn_id"]},
        headers=admin,
    )
    page = app_client.post(f"/chat/{cid}/draft-claim", headers=admin, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == f"/claims/new?encounter={enc}"
    twin = app_client.post(f"/api/chat/{cid}/draft-claim", headers=admin).json()
    assert twin["form_url"] == f"/claims/new?encounter={enc}"
    form = twin["form"]
    assert form["encounter_id"] == enc and form["diagnoses"] == ["E11.65"]

    shown = app_client.get(f"/encounters/{enc}", headers=admin).text
    assert "none yet" in shown and "Build the claim" not in shown  # not handed to billing yet
    form["lines"] = [{"code": "99213", "charge": "100.00", "pointers": "A"}]
    refused = app_client.post("/api/claims/new", json=form, headers=admin)
    assert refused.status_code == 422 and refused.json()["problems"][0]["field"] == "encounter_id"
    assert app_client.post(f"/api/encounters/{enc}/ready", headers=coder).status_code == 200
    shown = app_client.get(f"/encounters/{enc}", headers=admin).text
    assert f'<a href="/claims/new?encounter={enc}">Build the claim</a>' in shown

    saved = app_client.post("/api/claims/new", json=form, headers=admin)
    assert saved.status_code == 201, saved.text
    claim_id = saved.json()["claim_id"]
    data = app_client.get(f"/api/encounters/{enc}", headers=admin).json()
    assert data["encounter"]["status"] == "billed"
    assert data["claims"] == [{"claim_id": claim_id, "status": "draft"}]
    assert (
        f'<a href="/claims/{claim_id}">Claim {claim_id}</a> (draft)'
        in app_client.get(f"/encounters/{enc}", headers=admin).text
    )

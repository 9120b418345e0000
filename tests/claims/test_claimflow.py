"""Claim-flow fixes of issue 16, through the CLI, the API and the pages: a re-import that would change a
claim's patient or payer needs --replace and keeps the whole claim before and after; export errors show on
the claim page with matching counts; `submitted` is not offered by hand; payer batches redirect after POST
and are listed with their files; claim pages show diagnosis titles."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.app.container import Container
from assistant.claims import service
from assistant.claims.schemas import AcceptedCode
from assistant.core.db import transaction
from assistant.core.errors import Conflict, InvalidInput
from assistant.encounters.models import Encounter
from tests.claims.conftest import FIXTURES
from tests.web.auth import use_token
from web.app import create_app

CLEAN = json.loads((FIXTURES / "claim_clean.json").read_text())


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container=container, load_engine=False)) as tc:
        use_token(tc, "biller")
        yield tc


def _other_patient(claim_id: str = "C-2001") -> dict[str, Any]:
    doc = copy.deepcopy(CLEAN)
    doc["claim_id"] = claim_id
    doc["subscriber"].update(first_name="Maria", last_name="Gonzalez", dob="1975-09-30", member_id="W555")
    doc["lines"][0]["charge_cents"] = 9900
    return doc


def _ready(client: TestClient, claim_id: str) -> None:
    for to in ("scrubbed", "ready"):
        assert client.post(f"/api/claims/{claim_id}/status", json={"to": to}).status_code == 200


def test_a_reimport_that_changes_the_patient_needs_replace_and_keeps_before_and_after(
    client: TestClient, cli: Any, tmp_path: Any
) -> None:
    assert client.post("/api/claims", json=CLEAN).status_code == 201
    other = _other_patient()
    refused = client.post("/api/claims", json=other)
    assert refused.status_code == 409 and refused.json()["field"] == "patient"
    assert "Doe, John" in refused.json()["message"] and "Gonzalez, Maria" in refused.json()["message"]
    assert "--replace" in refused.json()["fix"]
    path = tmp_path / "other.json"
    path.write_text(json.dumps(other))
    result = cli("import", str(path))
    assert result.exit_code != 0 and "--replace" in result.output and "Traceback" not in result.output
    moved_payer = copy.deepcopy(CLEAN)
    moved_payer["payer"].update(payer_id="60054", name="Other Plan")
    assert client.post("/api/claims", json=moved_payer).json()["field"] == "payer.payer_id"
    stored = client.get("/api/claims/C-2001").json()
    assert stored["document"]["subscriber"]["last_name"] == "Doe" and stored["revisions"] == []

    result = cli("import", str(path), "--replace", "--by", "maria-fix")
    assert result.exit_code == 0, result.output
    changes = {c["field"]: c for c in json.loads(result.output)[0]["changes"]}
    assert changes["patient"]["before"] == "Doe, John (born 1961-04-12)"
    assert changes["patient"]["after"] == "Gonzalez, Maria (born 1975-09-30)"
    assert changes["lines[1]"]["before"].endswith("185.00 -> 1,2") and "99.00" in changes["lines[1]"]["after"]
    assert "subscriber.member_id" in changes and "diagnoses" not in changes
    stored = client.get("/api/claims/C-2001").json()
    (revision,) = stored["revisions"]
    assert revision["actor"] == "maria-fix" and revision["reason"].startswith("replace")
    assert revision["before"]["subscriber"]["last_name"] == "Doe"
    assert revision["after"]["subscriber"]["last_name"] == "Gonzalez"
    assert revision["before"]["lines"][0]["charge_cents"] == 18500
    assert "patient: Doe, John" in stored["history"][-1]["note"]
    page = client.get("/claims/C-2001").text
    assert "Changes by re-import" in page and "Gonzalez, Maria (born 1975-09-30)" in page

    # back to John through the page's import form: refused without the box, done with it
    form = {"document": json.dumps(CLEAN)}
    assert client.post("/claims/import", data=form, follow_redirects=False).status_code == 409
    done = client.post("/claims/import", data={**form, "replace": "1"}, follow_redirects=False)
    assert done.status_code == 303
    assert len(client.get("/api/claims/C-2001").json()["revisions"]) == 2
    # a plain update (same patient and payer) needs no --replace and is recorded too
    cheaper = copy.deepcopy(CLEAN)
    cheaper["lines"][1]["charge_cents"] = 21000
    assert client.post("/api/claims", json=cheaper).json()["outcome"] == "updated"
    last = client.get("/api/claims/C-2001").json()["revisions"][-1]
    assert last["reason"] == "re-import" and [c["field"] for c in last["changes"]] == [
        "total_charge",
        "lines[2]",
    ]
    moved = copy.deepcopy(cheaper)  # a field the summary does not name is listed by its section
    moved["subscriber"]["address"]["line1"] = "9 Elm St"
    (change,) = client.post("/api/claims", json=moved).json()["changes"]
    assert (
        change["field"] == "subscriber" and "5 Oak Ave" in change["before"] and "9 Elm St" in change["after"]
    )


def test_export_errors_show_on_the_claim_page_and_the_counts_match(client: TestClient, cli: Any) -> None:
    bad = copy.deepcopy(CLEAN)
    bad["diagnoses"] = ["E11.65", "Q99.99"]  # not a code
    bad["lines"][1]["dx_pointers"] = [2]
    bad["subscriber"].update(first_name="José", last_name="Müller")  # two X12 character errors
    assert client.post("/api/claims", json=bad).status_code == 201
    api = client.get("/api/claims/C-2001/x12")
    errors = [f for f in api.json()["findings"] if f["severity"] == "error"]
    assert api.status_code == 409 and len(errors) >= 3
    assert f"has {len(errors)} scrubber error(s)" in api.json()["message"]
    assert all(f["message"] in api.json()["message"] for f in errors)  # every error is in the message

    page = client.get("/claims/C-2001/837p")
    assert page.status_code == 409 and page.headers["content-type"].startswith("text/html")
    assert "content-disposition" not in page.headers and "<h1>Claim C-2001" in page.text
    alert = re.search(r'id="refused">Download 837P refused: the scrubber found (\d+) error', page.text)
    assert alert is not None and int(alert.group(1)) == len(errors)
    shown = re.findall(r"<strong>Error</strong>", page.text)
    assert len(shown) == len(errors)

    result = cli("x12", "C-2001")
    assert result.exit_code != 0 and f"has {len(errors)} scrubber error(s)" in result.output
    assert 'href="/claims/C-2001/837p" download' not in client.get("/claims/C-2001").text


def test_submitted_is_not_offered_on_the_claim_page(client: TestClient) -> None:
    assert client.post("/api/claims", json=CLEAN).status_code == 201
    _ready(client, "C-2001")
    page = client.get("/claims/C-2001").text
    options = re.findall(r'<option value="([a-z_]+)">', page[page.index('id="to"') :])
    assert options and "submitted" not in options and "draft" in options
    refused = client.post("/claims/C-2001/status", data={"to": "submitted"})
    assert refused.status_code == 409 and "batch" in refused.text


def test_batch_page_redirects_after_post_and_lists_past_batches_with_their_files(
    client: TestClient, container: Container
) -> None:
    assert client.post("/api/claims", json=CLEAN).status_code == 201
    bad = copy.deepcopy(CLEAN)
    bad["claim_id"] = "C-2002"
    bad["subscriber"].update(first_name="José", last_name="Müller", member_id="W999")
    assert client.post("/api/claims", json=bad).status_code == 201
    _ready(client, "C-2001")
    with transaction(container.sessions) as s:  # made ready before the scrubber gate existed
        claim = service.get_claim(s, "C-2002")
        service.transition(s, claim, "scrubbed", "legacy")
        service.transition(s, claim, "ready", "legacy")

    posted = client.post("/claims/batch", data={"payer_id": "87726"}, follow_redirects=False)
    assert posted.status_code == 303 and re.fullmatch(r"/claims/batches/\d+", posted.headers["location"])
    first = client.get(posted.headers["location"])
    again = client.get(posted.headers["location"])  # a reload shows the same result and sends nothing
    assert first.status_code == again.status_code == 200
    assert first.text.count("837P-87726-") == again.text.count("837P-87726-") >= 2
    held = again.text[again.text.index('id="held-back"') :]
    assert "C-2002" in held and "2 reason(s)" in held and "subscriber.last_name" in held
    name = re.search(r'href="/claims/exports/(837P-87726-\d{9}\.x12)" download', again.text)
    assert name is not None and "C-2001" in client.get(f"/claims/exports/{name.group(1)}").text

    # C-2001 is submitted now; C-2002 goes alone once fixed
    fixed = copy.deepcopy(bad)
    fixed["subscriber"].update(first_name="Jose", last_name="Muller")
    assert client.post("/api/claims", json=fixed).json()["outcome"] == "updated"
    _ready(client, "C-2002")
    run = client.post("/api/claims/batches", json={"payer_id": "87726"})
    assert run.status_code == 201 and run.json()["claim_ids"] == ["C-2002"] and run.json()["held_back"] == []
    runs = client.get("/api/claims/batches").json()
    assert [r["claim_ids"] for r in runs] == [["C-2002"], ["C-2001"]]
    assert all(r["file_name"] for r in runs) and runs[1]["held_back"][0]["claim_id"] == "C-2002"
    assert client.get(f"/api/claims/batches/{runs[1]['id']}").json() == runs[1]
    listing = client.get("/claims/batches").text
    assert all(f'href="/claims/exports/{r["file_name"]}"' in listing for r in runs)
    assert 'href="/claims/batches"' in client.get("/claims").text


def test_claim_pages_show_diagnosis_titles_from_the_release_in_force(
    client: TestClient, container: Container
) -> None:
    assert client.post("/api/claims", json=CLEAN).status_code == 201
    titles = client.get("/api/claims/C-2001").json()["diagnosis_titles"]
    for code in CLEAN["diagnoses"]:
        info = container.reference.find_code(code, "ICD-10-CM", date(2026, 5, 4))
        assert info is not None and info.title and titles[code] == info.title
    page = client.get("/claims/C-2001").text
    assert all(f"{title}</span>" in page for title in titles.values())


DRAFT_CODES = [
    AcceptedCode(code="E11.65", system="ICD-10-CM"),
    AcceptedCode(code="99213", system="CPT", charge_cents=12000),
]


def _parties(claim_id: str) -> dict[str, Any]:
    enc = {k: v for k, v in CLEAN.items() if k not in {"diagnoses", "lines"}}
    return {**copy.deepcopy(enc), "claim_id": claim_id}


def test_a_draft_takes_its_encounters_date_of_service_and_never_replaces_a_claim(
    sessions: Any,
) -> None:
    with transaction(sessions) as s:
        service.import_json(s, json.dumps(CLEAN), actor="t")
        patient_id = service.get_claim(s, "C-2001").patient_id
        visit = Encounter(patient_id=patient_id, date_of_service=date(2026, 4, 20), place_of_service="02")
        s.add(visit)
        s.flush()
        visit_id = visit.id
    with transaction(sessions) as s:
        draft = {**_parties("C-3001"), "encounter_id": visit_id, "place_of_service": None}
        service.create_draft_claim_from_codes(s, draft, DRAFT_CODES, actor="coder")
    with sessions() as s:
        claim = service.get_claim(s, "C-3001")
        assert [sl.date_of_service for sl in claim.lines] == [date(2026, 4, 20)]  # the visit's, not today
        assert claim.place_of_service == "02" and claim.encounter_id == visit_id
    with transaction(sessions) as s, pytest.raises(Conflict) as exc:  # C-2001 is John Doe's claim on file
        service.create_draft_claim_from_codes(
            s, {**_parties("C-2001"), "date_of_service": "2026-05-05"}, DRAFT_CODES
        )
    assert exc.value.field == "claim_id" and "never replaces" in exc.value.message
    with transaction(sessions) as s, pytest.raises(InvalidInput) as missing:
        service.create_draft_claim_from_codes(s, _parties("C-3002"), DRAFT_CODES)
    assert missing.value.field == "date_of_service"
    with sessions() as s:
        assert service.get_claim(s, "C-2001").lines[0].code == "99214"
        assert {c.claim_id for c in service.list_claims(s)} == {"C-3001", "C-2001"}

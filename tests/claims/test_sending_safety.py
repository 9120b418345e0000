"""Claims that can't be sent do not block others (issue 18 §5), through the CLI, the API and the pages:
payer IDs are X12 IDs, non-X12 characters are scrubber findings with the ASCII spelling as the fix, a
payer batch sends what it can and lists what it held back, previews use no control number, and a claim
with scrubber errors cannot be moved to scrubbed/ready (submitted comes only from sending)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.app.container import Container
from assistant.claims import service
from assistant.claims.x12_validate import parse_837p, validate_x12
from assistant.core.db import transaction
from tests.claims.conftest import FIXTURES

CLEAN = json.loads((FIXTURES / "claim_clean.json").read_text())


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    from tests.web.auth import use_token
    from web.app import create_app

    with TestClient(create_app(container=container, load_engine=False)) as tc:
        use_token(tc, "biller")
        yield tc


def _doc(claim_id: str, **subscriber: str) -> dict[str, Any]:
    doc = copy.deepcopy(CLEAN)
    doc["claim_id"] = claim_id
    doc["subscriber"].update(subscriber)
    return doc


def _ready_anyway(container: Container, claim_id: str) -> None:
    """A claim made ready before this check existed (as an upgraded database holds them)."""
    with transaction(container.sessions) as s:
        claim = service.get_claim(s, claim_id)
        service.transition(s, claim, "scrubbed", "legacy")
        service.transition(s, claim, "ready", "legacy")


def _isa13(text: str) -> str:
    return text.split("*")[13]


def test_path_characters_in_a_payer_id_are_refused_at_import(
    client: TestClient, cli: Any, tmp_path: Any
) -> None:
    doc = copy.deepcopy(CLEAN)
    doc["payer"]["payer_id"] = "A/../../../x"
    r = client.post("/api/claims", json=doc)
    assert r.status_code == 422 and r.json()["field"] == "payer.payer_id"
    assert "X12 payer ID" in r.json()["message"] and r.json()["fix"]
    path = tmp_path / "claim.json"
    path.write_text(json.dumps(doc))
    result = cli("import", str(path))
    assert result.exit_code == 2 and "payer.payer_id" in result.output and "Traceback" not in result.output
    assert service.batch_file_name("A/../../../x", 7) == "837P-A_x-000000007.x12"
    assert service.batch_file_name("87726", 12) == "837P-87726-000000012.x12"


def test_non_x12_characters_are_scrubber_errors_with_the_ascii_spelling(client: TestClient) -> None:
    doc = _doc("C-2002", first_name="José", last_name="Müller", member_id="W2\t77")
    assert client.post("/api/claims", json=doc).status_code == 201
    report = client.post("/api/claims/scrub", json={"claim_id": "C-2002"}).json()
    found = {f["field"]: f for f in report["findings"] if f["rule"] == "x12-characters"}
    assert report["clean"] is False and set(found) == {
        "subscriber.first_name",
        "subscriber.last_name",
        "subscriber.member_id",
    }
    assert (
        "é" in found["subscriber.first_name"]["message"] and "'Jose'" in found["subscriber.first_name"]["fix"]
    )
    assert "'Muller'" in found["subscriber.last_name"]["fix"]
    assert (
        "'\\t'" in found["subscriber.member_id"]["message"]
        and "'W2 77'" in found["subscriber.member_id"]["fix"]
    )
    fixed = _doc("C-2002", first_name="Jose", last_name="Muller", member_id="W2 77")
    client.post("/api/claims", json=fixed)
    assert client.post("/api/claims/scrub", json={"claim_id": "C-2002"}).json()["clean"] is True


def test_a_payer_batch_sends_the_rest_and_lists_the_claims_it_held_back(
    client: TestClient, cli: Any, container: Container
) -> None:
    assert client.post("/api/claims", json=_doc("C-2001")).status_code == 201
    bad = _doc("C-2002", first_name="José", last_name="Müller", member_id="W999")
    assert client.post("/api/claims", json=bad).status_code == 201
    for claim_id in ("C-2001", "C-2002"):
        _ready_anyway(container, claim_id)
    page = client.post("/claims/batch", data={"payer_id": "87726"})
    assert page.status_code == 200, page.text[:500]
    held = page.text[page.text.index('id="held-back"') :]
    assert "C-2002" in held and "subscriber.first_name" in held and "Jose" in held
    name = re.search(r"837P-87726-\d{9}\.x12", page.text)
    assert name is not None
    text = client.get(f"/claims/exports/{name.group(0)}").text
    assert validate_x12(text) == [] and [c.claim_id for c in parse_837p(text)] == ["C-2001"]
    statuses = {c["claim_id"]: c["status"] for c in client.get("/api/claims").json()}
    assert statuses == {"C-2001": "submitted", "C-2002": "draft"}
    _ready_anyway(container, "C-2002")  # the CLI reports the same, and exits 1 when nothing went out
    result = cli("batch", "--payer", "87726")
    out = json.loads(result.output)
    assert result.exit_code == 1 and out["path"] is None and out["claims"] == []
    assert out["held_back"][0]["claim_id"] == "C-2002" and any(
        "'Jose'" in r for r in out["held_back"][0]["reasons"]
    )


def test_a_preview_uses_no_interchange_control_number(client: TestClient, cli: Any, tmp_path: Any) -> None:
    assert client.post("/api/claims", json=_doc("C-2001")).status_code == 201
    previews = [client.get("/api/claims/C-2001/x12").text for _ in range(3)]
    previews.append(client.get("/claims/C-2001/837p").text)
    assert {_isa13(t) for t in previews} == {"000000000"} and validate_x12(previews[0]) == []
    assert _isa13(cli("x12", "C-2001", "--preview").output) == "000000000"
    kept = tmp_path / "kept.x12"
    assert cli("x12", "C-2001", "-o", str(kept)).exit_code == 0
    assert _isa13(kept.read_text()) == "000000001"  # the first number used is the first export kept
    assert client.post("/api/claims/C-2001/status", json={"to": "scrubbed"}).status_code == 200
    assert client.post("/api/claims/C-2001/status", json={"to": "ready"}).status_code == 200
    batch = json.loads(cli("batch", "--payer", "87726").output)
    assert batch["interchange_control_number"] == 2


def test_a_claim_with_scrubber_errors_cannot_be_made_ready(client: TestClient, cli: Any) -> None:
    example = json.loads((FIXTURES / "claim_c1001.json").read_text())  # an ICD-10-CM error
    assert client.post("/api/claims", json=example).status_code == 201
    for to in ("scrubbed", "ready"):
        r = client.post("/api/claims/C-1001/status", json={"to": to})
        assert r.status_code == 409 and r.json()["findings"], r.text
        assert any(f["rule"] == "icd10cm-valid" for f in r.json()["findings"])
    page = client.post("/claims/C-1001/status", data={"to": "scrubbed"}, follow_redirects=False)
    assert (
        page.status_code == 409 and "Move to scrubbed refused" in page.text and "icd10cm-valid" in page.text
    )
    assert cli("status", "C-1001", "scrubbed").exit_code == 2
    assert client.get("/api/claims/C-1001").json()["status"] == "draft"
    assert client.post("/api/claims", json=_doc("C-2001")).status_code == 201
    assert client.post("/api/claims/C-2001/status", json={"to": "scrubbed"}).status_code == 200
    assert client.post("/api/claims/C-2001/status", json={"to": "ready"}).status_code == 200
    sent = client.post("/api/claims/C-2001/status", json={"to": "submitted"})
    assert sent.status_code == 409 and "batch" in sent.json()["fix"]
    assert client.get("/api/claims/C-2001").json()["status"] == "ready"
    assert client.post("/api/claims/C-2001/status", json={"to": "closed"}).status_code == 200

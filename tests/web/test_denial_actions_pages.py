"""The biller's journey over HTTP: an 835 with CO-4, CO-97 and PR-2 shows the policy's action per line,
drafts an appeal that argues for the practice, builds the corrected claim, creates the secondary claim;
the import form redirects after POST and says what happened."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.remit.journey import journey_835, submit_journey_claim

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _import(client: TestClient, data: bytes, name: str = "j.835") -> str:
    r = client.post("/remits/import", files={"file": (name, data)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/remits?imported=1")
    return r.headers["location"]


def _articles(html: str) -> dict[str, str]:
    found = re.findall(
        r'<article class="explanation denial" aria-label="Denial ([A-Z]{2}-\w+)">(.*?)</article>', html, re.S
    )
    return dict(found)


def test_import_redirects_and_says_what_happened(client: TestClient, container: Any) -> None:
    submit_journey_claim(container.sessions, secondary=False)
    page = client.get(_import(client, journey_835()))
    assert "Imported: 1 claim(s) posted." in page.text
    again = client.get(_import(client, journey_835()))  # the same file again: nothing new
    assert "Imported: 0 claim(s) posted, 1 skipped as already posted." in again.text
    unmatched = client.get(_import(client, (FIXTURES / "x12" / "multi_claim.835").read_bytes(), "m.835"))
    held = re.search(r"Imported: 0 claim\(s\) posted, (\d+) held in the work queue", unmatched.text)
    assert held and int(held.group(1)) >= 2, unmatched.text[:2000]
    assert "claim(s) posted" not in client.get("/remits").text  # a reload shows no stale message
    api = client.post("/api/remits", content=(FIXTURES / "x12" / "multi_claim.835").read_bytes())
    assert api.status_code == 201 and "skipped as already posted" in api.json()["message"]


def test_each_line_offers_the_policy_action(client: TestClient, container: Any) -> None:
    submit_journey_claim(container.sessions)
    location = _import(client, journey_835())
    rid = re.search(r"remit=(\d+)", location).group(1)  # type: ignore[union-attr]
    html = client.get(f"/remits/{rid}").text
    arts = _articles(html)
    assert set(arts) >= {"CO-4", "CO-97", "PR-2"}
    assert "The cause is on our claim" in arts["CO-4"] and "Build corrected claim" in arts["CO-4"]
    assert "Draft appeal" not in arts["CO-4"]
    assert "Draft appeal" in arts["CO-97"] and "The cause is on our claim" not in arts["CO-97"]
    assert "Bill the secondary payer" in arts["PR-2"] and "Draft appeal" not in arts["PR-2"]

    line_ids = dict(
        re.findall(r'action="/remits/\d+/lines/(\d+)/appeal".*?name="carc" value="(\w+)"', html, re.S)
    )
    (co97_line,) = [lid for lid, carc in line_ids.items() if carc == "97"]
    letter = client.post(f"/remits/{rid}/lines/{co97_line}/appeal", data={"carc": "97"})
    assert letter.status_code == 200 and "was a separate and distinct service" in letter.text
    assert "scrubber" not in letter.text and "absorbs" not in letter.text

    co4_line = re.search(
        r'action="/remits/\d+/lines/(\d+)/corrected-claim".*?name="carc" value="4"', html, re.S
    ).group(1)  # type: ignore[union-attr]
    refused = client.post("/api/denials/appeal", json={"remit_line_id": int(co4_line), "carc": "4"})
    assert refused.status_code == 409 and "corrected claim, not an appeal" in refused.json()["message"]
    fixed = client.post(  # as the page's htmx form sends it (a plain form redirects to the new claim)
        f"/remits/{rid}/lines/{co4_line}/corrected-claim", data={"carc": "4"}, headers={"HX-Request": "true"}
    )
    assert fixed.status_code == 200 and "J-1-C1" in fixed.text and "line 1: add modifier 25" in fixed.text
    detail = client.get("/api/claims/J-1-C1").json()
    assert detail["frequency_code"] == "7" and detail["original_claim_number"] == "PAYER-J1"
    assert detail["document"]["lines"][0]["modifiers"] == ["25"]


def test_secondary_claim_from_the_remit_page_and_api(client: TestClient, container: Any) -> None:
    submit_journey_claim(container.sessions)
    rid = re.search(r"remit=(\d+)", _import(client, journey_835())).group(1)  # type: ignore[union-attr]
    assert "create the secondary claim" in client.get(f"/remits/{rid}").text  # the work item
    r = client.post("/claims/J-1/secondary", data={"back": f"/remits/{rid}"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/remits/{rid}?secondary=J-1-S&state=created"
    assert "Secondary claim" in client.get(r.headers["location"]).text
    api = client.post("/api/claims/J-1/secondary")
    body = api.json()
    assert api.status_code == 201 and body["claim_id"] == "J-1-S" and body["created"] is False
    assert (
        body["payer_id"] == "BETA77" and body["primary_paid_cents"] == 20000 and body["balance_cents"] == 4000
    )
    doc = client.get("/api/claims/J-1-S").json()["document"]
    assert doc["payer"]["payer_id"] == "BETA77" and doc["prior_payer"]["paid_cents"] == 20000
    assert [ln["paid_cents"] for ln in doc["prior_payer"]["lines"]] == [0, 0, 20000]
    x12 = client.get("/api/claims/J-1-S/x12")
    if x12.status_code == 200:  # exported only once it scrubs clean (99214 still lacks 25 here)
        assert "SBR*S*" in x12.text and "SVD*87726*200*HC:20611:RT**1" in x12.text
    missing = client.post("/api/claims/NOPE/secondary")
    assert missing.status_code == 404

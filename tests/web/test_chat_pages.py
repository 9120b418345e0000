from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

NOTE = (
    "58 y/o with type 2 diabetes, A1c 9.2 and hyperglycemia on labs. Blood pressure high: hypertension, "
    "start lisinopril. <script>alert(1)</script> Follow up in 3 months."
)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _conv(client: TestClient) -> str:
    r = client.get("/")
    assert r.status_code == 200
    return re.search(r'name="conversation_id" value="([0-9a-f]+)"', r.text).group(1)  # type: ignore[union-attr]


def test_note_streams_highlighted_suggestions_over_sse(client: TestClient) -> None:
    cid = _conv(client)
    r = client.post("/chat", data={"message": NOTE, "conversation_id": cid}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and 'sse-connect="/chat/' in r.text and 'hx-ext="sse"' in r.text
    stream_url = re.search(r'sse-connect="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]
    with client.stream("GET", stream_url) as resp:
        assert resp.headers["content-type"].startswith("text/event-stream")
        body = "".join(resp.iter_text())
    events = re.findall(r"^event: (\w+)", body, flags=re.M)
    assert events[0] == "status" and events[-1] == "done" and events.count("part") >= 3
    assert '<mark title="evidence for E11.65">hyperglycemia</mark>' in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body
    assert "Accept E11.65" in body and "Sources:" in body and "ICD-10-CM release 2026-04-01" in body


def test_accept_codes_then_draft_claim(client: TestClient) -> None:
    client.post(
        "/claims/import", files={"file": ("c.json", (FIXTURES / "claims" / "claim_clean.json").read_bytes())}
    )
    r = client.post("/api/chat", json={"message": NOTE})
    cid = r.json()["conversation_id"]
    codes = [s["code"] for s in r.json()["answer"]["suggestions"]["suggestions"]]
    assert codes == ["E11.65", "I10"]
    for code in codes:
        r = client.post(
            f"/chat/{cid}/decisions",
            data={"code": code, "system": "ICD-10-CM", "decision": "accepted"},
            headers={"HX-Request": "true"},
        )
        assert 'id="decisions"' in r.text and f"<code>{code}</code>" in r.text and "hx-swap-oob" in r.text
    # "Create draft claim" opens the claim form filled with the accepted codes: no template, no claim ID typed
    page = client.get(f"/?c={cid}")
    assert "Create draft claim" in page.text and "New claim ID" not in page.text
    r = client.post(f"/chat/{cid}/draft-claim", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/claims/new?conversation={cid}"
    form = client.get(r.headers["location"])
    assert form.status_code == 200
    assert (
        'id="dx-0" name="dx" value="E11.65"' in form.text and 'id="dx-1" name="dx" value="I10"' in form.text
    )
    twin = client.post(f"/api/chat/{cid}/draft-claim").json()
    assert twin["form_url"] == f"/claims/new?conversation={cid}"
    assert twin["form"]["diagnoses"] == ["E11.65", "I10"] and twin["form"]["lines"][0]["pointers"] == "AB"
    assert [c["claim_id"] for c in client.get("/api/claims").json()] == ["C-2001"]  # nothing was saved


def test_questions_are_answered_with_sources(client: TestClient) -> None:
    a = client.post("/api/chat", json={"message": "what is E11.65?"}).json()["answer"]
    assert a["intent"] == "code" and a["codes"][0]["info"]["code"] == "E11.65"
    assert any(s["kind"] == "code-set" for s in a["sources"])
    c = client.post("/api/chat", json={"message": "E11.9 vs E11.65?"}).json()["answer"]
    assert "hyperglycemia" in c["comparison"]["only_b"] and c["comparison"]["common_parent"] == "E11"
    d = client.post("/api/chat", json={"message": "what does CO-97 with M15 mean?"}).json()["answer"]
    assert d["intent"] == "adjustment" and d["explanations"][0]["carc"] == "97"
    assert d["explanations"][0]["rarcs"] == ["M15"]
    q = client.post("/api/chat", json={"message": "quiz me on diabetes codes"}).json()["answer"]
    assert q["quiz_url"] == "/trainee?topic=diabetes"
    n = client.post("/api/chat", json={"message": "why was claim C-9999 denied?"}).json()["answer"]
    assert "no claim C-9999" in n["text"]


def test_chat_works_without_javascript(client: TestClient) -> None:
    r = client.post("/chat", data={"message": "what is E11.65?"})
    assert r.status_code == 200 and "Type 2 diabetes mellitus with hyperglycemia" in r.text


def test_json_stream_twin(client: TestClient) -> None:
    with client.stream("POST", "/api/chat/stream", json={"message": "what is I10?"}) as resp:
        body = "".join(resp.iter_text())
    assert re.findall(r"^event: (\w+)", body, flags=re.M) == ["turn", "answer", "done"]
    assert '"intent": "code"' in body or '"intent":"code"' in body


def test_errors_inline_for_htmx_and_full_page_otherwise(client: TestClient) -> None:
    r = client.post("/chat", data={"message": "   "}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and 'role="alert"' in r.text and "<html" not in r.text
    r = client.post("/chat", data={"message": "   "})
    assert r.status_code == 422 and "<html" in r.text and "Something needs attention" in r.text
    r = client.post("/api/chat", json={"message": " "})
    assert r.status_code == 422 and r.json()["field"] == "message"

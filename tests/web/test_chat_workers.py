"""Chat conversations live in the operational database: two app instances (two workers) sharing one
database serve the same conversation, and a conversation is its owner's only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.app.container import Container
from assistant.chat.models import ChatConversation
from assistant.config import Settings
from tests.web.auth import create_user, use_token
from tests.web.fakes import StubSuggester
from web.app import create_app

NOTE = (
    "58 y/o with type 2 diabetes, A1c 9.2 and hyperglycemia on labs. Blood pressure high: hypertension, "
    "start lisinopril. Follow up in 3 months."
)


def _worker(settings: Settings, reference: Any) -> Container:
    c = Container(settings)
    c.__dict__["reference"] = reference
    c.set_suggester(StubSuggester())
    return c


@pytest.fixture
def workers(tmp_settings: Settings, reference: Any) -> Iterator[tuple[TestClient, TestClient]]:
    """Two apps, each with its own container (engine, service cache), on one database."""
    a = create_app(tmp_settings, container=_worker(tmp_settings, reference), load_engine=False)
    b = create_app(tmp_settings, container=_worker(tmp_settings, reference), load_engine=False)
    with TestClient(a) as ca, TestClient(b) as cb:
        token = use_token(ca, "coder", "cody")
        cb.headers["Authorization"] = f"Bearer {token}"
        yield ca, cb


def test_a_conversation_streamed_on_one_worker_continues_on_the_other(
    workers: tuple[TestClient, TestClient],
) -> None:
    first, second = workers
    with first.stream("POST", "/api/chat/stream", json={"message": NOTE}) as resp:
        lines = list(resp.iter_lines())
    turn_line = next(line for line in lines if line.startswith("data: {"))
    ids = re.search(r'"conversation_id": "(\w+)", "turn_id": "(\w+)"', turn_line)
    assert ids, turn_line
    cid, _turn = ids.groups()
    conv = second.get(f"/api/chat/{cid}").json()  # the other worker knows the conversation
    assert conv["id"] == cid and conv["turns"][0]["message"] == NOTE
    assert [s["code"] for s in conv["turns"][0]["answer"]["suggestions"]["suggestions"]] == ["E11.65", "I10"]
    r = second.post(f"/api/chat/{cid}/decisions", json={"code": "E11.65", "decision": "accepted"})
    assert r.status_code == 200 and [d["code"] for d in r.json()["accepted"]] == ["E11.65"]
    follow = second.post("/api/chat", json={"message": "what is E11.65?", "conversation_id": cid}).json()
    assert follow["conversation_id"] == cid
    back = first.get(f"/api/chat/{cid}").json()  # and the first sees what the second added
    assert len(back["turns"]) == 2 and [d["code"] for d in back["accepted"]] == ["E11.65"]


def test_the_html_stream_runs_on_the_other_worker(workers: tuple[TestClient, TestClient]) -> None:
    first, second = workers
    r = first.post("/api/chat", json={"message": "hello"})
    cid = r.json()["conversation_id"]
    turn = first.post("/chat", data={"message": NOTE, "conversation_id": cid}, headers={"HX-Request": "true"})
    assert turn.status_code == 200, turn.text[:500]
    url = re.search(r'sse-connect="([^"]+)"', turn.text).group(1)  # type: ignore[union-attr]
    with second.stream("GET", url) as resp:
        body = "".join(resp.iter_text())
    assert resp.status_code == 200 and "evidence for E11.65" in body and body.rstrip().endswith("data:")


def test_a_conversation_is_its_owners_only_and_stored_encrypted(
    workers: tuple[TestClient, TestClient],
) -> None:
    first, second = workers
    cid = first.post("/api/chat", json={"message": NOTE}).json()["conversation_id"]
    create_user(second, "other", "coder")
    second.headers["Authorization"] = f"Bearer {use_token(second, 'coder', 'other')}"
    assert second.get(f"/api/chat/{cid}").status_code == 404
    fresh = second.post("/api/chat", json={"message": "hello", "conversation_id": cid}).json()
    assert fresh["conversation_id"] != cid  # someone else's id starts a new conversation
    container = first.app.state.container  # type: ignore[attr-defined]
    with container.db_engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT owner, body FROM chat_conversations WHERE id = ?", (cid,)).one()
    assert raw[0] == "cody" and "hyperglycemia" not in raw[1]  # the pasted note is encrypted at rest
    with container.sessions() as s:
        assert "hyperglycemia" in s.get(ChatConversation, cid).body

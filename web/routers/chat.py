"""Chat (home page): one conversation for coders, billers and trainees. Answers stream over SSE.

HTML: GET / (the conversation), POST /chat (a message; HTMX gets a bubble that streams the answer,
plain forms are redirected back to the page with the answer rendered), decisions and the draft claim.
JSON twins: POST /api/chat, POST /api/chat/stream (SSE of JSON events), GET /api/chat/{id}, decisions, draft.

Chat needs ``codes:read``. A conversation belongs to the user who started it. Only a user holding
``claims:read`` and ``phi:read`` gets the chat that reads claims on file ("why was claim C-1001
denied?"); a trainee's chat has no database at all, so it can never show patient data. "Create draft
claim" (``claims:write`` and ``phi:write``) opens the claim form filled with the accepted codes: no
template claim, and the draft gets a generated claim ID. Claim reads are audited.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, RedirectResponse, Response
from jinja2_fragments import render_block
from pydantic import BaseModel
from sse_starlette import EventSourceResponse

from assistant.chat.schemas import ChatAnswer, Conversation
from assistant.chat.service import ChatService
from assistant.claims import form as claim_form
from assistant.core.errors import AssistantError
from assistant.llm.client import LlmClient
from assistant.security.schemas import Principal
from web.deps import ContainerDep
from web.rendering import csrf_token_for, is_htmx, render, templates
from web.security_deps import record_phi, require

router = APIRouter(tags=["chat"])
Chatter = Annotated[Principal, require("codes:read")]
Drafter = Annotated[Principal, require("codes:read", "claims:write", "phi:write")]
ANSWER_TEMPLATE = "chat/_answer.html"
ANSWER_BLOCKS = [
    "summary",
    "note",
    "suggestions",
    "codes",
    "comparison",
    "explanations",
    "hits",
    "quiz",
    "phrased",
    "warnings",
    "sources",
]
CONV_COOKIE = "assistant_conversation"


_SERVICE_LOCK = threading.Lock()


def reads_claims(principal: Principal) -> bool:
    return principal.can("claims:read") and principal.can("phi:read")


def chat_service(request: Request, container: Any, principal: Principal) -> ChatService:
    """The chat with claim access for users who may read claims; a chat without any database otherwise."""
    with_claims = reads_claims(principal)
    name = "chat" if with_claims else "chat_no_phi"
    with _SERVICE_LOCK:
        svc = getattr(request.app.state, name, None)
        if svc is None:
            llm = None
            if container.settings.llm_url:
                llm = LlmClient(container.settings.llm_url)
            svc = ChatService(
                reference=container.reference,
                suggester=lambda: container.suggester,
                conversations=container.sessions,
                sessions=container.sessions if with_claims else None,
                settings=container.settings,
                llm=llm,
            )
            setattr(request.app.state, name, svc)
    return svc


def conversation(
    request: Request,
    svc: ChatService,
    principal: Principal,
    conversation_id: str | None,
    *,
    create: bool = True,
) -> Conversation:
    """The caller's conversation (from the database). Someone else's id is treated as unknown."""
    return svc.conversation(conversation_id, principal.username, create=create)


def _ctx(
    request: Request, conv: Conversation, container: Any, principal: Principal, **extra: Any
) -> dict[str, Any]:
    return {
        "conv": conv,
        "today": date.today().isoformat(),
        "active": "chat",
        **extra,
    }


def audit_answer(request: Request, container: Any, principal: Principal, answer: ChatAnswer) -> None:
    """An answer about a claim on file read that claim: audit it."""
    if answer.intent == "denial_claim":
        for source in answer.sources:
            if source.kind == "claim":
                claim_id = source.label.removeprefix("claim ").strip()
                record_phi(container, principal, request, "claim", claim_id, detail={"via": "chat"})


def run_turn(
    request: Request, container: Any, principal: Principal, svc: ChatService, conv: Conversation, turn: Any
) -> ChatAnswer:
    fresh = turn.answer is None
    answer = svc.run_turn(conv, turn)
    if fresh:
        audit_answer(request, container, principal, answer)
    return answer


def answer_parts(answer: ChatAnswer, conv: Conversation, csrf_token: str = "") -> list[str]:
    """The answer as HTML pieces, in order (what the stream sends and the page shows)."""
    env = templates.env
    ctx = {"a": answer, "conv": conv, "csrf_token": csrf_token}
    parts = []
    for block in ANSWER_BLOCKS:
        html = render_block(env, ANSWER_TEMPLATE, block, **ctx)
        if html.strip():
            parts.append(html)
    return parts


templates.env.globals.setdefault("answer_parts", answer_parts)


@router.get("/")
def home(request: Request, container: ContainerDep, principal: Chatter, c: str | None = None) -> Response:
    svc = chat_service(request, container, principal)
    conv = conversation(request, svc, principal, c or request.cookies.get(CONV_COOKIE))
    for turn in conv.turns:  # without JavaScript, answers are computed when the page is rendered
        run_turn(request, container, principal, svc, conv, turn)
    resp = render(request, "chat/index.html", _ctx(request, conv, container, principal))
    resp.set_cookie(CONV_COOKIE, conv.id, httponly=True, samesite="lax")
    return resp


@router.post("/chat")
def post_message(
    request: Request,
    container: ContainerDep,
    principal: Chatter,
    message: str = Form(""),
    conversation_id: str = Form(""),
) -> Response:
    svc = chat_service(request, container, principal)
    conv = conversation(request, svc, principal, conversation_id or request.cookies.get(CONV_COOKIE))
    turn = svc.add_turn(conv, message)
    if is_htmx(request):
        return render(request, "chat/_turn.html", {"conv": conv, "turn": turn, "stream": True})
    run_turn(request, container, principal, svc, conv, turn)
    return RedirectResponse(f"/?c={conv.id}#turn-{turn.id}", status_code=303)


async def _events(
    request: Request, container: Any, principal: Principal, svc: ChatService, conv: Conversation, turn_id: str
) -> AsyncIterator[dict[str, str]]:
    turn = svc.turn(conv, turn_id)
    token = csrf_token_for(request)
    yield {"event": "status", "data": "Looking this up in the code sets…"}
    try:
        answer = await asyncio.to_thread(run_turn, request, container, principal, svc, conv, turn)
    except AssistantError as exc:
        html = templates.env.get_template("_alert.html").render(error=exc)
        yield {"event": "part", "data": html}
        yield {"event": "status", "data": ""}
        yield {"event": "done", "data": ""}
        return
    for part in answer_parts(answer, conv, token):
        yield {"event": "part", "data": part}
    yield {"event": "status", "data": ""}
    yield {"event": "done", "data": ""}


@router.get("/chat/{conversation_id}/turns/{turn_id}/stream")
def stream(
    request: Request, conversation_id: str, turn_id: str, container: ContainerDep, principal: Chatter
) -> EventSourceResponse:
    svc = chat_service(request, container, principal)
    conv = conversation(request, svc, principal, conversation_id, create=False)
    svc.turn(conv, turn_id)  # 404 before the stream starts
    return EventSourceResponse(_events(request, container, principal, svc, conv, turn_id), ping=15)


def _decisions_response(
    request: Request,
    conv: Conversation,
    container: Any,
    principal: Principal,
    code: str | None = None,
    **extra: Any,
) -> Response:
    if is_htmx(request):
        ctx = _ctx(request, conv, container, principal, changed=code, **extra)
        return render(request, "chat/_decisions_oob.html", ctx)
    return RedirectResponse(f"/?c={conv.id}#decisions", status_code=303)


@router.post("/chat/{conversation_id}/decisions")
def decide(
    request: Request,
    conversation_id: str,
    container: ContainerDep,
    principal: Chatter,
    code: str = Form(...),
    system: str = Form("ICD-10-CM"),
    decision: str = Form(...),
) -> Response:
    svc = chat_service(request, container, principal)
    conv = conversation(request, svc, principal, conversation_id, create=False)
    conv = svc.decide(conv, code.strip().upper(), system, decision)
    return _decisions_response(request, conv, container, principal, code)


@router.post("/chat/{conversation_id}/draft-claim")
def draft_claim(conversation_id: str, request: Request, principal: Drafter) -> Response:
    """The claim form filled from this conversation's accepted codes (no template claim; nothing saved)."""
    target = f"/claims/new?conversation={quote(conversation_id)}"
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


# ---------------------------------------------------------------- JSON twins


class ChatIn(BaseModel):
    message: str
    conversation_id: str | None = None


class DecisionIn(BaseModel):
    code: str
    system: str = "ICD-10-CM"
    decision: str


@router.post("/api/chat")
def api_chat(body: ChatIn, request: Request, container: ContainerDep, principal: Chatter) -> JSONResponse:
    svc = chat_service(request, container, principal)
    conv = conversation(request, svc, principal, body.conversation_id)
    turn = svc.add_turn(conv, body.message)
    answer = run_turn(request, container, principal, svc, conv, turn)
    return JSONResponse(jsonable_encoder({"conversation_id": conv.id, "turn_id": turn.id, "answer": answer}))


@router.post("/api/chat/stream")
def api_chat_stream(
    body: ChatIn, request: Request, container: ContainerDep, principal: Chatter
) -> EventSourceResponse:
    svc = chat_service(request, container, principal)
    conv = conversation(request, svc, principal, body.conversation_id)
    turn = svc.add_turn(conv, body.message)

    async def events() -> AsyncIterator[dict[str, str]]:
        yield {"event": "turn", "data": json.dumps({"conversation_id": conv.id, "turn_id": turn.id})}
        answer = await asyncio.to_thread(run_turn, request, container, principal, svc, conv, turn)
        yield {"event": "answer", "data": json.dumps(jsonable_encoder(answer))}
        yield {"event": "done", "data": ""}

    return EventSourceResponse(events(), ping=15)


@router.get("/api/chat/{conversation_id}")
def api_conversation(
    conversation_id: str, request: Request, container: ContainerDep, principal: Chatter
) -> JSONResponse:
    svc = chat_service(request, container, principal)
    conv = conversation(request, svc, principal, conversation_id, create=False)
    return JSONResponse(jsonable_encoder({**conv.model_dump(), "accepted": conv.accepted}))


@router.post("/api/chat/{conversation_id}/decisions")
def api_decide(
    conversation_id: str, body: DecisionIn, request: Request, container: ContainerDep, principal: Chatter
) -> JSONResponse:
    svc = chat_service(request, container, principal)
    conv = conversation(request, svc, principal, conversation_id, create=False)
    conv = svc.decide(conv, body.code.strip().upper(), body.system, body.decision)
    return JSONResponse(
        jsonable_encoder({"conversation_id": conv.id, "decisions": conv.decisions, "accepted": conv.accepted})
    )


@router.post("/api/chat/{conversation_id}/draft-claim")
def api_draft(
    conversation_id: str, request: Request, container: ContainerDep, principal: Drafter
) -> JSONResponse:
    """Where the claim form for this conversation's accepted codes is, and the form as it opens."""
    svc = chat_service(request, container, principal)
    conv = conversation(request, svc, principal, conversation_id, create=False)
    dx = [d.code for d in conv.accepted if d.system == "ICD-10-CM"]
    procs = [d.code for d in conv.accepted if d.system in ("CPT", "HCPCS")]
    with container.sessions() as session:
        form = claim_form.prefill(session, diagnoses=dx, procedures=procs)
    url = f"/claims/new?conversation={quote(conv.id)}"
    return JSONResponse(jsonable_encoder({"form_url": url, "form": form}))

"""Chat (home page): one conversation for coders, billers and trainees. Answers stream over SSE.

HTML: GET / (the conversation), POST /chat (a message; HTMX gets a bubble that streams the answer,
plain forms are redirected back to the page with the answer rendered), decisions and the draft claim.
JSON twins: POST /api/chat, POST /api/chat/stream (SSE of JSON events), GET /api/chat/{id}, decisions, draft.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, RedirectResponse, Response
from jinja2_fragments import render_block
from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse

from assistant.chat.schemas import ChatAnswer, Conversation
from assistant.chat.service import ChatService
from assistant.core.errors import AssistantError, InvalidInput
from web.deps import ContainerDep
from web.rendering import is_htmx, render, templates
from web.routers.pages_common import current_user

router = APIRouter(tags=["chat"])
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


def chat_service(request: Request, container: Any) -> ChatService:
    svc = getattr(request.app.state, "chat", None)
    if svc is None:
        llm = None
        if container.settings.llm_url:
            from assistant.llm.client import LlmClient

            llm = LlmClient(container.settings.llm_url)
        svc = ChatService(
            reference=container.reference,
            suggester=lambda: container.suggester,
            sessions=container.sessions,
            settings=container.settings,
            llm=llm,
        )
        request.app.state.chat = svc
    return svc


def _claims_on_file(container: Any) -> list[Any]:
    try:
        from assistant.claims import service as claims
    except ImportError:
        return []
    with container.sessions() as session:
        return claims.list_claims(session)


def _ctx(conv: Conversation, container: Any, **extra: Any) -> dict[str, Any]:
    return {
        "conv": conv,
        "claims": _claims_on_file(container),
        "today": date.today().isoformat(),
        "active": "chat",
        **extra,
    }


def answer_parts(answer: ChatAnswer, conv: Conversation) -> list[str]:
    """The answer as HTML pieces, in order (what the stream sends and the page shows)."""
    env = templates.env
    ctx = {"a": answer, "conv": conv}
    parts = []
    for block in ANSWER_BLOCKS:
        html = render_block(env, ANSWER_TEMPLATE, block, **ctx)
        if html.strip():
            parts.append(html)
    return parts


templates.env.globals.setdefault("answer_parts", answer_parts)


@router.get("/")
def home(request: Request, container: ContainerDep, c: str | None = None) -> Response:
    svc = chat_service(request, container)
    conv = svc.conversation(c or request.cookies.get(CONV_COOKIE))
    for turn in conv.turns:  # without JavaScript, answers are computed when the page is rendered
        svc.run_turn(conv, turn)
    resp = render(request, "chat/index.html", _ctx(conv, container, username=current_user(request)))
    resp.set_cookie(CONV_COOKIE, conv.id, httponly=True, samesite="lax")
    return resp


@router.post("/chat")
def post_message(
    request: Request, container: ContainerDep, message: str = Form(""), conversation_id: str = Form("")
) -> Response:
    svc = chat_service(request, container)
    conv = svc.conversation(conversation_id or request.cookies.get(CONV_COOKIE))
    turn = svc.add_turn(conv, message)
    if is_htmx(request):
        return render(request, "chat/_turn.html", {"conv": conv, "turn": turn, "stream": True})
    svc.run_turn(conv, turn)
    return RedirectResponse(f"/?c={conv.id}#turn-{turn.id}", status_code=303)


async def _events(svc: ChatService, conv: Conversation, turn_id: str) -> AsyncIterator[dict[str, str]]:
    turn = svc.turn(conv, turn_id)
    yield {"event": "status", "data": "Looking this up in the code sets…"}
    try:
        answer = await asyncio.to_thread(svc.run_turn, conv, turn)
    except AssistantError as exc:
        html = templates.env.get_template("_alert.html").render(error=exc)
        yield {"event": "part", "data": html}
        yield {"event": "status", "data": ""}
        yield {"event": "done", "data": ""}
        return
    for part in answer_parts(answer, conv):
        yield {"event": "part", "data": part}
    yield {"event": "status", "data": ""}
    yield {"event": "done", "data": ""}


@router.get("/chat/{conversation_id}/turns/{turn_id}/stream")
def stream(
    request: Request, conversation_id: str, turn_id: str, container: ContainerDep
) -> EventSourceResponse:
    svc = chat_service(request, container)
    conv = svc.conversation(conversation_id, create=False)
    svc.turn(conv, turn_id)  # 404 before the stream starts
    return EventSourceResponse(_events(svc, conv, turn_id), ping=15)


def _decisions_response(
    request: Request, conv: Conversation, container: Any, code: str | None = None, **extra: Any
) -> Response:
    if is_htmx(request):
        return render(request, "chat/_decisions_oob.html", _ctx(conv, container, changed=code, **extra))
    return RedirectResponse(f"/?c={conv.id}#decisions", status_code=303)


@router.post("/chat/{conversation_id}/decisions")
def decide(
    request: Request,
    conversation_id: str,
    container: ContainerDep,
    code: str = Form(...),
    system: str = Form("ICD-10-CM"),
    decision: str = Form(...),
) -> Response:
    svc = chat_service(request, container)
    conv = svc.decide(svc.conversation(conversation_id, create=False), code.strip().upper(), system, decision)
    return _decisions_response(request, conv, container, code)


def _cents(dollars: str, field: str) -> int:
    try:
        value = round(float(dollars.replace("$", "").replace(",", "")) * 100)
    except ValueError:
        raise InvalidInput(f"{dollars!r} is not an amount", field=field, fix="e.g. 125.00") from None
    if value <= 0:
        raise InvalidInput("the charge must be positive", field=field, fix="e.g. 125.00")
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date", field="date_of_service", fix="use YYYY-MM-DD") from None


@router.post("/chat/{conversation_id}/draft-claim")
def draft_claim(
    request: Request,
    conversation_id: str,
    container: ContainerDep,
    template_claim_id: str = Form(""),
    new_claim_id: str = Form(""),
    date_of_service: str = Form(""),
    default_charge: str = Form(""),
    procedure_code: str = Form(""),
) -> Response:
    svc = chat_service(request, container)
    conv = svc.conversation(conversation_id, create=False)
    if procedure_code.strip():
        from assistant.chat.service import system_of

        code = procedure_code.strip().upper()
        svc.decide(conv, code, system_of(code), "accepted")
    if not template_claim_id:
        raise InvalidInput(
            "choose the claim whose patient, payer and provider to use",
            field="template_claim_id",
            fix="import a claim on the Claims page first",
        )
    if not new_claim_id.strip():
        raise InvalidInput("the draft claim needs an ID", field="new_claim_id", fix="e.g. C-3001")
    result = svc.draft_claim(
        conv,
        template_claim_id=template_claim_id,
        new_claim_id=new_claim_id.strip(),
        date_of_service=_date(date_of_service),
        default_charge_cents=_cents(default_charge, "default_charge"),
        actor=current_user(request) or "chat",
    )
    if is_htmx(request):
        return render(request, "chat/_decisions_oob.html", _ctx(conv, container, draft=result))
    return RedirectResponse(f"/claims/{result.claim_id}", status_code=303)


# ---------------------------------------------------------------- JSON twins


class ChatIn(BaseModel):
    message: str
    conversation_id: str | None = None


class DecisionIn(BaseModel):
    code: str
    system: str = "ICD-10-CM"
    decision: str


class DraftIn(BaseModel):
    template_claim_id: str
    new_claim_id: str
    date_of_service: date
    default_charge_cents: int = Field(gt=0)


@router.post("/api/chat")
def api_chat(body: ChatIn, request: Request, container: ContainerDep) -> JSONResponse:
    svc = chat_service(request, container)
    conv = svc.conversation(body.conversation_id)
    turn = svc.add_turn(conv, body.message)
    answer = svc.run_turn(conv, turn)
    return JSONResponse(jsonable_encoder({"conversation_id": conv.id, "turn_id": turn.id, "answer": answer}))


@router.post("/api/chat/stream")
def api_chat_stream(body: ChatIn, request: Request, container: ContainerDep) -> EventSourceResponse:
    svc = chat_service(request, container)
    conv = svc.conversation(body.conversation_id)
    turn = svc.add_turn(conv, body.message)

    async def events() -> AsyncIterator[dict[str, str]]:
        yield {"event": "turn", "data": json.dumps({"conversation_id": conv.id, "turn_id": turn.id})}
        answer = await asyncio.to_thread(svc.run_turn, conv, turn)
        yield {"event": "answer", "data": json.dumps(jsonable_encoder(answer))}
        yield {"event": "done", "data": ""}

    return EventSourceResponse(events(), ping=15)


@router.get("/api/chat/{conversation_id}")
def api_conversation(conversation_id: str, request: Request, container: ContainerDep) -> JSONResponse:
    conv = chat_service(request, container).conversation(conversation_id, create=False)
    return JSONResponse(jsonable_encoder({**conv.model_dump(), "accepted": conv.accepted}))


@router.post("/api/chat/{conversation_id}/decisions")
def api_decide(
    conversation_id: str, body: DecisionIn, request: Request, container: ContainerDep
) -> JSONResponse:
    svc = chat_service(request, container)
    conv = svc.decide(
        svc.conversation(conversation_id, create=False), body.code.strip().upper(), body.system, body.decision
    )
    return JSONResponse(
        jsonable_encoder({"conversation_id": conv.id, "decisions": conv.decisions, "accepted": conv.accepted})
    )


@router.post("/api/chat/{conversation_id}/draft-claim", status_code=201)
def api_draft(conversation_id: str, body: DraftIn, request: Request, container: ContainerDep) -> JSONResponse:
    svc = chat_service(request, container)
    conv = svc.conversation(conversation_id, create=False)
    result = svc.draft_claim(
        conv,
        template_claim_id=body.template_claim_id,
        new_claim_id=body.new_claim_id,
        date_of_service=body.date_of_service,
        default_charge_cents=body.default_charge_cents,
        actor=request.headers.get("X-User", "api"),
    )
    return JSONResponse(jsonable_encoder(result), status_code=201)

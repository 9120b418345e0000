"""Chat (home page): one conversation for coders, billers and trainees. Answers stream over SSE.

HTML: GET / (the conversation), POST /chat (a message; HTMX gets a bubble that streams the answer,
plain forms are redirected back to the page with the answer rendered), decisions and the draft claim.
JSON twins: POST /api/chat, POST /api/chat/stream (SSE of JSON events), GET /api/chat/{id}, decisions, draft.

Chat needs ``codes:read``. A conversation belongs to the user who started it. Only a user holding
``claims:read`` and ``phi:read`` gets the chat that reads claims on file ("why was claim C-1001
denied?"); a trainee's chat has no database at all, so it can never show patient data. "Create draft
claim" (``claims:write`` and ``phi:write``) opens the claim form filled with the accepted codes: no
template claim, and the draft gets a generated claim ID. Claim reads are audited.

Each note is its own scope: accepting a code in one note never marks it in another. A note may join an
encounter the user picks (or starts here): its suggestions attach to the encounter and accepting a code
makes it the encounter's diagnosis. That needs ``encounters:write`` and ``phi:write`` and is audited.
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

from assistant.chat.highlight import without_markup
from assistant.chat.schemas import ChatAnswer, Conversation
from assistant.chat.service import ChatService
from assistant.claims import form as claim_form
from assistant.core.errors import AssistantError, InvalidInput
from assistant.encounters import service as encounters
from assistant.encounters.schemas import EncounterOpen, QueueFilter
from assistant.llm.client import LlmClient
from assistant.schedule import service as schedule
from assistant.security import audit
from assistant.security import service as security
from assistant.security.schemas import Principal
from web.deps import ContainerDep, SessionDep
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


ENCOUNTER_PERMISSIONS = ("encounters:write", "phi:write")


def codes_encounters(principal: Principal) -> bool:
    return all(principal.can(p) for p in ENCOUNTER_PERMISSIONS) and reads_claims(principal)


def require_encounter(
    request: Request, container: Any, principal: Principal, encounter_id: int, *, write: bool = True
) -> None:
    """The caller may code encounters (403 otherwise); the access is audited."""
    for permission in ENCOUNTER_PERMISSIONS:
        security.require(principal, permission)
    if not reads_claims(principal):
        security.require(principal, "claims:read")
    action = audit.PHI_WRITE if write else audit.PHI_READ
    record_phi(
        container, principal, request, "encounter", encounter_id, action=action, detail={"via": "chat"}
    )


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


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date", field="date_of_service", fix="use YYYY-MM-DD") from None


def _encounter_choices(request: Request, container: Any, principal: Principal) -> dict[str, Any]:
    """Open and coded encounters a note can join, and the patients and providers to start one."""
    if not codes_encounters(principal):
        return {}
    with container.sessions() as session:
        found = encounters.queue(session, QueueFilter(statuses=["open", "coded"], limit=50))
        patients = schedule.patient_choices(session)
        providers = schedule.provider_choices(session)
    record_phi(container, principal, request, "encounter", None, detail={"list": "chat encounter picker"})
    return {"encounter_choices": found, "patient_choices": patients, "provider_choices": providers}


def _scope_encounter(conv: Conversation, container: Any, principal: Principal) -> Any:
    if conv.scope_encounter_id is None or not codes_encounters(principal):
        return None
    with container.sessions() as session:
        return encounters.get_encounter(session, conv.scope_encounter_id)


def _ctx(
    request: Request, conv: Conversation, container: Any, principal: Principal, **extra: Any
) -> dict[str, Any]:
    return {
        "conv": conv,
        "today": date.today().isoformat(),
        "active": "chat",
        "scope_encounter": _scope_encounter(conv, container, principal),
        **_encounter_choices(request, container, principal),
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


def answer_parts(answer: ChatAnswer, conv: Conversation, csrf_token: str = "", turn: Any = None) -> list[str]:
    """The answer as HTML pieces, in order (what the stream sends and the page shows)."""
    env = templates.env
    ctx = {"a": answer, "conv": conv, "csrf_token": csrf_token, "turn": turn}
    parts = []
    for block in ANSWER_BLOCKS:
        html = render_block(env, ANSWER_TEMPLATE, block, **ctx)
        if html.strip():
            parts.append(html)
    return parts


templates.env.globals.setdefault("answer_parts", answer_parts)
templates.env.filters.setdefault("without_markup", without_markup)


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
    encounter_id: str = Form(""),
) -> Response:
    svc = chat_service(request, container, principal)
    conv = conversation(request, svc, principal, conversation_id or request.cookies.get(CONV_COOKIE))
    try:
        joined = _joined_encounter(request, container, principal, svc, encounter_id)
        turn = svc.add_turn(conv, message, joined)
    except AssistantError as exc:
        if not is_htmx(request):
            raise
        # under the form, not among the turns: the next turn that goes through clears it
        alert = render(request, "_alert.html", {"error": exc})
        alert.headers.update({"HX-Retarget": "#chat-error", "HX-Reswap": "innerHTML"})
        return alert
    if is_htmx(request):
        ctx = {"conv": conv, "turn": turn, "stream": True, "clear_error": True}
        return render(request, "chat/_turn.html", ctx)
    run_turn(request, container, principal, svc, conv, turn)
    return RedirectResponse(f"/?c={conv.id}#turn-{turn.id}", status_code=303)


def _joined_encounter(
    request: Request, container: Any, principal: Principal, svc: ChatService, encounter_id: str | int | None
) -> int | None:
    """The encounter a new note joins (None: the note alone), checked and audited."""
    if encounter_id in (None, ""):
        return None
    try:
        eid = int(encounter_id)  # type: ignore[arg-type]
    except ValueError:
        raise InvalidInput(f"{encounter_id!r} is not an encounter", field="encounter_id") from None
    require_encounter(request, container, principal, eid)
    found = svc.encounter(eid)
    if not found.can_edit:
        raise InvalidInput(
            f"encounter {eid} is billed", field="encounter_id", fix="start a new encounter for this note"
        )
    return eid


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
    for part in answer_parts(answer, conv, token, turn):
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
    turn_id: str = Form(""),
) -> Response:
    svc = chat_service(request, container, principal)
    conv = conversation(request, svc, principal, conversation_id, create=False)
    _check_scope(request, container, principal, conv, turn_id or None)
    conv = svc.decide(conv, code.strip().upper(), system, decision, turn_id=turn_id or None)
    return _decisions_response(request, conv, container, principal, code, changed_turn=conv.scope_turn_id)


def _check_scope(
    request: Request, container: Any, principal: Principal, conv: Conversation, turn_id: str | None
) -> None:
    """Deciding on a note that joined an encounter changes the encounter: the caller must code it."""
    turn = conv.turn_by_id(turn_id or conv.scope_turn_id)
    if turn is not None and turn.encounter_id is not None:
        require_encounter(request, container, principal, turn.encounter_id)


@router.post("/chat/{conversation_id}/encounter")
def start_encounter(
    request: Request,
    conversation_id: str,
    container: ContainerDep,
    session: SessionDep,
    principal: Annotated[Principal, require("codes:read", *ENCOUNTER_PERMISSIONS, record="encounter")],
    patient_id: str = Form(""),
    provider_id: str = Form(""),
    date_of_service: str = Form(""),
) -> Response:
    """Start an encounter for the next note (a walk-in, or a visit not booked on the schedule)."""
    svc = chat_service(request, container, principal)
    conv = conversation(request, svc, principal, conversation_id, create=False)
    data = EncounterOpen(
        patient_id=_form_int(patient_id, "patient_id"),
        rendering_provider_id=_form_int(provider_id, "provider_id"),
        date_of_service=_date(date_of_service),
        place_of_service="11",
    )
    _open_for_next_note(svc, conv, session, data, principal)
    return RedirectResponse(f"/?c={conv.id}#chat-form", status_code=303)


def _open_for_next_note(
    svc: ChatService, conv: Conversation, session: Any, data: EncounterOpen, principal: Principal
) -> int:
    encounter_id = encounters.open_encounter(session, data, actor=principal.username)
    session.commit()
    conv.encounter_id = encounter_id
    svc.save(conv)
    return encounter_id


def _form_int(text: str, field: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidInput("choose one from the list", field=field) from None


def _form_url(conv: Conversation) -> str:
    """The claim form for a conversation: its encounter's form when the last note joined one (accepting a code
    there made it the encounter's diagnosis), else the form filled from the chat's accepted codes."""
    if conv.scope_encounter_id is not None:
        return f"/claims/new?encounter={conv.scope_encounter_id}"
    return f"/claims/new?conversation={quote(conv.id)}"


@router.post("/chat/{conversation_id}/draft-claim")
def draft_claim(
    conversation_id: str, request: Request, container: ContainerDep, principal: Drafter
) -> Response:
    """The claim form filled from the encounter the note joined, else from this conversation's accepted
    codes (no template claim; nothing saved)."""
    svc = chat_service(request, container, principal)
    target = _form_url(conversation(request, svc, principal, conversation_id, create=False))
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


# ---------------------------------------------------------------- JSON twins


class ChatIn(BaseModel):
    message: str
    conversation_id: str | None = None
    encounter_id: int | None = None  # the encounter the note joins


class EncounterIn(BaseModel):
    patient_id: int
    rendering_provider_id: int
    date_of_service: date


class DecisionIn(BaseModel):
    code: str
    system: str = "ICD-10-CM"
    decision: str
    turn_id: str | None = None  # the note decided on (default: the last note coded)


@router.post("/api/chat")
def api_chat(body: ChatIn, request: Request, container: ContainerDep, principal: Chatter) -> JSONResponse:
    svc = chat_service(request, container, principal)
    conv = conversation(request, svc, principal, body.conversation_id)
    turn = svc.add_turn(
        conv, body.message, _joined_encounter(request, container, principal, svc, body.encounter_id)
    )
    answer = run_turn(request, container, principal, svc, conv, turn)
    return JSONResponse(jsonable_encoder({"conversation_id": conv.id, "turn_id": turn.id, "answer": answer}))


@router.post("/api/chat/stream")
def api_chat_stream(
    body: ChatIn, request: Request, container: ContainerDep, principal: Chatter
) -> EventSourceResponse:
    svc = chat_service(request, container, principal)
    conv = conversation(request, svc, principal, body.conversation_id)
    turn = svc.add_turn(
        conv, body.message, _joined_encounter(request, container, principal, svc, body.encounter_id)
    )

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
    _check_scope(request, container, principal, conv, body.turn_id)
    conv = svc.decide(conv, body.code.strip().upper(), body.system, body.decision, turn_id=body.turn_id)
    return JSONResponse(
        jsonable_encoder({"conversation_id": conv.id, "decisions": conv.decisions, "accepted": conv.accepted})
    )


@router.post("/api/chat/{conversation_id}/encounter", status_code=201)
def api_start_encounter(
    conversation_id: str,
    body: EncounterIn,
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    principal: Annotated[Principal, require("codes:read", *ENCOUNTER_PERMISSIONS, record="encounter")],
) -> JSONResponse:
    svc = chat_service(request, container, principal)
    conv = conversation(request, svc, principal, conversation_id, create=False)
    data = EncounterOpen(
        patient_id=body.patient_id,
        rendering_provider_id=body.rendering_provider_id,
        date_of_service=body.date_of_service,
        place_of_service="11",
    )
    encounter_id = _open_for_next_note(svc, conv, session, data, principal)
    return JSONResponse({"conversation_id": conv.id, "encounter_id": encounter_id}, status_code=201)


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
        if conv.scope_encounter_id is not None:
            form = claim_form.prefill(session, encounter_id=conv.scope_encounter_id)
        else:
            form = claim_form.prefill(session, diagnoses=dx, procedures=procs)
    return JSONResponse(jsonable_encoder({"form_url": _form_url(conv), "form": form}))

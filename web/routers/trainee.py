"""Trainee mode pages (no patient data): quizzes from the code sets, scores, "this code or its sibling".

Quizzes belong to the signed-in user: the quiz taker is always ``principal.username``. Another user's
score history needs ``users:admin``. Nothing here reads a patient, claim or ledger record.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from assistant.core.errors import InvalidInput
from assistant.security import service as security
from assistant.security.permissions import USERS_ADMIN
from assistant.security.schemas import Principal
from assistant.trainee import service
from web.deps import ReferenceDep, SessionDep
from web.rendering import wants_json
from web.routers.pages_common import respond
from web.security_deps import require

router = APIRouter(tags=["trainee"])
Reader = Annotated[Principal, require("trainee:read")]
Writer = Annotated[Principal, require("trainee:write")]


def _as_self(principal: Principal, username: str | None) -> str:
    """The quiz taker: the signed-in user. A different name in a request is refused."""
    if username and username.strip() and username.strip() != principal.username:
        raise InvalidInput(
            f"quizzes are taken as yourself ({principal.username}), not as {username.strip()!r}",
            field="username",
            fix="leave username out: the signed-in user takes the quiz",
        )
    return principal.username


def _own_quiz(session: Any, quiz_id: int, principal: Principal) -> Any:
    quiz = service.get_quiz(session, quiz_id)
    if quiz.username != principal.username:
        security.require(principal, USERS_ADMIN)  # only an admin looks at someone else's quiz
    return quiz


@router.get("/trainee")
@router.get("/api/trainee")
def home(request: Request, session: SessionDep, principal: Reader, topic: str = "") -> Response:
    user = principal.username
    return respond(
        request,
        "trainee/index.html",
        {"username": user, "topic": topic, "history": service.history(session, user)},
        extra={"active": "trainee"},
    )


class StartIn(BaseModel):
    topic: str
    count: int = Field(default=5, ge=1, le=20)
    seed: int | None = None
    username: str | None = None  # optional; must be the signed-in user


@router.post("/trainee/quizzes")
async def start_form(
    request: Request, session: SessionDep, reference: ReferenceDep, principal: Writer
) -> Response:
    form = await request.form()
    count = str(form.get("count") or "5")
    quiz = service.start_quiz(
        session,
        reference,
        _as_self(principal, str(form.get("username") or "")),
        str(form.get("topic") or ""),
        count=int(count) if count.isdigit() else 5,
    )
    session.commit()
    return RedirectResponse(f"/trainee/quizzes/{quiz.id}", status_code=303)


@router.post("/api/trainee/quizzes", status_code=201)
def start_api(body: StartIn, session: SessionDep, reference: ReferenceDep, principal: Writer) -> Any:
    user = _as_self(principal, body.username)
    return service.start_quiz(session, reference, user, body.topic, count=body.count, seed=body.seed)


@router.get("/trainee/quizzes/{quiz_id}")
@router.get("/api/trainee/quizzes/{quiz_id}")
def show(request: Request, quiz_id: int, session: SessionDep, principal: Reader) -> Response:
    quiz = _own_quiz(session, quiz_id, principal)
    if quiz.answered and not wants_json(request):
        return RedirectResponse(f"/trainee/quizzes/{quiz_id}/result", status_code=303)
    return respond(request, "trainee/quiz.html", {"quiz": quiz}, extra={"active": "trainee"})


class AnswersIn(BaseModel):
    answers: dict[int, str]
    username: str | None = None  # optional; must be the signed-in user


@router.post("/trainee/quizzes/{quiz_id}/answers")
async def answer_form(
    request: Request, quiz_id: int, session: SessionDep, reference: ReferenceDep, principal: Writer
) -> Response:
    form = await request.form()
    answers = {int(k[2:]): str(v) for k, v in form.items() if k.startswith("q-") and k[2:].isdigit()}
    user = _as_self(principal, str(form.get("username") or ""))
    service.submit(session, reference, quiz_id, answers, user)
    session.commit()
    return RedirectResponse(
        f"/trainee/quizzes/{quiz_id}/result", status_code=303
    )  # a reload re-sends nothing


@router.get("/trainee/quizzes/{quiz_id}/result")
@router.get("/api/trainee/quizzes/{quiz_id}/result")
def result(
    request: Request, quiz_id: int, session: SessionDep, reference: ReferenceDep, principal: Reader
) -> Response:
    quiz = _own_quiz(session, quiz_id, principal)
    outcome = service.result(session, reference, quiz.id)
    hist = service.history(session, outcome.username)
    return respond(
        request, "trainee/result.html", {"result": outcome, "history": hist}, extra={"active": "trainee"}
    )


@router.post("/api/trainee/quizzes/{quiz_id}/answers")
def answer_api(
    quiz_id: int, body: AnswersIn, session: SessionDep, reference: ReferenceDep, principal: Writer
) -> Any:
    return service.submit(session, reference, quiz_id, body.answers, _as_self(principal, body.username))


@router.get("/api/trainee/history/{username}")
def history_api(username: str, session: SessionDep, principal: Reader) -> Any:
    if username != principal.username:
        security.require(principal, USERS_ADMIN)
    return service.history(session, username)

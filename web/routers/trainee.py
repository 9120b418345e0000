"""Trainee mode pages (no patient data): quizzes from the code sets, scores, "this code or its sibling"."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from assistant.trainee import service
from web.deps import ReferenceDep, SessionDep
from web.routers.pages_common import current_user, remember_user, respond

router = APIRouter(tags=["trainee"])


@router.get("/trainee")
@router.get("/api/trainee")
def home(request: Request, session: SessionDep, topic: str = "", username: str = "") -> Response:
    user = current_user(request, username)
    hist = service.history(session, user) if user else []
    return respond(
        request,
        "trainee/index.html",
        {"username": user, "topic": topic, "history": hist},
        extra={"active": "trainee"},
    )


class StartIn(BaseModel):
    username: str
    topic: str
    count: int = Field(default=5, ge=1, le=20)
    seed: int | None = None


@router.post("/trainee/quizzes")
async def start_form(request: Request, session: SessionDep, reference: ReferenceDep) -> Response:
    form = await request.form()
    username = str(form.get("username") or current_user(request))
    count = str(form.get("count") or "5")
    quiz = service.start_quiz(
        session, reference, username, str(form.get("topic") or ""), count=int(count) if count.isdigit() else 5
    )
    session.commit()
    return remember_user(RedirectResponse(f"/trainee/quizzes/{quiz.id}", status_code=303), quiz.username)


@router.post("/api/trainee/quizzes", status_code=201)
def start_api(body: StartIn, session: SessionDep, reference: ReferenceDep) -> Any:
    return service.start_quiz(session, reference, body.username, body.topic, count=body.count, seed=body.seed)


@router.get("/trainee/quizzes/{quiz_id}")
@router.get("/api/trainee/quizzes/{quiz_id}")
def show(request: Request, quiz_id: int, session: SessionDep) -> Response:
    return respond(
        request,
        "trainee/quiz.html",
        {"quiz": service.get_quiz(session, quiz_id)},
        extra={"active": "trainee"},
    )


class AnswersIn(BaseModel):
    username: str
    answers: dict[int, str]


@router.post("/trainee/quizzes/{quiz_id}/answers")
async def answer_form(
    request: Request, quiz_id: int, session: SessionDep, reference: ReferenceDep
) -> Response:
    form = await request.form()
    answers = {int(k[2:]): str(v) for k, v in form.items() if k.startswith("q-") and k[2:].isdigit()}
    username = str(form.get("username") or current_user(request))
    result = service.submit(session, reference, quiz_id, answers, username)
    hist = service.history(session, result.username)
    return respond(
        request, "trainee/result.html", {"result": result, "history": hist}, extra={"active": "trainee"}
    )


@router.post("/api/trainee/quizzes/{quiz_id}/answers")
def answer_api(quiz_id: int, body: AnswersIn, session: SessionDep, reference: ReferenceDep) -> Any:
    return service.submit(session, reference, quiz_id, body.answers, body.username)


@router.get("/api/trainee/history/{username}")
def history_api(username: str, session: SessionDep) -> Any:
    return service.history(session, username)

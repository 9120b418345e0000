"""Quizzes from the code sets: given an inclusion term, index term or description, pick the code among
its siblings. Scored against the code set; each user's scores are kept. No patient data is involved."""

from __future__ import annotations

import random
import re
from typing import Any

from sqlalchemy.orm import Session

from assistant.chat.facts import compare, index_terms_for
from assistant.core.db import utcnow
from assistant.core.errors import Conflict, InvalidInput, NotFound
from assistant.trainee import repository as repo
from assistant.trainee.models import TraineeQuiz
from assistant.trainee.schemas import (
    HistoryRow,
    Option,
    Question,
    QuestionResult,
    QuizOut,
    QuizResult,
    StoredQuestion,
)

USERNAME_RE = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
SYSTEM = "ICD-10-CM"


def check_username(username: str) -> str:
    name = (username or "").strip()
    if not USERNAME_RE.fullmatch(name):
        raise InvalidInput(
            "a username is needed to keep your scores",
            field="username",
            fix="use 1-64 letters, digits, '.', '_', '@' or '-'",
        )
    return name


def _candidates(reference: Any, topic: str, limit: int = 80) -> list[str]:
    hits = reference.search(topic, system=SYSTEM, limit=limit)
    return [h.code for h in hits if h.billable]


def generate(
    reference: Any, topic: str, *, count: int = 5, options: int = 4, seed: int | None = None
) -> list[StoredQuestion]:
    """Questions with their answers (stored server-side). Deterministic for a given seed."""
    topic = (topic or "").strip()
    if not topic:
        raise InvalidInput(
            "a quiz needs a topic", field="topic", fix="e.g. diabetes, asthma, fracture of femur"
        )
    if not 1 <= count <= 20:
        raise InvalidInput("a quiz has 1 to 20 questions", field="count", fix="choose 1 to 20")
    rng = random.Random(seed)
    seen_parents: set[str] = set()
    questions: list[StoredQuestion] = []
    codes = _candidates(reference, topic)
    rng.shuffle(codes)
    for code in codes:
        if len(questions) >= count:
            break
        info = reference.get_code(code, SYSTEM)
        if not info.parent or info.parent in seen_parents:
            continue
        parent = reference.get_code(info.parent, SYSTEM)
        siblings = [c for c in parent.children if c.billable and c.code != info.code]
        if len(siblings) < 1:
            continue
        seen_parents.add(parent.code)
        prompts: list[tuple[str, str]] = [("inclusion_term", t) for t in info.notes.inclusion_terms]
        prompts += [("index_term", t) for t in index_terms_for(reference, info.code, limit=5)]
        kind, prompt = rng.choice(prompts) if prompts else ("title", info.title)
        picked = rng.sample(siblings, min(options - 1, len(siblings)))
        opts = [Option(code=c.code, title=c.title) for c in [*picked, info]]
        rng.shuffle(opts)
        if kind == "title":  # the description is the answer's title: show the codes only
            opts = [Option(code=o.code, title="") for o in opts]
        questions.append(
            StoredQuestion(
                number=len(questions) + 1,
                prompt=prompt,
                prompt_kind=kind,
                parent=parent.code,
                parent_title=parent.title,
                options=opts,
                answer=info.code,
            )
        )
    if not questions:
        raise NotFound(
            f"no quiz material for “{topic}” in {SYSTEM}",
            field="topic",
            fix="try a broader topic, e.g. diabetes, hypertension, asthma",
        )
    return questions


def _stored(quiz: TraineeQuiz) -> list[StoredQuestion]:
    return [StoredQuestion.model_validate(q) for q in quiz.questions]


def _out(quiz: TraineeQuiz) -> QuizOut:
    qs = [Question.model_validate(q) for q in quiz.questions]  # the stored answer is left out
    return QuizOut(
        id=quiz.id,
        username=quiz.username,
        topic=quiz.topic,
        release=quiz.release,
        questions=qs,
        answered=quiz.score is not None,
    )


def start_quiz(
    session: Session, reference: Any, username: str, topic: str, *, count: int = 5, seed: int | None = None
) -> QuizOut:
    name = check_username(username)
    questions = generate(reference, topic, count=count, seed=seed)
    release = reference.release_for(SYSTEM).release
    quiz = repo.add(
        session,
        TraineeQuiz(
            username=name,
            topic=topic.strip()[:120],
            release=release,
            questions=[q.model_dump() for q in questions],
            total=len(questions),
        ),
    )
    return _out(quiz)


def get_quiz(session: Session, quiz_id: int) -> QuizOut:
    quiz = repo.get(session, quiz_id)
    if quiz is None:
        raise NotFound(f"no quiz {quiz_id}", field="quiz_id", fix="start a new quiz")
    return _out(quiz)


def _why(reference: Any, correct: str, chosen: str | None) -> str:
    other = chosen if chosen and chosen != correct else None
    if other is None:
        info = reference.get_code(correct, SYSTEM)
        return f"{correct}: {info.title}."
    try:
        return compare(reference, correct, other, SYSTEM).summary
    except Exception:  # noqa: BLE001 - an unknown chosen code is simply wrong
        return f"{other} is not a code of this category."


def submit(
    session: Session, reference: Any, quiz_id: int, answers: dict[int, str], username: str
) -> QuizResult:
    quiz = repo.get(session, quiz_id)
    if quiz is None:
        raise NotFound(f"no quiz {quiz_id}", field="quiz_id", fix="start a new quiz")
    if quiz.username != check_username(username):
        raise Conflict("this quiz belongs to another user", field="username", fix="start your own quiz")
    if quiz.score is not None:
        raise Conflict(f"quiz {quiz_id} was already answered", field="quiz_id", fix="start a new quiz")
    questions = _stored(quiz)
    chosen_list = [(answers.get(q.number) or "").strip().upper() for q in questions]
    quiz.answers = chosen_list
    quiz.score = sum(chosen == q.answer for chosen, q in zip(chosen_list, questions, strict=True))
    quiz.answered_at = utcnow()
    session.flush()
    return _result(reference, quiz)


def _result(reference: Any, quiz: TraineeQuiz) -> QuizResult:
    """The scored quiz, from the answers stored when it was submitted."""
    chosen_list = list(quiz.answers or [])
    results = []
    for i, q in enumerate(_stored(quiz)):
        chosen = (chosen_list[i] if i < len(chosen_list) else "") or None
        correct = q.answer
        results.append(
            QuestionResult(
                number=q.number,
                prompt=q.prompt,
                chosen=chosen,
                correct=correct,
                is_correct=chosen == correct,
                why=_why(reference, correct, chosen),
            )
        )
    return QuizResult(
        id=quiz.id,
        username=quiz.username,
        topic=quiz.topic,
        score=sum(r.is_correct for r in results),
        total=quiz.total,
        results=results,
    )


def result(session: Session, reference: Any, quiz_id: int) -> QuizResult:
    """The result of an answered quiz (what the page shows after the answers were sent)."""
    quiz = repo.get(session, quiz_id)
    if quiz is None:
        raise NotFound(f"no quiz {quiz_id}", field="quiz_id", fix="start a new quiz")
    if quiz.score is None:
        raise Conflict(
            f"quiz {quiz_id} has not been answered yet",
            field="quiz_id",
            fix=f"answer it at /trainee/quizzes/{quiz_id}",
        )
    return _result(reference, quiz)


def history(session: Session, username: str) -> list[HistoryRow]:
    name = check_username(username)
    return [
        HistoryRow(
            id=q.id,
            topic=q.topic,
            score=q.score,
            total=q.total,
            created_at=q.created_at,
            answered_at=q.answered_at,
        )
        for q in repo.history(session, name)
    ]

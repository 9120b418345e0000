"""Trainee quiz storage (the only SQL of the trainee domain)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.trainee.models import TraineeQuiz


def add(session: Session, quiz: TraineeQuiz) -> TraineeQuiz:
    session.add(quiz)
    session.flush()
    return quiz


def get(session: Session, quiz_id: int) -> TraineeQuiz | None:
    return session.get(TraineeQuiz, quiz_id)


def history(session: Session, username: str, limit: int = 50) -> Sequence[TraineeQuiz]:
    stmt = (
        select(TraineeQuiz)
        .where(TraineeQuiz.username == username)
        .order_by(TraineeQuiz.created_at.desc(), TraineeQuiz.id.desc())
        .limit(limit)
    )
    return session.scalars(stmt).all()

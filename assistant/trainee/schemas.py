"""Trainee views: a quiz question without its answer, a scored result, a score history row."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class Option(BaseModel):
    code: str
    title: str


class Question(BaseModel):
    number: int
    prompt: str  # a description or an inclusion term of the target code
    prompt_kind: str  # inclusion_term | title
    parent: str  # the category the options come from
    parent_title: str
    options: list[Option]


class StoredQuestion(Question):
    """A question as generated and stored with its quiz (the answer never leaves the server)."""

    answer: str


class QuizOut(BaseModel):
    id: int
    username: str
    topic: str
    release: str
    questions: list[Question]
    answered: bool = False


class QuestionResult(BaseModel):
    number: int
    prompt: str
    chosen: str | None
    correct: str
    is_correct: bool
    why: str  # distinguishing words and notes, from the code set


class QuizResult(BaseModel):
    id: int
    username: str
    topic: str
    score: int
    total: int
    results: list[QuestionResult] = Field(default_factory=list)


class HistoryRow(BaseModel):
    id: int
    topic: str
    score: int | None
    total: int
    created_at: datetime
    answered_at: datetime | None

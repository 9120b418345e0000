from __future__ import annotations

from typing import Any

import pytest

from assistant.core.errors import Conflict, InvalidInput, NotFound
from assistant.trainee import service


def test_generated_questions_are_grounded_in_the_code_set(reference: Any) -> None:
    qs = service.generate(reference, "diabetes", count=4, seed=7)
    assert 1 <= len(qs) <= 4
    for q in qs:
        answer = reference.get_code(q.answer)
        assert answer.billable and answer.parent == q.parent
        codes = [o.code for o in q.options]
        assert q.answer in codes and len(set(codes)) == len(codes) >= 2
        siblings = {c.code for c in reference.get_code(q.parent).children}
        assert set(codes) <= siblings
    assert service.generate(reference, "diabetes", count=4, seed=7) == qs  # deterministic per seed


def test_quiz_scoring_and_history(reference: Any, sessions: Any) -> None:
    with sessions() as session:
        quiz = service.start_quiz(session, reference, "ann", "asthma", count=3, seed=1)
        stored = service.repo.get(session, quiz.id)
        right = {q["number"]: q["answer"] for q in stored.questions}
        answers = dict(right)
        first = min(answers)
        wrong = next(o.code for o in quiz.questions[0].options if o.code != right[first])
        answers[first] = wrong
        result = service.submit(session, reference, quiz.id, answers, "ann")
        assert result.score == len(right) - 1 and result.total == len(right)
        assert not result.results[0].is_correct and result.results[0].why
        with pytest.raises(Conflict):
            service.submit(session, reference, quiz.id, answers, "ann")
        hist = service.history(session, "ann")
        assert [(h.id, h.score) for h in hist] == [(quiz.id, len(right) - 1)]
        assert service.history(session, "bob") == []


def test_bad_inputs(reference: Any, sessions: Any) -> None:
    with sessions() as session:
        with pytest.raises(InvalidInput):
            service.start_quiz(session, reference, "", "diabetes")
        with pytest.raises(NotFound):
            service.start_quiz(session, reference, "ann", "zzqxv nonsenseword")
        with pytest.raises(NotFound):
            service.get_quiz(session, 999)

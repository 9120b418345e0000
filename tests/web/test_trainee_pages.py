from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_quiz_round_trip_with_history(client: TestClient) -> None:
    r = client.post("/trainee/quizzes", data={"username": "ann", "topic": "asthma", "count": "3"})
    assert r.status_code == 200 and "/trainee/quizzes/" in str(r.url)
    quiz_id = int(str(r.url).rsplit("/", 1)[1])
    quiz = client.get(f"/api/trainee/quizzes/{quiz_id}").json()["quiz"]
    assert "answer" not in str(quiz["questions"][0])  # answers stay on the server
    picks = {f"q-{q['number']}": q["options"][0]["code"] for q in quiz["questions"]}
    r = client.post(f"/trainee/quizzes/{quiz_id}/answers", data={"username": "ann", **picks})
    m = re.search(r"Score: (\d+) / (\d+)", r.text)
    assert m and int(m.group(2)) == len(quiz["questions"])
    hist = client.get("/api/trainee/history/ann").json()
    assert hist[0]["id"] == quiz_id and hist[0]["score"] == int(m.group(1))
    page = client.get("/trainee")  # the name is remembered in the session cookie
    assert "Scores of ann" in page.text


def test_quiz_json_api_validates(client: TestClient) -> None:
    r = client.post("/api/trainee/quizzes", json={"username": "bad name!", "topic": "asthma"})
    assert r.status_code == 422 and r.json()["field"] == "username"

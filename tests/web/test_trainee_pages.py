from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.auth import sign_in


def test_quiz_round_trip_with_history(anon: TestClient) -> None:
    client = anon
    sign_in(client, "ann", role="trainee")
    r = client.post("/trainee/quizzes", data={"topic": "asthma", "count": "3"})
    assert r.status_code == 200 and "/trainee/quizzes/" in str(r.url)
    quiz_id = int(str(r.url).rsplit("/", 1)[1])
    quiz = client.get(f"/api/trainee/quizzes/{quiz_id}").json()["quiz"]
    assert quiz["username"] == "ann"  # the signed-in user takes the quiz
    assert "answer" not in str(quiz["questions"][0])  # answers stay on the server
    picks = {f"q-{q['number']}": q["options"][0]["code"] for q in quiz["questions"]}
    r = client.post(f"/trainee/quizzes/{quiz_id}/answers", data=picks)
    m = re.search(r"Score: (\d+) / (\d+)", r.text)
    assert m and int(m.group(2)) == len(quiz["questions"])
    hist = client.get("/api/trainee/history/ann").json()
    assert hist[0]["id"] == quiz_id and hist[0]["score"] == int(m.group(1))
    page = client.get("/trainee")
    assert "Scores of ann" in page.text
    # a trainee sees only trainee and code pages in the menu, never the PHI areas
    nav = page.text.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    assert 'href="/trainee"' in nav and 'href="/codes"' in nav
    assert not any(f'href="/{area}"' in nav for area in ("claims", "remits", "billing", "admin/audit"))


def test_quiz_json_api_validates(anon: TestClient) -> None:
    client = anon
    sign_in(client, "ann", role="trainee")
    r = client.post("/api/trainee/quizzes", json={"username": "bob", "topic": "asthma"})
    assert r.status_code == 422 and r.json()["field"] == "username"  # no quizzes in someone else's name
    r = client.post("/api/trainee/quizzes", json={"topic": "asthma", "count": 50})
    assert r.status_code == 422
    r = client.post("/api/trainee/quizzes", json={"topic": "asthma", "count": 2, "seed": 1})
    assert r.status_code == 201 and r.json()["username"] == "ann"
    assert client.get("/api/trainee/history/bob").status_code == 403  # another user's scores: admin only

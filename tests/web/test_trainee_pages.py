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


def test_answers_redirect_to_the_result_so_a_reload_sends_nothing(anon: TestClient) -> None:
    client = anon
    sign_in(client, "ann", role="trainee")
    start = client.post("/trainee/quizzes", data={"topic": "asthma", "count": "2"}, follow_redirects=False)
    assert start.status_code == 303
    quiz_id = int(start.headers["location"].rsplit("/", 1)[1])
    quiz = client.get(f"/api/trainee/quizzes/{quiz_id}").json()["quiz"]
    picks = {f"q-{q['number']}": q["options"][0]["code"] for q in quiz["questions"]}
    r = client.post(f"/trainee/quizzes/{quiz_id}/answers", data=picks, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/trainee/quizzes/{quiz_id}/result"
    first = client.get(r.headers["location"])
    reload = client.get(r.headers["location"])  # what the browser repeats on reload: a GET
    score = re.search(r"Score: (\d+) / 2", first.text)
    assert score and score.group(0) in reload.text
    assert client.get(f"/api/trainee/quizzes/{quiz_id}/result").json()["result"]["score"] == int(
        score.group(1)
    )
    assert [h["id"] for h in client.get("/api/trainee/history/ann").json()] == [quiz_id]  # scored once
    back = client.get(f"/trainee/quizzes/{quiz_id}", follow_redirects=False)  # the answered quiz: its result
    assert back.status_code == 303 and back.headers["location"].endswith("/result")
    again = client.post(f"/trainee/quizzes/{quiz_id}/answers", data=picks, follow_redirects=False)
    assert again.status_code == 409 and "already answered" in again.text  # a second send is refused
    other = client.get(f"/trainee/quizzes/{quiz_id + 999}/result")
    assert other.status_code == 404

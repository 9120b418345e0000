"""/codes and its JSON twin /api/codes/search: codes, abbreviations, the Index walk and the release date."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_web_search_page_and_api(client: TestClient) -> None:
    page = client.get("/codes", params={"q": "E11.6"})
    assert page.status_code == 200 and "No code matches" not in page.text and "E11.65" in page.text
    assert "release 2027" in page.text  # FY2027 is in force today
    api = client.get("/api/codes/search", params={"q": "hypertension", "on": "2026-05-01"}).json()
    assert api["hits"][0]["code"] == "I10" and api["release"] == "2026-04-01"
    assert client.get("/api/codes/search", params={"q": "DM2"}).json()["hits"][0]["code"] == "E11.9"
    bad = client.get("/api/codes/search", params={"q": "E11.9", "on": "soon"})
    assert bad.status_code in (400, 422) and bad.json()["field"] == "on"

from __future__ import annotations

from fastapi.testclient import TestClient


def test_search_as_you_type_fragment_and_page(client: TestClient) -> None:
    page = client.get("/codes")
    assert (
        'hx-trigger="input changed delay:300ms, search"' in page.text
        and 'hx-sync="this:replace"' in page.text
    )
    assert "Chapter 4" in page.text
    frag = client.get("/codes/search", params={"q": "hyperglycemia type 2"}, headers={"HX-Request": "true"})
    assert "<html" not in frag.text and "E11.65" in frag.text
    full = client.get("/codes", params={"q": "hyperglycemia type 2"})
    assert "<html" in full.text and "E11.65" in full.text
    api = client.get("/api/codes/search", params={"q": "hyperglycemia type 2"}).json()
    assert any(h["code"] == "E11.65" for h in api["hits"])


def test_code_detail_tree_and_notes(client: TestClient) -> None:
    r = client.get("/codes/E11.65")
    assert r.status_code == 200
    assert (
        'href="/codes/E11?system=ICD-10-CM"' in r.text
        and "Excludes1" in r.text
        and "never together" in r.text
    )
    assert "Billable" in r.text and "History across releases" in r.text
    data = client.get("/api/codes/E11.65").json()
    assert data["facts"]["info"]["billable"] is True and data["history"][0]["present"] is True
    assert any(n["kind"] == "excludes1" and n["at"] == "E11" for n in data["facts"]["notes"])
    chapter = client.get("/codes/4")
    assert "E08-E13" in chapter.text


def test_unknown_code_is_a_clear_error(client: TestClient) -> None:
    r = client.get("/api/codes/E11.99")
    assert r.status_code == 404 and r.json()["field"] == "code"
    page = client.get("/codes/E11.99")
    assert page.status_code == 404 and 'role="alert"' in page.text


def test_compare_page(client: TestClient) -> None:
    r = client.get("/codes/compare", params={"a": "E11.65", "b": "E11.9"})
    assert r.status_code == 200 and "<mark>hyperglycemia</mark>" in r.text

"""The banner and its JSON twin while the search index builds, gone once it is ready."""

from __future__ import annotations

from fastapi.testclient import TestClient

from assistant.app.container import Container
from tests.suggest.building import Build


def test_banner_and_status_follow_the_build(client: TestClient, container: Container) -> None:
    assert client.get("/api/index/status").json()["state"] == "missing"
    build = Build(container.settings).start()
    try:
        status = client.get("/api/index/status").json()
        assert status["state"] == "building" and status["keyword_ready"] is True
        assert status["percent"] == 5
        page = client.get("/codes").text
        assert 'id="index-banner"' in page and "search index building: 5%" in page
        assert 'hx-get="/index/status"' in page  # the banner polls until the build is done
    finally:
        build.finish()
    assert client.get("/api/index/status").json()["state"] == "ready"
    fragment = client.get("/index/status").text
    assert "hidden" in fragment and "hx-get" not in fragment  # polling stops
    assert "search index" not in client.get("/codes").text.split("<main", 1)[0]


def test_status_is_public_and_holds_no_phi(anon: TestClient) -> None:
    body = anon.get("/api/index/status").json()
    assert set(body) == {"state", "stage", "percent", "done", "total", "keyword_ready", "message"}

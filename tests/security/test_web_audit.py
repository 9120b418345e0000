"""PHI reads and writes through the web app leave audit entries; the audit log is for admins only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.app.container import Container
from assistant.config import Settings
from tests.web.auth import sign_in, token_for

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def client(tmp_settings: Settings, reference: Any) -> Iterator[TestClient]:
    from tests.web.fakes import StubSuggester
    from web.app import create_app

    tmp_settings.data_dir.mkdir(parents=True, exist_ok=True)
    container = Container(tmp_settings)
    container.__dict__["reference"] = reference
    container.set_suggester(StubSuggester())
    with TestClient(create_app(tmp_settings, container=container, load_engine=False)) as tc:
        yield tc


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _entries(client: TestClient, admin: str, **params: Any) -> dict[str, Any]:
    r = client.get("/api/audit", params=params, headers=_auth(admin))
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_phi_reads_and_writes_are_audited(client: TestClient) -> None:
    admin = token_for(client, "root", "admin")
    biller = token_for(client, "bea", "biller")
    doc = (FIXTURES / "claims" / "claim_clean.json").read_bytes()
    assert client.post("/api/claims", content=doc, headers=_auth(biller)).status_code == 201
    assert client.get("/api/claims/C-2001", headers=_auth(biller)).status_code == 200
    assert client.get("/api/claims/C-2001/x12", headers=_auth(biller)).status_code == 200
    assert client.get("/api/billing/balance/W123456789", headers=_auth(biller)).status_code == 200
    mine = _entries(client, admin, user="bea")["entries"]
    seen = [(e["action"], e["target_type"], e["target_id"]) for e in reversed(mine)]
    assert seen == [
        ("phi.write", "claim", "C-2001"),
        ("phi.read", "claim", "C-2001"),
        ("export.837", "claim", "C-2001"),
        ("phi.read", "patient", "W123456789"),
    ]
    read = next(e for e in mine if e["action"] == "phi.read" and e["target_type"] == "claim")
    assert read["ip"] == "testclient" and read["detail"] == {"method": "GET", "path": "/api/claims/C-2001"}


def test_session_page_read_is_audited_once(client: TestClient) -> None:
    admin = token_for(client, "root", "admin")
    doc = (FIXTURES / "claims" / "claim_clean.json").read_bytes()
    client.post("/api/claims", content=doc, headers=_auth(admin))
    sign_in(client, "bea", role="biller")
    assert client.get("/claims/C-2001").status_code == 200
    reads = _entries(client, admin, user="bea", action="phi.read")
    assert reads["total"] == 1 and reads["entries"][0]["target_id"] == "C-2001"


def test_refused_access_is_audited_and_reads_nothing(client: TestClient) -> None:
    admin = token_for(client, "root", "admin")
    trainee = token_for(client, "tia", "trainee")
    r = client.get("/api/claims/C-2001", headers=_auth(trainee))
    assert r.status_code == 403 and r.json()["field"] == "permission"
    tia = _entries(client, admin, user="tia")["entries"]
    assert [e["action"] for e in tia] == ["access.denied"]
    assert tia[0]["target_id"] == "GET /api/claims/C-2001" and tia[0]["detail"]["permission"] == "claims:read"


def test_audit_api_is_admin_only_with_filters_and_pages(client: TestClient) -> None:
    admin = token_for(client, "root", "admin")
    biller = token_for(client, "bea", "biller")
    for _ in range(3):
        client.get("/api/claims", headers=_auth(biller))
    assert client.get("/api/audit", headers=_auth(biller)).status_code == 403
    assert client.get("/api/audit").status_code == 401
    everything = _entries(client, admin)
    assert everything["total"] >= 8 and everything["page"] == 1
    page = _entries(client, admin, action="phi.*", per_page=2)
    assert page["total"] == 3 and page["pages"] == 2 and len(page["entries"]) == 2
    ids = [e["id"] for e in page["entries"]]
    second = _entries(client, admin, action="phi.*", per_page=2, page=2)
    assert len(second["entries"]) == 1 and second["entries"][0]["id"] < min(ids)
    today = date.today()
    assert _entries(client, admin, since=today.isoformat(), until=today.isoformat())["total"] >= 8
    assert _entries(client, admin, until=(today - timedelta(days=2)).isoformat())["total"] == 0
    bad = client.get("/api/audit", params={"per_page": 0}, headers=_auth(admin))
    assert bad.status_code == 422 and bad.json()["field"] == "per_page"


def test_admin_pages(client: TestClient) -> None:
    token_for(client, "bea", "biller")
    sign_in(client, "root", role="admin")
    audit_page = client.get("/admin/audit", params={"action": "token.*"})
    assert audit_page.status_code == 200 and "<code>token.issue</code>" in audit_page.text
    assert "<code>login.success</code>" not in audit_page.text
    assert "<code>login.success</code>" in client.get("/admin/audit", params={"user": "root"}).text
    users = client.get("/admin/users")
    assert users.status_code == 200 and '">bea</a></td><td>biller</td>' in users.text
    assert client.get("/api/users").json()[0]["username"] == "bea"
    assert client.get("/api/openapi.json").json()["info"]["title"]
    client.cookies.clear()
    sign_in(client, "bea", role="biller")
    assert client.get("/admin/audit").status_code == 403 and client.get("/admin/users").status_code == 403


def test_a_bad_filter_date_is_a_form_error_in_words(client: TestClient) -> None:
    sign_in(client, "ada", role="admin")
    page = client.get("/admin/audit", params={"since": "2026-13-45", "user": "ada"})
    assert page.status_code == 422
    alert = page.text.split('id="filter-error">')[1].split("</div>")[0]
    assert "the From date &#39;2026-13-45&#39; is not a calendar date" in alert
    assert "year-month-day" in alert and "Input should be" not in page.text and "valid date" not in page.text
    assert 'name="since" type="date" value="2026-13-45" aria-invalid="true"' in page.text  # kept, flagged
    assert 'value="ada"' in page.text  # the other filters stay as typed
    backwards = client.get("/admin/audit", params={"since": "2026-11-30", "until": "2026-11-01"})
    assert "the From date (2026-11-30) is after the To date (2026-11-01)" in backwards.text
    api = client.get("/api/audit", params={"until": "yesterday"})
    assert api.status_code == 422 and api.json()["field"] == "until" and "To date" in api.json()["message"]
    assert client.get("/admin/audit", params={"since": "2026-11-01"}).status_code == 200

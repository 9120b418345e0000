"""Every route is either public (an explicit list) or refuses anonymous callers and roles lacking its
permission; trainees never reach patient data."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount

from assistant.security.permissions import ROLES, permissions_for
from tests.web.auth import sign_in, token_for
from web.security_deps import permissions_of

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PUBLIC = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/api/auth/login"),
    ("GET", "/health"),
    ("GET", "/api/health"),
    ("GET", "/index/status"),
    ("GET", "/api/index/status"),
}
PUBLIC_MOUNTS = {"/static"}
# Role to try first when looking for one that lacks a route's permission.
ROLE_ORDER = ("trainee", "coder", "biller", "admin")


def _required(dependant: Any) -> set[str] | None:
    """Permissions checked by the ``require`` dependencies of a route (None: no ``require`` at all)."""
    found: set[str] | None = None
    for dep in dependant.dependencies:
        perms = permissions_of(dep.call) if dep.call else None
        if perms is not None:
            found = (found or set()) | set(perms)
        sub = _required(dep)
        if sub is not None:
            found = (found or set()) | sub
    return found


def _path(route: Any) -> str:
    return re.sub(r"\{([^}:]+)(:[^}]+)?\}", "1", route.path)


def _routes(client: TestClient) -> list[tuple[str, Any]]:
    """(method, route) for every effective route; a route exposes ``path`` and ``dependant``
    (with the dependencies of the routers it was included through)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before included-router contexts: the routes are flat already
        contexts: list[Any] = list(client.app.routes)  # type: ignore[attr-defined]
    else:
        contexts = list(iter_route_contexts(client.app.routes))  # type: ignore[attr-defined]
    out = []
    for route in contexts:
        original = getattr(route, "original_route", route)
        if isinstance(original, Mount):
            assert route.path in PUBLIC_MOUNTS, f"unexpected mount {route.path}"
            continue
        assert isinstance(original, APIRoute), f"unexpected route type {original!r}"
        for method in sorted(set(route.methods) - {"HEAD"}):
            out.append((method, route))
    return out


def _lacking_role(perms: set[str]) -> str | None:
    for role in ROLE_ORDER:
        granted = permissions_for(role)
        if any(not (p in granted or f"{p.split(':')[0]}:*" in granted) for p in perms):
            return role
    return None


def test_every_route_is_public_or_refuses_strangers_and_wrong_roles(anon: TestClient) -> None:
    client = anon
    tokens = {role: token_for(client, f"{role}-probe", role) for role in ROLES}
    routes = _routes(client)
    assert len(routes) > 60  # the whole app, not a handful
    seen_public = set()
    unprotected = []
    checked_403 = 0
    for method, route in routes:
        key = (method, route.path)
        perms = _required(route.dependant)
        if key in PUBLIC:
            seen_public.add(key)
            assert perms is None, f"public route {key} declares permissions"
            continue
        if perms is None:
            unprotected.append(key)
            continue
        url = _path(route)
        r = client.request(method, url, follow_redirects=False)
        if url.startswith("/api/"):
            assert r.status_code == 401, (key, r.status_code, r.text[:200])
            body = r.json()
            assert body["error"] == "Unauthorized" and body["field"] and body["fix"], key
        else:
            assert r.status_code == 303, (key, r.status_code)
            assert r.headers["location"].startswith("/login"), key
        role = _lacking_role(perms)
        if role is None:
            continue  # every role may (codes:read, sign-out, who-am-I)
        r = client.request(
            method, url, headers={"Authorization": f"Bearer {tokens[role]}"}, follow_redirects=False
        )
        assert r.status_code == 403, (key, role, r.status_code, r.text[:200])
        if url.startswith("/api/"):
            assert r.json()["field"] == "permission"
        checked_403 += 1
        if any(p.startswith("phi:") for p in perms):
            assert role == "trainee"  # the role tried first: a trainee never reaches PHI
    assert unprotected == [], f"routes without require(): {unprotected}"
    assert seen_public == PUBLIC
    assert checked_403 > 40


def test_phi_routes_declare_phi_and_trainee_lacks_it(anon: TestClient) -> None:
    phi_prefixes = (
        "/api/claims",
        "/claims",
        "/api/remits",
        "/remits",
        "/api/billing",
        "/billing",
        "/api/denials",
        "/patients",
        "/api/patients",
        "/reports",
        "/api/reports",
    )
    lists = {
        ("GET", "/api/claims"),
        ("GET", "/api/remits"),
        ("GET", "/api/billing/aging"),
        ("GET", "/api/billing/search"),
        ("GET", "/api/billing/plans/overview"),
        ("GET", "/api/reports"),
        ("GET", "/reports"),
    }
    found = {(m, r.path): _required(r.dependant) for m, r in _routes(anon) if (m, r.path) in lists}
    assert set(found) == lists and all(perms and "phi:read" in perms for perms in found.values())
    for method, route in _routes(anon):
        if route.path.startswith(phi_prefixes) and route.path != "/api/denials/patterns":
            perms = _required(route.dependant) or set()
            if route.path.startswith("/api/denials/patterns/"):
                continue  # promoting a pattern writes a payer rule, no patient record
            assert perms & {"phi:read", "phi:write"}, (method, route.path)
            assert "phi:write" in perms or method == "GET" or route.path.endswith(("/appeal", "/explain")), (
                method,
                route.path,
            )


def test_trainee_chat_never_shows_patient_data(anon: TestClient) -> None:
    client = anon
    admin = token_for(client, "boss", "admin")
    doc = (FIXTURES / "claims" / "claim_clean.json").read_bytes()
    assert (
        client.post("/api/claims", content=doc, headers={"Authorization": f"Bearer {admin}"}).status_code
        == 201
    )
    patient = client.get("/api/claims/C-2001", headers={"Authorization": f"Bearer {admin}"}).json()
    name = patient["document"]["subscriber"]["last_name"]
    assert name == "Doe" and client.get("/api/claims", headers={"Authorization": f"Bearer {admin}"}).json()
    sign_in(client, "tess", role="trainee")
    page = client.get("/")
    assert page.status_code == 200 and name not in page.text
    a = client.post("/api/chat", json={"message": "why was claim C-2001 denied?"})
    assert name not in a.text and "C-2001" not in a.json().get("answer", {}).get("text", "")
    r = client.post("/api/chat", json={"message": "type 2 diabetes with hyperglycemia"})
    cid = r.json()["conversation_id"]
    client.post(f"/api/chat/{cid}/decisions", json={"code": "E11.65", "decision": "accepted"})
    page = client.get(f"/?c={cid}")
    assert name not in page.text and "Create draft claim" not in page.text
    assert client.get("/claims/C-2001", follow_redirects=False).status_code == 403
    # the same steps as an admin do show the claim (the checks above can fail)
    auth = {"Authorization": f"Bearer {admin}"}
    a = client.post("/api/chat", json={"message": "why was claim C-2001 denied?"}, headers=auth).json()
    assert "C-2001" in a["answer"]["text"]
    cid = client.post(
        "/api/chat", json={"message": "type 2 diabetes with hyperglycemia"}, headers=auth
    ).json()["conversation_id"]
    client.post(f"/api/chat/{cid}/decisions", json={"code": "E11.65", "decision": "accepted"}, headers=auth)
    page = client.get(f"/?c={cid}", headers=auth)
    assert "Create draft claim" in page.text  # opens the claim form; the chat lists no claims (patients) now


def test_conversations_belong_to_their_user(anon: TestClient) -> None:
    client = anon
    one = token_for(client, "coder1", "coder")
    two = token_for(client, "coder2", "coder")
    r = client.post(
        "/api/chat", json={"message": "what is E11.65?"}, headers={"Authorization": f"Bearer {one}"}
    )
    cid = r.json()["conversation_id"]
    mine = client.get(f"/api/chat/{cid}", headers={"Authorization": f"Bearer {one}"})
    assert mine.status_code == 200 and mine.json()["turns"][0]["message"] == "what is E11.65?"
    other = client.get(f"/api/chat/{cid}", headers={"Authorization": f"Bearer {two}"})
    assert other.status_code == 404
    r = client.post(
        "/api/chat",
        json={"message": "hello", "conversation_id": cid},
        headers={"Authorization": f"Bearer {two}"},
    )
    assert r.json()["conversation_id"] != cid  # a stranger's id starts a new conversation


def test_front_desk_schedules_coders_code_billers_read_encounters(anon: TestClient) -> None:
    """Issue 16's roles on the schedule and encounter routes (403 = refused, anything else = let through)."""
    cases = {
        ("GET", "/api/schedule"): {"frontdesk", "coder", "biller", "admin"},
        ("POST", "/api/schedule/appointments/1/cancel"): {"frontdesk", "admin"},
        ("GET", "/api/encounters"): {"coder", "biller", "admin"},
        ("GET", "/api/encounters/1"): {"coder", "biller", "admin"},
        ("POST", "/api/encounters/1/ready"): {"coder", "admin"},
    }
    tokens = {role: token_for(anon, f"{role}-matrix", role) for role in ROLES}
    for (method, url), allowed in cases.items():
        for role, token in tokens.items():
            r = anon.request(method, url, headers={"Authorization": f"Bearer {token}"})
            assert (r.status_code != 403) == (role in allowed), (method, url, role, r.status_code)


def test_claim_batches_and_cms1500_pdfs_are_phi_routes(anon: TestClient) -> None:
    paths = {
        ("GET", "/claims/batches"),
        ("GET", "/claims/batches/{run_id}"),
        ("GET", "/api/claims/batches"),
        ("GET", "/api/claims/batches/{run_id}"),
        ("POST", "/api/claims/batches"),
        ("GET", "/claims/{claim_id}/cms1500.pdf"),
    }
    found = {(m, r.path): _required(r.dependant) or set() for m, r in _routes(anon) if (m, r.path) in paths}
    assert set(found) == paths and all(perms & {"phi:read", "phi:write"} for perms in found.values())
    trainee = token_for(anon, "tina", "trainee")
    for url in ("/api/claims/batches", "/api/claims/batches/1"):
        assert anon.get(url, headers={"Authorization": f"Bearer {trainee}"}).status_code == 403


def test_user_management_routes_are_admin_only(anon: TestClient) -> None:
    """Every user-management route (page, form and JSON twin) is walked above and needs users:admin."""
    found = {
        (m, r.path): _required(r.dependant)
        for m, r in _routes(anon)
        if r.path.startswith(("/admin/users", "/api/admin/"))
    }
    expected = {
        ("GET", "/admin/users"),
        ("POST", "/admin/users"),
        ("GET", "/admin/users/{username}"),
        ("POST", "/api/admin/users/{username}/password"),
        ("POST", "/admin/users/{username}/totp"),
        ("POST", "/api/admin/users/{username}/totp/confirm"),
        ("POST", "/admin/users/{username}/tokens/{token_id}/revoke"),
        ("POST", "/api/admin/users/{username}/tokens/{token_id}/expire"),
    }
    assert expected <= set(found) and len(found) >= 28
    assert all(perms == {"users:admin"} for perms in found.values()), found


def test_claim_form_fees_and_em_helper_by_role(anon: TestClient) -> None:
    """Billers key claims and fees; coders use the E/M helper but key no claim and set no fee; the front
    desk does neither; trainees reach none of it."""
    client = anon
    expected = {
        # (method, path): roles allowed
        ("GET", "/claims/new"): {"admin", "biller"},
        ("GET", "/api/claims/new"): {"admin", "biller"},
        ("GET", "/fees"): {"admin", "biller"},
        ("GET", "/api/fees"): {"admin", "biller"},
        ("GET", "/claims/em-helper"): {"admin", "biller", "coder"},
    }
    for role in ROLES:
        token = token_for(client, f"{role}-form", role)
        for (method, path), allowed in expected.items():
            r = client.request(
                method, path, headers={"Authorization": f"Bearer {token}"}, follow_redirects=False
            )
            assert (r.status_code == 200) == (role in allowed), (role, path, r.status_code)
            if role not in allowed:
                assert r.status_code == 403, (role, path, r.status_code)
    coder = token_for(client, "coder-form", "coder")
    r = client.post(
        "/api/em-level",
        json={"patient": "established", "total_minutes": 35},
        headers={"Authorization": f"Bearer {coder}"},
    )
    assert r.status_code == 200 and r.json()["code"] == "99214"
    desk = token_for(client, "frontdesk-form", "frontdesk")
    r = client.post(
        "/api/em-level",
        json={"patient": "established", "total_minutes": 35},
        headers={"Authorization": f"Bearer {desk}"},
    )
    assert r.status_code == 403


def test_biller_action_routes_are_protected(anon: TestClient) -> None:
    """The secondary-claim action (page and API) and the denial actions write claims and PHI."""
    found = {(m, r.path): _required(r.dependant) for m, r in _routes(anon)}
    for key in (
        ("POST", "/claims/{claim_id}/secondary"),
        ("POST", "/api/claims/{claim_id}/secondary"),
        ("POST", "/remits/{remit_id}/lines/{remit_line_id}/corrected-claim"),
    ):
        perms = found[key] or set()
        assert {"claims:write", "phi:write"} <= perms, key
    assert {"remits:write", "phi:write"} <= (found[("POST", "/remits/import")] or set())
    assert "trainee" not in {
        role
        for role in ROLES
        if "claims:*" in permissions_for(role) or "claims:write" in permissions_for(role)
    }


def test_payer_and_provider_routes_need_the_front_desk_permissions(anon: TestClient) -> None:
    """The payer list and the providers (no patient record): reading needs patients:read, writing
    patients:write; every page has its JSON twin."""
    expected = {
        ("GET", "/payers"): {"patients:read"},
        ("GET", "/api/payers"): {"patients:read"},
        ("POST", "/payers"): {"patients:write"},
        ("POST", "/payers/{payer_id}"): {"patients:write"},
        ("POST", "/api/payers"): {"patients:write"},
        ("PUT", "/api/payers/{payer_id}"): {"patients:write"},
        ("GET", "/providers"): {"patients:read"},
        ("GET", "/api/providers"): {"patients:read"},
        ("POST", "/providers"): {"patients:write"},
        ("POST", "/providers/{provider_id}"): {"patients:write"},
        ("POST", "/api/providers"): {"patients:write"},
        ("PUT", "/api/providers/{provider_id}"): {"patients:write"},
    }
    found = {(m, r.path): _required(r.dependant) for m, r in _routes(anon) if (m, r.path) in expected}
    assert found == expected
    trainee = token_for(anon, "tina-prov", "trainee")
    for url in ("/api/providers", "/api/payers"):
        assert anon.get(url, headers={"Authorization": f"Bearer {trainee}"}).status_code == 403

"""Post/redirect/get everywhere (issue 19): every HTML form POST of the app answers a successful submit with
a 303 to a GET page, so a reload repeats the GET and never the POST.

``SUBMITS`` says how to submit each route successfully (as a plain browser form, without htmx); ``EXEMPT``
names, with the reason, the routes that are not plain forms or are checked elsewhere. A new POST route that is
in neither fails ``test_every_html_post_route_is_listed``."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from assistant.billing.service import post_charge
from assistant.core.db import transaction
from tests.billing.conftest import make_owing_patient, make_patient
from tests.remit.journey import journey_835, submit_journey_claim
from tests.schedule.conftest import NOTE, make_office
from tests.web.auth import PASSWORD, login_form_token
from tests.web.test_claim_form_pages import _page_form, _seed

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CLAIM = (FIXTURES / "claims" / "claim_clean.json").read_bytes()
FEES_CSV = b"code,modifier,charge_cents,effective_from,effective_to\n99214,,18500,2026-01-01,\n"

# route path -> why it is not in SUBMITS
EXEMPT = {
    # htmx only: the claim form's live check swaps a fragment and writes nothing
    "/claims/new/check": "htmx fragment",
    # the admin user forms depend on each other (a token to revoke, a TOTP secret to confirm):
    # tests/web/test_admin_users.py::test_every_form_redirects_so_a_reload_sends_nothing_again posts each one
    # and asserts the 303, the GET after it and one audit action however often the page is reloaded
    **{
        f"/admin/users{tail}": "tests/web/test_admin_users.py"
        for tail in (
            "",
            "/{username}/role",
            "/{username}/disable",
            "/{username}/enable",
            "/{username}/unlock",
            "/{username}/password",
            "/{username}/totp",
            "/{username}/totp/confirm",
            "/{username}/totp/reset",
            "/{username}/tokens",
            "/{username}/tokens/{token_id}/revoke",
            "/{username}/tokens/{token_id}/expire",
        )
    },
}

Submit = tuple[str, dict[str, Any]]  # (url, keyword arguments of client.post)


def _sessions(client: TestClient) -> Any:
    return client.app.state.container.sessions  # type: ignore[attr-defined]


def _import_claim(client: TestClient) -> str:
    r = client.post("/claims/import", files={"file": ("c.json", CLAIM)})
    assert r.status_code == 200, r.text[:500]
    return "C-2001"


def _conversation(client: TestClient) -> str:
    page = client.get("/")
    return re.search(r'name="conversation_id" value="([0-9a-f]+)"', page.text).group(1)  # type: ignore[union-attr]


def _payer(client: TestClient) -> str:
    r = client.post("/api/payers", json={"payer_id": "87726", "name": "Example Health Plan"})
    assert r.status_code == 201, r.text
    return "87726"


def _provider(client: TestClient) -> int:
    r = client.post(
        "/api/providers", json={"npi": "1234567893", "entity_type": "2", "name": "Main Street Clinic"}
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _patient(client: TestClient) -> int:
    _payer(client)
    r = client.post(
        "/api/patients", json={"first_name": "Ann", "last_name": "Lee", "dob": "1980-01-31", "sex": "F"}
    )
    assert r.status_code == 201, r.text
    return int(r.json()["patient"]["id"])


def _coverage(client: TestClient, pid: int) -> int:
    r = client.post(f"/api/patients/{pid}/coverages", json={"payer_id": "87726", "member_id": "W1"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _appointment(client: TestClient) -> int:
    office = make_office(_sessions(client))
    body = {"patient_id": office.jane, "provider_id": office.dr_smith, "starts_at": "2026-12-01T09:00"}
    r = client.post("/api/schedule/appointments", json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _encounter(client: TestClient, note: bool = True) -> int:
    r = client.post(f"/api/schedule/appointments/{_appointment(client)}/checkin")
    enc = int(r.json()["encounter_id"])
    if note:
        assert client.post(f"/api/encounters/{enc}/note", json={"note": NOTE}).status_code == 200
        assert client.post(f"/api/encounters/{enc}/suggest").status_code == 200
    return enc


def _remit(client: TestClient) -> str:
    """The journey claim (Acme primary, Beta secondary) paid by an 835 with CO-4, CO-97 and PR-2."""
    submit_journey_claim(_sessions(client))
    r = client.post("/remits/import", files={"file": ("j.835", journey_835())}, follow_redirects=False)
    return re.search(r"remit=(\d+)", r.headers["location"]).group(1)  # type: ignore[union-attr]


def _remit_line(client: TestClient, carc: str) -> tuple[str, str]:
    rid = _remit(client)
    html = client.get(f"/remits/{rid}").text
    lines = re.findall(r'action="/remits/\d+/lines/(\d+)/[\w-]+".*?name="carc" value="(\w+)"', html, re.S)
    return rid, next(line for line, c in lines if c == carc)


def _fee(client: TestClient) -> int:
    r = client.post(
        "/api/fees", json={"code": "99214", "charge_cents": 18500, "effective_from": "2026-01-01"}
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _credit_patient(client: TestClient) -> int:
    with transaction(_sessions(client)) as s:
        pid = make_patient(s, member_id="MEM-P1")
        post_charge(s, pid, 1000, actor="t", service_date=date(2026, 3, 1))
    r = client.post(
        "/api/billing/payments",
        json={"patient": "MEM-P1", "amount_cents": 5000, "method": "cash", "overpayment": "credit"},
    )
    assert r.status_code in (200, 201), r.text
    return pid


def _owing(client: TestClient) -> int:
    with transaction(_sessions(client)) as s:
        return make_owing_patient(s, "MEM-P2")


def _batch(client: TestClient) -> Submit:
    _import_claim(client)
    for to in ("scrubbed", "ready"):
        assert client.post("/api/claims/C-2001/status", json={"to": to}).status_code == 200
    return "/claims/batch", {"data": {"payer_id": "87726"}}


def _quiz(client: TestClient) -> Submit:
    r = client.post("/trainee/quizzes", data={"topic": "asthma", "count": "2"}, follow_redirects=False)
    quiz_id = int(r.headers["location"].rsplit("/", 1)[1])
    quiz = client.get(f"/api/trainee/quizzes/{quiz_id}").json()["quiz"]
    picks = {f"q-{q['number']}": q["options"][0]["code"] for q in quiz["questions"]}
    return f"/trainee/quizzes/{quiz_id}/answers", {"data": picks}


def _merge(client: TestClient) -> Submit:
    pid = _patient(client)
    r = client.post(
        "/api/patients",
        json={
            "first_name": "Ann",
            "last_name": "Lee",
            "dob": "1980-01-31",
            "sex": "F",
            "confirm_duplicate": True,
        },
    )
    dup = r.json()["patient"]["id"]
    return f"/patients/{pid}/merge", {"data": {"merge_id": str(dup), "confirm": "1"}}


def _coverage_up(client: TestClient) -> Submit:
    pid = _patient(client)
    _coverage(client, pid)
    client.post(
        "/api/payers", json={"payer_id": "00431", "name": "Medicare Part B", "filing_indicator": "MB"}
    )
    r = client.post(f"/api/patients/{pid}/coverages", json={"payer_id": "00431", "member_id": "MB1"})
    return f"/patients/{pid}/coverages/{r.json()['id']}/up", {}


def _refund(client: TestClient) -> Submit:
    pid = _credit_patient(client)
    page = client.get(f"/billing/patients/{pid}").text
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    data = {"amount": "40.00", "method": "check", "reference": "1", "reason": "overpaid"}
    return f"/billing/patients/{pid}/refunds", {"data": {**data, "idempotency_key": key}}


def _apply_credit(client: TestClient) -> Submit:
    pid = _credit_patient(client)
    with transaction(_sessions(client)) as s:
        post_charge(s, pid, 2500, actor="t", service_date=date(2026, 4, 9), description="Visit B")
    return f"/billing/patients/{pid}/credit", {"data": {"idempotency_key": "prg"}}


def _new_claim(client: TestClient) -> Submit:
    return "/claims/new", {"data": _page_form(_seed(client))}


def _edit_claim(client: TestClient) -> Submit:
    ids = _seed(client)
    r = client.post("/claims/new", data=_page_form(ids), follow_redirects=False)
    claim_id = r.headers["location"].split("/")[2].split("?")[0]
    return f"/claims/{claim_id}/edit", {"data": _page_form(ids, **{"line-0-units": "2"})}


def _secondary(client: TestClient) -> Submit:
    rid = _remit(client)
    return "/claims/J-1/secondary", {"data": {"back": f"/remits/{rid}"}}


def _appeal(client: TestClient) -> Submit:
    rid, line = _remit_line(client, "97")
    return f"/remits/{rid}/lines/{line}/appeal", {"data": {"carc": "97"}}


def _corrected(client: TestClient) -> Submit:
    rid, line = _remit_line(client, "4")
    return f"/remits/{rid}/lines/{line}/corrected-claim", {"data": {"carc": "4"}}


def _start_encounter(client: TestClient) -> Submit:
    office = make_office(_sessions(client))
    data = {"patient_id": office.jane, "provider_id": office.dr_smith, "date_of_service": "2026-12-01"}
    return f"/chat/{_conversation(client)}/encounter", {"data": data}


def _chat_decision(client: TestClient) -> Submit:
    cid = _conversation(client)
    client.post("/chat", data={"message": NOTE, "conversation_id": cid})
    return f"/chat/{cid}/decisions", {"data": {"code": "I10", "decision": "accepted"}}


def _book(client: TestClient) -> Submit:
    office = make_office(_sessions(client))
    data = {
        "patient_id": office.jane,
        "provider_id": office.dr_smith,
        "date": "2026-12-01",
        "time": "09:30",
        "visit_type": "office",
    }
    return "/schedule/appointments", {"data": data}


def _password(client: TestClient) -> Submit:
    data = {"current_password": PASSWORD, "new_password": PASSWORD + " 2", "repeat_password": PASSWORD + " 2"}
    return "/account/password", {"data": data}


def _login(client: TestClient) -> Submit:
    client.cookies.clear()  # signed out: the sign-in form again
    token = login_form_token(client)
    return "/login", {"data": {"username": "ada", "password": PASSWORD, "csrf_token": token}}


def _diagnosis_up(client: TestClient) -> Submit:
    enc = _encounter(client)
    for code in ("I10", "E11.65"):
        client.post(f"/api/encounters/{enc}/codes", json={"code": code})
    return f"/encounters/{enc}/diagnoses/up", {"data": {"code": "E11.65"}}


def _ready(client: TestClient) -> Submit:
    enc = _encounter(client)
    client.post(f"/api/encounters/{enc}/codes", json={"code": "I10"})
    return f"/encounters/{enc}/ready", {}


def _edit_coverage(client: TestClient) -> Submit:
    pid = _patient(client)
    cov = _coverage(client, pid)
    return f"/patients/{pid}/coverages/{cov}", {"data": {"payer_id": "87726", "member_id": "W2"}}


SUBMITS: dict[str, Callable[[TestClient], Submit]] = {
    "/login": _login,
    "/logout": lambda c: ("/logout", {}),
    "/account/password": _password,
    "/chat": lambda c: ("/chat", {"data": {"message": NOTE, "conversation_id": _conversation(c)}}),
    "/chat/{conversation_id}/decisions": _chat_decision,
    "/chat/{conversation_id}/encounter": _start_encounter,
    "/chat/{conversation_id}/draft-claim": lambda c: (f"/chat/{_conversation(c)}/draft-claim", {}),
    "/trainee/quizzes": lambda c: ("/trainee/quizzes", {"data": {"topic": "asthma", "count": "2"}}),
    "/trainee/quizzes/{quiz_id}/answers": _quiz,
    "/claims/new": _new_claim,
    "/claims/{claim_id}/edit": _edit_claim,
    "/claims/{claim_id}/secondary": _secondary,
    "/claims/import": lambda c: ("/claims/import", {"files": {"file": ("c.json", CLAIM)}}),
    "/claims/batch": _batch,
    "/claims/{claim_id}/scrub": lambda c: (f"/claims/{_import_claim(c)}/scrub", {}),
    "/claims/{claim_id}/status": lambda c: (
        f"/claims/{_import_claim(c)}/status",
        {"data": {"to": "scrubbed"}},
    ),
    "/remits/import": lambda c: ("/remits/import", {"files": {"file": ("j.835", journey_835())}}),
    "/remits/{remit_id}/lines/{remit_line_id}/appeal": _appeal,
    "/remits/{remit_id}/lines/{remit_line_id}/corrected-claim": _corrected,
    "/billing/patients/{ref}/payments": lambda c: (
        f"/billing/patients/{_owing(c)}/payments",
        {"data": {"amount": "10.00", "method": "cash"}},
    ),
    "/billing/patients/{ref}/refunds": _refund,
    "/billing/patients/{ref}/credit": _apply_credit,
    "/billing/patients/{ref}/plans": lambda c: (
        f"/billing/patients/{_owing(c)}/plans",
        {
            "data": {
                "total": "150.00",
                "installments": "3",
                "frequency": "monthly",
                "start_date": "2026-12-01",
            }
        },
    ),
    "/schedule/appointments": _book,
    "/schedule/appointments/{appointment_id}/{action}": lambda c: (
        f"/schedule/appointments/{_appointment(c)}/checkin",
        {},
    ),
    "/encounters/{encounter_id}/note": lambda c: (
        f"/encounters/{_encounter(c, note=False)}/note",
        {"data": {"note": NOTE, "run": "1"}},
    ),
    "/encounters/{encounter_id}/suggest": lambda c: (f"/encounters/{_encounter(c)}/suggest", {}),
    "/encounters/{encounter_id}/decisions": lambda c: (
        f"/encounters/{_encounter(c)}/decisions",
        {"data": {"code": "I10", "decision": "accepted"}},
    ),
    "/encounters/{encounter_id}/codes": lambda c: (
        f"/encounters/{_encounter(c)}/codes",
        {"data": {"code": "I10"}},
    ),
    "/encounters/{encounter_id}/diagnoses/up": _diagnosis_up,
    "/encounters/{encounter_id}/ready": _ready,
    "/patients": lambda c: (
        "/patients",
        {"data": {"first_name": "Ann", "last_name": "Lee", "dob": "1980-01-31", "sex": "F"}},
    ),
    "/patients/{patient_id}": lambda c: (
        f"/patients/{_patient(c)}",
        {"data": {"first_name": "Ann", "last_name": "Lee", "dob": "1980-01-31", "sex": "F"}},
    ),
    "/patients/{patient_id}/coverages": lambda c: (
        f"/patients/{_patient(c)}/coverages",
        {"data": {"payer_id": "87726", "member_id": "W1"}},
    ),
    "/patients/{patient_id}/coverages/{coverage_id}": _edit_coverage,
    "/patients/{patient_id}/coverages/{coverage_id}/up": _coverage_up,
    "/patients/{patient_id}/merge": _merge,
    "/payers": lambda c: ("/payers", {"data": {"payer_id": "87726", "name": "Example"}}),
    "/payers/{payer_id}": lambda c: (f"/payers/{_payer(c)}", {"data": {"name": "Example Health"}}),
    "/providers": lambda c: (
        "/providers",
        {"data": {"npi": "1234567893", "entity_type": "2", "name": "Main Street Clinic"}},
    ),
    "/providers/{provider_id}": lambda c: (
        f"/providers/{_provider(c)}",
        {"data": {"entity_type": "2", "name": "Main Street Family Clinic"}},
    ),
    "/fees": lambda c: (
        "/fees",
        {"data": {"code": "99214", "charge": "185.00", "effective_from": "2026-01-01"}},
    ),
    "/fees/import": lambda c: (
        "/fees/import",
        {"files": {"file": ("f.csv", FEES_CSV)}},
    ),
    "/fees/{entry_id}/delete": lambda c: (f"/fees/{_fee(c)}/delete", {}),
}


# what the page a form lands on says about the submit, where it shows the result
SHOWN = {
    "/claims/{claim_id}/scrub": "Scrub result",
    "/fees/import": "Imported: 1 new, 0 changed",
    "/remits/{remit_id}/lines/{remit_line_id}/appeal": "Appeal draft for claim J-1",
    "/remits/{remit_id}/lines/{remit_line_id}/corrected-claim": "Corrected claim created",
    "/billing/patients/{ref}/payments": "Payment recorded",
}


def _html_post_routes(app: Any) -> set[str]:
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before included-router contexts: the routes are flat already
        routes: list[Any] = list(app.routes)
    else:
        routes = list(iter_route_contexts(app.routes))
    return {
        r.path
        for r in routes
        if isinstance(getattr(r, "original_route", r), APIRoute)
        and "POST" in r.methods
        and not r.path.startswith("/api/")
    }


def test_every_html_post_route_is_listed(anon: TestClient) -> None:
    routes = _html_post_routes(anon.app)
    unlisted = routes - set(SUBMITS) - set(EXEMPT)
    assert not unlisted, (
        f"new HTML POST routes: add each to SUBMITS (303 expected) or EXEMPT: {sorted(unlisted)}"
    )
    assert not set(SUBMITS) & set(EXEMPT)
    assert (set(SUBMITS) | set(EXEMPT)) <= routes, "stale entries"


@pytest.mark.parametrize("route", sorted(SUBMITS))
def test_a_successful_submit_redirects_to_a_page(client: TestClient, route: str) -> None:
    url, kwargs = SUBMITS[route](client)
    r = client.post(url, follow_redirects=False, **kwargs)
    assert r.status_code == 303, (url, r.status_code, r.text[:1000])
    location = r.headers["location"]
    assert location.startswith("/") and not location.startswith("/api/"), location
    page = client.get(location)
    assert page.status_code == 200, (location, page.status_code, page.text[:1000])
    assert "text/html" in page.headers["content-type"], location
    assert SHOWN.get(route, "") in page.text, (location, page.text[:2000])
    if route in SHOWN and "appeal" not in route:  # a one-time message: without the query, nothing
        assert SHOWN[route] not in client.get(location.split("?")[0]).text

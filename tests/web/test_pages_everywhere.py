"""What every page shares: an expired session keeps the work (htmx is sent to sign in and back), unknown
URLs answer an HTML page with the navigation (JSON under /api), fix hints that name a command say
which page does it, and the chat's input error goes away with the next turn."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.core.db import transaction
from assistant.core.hints import COMMAND_PAGES, in_app
from assistant.security.models import AuthSession, utcnow
from tests.web.auth import PASSWORD, login_form_token, sign_in, token_for
from tests.web.test_access import _routes


def _idle_out(client: TestClient) -> None:
    container = client.app.state.container  # type: ignore[attr-defined]
    with transaction(container.sessions) as s:
        for row in s.scalars(select(AuthSession).where(AuthSession.ended_at.is_(None))):
            row.last_seen_at = utcnow() - timedelta(
                minutes=container.settings.session_idle_minutes, seconds=5
            )


def test_htmx_note_after_the_idle_timeout_goes_to_sign_in_and_back(anon: TestClient) -> None:
    client = anon
    sign_in(client, "cody", role="coder")
    page = client.get("/")
    assert 'id="message"' in page.text and "data-keep-draft" in page.text  # app.js keeps its text
    cid = re.search(r'name="conversation_id" value="([0-9a-f]+)"', page.text).group(1)  # type: ignore[union-attr]
    _idle_out(client)
    here = f"http://testserver/?c={cid}"
    r = client.post(
        "/chat",
        data={"message": "type 2 diabetes with hyperglycemia", "conversation_id": cid},
        headers={"HX-Request": "true", "HX-Current-URL": here},
        follow_redirects=False,
    )
    assert r.status_code == 401 and r.text == ""
    target = r.headers["HX-Redirect"]
    assert target == f"/login?next=/%3Fc%3D{cid}&expired=1"
    login = client.get(target)
    assert "Your session expired" in login.text and "text you had not sent" in login.text
    assert f'name="next" value="/?c={cid}"' in login.text
    form = login_form_token(client, target)
    back = client.post(
        "/login",
        data={"username": "cody", "password": PASSWORD, "csrf_token": form, "next": f"/?c={cid}"},
        follow_redirects=False,
    )
    assert back.status_code == 303 and back.headers["location"] == f"/?c={cid}"


def test_a_dead_cookie_on_the_login_page_says_the_session_expired(anon: TestClient) -> None:
    sign_in(anon, "cody", role="coder")
    _idle_out(anon)
    page = anon.get("/login?next=/codes")
    assert "Your session expired" in page.text and "alert-warn" in page.text


def test_unknown_urls_are_a_page_with_navigation_and_json_under_api(anon: TestClient) -> None:
    stranger = anon.get("/no-such-page", follow_redirects=False)
    assert stranger.status_code == 404 and "text/html" in stranger.headers["content-type"]
    assert "there is no page at /no-such-page" in stranger.text and 'aria-label="Main"' not in stranger.text
    sign_in(anon, "cody", role="coder")
    page = anon.get("/no-such-page")
    assert page.status_code == 404 and "<h1>Not found</h1>" in page.text
    nav = page.text.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    assert 'href="/codes"' in nav and 'href="/billing"' not in nav  # this user's menu, as on every page
    api = anon.get("/api/no-such-thing")
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/json")
    body = api.json()
    assert body["detail"] == "Not Found" and body["error"] == "NotFound" and body["fix"]
    wrong_method = anon.delete("/api/me")
    assert wrong_method.status_code == 405 and wrong_method.json()["detail"] == "Method Not Allowed"
    assert "GET" in wrong_method.headers["allow"]
    assert anon.get("/codes/E11.65").status_code == 200  # real pages are untouched


def test_fix_hints_naming_a_command_also_name_the_page(anon: TestClient) -> None:
    # the table points only at pages that exist
    gets = {r.path for m, r in _routes(anon) if m == "GET"}
    assert {place.path for place in COMMAND_PAGES.values()} <= gets
    assert in_app("see `assistant users tokens alice`") == COMMAND_PAGES["assistant users"]
    assert in_app("run `assistant claims batch DIR`") == COMMAND_PAGES["assistant claims batch"]
    assert COMMAND_PAGES["assistant claims batch"] != COMMAND_PAGES["assistant claims"]  # the longest wins
    assert in_app("import your licensed file: assistant codesets import-cpt FILE") is None  # no page does it
    assert in_app(None) is None and in_app("type a question") is None
    trainee = token_for(anon, "tia", "trainee")
    refused = anon.get("/api/claims", headers={"Authorization": f"Bearer {trainee}"})
    assert refused.status_code == 403 and "assistant users role" in refused.json()["fix"]
    assert refused.json()["fix_in_app"] == {"label": "Admin → Users", "path": "/admin/users"}
    sign_in(anon, "tia")
    page = anon.get("/claims")
    assert page.status_code == 403
    assert 'In the app: <a href="/admin/users">Admin → Users</a>' in page.text


def test_the_empty_message_error_is_cleared_by_the_next_turn(client: TestClient) -> None:
    htmx = {"HX-Request": "true"}
    empty = client.post("/chat", data={"message": "   "}, headers=htmx)
    assert empty.status_code == 200 and "the message is empty" in empty.text
    assert empty.headers["HX-Retarget"] == "#chat-error" and empty.headers["HX-Reswap"] == "innerHTML"
    assert 'id="chat-error"' in client.get("/").text  # the place it goes, under the form
    turn = client.post("/chat", data={"message": "what is I10?"}, headers=htmx)
    assert turn.status_code == 200 and 'class="turn"' in turn.text
    assert '<div id="chat-error" hx-swap-oob="innerHTML"></div>' in turn.text


def test_a_note_pasted_with_html_is_shown_escaped_and_its_tags_are_never_evidence(client: TestClient) -> None:
    note = (
        '<div class="hypertension"><p>58 y/o with type 2 diabetes, A1c 9.2 and hyperglycemia on labs.</p>'
        "<p>Plan: metformin, follow up in 3 months.</p></div>"
    )
    page = client.post("/chat", data={"message": note})  # without JavaScript: the answer is on the page
    assert page.status_code == 200
    shown = page.text.split('<pre class="note">')[1].split("</pre>")[0]
    assert shown.startswith("&lt;div class=&#34;hypertension&#34;&gt;")  # the tag as typed, escaped
    assert '<mark title="evidence for E11.65">hyperglycemia</mark>' in shown
    # the fake engine read "hypertension" inside the tag: that span marks nothing
    assert "evidence for I10" not in shown and "<div" not in shown

"""A Content-Security-Policy without 'unsafe-inline' or eval, and templates that need neither."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from assistant.config import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "web" / "templates"
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "htmx inline handler (eval)": re.compile(r"\shx-on[:-]", re.I),
    "inline style": re.compile(r"<style|\sstyle\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_every_answer_carries_a_strict_policy(client: TestClient) -> None:
    for path in ("/", "/codes", "/claims", "/api/claims", "/static/app.js"):
        csp = client.get(path).headers["content-security-policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_templates_hold_no_inline_code() -> None:
    found = [
        f"{path.relative_to(TEMPLATES)}: {what}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for what, pattern in INLINE.items()
        if pattern.search(path.read_text())
    ]
    assert found == []


def test_chat_behaviour_comes_from_the_static_script(client: TestClient) -> None:
    page = client.get("/").text
    assert '<script src="/static/app.js" defer></script>' in page
    assert (
        'data-fill="message"' in page
        and "data-ctrl-enter-submits" in page
        and "data-reset-on-success" in page
    )
    assert '"allowEval": false' in page and '"includeIndicatorStyles": false' in page
    script = client.get("/static/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    for hook in ("button[data-fill]", "textarea[data-ctrl-enter-submits]", "form[data-reset-on-success]"):
        assert hook in script.text

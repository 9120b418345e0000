"""One-time messages across a post/redirect/get: a form's outcome (and a secret shown once, such as a
temporary password or a new API token) rides a short-lived cookie from the POST to the page it
redirects to, which reads it and deletes it. Nothing is kept in process memory or in the database.

The cookie is sealed with AES-GCM under a key derived from the app's secret key and bound to the
session it was written in: another session (or a tampered cookie) reads nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastapi import Request
from fastapi.responses import Response

from web.security_deps import csrf_secret

COOKIE = "assistant_flash"
MAX_AGE_S = 120
NONCE_BYTES = 12


def _aead(request: Request) -> AESGCM:
    secret = csrf_secret(request, request.app.state.container)
    return AESGCM(hmac.new(secret, b"flash-cookie", hashlib.sha256).digest())


def _bound_to(request: Request) -> bytes:
    principal = getattr(request.state, "principal", None)
    return (getattr(principal, "session_id", None) or "").encode()


def set_flash(request: Request, response: Response, message: str, *, kind: str = "ok", **data: Any) -> None:
    """Attach a one-time message (``kind`` ok or error; ``data`` e.g. a secret shown once)."""
    nonce = os.urandom(NONCE_BYTES)
    plain = json.dumps({"message": message, "kind": kind, **data}).encode()
    sealed = base64.urlsafe_b64encode(nonce + _aead(request).encrypt(nonce, plain, _bound_to(request)))
    response.set_cookie(
        COOKIE,
        sealed.decode("ascii"),
        max_age=MAX_AGE_S,
        path="/",
        secure=request.url.scheme == "https" or request.app.state.container.settings.cookie_secure,
        httponly=True,
        samesite="strict",
    )


def read_flash(request: Request) -> dict[str, Any] | None:
    """The message waiting for this request, if any (call ``clear_flash`` on the response)."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        blob = base64.urlsafe_b64decode(raw.encode("ascii"))
        plain = _aead(request).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], _bound_to(request))
        data = json.loads(plain)
    except (InvalidTag, ValueError):
        return None
    return data if isinstance(data, dict) else None


def clear_flash(request: Request, response: Response) -> None:
    if COOKIE in request.cookies:
        response.delete_cookie(COOKIE, path="/")

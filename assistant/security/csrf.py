"""CSRF tokens bound to a server-side session (framework-agnostic).

token = nonce "." HMAC-SHA256(secret, "csrf|" + session_id + "|" + nonce). A token minted for one
session fails for every other session; a fresh nonce per page keeps tokens unlinkable. Verify on
every state-changing request (POST/PUT/PATCH/DELETE) that is authenticated by the session cookie;
bearer-token API calls carry no ambient credential and need no CSRF token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from assistant.security.errors import Forbidden

HEADER = "X-CSRF-Token"
FORM_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _mac(secret: bytes, session_id: str, nonce: str) -> str:
    digest = hmac.new(secret, f"csrf|{session_id}|{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def issue(secret: bytes, session_id: str) -> str:
    nonce = secrets.token_urlsafe(16)
    return f"{nonce}.{_mac(secret, session_id, nonce)}"


def is_valid(secret: bytes, session_id: str | None, token: str | None) -> bool:
    if not session_id or not token or "." not in token:
        return False
    nonce, _, mac = token.partition(".")
    return hmac.compare_digest(mac, _mac(secret, session_id, nonce))


def verify(secret: bytes, session_id: str | None, token: str | None, method: str = "POST") -> None:
    """Raise ``Forbidden`` unless the method is safe or the token belongs to the session."""
    if method.upper() in SAFE_METHODS:
        return
    if not is_valid(secret, session_id, token):
        raise Forbidden(
            "missing or invalid CSRF token",
            field=FORM_FIELD,
            fix="reload the page and submit the form again",
        )

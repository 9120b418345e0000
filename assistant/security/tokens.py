"""Opaque random tokens (API tokens, session ids): the raw value is shown once, only a SHA-256 is stored.

The tokens carry 256 bits of randomness, so a fast hash is enough (no guessing attack on the hash).
"""

from __future__ import annotations

import hashlib
import secrets

API_TOKEN_PREFIX = "ast_"


def new_api_token() -> str:
    return API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def bearer_token(authorization_header: str | None) -> str | None:
    """The token from an ``Authorization: Bearer <token>`` header, or None."""
    if not authorization_header:
        return None
    scheme, _, value = authorization_header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()

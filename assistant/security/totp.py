"""Optional TOTP second factor (RFC 6238, 30-second steps, 6 digits) with replay protection."""

from __future__ import annotations

import time

import pyotp

from assistant.core.errors import InvalidInput


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def matching_step(secret: str, code: str, *, now: float | None = None, window: int = 1) -> int | None:
    """The time step the code belongs to (within +-``window`` steps), or None when it matches none."""
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    at = time.time() if now is None else now
    step = int(at // totp.interval)
    for offset in range(-window, window + 1):
        candidate = step + offset
        if pyotp.utils.strings_equal(totp.at(candidate * totp.interval), code):
            return candidate
    return None


def verify(secret: str, code: str, *, last_step: int | None = None, now: float | None = None) -> int:
    """Return the matched step; refuse a wrong code or one already used (step <= ``last_step``)."""
    step = matching_step(secret, code, now=now)
    if step is None:
        raise InvalidInput(
            "the authenticator code is wrong or expired",
            field="totp_code",
            fix="enter the current 6-digit code from your authenticator app",
        )
    if last_step is not None and step <= last_step:
        raise InvalidInput(
            "this authenticator code was already used", field="totp_code", fix="wait for the next code"
        )
    return step

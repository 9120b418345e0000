"""Authentication (401) and authorization (403) errors, both ``AssistantError`` subclasses."""

from __future__ import annotations

from assistant.core.errors import AssistantError


class Unauthorized(AssistantError):
    """No valid identity: bad credentials, locked account, expired session or unknown token."""

    status_code = 401
    exit_code = 2


class Forbidden(AssistantError):
    """The identity is known but its role lacks the permission."""

    status_code = 403
    exit_code = 2


class PasswordChangeRequired(Forbidden):
    """Signed in with a password an admin set (a reset or a new account): only changing it is allowed."""

    PAGE = "/account/password"

    def __init__(self) -> None:
        super().__init__(
            "your password was set by an admin: choose your own before going on",
            field="password",
            fix=f"change it on {self.PAGE} (POST /api/account/password)",
        )


class TooManyAttempts(AssistantError):
    """Sign-in refused without checking the password: too many recent failures from this address, or
    too many sign-ins being checked at once. ``retry_after`` (seconds) becomes the Retry-After header."""

    status_code = 429
    exit_code = 75

    def __init__(self, message: str, *, retry_after: int, field: str | None = None, fix: str | None = None):
        super().__init__(message, field=field, fix=fix)
        self.retry_after = max(1, int(retry_after))

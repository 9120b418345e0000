"""Authentication (401) and authorization (403) errors, both ``AssistantError`` subclasses."""

from __future__ import annotations

from assistant.core.errors import AssistantError


class Unauthorized(AssistantError):
    """No valid identity: bad credentials, locked account, expired session or unknown token."""

    status_code = 401
    exit_code = 2


class MfaRequired(Unauthorized):
    """The password was right but the account needs a TOTP code too."""


class Forbidden(AssistantError):
    """The identity is known but its role lacks the permission."""

    status_code = 403
    exit_code = 2

"""Pydantic views of the security domain (what the CLI and API print)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assistant.security.permissions import grants


class Principal(BaseModel):
    """Who is acting: returned by every authenticate_* call and passed to ``require``."""

    model_config = ConfigDict(frozen=True)

    user_id: int
    username: str
    role: str
    permissions: frozenset[str]
    method: str  # "password", "token", "session"
    session_id: str | None = None  # AuthSession.id (hash of the cookie) for session principals
    must_change_password: bool = False  # signed in with an admin-set password: only a change is allowed

    def can(self, permission: str) -> bool:
        return grants(self.permissions, permission)


class UserView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    username: str
    role: str
    disabled: bool
    locked_until: datetime | None
    failed_logins: int
    totp_enabled: bool
    created_at: datetime
    last_login_at: datetime | None
    must_change_password: bool = False


class IssuedToken(BaseModel):
    username: str
    name: str
    token: str  # shown once, never stored
    token_id: int | None = None
    expires_at: datetime | None = None


class TokenView(BaseModel):
    """One API token of a user (never the token itself)."""

    id: int
    name: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    state: str  # active | expired | revoked


class UserDetail(BaseModel):
    """One user as the admin pages show it: the account and its API tokens."""

    user: UserView
    tokens: list[TokenView]


class CreatedUser(BaseModel):
    """A new account; ``temporary_password`` is set (and shown once) when the admin typed none."""

    user: UserView
    temporary_password: str | None = None


class TemporaryPassword(BaseModel):
    """An admin's password reset: the new password, shown once and stored only as a hash."""

    username: str
    temporary_password: str
    tokens_revoked: bool = True


class TotpEnrollment(BaseModel):
    """A started TOTP enrolment: the URI (or the key typed by hand) goes into the authenticator app."""

    username: str
    provisioning_uri: str
    secret: str


class NewSession(BaseModel):
    """A started session: ``token`` goes into the cookie, ``csrf_token`` into forms / X-CSRF-Token."""

    token: str
    session_id: str
    csrf_token: str
    expires_at: datetime
    principal: Principal


class AuditEntryView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    ts: str
    actor: str
    action: str
    target_type: str | None
    target_id: str | None
    ip: str | None
    detail: dict[str, Any]
    hash: str


class AuditPage(BaseModel):
    entries: list[AuditEntryView]
    total: int
    page: int
    per_page: int
    pages: int


class ChainReport(BaseModel):
    intact: bool
    entries: int
    last_hash: str | None
    broken_id: int | None = None
    reason: str | None = None
    scheme: str | None = None  # "hmac-sha256", or sha256 up to a seal then hmac-sha256
    legacy_entries: int = 0  # entries before the seal, checked as plain sha256 links
    anchored_id: int | None = None  # newest entry recorded in the anchor file
    anchor_file: str | None = None
    proves: list[str] = Field(default_factory=list)
    cannot_prove: list[str] = Field(default_factory=list)


class BackupFile(BaseModel):
    path: str
    sha256: str
    bytes: int


class BackupManifest(BaseModel):
    format: int = 1
    created_at: str
    database: str
    files: list[BackupFile]
    row_counts: dict[str, int]
    audit_entries: int
    audit_last_hash: str | None
    includes_keys: bool
    warning: str


class RestoreReport(BaseModel):
    restored_to: str
    files_verified: int
    row_counts: dict[str, int]
    audit: ChainReport
    keys_restored: bool

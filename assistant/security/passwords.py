"""Argon2id password hashing and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import RFC_9106_LOW_MEMORY

from assistant.core.errors import InvalidInput

PROFILE = RFC_9106_LOW_MEMORY  # argon2id, 64 MiB, 3 passes, 4 lanes (the library's defaults)
_hasher = PasswordHasher.from_parameters(PROFILE)
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")

COMMON = frozenset(
    {
        "password",
        "password1",
        "password123",
        "123456789012",
        "qwertyuiop",
        "letmein",
        "welcome1",
        "changeme",
        "administrator",
        "iloveyou",
        "passw0rd",
        "P@ssw0rd",
        "abc123456789",
    }
)


def check_policy(password: str, *, username: str = "", min_length: int = 12) -> None:
    """Refuse empty, short, common or username-based passwords."""
    fix = f"use at least {min_length} characters, e.g. a passphrase of several unrelated words"
    if not password or not password.strip():
        raise InvalidInput("password is empty", field="password", fix=fix)
    if len(password) < min_length:
        raise InvalidInput(f"password is shorter than {min_length} characters", field="password", fix=fix)
    lowered = password.lower()
    if lowered in {c.lower() for c in COMMON} or len(set(password)) < 5:
        raise InvalidInput("password is too common or repetitive", field="password", fix=fix)
    if username and username.lower() in lowered:
        raise InvalidInput("password contains the user name", field="password", fix=fix)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant-ish time: a missing hash still costs one argon2 verification."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)

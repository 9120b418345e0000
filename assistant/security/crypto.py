"""PHI field encryption at rest: AES-256-GCM with the key from a file outside the database.

Stored form: ``enc1:`` + urlsafe-base64(12-byte nonce || ciphertext || 16-byte tag). The column's
``context`` (e.g. ``"patients.name"``) is bound as associated data, so a value copied into another
column does not decrypt.

Adopt in a model::

    from assistant.security.crypto import EncryptedString
    name: Mapped[str] = mapped_column(EncryptedString(context="patients.name"))

Encrypted columns cannot be searched with SQL ``=``/``LIKE``: look rows up by an unencrypted key
(internal id, claim id) or keep a keyed hash column (``blind_index``) for exact matches.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from assistant.config import get_settings
from assistant.core.errors import InvalidInput
from assistant.security.keys import load_or_create_key

PREFIX = "enc1:"
NONCE_BYTES = 12


class PhiCipher:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)
        self._index_key = hmac.new(key, b"blind-index", hashlib.sha256).digest()

    def encrypt(self, plaintext: str, context: str = "") -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, stored: str, context: str = "") -> str:
        if not stored.startswith(PREFIX):
            raise InvalidInput("value is not encrypted with this product's format", field=context or "value")
        blob = base64.urlsafe_b64decode(stored[len(PREFIX) :].encode("ascii"))
        try:
            plain = self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode("utf-8"))
        except InvalidTag as exc:
            raise InvalidInput(
                "encrypted value does not decrypt with the configured PHI key",
                field=context or "value",
                fix="check ASSISTANT_PHI_KEY_PATH points at the key this database was written with",
            ) from exc
        return plain.decode("utf-8")

    def blind_index(self, value: str, context: str = "") -> str:
        """Keyed hash for exact-match lookups of an encrypted value (normalise before calling)."""
        return hmac.new(self._index_key, f"{context}|{value}".encode(), hashlib.sha256).hexdigest()


_cache: dict[tuple[str, int], PhiCipher] = {}


def cipher_for_path(path: Path) -> PhiCipher:
    key = load_or_create_key(path)
    stamp = (str(path), path.stat().st_mtime_ns)
    if stamp not in _cache:
        _cache.clear()
        _cache[stamp] = PhiCipher(key)
    return _cache[stamp]


def _default_cipher() -> PhiCipher:
    return cipher_for_path(get_settings().resolved_phi_key_path)


_provider: Callable[[], PhiCipher] = _default_cipher


def current_cipher() -> PhiCipher:
    return _provider()


def set_cipher_provider(provider: Callable[[], PhiCipher] | None) -> None:
    """Override where ``EncryptedString`` gets its key (tests, or an app with several settings)."""
    global _provider
    _provider = provider or _default_cipher


class EncryptedString(TypeDecorator[str]):
    """A ``str`` column stored AES-GCM-encrypted (TEXT). NULL stays NULL."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context = context

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return current_cipher().encrypt(str(value), self.context)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return current_cipher().decrypt(value, self.context)

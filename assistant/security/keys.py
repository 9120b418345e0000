"""Key files kept outside the database: created on first use (32 random bytes, base64) with mode 0600."""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import stat
from pathlib import Path

from assistant.core.errors import InvalidInput, NotReady

KEY_BYTES = 32


def load_or_create_key(path: Path) -> bytes:
    """Read the key at ``path``, creating it (and its 0700 folder) when missing.

    The key is written in full to a private temporary file and then hard-linked into place, so a process
    starting at the same moment sees either no key file or a complete one, and every process ends up
    with the same key.
    """
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        if os.name == "posix":
            os.chmod(path.parent, 0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(base64.b64encode(secrets.token_bytes(KEY_BYTES)) + b"\n")
                handle.flush()
                os.fsync(handle.fileno())
            # Another process may have put its key in place first: then use theirs.
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    return read_key(path)


def read_key(path: Path) -> bytes:
    if not path.exists():
        raise NotReady(f"key file {path} is missing", field="key", fix="restore it from your key backup")
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise InvalidInput(
            f"key file {path} is readable by other users",
            field="key",
            fix=f"run `chmod 600 {path}`",
        )
    try:
        key = base64.b64decode(path.read_bytes().strip(), validate=True)
    except ValueError as exc:
        raise InvalidInput(
            f"key file {path} is not base64", field="key", fix="restore it from backup"
        ) from exc
    if len(key) != KEY_BYTES:
        raise InvalidInput(f"key file {path} does not hold a {KEY_BYTES}-byte key", field="key")
    return key

"""Consistent backups of the operational SQLite database (sqlite3 online-backup API) with a manifest.

Keys are NOT included unless asked (``include_keys``): a backup holding both the database and the PHI
key is readable by anyone who gets it. Back the key files up separately (see docs/security.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from assistant.config import Settings
from assistant.core.errors import Conflict, InvalidInput, NotFound, NotReady
from assistant.security.audit import audit_key, verify_chain
from assistant.security.keys import read_key
from assistant.security.schemas import BackupFile, BackupManifest, ChainReport, RestoreReport

DB_NAME = "assistant.db"
MANIFEST = "manifest.json"
KEY_WARNING = (
    "This backup does not contain the key files (secret.key, phi.key). Encrypted PHI fields cannot be "
    "read without phi.key: back the keys up separately and keep them apart from this backup."
)
KEYS_INCLUDED_WARNING = (
    "This backup CONTAINS the PHI key: anyone holding it can read the PHI. Store it encrypted and offline."
)


def sqlite_path(settings: Settings) -> Path:
    url = settings.resolved_database_url
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        raise NotReady(
            "backups support the SQLite operational database only",
            field="database_url",
            fix="use your database server's own backup tools",
        )
    return Path(url.split("///", 1)[1])


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_db(source: Path, dest: Path) -> None:
    """Online backup: a consistent snapshot even while the app writes (WAL included)."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        dst.commit()
    finally:
        dst.close()
        src.close()


def _row_counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def _chain(db: Path, key_file: Path | None = None) -> ChainReport:
    """The audit chain of a copied database, checked with the live audit key (or the backup's copy)."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    key = read_key(key_file) if key_file is not None and key_file.exists() else audit_key()

    engine = create_engine(f"sqlite:///{db}")  # no WAL pragma: the file must stay byte-identical
    try:
        with Session(engine) as session:
            if "audit_log" not in _row_counts(db):
                return ChainReport(intact=True, entries=0, last_hash=None)
            return verify_chain(session, key=key)  # the chain alone: the live anchor may be newer
    finally:
        engine.dispose()


def create_backup(
    settings: Settings, out_dir: Path | None = None, *, include_keys: bool = False
) -> tuple[Path, BackupManifest]:
    source = sqlite_path(settings)
    if not source.exists():
        raise NotFound(
            f"no database at {source}", field="database_url", fix="run `assistant db upgrade` first"
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = Path(out_dir or settings.data_dir / "backups") / f"assistant-backup-{stamp}"
    folder.mkdir(parents=True, exist_ok=False)
    if os.name == "posix":
        os.chmod(folder, 0o700)
    _copy_db(source, folder / DB_NAME)
    files = [folder / DB_NAME]
    if include_keys:
        (folder / "keys").mkdir(mode=0o700)
        for key in (
            settings.resolved_secret_key_path,
            settings.resolved_phi_key_path,
            settings.resolved_audit_key_path,
        ):
            if key.exists():
                target = folder / "keys" / key.name
                shutil.copyfile(key, target)
                os.chmod(target, 0o600)
                files.append(target)
    chain = _chain(folder / DB_NAME)
    manifest = BackupManifest(
        created_at=datetime.now(UTC).isoformat(),
        database=DB_NAME,
        files=[
            BackupFile(path=f.relative_to(folder).as_posix(), sha256=sha256_file(f), bytes=f.stat().st_size)
            for f in files
        ],
        row_counts=_row_counts(folder / DB_NAME),
        audit_entries=chain.entries,
        audit_last_hash=chain.last_hash,
        includes_keys=include_keys,
        warning=KEYS_INCLUDED_WARNING if include_keys else KEY_WARNING,
    )
    (folder / MANIFEST).write_text(manifest.model_dump_json(indent=2))
    return folder, manifest


def read_manifest(backup: Path) -> BackupManifest:
    path = backup / MANIFEST
    if not path.exists():
        raise NotFound(
            f"{backup} has no {MANIFEST}", field="backup", fix="pass a folder made by `assistant backup`"
        )
    try:
        return BackupManifest.model_validate(json.loads(path.read_text()))
    except ValueError as exc:
        raise InvalidInput(f"{path} is not a valid backup manifest", field="backup") from exc


def restore_backup(backup: Path, to_dir: Path, *, force: bool = False) -> RestoreReport:
    """Verify the backup's checksums, copy it into ``to_dir`` and verify data and the audit chain."""
    backup = Path(backup)
    manifest = read_manifest(backup)
    for item in manifest.files:
        path = backup / item.path
        if not path.exists() or sha256_file(path) != item.sha256:
            raise InvalidInput(
                f"backup file {item.path} is missing or corrupted (sha256 mismatch)",
                field="backup",
                fix="use another backup",
            )
    target = Path(to_dir) / DB_NAME
    if target.exists() and not force:
        raise Conflict(f"{target} already exists", field="to", fix="pass --force to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    tmp = target.with_suffix(".restoring")
    tmp.unlink(missing_ok=True)
    _copy_db(backup / manifest.database, tmp)
    conn = sqlite3.connect(tmp)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    counts = _row_counts(tmp)
    chain = _chain(tmp, backup / "keys" / "audit.key")
    problems = []
    if ok != "ok":
        problems.append(f"integrity_check: {ok}")
    if counts != manifest.row_counts:
        problems.append("row counts differ from the manifest")
    if (
        not chain.intact
        or chain.entries != manifest.audit_entries
        or chain.last_hash != manifest.audit_last_hash
    ):
        problems.append(f"audit chain does not verify ({chain.reason or 'entries/last hash differ'})")
    if problems:
        tmp.unlink(missing_ok=True)
        raise InvalidInput("restored copy failed verification: " + "; ".join(problems), field="backup")
    os.replace(tmp, target)
    keys_restored = False
    if manifest.includes_keys:
        keys = Path(to_dir) / "keys"
        keys.mkdir(mode=0o700, exist_ok=True)
        for item in manifest.files:
            if item.path.startswith("keys/"):
                dest = keys / Path(item.path).name
                if dest.exists() and not force:
                    raise Conflict(f"{dest} already exists", field="to", fix="pass --force to overwrite keys")
                shutil.copyfile(backup / item.path, dest)
                os.chmod(dest, 0o600)
                keys_restored = True
    return RestoreReport(
        restored_to=str(target),
        files_verified=len(manifest.files),
        row_counts=counts,
        audit=chain,
        keys_restored=keys_restored,
    )

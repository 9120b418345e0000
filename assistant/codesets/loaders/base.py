"""Loader framework: a release folder = ``manifest.json`` + files with sha256, loaded in one transaction.

A loader is a function ``load(ctx: LoadContext) -> dict[str, int]`` that writes rows for
``ctx.release_id`` and returns per-kind counts (``{"codes": ..., "billable": ...}``).
``releases.row_count`` is ``counts["rows"]`` if given, else ``counts["codes"]``, else the sum of the counts.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import Connection, Table

from assistant.codesets.models import releases
from assistant.codesets.schemas import ReleaseInfo
from assistant.core.errors import AssistantError

CHUNK = 5000


class CorruptRelease(AssistantError):
    """A shipped or imported release whose files are missing, altered or unreadable."""


class ManifestFile(BaseModel):
    path: str | None = None  # relative to the manifest's folder
    package_resource: str | None = None  # "package:relative/path" inside an installed package
    sha256: str
    rows: int | None = None
    role: str | None = None  # optional label a loader uses to pick the file (e.g. "tabular", "main")


class Manifest(BaseModel):
    system: str
    release: str
    loader: str | None = None  # registry key; defaults to ``system``
    effective_from: date | None = None
    effective_to: date | None = None
    source: str
    license: str
    files: list[ManifestFile]
    stale: bool = False
    notes: str | list[str] | None = None
    extra: dict[str, Any] = Field(default_factory=dict)

    @property
    def loader_key(self) -> str:
        return self.loader or self.system


@dataclass
class LoadContext:
    conn: Connection
    release_id: int
    manifest: Manifest
    manifest_path: Path
    files: list[Path]  # verified paths, same order as manifest.files
    user_imported: bool = False
    counts: dict[str, int] = field(default_factory=dict)

    def file(self, role: str | None = None, suffix: str | None = None) -> Path:
        """The verified file with this ``role`` (or name ending in ``suffix``); the only file otherwise."""
        for entry, path in zip(self.manifest.files, self.files, strict=True):
            if (role and entry.role == role) or (suffix and path.name.endswith(suffix)):
                return path
        if role is None and suffix is None and len(self.files) == 1:
            return self.files[0]
        raise CorruptRelease(
            f"release {self.manifest.system} {self.manifest.release}: no file with role={role!r} "
            f"suffix={suffix!r} in {self.manifest_path}",
            field="manifest.files",
            fix="restore the manifest from git or re-import the release",
        )

    def insert(self, table: Table, rows: Iterable[dict[str, Any]]) -> int:
        """Bulk insert in chunks, stamping ``release_id``; returns the number of rows."""
        total = 0
        for chunk in _chunks(rows, CHUNK):
            for row in chunk:
                row["release_id"] = self.release_id
            self.conn.execute(table.insert(), chunk)
            total += len(chunk)
        return total

    def corrupt(self, path: Path, problem: str) -> CorruptRelease:
        return corrupt_file(self.manifest_path, path, problem)


Loader = Callable[[LoadContext], dict[str, int]]


def corrupt_file(manifest_path: Path, path: Path | str, problem: str) -> CorruptRelease:
    return CorruptRelease(
        f"corrupt release {manifest_path.parent}: file {path} {problem}",
        field=str(path),
        fix="restore the file from git (`git checkout -- codesets/`), reinstall the package that ships it, "
        "or re-import the release with `assistant codesets import`",
    )


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(path: Path) -> Manifest:
    try:
        return Manifest.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError, ValidationError) as exc:
        raise CorruptRelease(
            f"unreadable manifest {path}: {exc}",
            field=str(path),
            fix="restore it from git or re-import the release with `assistant codesets import`",
        ) from exc


def resolve_file(manifest_path: Path, entry: ManifestFile) -> Path:
    if entry.package_resource:
        package, _, rel = entry.package_resource.partition(":")
        try:
            resource = importlib.resources.files(package).joinpath(rel)
        except ModuleNotFoundError as exc:
            raise CorruptRelease(
                f"release {manifest_path.parent}: package {package!r} (for {entry.package_resource}) "
                "is not installed",
                field="manifest.files",
                fix="run `make setup` (pip install -r requirements.lock)",
            ) from exc
        return Path(str(resource))
    if entry.path:
        return manifest_path.parent / entry.path
    raise corrupt_file(manifest_path, "<unnamed>", "has neither `path` nor `package_resource`")


def verify_files(manifest_path: Path, manifest: Manifest) -> list[Path]:
    """Every file exists and has the sha256 the manifest records."""
    paths = []
    for entry in manifest.files:
        path = resolve_file(manifest_path, entry)
        if not path.is_file():
            raise corrupt_file(manifest_path, path, "is missing")
        actual = sha256_of(path)
        if actual != entry.sha256.lower():
            raise corrupt_file(
                manifest_path, path, f"has sha256 {actual}, but the manifest records {entry.sha256}"
            )
        paths.append(path)
    return paths


def release_sha(manifest: Manifest) -> str:
    if len(manifest.files) == 1:
        return manifest.files[0].sha256.lower()
    joined = "\n".join(sorted(f.sha256.lower() for f in manifest.files))
    return hashlib.sha256(joined.encode()).hexdigest()


def load_release(
    conn: Connection,
    manifest_path: Path,
    loaders: dict[str, Loader],
    *,
    user_imported: bool = False,
) -> ReleaseInfo:
    """Verify and load one release inside the caller's transaction; returns what was stored."""
    manifest = read_manifest(manifest_path)
    loader = loaders.get(manifest.loader_key)
    if loader is None:
        raise CorruptRelease(
            f"no loader for system {manifest.loader_key!r} (manifest {manifest_path})",
            field="system",
            fix=f"use one of: {', '.join(sorted(loaders))}",
        )
    files = verify_files(manifest_path, manifest)
    stored_manifest = manifest.model_dump(mode="json", exclude_none=True)
    facts: dict[str, Any] = {  # the release as stored and as answered
        **manifest.model_dump(
            include={"system", "release", "effective_from", "effective_to", "source", "license", "stale"}
        ),
        "sha256": release_sha(manifest),
        "user_imported": user_imported,
    }
    result = conn.execute(
        releases.insert().values(**facts, row_count=0, loaded_at=datetime.now(), manifest=stored_manifest)
    )
    release_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    ctx = LoadContext(conn, release_id, manifest, manifest_path, files, user_imported)
    counts = dict(loader(ctx))
    row_count = counts.get("rows", sum(counts.values()) if "codes" not in counts else counts["codes"])
    stored_manifest["counts"] = counts
    conn.execute(
        releases.update()
        .where(releases.c.id == release_id)
        .values(row_count=row_count, manifest=stored_manifest)
    )
    return ReleaseInfo(
        **facts,
        row_count=row_count,
        counts=counts,
    )

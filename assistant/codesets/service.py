"""Build the reference SQLite from every release manifest (shipped + user-imported), atomically."""

from __future__ import annotations

import hashlib
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text

from assistant.codesets import fts
from assistant.codesets.loaders import LOADERS, load_release
from assistant.codesets.loaders.base import read_manifest
from assistant.codesets.models import (
    CARC,
    CPT,
    CPT_MODIFIER,
    GROUP,
    HCPCS,
    HCPCS_MODIFIER,
    ICD10CM,
    ICD10CM_INDEX,
    MCE,
    NCCI_MUE,
    NCCI_PTP,
    POS,
    RARC,
    reference_metadata,
)
from assistant.codesets.repository import CodeSetRepository
from assistant.codesets.schemas import ReleaseInfo
from assistant.config import Settings

# Bump when loaders change what they write, so `ensure_loaded` rebuilds existing databases.
BUILD_VERSION = "1"

KNOWN_SYSTEMS = [
    ICD10CM,
    ICD10CM_INDEX,
    HCPCS,
    HCPCS_MODIFIER,
    CPT,
    CPT_MODIFIER,
    POS,
    MCE,
    NCCI_PTP,
    NCCI_MUE,
    CARC,
    RARC,
    GROUP,
]


def discover_manifests(settings: Settings) -> list[tuple[Path, bool]]:
    """(manifest path, user_imported) for ``codesets/<system>/<release>/manifest.json`` in both roots."""
    found: list[tuple[Path, bool]] = []
    for root, imported in ((settings.codesets_dir, False), (settings.local_codesets_dir, True)):
        if root.is_dir():
            found.extend((path, imported) for path in sorted(root.glob("*/*/manifest.json")))
    return found


def fingerprint(settings: Settings) -> str:
    digest = hashlib.sha256(f"build {BUILD_VERSION}\n".encode())
    for path, imported in discover_manifests(settings):
        digest.update(f"{path.resolve()} {imported}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def stored_fingerprint(db_path: Path) -> str | None:
    if not db_path.exists():
        return None
    engine = create_engine(f"sqlite:///file:{db_path}?mode=ro&uri=true")
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT value FROM build_info WHERE key = 'fingerprint'")).scalar()
    except Exception:  # an old or foreign file: rebuild it
        return None
    finally:
        engine.dispose()


def _fast_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=OFF")
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA cache_size=-200000")
    cursor.close()


class _Progress:
    """Rich progress bar over releases (quiet when ``enabled`` is false)."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled = enabled
        self.progress: Any = None
        self.task: Any = None
        if enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
            )
            self.progress.start()
            self.task = self.progress.add_task("loading code sets", total=total)

    def step(self, description: str, advance: int = 0) -> None:
        if self.progress is not None:
            self.progress.update(self.task, description=description, advance=advance)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def load_all(settings: Settings, progress: bool = True) -> dict[str, ReleaseInfo]:
    """Load every release into a fresh SQLite file, then rename it over the reference DB."""
    started = time.perf_counter()
    target = settings.resolved_reference_db
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.building-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    manifests = discover_manifests(settings)
    print_fingerprint = fingerprint(settings)
    engine = create_engine(f"sqlite:///{tmp}")
    event.listen(engine, "connect", _fast_pragmas)
    bar = _Progress(progress, len(manifests) + 1)
    loaded: dict[str, ReleaseInfo] = {}
    count = 0
    try:
        reference_metadata.create_all(engine)
        for manifest_path, imported in manifests:
            key = read_manifest(manifest_path).loader_key
            if key not in LOADERS:  # a release whose loader is not written yet: say so, never hide it
                print(f"WARNING: skipped {manifest_path}: no loader registered for {key!r}", file=sys.stderr)
                bar.step(f"skipped {key}", advance=1)
                continue
            bar.step(f"loading {manifest_path.parent.relative_to(manifest_path.parents[2])}")
            with engine.begin() as conn:
                info = load_release(conn, manifest_path, LOADERS, user_imported=imported)
            count += 1
            current = loaded.get(info.system)
            if current is None or (info.effective_from or date.min) >= (current.effective_from or date.min):
                loaded[info.system] = info
            bar.step(f"loaded {info.system} {info.release}", advance=1)
        bar.step("building search index")
        with engine.begin() as conn:
            fts.build(conn)
            conn.execute(text("CREATE TABLE build_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)"))
            conn.execute(
                text("INSERT INTO build_info VALUES ('fingerprint', :f), ('built_seconds', :s)"),
                {"f": print_fingerprint, "s": f"{time.perf_counter() - started:.1f}"},
            )
        bar.step("search index built", advance=1)
    except BaseException:
        bar.stop()
        engine.dispose()
        tmp.unlink(missing_ok=True)
        raise
    bar.stop()
    engine.dispose()
    os.replace(tmp, target)
    elapsed = time.perf_counter() - started
    if progress:
        print(f"Loaded {count} releases into {target} in {elapsed:.1f} s", file=sys.stderr)
    return loaded


def ensure_loaded(settings: Settings, progress: bool = True) -> bool:
    """Build the reference DB when it is missing or the manifests changed; True when it was (re)built."""
    if stored_fingerprint(settings.resolved_reference_db) == fingerprint(settings):
        return False
    load_all(settings, progress=progress)
    return True


def status(settings: Settings) -> dict[str, dict[str, Any]]:
    """Per system: the newest loaded release (plus every release under "releases"); absent ones null."""
    repo = CodeSetRepository.open(settings.resolved_reference_db)
    try:
        infos = repo.releases()
    finally:
        repo.close()
    result: dict[str, dict[str, Any]] = {}
    systems = KNOWN_SYSTEMS + sorted({i.system for i in infos} - set(KNOWN_SYSTEMS))
    for system in systems:
        mine = [i for i in infos if i.system == system]
        if not mine:
            result[system] = {"release": None, "rows": 0, "codes": 0}
            continue
        newest = mine[0]
        entry: dict[str, Any] = {
            "release": newest.release,
            "effective_from": newest.effective_from,
            "effective_to": newest.effective_to,
            "rows": newest.row_count,
        }
        entry.update(newest.counts)
        entry.update(
            stale=newest.stale,
            user_imported=newest.user_imported,
            source=newest.source,
            license=newest.license,
            sha256=newest.sha256,
            releases=[
                {
                    "release": i.release,
                    "effective_from": i.effective_from,
                    "effective_to": i.effective_to,
                    "rows": i.row_count,
                    "stale": i.stale,
                    "user_imported": i.user_imported,
                }
                for i in mine
            ],
        )
        result[system] = entry
    return result

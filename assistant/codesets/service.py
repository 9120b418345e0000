"""Build the reference SQLite from every release manifest (shipped + user-imported), atomically."""

from __future__ import annotations

import hashlib
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event

from assistant.codesets import loader_repository
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
from assistant.codesets.schemas import (
    BillableChange,
    CodeInRelease,
    DiffCode,
    DiffCounts,
    ReferenceLookup,
    ReleaseDiff,
    ReleaseInfo,
    ReleaseSpan,
    ReleaseState,
    RevisedCode,
    SystemStatus,
)
from assistant.config import Settings

# Bump when loaders change what they write, so `ensure_loaded` rebuilds existing databases.
BUILD_VERSION = "3"  # 2: MCE dated tables, derived ICD-10-CM releases; 3: Index "Note:" rows are no terms

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
    return loader_repository.stored_fingerprint(db_path)


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
            loader_repository.build_search_table(conn)
            loader_repository.write_build_info(conn, print_fingerprint, time.perf_counter() - started)
        bar.step("code text search (FTS) built", advance=1)
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


# How often a system is republished: its release is stale once a newer period has begun.
QUARTERLY = {HCPCS, HCPCS_MODIFIER, NCCI_PTP, NCCI_MUE}
FISCAL_YEARLY = {ICD10CM, ICD10CM_INDEX, MCE}
MUST_IMPORT = {
    NCCI_PTP: "import the current NCCI practitioner PTP table: "
    "`assistant codesets import-ncci FILE --kind ptp`",
    NCCI_MUE: "import the current NCCI practitioner MUE table: "
    "`assistant codesets import-ncci FILE --kind mue`",
    CPT: "import your licensed AMA CPT file: `assistant codesets import-cpt FILE` (CPT codes show as numbers "
    "until then)",
}
IMPORT_COMMAND = {
    HCPCS: "`assistant codesets import-hcpcs FILE.zip` (CMS HCPCS quarterly zip)",
    HCPCS_MODIFIER: "`assistant codesets import-hcpcs FILE.zip` (the modifiers come with the HCPCS zip)",
    NCCI_PTP: "`assistant codesets import-ncci FILE --kind ptp`",
    NCCI_MUE: "`assistant codesets import-ncci FILE --kind mue`",
    ICD10CM: "`assistant codesets import FILE.zip` (CDC's ICD-10-CM tabular zip)",
}


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def fiscal_year_start(day: date) -> date:
    """US federal fiscal year: FY2027 runs 2026-10-01 to 2027-09-30."""
    return date(day.year if day.month >= 10 else day.year - 1, 10, 1)


def _state(info: ReleaseInfo, today: date) -> str:
    if info.effective_to is not None and info.effective_to < today:
        return "ended"
    if info.effective_from is not None and info.effective_from > today:
        return "future"
    return "in force"


def _in_force(mine: list[ReleaseInfo], today: date) -> ReleaseInfo | None:
    """The release in force today; for open-ended releases the newest started one (a later one
    supersedes it)."""
    started = [i for i in mine if _state(i, today) == "in force"]
    return started[0] if started else None


def _staleness(system: str, info: ReleaseInfo, today: date) -> str | None:
    """Why ``info`` (the release in force, or the newest when none is) is out of date; None when current."""
    if info.effective_to is not None and info.effective_to < today:
        return f"ended on {info.effective_to}"
    if system in QUARTERLY and info.effective_from and info.effective_from < quarter_start(today):
        q = quarter_start(today)
        return f"older than the current quarter ({q.year}-Q{(q.month - 1) // 3 + 1}, from {q})"
    if system in FISCAL_YEARLY and info.effective_from and info.effective_from < fiscal_year_start(today):
        fy = fiscal_year_start(today)
        return f"older than the current fiscal year (FY{fy.year + 1}, from {fy})"
    if info.stale:
        return "marked stale in its manifest"
    return None


def _release_state(info: ReleaseInfo, current: ReleaseInfo | None, today: date) -> ReleaseState:
    state = _state(info, today)
    if current is not None and info is not current and state == "in force":
        state = "superseded"
    shared = info.model_dump(include={"release", "effective_from", "effective_to", "stale", "user_imported"})
    return ReleaseState(**shared, state=state, rows=info.row_count)


def _system_status(system: str, mine: list[ReleaseInfo], today: date) -> SystemStatus:
    if not mine:
        nothing: dict[str, Any] = {"rows": 0, "codes": 0}  # codes: an extra field, as a manifest's count
        return SystemStatus(
            release=None,
            in_force=False,
            **nothing,
            stale=system in MUST_IMPORT,
            action=MUST_IMPORT.get(system),
        )
    current = _in_force(mine, today)
    shown = current or mine[0]
    reason = (
        _staleness(system, shown, today)
        if current
        else (
            f"no release is in force on {today}"
            + (f"; the newest ended on {shown.effective_to}" if shown.effective_to else "")
        )
    )
    action = None
    if reason and system in IMPORT_COMMAND:
        action = f"import a current release: {IMPORT_COMMAND[system]}"
    elif reason and system == ICD10CM_INDEX:
        action = "no newer Alphabetic Index is shipped: check index codes against the tabular list"
    facts = shown.model_dump(
        include={"release", "effective_from", "effective_to", "user_imported", "source", "license", "sha256"}
    )
    counts: dict[str, Any] = {"rows": shown.row_count, **shown.counts}  # a manifest's count may name rows
    return SystemStatus(
        **facts,
        **counts,
        in_force=current is not None,
        stale=reason is not None,
        stale_reason=reason,
        action=action,
        as_of=today,
        releases=[_release_state(i, current, today) for i in mine],
    )


def status(settings: Settings, today: date | None = None) -> dict[str, SystemStatus]:
    """Per system, by ``today``'s date: the release in force, whether it is stale and why, what to import,
    and every loaded release with its state (in force, ended, future, superseded)."""
    today = today or date.today()
    repo = CodeSetRepository.open(settings.resolved_reference_db)
    try:
        infos = repo.releases()
    finally:
        repo.close()
    systems = KNOWN_SYSTEMS + sorted({i.system for i in infos} - set(KNOWN_SYSTEMS))
    return {
        system: _system_status(system, [i for i in infos if i.system == system], today) for system in systems
    }


def _span(info: ReleaseInfo) -> ReleaseSpan:
    return ReleaseSpan(**info.model_dump(include={"release", "effective_from", "effective_to"}))


def diff_releases(settings: Settings, system: str, old: str, new: str) -> ReleaseDiff:
    """Codes added, deleted and revised (title) between two loaded releases of ``system``, plus codes whose
    billable status changed (e.g. D69.1, a header from FY2027). ``old``/``new``: labels or dates."""
    repo = CodeSetRepository.open(settings.resolved_reference_db)
    try:
        before_info, after_info = repo.release_named(system, old), repo.release_named(system, new)
        before = repo.release_codes(system, before_info.release)
        after = repo.release_codes(system, after_info.release)
    finally:
        repo.close()
    added = [
        DiffCode(code=c, title=after[c][0], billable=after[c][1])
        for c in sorted(after.keys() - before.keys())
    ]
    deleted = [
        DiffCode(code=c, title=before[c][0], billable=before[c][1])
        for c in sorted(before.keys() - after.keys())
    ]
    common = sorted(before.keys() & after.keys())
    revised = [
        RevisedCode(code=c, old_title=before[c][0], new_title=after[c][0])
        for c in common
        if " ".join(before[c][0].split()) != " ".join(after[c][0].split())
    ]
    billable = [
        BillableChange(code=c, title=after[c][0], was_billable=before[c][1], billable=after[c][1])
        for c in common
        if before[c][1] != after[c][1]
    ]
    return ReleaseDiff(
        system=system,
        old=_span(before_info),
        new=_span(after_info),
        counts=DiffCounts(
            added=len(added),
            added_billable=sum(1 for a in added if a.billable),
            deleted=len(deleted),
            deleted_billable=sum(1 for d in deleted if d.billable),
            revised=len(revised),
            billable_changed=len(billable),
        ),
        added=added,
        deleted=deleted,
        revised=revised,
        billable_changed=billable,
    )


def code_history(reference: ReferenceLookup, code: str, system: str) -> list[CodeInRelease]:
    """The code in every loaded release of ``system``, oldest first (empty when none is loaded)."""
    try:
        releases = reference.releases(system)
    except Exception:  # noqa: BLE001 - no release data: no history
        return []
    rows = []
    for rel in sorted(releases, key=lambda r: (r.effective_from is None, r.effective_from or date.min)):
        info = reference.find_code(code, system, rel.effective_from) if rel.effective_from else None
        present = info is not None and info.release == rel.release
        rows.append(
            CodeInRelease(
                **rel.model_dump(include={"release", "effective_from", "effective_to"}),
                present=present,
                billable=bool(info and info.billable),
                title=info.title if info else None,
            )
        )
    return rows


def release_in_force(
    reference: ReferenceLookup, system: str = ICD10CM, on: date | None = None
) -> ReleaseInfo:
    """The release of ``system`` that applies on ``on`` (today when None): what the suggestion engine and
    any caller with a date of service should report. Raises NoReleaseForDate with the reason (ICD-9 era,
    a newer release needed)."""
    return reference.release_for(system, on or date.today())

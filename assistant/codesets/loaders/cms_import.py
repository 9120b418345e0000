"""User imports: copy a release into ``settings.local_codesets_dir/<slug>/<release>/`` with a manifest, then
update the reference database in place (or build it when missing), so the import survives every rebuild.

- ``import_release``: CMS HCPCS quarterly alpha-numeric file (xlsx / fixed-width txt / CSV, or a zip holding
  one) and ICD-10-CM tabular XML (parsed by ``loaders/icd10cm.py``); returns a diff against the newest
  release of that system that was loaded before.
- ``import_ncci``: practitioner PTP or MUE table, stored normalised as plain CSV.
- ``import_cpt``: the user's licensed CPT file.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine

from assistant.codesets import loader_repository, service
from assistant.codesets.loaders import LOADERS, hcpcs, load_release, ncci
from assistant.codesets.loaders.base import read_manifest, sha256_of
from assistant.codesets.loaders.cpt import parse_cpt
from assistant.codesets.models import CPT, HCPCS, HCPCS_MODIFIER, ICD10CM, NCCI_MUE, NCCI_PTP
from assistant.codesets.repository import CodeSetRepository
from assistant.codesets.schemas import ReleaseInfo
from assistant.config import Settings
from assistant.core.errors import InvalidInput

SLUGS = {
    HCPCS: "hcpcs",
    HCPCS_MODIFIER: "hcpcs-modifiers",
    ICD10CM: "icd10cm",
    NCCI_PTP: "ncci-ptp",
    NCCI_MUE: "ncci-mue",
    CPT: "cpt",
}
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1
    )
}
_ANWEB = re.compile(r"HCPC(20\d{2})[_-]?([A-Z]{3})", re.IGNORECASE)


@dataclass
class CodeDiff:
    system: str
    release: str
    previous_release: str | None
    new: list[dict[str, str]] = field(default_factory=list)
    deleted: list[dict[str, str]] = field(default_factory=list)
    revised: list[dict[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"new": len(self.new), "deleted": len(self.deleted), "revised": len(self.revised)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "release": self.release,
            "previous_release": self.previous_release,
            "counts": self.counts(),
            "new": self.new,
            "deleted": self.deleted,
            "revised": self.revised,
        }


@dataclass
class ImportResult:
    releases: list[ReleaseInfo]
    folder: Path
    diffs: list[CodeDiff] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "releases": [r.model_dump(mode="json") for r in self.releases],
            "diffs": [d.to_dict() for d in self.diffs],
        }


# ---------------------------------------------------------------------------- storage and DB update
def _safe_label(label: str) -> str:
    clean = re.sub(r"[^A-Za-z0-9._-]+", "-", label.strip()).strip("-.")
    if not clean:
        raise InvalidInput(
            f"release label {label!r} is empty", field="release", fix="give e.g. --release 2026-Q2"
        )
    return clean[:64]


def write_manifest(folder: Path, manifest: dict[str, Any]) -> Path:
    path = folder / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def _file_entry(path: Path, rows: int | None = None, role: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"path": path.name, "sha256": sha256_of(path)}
    if rows is not None:
        entry["rows"] = rows
    if role:
        entry["role"] = role
    return entry


def _fresh_folder(settings: Settings, system: str, label: str) -> Path:
    folder = settings.local_codesets_dir / SLUGS[system] / _safe_label(label)
    if folder.exists():
        shutil.rmtree(folder)  # re-importing a release replaces it
    folder.mkdir(parents=True)
    return folder


def apply_to_reference(settings: Settings, manifest_paths: list[Path]) -> list[ReleaseInfo]:
    """Load the given user releases into the reference DB, replacing a same system+release one.

    When the DB does not exist yet everything is built (``service.load_all``), which includes these.
    """
    db = settings.resolved_reference_db
    if not db.exists() or service.stored_fingerprint(db) is None:
        loaded = service.load_all(settings, progress=False)
        wanted = {(m.system, m.release) for m in map(read_manifest, manifest_paths)}
        return [info for info in loaded.values() if (info.system, info.release) in wanted] or [
            info for info in _infos_for(settings, wanted)
        ]
    engine = create_engine(f"sqlite:///{db}")
    infos = []
    try:
        with engine.begin() as conn:
            loader_repository.enable_foreign_keys(conn)
            for path in manifest_paths:
                manifest = read_manifest(path)
                loader_repository.delete_release(conn, manifest.system, manifest.release)
                infos.append(load_release(conn, path, LOADERS, user_imported=True))
            loader_repository.build_search_table(conn)
            loader_repository.update_fingerprint(conn, service.fingerprint(settings))
    finally:
        engine.dispose()
    return infos


def _infos_for(settings: Settings, wanted: set[tuple[str, str]]) -> list[ReleaseInfo]:
    repo = CodeSetRepository.open(settings.resolved_reference_db)
    try:
        return [i for i in repo.releases() if (i.system, i.release) in wanted]
    finally:
        repo.close()


def _snapshot(settings: Settings, system: str) -> tuple[str | None, dict[str, str]]:
    """Codes and titles of the newest loaded release of ``system`` (empty when none)."""
    return loader_repository.newest_release_codes(settings.resolved_reference_db, system)


def code_diff(
    system: str, release: str, previous: str | None, old: dict[str, str], new: dict[str, str]
) -> CodeDiff:
    diff = CodeDiff(system=system, release=release, previous_release=previous)
    for code in sorted(new.keys() - old.keys()):
        diff.new.append({"code": code, "title": new[code]})
    for code in sorted(old.keys() - new.keys()):
        diff.deleted.append({"code": code, "title": old[code]})
    for code in sorted(old.keys() & new.keys()):
        if " ".join(old[code].split()).lower() != " ".join(new[code].split()).lower():
            diff.revised.append({"code": code, "old_title": old[code], "new_title": new[code]})
    return diff


# ---------------------------------------------------------------------------- HCPCS / ICD-10-CM
def _unpack(path: Path, workdir: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file())
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                target = (workdir / member).resolve()
                if not str(target).startswith(str(workdir.resolve())):
                    raise InvalidInput(f"{path.name}: unsafe member path {member!r}", field="file")
            archive.extractall(workdir)
        return sorted(p for p in workdir.rglob("*") if p.is_file() and "__MACOSX" not in p.parts)
    return [path]


def _pick_hcpcs(files: list[Path]) -> Path | None:
    def rank(p: Path) -> int:
        suffix = p.suffix.lower()
        return {".xlsx": 0, ".txt": 1, ".csv": 2}.get(suffix, 9)

    candidates = [
        p for p in files if "ANWEB" in p.name.upper() and p.suffix.lower() in (".xlsx", ".txt", ".csv")
    ]
    candidates = [p for p in candidates if "LAYOUT" not in p.name.upper()]
    if not candidates:
        candidates = [p for p in files if p.name.lower().startswith("hcpcs") and p.suffix.lower() == ".csv"]
    return min(candidates, key=rank) if candidates else None


def _pick_icd(files: list[Path]) -> Path | None:
    xml = [p for p in files if p.suffix.lower() == ".xml" and "tabular" in p.name.lower()]
    return xml[0] if xml else None


def hcpcs_release_label(name: str) -> tuple[str, date | None]:
    found = _ANWEB.search(name)
    if not found or found[2].upper() not in _MONTHS:
        return Path(name).stem, None
    year, month = int(found[1]), _MONTHS[found[2].upper()]
    quarter = (month - 1) // 3 + 1
    return f"{year}-Q{quarter}", date(year, month, 1)


def import_release(
    settings: Settings, path: Path, release: str | None = None, effective_from: date | None = None
) -> ImportResult:
    if not path.exists():
        raise InvalidInput(
            f"{path} does not exist", field="path", fix="give the path of the CMS/CDC file or zip"
        )
    if path.is_file() and path.suffix.lower() == ".zip":
        member = _zip_anweb(path)
        if member is not None:  # a CMS HCPCS quarterly zip: kept and read as published
            return _import_hcpcs(settings, path, release, effective_from, label_from=member)
    with tempfile.TemporaryDirectory() as tmp:
        files = _unpack(path, Path(tmp))
        hcpcs_file = _pick_hcpcs(files)
        if hcpcs_file is not None:
            return _import_hcpcs(settings, hcpcs_file, release, effective_from)
        icd_file = _pick_icd(files)
        if icd_file is not None:
            return _import_icd(settings, icd_file, files, release, effective_from)
    raise InvalidInput(
        f"{path.name}: no HCPCS alpha-numeric file (HCPC20xx_<MON>_ANWEB.xlsx/.txt) "
        "or ICD-10-CM tabular XML found",
        field="path",
        fix="pass CMS's HCPCS quarterly zip/xlsx/txt or CDC's ICD-10-CM tabular XML (see docs/formats.md)",
    )


def _zip_anweb(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            return hcpcs.anweb_member(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise InvalidInput(f"{path.name}: not a readable zip ({exc})", field="path") from exc


def import_hcpcs(
    settings: Settings, path: Path, release: str | None = None, effective_from: date | None = None
) -> ImportResult:
    """A CMS HCPCS quarterly zip (or its ANWEB .txt/.xlsx), kept as published; diff against the newest."""
    if not path.is_file():
        raise InvalidInput(f"{path} does not exist", field="path", fix="give the path of CMS's HCPCS zip")
    member = _zip_anweb(path) if path.suffix.lower() == ".zip" else path.name
    if member is None:
        raise InvalidInput(
            f"{path.name}: no fixed-width HCPC20xx_<MON>_ANWEB*.txt inside the zip",
            field="path",
            fix="supply CMS's HCPCS Level II quarterly alpha-numeric zip as downloaded",
        )
    return _import_hcpcs(settings, path, release, effective_from, label_from=member)


def _import_hcpcs(
    settings: Settings,
    source: Path,
    release: str | None,
    effective_from: date | None,
    label_from: str | None = None,
) -> ImportResult:
    records = hcpcs.read_records(source)  # validates before anything is written
    label, derived = hcpcs_release_label(label_from or source.name)
    label = release or label
    effective_from = effective_from or derived
    procedures = {r.code: r.long_description or r.short_description for r in records if not r.is_modifier}
    modifiers = {r.code: r.long_description or r.short_description for r in records if r.is_modifier}
    prev_codes = _snapshot(settings, HCPCS)
    prev_mods = _snapshot(settings, HCPCS_MODIFIER)
    manifests = []
    common = {
        "release": label,
        "effective_from": effective_from.isoformat() if effective_from else None,
        "effective_to": None,
        "license": "Public domain (CMS).",
        "stale": False,
        "notes": [f"Imported by the user on {datetime.now():%Y-%m-%d} from {source.name}."],
        "extra": {"original_file": source.name},
    }
    for system, count, what in (
        (HCPCS, len(procedures), "codes"),
        (HCPCS_MODIFIER, len(modifiers), "modifiers"),
    ):
        if not count:
            continue
        folder = _fresh_folder(settings, system, label)
        target = folder / source.name
        shutil.copy2(source, target)
        manifest = {
            **common,
            "system": system,
            "source": f"CMS HCPCS Level II quarterly alpha-numeric file {source.name} ({what})",
            "files": [_file_entry(target, count)],
        }
        manifests.append(write_manifest(folder, manifest))
    infos = apply_to_reference(settings, manifests)
    diffs = [code_diff(HCPCS, label, prev_codes[0], prev_codes[1], procedures)]
    if modifiers:
        diffs.append(code_diff(HCPCS_MODIFIER, label, prev_mods[0], prev_mods[1], modifiers))
    return ImportResult(infos, manifests[0].parent, diffs)


def _import_icd(
    settings: Settings, xml: Path, files: list[Path], release: str | None, effective_from: date | None
) -> ImportResult:
    """ICD-10-CM tabular XML: parsed by the ICD-10-CM loader (``loaders/icd10cm.py``)."""
    from lxml import etree

    try:
        version = etree.parse(str(xml)).getroot().findtext("version") or ""
    except etree.XMLSyntaxError as exc:
        raise InvalidInput(f"{xml.name}: not well-formed XML ({exc})", field="path") from exc
    label = release or (version.strip() or xml.stem)
    prev = _snapshot(settings, ICD10CM)
    folder = _fresh_folder(settings, ICD10CM, label)
    target = folder / xml.name
    shutil.copy2(xml, target)
    entries = [_file_entry(target, role="tabular")]
    code_list = next(
        (
            p
            for p in files
            if p.suffix.lower() == ".txt" and "order" not in p.name.lower() and ("code" in p.name.lower())
        ),
        None,
    )
    if code_list is None:
        shutil.rmtree(folder)
        raise InvalidInput(
            f"{xml.name}: the ICD-10-CM code list (icd10cm-codes-<year>.txt) is not beside the tabular XML",
            field="path",
            fix="import CDC's whole zip, or a folder holding both the tabular XML and the code-list .txt",
        )
    shutil.copy2(code_list, folder / code_list.name)
    entries.append(_file_entry(folder / code_list.name, role="code_list"))
    manifest = {
        "system": ICD10CM,
        "release": label,
        "effective_from": effective_from.isoformat() if effective_from else None,
        "effective_to": None,
        "source": f"CDC/NCHS ICD-10-CM tabular list {xml.name} (imported by the user)",
        "license": "Public domain (CDC/NCHS).",
        "stale": False,
        "files": entries,
        "extra": {"original_file": xml.name},
    }
    manifest_path = write_manifest(folder, manifest)
    infos = apply_to_reference(settings, [manifest_path])
    new_codes = loader_repository.release_codes(settings.resolved_reference_db, ICD10CM, label)
    return ImportResult(infos, folder, [code_diff(ICD10CM, label, prev[0], prev[1], new_codes)])


# ---------------------------------------------------------------------------- NCCI
def import_ncci(
    settings: Settings,
    path: Path,
    kind: str,
    release: str | None = None,
    effective_from: date | None = None,
) -> ImportResult:
    kind = kind.strip().lower()
    if kind not in ("ptp", "mue"):
        raise InvalidInput(
            f"--kind {kind!r} is not ptp or mue", field="kind", fix="use --kind ptp or --kind mue"
        )
    if not path.is_file():
        raise InvalidInput(f"{path} does not exist", field="file", fix="give the path of the NCCI file")
    rows = ncci.parse_ptp(path) if kind == "ptp" else ncci.parse_mue(path)
    if not rows:
        raise InvalidInput(f"{path.name}: no {kind.upper()} rows found", field="file", fix="check the file")
    label, effective_from = ncci.derive_release(path, effective_from)
    label = release or label
    system = NCCI_PTP if kind == "ptp" else NCCI_MUE
    folder = _fresh_folder(settings, system, label)
    target = folder / f"{kind}.csv"
    (ncci.write_plain_ptp if kind == "ptp" else ncci.write_plain_mue)(rows, target)
    manifest = {
        "system": system,
        "release": label,
        "effective_from": effective_from.isoformat() if effective_from else None,
        "effective_to": None,
        "source": f"CMS NCCI practitioner {kind.upper()} table {path.name} "
        "(imported by the user, stored as plain CSV)",
        "license": "CMS NCCI edits; CPT code numbers are AMA property, "
        "used under the user's CMS/AMA click-through.",
        "stale": False,
        "files": [_file_entry(target, len(rows))],
        "notes": [f"Imported by the user on {datetime.now():%Y-%m-%d}."],
        "extra": {"original_file": path.name, "original_sha256": sha256_of(path)},
    }
    manifest_path = write_manifest(folder, manifest)
    return ImportResult(apply_to_reference(settings, [manifest_path]), folder)


# ---------------------------------------------------------------------------- CPT
def import_cpt(
    settings: Settings, path: Path, release: str | None = None, effective_from: date | None = None
) -> ImportResult:
    if not path.is_file():
        raise InvalidInput(
            f"{path} does not exist", field="file", fix="give the path of your licensed CPT file"
        )
    rows = parse_cpt(path)
    label = release or (effective_from.isoformat() if effective_from else f"user-{date.today().isoformat()}")
    prev = _snapshot(settings, CPT)
    folder = _fresh_folder(settings, CPT, label)
    target = folder / ("licensed" + path.suffix.lower())
    shutil.copy2(path, target)
    manifest = {
        "system": CPT,
        "release": label,
        "effective_from": effective_from.isoformat() if effective_from else None,
        "effective_to": None,
        "source": f"Licensed CPT file supplied by the user ({path.name})",
        "license": "AMA CPT, licensed to the user; kept on this machine only, never shipped.",
        "stale": False,
        "files": [_file_entry(target, len(rows))],
        "extra": {"original_file": path.name},
    }
    manifest_path = write_manifest(folder, manifest)
    infos = apply_to_reference(settings, [manifest_path])
    new = {r["code"]: next(iter(r["descriptions"].values())) for r in rows}
    return ImportResult(infos, folder, [code_diff(CPT, label, prev[0], prev[1], new)])

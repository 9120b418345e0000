"""Loader framework on small fixture releases: checksums, corrupt files, atomic build, reloads."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from assistant.codesets import service
from assistant.codesets.loaders.base import CorruptRelease
from assistant.codesets.repository import CodeSetRepository
from assistant.config import Settings
from assistant.core.errors import NotReady

FIXTURE = Path(__file__).parents[1] / "fixtures" / "codesets" / "mini-icd"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_release(root: Path, release: str = "2026-04-01", tabular_bytes: bytes | None = None) -> Path:
    folder = root / "icd10cm" / release
    folder.mkdir(parents=True)
    shutil.copy(FIXTURE / "codes.txt", folder / "codes.txt")
    if tabular_bytes is None:
        shutil.copy(FIXTURE / "tabular.xml", folder / "tabular.xml")
    else:
        (folder / "tabular.xml").write_bytes(tabular_bytes)
    manifest = {
        "system": "ICD-10-CM",
        "release": release,
        "effective_from": "2026-04-01",
        "effective_to": "2026-09-30",
        "source": "fixture",
        "license": "public domain",
        "stale": False,
        "files": [
            {"path": "tabular.xml", "sha256": _sha(folder / "tabular.xml"), "role": "tabular"},
            {"path": "codes.txt", "sha256": _sha(folder / "codes.txt"), "role": "code_list"},
        ],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", codesets_dir=tmp_path / "codesets")


def test_fixture_release_loads_with_seven_char_filter_and_single_category_block(settings: Settings) -> None:
    make_release(settings.codesets_dir)
    loaded = service.load_all(settings, progress=False)
    info = loaded["ICD-10-CM"]
    assert info.counts["codes"] == 8
    assert info.counts["billable"] == 2  # T36.0X1A and T51; T36.0X1D is not in the code list
    assert info.counts["blocks"] == 2
    repo = CodeSetRepository.open(settings.resolved_reference_db)
    assert repo.is_billable("t360x1a")
    assert not repo.is_valid("T36.0X1D")
    assert not repo.is_billable("T36.0X1")  # a header once its 7th-character children exist
    assert repo.get_code("T51-T51").kind == "block"
    assert repo.get_code("T51").kind == "category"
    assert repo.get_code("T51").parents[-1].code == "T51-T51"
    assert (
        repo.get_code("T36.0X1A").title
        == "Poisoning by penicillins, accidental (unintentional), initial encounter"
    )
    # inherited 7th-character definition and excludes1 ranges
    assert repo.seven_chr_for("T36.0X1") == {"A": "initial encounter", "D": "subsequent encounter"}
    assert repo.excludes1_notes("T36.0X1A")[0][2] == ["T45.1-"]
    repo.close()


def test_sha_mismatch_names_the_file_and_the_fix(settings: Settings) -> None:
    folder = make_release(settings.codesets_dir)
    (folder / "codes.txt").write_text("19\n")
    with pytest.raises(CorruptRelease) as err:
        service.load_all(settings, progress=False)
    assert "codes.txt" in err.value.message and "sha256" in err.value.message
    assert "assistant codesets import" in (err.value.fix or "")
    assert not settings.resolved_reference_db.exists()  # nothing half-built left behind
    assert not list(settings.resolved_reference_db.parent.glob(".*building*"))


def test_truncated_xml_with_matching_sha_is_reported_as_corrupt(settings: Settings) -> None:
    truncated = (FIXTURE / "tabular.xml").read_bytes()[:700]
    make_release(settings.codesets_dir, tabular_bytes=truncated)
    with pytest.raises(CorruptRelease) as err:
        service.load_all(settings, progress=False)
    assert "tabular.xml" in err.value.message and "not a readable" in err.value.message


def test_missing_file_and_bad_manifest(settings: Settings) -> None:
    folder = make_release(settings.codesets_dir)
    (folder / "tabular.xml").unlink()
    with pytest.raises(CorruptRelease, match="is missing"):
        service.load_all(settings, progress=False)
    (folder / "manifest.json").write_text("{not json")
    with pytest.raises(CorruptRelease, match="unreadable manifest"):
        service.load_all(settings, progress=False)


def test_failed_rebuild_keeps_the_previous_database(settings: Settings) -> None:
    folder = make_release(settings.codesets_dir)
    service.load_all(settings, progress=False)
    before = settings.resolved_reference_db.read_bytes()
    (folder / "codes.txt").write_text("tampered\n")
    with pytest.raises(CorruptRelease):
        service.load_all(settings, progress=False)
    assert settings.resolved_reference_db.read_bytes() == before


def test_ensure_loaded_rebuilds_only_when_manifests_change_and_loads_local_imports(
    settings: Settings,
) -> None:
    make_release(settings.codesets_dir)
    assert service.ensure_loaded(settings, progress=False) is True
    assert service.ensure_loaded(settings, progress=False) is False
    make_release(settings.local_codesets_dir, release="2026-04-01-local")
    assert service.ensure_loaded(settings, progress=False) is True
    engine = create_engine(f"sqlite:///{settings.resolved_reference_db}")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT release, user_imported FROM releases ORDER BY id")).all()
    engine.dispose()
    assert [(r[0], bool(r[1])) for r in rows] == [("2026-04-01", False), ("2026-04-01-local", True)]


def test_open_missing_database_says_how_to_load(tmp_path: Path) -> None:
    with pytest.raises(NotReady) as err:
        CodeSetRepository.open(tmp_path / "absent.sqlite")
    assert "assistant codesets load" in (err.value.fix or "")


def test_status_lists_every_known_system(settings: Settings) -> None:
    make_release(settings.codesets_dir)
    service.load_all(settings, progress=False)
    data = service.status(settings)
    assert set(service.KNOWN_SYSTEMS) <= set(data)
    assert data["ICD-10-CM"].codes == 8 and data["ICD-10-CM"].release == "2026-04-01"
    assert data["NCCI-PTP"].release is None and data["NCCI-PTP"].stale is True
    assert "import-ncci" in data["NCCI-PTP"].action

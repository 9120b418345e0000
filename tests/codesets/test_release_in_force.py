"""The release in force moves: code search, `codes show` and the suggestion index follow today's date,
and the index rebuild embeds only what changed (fixture releases, HashingEmbedder fake)."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from assistant.codesets import service
from assistant.codesets.repository import CodeSetRepository
from assistant.config import PROJECT_ROOT, Settings
from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.index_build import build_index

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "codesets" / "mini-icd"
TODAY = date.today()


def _release(root: Path, label: str, start: date, end: date | None, renamed: bool = False) -> None:
    folder = root / "icd10cm" / label
    folder.mkdir(parents=True)
    shutil.copy(FIXTURE / "codes.txt", folder / "codes.txt")
    xml = (FIXTURE / "tabular.xml").read_text(encoding="utf-8")
    if renamed:
        xml = xml.replace(
            "<desc>Toxic effect of alcohol</desc>", "<desc>Toxic effect of ethanol and alcohol</desc>"
        )
    (folder / "tabular.xml").write_text(xml, encoding="utf-8")

    def sha(name: str) -> str:
        return hashlib.sha256((folder / name).read_bytes()).hexdigest()

    manifest = {
        "system": "ICD-10-CM",
        "release": label,
        "effective_from": start.isoformat(),
        "effective_to": end.isoformat() if end else None,
        "source": "fixture",
        "license": "public domain",
        "files": [
            {"path": "tabular.xml", "sha256": sha("tabular.xml"), "role": "tabular"},
            {"path": "codes.txt", "sha256": sha("codes.txt"), "role": "code_list"},
        ],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


class CountingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__(64)
        self.seen = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        self.seen += len(texts)
        return super().embed(texts)


def test_index_follows_the_release_in_force_and_embeds_only_changes(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data", codesets_dir=tmp_path / "codesets", index_dir=tmp_path / "idx"
    )
    _release(settings.codesets_dir, "old", TODAY - timedelta(days=400), TODAY - timedelta(days=1))
    service.load_all(settings, progress=False)
    embedder = CountingEmbedder()
    repo = CodeSetRepository.open(settings.resolved_reference_db)
    first = build_index(settings, repo, embedder, progress=False)
    repo.close()
    assert first.release("ICD-10-CM") == "old"  # no release in force: the newest
    embedded_first = embedder.seen

    _release(settings.codesets_dir, "new", TODAY, TODAY + timedelta(days=300), renamed=True)
    _release(settings.codesets_dir, "future", TODAY + timedelta(days=301), None)
    service.load_all(settings, progress=False)
    repo = CodeSetRepository.open(settings.resolved_reference_db)
    try:
        assert repo.icd10cm_release_in_force().release == "new"
        embedder.seen = 0
        second = build_index(settings, repo, embedder, progress=False)
        assert second.release("ICD-10-CM") == "new"  # not the newest ("future")
        assert 0 < embedder.seen < embedded_first  # only the renamed code's texts
        assert second.vectors_reused == second.count - embedder.seen
        hits = repo.search("ethanol", on=TODAY)
        assert [h.code for h in hits] == ["T51"]
        assert repo.search("ethanol", on=TODAY + timedelta(days=400)) == []
    finally:
        repo.close()


def test_release_in_force_service_function(reference) -> None:  # type: ignore[no-untyped-def]
    assert service.release_in_force(reference).release == "2027"
    assert service.release_in_force(reference, on=date(2026, 9, 30)).release == "2026-04-01"
    assert service.release_in_force(reference, "HCPCS", date(2026, 2, 1)).release == "2026-Q1"
    assert service.release_in_force(reference, "MCE").release == "v44"

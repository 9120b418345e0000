"""The index manifest and the build's progress are typed documents; a damaged file reads as 'not built'."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.core.errors import NotReady
from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.index_build import build_index, read_manifest, stale_reason
from assistant.suggest.index_manifest import MANIFEST, BuildProgress, IndexManifest
from assistant.suggest.index_status import build_progress, staging_dir, write_progress
from assistant.suggest.store import LoadedIndex
from tests.suggest.fixture_corpus import corpus


def test_a_built_index_reads_back_as_the_manifest_it_returned(tmp_path: Path) -> None:
    built = build_index(tmp_path / "idx", corpus(), HashingEmbedder(32), progress=False)
    again = read_manifest(tmp_path / "idx")
    assert again == built
    assert built.release("ICD-10-CM") == "2026-04-01" and built.release("HCPCS") is None
    assert built.release_names() == {"ICD-10-CM": "2026-04-01"}
    assert built.hnsw is not None and built.hnsw.file == "dense_hnsw.faiss"
    on_disk = json.loads((tmp_path / "idx" / MANIFEST).read_text())
    assert on_disk["count"] == built.count > 0 and on_disk["releases"]["ICD-10-CM"]["release"] == "2026-04-01"


@pytest.mark.parametrize("damage", ['{"format": 2, "mod', '{"format": 2}', "[]"])
def test_a_damaged_or_foreign_manifest_means_the_index_must_be_built(tmp_path: Path, damage: str) -> None:
    build_index(tmp_path / "idx", corpus(), HashingEmbedder(32), progress=False)
    (tmp_path / "idx" / MANIFEST).write_text(damage)
    assert read_manifest(tmp_path / "idx") is None
    assert stale_reason(None, None, "hashing-32") == "no index has been built"
    with pytest.raises(NotReady) as missing:
        LoadedIndex.open(tmp_path / "idx", model="hashing-32")
    assert missing.value.field == "index" and "index build" in (missing.value.fix or "")


def test_an_older_format_is_stale_not_broken(tmp_path: Path) -> None:
    built = build_index(tmp_path / "idx", corpus(), HashingEmbedder(32), progress=False)
    older = built.model_copy(update={"format": built.format - 1})
    assert stale_reason(older, None, built.model) == "the index was built by an older version of the engine"
    assert stale_reason(built, None, "another-model") == (
        "index built for model hashing-32, the configured model is another-model"
    )


def test_progress_is_a_typed_document(tmp_path: Path) -> None:
    index_dir = tmp_path / "idx"
    write_progress(staging_dir(index_dir), "embedding", 40, 100)
    progress = build_progress(index_dir)
    assert isinstance(progress, BuildProgress)
    assert (progress.stage, progress.done, progress.total) == ("embedding", 40, 100)
    (staging_dir(index_dir) / "progress.json").write_text('{"stage": "embedd')
    assert build_progress(index_dir) is None


def test_the_keyword_half_serves_with_a_keyword_only_manifest(tmp_path: Path) -> None:
    built = build_index(tmp_path / "idx", corpus(), HashingEmbedder(32), progress=False)
    staging = staging_dir(tmp_path / "idx")
    staging.mkdir()
    for name in ("ids.json", "catalog.json"):
        (staging / name).write_text((tmp_path / "idx" / name).read_text())
    (staging / "lexical").mkdir()
    for f in (tmp_path / "idx" / "lexical").iterdir():
        (staging / "lexical" / f.name).write_bytes(f.read_bytes())
    releases = {s: r.model_dump() for s, r in built.releases.items()}
    (staging / "lexical.json").write_text(json.dumps({"releases": releases, "count": built.count}))
    half = LoadedIndex.open_keyword_only(tmp_path / "idx", dimension=32)
    assert isinstance(half.manifest, IndexManifest)
    assert half.manifest.keyword_only and half.manifest.count == built.count
    assert half.manifest.release("ICD-10-CM") == "2026-04-01"

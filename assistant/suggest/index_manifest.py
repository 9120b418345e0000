"""The search index's manifest (``manifest.json``) and a running build's progress (``progress.json``).

Both are small JSON files written by ``assistant index build`` and read by every process that opens the
index; a missing, half-written or unreadable file reads as None (the index is then rebuilt).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ValidationError

MANIFEST = "manifest.json"
PROGRESS = "progress.json"

Stage = Literal["starting", "preparing", "exporting", "embedding", "linking", "done"]

Doc = TypeVar("Doc", bound=BaseModel)


class ReleaseStamp(BaseModel):
    """The code-set release an index was built from, with the hash of its loaded files."""

    release: str = ""
    sha256: str = ""


class HnswInfo(BaseModel):
    file: str
    M: int
    ef_construction: int
    build_seconds: float


class IndexManifest(BaseModel):
    """What an index holds and how it was built; ``stale_reason`` compares it with the loaded code sets."""

    format: int
    model: str
    dimension: int
    releases: dict[str, ReleaseStamp]
    inputs_sha: str = ""
    count: int = 0
    systems: list[str] = []
    restricted: bool = False
    restricted_to: int | None = None
    dense_text: str = ""
    lexical_text: str = ""
    index_type: str = "IndexFlatIP"
    hnsw: HnswInfo | None = None
    built_at: str = ""
    build_seconds: float = 0.0
    embed_seconds: float = 0.0
    vectors_reused: int = 0
    texts_embedded: int = 0
    embed_runtime: str = ""
    embed_workers: int = 1
    keyword_only: bool = False  # the keyword half of an index still being built: no vectors yet

    def release(self, system: str) -> str | None:
        stamp = self.releases.get(system)
        return stamp.release if stamp is not None else None

    def release_names(self) -> dict[str, str]:
        return {system: stamp.release for system, stamp in self.releases.items()}

    def write(self, folder: Path) -> None:
        (Path(folder) / MANIFEST).write_text(self.model_dump_json(indent=2))

    @classmethod
    def read(cls, folder: Path) -> IndexManifest | None:
        return read_document(Path(folder) / MANIFEST, cls)


class BuildProgress(BaseModel):
    stage: Stage
    done: int = 0
    total: int = 0
    pid: int = 0
    updated_at: float = 0.0


def read_document(path: Path, kind: type[Doc]) -> Doc | None:
    """A small JSON file written by the build, or None when it is missing, half-written or not ``kind``."""
    try:
        return kind.model_validate(json.loads(path.read_text()))
    except (OSError, json.JSONDecodeError, ValidationError):
        return None

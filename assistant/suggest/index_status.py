"""Where the search index stands: ready, building (with its progress) or missing.

A build works in ``<index_dir>.building/`` and writes ``progress.json`` there as it goes; the keyword half
of the index (ids, catalog, bm25) is written first, so the app can answer keyword-only suggestions while
the vectors are embedded. The folder is renamed to ``<index_dir>`` when the build is done.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from assistant.suggest.index_manifest import MANIFEST, PROGRESS, BuildProgress, Stage, read_document

LEXICAL_READY = "lexical.json"  # written once the keyword half (ids, catalog, bm25) is complete


class IndexStatus(BaseModel):
    state: Literal["ready", "building", "missing"]
    stage: str | None = None
    percent: int | None = None
    done: int | None = None
    total: int | None = None
    keyword_ready: bool = False  # keyword-only suggestions can run from the folder being built
    message: str


def staging_dir(index_dir: Path) -> Path:
    index_dir = Path(index_dir)
    return index_dir.with_name(index_dir.name + ".building")


def write_progress(folder: Path, stage: Stage, done: int = 0, total: int = 0, pid: int | None = None) -> None:
    """Record the build's stage (atomically: readers never see half a file)."""
    doc = BuildProgress(stage=stage, done=done, total=total, pid=pid or os.getpid(), updated_at=time.time())
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / (PROGRESS + ".tmp")
    tmp.write_text(doc.model_dump_json())
    tmp.replace(folder / PROGRESS)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def build_progress(index_dir: Path) -> BuildProgress | None:
    """The running build's progress, or None when no build is running (a dead builder's file is ignored)."""
    progress = read_document(staging_dir(index_dir) / PROGRESS, BuildProgress)
    if progress is None or progress.stage == "done" or not _alive(progress.pid):
        return None
    return progress


def keyword_ready(index_dir: Path) -> bool:
    return (staging_dir(index_dir) / LEXICAL_READY).exists()


STAGE_WORDS = {
    "starting": "starting",
    "preparing": "preparing keyword search",
    "exporting": "preparing the model",
    "embedding": "embedding codes",
    "linking": "linking the search graph",
}


def index_status(index_dir: Path) -> IndexStatus:
    """Cheap enough for every page: two small files are read."""
    index_dir = Path(index_dir)
    progress = build_progress(index_dir)
    if progress is not None:
        done, total, stage = progress.done, progress.total, progress.stage
        percent = _percent(stage, done, total)
        ready = keyword_ready(index_dir)
        tail = (
            "suggestions are keyword-only until it is done"
            if ready
            else "suggestions start in a moment, keyword-only at first"
        )
        return IndexStatus(
            state="building",
            stage=stage,
            percent=percent,
            done=done,
            total=total,
            keyword_ready=ready,
            message=f"search index building: {percent}% ({STAGE_WORDS.get(stage, stage)}) — {tail}",
        )
    if (index_dir / MANIFEST).exists():
        return IndexStatus(state="ready", percent=100, message="search index ready")
    return IndexStatus(
        state="missing",
        message="the search index is not built: run `assistant index build` (or `make run`, which builds it)",
    )


def _percent(stage: str, done: int, total: int) -> int:
    """Embedding is nearly all of a build: it spans 5–95%; linking the graph the rest."""
    if stage == "embedding" and total:
        return 5 + int(90 * min(done, total) / total)
    if stage == "linking":
        return 95
    return 0 if stage in ("starting", "preparing") else 5

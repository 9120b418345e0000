"""While ``assistant index build`` runs, suggestions are keyword-only with the build's progress, and the
engine switches to the full index when the build's manifest appears (no restart)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.app.container import Container
from assistant.config import Settings
from assistant.core.errors import NotReady
from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.index_background import start_background_build, stop_background_build
from assistant.suggest.index_build import build_index
from assistant.suggest.index_status import index_status, staging_dir, write_progress
from assistant.suggest.schemas import SuggestRequest
from tests.suggest.building import Build
from tests.suggest.fixture_corpus import FIXTURE_DIM, corpus


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", index_dir=tmp_path / "index", reference_db_path=tmp_path / "x"
    )


@pytest.fixture
def container(settings: Settings) -> Container:
    c = Container(settings, embedder=HashingEmbedder(FIXTURE_DIM))
    c.__dict__["reference"] = corpus()
    return c


@pytest.fixture
def build(settings: Settings) -> Iterator[Build]:
    b = Build(settings).start()
    yield b
    b.embedder.gate.set()


def test_status_follows_the_build(settings: Settings, build: Build) -> None:
    status = index_status(settings.index_dir)
    assert status.state == "building"
    assert status.stage == "embedding"
    assert status.keyword_ready
    assert status.percent == 5 and status.total and status.done == 0
    assert "search index building: 5%" in status.message
    assert "keyword-only" in status.message
    build.finish()
    assert index_status(settings.index_dir).state == "ready"
    assert not staging_dir(settings.index_dir).exists()


def test_keyword_only_answers_then_the_full_engine_takes_over(container: Container, build: Build) -> None:
    engine = container.suggester
    assert engine.index.keyword_only
    response = engine.suggest(SuggestRequest(text="Classical cholera", top_k=3))
    assert response.suggestions[0].code == "A00.0"  # the inclusion term, found by keyword alone
    assert any("keyword-only" in w for w in response.warnings)
    assert container.suggester is engine  # nothing reloads while the build runs

    build.finish()
    full = container.suggester
    assert full is not engine and not full.index.keyword_only
    response = full.suggest(SuggestRequest(text="Classical cholera", top_k=3))
    assert response.suggestions[0].code == "A00.0"
    assert not any("keyword-only" in w for w in response.warnings)


def test_a_dead_builder_is_not_a_build(settings: Settings) -> None:
    folder = staging_dir(settings.index_dir)
    write_progress(folder, "embedding", 10, 100, pid=2**22 + 12345)  # no such process
    assert index_status(settings.index_dir).state == "missing"
    with pytest.raises(NotReady):
        _ = Container(settings, embedder=HashingEmbedder(FIXTURE_DIM)).suggester


def test_no_index_and_no_build_is_not_ready(container: Container) -> None:
    with pytest.raises(NotReady, match="not built"):
        _ = container.suggester


def test_a_running_build_is_not_started_twice(settings: Settings) -> None:
    write_progress(staging_dir(settings.index_dir), "embedding", 1, 10, pid=os.getpid())
    assert start_background_build(settings, corpus()) is None


def test_a_current_index_is_not_rebuilt(settings: Settings) -> None:
    settings.model_path = str(settings.data_dir / HashingEmbedder(FIXTURE_DIM).name)  # the model's name
    build_index(settings.index_dir, corpus(), HashingEmbedder(FIXTURE_DIM), progress=False)
    assert start_background_build(settings, corpus()) is None


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in state  # a zombie has exited; only its exit status is left to collect


def test_stopping_the_app_stops_the_build_and_its_embedding_workers() -> None:
    script = (
        "import subprocess, sys, time\n"
        "w = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        "print(w.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    assert child.stdout is not None
    worker = int(child.stdout.readline())
    assert _alive(worker)
    stop_background_build(child)
    assert child.poll() is not None
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(worker)

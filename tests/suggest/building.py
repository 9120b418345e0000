"""A real index build held at its embedding stage, so tests can look at the app while it builds."""

from __future__ import annotations

import threading

import numpy as np

from assistant.config import Settings
from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.index_build import build_index
from tests.suggest.fixture_corpus import FIXTURE_DIM, corpus


class GatedEmbedder(HashingEmbedder):
    """Embeds only once the test opens the gate, so the test can look at a build in progress."""

    def __init__(self, dim: int) -> None:
        super().__init__(dim)
        self.waiting = threading.Event()
        self.gate = threading.Event()

    def embed(self, texts: list[str]) -> np.ndarray:
        self.waiting.set()
        assert self.gate.wait(timeout=60), "the test never opened the gate"
        return super().embed(texts)


class Build:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.embedder = GatedEmbedder(FIXTURE_DIM)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            build_index(self.settings.index_dir, corpus(), self.embedder, progress=False)
        except BaseException as exc:  # noqa: BLE001 - reported by finish()
            self.error = exc

    def start(self) -> Build:
        self.thread.start()
        assert self.embedder.waiting.wait(timeout=60), "the build never reached the embedding stage"
        return self

    def finish(self) -> None:
        self.embedder.gate.set()
        self.thread.join(timeout=60)
        assert self.error is None, self.error

"""The process-wide services: settings, databases and the (heavy) suggestion engine.

The web app builds one in its lifespan and the CLI builds one per command. Nothing heavy happens
at import time; the engine loads on first use or in ``load_engine``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from assistant.codesets.repository import CodeSetRepository
from assistant.config import Settings, get_settings
from assistant.core.db import make_engine, session_factory
from assistant.core.errors import NotReady
from assistant.core.heap import freeze_loaded_heap
from assistant.suggest.index_status import MANIFEST, build_progress
from assistant.suggest.index_walker import walker_for
from assistant.suggest.service import SuggestionService


@dataclass
class Container:
    settings: Settings = field(default_factory=get_settings)
    _engine_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _suggester: Any = field(default=None, repr=False)
    _loaded_stamp: float | None = field(default=None, repr=False)
    # The embedder for queries (None: the configured model); tests pass the HashingEmbedder.
    embedder: Any = None

    @cached_property
    def db_engine(self) -> Engine:
        return make_engine(self.settings.resolved_database_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return session_factory(self.db_engine)

    @cached_property
    def reference(self) -> CodeSetRepository:
        """The code-set repository."""
        return CodeSetRepository.open(self.settings.resolved_reference_db)

    @cached_property
    def index_walker(self) -> Any:
        """The Alphabetic Index walker (``assistant.suggest.index_walker.IndexWalker``), loaded once and
        shared by code search and the suggestion engine; None where no Index release is loaded."""
        return walker_for(self.reference)

    @property
    def suggester(self) -> Any:
        """The suggestion engine (``assistant.suggest.service.SuggestionService``), loaded once.

        While ``assistant index build`` runs, the engine is keyword-only (from the keyword half the build
        writes first); it is replaced by the full engine as soon as the build's manifest appears."""
        with self._engine_lock:
            if self._suggester is None or self._finished_since_loaded():
                self._suggester = self._load_engine()
            return self._suggester

    def _finished_since_loaded(self) -> bool:
        index = getattr(self._suggester, "index", None)
        if not getattr(index, "keyword_only", False):
            return False
        return self._manifest_stamp() != self._loaded_stamp

    def _manifest_stamp(self) -> float | None:
        try:
            return (Path(self.settings.index_dir) / MANIFEST).stat().st_mtime
        except OSError:
            return None

    def _load_engine(self) -> Any:
        # Lazy: the engine's modules (numpy, the retrieval stack) load only when suggestions are asked for.
        self._loaded_stamp = self._manifest_stamp()
        try:
            engine = SuggestionService.from_settings(
                self.settings, self.reference, embedder=self.embedder, walker=self.index_walker
            )
        except NotReady:
            if build_progress(Path(self.settings.index_dir)) is None:
                raise
            return SuggestionService.keyword_only(self.settings, self.reference, walker=self.index_walker)
        if self.settings.freeze_heap_after_load:
            freeze_loaded_heap()
        return engine

    def set_suggester(self, suggester: Any) -> None:
        """Tests inject an engine built on a fake embedder."""
        self._suggester = suggester

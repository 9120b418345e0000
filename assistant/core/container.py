"""The process-wide services: settings, databases and the (heavy) suggestion engine.

The web app builds one in its lifespan and the CLI builds one per command. Nothing heavy happens
at import time; the engine loads on first use or in ``load_engine``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from assistant.config import Settings, get_settings
from assistant.core.db import make_engine, session_factory


@dataclass
class Container:
    settings: Settings = field(default_factory=get_settings)
    _engine_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _suggester: Any = field(default=None, repr=False)

    @cached_property
    def db_engine(self) -> Engine:
        return make_engine(self.settings.resolved_database_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return session_factory(self.db_engine)

    @cached_property
    def reference(self) -> Any:
        """The code-set repository (``assistant.codesets.repository.CodeSetRepository``)."""
        from assistant.codesets.repository import CodeSetRepository

        return CodeSetRepository.open(self.settings.resolved_reference_db)

    @cached_property
    def index_walker(self) -> Any:
        """The Alphabetic Index walker (``assistant.suggest.index_walker.IndexWalker``), loaded once and
        shared by code search and the suggestion engine; None where no Index release is loaded."""
        from assistant.suggest.index_walker import walker_for

        return walker_for(self.reference)

    @property
    def suggester(self) -> Any:
        """The suggestion engine (``assistant.suggest.service.SuggestionService``), loaded once."""
        with self._engine_lock:
            if self._suggester is None:
                from assistant.suggest.service import SuggestionService

                self._suggester = SuggestionService.from_settings(
                    self.settings, self.reference, walker=self.index_walker
                )
            return self._suggester

    def set_suggester(self, suggester: Any) -> None:
        """Tests inject an engine built on a fake embedder."""
        self._suggester = suggester

"""Code suggestion: read a note like a coder, retrieve codes (dense + lexical), apply the coding rules.

``SuggestionService`` is imported lazily so ``import assistant.suggest`` (and so every submodule) stays cheap.
"""

from __future__ import annotations

from typing import Any

from assistant.suggest.split import is_tune_split

__all__ = ["SuggestionService", "is_tune_split"]


def __getattr__(name: str) -> Any:
    if name == "SuggestionService":
        from assistant.suggest.service import SuggestionService

        return SuggestionService
    raise AttributeError(name)

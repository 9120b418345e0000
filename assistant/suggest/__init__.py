"""Code suggestion: read a note like a coder, retrieve codes (dense + lexical), apply the coding rules.

``SuggestionService`` is imported lazily so ``import assistant.suggest`` stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SuggestionService", "is_tune_split"]


def __getattr__(name: str) -> Any:
    if name == "SuggestionService":
        from assistant.suggest.service import SuggestionService

        return SuggestionService
    if name == "is_tune_split":
        from assistant.suggest.split import is_tune_split

        return is_tune_split
    raise AttributeError(name)

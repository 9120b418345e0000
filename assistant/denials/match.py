"""Free text from a payer portal or a phone call -> likely CARCs.

Lexical (rapidfuzz token-set ratio against the project's own CARC summaries) plus semantic (cosine of
embeddings) scores, combined 50/50. The embedder is the suggestion engine's
(``assistant.suggest.embedder.Embedder``: ``embed(list[str]) -> array``, the same protocol and model);
tests pass ``HashingEmbedder``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rapidfuzz import fuzz

from assistant.config import Settings
from assistant.core.errors import InvalidInput, NotReady
from assistant.denials.schemas import CarcMatch
from assistant.suggest.embedder import Embedder, load_embedder


def default_embedder(settings: Settings) -> Embedder:
    """The suggestion engine's embedder for ``settings`` (ONNX export when current, else torch)."""
    return load_embedder(settings)


def _unit(rows: Any) -> np.ndarray:
    arr = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return arr / norms  # type: ignore[no-any-return]


def match_text(text: str, reference: Any, embedder: Embedder | None, limit: int = 5) -> list[CarcMatch]:
    query = text.strip()
    if not query:
        raise InvalidInput("the text is empty", field="text", fix="paste what the payer said")
    codes = reference.adjustment_codes("CARC")
    if not codes:
        raise NotReady("no CARC list is loaded", field="reference", fix="run `assistant codesets load`")
    summaries = [c.summary for c in codes]
    lexical = np.array([fuzz.token_set_ratio(query.lower(), s.lower()) / 100.0 for s in summaries])
    semantic = np.zeros(len(codes))
    if embedder is not None:
        vecs = _unit(embedder.embed([query, *summaries]))
        semantic = np.clip(vecs[1:] @ vecs[0], 0.0, 1.0)
    score = 0.5 * lexical + 0.5 * semantic if embedder is not None else lexical
    order = np.argsort(-score)[:limit]
    return [
        CarcMatch(
            carc=codes[i].code,
            summary=codes[i].summary,
            category=codes[i].category,
            score=round(float(score[i]), 4),
            lexical=round(float(lexical[i]), 4),
            semantic=round(float(semantic[i]), 4),
        )
        for i in order
    ]

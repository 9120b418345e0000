"""A small fake SuggestionService with the public API (suggest / suggest_many), and a fake reference."""

from __future__ import annotations

import re

from assistant.suggest.schemas import Suggestion, SuggestRequest, SuggestResponse

CATALOG: dict[str, str] = {
    "A00.0": "Cholera due to Vibrio cholerae 01, biovar cholerae",
    "A00.9": "Cholera, unspecified",
    "E11.9": "Type 2 diabetes mellitus without complications",
    "E11.65": "Type 2 diabetes mellitus with hyperglycemia",
    "I10": "Essential (primary) hypertension",
    "J18.9": "Pneumonia, unspecified organism",
    "R05.9": "Cough, unspecified",
    "R50.9": "Fever, unspecified",
    "R51.9": "Headache, unspecified",
    "J45.909": "Unspecified asthma, uncomplicated",
    "J45": "Asthma",  # a non-billable header, to exercise the dangerous-error count
}
EXCLUDES1 = {("J45.909", "J18.9")}


def _tokens(text: str) -> set[str]:
    return {t for t in re.findall(r"[a-z0-9]+", text.lower()) if len(t) > 2}


class FakeService:
    """Token-overlap ranking; each mode weights the score differently so systems differ."""

    def __init__(self) -> None:
        self.calls: list[list[SuggestRequest]] = []

    def suggest(self, request: SuggestRequest) -> SuggestResponse:
        return self.suggest_many([request])[0]

    def suggest_many(self, requests: list[SuggestRequest]) -> list[SuggestResponse]:
        self.calls.append(list(requests))
        return [self._one(r) for r in requests]

    def _one(self, request: SuggestRequest) -> SuggestResponse:
        words = _tokens(request.text)
        scored = []
        for code, title in CATALOG.items():
            overlap = len(words & _tokens(title)) / max(1, len(_tokens(title)))
            if request.mode == "bm25":
                overlap *= 0.9
            elif request.mode == "dense":
                overlap = overlap * 0.8 + (0.05 if code.startswith("R") else 0.0)
            if overlap > 0:
                scored.append((overlap, code, title))
        scored.sort(key=lambda x: (-x[0], x[1]))
        suggestions = [
            Suggestion(
                code=code,
                system="ICD-10-CM",
                title=title,
                score=score,
                confidence="high" if score >= 0.6 else "medium" if score >= 0.3 else "low",
            )
            for score, code, title in scored[: request.top_k]
        ]
        return SuggestResponse(suggestions=suggestions, releases={"ICD-10-CM": "2026-04-01"})


class FakeReference:
    def is_billable(self, code: str, system: str = "ICD-10-CM", on: object = None) -> bool:
        return code != "J45"

    def excludes1_conflicts(self, codes: list[str], on: object = None) -> list[tuple[str, str, str]]:
        return [(a, b, f"{b} excluded at {a}") for a, b in EXCLUDES1 if a in codes and b in codes]

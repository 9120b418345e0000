"""A stub suggestion engine for page tests: finds fixed phrases in the note and reports their spans.

It implements only ``suggest`` (the engine's public API) and never invents codes: each rule names a
real ICD-10-CM / HCPCS code and the phrase that supports it.
"""

from __future__ import annotations

from assistant.suggest.schemas import Evidence, Suggestion, SuggestRequest, SuggestResponse

RULES = [
    ("hyperglycemia", "E11.65", "ICD-10-CM", "Type 2 diabetes mellitus with hyperglycemia"),
    ("type 2 diabetes", "E11.65", "ICD-10-CM", "Type 2 diabetes mellitus with hyperglycemia"),
    ("hypertension", "I10", "ICD-10-CM", "Essential (primary) hypertension"),
    ("annual wellness visit", "G0439", "HCPCS", "Annual wellness visit, subsequent"),
]


class StubSuggester:
    def __init__(self) -> None:
        self.calls: list[SuggestRequest] = []

    def suggest(self, request: SuggestRequest) -> SuggestResponse:
        self.calls.append(request)
        lower = request.text.lower()
        found: dict[str, Suggestion] = {}
        for phrase, code, system, title in RULES:
            start = lower.find(phrase)
            if start < 0:
                continue
            ev = Evidence(
                start=start, end=start + len(phrase), text=request.text[start : start + len(phrase)]
            )
            if code in found:
                found[code].evidence.append(ev)
                continue
            found[code] = Suggestion(
                code=code,
                system=system,
                title=title,
                score=0.9 - 0.1 * len(found),
                confidence="high",
                evidence=[ev],
                reasons=[f"the note says '{ev.text}'"],
            )
        return SuggestResponse(
            suggestions=list(found.values()),
            releases={"ICD-10-CM": "2026-04-01"},
            warnings=["stub engine"] if not found else [],
        )

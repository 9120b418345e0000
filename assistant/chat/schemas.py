"""The chat answer: one model rendered as HTML, streamed over SSE and returned as JSON."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.codesets.schemas import CodeInfo
from assistant.suggest.schemas import SuggestResponse


class Segment(BaseModel):
    text: str
    mark: bool = False
    codes: list[str] = Field(default_factory=list)  # codes this span is evidence for


class Source(BaseModel):
    kind: str  # code-set | ncci | carc | rarc | claim | remit | engine | llm
    label: str
    detail: str | None = None


class NoteExplained(BaseModel):
    kind: str  # excludes1, code_first, ...
    label: str  # plain-words heading
    meaning: str  # what the note means for the coder
    items: list[str]
    at: str  # the code the note is written at (the code itself or an ancestor)


class CodeFacts(BaseModel):
    info: CodeInfo
    notes: list[NoteExplained] = Field(default_factory=list)
    index_terms: list[str] = Field(default_factory=list)
    plain: str = ""  # one sentence in plain words


class Comparison(BaseModel):
    a: CodeFacts
    b: CodeFacts
    common_parent: str | None = None
    only_a: list[str] = Field(default_factory=list)  # words in a's title and not in b's
    only_b: list[str] = Field(default_factory=list)
    more_specific: str | None = None
    summary: str = ""


class Decision(BaseModel):
    code: str
    system: str
    title: str = ""
    decision: Literal["accepted", "rejected"]


class ChatAnswer(BaseModel):
    intent: str
    message: str  # what the user asked
    text: str  # the answer in one or two plain sentences
    paragraphs: list[str] = Field(default_factory=list)
    suggestions: SuggestResponse | None = None
    note_segments: list[Segment] = Field(default_factory=list)
    codes: list[CodeFacts] = Field(default_factory=list)
    comparison: Comparison | None = None
    explanations: list[Any] = Field(default_factory=list)  # assistant.denials.schemas.Explanation
    search_hits: list[Any] = Field(default_factory=list)  # assistant.codesets.schemas.SearchHit
    quiz_url: str | None = None
    topic: str | None = None
    warnings: list[str] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    phrased: str | None = None  # optional LLM phrasing of the facts (validated)
    phrased_flags: list[str] = Field(default_factory=list)


class Turn(BaseModel):
    id: str
    message: str
    answer: ChatAnswer | None = None


class Conversation(BaseModel):
    id: str
    turns: list[Turn] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    note: str | None = None  # the last note coded in this conversation
    draft_claim_id: str | None = None

    @property
    def accepted(self) -> list[Decision]:
        return [d for d in self.decisions if d.decision == "accepted"]

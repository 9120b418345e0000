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
    turn_id: str | None = None  # the note decided on (None: a conversation from before per-note scopes)
    encounter_id: int | None = None  # the encounter that note joined: the decision is the encounter's


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
    encounter_id: int | None = None  # the encounter this note starts or joins (None: the note alone)


class Conversation(BaseModel):
    id: str
    turns: list[Turn] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    note: str | None = None  # the last note coded in this conversation
    draft_claim_id: str | None = None
    encounter_id: int | None = None  # the encounter the next note joins (the user's pick)
    scope_turn_id: str | None = None  # the note whose codes the panel shows (the last one coded)

    def turn_by_id(self, turn_id: str | None) -> Turn | None:
        return next((t for t in self.turns if t.id == turn_id), None) if turn_id else None

    def decisions_for(self, turn_id: str | None) -> list[Decision]:
        """The decisions of one note: those of its encounter when it joined one, else its own. Each note
        is its own scope, so accepting a code in one note never shows it accepted in another."""
        turn = self.turn_by_id(turn_id)
        if turn is not None and turn.encounter_id is not None:
            return [d for d in self.decisions if d.encounter_id == turn.encounter_id]
        return [d for d in self.decisions if d.turn_id == turn_id and d.encounter_id is None]

    def decision_for(self, turn_id: str | None, code: str) -> Decision | None:
        return next((d for d in self.decisions_for(turn_id) if d.code == code), None)

    @property
    def scope_encounter_id(self) -> int | None:
        turn = self.turn_by_id(self.scope_turn_id)
        return turn.encounter_id if turn is not None else None

    @property
    def accepted(self) -> list[Decision]:
        """The accepted codes of the note the panel shows."""
        return [d for d in self.decisions_for(self.scope_turn_id) if d.decision == "accepted"]

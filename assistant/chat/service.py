"""Compose grounded chat answers from the domain services, and keep conversations (accepted codes) in the
operational database with their owner: every app worker sees every conversation."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from assistant.chat import facts as facts_mod
from assistant.chat import repository as repo
from assistant.chat.highlight import segments
from assistant.chat.router import HCPCS_RE, Route, route
from assistant.chat.schemas import ChatAnswer, CodeFacts, Conversation, Decision, Source, Turn
from assistant.claims import service as claims
from assistant.core.adjustments import STEP_LABELS
from assistant.core.db import transaction
from assistant.core.errors import AssistantError, InvalidInput, NotFound
from assistant.denials import service as denials
from assistant.denials.schemas import ExplainRequest
from assistant.encounters import service as encounters
from assistant.remit import repository as remit_repo
from assistant.suggest.schemas import SuggestRequest

HELP_TEXT = [
    "Paste a physician note and I suggest ICD-10-CM / HCPCS codes with the supporting words highlighted.",
    "Ask “why was claim C-1001 denied?” or “what does CO-97 with M15 mean?” for a denial explanation.",
    "Ask “what is E11.65?” or “E11.9 vs E11.65?” for code facts, notes and the difference between siblings.",
    "Say “quiz me on diabetes codes” to practise in trainee mode.",
]


def system_of(code: str) -> str:
    if HCPCS_RE.fullmatch(code):
        return "HCPCS"
    if code[:4].isdigit():
        return "CPT"
    return "ICD-10-CM"


class ChatService:
    """``suggester`` is a callable returning the engine (loaded lazily). ``conversations`` is the operational
    database that keeps the conversations; ``sessions`` (the same database, or None) gives the chat access
    to claims on file: a chat without it never reads patient data."""

    def __init__(
        self,
        *,
        reference: Any,
        suggester: Callable[[], Any],
        conversations: sessionmaker[Session],
        sessions: sessionmaker[Session] | None = None,
        settings: Any = None,
        llm: Any = None,
    ) -> None:
        self.reference = reference
        self._suggester = suggester
        self.conversations = conversations
        self.sessions = sessions
        self.settings = settings
        self.llm = llm

    # ------------------------------------------------------------ conversations

    def conversation(self, conversation_id: str | None, owner: str, *, create: bool = True) -> Conversation:
        """``owner``'s conversation ``conversation_id``. Someone else's id is treated as unknown: a new
        conversation (``create``) or NotFound."""
        with transaction(self.conversations) as session:
            row = repo.get(session, conversation_id) if conversation_id else None
            if row is not None and row.owner == owner:
                return Conversation.model_validate_json(row.body)
            if not create:
                raise NotFound(
                    f"no conversation {conversation_id}",
                    field="conversation_id",
                    fix="start a new conversation on the chat page",
                )
            conv = Conversation(id=uuid.uuid4().hex[:16])
            repo.create(session, conv.id, owner, conv.model_dump_json())
            return conv

    def save(self, conv: Conversation) -> None:
        """Store ``conv`` as it is now (every change below calls this)."""
        with transaction(self.conversations) as session:
            row = repo.get(session, conv.id)
            if row is None:
                raise NotFound(f"no conversation {conv.id}", field="conversation_id")
            repo.update_body(session, row, conv.model_dump_json())

    def add_turn(self, conv: Conversation, message: str, encounter_id: int | None = None) -> Turn:
        """A new message. A note sent with ``encounter_id`` joins that encounter (the caller checked the
        user may code it): its suggestions attach to the encounter and its decisions are the encounter's."""
        if not message.strip():
            raise InvalidInput("the message is empty", field="message", fix="type a question or paste a note")
        turn = Turn(id=uuid.uuid4().hex[:12], message=message, encounter_id=encounter_id)
        conv.encounter_id = encounter_id
        conv.turns.append(turn)
        self.save(conv)
        return turn

    def turn(self, conv: Conversation, turn_id: str) -> Turn:
        for t in conv.turns:
            if t.id == turn_id:
                return t
        raise NotFound(f"no message {turn_id} in this conversation", field="turn_id")

    def run_turn(self, conv: Conversation, turn: Turn) -> ChatAnswer:
        if turn.answer is None:
            turn.answer = self.answer(turn.message, conv, encounter_id=turn.encounter_id)
            if turn.answer.intent == "suggest":
                conv.scope_turn_id = turn.id
            self.save(conv)
        return turn.answer

    def _encounter_sessions(self) -> sessionmaker[Session]:
        if self.sessions is None:
            raise InvalidInput(
                "encounters are not available in this chat", field="encounter_id", fix="paste the note alone"
            )
        return self.sessions

    def encounter(self, encounter_id: int) -> Any:
        """The encounter a note joins (``assistant.encounters.schemas.EncounterOut``)."""
        with transaction(self._encounter_sessions()) as session:
            return encounters.get_encounter(session, encounter_id)

    def decide(
        self, conv: Conversation, code: str, system: str, decision: str, turn_id: str | None = None
    ) -> Conversation:
        """Accept or reject ``code`` for one note (``turn_id``, by default the note the panel shows): a
        note that joined an encounter decides for that encounter (accepted codes become its diagnoses)."""
        if decision not in ("accepted", "rejected"):
            raise InvalidInput(f"unknown decision {decision!r}", field="decision", fix="accepted or rejected")
        scope = conv.turn_by_id(turn_id or conv.scope_turn_id)
        if turn_id and scope is None:
            raise NotFound(f"no message {turn_id} in this conversation", field="turn_id")
        title = ""
        for t in [scope] if scope is not None else reversed(conv.turns):
            if t.answer and t.answer.suggestions:
                hit = next((s for s in t.answer.suggestions.suggestions if s.code == code), None)
                if hit:
                    title, system = hit.title, hit.system
                    break
        else:
            info = self.reference.find_code(code, system) if system in ("ICD-10-CM", "HCPCS") else None
            if info is None and system in ("ICD-10-CM", "HCPCS"):
                raise NotFound(
                    f"{code} is not a {system} code in the loaded release",
                    field="code",
                    fix="check the code in the code browser",
                )
            title = info.title if info else ""
        encounter_id = scope.encounter_id if scope is not None else None
        if encounter_id is not None:
            with transaction(self._encounter_sessions()) as session:
                encounters.decide(
                    session, encounter_id, code, decision, actor=self._actor(conv), system=system
                )
        mine = conv.decisions_for(scope.id if scope is not None else None)
        conv.decisions = [d for d in conv.decisions if not (d.code == code and d in mine)]
        conv.decisions.append(
            Decision(
                code=code,
                system=system,
                title=title,
                decision=decision,  # type: ignore[arg-type]
                turn_id=scope.id if scope is not None else None,
                encounter_id=encounter_id,
            )
        )
        if scope is not None:
            conv.scope_turn_id = scope.id
        self.save(conv)
        return conv

    def _actor(self, conv: Conversation) -> str:
        with transaction(self.conversations) as session:
            row = repo.get(session, conv.id)
            return row.owner if row is not None else "chat"

    # ------------------------------------------------------------ answers

    def answer(
        self, message: str, conv: Conversation | None = None, *, encounter_id: int | None = None
    ) -> ChatAnswer:
        r = route(message)
        handler = {
            "help": self._help,
            "suggest": self._suggest,
            "denial_claim": self._denial_claim,
            "adjustment": self._adjustment,
            "code": self._code,
            "compare": self._compare,
            "quiz": self._quiz,
            "search": self._search,
        }[r.intent]
        try:
            if r.intent == "suggest" and encounter_id is not None:
                ans = self._suggest_for_encounter(message, encounter_id, conv)
            else:
                ans = handler(r, message)
        except AssistantError as exc:
            ans = ChatAnswer(
                intent=r.intent,
                message=message,
                text=exc.message,
                warnings=[f"Fix: {exc.fix}"] if exc.fix else [],
            )
        if r.intent == "suggest" and conv is not None:
            conv.note = message
        self._phrase(ans)
        return ans

    def _release_source(self, system: str) -> Source | None:
        try:
            rel = self.reference.release_for(system)
        except Exception:  # noqa: BLE001 - a missing release is reported by the caller's own lookup
            return None
        detail = f"source: {rel.source}" + (" (stale)" if rel.stale else "")
        return Source(kind="code-set", label=f"{system} release {rel.release}", detail=detail)

    def _help(self, r: Route, message: str) -> ChatAnswer:
        return ChatAnswer(intent="help", message=message, text="Here is what I can do.", paragraphs=HELP_TEXT)

    def _suggest(self, r: Route, message: str) -> ChatAnswer:
        return self._suggest_answer(message, self._suggester().suggest(SuggestRequest(text=message)))

    def _suggest_for_encounter(
        self, message: str, encounter_id: int, conv: Conversation | None
    ) -> ChatAnswer:
        """The note of an encounter: coded for its patient (sex, age) and date of service, and the
        suggestions attached to the encounter, its note replaced by this one."""
        actor = self._actor(conv) if conv is not None else "chat"
        with transaction(self._encounter_sessions()) as session:
            row = encounters.repo.get(session, encounter_id)
            if row is None:
                raise NotFound(
                    f"no encounter {encounter_id}", field="encounter_id", fix="pick another encounter"
                )
            resp = self._suggester().suggest(encounters.suggest_request(session, row, message))
            encounters.attach_suggestions(session, encounter_id, resp, actor=actor, note=message)
        ans = self._suggest_answer(message, resp)
        if ans.suggestions and ans.suggestions.suggestions:
            ans.text += f" This note is encounter {encounter_id}'s: accepted codes become its diagnoses."
        return ans

    def _suggest_answer(self, message: str, resp: Any) -> ChatAnswer:
        n = len(resp.suggestions)
        sources = [
            Source(kind="code-set", label=f"{sys} release {rel}", detail="codes and notes")
            for sys, rel in sorted(resp.releases.items())
        ]
        sources.append(
            Source(
                kind="engine",
                label="suggestion engine",
                detail="ranked from the note's words; every code checked against the release",
            )
        )
        text = (
            f"{n} suggested code{'s' if n != 1 else ''}. Accept or reject each; accepted codes go to the "
            "encounter's draft claim."
            if n
            else "No code could be suggested from this note."
        )
        return ChatAnswer(
            intent="suggest",
            message=message,
            text=text,
            suggestions=resp,
            note_segments=segments(message, resp.suggestions),
            warnings=list(resp.warnings),
            sources=sources,
        )

    def _explanation_sources(self, exps: list[Any]) -> list[Source]:
        out: list[Source] = []
        for src in (self._release_source("CARC"), self._release_source("RARC")):
            if src:
                src.kind = "carc" if "CARC" in src.label else "rarc"
                out.append(src)
        seen: set[str] = set()
        for e in exps:
            for ev in e.evidence:
                key = f"{ev.kind}:{ev.source}"
                if key not in seen:
                    seen.add(key)
                    kind = "ncci" if ev.kind.startswith("ncci") else ev.kind
                    out.append(Source(kind=kind, label=ev.source, detail=ev.detail))
        return out

    def _adjustment(self, r: Route, message: str) -> ChatAnswer:
        warnings = []
        group = r.group
        if group is None:
            group = "CO"
            warnings.append("No group code given (CO, PR, OA, PI): explained as CO, the provider's loss.")
        req = ExplainRequest(group=group, carc=r.carc or "", rarcs=r.rarcs)
        s = self.settings
        exp = denials.explain(
            req,
            reference=self.reference,
            timely_filing_days=getattr(s, "timely_filing_days", None),
            appeal_window_days=getattr(s, "appeal_window_days", None),
        )
        text = (
            f"{exp.group}-{exp.carc}"
            + (f" with {', '.join(exp.rarcs)}" if exp.rarcs else "")
            + f": {exp.summary}"
        )
        return ChatAnswer(
            intent="adjustment",
            message=message,
            text=text,
            explanations=[exp],
            warnings=warnings,
            sources=self._explanation_sources([exp]),
        )

    def _denial_claim(self, r: Route, message: str) -> ChatAnswer:
        if self.sessions is None:
            raise InvalidInput("claims are not available here", field="claim_id")
        s = self.settings
        with self.sessions() as session:
            claim = claims.get_claim(session, r.claim_id or "")
            remit_ids = sorted({rc.remit_id for rc in remit_repo.remit_claims_for_claim(session, claim.id)})
            exps = []
            traces = []
            for rid in remit_ids:
                remit = remit_repo.remit_by_pk(session, rid)
                if remit is not None:
                    traces.append(
                        Source(
                            kind="remit",
                            label=f"835 remittance {remit.trace_number or rid}",
                            detail=f"paid {remit.payment_date or ''}",
                        )
                    )
                exps += [
                    e
                    for e in denials.explain_remit(
                        session,
                        rid,
                        reference=self.reference,
                        timely_filing_days=getattr(s, "timely_filing_days", None),
                        appeal_window_days=getattr(s, "appeal_window_days", None),
                    )
                    if e.claim_id == claim.claim_id
                ]
            status = claim.status
        if not remit_ids:
            text = (
                f"Claim {claim.claim_id} is {status}, and no remittance (835) for it is on file, "
                "so there is no denial to explain yet."
            )
        elif not exps:
            text = f"Claim {claim.claim_id} is {status}; its remittance shows no denied or reduced line."
        else:
            text = f"Claim {claim.claim_id} is {status}. " + " ".join(
                f"{'Line ' + str(e.line) + ': ' if e.line else ''}{e.group}-{e.carc} — {e.summary}"
                + (f" Next: {STEP_LABELS[e.next_steps[0]].lower()}." if e.next_steps else "")
                for e in exps
            )
        sources = [Source(kind="claim", label=f"claim {claim.claim_id}", detail=f"status {status}"), *traces]
        return ChatAnswer(
            intent="denial_claim",
            message=message,
            text=text,
            explanations=exps,
            sources=sources + self._explanation_sources(exps),
        )

    def _facts(self, code: str) -> CodeFacts:
        return facts_mod.code_facts(self.reference, code, system_of(code))

    def _cms_paragraphs(self, code: str) -> tuple[list[str], list[Source]]:
        paragraphs, sources = [], []
        try:
            mue = self.reference.mue(code)
        except Exception:  # noqa: BLE001 - NCCI files are imported by the user; absent means none
            mue = None
        if mue is not None:
            paragraphs.append(
                f"MUE: at most {mue.mue_value} unit(s) of {code} per "
                f"{'line' if mue.mai == '1' else 'day'} (MAI {mue.mai})."
            )
            sources.append(Source(kind="ncci", label=f"NCCI MUE release {mue.release}", detail=f"{code} row"))
        return paragraphs, sources

    def _code(self, r: Route, message: str) -> ChatAnswer:
        found: list[CodeFacts] = []
        paragraphs: list[str] = []
        sources: list[Source] = []
        warnings: list[str] = []
        for code in r.codes[:4]:
            try:
                f = self._facts(code)
            except AssistantError as exc:
                warnings.append(str(exc))
                continue
            found.append(f)
            p, s = self._cms_paragraphs(f.info.code)
            paragraphs += p
            sources += s
            src = self._release_source(f.info.system)
            if src and src.label not in {x.label for x in sources}:
                sources.append(src)
        text = " ".join(f.plain for f in found) or "I could not find that code in the loaded releases."
        return ChatAnswer(
            intent="code",
            message=message,
            text=text,
            codes=found,
            paragraphs=paragraphs,
            warnings=warnings,
            sources=sources,
        )

    def _compare(self, r: Route, message: str) -> ChatAnswer:
        a, b = r.codes[0], r.codes[1]
        cmp = facts_mod.compare(self.reference, a, b, system_of(a))
        sources = [s for s in [self._release_source(system_of(a))] if s]
        return ChatAnswer(
            intent="compare", message=message, text=cmp.summary, comparison=cmp, sources=sources
        )

    def _quiz(self, r: Route, message: str) -> ChatAnswer:
        topic = r.topic or "diabetes"
        from urllib.parse import quote

        return ChatAnswer(
            intent="quiz",
            message=message,
            topic=topic,
            text=f"Trainee mode: a quiz on {topic} codes, built from the code set (no patient data).",
            quiz_url=f"/trainee?topic={quote(topic)}",
            sources=[s for s in [self._release_source("ICD-10-CM")] if s],
        )

    def _search(self, r: Route, message: str) -> ChatAnswer:
        hits = self.reference.search(message, limit=10)
        text = (
            f"{len(hits)} code(s) match “{message}”. For codes from a whole note, paste the note."
            if hits
            else f"Nothing in the code sets matches “{message}”. Try other words, or paste a note."
        )
        sources = [s for s in [self._release_source("ICD-10-CM")] if s]
        return ChatAnswer(intent="search", message=message, text=text, search_hits=hits, sources=sources)

    # ------------------------------------------------------------ optional phrasing

    def _phrase(self, ans: ChatAnswer) -> None:
        if self.llm is None or ans.intent in ("help", "quiz"):
            return
        allowed: set[str] = set()
        if ans.suggestions:
            allowed |= {s.code for s in ans.suggestions.suggestions}
        for f in ans.codes:
            allowed |= {f.info.code, *(c.code for c in f.info.children), *(p.code for p in f.info.parents)}
        if ans.comparison:
            allowed |= {ans.comparison.a.info.code, ans.comparison.b.info.code}
        for e in ans.explanations:
            allowed |= {e.carc, *e.rarcs, *([e.procedure_code] if e.procedure_code else [])}
        facts = [ans.text, *ans.paragraphs]
        if ans.suggestions:
            facts += [f"{s.code} {s.title}" for s in ans.suggestions.suggestions]
        for e in ans.explanations:
            facts += [e.root_cause, *e.fix]
        phrased = self.llm.phrase(ans.message[:2000], facts, allowed)
        if phrased is not None:
            ans.phrased, ans.phrased_flags = phrased.text, phrased.flags
            ans.sources.append(
                Source(
                    kind="llm",
                    label="phrased by the local language model",
                    detail="from the facts above only; codes checked",
                )
            )

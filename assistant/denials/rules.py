"""Local scrubber rules learnt from denials: repeated denial patterns promoted to rules that the claims
scrubber runs (registered with ``register_session_rules``, so claims never imports denials)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session

from assistant.claims.schemas import ClaimImport, Finding
from assistant.claims.scrubber import ScrubContext, register_session_rules
from assistant.core.errors import InvalidInput, NotFound
from assistant.denials import repository as repo
from assistant.denials.models import DenialPattern, LocalRule
from assistant.denials.schemas import DenialPatternOut, LocalRuleOut


@dataclass(frozen=True)
class PayerCodeRule:
    """A local rule promoted from a denial pattern; satisfies the scrubber's ``Rule`` protocol."""

    id: str
    payer_id: str
    procedure_code: str
    kind: str
    modifiers: tuple[str, ...]
    severity: str
    message: str

    def check(self, claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
        if claim.payer.payer_id != self.payer_id:
            return
        for n, line in enumerate(claim.lines, start=1):
            if line.code != self.procedure_code:
                continue
            if self.kind == "require-modifier":
                if set(line.modifiers) & set(self.modifiers):
                    continue
                fix = f"add modifier {' or '.join(self.modifiers)} to line {n} if it applies"
            else:
                fix = "check the payer's policy for this code before sending"
            yield Finding(
                rule=self.id,
                severity=self.severity,  # type: ignore[arg-type]
                line=n,
                field=f"lines[{n - 1}].modifiers",
                message=f"Line {n}: {self.message}",
                fix=fix,
            )


def local_rules(session: Session) -> list[PayerCodeRule]:
    """Active local rules as scrubber rules: pass them as ``scrub(..., extra_rules=local_rules(session))``."""
    return [
        PayerCodeRule(
            id=f"local-{r.id}",
            payer_id=r.payer_id,
            procedure_code=r.procedure_code,
            kind=r.kind,
            modifiers=tuple(r.modifiers or ()),
            severity=r.severity,
            message=r.message,
        )
        for r in repo.active_local_rules(session)
    ]


def list_patterns(session: Session, min_count: int = 1) -> list[DenialPatternOut]:
    """Repeated denials seen at least ``min_count`` times, most frequent first."""
    return [
        DenialPatternOut(
            id=p.id,
            payer_id=p.payer_id,
            group=p.group_code,
            carc=p.reason_code,
            procedure_code=p.procedure_code,
            count=p.count,
            denied_cents=p.denied_cents,
            modifier_counts=p.modifier_counts or {},
            last_seen=p.last_seen,
        )
        for p in repo.patterns_seen_at_least(session, min_count)
    ]


def promote_pattern(
    session: Session, pattern_id: int, *, modifiers: Iterable[str] = (), actor: str = "system"
) -> LocalRuleOut:
    """Turn a denial pattern into a local scrubber rule (or update the pattern's active rule)."""
    pattern = session.get(DenialPattern, pattern_id)
    if pattern is None:
        raise NotFound(
            f"no denial pattern {pattern_id}",
            field="pattern_id",
            fix="list them with `assistant denials patterns`",
        )
    mods = [m.strip().upper() for m in modifiers if m.strip()]
    for m in mods:
        if len(m) != 2 or not m.isalnum():
            raise InvalidInput(
                f"{m!r} is not a modifier", field="modifiers", fix="give two-character modifiers, e.g. GP"
            )
    kind = "require-modifier" if mods else "flag-code"
    what = f"without {' or '.join(mods)}" if mods else f"with {pattern.group_code}-{pattern.reason_code}"
    message = (
        f"payer {pattern.payer_id} denies {pattern.procedure_code} {what} "
        f"({pattern.count} denial(s) {pattern.group_code}-{pattern.reason_code} on file)"
    )
    existing = repo.active_rule_of_pattern(session, pattern.id)
    if existing is not None:
        existing.kind, existing.modifiers, existing.message = kind, mods, message
        rule = existing
    else:
        rule = LocalRule(
            payer_id=pattern.payer_id,
            procedure_code=pattern.procedure_code,
            kind=kind,
            modifiers=mods,
            severity="error" if mods else "warning",
            message=message,
            pattern_id=pattern.id,
            created_by=actor,
            active=True,
        )
        session.add(rule)
    session.flush()
    return LocalRuleOut(
        id=rule.id,
        rule_id=f"local-{rule.id}",
        payer_id=rule.payer_id,
        procedure_code=rule.procedure_code,
        kind=rule.kind,
        modifiers=list(rule.modifiers or []),
        message=rule.message,
    )


register_session_rules(local_rules)

"""Denial explainer, remit explanations, local scrubber rules and the pattern feedback loop."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.claims.schemas import ClaimImport, Finding, parse_claim_json
from assistant.claims.scrubber.base import ScrubContext
from assistant.config import get_settings
from assistant.core.adjustments import DEFAULT_CATEGORIES, PR_WORDS, classify_adjustment
from assistant.core.errors import InvalidInput, NotFound
from assistant.denials.knowledge import BY_CATEGORY, DIAGNOSERS, Case, Diagnosis
from assistant.denials.models import DenialPattern, LocalRule
from assistant.denials.schemas import CATEGORIES, ROUTES, Evidence, ExplainRequest, Explanation

GROUPS = {"CO", "PR", "OA", "PI", "CR"}
DEADLINE_ROUTES = {"appeal", "correct-and-resubmit", "obtain-authorization", "verify-eligibility"}


def _lookup(reference: Any, system: str, code: str) -> Any:
    try:
        return reference.adjustment_code(system, code) if reference is not None else None
    except Exception:  # noqa: BLE001 - a reference without CARC data answers "unknown"
        return None


def explain(
    req: ExplainRequest,
    *,
    reference: Any,
    session: Session | None = None,
    timely_filing_days: int | None = None,
    appeal_window_days: int | None = None,
    remit_line: Any = None,
) -> Explanation:
    """``timely_filing_days``/``appeal_window_days``: the payer defaults (None: the settings')."""
    settings = get_settings()
    timely_filing_days = timely_filing_days or settings.timely_filing_days
    appeal_window_days = appeal_window_days or settings.appeal_window_days
    group, carc = req.group.strip().upper(), req.carc.strip().upper()
    if group not in GROUPS:
        raise InvalidInput(f"unknown group code {req.group!r}", field="group", fix="use CO, PR, OA, PI or CR")
    if not carc:
        raise InvalidInput("a CARC is required", field="carc", fix="give the adjustment reason code, e.g. 97")
    rarcs = [r.strip().upper() for r in req.rarcs if r.strip()]
    unknowns: list[str] = []
    info = _lookup(reference, "CARC", carc)
    group_info = _lookup(reference, "CAS-GROUP", group)
    doc, claim = _load_claim(req, session)
    if req.line is not None and doc is not None and not 1 <= req.line <= len(doc.lines):
        raise InvalidInput(
            f"line {req.line} is not on claim {doc.claim_id} ({len(doc.lines)} lines)",
            field="line",
            fix=f"give a line from 1 to {len(doc.lines)}",
        )
    line = req.line if req.line is not None else (1 if doc is not None and len(doc.lines) == 1 else None)
    case = Case(
        group=group,
        carc=carc,
        rarcs=rarcs,
        reference=reference,
        doc=doc,
        claim=claim,
        line=line,
        session=session,
        timely_filing_days=timely_filing_days,
        remit_line=remit_line,
        rarc_info={r: _lookup(reference, "RARC", r) for r in rarcs},
    )
    for r, ri in case.rarc_info.items():
        if ri is None:
            unknowns.append(f"RARC {r} is not in the loaded RARC list")

    category, route = _category_route(info, group, carc, rarcs)
    if info is None:
        unknowns.append(f"CARC {carc} is not in the loaded CARC list: no summary available")
    if group == "PR":
        diag = BY_CATEGORY["patient-responsibility"](case) if carc in PR_WORDS else _diagnose(case, category)
    else:
        diag = _diagnose(case, category)
        if diag.route:
            route = diag.route
        if route == "bill-patient":  # CO/OA/PI amounts may never be billed to the patient
            route = "write-off"
    if route is None:
        route = "no-action" if category == "contractual" else "appeal" if diag.appeal_viable else "write-off"
        unknowns.append(f"no default route for CARC {carc}: chose {route} from the diagnosis")
    group_note = {
        "CO": "Group CO: the provider absorbs this amount; it may not be billed to the patient.",
        "PR": "Group PR: the patient owes this amount (send it to patient billing).",
        "OA": "Group OA: other adjustment; not billable to the patient.",
        "PI": "Group PI: payer-initiated reduction; not billable to the patient.",
        "CR": "Group CR: correction or reversal of an earlier adjudication.",
    }[group]
    summary = info.summary if info is not None else f"CARC {carc} (not in the loaded code list)"
    evidence = [*diag.evidence]
    if group_info is not None:
        evidence.append(
            Evidence(kind="group", detail=f"{group}: {group_info.summary}", source="CAS group codes")
        )
    deadline = None
    if route in DEADLINE_ROUTES:
        if req.remit_date is not None:
            deadline = req.remit_date + timedelta(days=req.appeal_window_days or appeal_window_days)
        else:
            unknowns.append("no remittance date: the appeal/corrected-claim deadline cannot be computed")
    fix = [*diag.fix] or ([*info.fix] if info is not None else [])
    t = case.target
    return Explanation(
        group=group,
        carc=carc,
        rarcs=rarcs,
        category=category,  # type: ignore[arg-type]
        route=route,  # type: ignore[arg-type]
        summary=summary,
        root_cause=f"{diag.root_cause} {group_note}",
        evidence=evidence,
        fix=fix,
        deadline=deadline,
        appeal_viable=diag.appeal_viable,
        unknowns=[*unknowns, *diag.unknowns],
        claim_id=doc.claim_id if doc else None,
        line=line,
        procedure_code=t.code if t is not None else None,
        amount_cents=req.amount_cents,
        actions=diag.actions,
    )


def _category_route(info: Any, group: str, carc: str, rarcs: list[str]) -> tuple[str, str | None]:
    """The policy's category and route; the route is None when neither the release nor the policy's
    defaults know one for a held code (the diagnosis then chooses)."""
    category = getattr(info, "category", None) if info is not None else None
    route = getattr(info, "route", None) if info is not None else None
    known = (category if category in CATEGORIES else None, route if route in ROUTES else None)
    policy = classify_adjustment(group, carc, rarcs, known=known)
    has_route = known[1] is not None or carc in DEFAULT_CATEGORIES or policy.treatment != "held"
    return policy.category, policy.route if has_route else None


def _diagnose(case: Case, category: str | None) -> Diagnosis:
    fn = DIAGNOSERS.get(case.carc) or BY_CATEGORY.get(category or "other") or BY_CATEGORY["other"]
    return fn(case)


def _load_claim(req: ExplainRequest, session: Session | None) -> tuple[ClaimImport | None, Any]:
    from assistant.claims import service as claims_service
    from assistant.claims.schemas import parse_claim_document

    if req.claim is not None:
        return parse_claim_document(req.claim, prefix="claim."), None
    if not req.claim_id:
        return None, None
    path = Path(req.claim_id)
    if req.claim_id.endswith(".json"):
        if not path.is_file():
            raise NotFound(
                f"no file {req.claim_id}", field="claim", fix="give a claim JSON file or a claim_id"
            )
        docs = parse_claim_json(path.read_bytes(), source=str(path))
        if len(docs) != 1:
            raise InvalidInput(
                f"{path} holds {len(docs)} claims", field="claim", fix="give a file with one claim"
            )
        return docs[0], None
    if session is None:
        raise InvalidInput("a claim_id needs the database", field="claim")
    claim = claims_service.get_claim(session, req.claim_id)
    return claims_service.to_document(claim), claim


# ---------------------------------------------------------------- remits


def explain_remit(
    session: Session,
    remit_id: int,
    *,
    reference: Any,
    timely_filing_days: int | None = None,
    appeal_window_days: int | None = None,
) -> list[Explanation]:
    """One explanation per denied or reduced adjustment of a posted remit (every positive adjustment but
    the contractual ones of the adjustment policy)."""
    from assistant.claims.models import Claim
    from assistant.remit import repository as rrepo

    remit = rrepo.remit_by_pk(session, remit_id)
    if remit is None:
        raise NotFound(
            f"no remittance {remit_id}", field="remit_id", fix="list them with `assistant remit list`"
        )
    out: list[Explanation] = []
    for rc in rrepo.remit_claims(session, remit_id):
        claim = session.get(Claim, rc.claim_pk) if rc.claim_pk else None
        targets: list[tuple[Any, Any, int | None]] = [
            (None, a, None) for a in rrepo.claim_level_adjustments(session, rc.id)
        ]
        for rl in rrepo.remit_lines(session, rc.id):
            line_no = None
            if rl.service_line_id and claim is not None:
                line_no = next((sl.line_number for sl in claim.lines if sl.id == rl.service_line_id), None)
            targets += [(rl, a, line_no) for a in rrepo.line_adjustments(session, rl.id)]
        for rl, adj, line_no in targets:
            if adj.amount_cents <= 0 or classify_adjustment(adj.group_code, adj.reason_code).is_contractual:
                continue
            remarks = list(rl.remarks if rl is not None else []) + list(rc.remarks or [])
            req = ExplainRequest(
                group=adj.group_code,
                carc=adj.reason_code,
                rarcs=remarks,
                claim_id=claim.claim_id if claim else None,
                line=line_no,
                remit_date=remit.remit_date,
                amount_cents=adj.amount_cents,
            )
            exp = explain(
                req,
                reference=reference,
                session=session,
                timely_filing_days=timely_filing_days,
                appeal_window_days=appeal_window_days,
                remit_line=rl,
            )
            if claim is None:
                exp.unknowns.append(
                    f"CLP01 {rc.clp_claim_id} is not a claim on file: explained without claim data"
                )
            elif rl is not None and line_no is None:
                exp.unknowns.append(
                    f"remit line {rl.line_index} ({rl.procedure_code}) matches no line of the claim"
                )
            exp.claim_id = exp.claim_id or rc.clp_claim_id
            out.append(exp)
    return out


# ---------------------------------------------------------------- local rules (feedback loop)


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
    rows = session.scalars(select(LocalRule).where(LocalRule.active.is_(True)).order_by(LocalRule.id)).all()
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
        for r in rows
    ]


def list_patterns(session: Session, min_count: int = 1) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(DenialPattern).where(DenialPattern.count >= min_count).order_by(DenialPattern.count.desc())
    ).all()
    return [
        {
            "id": p.id,
            "payer_id": p.payer_id,
            "group": p.group_code,
            "carc": p.reason_code,
            "procedure_code": p.procedure_code,
            "count": p.count,
            "denied_cents": p.denied_cents,
            "modifier_counts": p.modifier_counts,
            "last_seen": p.last_seen,
        }
        for p in rows
    ]


def promote_pattern(
    session: Session, pattern_id: int, *, modifiers: Iterable[str] = (), actor: str = "system"
) -> dict[str, Any]:
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
    existing = session.scalar(
        select(LocalRule).where(LocalRule.pattern_id == pattern.id, LocalRule.active.is_(True))
    )
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
    return {
        "id": rule.id,
        "rule_id": f"local-{rule.id}",
        "payer_id": rule.payer_id,
        "procedure_code": rule.procedure_code,
        "kind": rule.kind,
        "modifiers": rule.modifiers,
        "message": rule.message,
    }


def deadline_for(remit_date: date | None, days: int) -> date | None:
    return remit_date + timedelta(days=days) if remit_date else None


# ---------------------------------------------------------------- actions (appeal letter, corrected claim)


def request_for(
    session: Session,
    *,
    remit_line_id: int | None,
    claim_id: str | None,
    group: str | None,
    carc: str | None,
    rarcs: list[str],
    line: int | None,
) -> ExplainRequest:
    """An ExplainRequest from a posted remit line (its first denial adjustment) or from explicit codes."""
    if remit_line_id is not None:
        from assistant.claims.models import Claim
        from assistant.remit import repository as rrepo
        from assistant.remit.models import RemitLine

        rl = session.get(RemitLine, remit_line_id)
        if rl is None:
            raise NotFound(
                f"no remit line {remit_line_id}", field="remit_line_id", fix="see `assistant remit show ID`"
            )
        rc = rl.remit_claim
        adjs = [
            a
            for a in rrepo.line_adjustments(session, rl.id)
            if a.amount_cents > 0
            and not classify_adjustment(a.group_code, a.reason_code).is_contractual
            and (carc is None or a.reason_code == carc)
        ]
        if not adjs:
            raise InvalidInput(f"remit line {remit_line_id} has no denial adjustment", field="remit_line_id")
        claim = session.get(Claim, rc.claim_pk) if rc.claim_pk else None
        if claim is None:
            raise InvalidInput(
                f"remit line {remit_line_id} is not matched to a claim on file",
                field="remit_line_id",
                fix="resolve the work-queue item first",
            )
        line_no = next((sl.line_number for sl in claim.lines if sl.id == rl.service_line_id), None)
        return ExplainRequest(
            group=adjs[0].group_code,
            carc=adjs[0].reason_code,
            rarcs=[*rl.remarks, *(rc.remarks or [])],
            claim_id=claim.claim_id,
            line=line_no,
            remit_date=rc.remit.remit_date,
            amount_cents=adjs[0].amount_cents,
        )
    if not (claim_id and group and carc):
        raise InvalidInput("give remit_line_id, or claim_id with group and carc", field="claim_id")
    return ExplainRequest(group=group, carc=carc, rarcs=rarcs, claim_id=claim_id, line=line)


def appeal_letter(session: Session, req: ExplainRequest, *, reference: Any, settings: Any) -> Any:
    from assistant.claims import service as claims_service
    from assistant.denials.appeal import draft_appeal

    exp = explain(
        req,
        reference=reference,
        session=session,
        timely_filing_days=settings.timely_filing_days,
        appeal_window_days=settings.appeal_window_days,
    )
    claim = claims_service.get_claim(session, req.claim_id or "")
    return draft_appeal(claims_service.to_document(claim), exp, payer_claim_number=claim.payer_claim_number)


def corrected_claim(
    session: Session,
    req: ExplainRequest | None,
    *,
    claim_id: str,
    actions: list[dict[str, Any]] | None,
    reference: Any,
    settings: Any,
    new_claim_id: str | None = None,
    actor: str = "system",
) -> dict[str, Any]:
    from assistant.denials.corrected_claim import build_corrected_claim

    exp = None
    if actions is None:
        if req is None:
            raise InvalidInput("give actions or a denial to explain", field="actions")
        exp = explain(
            req,
            reference=reference,
            session=session,
            timely_filing_days=settings.timely_filing_days,
            appeal_window_days=settings.appeal_window_days,
        )
        actions = exp.actions
        if not actions:
            raise InvalidInput(
                f"the explanation of {exp.group}-{exp.carc} has no correction the engine can apply",
                field="actions",
                fix="give the actions yourself, e.g. add-modifier",
            )
    out = build_corrected_claim(
        session,
        claim_id,
        actions,
        reference=reference,
        settings=settings,
        new_claim_id=new_claim_id,
        actor=actor,
        extra_rules=local_rules(session),
    )
    if exp is not None:
        out["explanation"] = exp.model_dump(mode="json")
    return out

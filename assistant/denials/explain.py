"""Explain a denial: group + CARC + RARCs decoded and tied back to the claim's own data (one adjustment,
or every denied or reduced adjustment of a posted remittance)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from assistant.claims import service as claims_service
from assistant.claims.models import Claim
from assistant.claims.schemas import ClaimImport, parse_claim_document, parse_claim_json
from assistant.config import get_settings
from assistant.core.adjustments import (
    DEFAULT_CATEGORIES,
    PR_WORDS,
    classify_adjustment,
    next_steps,
)
from assistant.core.errors import InvalidInput, NotFound
from assistant.denials.knowledge import BY_CATEGORY, DIAGNOSERS, Case, Diagnosis
from assistant.denials.schemas import CATEGORIES, ROUTES, Evidence, ExplainRequest, Explanation
from assistant.remit import repository as rrepo
from assistant.remit.secondary import secondary_coverage

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
        next_steps=next_steps(
            route,
            own_error=bool(diag.actions),
            has_secondary=claim is not None and secondary_coverage(claim) is not None,
        ),
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
            treatment = classify_adjustment(adj.group_code, adj.reason_code).treatment
            if adj.amount_cents <= 0 or treatment in ("contractual", "prior-payer"):
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


def deadline_for(remit_date: date | None, days: int) -> date | None:
    return remit_date + timedelta(days=days) if remit_date else None

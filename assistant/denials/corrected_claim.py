"""Corrected claims (frequency 7, REF*F8 = the payer's claim number) built from an explanation's fix,
stored through the claims service so they are scrubbed and exported like any claim."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from assistant.claims import repository as claims_repo
from assistant.claims import service as claims_service
from assistant.claims.schemas import ClaimImport, ScrubReport, parse_claim_document
from assistant.config import Settings
from assistant.core.errors import Conflict, InvalidInput
from assistant.denials.schemas import CorrectedClaimOut


def apply_actions(doc: ClaimImport, actions: list[dict[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    data = doc.model_dump(mode="json")
    applied: list[str] = []
    for i, act in enumerate(actions):
        op, n = act.get("op"), act.get("line")
        if not isinstance(n, int) or not 1 <= n <= len(data["lines"]):
            raise InvalidInput(
                f"action {i}: line {n!r} is not on the claim",
                field=f"actions[{i}].line",
                fix=f"use a line from 1 to {len(data['lines'])}",
            )
        line = data["lines"][n - 1]
        if op == "add-modifier":
            mod = str(act.get("modifier", "")).upper()
            if mod not in line["modifiers"]:
                if len(line["modifiers"]) >= 4:
                    raise InvalidInput(f"line {n} already has 4 modifiers", field=f"actions[{i}].modifier")
                line["modifiers"].append(mod)
            applied.append(f"line {n}: add modifier {mod}")
        elif op == "remove-modifier":
            mod = str(act.get("modifier", "")).upper()
            line["modifiers"] = [m for m in line["modifiers"] if m != mod]
            applied.append(f"line {n}: remove modifier {mod}")
        elif op == "set-dx-pointers":
            pointers = act.get("pointers")
            if not isinstance(pointers, list) or not pointers:
                raise InvalidInput(f"action {i} needs a list of pointers", field=f"actions[{i}].pointers")
            line["dx_pointers"] = pointers
            applied.append(f"line {n}: point to diagnoses {pointers}")
        else:
            raise InvalidInput(
                f"unknown action {op!r}",
                field=f"actions[{i}].op",
                fix="use add-modifier, remove-modifier or set-dx-pointers",
            )
    return data, applied


def build_corrected_claim(
    session: Session,
    claim_id: str,
    actions: list[dict[str, Any]],
    *,
    reference: Any,
    settings: Settings,
    new_claim_id: str | None = None,
    actor: str = "system",
    extra_rules: Any = (),
) -> CorrectedClaimOut:
    original = claims_service.get_claim(session, claim_id)
    if not original.payer_claim_number:
        raise Conflict(
            f"claim {claim_id} has no payer claim number (CLP07) on file",
            field="claim_id",
            fix="post the payer's 835 first; the corrected claim must cite REF*F8",
        )
    if not actions:
        raise InvalidInput(
            "no correction to apply",
            field="actions",
            fix="give actions or explain a denial whose fix can be applied",
        )
    data, applied = apply_actions(claims_service.to_document(original), actions)
    data["claim_id"] = new_claim_id or _next_id(session, original.claim_id)
    data["frequency_code"] = "7"
    data["original_claim_number"] = original.payer_claim_number
    data["total_charge_cents"] = None
    for line in data["lines"]:
        line["line_control_number"] = None  # new lines get their own control numbers
    doc = parse_claim_document(data)
    result = claims_service.import_claim(session, doc, actor=actor)
    new = claims_service.get_claim(session, result.id)
    # The original moves to "corrected" when this claim is submitted (claims_service.transition).
    claims_service.link_replacement(session, new, original)
    report: ScrubReport = claims_service.scrub_claim(session, new, reference, settings, actor, extra_rules)
    return CorrectedClaimOut(
        claim_id=new.claim_id,
        id=new.id,
        frequency_code=new.frequency_code,
        original_claim_number=new.original_claim_number,
        replaces=original.claim_id,
        applied=applied,
        status=new.status,
        scrub=report,
    )


def _next_id(session: Session, base: str) -> str:
    for k in range(1, 100):
        cand = f"{base[:34]}-C{k}"
        if claims_repo.claim_by_claim_id(session, cand) is None:
            return cand
    raise Conflict(f"too many corrected claims for {base}", field="new_claim_id", fix="give --new-claim-id")

"""Match remittance lines to our service lines: line control number first, then code + date + charge.

Pure logic over plain data so it can be tested without a database. A match where the payer dropped,
added or changed a modifier is accepted as ``fuzzy-modifier`` and says exactly what differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assistant.core.money import dollars
from assistant.remit.schemas import RemitLineIn


@dataclass(frozen=True)
class OurLine:
    id: int
    line_number: int
    code: str
    modifiers: tuple[str, ...]
    date_of_service: date
    charge_cents: int
    line_control_number: str


@dataclass(frozen=True)
class LineMatch:
    remit_index: int
    line: OurLine | None
    method: str  # lcn | exact | fuzzy-modifier | unmatched
    note: str | None = None


def modifier_difference(ours: tuple[str, ...] | list[str], theirs: list[str]) -> str | None:
    """Human summary of how the payer's modifiers differ from ours, or None when they agree."""
    mine, paid = set(ours), set(theirs)
    if mine == paid:
        return None
    dropped, added = sorted(mine - paid), sorted(paid - mine)
    parts = []
    if dropped and added:
        parts.append(f"payer changed modifier {'/'.join(dropped)} to {'/'.join(added)}")
    elif dropped:
        parts.append(f"payer dropped modifier {'/'.join(dropped)}")
    else:
        parts.append(f"payer added modifier {'/'.join(added)}")
    return "; ".join(parts)


def match_lines(
    remit_lines: list[RemitLineIn], ours: list[OurLine], *, claim_date: date | None
) -> list[LineMatch]:
    free = {line.id: line for line in ours}
    by_lcn = {line.line_control_number: line for line in ours}
    results: dict[int, LineMatch] = {}
    # Pass 1: line control numbers (REF*6R), the payer echoing our own identifier.
    for rl in remit_lines:
        hit = by_lcn.get(rl.line_control_number or "")
        if hit is not None and hit.id in free:
            del free[hit.id]
            diff = modifier_difference(hit.modifiers, rl.billed_modifiers)
            note = None
            if rl.billed_code != hit.code:
                note = f"payer reports {rl.billed_code} for our {hit.code}"
            if diff:
                note = f"{note}; {diff}" if note else diff
            results[rl.index] = LineMatch(rl.index, hit, "lcn", note)
    # Pass 2: code + date + charge, exact modifiers before fuzzy ones.
    for fuzzy in (False, True):
        for rl in remit_lines:
            if rl.index in results:
                continue
            dos = rl.service_date or claim_date
            for cand in sorted(free.values(), key=lambda c: c.line_number):
                if cand.code != rl.billed_code or cand.charge_cents != rl.charge_cents:
                    continue
                if dos is not None and cand.date_of_service != dos:
                    continue
                diff = modifier_difference(cand.modifiers, rl.billed_modifiers)
                if diff and not fuzzy:
                    continue
                del free[cand.id]
                why = "matched by code, date and charge"
                if rl.line_control_number:
                    why += f" (REF*6R {rl.line_control_number} is not one of ours)"
                if diff:
                    results[rl.index] = LineMatch(rl.index, cand, "fuzzy-modifier", f"{why}; {diff}")
                else:
                    results[rl.index] = LineMatch(
                        rl.index, cand, "exact", why if rl.line_control_number else None
                    )
                break
    out = []
    for rl in remit_lines:
        if rl.index in results:
            out.append(results[rl.index])
            continue
        mods = "-".join([rl.billed_code, *rl.billed_modifiers])
        when = rl.service_date or claim_date
        reason = f"no line of the claim has {mods} on {when} for {dollars(rl.charge_cents)}"
        if rl.line_control_number:
            reason = f"line control number {rl.line_control_number} is unknown and {reason}"
        out.append(LineMatch(rl.index, None, "unmatched", reason))
    return out

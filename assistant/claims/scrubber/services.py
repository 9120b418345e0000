"""Same-day E/M with a procedure (modifier 25) and telehealth place-of-service/modifier agreement."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.claims.schemas import ClaimImport, Finding
from assistant.claims.scrubber.base import (
    ScrubContext,
    error,
    is_em,
    is_procedure,
    lines_by_date,
    numbered_lines,
    rule,
    warning,
)
from assistant.parties.telehealth import DEFAULT_TELEHEALTH_POLICY, TELEHEALTH_MODIFIERS, TELEHEALTH_POS


@rule("em-modifier-25")
def em_modifier_25(claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
    """An E/M billed on the same day as a procedure needs modifier 25."""
    for _dos, lines in lines_by_date(claim).items():
        procedures = [(n, line) for n, line in lines if is_procedure(line.code) and not is_em(line.code)]
        if not procedures:
            continue
        for n, line in lines:
            if is_em(line.code) and "25" not in line.modifiers:
                pn, proc = procedures[0]
                yield error(
                    "em-modifier-25",
                    f"Line {n}: E/M {line.code} is billed on the same day as procedure "
                    f"{proc.code} (line {pn}) without modifier 25.",
                    line=n,
                    field=f"lines[{n - 1}].modifiers",
                    fix="add 25 if the visit was significant and separately identifiable from the "
                    "procedure (documented beyond its usual pre/post work); otherwise remove the E/M line",
                )


@rule("telehealth")
def telehealth(claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
    """POS 02/10 and modifiers 95/93/FQ agree, following the payer's telehealth policy."""
    rid = "telehealth"
    policy = claim.payer.telehealth_policy or DEFAULT_TELEHEALTH_POLICY
    tele_pos = claim.place_of_service in TELEHEALTH_POS
    for n, line in numbered_lines(claim):
        mods = set(line.modifiers) & TELEHEALTH_MODIFIERS
        field = f"lines[{n - 1}].modifiers"
        if policy == "pos_and_95":
            if tele_pos and not mods:
                yield error(
                    rid,
                    f"Line {n}: place of service {claim.place_of_service} is telehealth but the line "
                    f"has no 95 (or 93/FQ for audio-only); {claim.payer.name} requires both.",
                    line=n,
                    field=field,
                    fix="add 95 (video) or 93 (audio-only), or correct the place of service",
                )
            elif mods and not tele_pos:
                yield error(
                    rid,
                    f"Line {n}: telehealth modifier {'/'.join(sorted(mods))} with place of service "
                    f"{claim.place_of_service}; {claim.payer.name} expects POS 02 or 10 for telehealth.",
                    line=n,
                    field="place_of_service",
                    fix="use POS 10 (patient at home) or 02 (elsewhere), or remove the modifier",
                )
        elif policy == "pos_only":
            if mods and tele_pos:
                yield warning(
                    rid,
                    f"Line {n}: {claim.payer.name} identifies telehealth by POS alone; modifier "
                    f"{'/'.join(sorted(mods))} is not needed.",
                    line=n,
                    field=field,
                    fix="remove the telehealth modifier",
                )
            elif mods:
                yield error(
                    rid,
                    f"Line {n}: telehealth modifier {'/'.join(sorted(mods))} with non-telehealth "
                    f"place of service {claim.place_of_service}.",
                    line=n,
                    field="place_of_service",
                    fix="use POS 02 or 10 for telehealth, or remove the modifier",
                )
        elif policy == "modifier_only" and tele_pos:
            yield warning(
                rid,
                f"Line {n}: {claim.payer.name} wants the place of service where the visit would "
                "have been in person, with modifier 95.",
                line=n,
                field="place_of_service",
                fix="use the in-person POS (e.g. 11) and add 95 (or 93 for audio-only)",
            )

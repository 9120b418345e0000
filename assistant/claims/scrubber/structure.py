"""Diagnosis pointers, duplicate lines and charge balancing."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.claims.schemas import ClaimImport, Finding
from assistant.claims.scrubber.base import ScrubContext, error, numbered_lines, rule, warning
from assistant.core.money import dollars

LETTERS = "ABCDEFGHIJKL"


@rule("dx-pointers")
def dx_pointers(claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
    """Pointers name existing diagnoses, once; every diagnosis is pointed at; no repeats."""
    count = len(claim.diagnoses)
    pointed: set[int] = set()
    for n, line in numbered_lines(claim):
        seen: set[int] = set()
        for p in line.dx_pointers:
            if p > count and p not in seen:
                yield error(
                    "dx-pointers",
                    f"Line {n}: diagnosis pointer {p} points past the claim's {count} diagnoses.",
                    line=n,
                    field=f"lines[{n - 1}].dx_pointers",
                    fix=f"use pointers from 1 to {count}, or add the missing diagnosis to diagnoses",
                )
            elif p in seen:
                yield error(
                    "dx-pointers",
                    f"Line {n}: diagnosis pointer {p} is repeated.",
                    line=n,
                    field=f"lines[{n - 1}].dx_pointers",
                    fix="list each pointer once",
                )
            seen.add(p)
        pointed |= seen
    for i, code in enumerate(claim.diagnoses, start=1):
        if code in claim.diagnoses[: i - 1]:
            yield error(
                "dx-pointers",
                f"Diagnosis {code} is listed twice (positions {claim.diagnoses.index(code) + 1} and {i}).",
                field=f"diagnoses[{i - 1}]",
                fix="remove the repeated diagnosis and renumber the pointers",
            )
        elif i not in pointed:
            yield warning(
                "dx-pointers",
                f"Diagnosis {i} ({LETTERS[i - 1]}, {code}) is not pointed at by any line.",
                field=f"diagnoses[{i - 1}]",
                fix="point the line(s) it supports at it, or remove it if it is not relevant",
            )
    first = claim.diagnoses[0]
    if claim.lines and 1 not in claim.lines[0].dx_pointers:
        yield warning(
            "dx-pointers",
            f"Line 1 does not point at the first-listed diagnosis {first}.",
            line=1,
            field="lines[0].dx_pointers",
            fix="put the main reason for the visit first",
        )


@rule("duplicate-line")
def duplicate_line(claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
    """The same date, code and modifiers on two lines of one claim."""
    seen: dict[tuple[object, ...], int] = {}
    for n, line in numbered_lines(claim):
        key = (line.date_of_service, line.code, tuple(sorted(line.modifiers)))
        if key in seen:
            yield error(
                "duplicate-line",
                f"Line {n} duplicates line {seen[key]} ({line.code} on "
                f"{line.date_of_service} with the same modifiers).",
                line=n,
                field=f"lines[{n - 1}]",
                fix="put all units on one line, or add 76/77 (repeat procedure) or 91 (repeat lab test) "
                "if the service was truly repeated",
            )
        else:
            seen[key] = n


@rule("duplicate-claim")
def duplicate_claim(claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
    """Lines already billed on another claim for the same patient (same date, code and modifiers)."""
    if ctx.find_duplicates is None or claim.frequency_code in {"7", "8"}:
        return
    # A secondary claim bills the primary claim's lines again, to the next payer: that is no duplicate.
    primary = claim.prior_payer.claim_id if claim.prior_payer is not None else None
    for hit in ctx.find_duplicates(claim):
        if primary is not None and hit.other_claim_id == primary:
            continue
        line = claim.lines[hit.line - 1]
        yield error(
            "duplicate-claim",
            f"Line {hit.line}: {line.code} on {line.date_of_service} is already on claim "
            f"{hit.other_claim_id} (line {hit.other_line}, status {hit.other_status}).",
            line=hit.line,
            field=f"lines[{hit.line - 1}]",
            fix=f"remove the line; to change claim {hit.other_claim_id} after submission send a corrected "
            "claim (frequency_code 7 with original_claim_number)",
        )


@rule("balancing")
def balancing(claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
    """The claim total equals the sum of its line charges."""
    total = claim.line_total_cents
    if claim.total_charge_cents is not None and claim.total_charge_cents != total:
        yield error(
            "balancing",
            f"The claim total {dollars(claim.total_charge_cents)} does not equal the sum of the "
            f"line charges {dollars(total)}.",
            field="total_charge_cents",
            fix=f"set total_charge_cents to {total} or correct the line charges",
        )

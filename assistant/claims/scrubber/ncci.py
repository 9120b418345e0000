"""NCCI procedure-to-procedure (PTP) bundling and medically unlikely edits (MUE) from the imported release."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from assistant.claims.schemas import ClaimImport, Finding, ServiceLineIn
from assistant.claims.scrubber.base import ScrubContext, error, lines_by_date, rule, warning
from assistant.core.errors import NoReleaseForDate, NotReady

# Modifiers that may bypass a PTP edit with modifier indicator 1 (NCCI policy manual, chapter I).
BYPASS_MODIFIERS = frozenset({"59", "XE", "XS", "XP", "XU", "24", "25", "57", "58", "78", "79", "91", "27"})
ANATOMIC_MODIFIERS = frozenset(
    {"LT", "RT", "E1", "E2", "E3", "E4", "LC", "LD", "LM", "RC", "RI"}
    | {f"F{i}" for i in range(10)}
    | {"FA"}
    | {f"T{i}" for i in range(10)}
    | {"TA"}
)
NO_PTP = "no NCCI PTP release imported: bundling not checked; import with `assistant codesets import-ncci`"
NO_MUE = "no NCCI MUE release imported: units not checked; import with `assistant codesets import-ncci`"


def _bypassed(col1: ServiceLineIn, col2: ServiceLineIn) -> bool:
    mods2 = set(col2.modifiers)
    if mods2 & BYPASS_MODIFIERS:
        return True
    anat2 = mods2 & ANATOMIC_MODIFIERS
    return bool(anat2) and anat2 != (set(col1.modifiers) & ANATOMIC_MODIFIERS)


@rule("ncci-ptp")
def ncci_ptp(claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
    """Pairs of codes on the same date that NCCI bundles (modifier indicator 0, 1; 9 is inactive)."""
    rid = "ncci-ptp"
    for dos, lines in lines_by_date(claim).items():
        codes = sorted({line.code for _, line in lines})
        if len(codes) < 2:
            continue
        try:
            edits = ctx.reference.ptp_edits(codes, on=dos)
        except NotReady:
            yield warning(rid, NO_PTP, fix="assistant codesets import-ncci PTP_FILE")
            return
        except NoReleaseForDate:
            yield warning(
                rid,
                f"no NCCI PTP release covers {dos}: bundling not checked for that date",
                fix="import the NCCI PTP quarter in force on that date (assistant codesets import-ncci)",
            )
            continue
        for edit in edits:
            if edit.modifier_indicator == "9":
                continue
            for n1, line1 in lines:
                if line1.code != edit.column1:
                    continue
                for n2, line2 in lines:
                    if line2.code != edit.column2 or n2 == n1:
                        continue
                    head = (
                        f"Line {n2}: {line2.code} is bundled into {line1.code} (line {n1}) "
                        f"(NCCI PTP, modifier indicator {edit.modifier_indicator})"
                    )
                    field = f"lines[{n2 - 1}].modifiers"
                    if edit.modifier_indicator == "0":
                        yield error(
                            rid,
                            f"{head}: no modifier allows both on the same day.",
                            line=n2,
                            field=field,
                            fix=f"remove line {n2}; {line2.code} is not payable with {line1.code}",
                        )
                    elif not _bypassed(line1, line2):
                        yield error(
                            rid,
                            f"{head}: add 59 or XS if a separate site was treated (XE separate "
                            f"encounter, XP separate practitioner, XU unusual non-overlapping service; "
                            f"25 on a significant, separately identifiable E/M), or remove the line.",
                            line=n2,
                            field=field,
                            fix=f"add a modifier to line {n2} only if the "
                            "documentation supports a distinct service; otherwise remove the line",
                        )


@rule("ncci-mue")
def ncci_mue(claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
    """Units per line (MAI 1) and per day (MAI 2 and 3) against the medically unlikely edit."""
    rid = "ncci-mue"
    for dos, lines in lines_by_date(claim).items():
        try:
            ctx.reference.release_for("NCCI-MUE", dos)
        except NotReady:
            yield warning(rid, NO_MUE, fix="assistant codesets import-ncci MUE_FILE")
            return
        except NoReleaseForDate:
            yield warning(
                rid,
                f"no NCCI MUE release covers {dos}: units not checked for that date",
                fix="import the NCCI MUE quarter in force on that date (assistant codesets import-ncci)",
            )
            continue
        per_code: dict[str, list[tuple[int, ServiceLineIn]]] = defaultdict(list)
        for n, line in lines:
            per_code[line.code].append((n, line))
        for code, code_lines in per_code.items():
            edit = ctx.reference.mue(code, on=dos)
            if edit is None:
                continue
            if edit.mai == "1":
                for n, line in code_lines:
                    if line.units > edit.mue_value:
                        yield error(
                            rid,
                            f"Line {n}: {line.units} units of {code} exceed the MUE of "
                            f"{edit.mue_value} per line (MAI 1).",
                            line=n,
                            field=f"lines[{n - 1}].units",
                            fix=f"bill at most {edit.mue_value} on this line; if more were truly given "
                            "(another site or session), put them on another line with 76, 91 or an "
                            "anatomic modifier",
                        )
            else:
                total = sum(line.units for _, line in code_lines)
                if total > edit.mue_value:
                    n = code_lines[0][0]
                    kind = "policy, absolute" if edit.mai == "2" else "clinical"
                    fix = (
                        f"reduce the units of {code} on {dos} to {edit.mue_value}; units over it are not paid"
                        if edit.mai == "2"
                        else f"reduce to {edit.mue_value} units, or bill them and be ready "
                        "to appeal with documentation of medical necessity"
                    )
                    yield error(
                        rid,
                        f"Line {n}: {total} units of {code} on {dos} exceed the MUE of "
                        f"{edit.mue_value} per day (MAI {edit.mai}, {kind}).",
                        line=n,
                        field=f"lines[{n - 1}].units",
                        fix=fix,
                    )

"""Code validity on each date of service: ICD-10-CM, HCPCS Level II, CPT, modifiers, place of service."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from assistant.claims.schemas import ClaimImport, Finding
from assistant.claims.scrubber.base import (
    ScrubContext,
    error,
    numbered_lines,
    procedure_system,
    rule,
    warning,
)
from assistant.core.errors import AssistantError, NoReleaseForDate, NotReady, UnknownCode


def _release(ctx: ScrubContext, system: str, on: date | None) -> object | AssistantError:
    key = f"release:{system}:{on}"
    if key not in ctx.cache:
        try:
            ctx.cache[key] = ctx.reference.release_for(system, on)
        except (NoReleaseForDate, NotReady) as exc:
            ctx.cache[key] = exc
    return ctx.cache[key]  # type: ignore[no-any-return]


def _coverage(ctx: ScrubContext, system: str) -> str:
    spans = []
    try:
        for rel in ctx.reference.releases(system):
            spans.append(f"{rel.release} ({rel.effective_from or '?'}..{rel.effective_to or 'open'})")
    except AssistantError:
        pass
    return ", ".join(spans) or "none loaded"


def _dx_dates(claim: ClaimImport) -> dict[int, list[tuple[date, int]]]:
    """Diagnosis position -> (date of service, first line number) of the lines pointing at it."""
    out: dict[int, list[tuple[date, int]]] = {}
    for n, line in numbered_lines(claim):
        for p in line.dx_pointers:
            dates = out.setdefault(p, [])
            if line.date_of_service not in [d for d, _ in dates]:
                dates.append((line.date_of_service, n))
    first = min(line.date_of_service for line in claim.lines)
    for i in range(1, len(claim.diagnoses) + 1):
        out.setdefault(i, [(first, 0)])
    return out


@rule("icd10cm-valid")
def icd10cm_valid(claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
    """Each diagnosis exists and is billable in the ICD-10-CM release in force on its dates of service."""
    rid = "icd10cm-valid"
    reported_dates: set[date] = set()
    dx_dates = _dx_dates(claim)
    for i, code in enumerate(claim.diagnoses, start=1):
        field = f"diagnoses[{i - 1}]"
        for dos, line_no in dx_dates[i]:
            release = _release(ctx, "ICD-10-CM", dos)
            if isinstance(release, AssistantError):
                if dos not in reported_dates:
                    reported_dates.add(dos)
                    yield error(
                        rid,
                        f"The diagnoses cannot be checked for the date of service {dos}: {release.message}.",
                        line=line_no or None,
                        field=f"lines[{line_no - 1}].date_of_service" if line_no else field,
                        fix=f"{release.fix or 'correct the date of service'} (releases loaded: "
                        f"{_coverage(ctx, 'ICD-10-CM')})",
                    )
                continue
            try:
                info = ctx.reference.get_code(code, "ICD-10-CM", on=dos)
            except UnknownCode as exc:
                hint = (
                    f"did you mean {exc.suggestion}?" if exc.suggestion else "look the code up in the index"
                )
                yield error(
                    rid, f"Diagnosis {exc.message}.", field=field, fix=f"{hint} (assistant codes show CODE)"
                )
                break
            if not info.billable:
                kids = " / ".join(c.code for c in info.children[:6])
                more = " / ..." if len(info.children) > 6 else ""
                yield error(
                    rid,
                    f"Diagnosis {code} is a category header, not a billable code, on {dos} "
                    f"(ICD-10-CM release {info.release}).",
                    field=field,
                    fix=f"did you mean {kids}{more}? use a more specific child code"
                    if kids
                    else "use a more specific code",
                )
                break


@rule("procedure-code-valid")
def procedure_code_valid(claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
    """CPT codes well formed (validity only with a licensed CPT file); HCPCS Level II in the loaded file."""
    rid = "procedure-code-valid"
    for n, line in numbered_lines(claim):
        field = f"lines[{n - 1}].code"
        system = procedure_system(line.code)
        if system is None:
            yield error(
                rid,
                f"Line {n}: {line.code} is neither a CPT code (5 digits, or 4 digits plus F/T/U) nor a "
                "HCPCS Level II code (a letter A-V and 4 digits).",
                line=n,
                field=field,
                fix="correct the procedure code",
            )
        elif system == "CPT":
            yield from _check_cpt(ctx, n, line.code, line.date_of_service, field)
        else:
            yield from _check_hcpcs(ctx, n, line.code, line.date_of_service, field)


def _check_cpt(ctx: ScrubContext, n: int, code: str, dos: date, field: str) -> Iterator[Finding]:
    release = _release(ctx, "CPT", dos)
    if isinstance(release, AssistantError):
        yield warning(
            "procedure-code-valid",
            f"Line {n}: CPT {code} is well formed, but no licensed CPT file is "
            "loaded, so its validity on the date of service can't be confirmed.",
            line=n,
            field=field,
            fix="import your licensed AMA CPT file to check CPT codes (assistant codesets import-cpt)",
        )
        return
    if not ctx.reference.is_valid(code, "CPT", on=dos):
        yield error(
            "procedure-code-valid",
            f"Line {n}: CPT {code} is not in the CPT release in force on {dos}.",
            line=n,
            field=field,
            fix="correct the code against the current CPT book",
        )


def _quarter_after(start: date | None) -> date | None:
    """The first day of the quarter after the one that starts on ``start`` (a HCPCS file's quarter)."""
    if start is None:
        return None
    month = start.month + 3
    return date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _check_hcpcs(ctx: ScrubContext, n: int, code: str, dos: date, field: str) -> Iterator[Finding]:
    rid = "procedure-code-valid"
    release = _release(ctx, "HCPCS", dos)
    if isinstance(release, AssistantError):
        release = _release(ctx, "HCPCS", None)
    if isinstance(release, AssistantError):
        yield warning(
            rid,
            f"Line {n}: no HCPCS Level II file is loaded, so {code} can't be checked.",
            line=n,
            field=field,
            fix="load the code sets (assistant codesets load)",
        )
        return
    label = getattr(release, "release", "?")
    next_quarter = _quarter_after(getattr(release, "effective_from", None))
    later = next_quarter is not None and dos >= next_quarter  # the DOS is in a quarter after the file's
    stale = bool(getattr(release, "stale", False)) or later
    why = "stale" if getattr(release, "stale", False) else f"older than the quarter of {dos}"
    info = ctx.reference.find_code(code, "HCPCS")
    if info is None:
        if stale:
            yield warning(
                rid,
                f"Line {n}: HCPCS {code} is not in the loaded HCPCS file ({label}, {why}): it may be a "
                "newer code or a typo.",
                line=n,
                field=field,
                fix="import the CMS HCPCS quarterly file for the date of service "
                "(assistant codesets import-hcpcs FILE.zip) or correct the code",
            )
        else:
            yield error(
                rid,
                f"Line {n}: HCPCS {code} is not in the HCPCS release {label}.",
                line=n,
                field=field,
                fix="correct the code against the current CMS HCPCS file",
            )
        return
    added = _iso(info.extra.get("add_date"))
    ended = _iso(info.extra.get("termination_date"))
    if ended is not None and dos > ended:
        yield error(
            rid,
            f"Line {n}: HCPCS {code} was terminated on {ended} (HCPCS {label}); it is not valid on {dos}.",
            line=n,
            field=field,
            fix="use the code that replaced it (see the CMS HCPCS file's cross-reference) "
            "or correct the date",
        )
    elif added is not None and dos < added:
        yield error(
            rid,
            f"Line {n}: HCPCS {code} was added on {added}; it is not valid on {dos}.",
            line=n,
            field=field,
            fix="use the code in force on the date of service, or correct the date",
        )
    elif stale:
        yield warning(
            rid,
            f"Line {n}: HCPCS {code} was checked against the HCPCS file {label} ({why}); it may have been "
            "deleted or changed since.",
            line=n,
            field=field,
            fix="confirm the code in the CMS HCPCS quarterly file for the date of service "
            "(assistant codesets import-hcpcs FILE.zip)",
        )


def _iso(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@rule("modifier-pos-valid")
def modifier_pos_valid(claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
    """Known place-of-service code and modifiers, no repeated modifier."""
    rid = "modifier-pos-valid"
    if not ctx.reference.is_valid_pos(claim.place_of_service):
        yield error(
            rid,
            f"Place of service {claim.place_of_service} is not a CMS place-of-service code.",
            field="place_of_service",
            fix="use a CMS POS code, e.g. 11 office, 22 outpatient hospital, 02/10 telehealth",
        )
    for n, line in numbered_lines(claim):
        for j, mod in enumerate(line.modifiers):
            field = f"lines[{n - 1}].modifiers[{j}]"
            if mod in line.modifiers[:j]:
                yield error(
                    rid,
                    f"Line {n}: modifier {mod} is repeated.",
                    line=n,
                    field=field,
                    fix="list each modifier once",
                )
            elif ctx.reference.modifier(mod) is None:
                yield warning(
                    rid,
                    f"Line {n}: modifier {mod} is not a known CPT or HCPCS modifier.",
                    line=n,
                    field=field,
                    fix="check the modifier; remove it if it does not apply",
                )

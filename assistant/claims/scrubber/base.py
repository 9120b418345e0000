"""The scrubber's building blocks: the ``Rule`` protocol, the context every rule receives, and helpers.

A rule is any object with a stable ``id`` string and ``check(claim, ctx) -> Iterable[Finding]``. Add rules at
run time with ``scrub(claim, reference, extra_rules=[...])`` (payer-specific local rules, for example).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, runtime_checkable

from assistant.claims.schemas import ClaimImport, Finding, ServiceLineIn
from assistant.codesets.models import HCPCS_LEVEL2_SHAPE
from assistant.config import get_settings


@dataclass(frozen=True)
class DuplicateHit:
    """A line of this claim that already appears on another claim on file."""

    line: int
    other_claim_id: str
    other_line: int
    other_status: str


@dataclass
class ScrubContext:
    reference: Any  # ReferenceLookup
    today: date = field(default_factory=date.today)
    default_timely_filing_days: int = field(default_factory=lambda: get_settings().timely_filing_days)
    # Looks up lines of other claims on file for the same patient (service layer provides it).
    find_duplicates: Callable[[ClaimImport], list[DuplicateHit]] | None = None
    # Memo for rules sharing an expensive lookup.
    cache: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Rule(Protocol):
    @property
    def id(self) -> str: ...

    def check(self, claim: ClaimImport, ctx: ScrubContext) -> Iterable[Finding]: ...


@dataclass(frozen=True)
class FunctionRule:
    """Wraps a plain function as a ``Rule``."""

    id: str
    func: Callable[[ClaimImport, ScrubContext], Iterable[Finding]]
    description: str = ""

    def check(self, claim: ClaimImport, ctx: ScrubContext) -> Iterable[Finding]:
        return self.func(claim, ctx)


def rule(rule_id: str, description: str = "") -> Callable[[Callable[..., Iterable[Finding]]], FunctionRule]:
    """Decorator: ``@rule("npi-check-digit")`` turns ``def check(claim, ctx)`` into a Rule."""

    def wrap(func: Callable[..., Iterable[Finding]]) -> FunctionRule:
        return FunctionRule(rule_id, func, description or (func.__doc__ or "").strip())

    return wrap


def error(
    rule_id: str, message: str, *, line: int | None = None, field: str | None = None, fix: str | None = None
) -> Finding:
    return Finding(rule=rule_id, severity="error", line=line, field=field, message=message, fix=fix)


def warning(
    rule_id: str, message: str, *, line: int | None = None, field: str | None = None, fix: str | None = None
) -> Finding:
    return Finding(rule=rule_id, severity="warning", line=line, field=field, message=message, fix=fix)


def numbered_lines(claim: ClaimImport) -> list[tuple[int, ServiceLineIn]]:
    return list(enumerate(claim.lines, start=1))


def lines_by_date(claim: ClaimImport) -> dict[date, list[tuple[int, ServiceLineIn]]]:
    groups: dict[date, list[tuple[int, ServiceLineIn]]] = defaultdict(list)
    for n, line in numbered_lines(claim):
        groups[line.date_of_service].append((n, line))
    return dict(sorted(groups.items()))


HCPCS_RE = re.compile(rf"^{HCPCS_LEVEL2_SHAPE.pattern}$")
CPT_RE = re.compile(r"^[0-9]{4}[0-9FTU]$")


def procedure_system(code: str) -> str | None:
    """``HCPCS`` (Level II), ``CPT`` (Level I, including Category II/III and PLA) or None if malformed."""
    if HCPCS_RE.fullmatch(code):
        return "HCPCS"
    if CPT_RE.fullmatch(code):
        return "CPT"
    return None


_EM_RANGES = [
    (99202, 99205),
    (99211, 99215),
    (99221, 99223),
    (99231, 99239),
    (99242, 99245),
    (99252, 99255),
    (99281, 99285),
    (99291, 99292),
    (99304, 99310),
    (99315, 99316),
    (99341, 99350),
    (99381, 99397),
    (99401, 99404),
    (99421, 99423),
    (99441, 99443),
    (99460, 99463),
    (99495, 99496),
]


def is_em(code: str) -> bool:
    if not code.isdigit():
        return code in {"G0402", "G0438", "G0439"}  # IPPE and annual wellness visits
    value = int(code)
    return any(lo <= value <= hi for lo, hi in _EM_RANGES)


def is_procedure(code: str) -> bool:
    """Surgery (10004-69990) and medicine (90281-99199) services that need modifier 25 on a same-day E/M."""
    if not code.isdigit():
        return False
    value = int(code)
    return 10004 <= value <= 69990 or 90281 <= value <= 99199


def age_on(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))

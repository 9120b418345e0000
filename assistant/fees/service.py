"""Fee schedule: import (CSV), edit, and ``charge_for`` = the fee in force on a date of service.

An entry is keyed by (code, modifier, effective_from); importing or saving the same key again updates its
charge and end date. Periods of the same (code, modifier) never overlap: an overlapping entry is refused,
naming the entry it collides with. A blank modifier is the code's own fee; an entry with a modifier (e.g.
26, TC) wins for lines that carry that modifier. Money is integer cents (``assistant.core.money``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from assistant.core.errors import InvalidInput, NotFound
from assistant.core.money import MAX_STORED_CENTS, dollars, require_cents
from assistant.fees import repository as repo
from assistant.fees.models import FeeScheduleEntry
from assistant.fees.schemas import FeeImportResult, FeeIn, FeeOut, FeeProblem

PROC_RE = re.compile(r"^[0-9A-Z]{5}$")  # CPT or HCPCS
MODIFIER_RE = re.compile(r"^[0-9A-Z]{2}$")
CSV_HEADER = ("code", "modifier", "charge_cents", "effective_from", "effective_to")


class FeeImportErrors(InvalidInput):
    """Every problem of a fee import, by row and field; nothing was saved."""

    def __init__(self, problems: list[FeeProblem]) -> None:
        first = problems[0]
        where = f"row {first.row} " if first.row is not None else ""
        super().__init__(
            f"{len(problems)} problem(s) in the fee schedule; nothing was saved. First: {where}"
            f"{first.field}: {first.message}",
            field=first.field,
            fix="correct the named rows and fields and import the file again",
        )
        self.problems = problems

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(super().to_dict())
        data["problems"] = [p.model_dump() for p in self.problems]
        return data


def _out(entry: FeeScheduleEntry) -> FeeOut:
    return FeeOut.model_validate(entry, from_attributes=True)


def _date(value: Any, field: str, problems: list[FeeProblem], row: int | None) -> date | None:
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        problems.append(
            FeeProblem(row=row, field=field, message=f"{text!r} is not a date in YYYY-MM-DD form")
        )
        return None


def parse_fee(raw: FeeIn, row: int | None, problems: list[FeeProblem]) -> FeeIn | None:
    """Check one fee; append a problem per bad field; the normalised fee when all are good."""
    before = len(problems)
    code = str(raw.code or "").strip().upper()
    if not PROC_RE.fullmatch(code):
        problems.append(
            FeeProblem(row=row, field="code", message=f"{raw.code!r} is not a 5-character CPT or HCPCS code")
        )
    modifier = str(raw.modifier or "").strip().upper()
    if modifier and not MODIFIER_RE.fullmatch(modifier):
        problems.append(
            FeeProblem(row=row, field="modifier", message=f"{raw.modifier!r} is not a 2-character modifier")
        )
    cents = 0
    try:
        cents = require_cents(raw.charge_cents, field="charge_cents", max_cents=MAX_STORED_CENTS)
    except InvalidInput as exc:
        problems.append(FeeProblem(row=row, field="charge_cents", message=exc.message))
    start = _date(raw.effective_from, "effective_from", problems, row)
    end = None
    if raw.effective_to not in (None, ""):
        end = _date(raw.effective_to, "effective_to", problems, row)
    if start and end and end < start:
        problems.append(
            FeeProblem(row=row, field="effective_to", message=f"ends ({end}) before it starts ({start})")
        )
    if len(problems) > before or start is None:
        return None
    return FeeIn(code=code, modifier=modifier, charge_cents=cents, effective_from=start, effective_to=end)


def _overlaps(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    return (a_to is None or b_from <= a_to) and (b_to is None or a_from <= b_to)


def _span(start: date, end: date | None) -> str:
    return f"{start} to {end or 'open end'}"


def _check_overlaps(
    session: Session, fees: list[tuple[int | None, FeeIn]], problems: list[FeeProblem], skip_id: int | None
) -> None:
    """Overlaps within ``fees`` and with stored entries (an entry with the same key is replaced)."""
    seen: dict[tuple[str, str], list[tuple[int | None, FeeIn]]] = {}
    for row, fee in fees:
        key = (fee.code, fee.modifier)
        start, end = fee.effective_from, fee.effective_to
        assert isinstance(start, date) and not isinstance(end, str)
        for other_row, other in seen.get(key, []):
            assert isinstance(other.effective_from, date) and not isinstance(other.effective_to, str)
            if _overlaps(start, end, other.effective_from, other.effective_to):
                problems.append(
                    FeeProblem(
                        row=row,
                        field="effective_from",
                        message=f"{fee.code}{'-' + fee.modifier if fee.modifier else ''} "
                        f"{_span(start, end)} overlaps row {other_row} "
                        f"({_span(other.effective_from, other.effective_to)})",
                    )
                )
        seen.setdefault(key, []).append((row, fee))
        for stored in repo.entries_for(session, fee.code, fee.modifier):
            if stored.id == skip_id or stored.effective_from == start:
                continue  # the entry being edited / replaced
            if _overlaps(start, end, stored.effective_from, stored.effective_to):
                problems.append(
                    FeeProblem(
                        row=row,
                        field="effective_from",
                        message=f"{fee.code}{'-' + fee.modifier if fee.modifier else ''} "
                        f"{_span(start, end)} overlaps the fee on file "
                        f"{_span(stored.effective_from, stored.effective_to)} "
                        f"({dollars(stored.charge_cents)}); end that one first",
                    )
                )


def _save(session: Session, fee: FeeIn, actor: str, result: FeeImportResult) -> FeeScheduleEntry:
    assert isinstance(fee.effective_from, date) and isinstance(fee.charge_cents, int)
    end = fee.effective_to if isinstance(fee.effective_to, date) else None
    same = [
        e for e in repo.entries_for(session, fee.code, fee.modifier) if e.effective_from == fee.effective_from
    ]
    if same:
        entry = same[0]
        if entry.charge_cents == fee.charge_cents and entry.effective_to == end:
            result.unchanged += 1
            return entry
        entry.charge_cents, entry.effective_to, entry.updated_by = fee.charge_cents, end, actor
        session.flush()
        result.updated += 1
        return entry
    entry = repo.add(
        session,
        FeeScheduleEntry(
            code=fee.code,
            modifier=fee.modifier,
            charge_cents=fee.charge_cents,
            effective_from=fee.effective_from,
            effective_to=end,
            updated_by=actor,
        ),
    )
    result.created += 1
    return entry


def _read_csv(text: str) -> list[tuple[int, FeeIn]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    names = tuple(h.strip().lower() for h in header or [])
    if names != CSV_HEADER:
        raise InvalidInput(
            f"the fee file's header is {','.join(names) or '(empty)'}",
            field="header",
            fix=f"the first line must be exactly: {','.join(CSV_HEADER)}",
        )
    rows: list[tuple[int, FeeIn]] = []
    problems: list[FeeProblem] = []
    for n, cells in enumerate(reader, start=1):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(CSV_HEADER):
            problems.append(
                FeeProblem(
                    row=n, field="(row)", message=f"has {len(cells)} columns, expected {len(CSV_HEADER)}"
                )
            )
            continue
        rows.append((n, FeeIn(**dict(zip(CSV_HEADER, (c.strip() for c in cells), strict=True)))))
    if problems:
        raise FeeImportErrors(problems)
    if not rows:
        raise InvalidInput(
            "the fee file has no rows", field="file", fix="add one fee per line under the header"
        )
    return rows


def import_csv(session: Session, data: str | bytes, actor: str = "system") -> FeeImportResult:
    """Import a fee schedule CSV; all-or-nothing: any bad row or overlap refuses the whole file."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise InvalidInput(
            "the fee file is not UTF-8 text", field="file", fix="save it as UTF-8 CSV"
        ) from None
    problems: list[FeeProblem] = []
    fees: list[tuple[int | None, FeeIn]] = []
    for row, raw in _read_csv(text):
        fee = parse_fee(raw, row, problems)
        if fee is not None:
            fees.append((row, fee))
    _check_overlaps(session, fees, problems, skip_id=None)
    if problems:
        raise FeeImportErrors(problems)
    result = FeeImportResult()
    result.entries = [_out(_save(session, fee, actor, result)) for _, fee in fees]
    return result


def save_fee(session: Session, raw: FeeIn, actor: str = "system", entry_id: int | None = None) -> FeeOut:
    """Add a fee, or edit entry ``entry_id`` (the page's form and the API)."""
    problems: list[FeeProblem] = []
    fee = parse_fee(raw, None, problems)
    if fee is not None:
        _check_overlaps(session, [(None, fee)], problems, skip_id=entry_id)
    if problems or fee is None:
        raise FeeImportErrors(problems)
    if entry_id is not None:
        entry = _entry(session, entry_id)
        assert isinstance(fee.effective_from, date) and isinstance(fee.charge_cents, int)
        entry.code, entry.modifier, entry.charge_cents = fee.code, fee.modifier, fee.charge_cents
        entry.effective_from = fee.effective_from
        entry.effective_to = fee.effective_to if isinstance(fee.effective_to, date) else None
        entry.updated_by = actor
        session.flush()
        return _out(entry)
    return _out(_save(session, fee, actor, FeeImportResult()))


def _entry(session: Session, entry_id: int) -> FeeScheduleEntry:
    entry = repo.entry_by_id(session, entry_id)
    if entry is None:
        raise NotFound(f"no fee {entry_id}", field="id", fix="list the fees with `assistant fees list`")
    return entry


def delete_fee(session: Session, entry_id: int) -> None:
    repo.delete(session, _entry(session, entry_id))


def list_fees(session: Session, code: str | None = None, on: date | None = None) -> list[FeeOut]:
    return [_out(e) for e in repo.list_entries(session, code.strip().upper() if code else None, on)]


def charge_for(session: Session, code: str, modifiers: Sequence[str], date_of_service: date) -> FeeOut | None:
    """The fee in force on ``date_of_service``: an entry for one of the line's modifiers (the first listed
    wins), else the code's own (blank modifier) fee; None when the schedule has no fee for it."""
    mods = [m.strip().upper() for m in modifiers if m and m.strip()]
    found = {e.modifier: e for e in repo.in_force(session, code.strip().upper(), mods, date_of_service)}
    for modifier in [*mods, ""]:
        if modifier in found:
            return _out(found[modifier])
    return None

"""NCCI practitioner PTP and MUE tables: parsing of CMS's quarterly files and of the plain CSV layouts.

Accepted inputs (see docs/formats.md): .xlsx, .csv, tab-delimited .txt, or a .zip holding any of those.
CMS's files open with copyright/disclaimer lines; everything before the header row is skipped. A bad data
row raises ``InvalidInput`` naming the file, the line and the column.

User imports are stored normalised (``ptp.csv`` / ``mue.csv`` in the plain layout), so a rebuild of the
reference database reads a small CSV instead of the original workbook.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from assistant.codesets.loaders.base import LoadContext
from assistant.codesets.loaders.hcpcs import parse_yyyymmdd
from assistant.codesets.models import ncci_mue, ncci_ptp
from assistant.core.errors import InvalidInput

PTP_PLAIN_HEADER = [
    "column1",
    "column2",
    "effective_date",
    "deletion_date",
    "modifier_indicator",
    "rationale",
]
MUE_PLAIN_HEADER = ["code", "mue_value", "mai", "rationale"]
SUPPORTED = (".xlsx", ".xlsm", ".csv", ".txt")
_CODE = re.compile(r"^[A-Z0-9]{5}$")

Row = tuple[str, list[str]]  # ("file.txt: line 12", cells)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    return str(value).strip()


def _text_rows(name: str, text: str) -> Iterator[Row]:
    lines = text.splitlines()
    sample = "\n".join(lines[:200])
    delimiter = "\t" if "\t" in sample else ","
    for n, cells in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
        yield f"{name}: line {n}", [c.strip() for c in cells]


def _xlsx_rows(name: str, data: bytes) -> Iterator[Row]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            for n, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield f"{name} (sheet {sheet.title}): row {n}", [_cell(v) for v in values]
    finally:
        workbook.close()


def _member_rows(name: str, data: bytes) -> Iterator[Row]:
    if name.lower().endswith((".xlsx", ".xlsm")):
        yield from _xlsx_rows(name, data)
    else:
        yield from _text_rows(name, data.decode("utf-8-sig", errors="replace"))


def table_parts(path: Path) -> list[tuple[str, bytes]]:
    """The tables inside ``path``: the file itself, or each supported member of a zip."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [
                m
                for m in archive.namelist()
                if m.lower().endswith(SUPPORTED)
                and not m.startswith("__MACOSX")
                and "readme" not in m.lower()
            ]
            if not members:
                raise InvalidInput(
                    f"{path.name}: the zip holds no .xlsx, .csv or .txt table",
                    field="file",
                    fix="supply the CMS NCCI practitioner file (zip, xlsx, csv or txt)",
                )
            return [(m, archive.read(m)) for m in sorted(members)]
    if path.suffix.lower() not in SUPPORTED:
        raise InvalidInput(
            f"{path.name}: unsupported file type {path.suffix!r}",
            field="file",
            fix="supply an .xlsx, .csv, tab-delimited .txt or a .zip holding one",
        )
    return [(path.name, path.read_bytes())]


def _norm(text: str) -> str:
    return " ".join(text.replace("_", " ").lower().split())


def _ptp_column(header: str) -> str | None:
    h = _norm(header)
    if re.match(r"^column ?1\b", h):
        return "column1"
    if re.match(r"^column ?2\b", h):
        return "column2"
    if "prior to 1996" in h:
        return "prior_1996"
    if h.startswith("effective"):
        return "effective_date"
    if h.startswith("deletion"):
        return "deletion_date"
    if h.startswith("modifier"):
        return "modifier_indicator"
    if "rationale" in h:
        return "rationale"
    return None


def _mue_column(header: str) -> str | None:
    h = _norm(header)
    if "rationale" in h:
        return "rationale"
    if "adjudication" in h or h == "mai":
        return "mai"
    if "mue value" in h or h == "mue":
        return "mue_value"
    if h in ("code", "hcpcs", "cpt") or "hcpcs/cpt" in h or h.startswith("hcpcs") or h.endswith("code"):
        return "code"
    return None


def _find_header(
    rows: Iterator[Row], classify: Any, required: tuple[str, ...], what: str, source: str
) -> tuple[dict[str, int], Iterator[Row]]:
    for _where, cells in rows:
        mapping: dict[str, int] = {}
        for i, cell in enumerate(cells):
            key = classify(cell) if cell else None
            if key and key not in mapping:
                mapping[key] = i
        if all(k in mapping for k in required):
            return mapping, rows
    raise InvalidInput(
        f"{source}: no {what} header row found (need columns {', '.join(required)})",
        field="file",
        fix=f"supply the CMS practitioner {what} file, or a CSV with header {what_header(what)}",
    )


def what_header(what: str) -> str:
    return ",".join(PTP_PLAIN_HEADER[:5] if what == "PTP" else MUE_PLAIN_HEADER)


def _get(cells: list[str], mapping: dict[str, int], key: str) -> str:
    i = mapping.get(key)
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _code(value: str, where: str, column: str) -> str:
    code = value.strip().upper()
    if not _CODE.match(code):
        raise InvalidInput(
            f"{where}, column {column!r}: {value!r} is not a 5-character CPT/HCPCS code",
            field=column,
            fix="correct the code (e.g. 20610, 0591T, J1100) or remove the row",
        )
    return code


def parse_ptp(path: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for name, data in table_parts(path):
        rows = _member_rows(name, data)
        mapping, rows = _find_header(
            rows, _ptp_column, ("column1", "column2", "effective_date", "modifier_indicator"), "PTP", name
        )
        for where, cells in rows:
            if not any(cells):
                continue
            col1 = _get(cells, mapping, "column1")
            col2 = _get(cells, mapping, "column2")
            if not col1 and not col2 and not re.search(r"\d{8}", " ".join(cells)):
                continue  # second line of a two-line header, or trailing notes
            indicator = _get(cells, mapping, "modifier_indicator")
            if indicator not in ("0", "1", "9"):
                raise InvalidInput(
                    f"{where}, column 'modifier_indicator': {indicator!r} is not 0, 1 or 9",
                    field="modifier_indicator",
                    fix="use 0 (not allowed), 1 (allowed with an NCCI-associated modifier) "
                    "or 9 (not applicable)",
                )
            effective = parse_yyyymmdd(
                _get(cells, mapping, "effective_date"), where=where, column="effective_date"
            )
            if effective is None:
                raise InvalidInput(
                    f"{where}, column 'effective_date': missing",
                    field="effective_date",
                    fix="give the edit's effective date as YYYYMMDD",
                )
            raw_deletion = _get(cells, mapping, "deletion_date")
            deletion = (
                None
                if raw_deletion in ("", "*")
                else parse_yyyymmdd(raw_deletion, where=where, column="deletion_date")
            )
            out.append(
                {
                    "column1": _code(col1, where, "column1"),
                    "column2": _code(col2, where, "column2"),
                    "effective_date": effective,
                    "deletion_date": deletion,
                    "modifier_indicator": indicator,
                    "rationale": _get(cells, mapping, "rationale") or None,
                }
            )
    return out


def parse_mue(path: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for name, data in table_parts(path):
        rows = _member_rows(name, data)
        mapping, rows = _find_header(rows, _mue_column, ("code", "mue_value", "mai"), "MUE", name)
        for where, cells in rows:
            if not any(cells):
                continue
            raw_code = _get(cells, mapping, "code")
            raw_value = _get(cells, mapping, "mue_value")
            if not raw_code and not raw_value:
                continue
            code = _code(raw_code, where, "code")
            if not re.fullmatch(r"\d+", raw_value):
                raise InvalidInput(
                    f"{where}, column 'mue_value': {raw_value!r} is not a whole number of units",
                    field="mue_value",
                    fix="give the MUE value as a non-negative integer",
                )
            raw_mai = _get(cells, mapping, "mai")
            mai = raw_mai[:1]
            if mai not in ("1", "2", "3"):
                raise InvalidInput(
                    f"{where}, column 'mai': {raw_mai!r} does not start with 1, 2 or 3",
                    field="mai",
                    fix="use the MUE adjudication indicator 1 (line), 2 (date of service, policy) or "
                    "3 (date of service, clinical)",
                )
            out.append(
                {
                    "code": code,
                    "mue_value": int(raw_value),
                    "mai": mai,
                    "rationale": _get(cells, mapping, "rationale") or None,
                }
            )
    return out


def write_plain_ptp(rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(PTP_PLAIN_HEADER)
        for r in rows:
            writer.writerow(
                [
                    r["column1"],
                    r["column2"],
                    r["effective_date"].strftime("%Y%m%d"),
                    r["deletion_date"].strftime("%Y%m%d") if r["deletion_date"] else "",
                    r["modifier_indicator"],
                    r["rationale"] or "",
                ]
            )


def write_plain_mue(rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(MUE_PLAIN_HEADER)
        for r in rows:
            writer.writerow([r["code"], r["mue_value"], r["mai"], r["rationale"] or ""])


_VERSION = re.compile(r"v(\d{2})(\d)r(\d)", re.IGNORECASE)
_DATE = re.compile(r"(20\d{2})[-_]?(0[1-9]|1[0-2])[-_]?(0[1-9]|[12]\d|3[01])")


def derive_release(path: Path, effective_from: date | None) -> tuple[str, date | None]:
    """Release label and effective date from the file name (or the given date).

    CMS names practitioner PTP files ``ccipra-v321r0-f1`` (NCCI version 32.1 revision 0) and MUE files
    ``..._Eff_2026-01-01``. NCCI versions advance one major number a year, one minor number a quarter:
    version 26.0 took effect on 2020-01-01, so version M.q starts on (1994 + M)-(1 + 3q)-01.
    """
    stem = path.stem
    found = _DATE.search(stem)
    if found and effective_from is None:
        effective_from = date(int(found[1]), int(found[2]), int(found[3]))
    version = _VERSION.search(stem)
    if version:
        major, minor, rev = int(version[1]), int(version[2]), int(version[3])
        if effective_from is None and minor <= 3:
            effective_from = date(1994 + major, 1 + 3 * minor, 1)
        return f"v{major}.{minor}r{rev}", effective_from
    if effective_from is not None:
        return effective_from.isoformat(), effective_from
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem)[:64], None


def load_ptp(ctx: LoadContext) -> dict[str, int]:
    rows = parse_ptp(ctx.file())
    n = ctx.insert(ncci_ptp, rows)
    return {
        "rows": n,
        "active": sum(1 for r in rows if r["deletion_date"] is None),
        "modifier_allowed": sum(1 for r in rows if r["modifier_indicator"] == "1"),
    }


def load_mue(ctx: LoadContext) -> dict[str, int]:
    rows = parse_mue(ctx.file())
    return {"rows": ctx.insert(ncci_mue, rows)}

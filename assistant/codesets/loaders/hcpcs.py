"""HCPCS Level II alpha-numeric file (CMS quarterly "HCPC20xx_<MON>_ANWEB") -> ``codes`` rows.

Three physical forms of the same records are read:

- the CSV shipped in ``codesets/hcpcs/`` (one row per record, CMS column names as header);
- CMS's Excel workbook ``HCPC20xx_<MON>_ANWEB*.xlsx`` (one sheet, same column names);
- CMS's fixed-width text file ``HCPC20xx_<MON>_ANWEB*.txt`` (layout in ``FIXED_WIDTH`` and docs/formats.md).

A code may span several records: RECID 3 (procedure) or 7 (modifier) opens it, RECID 4 / 8 records with a
higher SEQNUM continue its long description. Procedure codes go to system HCPCS, modifiers to
HCPCS-MODIFIER (see ``modifiers.py``).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from assistant.codesets.loaders.base import LoadContext
from assistant.codesets.models import codes
from assistant.core.errors import InvalidInput

# CMS record layout of the fixed-width file: (column, first position, last position), 1-based inclusive.
# Follows CMS's "HCPCS record layout" document that ships in every quarterly zip (records are 320
# characters, positions 294-320 filler). Not verified against an original .txt here: every record is
# validated (RECID, code shape, dates), so a shifted layout fails loudly instead of loading garbage.
FIXED_WIDTH: list[tuple[str, int, int]] = [
    ("HCPC", 1, 5),
    ("SEQNUM", 6, 10),
    ("RECID", 11, 11),
    ("LONG DESCRIPTION", 12, 91),
    ("SHORT DESCRIPTION", 92, 119),
    *[(f"PRICE{i}", 120 + 2 * (i - 1), 121 + 2 * (i - 1)) for i in range(1, 5)],  # 120-127
    ("MULT_PI", 128, 128),
    *[(f"CIM{i}", 129 + 6 * (i - 1), 134 + 6 * (i - 1)) for i in range(1, 4)],  # 129-146
    *[(f"MCM{i}", 147 + 8 * (i - 1), 154 + 8 * (i - 1)) for i in range(1, 4)],  # 147-170
    ("STATUTE", 171, 180),
    *[(f"LABCERT{i}", 181 + 3 * (i - 1), 183 + 3 * (i - 1)) for i in range(1, 9)],  # 181-204
    *[(f"XREF{i}", 205 + 5 * (i - 1), 209 + 5 * (i - 1)) for i in range(1, 6)],  # 205-229
    ("COV", 230, 230),
    ("ASC_GRP", 231, 232),
    ("ASC_DT", 233, 240),
    ("OPPS", 241, 243),
    ("OPPS_PI", 244, 244),
    ("OPPS_DT", 245, 252),
    ("PROCNOTE", 253, 256),
    ("BETOS", 257, 259),
    # 260 filler
    *[(f"TOS{i}", 261 + (i - 1), 261 + (i - 1)) for i in range(1, 6)],  # 261-265
    ("ANEST_BU", 266, 268),
    ("ADD DT", 269, 276),
    ("ACT EFF DT", 277, 284),
    ("TERM DT", 285, 292),
    ("ACTION CD", 293, 293),
]

COVERAGE = {
    "C": "carrier judgment",
    "D": "special coverage instructions apply",
    "I": "not payable by Medicare",
    "M": "non-covered by Medicare",
    "S": "non-covered by Medicare statute",
}
ACTION = {
    "A": "added procedure or modifier code",
    "B": "change in both administrative data and long description",
    "C": "change in long description",
    "D": "discontinued procedure or modifier code",
    "F": "change in administrative data field",
    "N": "no maintenance for this code",
    "P": "payment change (MOG, pricing indicator codes, anesthesia base units, Ambulatory Surgical Centers)",
    "R": "re-activated code",
    "S": "change in short description",
    "T": "miscellaneous change (BETOS, type of service)",
}
PROCEDURE_RECIDS = {"3", "4"}
MODIFIER_RECIDS = {"7", "8"}
_CODE = re.compile(r"^[A-Z0-9]{5}$")
_MODIFIER = re.compile(r"^[A-Z0-9]{2}$")


def _key(name: str) -> str:
    return re.sub(r"[\s_]+", "", str(name)).upper()


def parse_yyyymmdd(value: Any, *, where: str, column: str) -> date | None:
    """CMS dates: ``YYYYMMDD`` (text, number or an Excel date); blank means none."""
    if value is None:
        return None
    if isinstance(value, date):
        return value if type(value) is date else value.date()  # type: ignore[attr-defined]
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        text = text.replace("-", "")
    try:
        if len(text) != 8 or not text.isdigit():
            raise ValueError
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise InvalidInput(
            f"{where}, column {column!r}: {text!r} is not a date in the form YYYYMMDD",
            field=column,
            fix="correct the date (e.g. 20260101) or leave it empty",
        ) from None


@dataclass
class HcpcsRecord:
    code: str
    recid: str
    long_description: str
    short_description: str
    fields: dict[str, str] = field(default_factory=dict)  # normalised CMS column name -> value
    line: int = 0

    @property
    def is_modifier(self) -> bool:
        return self.recid in MODIFIER_RECIDS


def _rows_from_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        header = [_key(name) for name in next(reader, [])]
        return [
            (n, dict(zip(header, cells, strict=False))) for n, cells in enumerate(reader, start=2) if cells
        ]


def _rows_from_xlsx(path: Path) -> list[tuple[int, dict[str, str]]]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        out: list[tuple[int, dict[str, str]]] = []
        header: list[str] | None = None
        for n, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = ["" if v is None else str(v).strip() for v in values]
            if header is None:
                if "HCPC" in {_key(c) for c in cells}:
                    header = [_key(c) for c in cells]
                continue
            if any(cells):
                out.append((n, dict(zip(header, cells, strict=False))))
        if header is None:
            raise InvalidInput(
                f"{path.name}: no header row with an 'HCPC' column",
                field="file",
                fix="supply CMS's HCPC20xx_<MON>_ANWEB.xlsx (alpha-numeric HCPCS file)",
            )
        return out
    finally:
        workbook.close()


def _fixed_width_rows(name: str, lines: Iterable[str]) -> list[tuple[int, dict[str, str]]]:
    """Records of 320 characters; a longer line (CMS's G9871 record is padded to 546) is read by position,
    blank lines (the file ends with one of filler) are skipped."""
    out = []
    for n, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if len(line) < 11:
            raise InvalidInput(
                f"{name}: line {n} is {len(line)} characters long; a HCPCS record is 320",
                field="RECID",
                fix="supply the unmodified CMS fixed-width file HCPC20xx_<MON>_ANWEB.txt",
            )
        row = {_key(column): line[start - 1 : end].strip() for column, start, end in FIXED_WIDTH}
        out.append((n, row))
    return out


def _rows_from_fixed_width(path: Path) -> list[tuple[int, dict[str, str]]]:
    with path.open(encoding="latin-1", newline="") as handle:
        return _fixed_width_rows(path.name, handle)


def anweb_member(names: list[str]) -> str | None:
    """The fixed-width alpha-numeric file inside a CMS quarterly zip (HCPC2026_JAN_ANWEB_01122026.txt)."""
    found = [
        n
        for n in names
        if "ANWEB" in Path(n).name.upper()
        and n.lower().endswith(".txt")
        and "__MACOSX" not in n
        and "LAYOUT" not in n.upper()
    ]
    return sorted(found)[0] if found else None


def _rows_from_zip(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        with zipfile.ZipFile(path) as archive:
            member = anweb_member(archive.namelist())
            if member is None:
                raise InvalidInput(
                    f"{path.name}: no fixed-width HCPC20xx_<MON>_ANWEB*.txt inside the zip",
                    field="file",
                    fix="supply CMS's HCPCS quarterly alpha-numeric zip as downloaded",
                )
            text = archive.read(member).decode("latin-1")
    except zipfile.BadZipFile as exc:
        raise InvalidInput(f"{path.name}: not a readable zip ({exc})", field="file") from exc
    return _fixed_width_rows(f"{path.name}:{member}", io.StringIO(text, newline=""))


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _rows_from_zip(path)
    if suffix == ".csv":
        return _rows_from_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _rows_from_xlsx(path)
    if suffix == ".txt":
        return _rows_from_fixed_width(path)
    raise InvalidInput(
        f"{path.name}: unsupported HCPCS file type {suffix!r}",
        field="file",
        fix="supply CMS's quarterly zip, HCPC20xx_<MON>_ANWEB.xlsx, the fixed-width .txt, or the CSV form",
    )


def read_records(path: Path) -> list[HcpcsRecord]:
    """Records merged per code (continuation records appended), in file order."""
    merged: dict[str, HcpcsRecord] = {}
    for n, row in read_rows(path):
        where = f"{path.name}: line {n}"
        code = row.get("HCPC", "").strip().upper()
        recid = row.get("RECID", "").strip()
        if recid not in PROCEDURE_RECIDS | MODIFIER_RECIDS:
            raise InvalidInput(
                f"{where}, column 'RECID': {recid!r} is not 3, 4, 7 or 8",
                field="RECID",
                fix="check the file is CMS's alpha-numeric HCPCS file (ANWEB) and is not truncated",
            )
        pattern = _MODIFIER if recid in MODIFIER_RECIDS else _CODE
        if not pattern.match(code):
            raise InvalidInput(
                f"{where}, column 'HCPC': {code!r} is not a valid "
                f"{'modifier' if recid in MODIFIER_RECIDS else 'HCPCS code'}",
                field="HCPC",
                fix="check the file is CMS's alpha-numeric HCPCS file (ANWEB)",
            )
        long_text = " ".join(row.get("LONGDESCRIPTION", "").split())
        key = f"{recid in MODIFIER_RECIDS}:{code}"
        existing = merged.get(key)
        if existing is not None:
            existing.long_description = f"{existing.long_description} {long_text}".strip()
            continue
        for column in ("ADDDT", "ACTEFFDT", "TERMDT"):
            parse_yyyymmdd(row.get(column), where=where, column=column)
        merged[key] = HcpcsRecord(
            code=code,
            recid=recid,
            long_description=long_text,
            short_description=" ".join(row.get("SHORTDESCRIPTION", "").split()),
            fields={k: v.strip() for k, v in row.items() if v and v.strip()},
            line=n,
        )
    return list(merged.values())


def _extra(rec: HcpcsRecord) -> dict[str, Any]:
    f = rec.fields
    extra: dict[str, Any] = {"short_description": rec.short_description}
    if f.get("COV"):
        extra["coverage"] = f["COV"]
        extra["coverage_meaning"] = COVERAGE.get(f["COV"], "unknown coverage code")
    repeated = {
        "PRICE": "pricing_indicators",
        "CIM": "cim",
        "MCM": "mcm",
        "LABCERT": "lab_certifications",
        "XREF": "cross_references",
        "TOS": "types_of_service",
    }
    for k in sorted(f):
        name = repeated.get(k[:-1]) if k[-1:].isdigit() else None
        if name:
            extra.setdefault(name, []).append(f[k])
    for name, key in (
        ("multiple_pricing", "MULTPI"),
        ("statute", "STATUTE"),
        ("asc_group", "ASCGRP"),
        ("opps_status", "OPPS"),
        ("opps_payment_indicator", "OPPSPI"),
        ("betos", "BETOS"),
        ("anesthesia_base_units", "ANESTBU"),
        ("processing_note", "PROCNOTE"),
        ("action_code", "ACTIONCD"),
    ):
        if f.get(key):
            extra[name] = f[key]
    if f.get("ACTIONCD"):
        extra["action"] = ACTION.get(f["ACTIONCD"], "unknown action code")
    for name, key in (
        ("add_date", "ADDDT"),
        ("action_effective_date", "ACTEFFDT"),
        ("termination_date", "TERMDT"),
    ):
        value = parse_yyyymmdd(f.get(key), where=f"line {rec.line}", column=key)
        if value:
            extra[name] = value.isoformat()
    return extra


def code_row(rec: HcpcsRecord, system: str, kind: str, sort_order: int) -> dict[str, Any]:
    where = f"line {rec.line}"
    title = rec.long_description or rec.short_description
    return {
        "system": system,
        "code": rec.code,
        "code_nodot": rec.code,
        "kind": kind,
        "title": title,
        "long_title": rec.long_description or None,
        "billable": kind == "code",
        "parent": None,
        "chapter": rec.code[0] if kind == "code" else None,
        "sort_order": sort_order,
        "effective_from": parse_yyyymmdd(rec.fields.get("ADDDT"), where=where, column="ADD DT"),
        "effective_to": parse_yyyymmdd(rec.fields.get("TERMDT"), where=where, column="TERM DT"),
        "extra": _extra(rec),
    }


def load(ctx: LoadContext) -> dict[str, int]:
    records = [r for r in read_records(ctx.file()) if not r.is_modifier]
    rows = [code_row(r, ctx.manifest.system, "code", i) for i, r in enumerate(records)]
    n = ctx.insert(codes, rows)
    return {"codes": n, "terminated": sum(1 for r in rows if r["effective_to"] is not None)}

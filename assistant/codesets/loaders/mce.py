"""Medicare Code Editor data -> ``mce_edits`` (v37 "simple" edits, ``load``) or ``mce_dx`` and
``mce_age_ranges`` (v43.1+ tables with dates, ``load_tables``).

v37: "simple" edits (tab-separated, CMS MCE definitions) -> ``mce_edits``.

Columns: MCE_Version, ICD_Version, MCE_Section, MCE_Subsection, MCE_Edit_Type, ICD_Code_Type, ICD_Code,
ICD_Desc. Diagnosis codes (type D) get their dot after the third character (D630 -> D63.0); ICD-10-PCS
procedure codes (type P) have none.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from assistant.codesets.loaders.base import LoadContext
from assistant.codesets.models import mce_age_ranges, mce_dx, mce_edits


def dotted(code: str) -> str:
    code = code.strip().upper().replace(".", "")
    return f"{code[:3]}.{code[3:]}" if len(code) > 3 else code


def load(ctx: LoadContext) -> dict[str, int]:
    path = ctx.file()
    rows = []
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for n, row in enumerate(csv.DictReader(handle, delimiter="\t"), start=2):
            code_type = (row.get("ICD_Code_Type") or "").strip()
            raw = (row.get("ICD_Code") or "").strip()
            edit_type = (row.get("MCE_Edit_Type") or "").strip()
            if code_type not in ("D", "P") or not raw or not edit_type:
                raise ctx.corrupt(
                    path, f"line {n}: needs ICD_Code_Type D or P, an ICD_Code and an MCE_Edit_Type"
                )
            rows.append(
                {
                    "edit_type": edit_type,
                    "code_type": code_type,
                    "code": dotted(raw) if code_type == "D" else raw.upper(),
                    "description": (row.get("ICD_Desc") or "").strip() or None,
                }
            )
    n_rows = ctx.insert(mce_edits, rows)
    return {
        "rows": n_rows,
        "diagnosis_rows": sum(1 for r in rows if r["code_type"] == "D"),
        "procedure_rows": sum(1 for r in rows if r["code_type"] == "P"),
        "edit_types": len({r["edit_type"] for r in rows}),
    }


def _yyyymmdd(value: str, ctx: LoadContext, path: Path, n: int) -> date | None:
    text = value.strip()
    if not text:
        return None
    try:
        if len(text) != 8 or not text.isdigit():
            raise ValueError
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise ctx.corrupt(path, f"line {n}: {text!r} is not a date YYYYMMDD") from None


def load_tables(ctx: LoadContext) -> dict[str, int]:
    """MCE v43.1+ tables: ``code,start_date,end_date,flags`` (ICD-10-CM diagnoses) and the age ranges."""
    dx_path = ctx.file(role="dx")
    rows = []
    with dx_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != ["code", "start_date", "end_date", "flags"]:
            raise ctx.corrupt(
                dx_path, f"has columns {reader.fieldnames}; expected code,start_date,end_date,flags"
            )
        for n, row in enumerate(reader, start=2):
            raw = row["code"].strip().upper()
            start = _yyyymmdd(row["start_date"], ctx, dx_path, n)
            if not raw or start is None:
                raise ctx.corrupt(dx_path, f"line {n}: needs a code and a start_date")
            rows.append(
                {
                    "code": dotted(raw),
                    "code_nodot": raw,
                    "start_date": start,
                    "end_date": _yyyymmdd(row["end_date"], ctx, dx_path, n),
                    "flags": row["flags"].strip(),
                }
            )
    ages_path = ctx.file(role="age_ranges")
    ages = []
    with ages_path.open(encoding="utf-8", newline="") as handle:
        for n, row in enumerate(csv.DictReader(handle), start=2):
            try:
                lo, hi = int(row["start_age"]), int(row["end_age"])
            except (KeyError, TypeError, ValueError):
                raise ctx.corrupt(ages_path, f"line {n}: start_age and end_age must be numbers") from None
            start = _yyyymmdd(row.get("start_date") or "", ctx, ages_path, n)
            ages.append(
                {
                    "age_group": (row.get("age_group") or "").strip(),
                    "start_age": lo,
                    "end_age": hi,
                    "start_date": start or date(1900, 1, 1),
                    "end_date": _yyyymmdd(row.get("end_date") or "", ctx, ages_path, n),
                }
            )
    n_rows = ctx.insert(mce_dx, rows)
    ctx.insert(mce_age_ranges, ages)
    return {
        "rows": n_rows,
        "diagnosis_codes": len({r["code_nodot"] for r in rows}),
        "flagged_rows": sum(1 for r in rows if r["flags"]),
        "age_ranges": len(ages),
    }

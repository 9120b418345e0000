"""Medicare Code Editor "simple" edits (tab-separated, CMS MCE definitions) -> ``mce_edits``.

Columns: MCE_Version, ICD_Version, MCE_Section, MCE_Subsection, MCE_Edit_Type, ICD_Code_Type, ICD_Code,
ICD_Desc. Diagnosis codes (type D) get their dot after the third character (D630 -> D63.0); ICD-10-PCS
procedure codes (type P) have none.
"""

from __future__ import annotations

import csv

from assistant.codesets.loaders.base import LoadContext
from assistant.codesets.models import mce_edits


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

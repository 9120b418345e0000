"""Modifiers: HCPCS Level II (CMS, system HCPCS-MODIFIER) and CPT modifier numbers (system CPT-MODIFIER).

HCPCS-MODIFIER reads either the shipped 7-column CSV
(``modifier,long_description,short_description,add_date,action_effective_date,termination_date,action_code``)
or a whole CMS alpha-numeric file (its RECID 7/8 records), so an imported quarter updates both systems.
CPT-MODIFIER reads ``[{"code": "25", "description": "..."}]`` written in this project's own words.
"""

from __future__ import annotations

import csv
import json
from typing import Any

from assistant.codesets.loaders import hcpcs
from assistant.codesets.loaders.base import LoadContext
from assistant.codesets.models import codes

MODIFIER_CSV_HEADER = [
    "modifier",
    "long_description",
    "short_description",
    "add_date",
    "action_effective_date",
    "termination_date",
    "action_code",
]


def _from_modifier_csv(ctx: LoadContext) -> list[hcpcs.HcpcsRecord]:
    path = ctx.file()
    out = []
    with path.open(encoding="utf-8", newline="") as handle:
        for n, row in enumerate(csv.DictReader(handle), start=2):
            code = (row.get("modifier") or "").strip().upper()
            if not hcpcs._MODIFIER.match(code):
                raise ctx.corrupt(
                    path, f"line {n}, column 'modifier': {code!r} is not a 2-character modifier"
                )
            out.append(
                hcpcs.HcpcsRecord(
                    code=code,
                    recid="7",
                    long_description=" ".join((row.get("long_description") or "").split()),
                    short_description=" ".join((row.get("short_description") or "").split()),
                    fields={
                        k: v.strip()
                        for k, v in {
                            "ADDDT": row.get("add_date") or "",
                            "ACTEFFDT": row.get("action_effective_date") or "",
                            "TERMDT": row.get("termination_date") or "",
                            "ACTIONCD": row.get("action_code") or "",
                        }.items()
                        if v and v.strip()
                    },
                    line=n,
                )
            )
    return out


def _is_modifier_csv(ctx: LoadContext) -> bool:
    path = ctx.file()
    if path.suffix.lower() != ".csv":
        return False
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first = handle.readline().strip().lower()
    return first.split(",")[0] == "modifier"


def load_hcpcs_modifiers(ctx: LoadContext) -> dict[str, int]:
    if _is_modifier_csv(ctx):
        records = _from_modifier_csv(ctx)
    else:
        records = [r for r in hcpcs.read_records(ctx.file()) if r.is_modifier]
    rows = [hcpcs.code_row(r, ctx.manifest.system, "modifier", i) for i, r in enumerate(records)]
    n = ctx.insert(codes, rows)
    return {"codes": n, "terminated": sum(1 for r in rows if r["effective_to"] is not None)}


def load_cpt_modifiers(ctx: LoadContext) -> dict[str, int]:
    path = ctx.file()
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ctx.corrupt(path, f"is not valid JSON ({exc})") from exc
    rows: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        code = str(item["code"]).strip().upper()
        rows.append(
            {
                "system": ctx.manifest.system,
                "code": code,
                "code_nodot": code,
                "kind": "modifier",
                "title": item["description"],
                "long_title": None,
                "billable": False,
                "parent": None,
                "chapter": None,
                "sort_order": i,
                "effective_from": None,
                "effective_to": None,
                "extra": {"wording": "written by this project (not AMA CPT text)"},
            }
        )
    return {"codes": ctx.insert(codes, rows)}

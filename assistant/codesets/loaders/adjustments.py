"""Adjustment codes written in the project's own words -> ``codes`` (systems CARC, RARC, CAS-GROUP).

Each release file is a JSON list. CARC items: ``code, summary, category, route, fix``; RARC items:
``code, summary, fields``; group items: ``code, name, summary, valid_in_005010``. Categories and routes
must come from the fixed lists below (the denials domain branches on them).
"""

from __future__ import annotations

import json
from typing import Any

from assistant.codesets.loaders.base import LoadContext
from assistant.codesets.models import CARC, GROUP, RARC, codes
from assistant.codesets.schemas import ADJUSTMENT_CATEGORIES as CATEGORIES
from assistant.codesets.schemas import ADJUSTMENT_ROUTES as ROUTES


def _extra(system: str, item: dict[str, Any]) -> dict[str, Any]:
    if system == CARC:
        return {"category": item["category"], "route": item["route"], "fix": list(item["fix"])}
    if system == RARC:
        return {"fields": list(item.get("fields", []))}
    return {"name": item.get("name"), "valid_in_005010": bool(item.get("valid_in_005010", True))}


def load(ctx: LoadContext) -> dict[str, int]:
    path = ctx.file()
    system = ctx.manifest.system
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ctx.corrupt(path, f"is not valid JSON ({exc})") from exc
    rows = []
    for i, item in enumerate(items):
        code = str(item.get("code", "")).strip().upper()
        if not code or not item.get("summary"):
            raise ctx.corrupt(path, f"item {i}: needs `code` and `summary`")
        if system == CARC and (
            item.get("category") not in CATEGORIES
            or item.get("route") not in ROUTES
            or not 1 <= len(item.get("fix", [])) <= 3
        ):
            raise ctx.corrupt(
                path, f"CARC {code}: category/route not from the allowed lists or 1-3 fix steps missing"
            )
        rows.append(
            {
                "system": system,
                "code": code,
                "code_nodot": code,
                "kind": "code",
                "title": item["summary"],
                "long_title": None,
                "billable": False,
                "parent": None,
                "chapter": None,
                "sort_order": i,
                "effective_from": None,
                "effective_to": None,
                "extra": _extra(system, item),
            }
        )
    if system not in (CARC, RARC, GROUP):
        raise ctx.corrupt(path, f"system {system!r} is not CARC, RARC or CAS-GROUP")
    return {"codes": ctx.insert(codes, rows)}

"""CMS place-of-service codes: ``pos_code,name,name_source`` -> ``codes`` (system POS)."""

from __future__ import annotations

import csv
import re

from assistant.codesets.loaders.base import LoadContext
from assistant.codesets.models import codes


def load(ctx: LoadContext) -> dict[str, int]:
    path = ctx.file()
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            code = (row.get("pos_code") or "").strip()
            if not re.fullmatch(r"\d{2}", code):
                raise ctx.corrupt(path, f"line {i + 2}, column 'pos_code': {code!r} is not a 2-digit code")
            rows.append(
                {
                    "system": ctx.manifest.system,
                    "code": code,
                    "code_nodot": code,
                    "kind": "code",
                    "title": (row.get("name") or "").strip(),
                    "long_title": None,
                    "billable": True,
                    "parent": None,
                    "chapter": None,
                    "sort_order": i,
                    "effective_from": None,
                    "effective_to": None,
                    "extra": {"name_source": (row.get("name_source") or "").strip()},
                }
            )
    return {"codes": ctx.insert(codes, rows)}

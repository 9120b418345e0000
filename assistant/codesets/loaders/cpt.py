"""A licensed CPT file the user supplies (never shipped) -> ``codes`` (system CPT).

Accepted layouts (docs/formats.md):

1. CSV or TSV with a header naming ``code`` and at least one of ``short_description``,
   ``medium_description``, ``long_description`` (optional ``effective_date`` YYYYMMDD or YYYY-MM-DD,
   ``deletion_date``).
2. Headerless tab-delimited ``CODE<TAB>DESCRIPTOR`` lines, the layout of the AMA data files
   (e.g. LONGULT.txt / MEDU.txt / SHORTU.txt).

Without such a file the product shows CPT codes as numbers only; ``cpt_number_is_well_formed`` checks them.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from assistant.codesets.loaders.base import LoadContext
from assistant.codesets.loaders.hcpcs import parse_yyyymmdd
from assistant.codesets.models import codes
from assistant.core.errors import InvalidInput

_CPT = re.compile(r"^(\d{5}|\d{4}[FTU])$")
DESCRIPTION_COLUMNS = ("long_description", "medium_description", "short_description")


def cpt_number_is_well_formed(code: str) -> bool:
    """Five digits (Category I, e.g. 99213) or four digits + F, T or U (Category II, III, PLA)."""
    return bool(_CPT.match(code.strip().upper())) if isinstance(code, str) else False


def cpt_category(code: str) -> str:
    last = code[-1]
    return {"F": "II", "T": "III", "U": "PLA"}.get(last, "I")


def _norm(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def parse_cpt(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    lines = text.splitlines()
    if not lines:
        raise InvalidInput(
            f"{path.name}: the file is empty", field="file", fix="supply your licensed CPT file"
        )
    delimiter = "\t" if "\t" in lines[0] else ","
    first = next(csv.reader([lines[0]], delimiter=delimiter))
    header = [_norm(c) for c in first]
    has_header = "code" in header
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    body = lines[1:] if has_header else lines
    start = 2 if has_header else 1
    for n, cells in enumerate(csv.reader(body, delimiter=delimiter), start=start):
        if not any(c.strip() for c in cells):
            continue
        where = f"{path.name}: line {n}"
        if has_header:
            row = {header[i]: cells[i].strip() for i in range(min(len(header), len(cells)))}
        else:
            if len(cells) < 2:
                raise InvalidInput(
                    f"{where}: expected CODE<TAB>DESCRIPTOR", field="description", fix="check the layout"
                )
            row = {"code": cells[0].strip(), "long_description": "\t".join(cells[1:]).strip()}
        code = row.get("code", "").upper()
        if not cpt_number_is_well_formed(code):
            raise InvalidInput(
                f"{where}, column 'code': {code!r} is not a CPT code (5 digits, or 4 digits + F/T/U)",
                field="code",
                fix="correct or remove the row",
            )
        descriptions = {k: row.get(k, "") for k in DESCRIPTION_COLUMNS if row.get(k)}
        if not descriptions:
            raise InvalidInput(
                f"{where}, column 'long_description': no description for {code}",
                field="long_description",
                fix="every row needs a short, medium or long description",
            )
        if code in seen:
            raise InvalidInput(
                f"{where}, column 'code': {code} appears twice", field="code", fix="keep one row"
            )
        seen.add(code)
        out.append(
            {
                "code": code,
                "descriptions": descriptions,
                "effective_from": parse_yyyymmdd(
                    row.get("effective_date"), where=where, column="effective_date"
                ),
                "effective_to": parse_yyyymmdd(row.get("deletion_date"), where=where, column="deletion_date"),
            }
        )
    if not out:
        raise InvalidInput(
            f"{path.name}: no CPT rows found", field="file", fix="supply your licensed CPT file"
        )
    return out


def load(ctx: LoadContext) -> dict[str, int]:
    rows = []
    for i, item in enumerate(parse_cpt(ctx.file())):
        d = item["descriptions"]
        title = d.get("long_description") or d.get("medium_description") or d["short_description"]
        rows.append(
            {
                "system": ctx.manifest.system,
                "code": item["code"],
                "code_nodot": item["code"],
                "kind": "code",
                "title": title,
                "long_title": d.get("long_description"),
                "billable": True,
                "parent": None,
                "chapter": cpt_category(item["code"]),
                "sort_order": i,
                "effective_from": item["effective_from"],
                "effective_to": item["effective_to"],
                "extra": {
                    "short_description": d.get("short_description"),
                    "category": cpt_category(item["code"]),
                },
            }
        )
    return {"codes": ctx.insert(codes, rows)}

"""ICD-10-CM Alphabetic Index (main index, External Cause index, Drug and Neoplasm tables) -> index_terms.

The CSV conversions list terms in document order with a nesting ``Level``; the full path is rebuilt from
the enclosing terms ("Attack, attacks" > "heart" -> "Attack, attacks, heart"). Table rows (Drug, Neoplasm)
give one index_terms row per non-empty column. Codes are normalised to the dotted form ("C64-" -> "C64.-").
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.codesets.loaders.base import LoadContext
from assistant.codesets.models import index_terms

# role in the manifest -> (index_terms.source, {CSV column: table column label} or None for code column)
SOURCES: dict[str, tuple[str, dict[str, str] | None]] = {
    "main": ("main", None),
    "eindex": ("eindex", None),
    "drug": (
        "drug",
        {
            "PoisoningAccidental": "Poisoning, Accidental",
            "PoisoningIntentionalSelfHarm": "Poisoning, Intentional self-harm",
            "PoisoningAssault": "Poisoning, Assault",
            "PoisoningUndetermined": "Poisoning, Undetermined",
            "AdverseEffect": "Adverse effect",
            "Underdosing": "Underdosing",
        },
    ),
    "neoplasm": (
        "neoplasm",
        {
            "MalignantPrimary": "Malignant Primary",
            "MalignantSecondary": "Malignant Secondary",
            "CaInSitu": "Ca in situ",
            "Benign": "Benign",
            "UncertainBehavior": "Uncertain Behavior",
            "UnspecifiedBehavior": "Unspecified Behavior",
        },
    ),
}
REQUIRED = {"Level", "Term"}
# "Note: heart failure stages A, B, C, and D are based on ..." sits at the level of "Failure, heart" itself,
# so taken for a term it would hold "stage A" ... "systolic" ... "valvular" as its own subterms.
_NOTE = re.compile(r"note:", re.IGNORECASE)


def normalise_code(raw: str) -> str | None:
    code = raw.strip().upper()
    if not code or code.strip("-") == "":
        return None
    dash = code.endswith("-")
    core = code.rstrip("-").replace(".", "")
    dotted = core if len(core) <= 3 else f"{core[:3]}.{core[3:]}"
    if dash:
        return f"{dotted}.-" if len(core) == 3 else f"{dotted}-"
    return dotted


def _rows(path: Path, source: str, columns: dict[str, str] | None) -> Iterator[dict[str, Any]]:
    stack: list[str] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = set(reader.fieldnames or [])
        needed = REQUIRED | (set(columns) if columns else {"Code", "See"})
        if not needed <= header:
            raise ValueError(f"missing columns {sorted(needed - header)}")
        for line in reader:
            level = int(line["Level"])
            term = (line["Term"] or "").strip()
            if _NOTE.match(term):
                continue  # an instruction printed among the subterms; the rows after it stay its term's
            if level > len(stack):
                raise ValueError(f"row {line.get('RowID')}: level {level} follows level {len(stack) - 1}")
            del stack[level:]
            stack.append(term)
            base = {
                "source": source,
                "path": ", ".join(stack),
                "main_term": stack[0],
                "level": level,
                "see": (line.get("See") or "").strip() or None,
                "see_also": (line.get("SeeAlso") or "").strip() or None,
                "column": None,
            }
            if columns is None:
                yield {**base, "code": normalise_code(line.get("Code") or "")}
                continue
            cells = [(label, normalise_code(line.get(key) or "")) for key, label in columns.items()]
            cells = [(label, code) for label, code in cells if code]
            if not cells:
                yield {**base, "code": None}
            for label, code in cells:
                yield {**base, "code": code, "column": label}


def load(ctx: LoadContext) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry, path in zip(ctx.manifest.files, ctx.files, strict=True):
        if entry.role not in SOURCES:
            continue
        source, columns = SOURCES[entry.role]
        try:
            counts[source] = ctx.insert(index_terms, _rows(path, source, columns))
        except (ValueError, KeyError, csv.Error, UnicodeDecodeError) as exc:
            raise ctx.corrupt(path, f"is not a readable index CSV ({exc})") from exc
    counts["rows"] = sum(counts.values())
    return counts

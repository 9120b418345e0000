"""A drug the Table of Drugs and Chemicals lists only by its class, read as the Table's term for that class
(assistant/suggest/data/drug_classes.tsv, our own list): "amlodipine" -> "Blockers, calcium channel"."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_TABLE = Path(__file__).with_name("data") / "drug_classes.tsv"


@lru_cache(maxsize=1)
def _classes() -> dict[str, str]:
    rows = (line.split("\t") for line in _TABLE.read_text(encoding="utf-8").splitlines())
    return {row[0].strip(): row[1].strip() for row in rows if len(row) == 2 and not row[0].startswith("#")}


def table_term(drug: str) -> str | None:
    """The Table's term for ``drug``'s class, or None when the Table lists the drug by name (or we do not
    know it)."""
    return _classes().get(drug.strip().lower())

"""Codes the patient makes impossible: the CMS MCE age/sex/maternity/newborn edits and undocumented pregnancy.

Design: the edits are looked up in the reference database the engine already holds
(``reference.mce_edits(code)``), once per code and cached, only for the few candidates that can reach the
answer. Without a reference (a bare index) the pregnancy rule still holds from the code set's own structure:
chapter 15 (O00-O9A) and Z3A weeks of gestation are pregnancy codes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from assistant.codesets.schemas import MceEdit
from assistant.suggest.patient import PatientFacts
from assistant.suggest.store import CodeCatalog

PREGNANCY_PREFIXES = ("O", "Z3A")

# Routine exam codes by age (the Z00 category's own structure): adult <-> child, same findings status.
_ADULT_TO_CHILD = {"Z00.00": "Z00.129", "Z00.01": "Z00.121"}
_CHILD_TO_ADULT = {v: k for k, v in _ADULT_TO_CHILD.items()}
ADULT_EXAM_MIN_AGE = 18


class PatientEdits:
    """Per-service cache of each code's MCE edit types and the patient checks over them."""

    def __init__(self, reference: Any, catalog: CodeCatalog) -> None:
        self.reference = reference if hasattr(reference, "mce_edits") else None
        self.catalog = catalog
        self._edits: dict[tuple[str, date | None], tuple[MceEdit, ...]] = {}

    def edits(self, code: str, on: date | None = None) -> tuple[MceEdit, ...]:
        """The MCE edits of ``code`` in force on ``on`` (the date of service; today when None)."""
        if self.reference is None or self.catalog.system(code) != "ICD-10-CM":
            return ()
        key = (code, on)
        if key not in self._edits:
            try:
                found = self.reference.mce_edits(code, on=on)
            except Exception:  # noqa: BLE001 - a reference without MCE data: no edit applies
                found = []
            self._edits[key] = tuple(sorted(found, key=lambda e: e.edit_type))
        return self._edits[key]

    def prefetch(self, codes: list[str], on: date | None = None) -> None:
        """Look up the edits of many codes in one query (the reference answers ``mce_edits_many``)."""
        many = getattr(self.reference, "mce_edits_many", None)
        new = [c for c in dict.fromkeys(codes) if (c, on) not in self._edits]
        todo = [c for c in new if self.catalog.system(c) == "ICD-10-CM"]
        if many is None or not todo:
            return
        try:
            found = many(todo, on=on)
        except Exception:  # noqa: BLE001 - a reference without MCE data: no edit applies
            found = {}
        for code in todo:
            edits = found.get(code.replace(".", "").upper(), [])
            self._edits[(code, on)] = tuple(sorted(edits, key=lambda e: e.edit_type))

    def conflict(self, code: str, facts: PatientFacts) -> str | None:
        """Why ``code`` cannot be coded for this patient (the warning names the edit), or None."""
        edits = self.edits(code, facts.date_of_service)
        pregnancy_code = any(e.edit_type == "Maternity_Only" for e in edits) or code.startswith(
            PREGNANCY_PREFIXES
        )
        if pregnancy_code and facts.sex == "M":
            return f"{code} left out: MCE Maternity_Only edit, the patient is male"
        if pregnancy_code and not facts.pregnant and not facts.phrase:
            return f"{code} left out: pregnancy code and no pregnancy documented in the note"
        for edit in edits:
            why = _edit_conflict(edit, facts.sex, facts.age_years)
            if why:
                return f"{code} left out: MCE {edit.edit_type} edit ({why})"
        return None


def _edit_conflict(edit: MceEdit, sex: str, age: int | None) -> str | None:
    if edit.edit_type == "Male_Only" and sex == "F":
        return "the patient is female"
    if edit.edit_type == "Female_Only" and sex == "M":
        return "the patient is male"
    ages = edit.age_range()
    if age is None or ages is None:
        return None
    lo, hi = ages
    if not lo <= age <= hi:
        allowed = "age 0" if lo == hi == 0 else f"ages {lo}-{hi}"
        return f"age {age}, {edit.edit_type.removesuffix('_Only').lower()} codes are for {allowed}"
    return None


def exam_for_age(code: str, age: int | None, catalog: CodeCatalog) -> str:
    """Routine exam codes follow the age: Z00.00/Z00.01 (adult) vs Z00.129/Z00.121 (child)."""
    if age is None:
        return code
    swap = _ADULT_TO_CHILD if age < ADULT_EXAM_MIN_AGE else _CHILD_TO_ADULT
    target = swap.get(code)
    return target if target and target in catalog else code


def weeks_code(weeks: int, catalog: CodeCatalog) -> str | None:
    """The Z3A code for the documented weeks of gestation (Z3A.01 under 8 weeks, Z3A.49 over 42)."""
    if weeks < 8:
        code = "Z3A.01"
    elif weeks > 42:
        code = "Z3A.49"
    else:
        code = f"Z3A.{weeks:02d}"
    return code if code in catalog else None

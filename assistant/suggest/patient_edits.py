"""Codes the patient makes impossible: the CMS MCE age/sex/maternity/newborn edits and undocumented pregnancy.

Design: the edits are looked up in the reference database the engine already holds
(``reference.mce_edits(code)``), once per code and cached, only for the few candidates that can reach the
answer. Without a reference (a bare index) the pregnancy rule still holds from the code set's own structure:
chapter 15 (O00-O9A) and Z3A weeks of gestation are pregnancy codes.
"""

from __future__ import annotations

from typing import Any

from assistant.suggest.patient import PatientFacts
from assistant.suggest.store import CodeCatalog

# MCE age ranges (CMS Definitions of Medicare Code Edits): newborn 0, pediatric 0-17, maternity 9-64,
# adult 15-124.
NEWBORN_MAX = 0
PEDIATRIC_MAX = 17
MATERNITY_AGES = (9, 64)
ADULT_MIN = 15
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
        self._edits: dict[str, tuple[str, ...]] = {}

    def edit_types(self, code: str) -> tuple[str, ...]:
        if self.reference is None or self.catalog.system(code) != "ICD-10-CM":
            return ()
        if code not in self._edits:
            try:
                found = self.reference.mce_edits(code)
            except Exception:  # noqa: BLE001 - a reference without MCE data: no edit applies
                found = []
            self._edits[code] = tuple(sorted({e.edit_type for e in found}))
        return self._edits[code]

    def conflict(self, code: str, facts: PatientFacts) -> str | None:
        """Why ``code`` cannot be coded for this patient (the warning names the edit), or None."""
        types = self.edit_types(code)
        pregnancy_code = "Maternity_Only" in types or code.startswith(PREGNANCY_PREFIXES)
        if pregnancy_code and facts.sex == "M":
            return f"{code} left out: MCE Maternity_Only edit, the patient is male"
        if pregnancy_code and not facts.pregnant and not facts.phrase:
            return f"{code} left out: pregnancy code and no pregnancy documented in the note"
        age, sex = facts.age_years, facts.sex
        for edit in types:
            why = _edit_conflict(edit, sex, age)
            if why:
                return f"{code} left out: MCE {edit} edit ({why})"
        return None


def _edit_conflict(edit: str, sex: str, age: int | None) -> str | None:
    if edit == "Male_Only" and sex == "F":
        return "the patient is female"
    if edit == "Female_Only" and sex == "M":
        return "the patient is male"
    if age is None:
        return None
    if edit == "Newborn_Only" and age > NEWBORN_MAX:
        return f"age {age}, newborn codes are for age 0"
    if edit == "Pediatric_Only" and age > PEDIATRIC_MAX:
        return f"age {age}, pediatric codes are for ages 0-{PEDIATRIC_MAX}"
    if edit == "Adult_Only" and age < ADULT_MIN:
        return f"age {age}, adult codes are for ages {ADULT_MIN}-124"
    if edit == "Maternity_Only" and not MATERNITY_AGES[0] <= age <= MATERNITY_AGES[1]:
        return f"age {age}, maternity codes are for ages {MATERNITY_AGES[0]}-{MATERNITY_AGES[1]}"
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

"""Diagnosis-combination and demographic edits: Excludes1 pairs, MCE age and sex conflicts."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.claims.schemas import ClaimImport, Finding
from assistant.claims.scrubber.base import ScrubContext, age_on, error, rule, warning
from assistant.codesets.schemas import MceEdit
from assistant.core.errors import AssistantError

SEX_ONLY = {"Female_Only": ("F", "female"), "Male_Only": ("M", "male")}


def _who(edit_type: str, lo: int, hi: int) -> str:
    return "newborns (age 0)" if edit_type == "Newborn_Only" else f"patients aged {lo}-{hi}"


def _source(edit: MceEdit) -> str:
    stale = ", stale: codes added since are not covered" if edit.stale else ""
    return f"(Medicare Code Editor {edit.release}{stale})"


@rule("excludes1")
def excludes1(claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
    """No two diagnoses on the claim where one's Excludes1 note names the other."""
    on = min(line.date_of_service for line in claim.lines)
    try:
        pairs = ctx.reference.excludes1_conflicts(list(claim.diagnoses), on=on)
    except AssistantError:
        return  # no release for the date: icd10cm-valid reports it
    for a, b, note in pairs:
        i = claim.diagnoses.index(b) if b in claim.diagnoses else 0
        yield error(
            "excludes1",
            f"{a} and {b} are reported together but {a} has an Excludes1 note naming {b} "
            f"({note}): the two conditions cannot be coded together.",
            field=f"diagnoses[{i}]",
            fix="keep the code that fits the documentation and remove the other; only when the two "
            "conditions are unrelated (ICD-10-CM guideline I.A.12.a exception) may both stay",
        )


@rule("mce-age-sex")
def mce_age_sex(claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
    """Diagnoses limited to an age group or a sex that the patient's age on the DOS or sex contradicts."""
    rid = "mce-age-sex"
    person = claim.patient_person
    on = min(line.date_of_service for line in claim.lines)
    age = age_on(person.dob, on)
    prefix = "patient" if claim.patient else "subscriber"
    for i, code in enumerate(claim.diagnoses):
        for edit in ctx.reference.mce_edits(code, on=on):
            ages = edit.age_range()
            if ages is not None:
                lo, hi = ages
                if not lo <= age <= hi:
                    yield error(
                        rid,
                        f"Diagnosis {code} is for {_who(edit.edit_type, lo, hi)}, but the patient is {age} "
                        f"on {on} {_source(edit)}.",
                        field=f"diagnoses[{i}]",
                        fix=f"check the code and the {prefix}.dob; choose a code that fits the patient's age",
                    )
            elif edit.edit_type in SEX_ONLY:
                sex, word = SEX_ONLY[edit.edit_type]
                if person.sex in "MF" and person.sex != sex:
                    yield error(
                        rid,
                        f"Diagnosis {code} applies to {word} patients only, but the patient's sex is "
                        f"{person.sex} {_source(edit)}.",
                        field=f"diagnoses[{i}]",
                        fix=f"check the code and the {prefix}.sex",
                    )
            elif edit.edit_type == "Principal_Manifestation" and i == 0:
                yield warning(
                    rid,
                    f"Diagnosis {code} is a manifestation code and cannot be listed first {_source(edit)}.",
                    field="diagnoses[0]",
                    fix="list the underlying condition first (see the code's 'code first' note)",
                )

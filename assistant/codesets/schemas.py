"""Typed views of reference data, and the lookup contract that claims, suggestions and denials use.

``CodeSetRepository`` (repository.py + cms_repository.py) implements ``ReferenceLookup``.
Code arguments are accepted with or without the dot; results always carry the canonical form.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, Protocol, get_args

from pydantic import BaseModel, ConfigDict, Field

# How a claim adjustment is classed and what to do about it: the project's own vocabulary, shared by the
# CARC/RARC loader (which checks the shipped explanations against it) and the denial explainer.
AdjustmentCategory = Literal[
    "bundling",
    "coding",
    "modifier",
    "medical-necessity",
    "authorization",
    "eligibility",
    "coordination-of-benefits",
    "missing-information",
    "timely-filing",
    "duplicate",
    "non-covered",
    "benefit-limit",
    "contractual",
    "patient-responsibility",
    "provider-enrollment",
    "other",
]
AdjustmentRoute = Literal[
    "correct-and-resubmit",
    "appeal",
    "write-off",
    "bill-patient",
    "bill-secondary",
    "verify-eligibility",
    "obtain-authorization",
    "no-action",
]
ADJUSTMENT_CATEGORIES: tuple[str, ...] = get_args(AdjustmentCategory)
ADJUSTMENT_ROUTES: tuple[str, ...] = get_args(AdjustmentRoute)


class ReleaseInfo(BaseModel):
    system: str
    release: str
    effective_from: date | None
    effective_to: date | None
    source: str
    license: str
    sha256: str
    stale: bool = False
    row_count: int = 0
    user_imported: bool = False
    counts: dict[str, int] = Field(default_factory=dict)  # e.g. {"codes": 98505, "billable": 74719}


class ReleaseState(BaseModel):
    """One loaded release of a system, by a date: in force, ended, future or superseded."""

    release: str
    state: str
    effective_from: date | None
    effective_to: date | None
    rows: int
    stale: bool
    user_imported: bool


class SystemStatus(BaseModel):
    """A code system by a date: the release shown (in force, else the newest), whether it is stale and why,
    what to do, and every loaded release. The manifest's row counts (``codes``, ``billable``...) are extra
    fields of their own names."""

    model_config = ConfigDict(extra="allow")

    release: str | None
    in_force: bool
    effective_from: date | None = None
    effective_to: date | None = None
    rows: int
    stale: bool
    stale_reason: str | None = None
    action: str | None
    as_of: date | None = None
    user_imported: bool = False
    source: str | None = None
    license: str | None = None
    sha256: str | None = None
    releases: list[ReleaseState] = Field(default_factory=list)


class CodeInRelease(BaseModel):
    """A code in one loaded release of its system: present or not, billable, its title there."""

    release: str
    effective_from: date | None
    effective_to: date | None
    present: bool
    billable: bool
    title: str | None


class ReleaseSpan(BaseModel):
    release: str
    effective_from: date | None
    effective_to: date | None


class DiffCounts(BaseModel):
    added: int
    added_billable: int
    deleted: int
    deleted_billable: int
    revised: int
    billable_changed: int


class DiffCode(BaseModel):
    """A code added or deleted between two releases."""

    code: str
    title: str
    billable: bool


class RevisedCode(BaseModel):
    code: str
    old_title: str
    new_title: str


class BillableChange(BaseModel):
    code: str
    title: str
    was_billable: bool
    billable: bool


class ReleaseDiff(BaseModel):
    """What changed in a system between two loaded releases (``assistant codesets diff``)."""

    system: str
    old: ReleaseSpan = Field(serialization_alias="from")
    new: ReleaseSpan = Field(serialization_alias="to")
    counts: DiffCounts
    added: list[DiffCode]
    deleted: list[DiffCode]
    revised: list[RevisedCode]
    billable_changed: list[BillableChange]


class CodeNotes(BaseModel):
    inclusion_terms: list[str] = Field(default_factory=list)
    includes: list[str] = Field(default_factory=list)
    excludes1: list[str] = Field(default_factory=list)
    excludes2: list[str] = Field(default_factory=list)
    code_first: list[str] = Field(default_factory=list)
    use_additional: list[str] = Field(default_factory=list)
    code_also: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    seven_chr_note: str | None = None
    seven_chr: dict[str, str] = Field(default_factory=dict)


class CodeRef(BaseModel):
    code: str
    title: str
    billable: bool


class CodeInfo(BaseModel):
    code: str
    system: str
    title: str
    long_title: str | None = None
    kind: str
    billable: bool
    chapter: str | None = None
    parent: str | None = None
    release: str
    valid_on: date | None = None  # the date the lookup was made for (None: newest release)
    parents: list[CodeRef] = Field(default_factory=list)  # root (chapter) first
    children: list[CodeRef] = Field(default_factory=list)
    notes: CodeNotes = Field(default_factory=CodeNotes)  # written at this code
    inherited_notes: dict[str, CodeNotes] = Field(default_factory=dict)  # ancestor code -> its notes
    extra: dict[str, object] = Field(default_factory=dict)


class SearchHit(BaseModel):
    code: str
    system: str
    title: str
    billable: bool
    score: float
    matched: str  # the title or inclusion term that matched


class PtpEdit(BaseModel):
    column1: str
    column2: str
    effective_date: date
    deletion_date: date | None
    modifier_indicator: str  # "0" never, "1" allowed with an NCCI-associated modifier, "9" not active
    rationale: str | None = None
    release: str


class MueEdit(BaseModel):
    code: str
    mue_value: int
    mai: str  # "1" line edit, "2" date of service (policy), "3" date of service (clinical)
    rationale: str | None = None
    release: str


# The MCE definitions' age ranges since 2019-10-01, for a release that gives none with its edits.
MCE_AGE_RANGES: dict[str, tuple[int, int]] = {
    "Newborn_Only": (0, 0),
    "Pediatric_Only": (0, 17),
    "Maternity_Only": (9, 64),
    "Adult_Only": (15, 124),
}


class MceEdit(BaseModel):
    code: str
    edit_type: str  # Newborn_Only, Pediatric_Only, Maternity_Only, Adult_Only, Female_Only, Male_Only, ...
    release: str
    stale: bool
    min_age: int | None = None  # age edits: the MCE age range in force on the date asked
    max_age: int | None = None

    def age_range(self) -> tuple[int, int] | None:
        """The ages this edit allows (its release's range, else the definitions'); None: not an age edit."""
        if self.edit_type not in MCE_AGE_RANGES:
            return None
        if self.min_age is not None and self.max_age is not None:
            return (self.min_age, self.max_age)
        return MCE_AGE_RANGES[self.edit_type]


class AdjustmentCode(BaseModel):
    """A CARC, RARC or group code explained in the project's own words (not X12 text)."""

    system: str  # CARC | RARC | CAS-GROUP
    code: str
    summary: str
    category: str | None = None
    route: str | None = None
    fix: list[str] = Field(default_factory=list)
    fields: list[str] = Field(
        default_factory=list
    )  # claim fields a RARC points at, e.g. ["rendering_provider.npi"]


class ReferenceLookup(Protocol):
    # --- releases
    def releases(self, system: str | None = None) -> list[ReleaseInfo]: ...
    def release_for(self, system: str, on: date | None = None) -> ReleaseInfo:
        """Release in force on ``on`` (newest when None). Raises NoReleaseForDate / NotReady."""
        ...

    # --- codes (any system)
    def get_code(self, code: str, system: str = "ICD-10-CM", on: date | None = None) -> CodeInfo:
        """Raises UnknownCode (with a did-you-mean suggestion) when absent."""
        ...

    def find_code(self, code: str, system: str = "ICD-10-CM", on: date | None = None) -> CodeInfo | None: ...
    def is_valid(self, code: str, system: str, on: date | None = None) -> bool: ...
    def is_billable(self, code: str, system: str = "ICD-10-CM", on: date | None = None) -> bool: ...
    def search(
        self, query: str, system: str | None = None, limit: int = 20, on: date | None = None
    ) -> list[SearchHit]: ...
    def excludes1_conflicts(self, codes: list[str], on: date | None = None) -> list[tuple[str, str, str]]:
        """Pairs (a, b, note_text) among ``codes`` where an Excludes1 note at a (or an ancestor) names b."""
        ...

    # --- CMS edits
    def ptp_edits(self, codes: list[str], on: date) -> list[PtpEdit]:
        """Active NCCI PTP edits among ``codes`` on date ``on``. Raises NotReady when none imported."""
        ...

    def mue(self, code: str, on: date | None = None) -> MueEdit | None: ...
    def mce_edits(self, code: str, on: date | None = None) -> list[MceEdit]: ...
    def mce_edits_many(self, codes: list[str], on: date | None = None) -> dict[str, list[MceEdit]]: ...
    def is_valid_pos(self, pos: str) -> bool: ...
    def modifier(self, modifier: str) -> CodeInfo | None: ...
    def adjustment_code(self, system: str, code: str) -> AdjustmentCode | None: ...
    def adjustment_codes(self, system: str) -> list[AdjustmentCode]: ...

"""E/M helper input and result. Code numbers only: no AMA descriptor text anywhere."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MdmLevel = Literal["straightforward", "low", "moderate", "high"]


class EmRequest(BaseModel):
    """``total_minutes``: the practitioner's total time on the date of the visit; or the three MDM elements
    (each at its own level: ``problems``, ``data``, ``risk``). Both may be given: the higher level wins."""

    model_config = ConfigDict(extra="forbid")

    patient: Literal["new", "established"]
    total_minutes: int | None = Field(default=None, ge=0, le=1440)
    problems: MdmLevel | None = None
    data: MdmLevel | None = None
    risk: MdmLevel | None = None
    payer: Literal["medicare", "other"] = "other"


class ProlongedService(BaseModel):
    code: str  # G2212 (Medicare) or 99417 (other payers)
    units: int  # one per full 15 minutes beyond the payer's starting point
    from_minutes: int  # total time at which the first unit applies
    reason: str


class EmResult(BaseModel):
    code: str | None  # proposed visit code, None when nothing qualifies
    basis: Literal["time", "mdm", "none"]
    by_time: str | None = None
    by_mdm: str | None = None
    mdm_level: MdmLevel | None = None
    reasons: list[str] = Field(default_factory=list)
    prolonged: ProlongedService | None = None

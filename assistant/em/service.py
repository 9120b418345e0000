"""Propose an office/outpatient E/M visit level from total time or from medical decision making (MDM).

Tables (2021+ rules, as adopted by CMS for the physician fee schedule):

- Time: the level is the highest whose minimum total time on the date is met (new 99202-99205 at
  15/30/45/60 minutes; established 99212-99215 at 10/20/30/40). Below the lowest minimum, time picks
  no level (99211 has no time threshold).
- MDM: each of problems, data and risk is rated straightforward/low/moderate/high; the visit's MDM is the
  highest level that at least two of the three meet (that is the middle of the three ratings).
- Prolonged time, only when the level was chosen by time and is the top one (99205/99215): other payers
  take 99417 from 15 minutes past the top level's minimum (75 new / 55 established); Medicare takes
  G2212 from 15 minutes past the top of the old range (74 + 15 = 89 new / 54 + 15 = 69 established), as
  in the CMS fact sheet of January 2021. One unit per further full 15 minutes.
"""

from __future__ import annotations

from typing import Literal

from assistant.em.schemas import EmRequest, EmResult, MdmLevel, ProlongedService

MDM_ORDER: tuple[MdmLevel, ...] = ("straightforward", "low", "moderate", "high")
# (minimum total minutes, code) per patient type, lowest first; the index matches MDM_ORDER.
TIME_TABLE: dict[str, tuple[tuple[int, str], ...]] = {
    "new": ((15, "99202"), (30, "99203"), (45, "99204"), (60, "99205")),
    "established": ((10, "99212"), (20, "99213"), (30, "99214"), (40, "99215")),
}
# Where the first prolonged unit starts: (code, minutes) per payer kind and patient type.
PROLONGED_START: dict[str, dict[str, tuple[str, int]]] = {
    "other": {"new": ("99417", 75), "established": ("99417", 55)},
    "medicare": {"new": ("G2212", 89), "established": ("G2212", 69)},
}
PROLONGED_STEP = 15


def level_by_time(patient: str, minutes: int) -> tuple[str | None, str]:
    table = TIME_TABLE[patient]
    met = [(m, code) for m, code in table if minutes >= m]
    if not met:
        return None, (
            f"{minutes} min is under the {table[0][0]} min minimum of {table[0][1]} for a {patient} patient: "
            "time picks no level (use MDM)"
        )
    floor, code = met[-1]
    nxt = table[len(met)] if len(met) < len(table) else None
    upper = f", under the {nxt[0]} min of {nxt[1]}" if nxt else " (the top level)"
    return code, f"total time {minutes} min meets the {floor} min minimum of {code}{upper}"


def mdm_level(problems: MdmLevel, data: MdmLevel, risk: MdmLevel) -> MdmLevel:
    """The highest level met by at least two of the three elements: the middle rating."""
    ranks = sorted(MDM_ORDER.index(x) for x in (problems, data, risk))
    return MDM_ORDER[ranks[1]]


def level_by_mdm(
    patient: str, problems: MdmLevel, data: MdmLevel, risk: MdmLevel
) -> tuple[str, MdmLevel, str]:
    level = mdm_level(problems, data, risk)
    code = TIME_TABLE[patient][MDM_ORDER.index(level)][1]
    reason = (
        f"MDM {level}: problems {problems}, data {data}, risk {risk}; "
        f"two of the three reach {level}, which is {code} for a {patient} patient"
    )
    return code, level, reason


def prolonged(patient: str, payer: str, minutes: int) -> ProlongedService | None:
    code, start = PROLONGED_START[payer][patient]
    if minutes < start:
        return None
    units = (minutes - start) // PROLONGED_STEP + 1
    top = TIME_TABLE[patient][-1][1]
    who = "Medicare" if payer == "medicare" else "this payer"
    return ProlongedService(
        code=code,
        units=units,
        from_minutes=start,
        reason=f"{minutes} min: {who} takes {code} with {top} from {start} min, one unit per full "
        f"{PROLONGED_STEP} min ({units} unit{'s' if units > 1 else ''})",
    )


def propose(req: EmRequest) -> EmResult:
    """The proposed level and why; both bases are shown when both are given, the higher one wins."""
    reasons: list[str] = []
    by_time = by_mdm = None
    level: MdmLevel | None = None
    if req.total_minutes is not None:
        by_time, why = level_by_time(req.patient, req.total_minutes)
        reasons.append(why)
    mdm = (req.problems, req.data, req.risk)
    if all(mdm):
        by_mdm, level, why = level_by_mdm(req.patient, req.problems, req.data, req.risk)  # type: ignore[arg-type]
        reasons.append(why)
    elif any(mdm):
        missing = [n for n, v in zip(("problems", "data", "risk"), mdm, strict=True) if v is None]
        reasons.append(f"MDM needs all three elements; missing: {', '.join(missing)}")
    codes = [c for c in (by_time, by_mdm) if c]
    if not codes:
        if req.total_minutes is None and not any(mdm):
            reasons.append("give the total time on the date, or rate problems, data and risk")
        return EmResult(
            code=None, basis="none", by_time=by_time, by_mdm=by_mdm, mdm_level=level, reasons=reasons
        )
    code = max(codes)  # codes of one patient type rise with the level
    basis: Literal["time", "mdm"] = "time" if code == by_time else "mdm"
    if by_time and by_mdm and by_time != by_mdm:
        reasons.append(f"{code} by {basis}: the higher of the two is reported")
    extra = None
    if basis == "time" and req.total_minutes is not None and code == TIME_TABLE[req.patient][-1][1]:
        extra = prolonged(req.patient, req.payer, req.total_minutes)
        if extra:
            reasons.append(extra.reason)
    return EmResult(
        code=code,
        basis=basis,
        by_time=by_time,
        by_mdm=by_mdm,
        mdm_level=level,
        reasons=reasons,
        prolonged=extra,
    )

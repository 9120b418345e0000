"""ReferenceLookup for denial tests: the claims tests' fake plus CARC/RARC/group summaries (test wording,
written for these tests) and an NCCI PTP release label."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from assistant.codesets.schemas import AdjustmentCode, ReleaseInfo
from tests.claims.fakes import FakeReference

HERE = Path(__file__).resolve().parent

CARCS = {
    "1": ("Deductible amount the patient owes.", "patient-responsibility", "bill-patient"),
    "2": ("Coinsurance amount the patient owes.", "patient-responsibility", "bill-patient"),
    "3": ("Copayment amount the patient owes.", "patient-responsibility", "bill-patient"),
    "4": (
        "The procedure code is inconsistent with the modifier used, or a needed modifier is missing.",
        "modifier",
        "correct-and-resubmit",
    ),
    "11": ("The diagnosis does not fit the procedure billed.", "coding", "correct-and-resubmit"),
    "16": (
        "The claim lacks information or has a billing error; the remark code names it.",
        "missing-information",
        "correct-and-resubmit",
    ),
    "18": ("Exact duplicate of a claim or service already processed.", "duplicate", "no-action"),
    "22": (
        "Another payer may be responsible first under coordination of benefits.",
        "coordination-of-benefits",
        "bill-secondary",
    ),
    "27": ("Service incurred after coverage ended.", "eligibility", "verify-eligibility"),
    "29": ("The filing deadline has passed.", "timely-filing", "appeal"),
    "45": ("Charge above the fee schedule or contracted amount.", "contractual", "no-action"),
    "50": ("The payer does not consider the service medically necessary.", "medical-necessity", "appeal"),
    "96": ("A charge the plan does not cover.", "non-covered", "write-off"),
    "97": (
        "The service is included in the payment for another service or procedure done the same day.",
        "bundling",
        "correct-and-resubmit",
    ),
    "119": ("The benefit maximum for this period has been reached.", "benefit-limit", "write-off"),
    "197": ("Precertification or authorization was absent.", "authorization", "obtain-authorization"),
    "B7": (
        "The provider was not certified or eligible to be paid for this service on this date.",
        "provider-enrollment",
        "write-off",
    ),
    "A1": ("Claim or service denied; see remark codes.", None, None),
}
RARCS = {
    "N290": ("Rendering provider identifier missing or invalid.", ["rendering_provider.npi"]),
    "MA130": ("The claim cannot be processed: incomplete or invalid information; submit a new claim.", []),
    "M15": ("Separately billed services or tests were bundled as they are part of another service.", []),
}
GROUPS = {
    "CO": "Contractual obligation",
    "PR": "Patient responsibility",
    "OA": "Other adjustment",
    "PI": "Payer initiated reduction",
    "CR": "Correction or reversal",
}


class DenialsFakeReference(FakeReference):
    def __init__(self, with_carcs: bool = True) -> None:
        super().__init__(ptp_csv=HERE / "ptp_sample.csv")
        self.with_carcs = with_carcs

    def release_for(self, system: str, on: date | None = None) -> ReleaseInfo:
        if system == "NCCI-PTP":
            return ReleaseInfo(
                system=system,
                release="2026-Q1-test",
                effective_from=date(2026, 1, 1),
                effective_to=None,
                source="test fixture",
                license="public domain",
                sha256="0",
            )
        return super().release_for(system, on)

    def adjustment_code(self, system: str, code: str) -> AdjustmentCode | None:
        if not self.with_carcs:
            return None
        if system == "CARC" and code in CARCS:
            s, cat, route = CARCS[code]
            return AdjustmentCode(system=system, code=code, summary=s, category=cat, route=route)
        if system == "RARC" and code in RARCS:
            s, fields = RARCS[code]
            return AdjustmentCode(system=system, code=code, summary=s, fields=fields)
        if system == "CAS-GROUP" and code in GROUPS:
            return AdjustmentCode(system=system, code=code, summary=GROUPS[code])
        return None

    def adjustment_codes(self, system: str) -> list[AdjustmentCode]:
        codes = CARCS if system == "CARC" else RARCS if system == "RARC" else GROUPS
        return [c for c in (self.adjustment_code(system, k) for k in codes) if c is not None]
